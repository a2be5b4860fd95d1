package stacks_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// template is a parsed CloudFormation template with helpers for the checks the tests make.
type template struct {
	Resources map[string]resource       `json:"Resources"`
	Outputs   map[string]map[string]any `json:"Outputs"`
	raw       []byte
}

type resource struct {
	Type                string         `json:"Type"`
	Properties          map[string]any `json:"Properties"`
	DeletionPolicy      string         `json:"DeletionPolicy"`
	UpdateReplacePolicy string         `json:"UpdateReplacePolicy"`
}

func parseTemplate(t *testing.T, data []byte) *template {
	t.Helper()
	var tpl template
	if err := json.Unmarshal(data, &tpl); err != nil {
		t.Fatal(err)
	}
	tpl.raw = data
	return &tpl
}

// ofType returns the logical IDs of every resource of a type, sorted.
func (tp *template) ofType(typ string) []string {
	var ids []string
	for id, r := range tp.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// method is an API Gateway method with its full path resolved through the resource tree.
type method struct {
	API, Verb, Path, AuthType string
	Scopes                    []string
	HasAuthorizer             bool
}

func (tp *template) methods() []method {
	var out []method
	for _, id := range tp.ofType("AWS::ApiGateway::Method") {
		p := tp.Resources[id].Properties
		api := refOf(p["RestApiId"])
		m := method{API: api, Verb: p["HttpMethod"].(string), Path: tp.resourcePath(p["ResourceId"]), AuthType: fmt.Sprint(p["AuthorizationType"])}
		if s, ok := p["AuthorizationScopes"].([]any); ok {
			for _, x := range s {
				m.Scopes = append(m.Scopes, x.(string))
			}
		}
		_, m.HasAuthorizer = p["AuthorizerId"]
		out = append(out, m)
	}
	return out
}

func (tp *template) resourcePath(v any) string {
	if m, ok := v.(map[string]any); ok {
		if ref, ok := m["Ref"].(string); ok {
			r := tp.Resources[ref]
			return tp.resourcePath(r.Properties["ParentId"]) + "/" + r.Properties["PathPart"].(string)
		}
		if _, ok := m["Fn::GetAtt"]; ok {
			return "" // the API's root resource
		}
	}
	return "?"
}

func refOf(v any) string {
	if m, ok := v.(map[string]any); ok {
		if ref, ok := m["Ref"].(string); ok {
			return ref
		}
	}
	return ""
}

var invokeArn = regexp.MustCompile(`/[a-z0-9-]+/([A-Z*]+)(/[^"]*)`)

// rolePolicy is one identity policy a role holds.
type rolePolicy struct {
	where string         // logical ID of the AWS::IAM::Policy, or of the role for its inline policy
	doc   map[string]any // PolicyDocument
	size  int            // length of the document's template JSON
}

// roleDocs lists every inline policy of a role: those in its own Policies, then every AWS::IAM::Policy
// attached to it, in logical-ID order. IAM counts all of them against the role's 10,240-character
// inline policy limit.
func (tp *template) roleDocs(roleID string) []rolePolicy {
	var out []rolePolicy
	add := func(where string, doc any) {
		b, _ := json.Marshal(doc)
		m, _ := doc.(map[string]any)
		out = append(out, rolePolicy{where: where, doc: m, size: len(b)})
	}
	if r, ok := tp.Resources[roleID]; ok && r.Type == "AWS::IAM::Role" {
		pols, _ := r.Properties["Policies"].([]any)
		for _, p := range pols {
			add(roleID, p.(map[string]any)["PolicyDocument"])
		}
	}
	for _, id := range tp.ofType("AWS::IAM::Policy") {
		p := tp.Resources[id].Properties
		for _, r := range p["Roles"].([]any) {
			if refOf(r) == roleID {
				add(id, p["PolicyDocument"])
				break
			}
		}
	}
	return out
}

// invokeRoutes lists "VERB /path" for every execute-api:Invoke grant that reaches the role, through its
// inline policies or any AWS::IAM::Policy attached to it.
func (tp *template) invokeRoutes(roleID string) []string {
	var out []string
	for _, pol := range tp.roleDocs(roleID) {
		for _, st := range pol.doc["Statement"].([]any) {
			s := st.(map[string]any)
			if !contains(s["Action"], "execute-api:Invoke") {
				continue
			}
			res := s["Resource"]
			if _, many := res.([]any); !many {
				res = []any{res}
			}
			for _, r := range res.([]any) {
				b, _ := json.Marshal(r)
				joined := strings.Join(stringsIn(r), "")
				if m := invokeArn.FindStringSubmatch(joined); m != nil {
					out = append(out, m[1]+" "+m[2])
				} else {
					out = append(out, "unparsed "+string(b))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// stringsIn collects the literal strings inside a CloudFormation value (e.g. the parts of an Fn::Join).
func stringsIn(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, stringsIn(e)...)
		}
		return out
	case map[string]any:
		if _, ok := x["Ref"]; ok {
			return []string{"<ref>"}
		}
		var out []string
		for _, k := range []string{"Fn::Join", "Fn::GetAtt", "Fn::Select", "Fn::Split"} {
			if e, ok := x[k]; ok {
				if k == "Fn::Join" {
					parts := e.([]any)
					out = append(out, stringsIn(parts[1])...)
				} else {
					out = append(out, "<"+k+">")
				}
			}
		}
		return out
	}
	return nil
}

func contains(v any, want string) bool {
	switch x := v.(type) {
	case string:
		return x == want
	case []any:
		for _, e := range x {
			if e == want {
				return true
			}
		}
	}
	return false
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

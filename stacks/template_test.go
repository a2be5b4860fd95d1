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

// invokeRoutes lists "VERB /path" for every execute-api:Invoke grant that reaches the role, through any
// AWS::IAM::Policy attached to it.
func (tp *template) invokeRoutes(roleID string) []string {
	var out []string
	for _, id := range tp.ofType("AWS::IAM::Policy") {
		p := tp.Resources[id].Properties
		attached := false
		for _, r := range p["Roles"].([]any) {
			if refOf(r) == roleID {
				attached = true
			}
		}
		if !attached {
			continue
		}
		doc := p["PolicyDocument"].(map[string]any)
		for _, st := range doc["Statement"].([]any) {
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

package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// template is the part of a CloudFormation template the comparison reads.
type template struct {
	Resources map[string]resource
}

// resource is one entry of Resources. Values are decoded generically: strings, bools, numbers (as
// json.Number or YAML scalars), []any and map[string]any.
type resource struct {
	Type       string
	Properties map[string]any
	// Attributes are the resource attributes CloudFormation acts on (DeletionPolicy, UpdateReplacePolicy,
	// DependsOn, Condition, UpdatePolicy, CreationPolicy). Metadata is left out: CDK writes its construct
	// path there, and CloudFormation never updates a resource for it.
	Attributes map[string]any
}

// parseTemplate reads a template in JSON or YAML. YAML is what GetTemplate returns for a stack that was
// deployed from YAML; its short-form intrinsics (!Ref, !GetAtt, !Sub ...) become their long forms so a
// YAML and a JSON template of the same stack compare equal.
func parseTemplate(data []byte, which string) (*template, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%s template is empty", which)
	}
	var doc any
	if trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s template is not valid JSON: %v", which, err)
		}
	} else {
		var node yaml.Node
		if err := yaml.Unmarshal(trimmed, &node); err != nil {
			return nil, fmt.Errorf("%s template is neither JSON nor YAML: %v", which, err)
		}
		v, err := fromYAML(&node)
		if err != nil {
			return nil, fmt.Errorf("%s template: %v", which, err)
		}
		doc = v
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s template is not a CloudFormation template (not an object)", which)
	}
	t := &template{Resources: map[string]resource{}}
	raw, present := root["Resources"]
	if !present {
		return nil, fmt.Errorf("%s template has no Resources section", which)
	}
	resources, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s template: Resources is not an object", which)
	}
	for id, r := range resources {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s template: resource %s is not an object", which, id)
		}
		typ, _ := m["Type"].(string)
		if typ == "" {
			return nil, fmt.Errorf("%s template: resource %s has no Type", which, id)
		}
		res := resource{Type: typ, Properties: map[string]any{}, Attributes: map[string]any{}}
		if p, ok := m["Properties"].(map[string]any); ok {
			res.Properties = p
		}
		for _, a := range []string{"DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Condition", "UpdatePolicy", "CreationPolicy"} {
			if v, ok := m[a]; ok {
				res.Attributes[a] = v
			}
		}
		t.Resources[id] = res
	}
	return t, nil
}

// fromYAML converts a YAML node to generic values, expanding CloudFormation's short-form tags.
func fromYAML(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromYAML(n.Content[0])
	case yaml.AliasNode:
		return fromYAML(n.Alias)
	}
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			val, err := fromYAML(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = val
		}
		v = m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := fromYAML(c)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		v = l
	default:
		v = n.Value
	}
	tag := n.Tag
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return v, nil
	}
	name := tag[1:]
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			if i := strings.IndexByte(s, '.'); i > 0 {
				return map[string]any{"Fn::GetAtt": []any{s[:i], s[i+1:]}}, nil
			}
		}
		return map[string]any{"Fn::GetAtt": v}, nil
	default:
		return map[string]any{"Fn::" + name: v}, nil
	}
}

// scalar is the canonical string form of a scalar; CloudFormation hands scalars to resource providers
// as strings in the legacy schema, so 12 and "12", true and "true" are the same setting.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	}
	return "", false
}

// diff appends the paths under path where a and b differ. A list whose length changed is reported as a
// whole; otherwise lists are compared element by element.
func diff(path string, a, b any, out *[]string) {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		keys := slices.AppendSeq(slices.Collect(maps.Keys(am)), maps.Keys(bm))
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			diff(join(path, k), am[k], bm[k], out)
		}
		return
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if aIsList && bIsList {
		if len(al) != len(bl) {
			*out = append(*out, path)
			return
		}
		for i := range al {
			diff(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i], out)
		}
		return
	}
	as, aOK := scalar(a)
	bs, bOK := scalar(b)
	if aOK && bOK && as == bs && (a == nil) == (b == nil) {
		return
	}
	*out = append(*out, path)
}

func equal(a, b any) bool {
	var d []string
	diff("", a, b, &d)
	return len(d) == 0
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// stringSet reads a list of strings as a sorted set; a missing value is the empty set.
func stringSet(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, _ := scalar(e)
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// lookup follows a dotted path of map keys.
func lookup(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

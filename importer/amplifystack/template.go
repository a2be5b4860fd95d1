package amplifystack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseTemplate reads a template body, JSON or YAML, into maps, slices and strings (every scalar is
// a string; null is nil). YAML short-form intrinsics become their long form (!Ref x is {"Ref": x},
// !GetAtt a.b is {"Fn::GetAtt": [a, b]}, !Join [...] is {"Fn::Join": [...]}), so both formats read
// the same. A body that starts like JSON but that encoding/json rejects is read as YAML, whose flow
// style is a superset of JSON that also takes trailing commas, which amplify-cli's userPoolGroups
// template.json has in some projects (the EJS group loop leaves "},\n}").
func parseTemplate(body string) (map[string]any, error) {
	trimmed := strings.TrimSpace(body)
	if trimmed == "" {
		return nil, errors.New("the template is empty")
	}
	if strings.HasPrefix(trimmed, "{") {
		dec := json.NewDecoder(strings.NewReader(trimmed))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err == nil {
			if m, ok := normalizeJSON(v).(map[string]any); ok {
				return m, nil
			}
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(body), &doc); err != nil {
		return nil, fmt.Errorf("neither JSON nor YAML: %v", err)
	}
	m, ok := fromYAML(&doc).(map[string]any)
	if !ok {
		return nil, errors.New("the template is not a mapping")
	}
	return m, nil
}

func normalizeJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = normalizeJSON(e)
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = normalizeJSON(e)
		}
		return v
	case json.Number:
		return v.String()
	case bool:
		return fmt.Sprint(v)
	default:
		return v // string or nil
	}
}

func fromYAML(n *yaml.Node) any {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return fromYAML(n.Content[0])
	case yaml.AliasNode:
		return fromYAML(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = fromYAML(n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			s = append(s, fromYAML(c))
		}
		v = s
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		v = n.Value
	}
	tag := n.Tag
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return v
	}
	fn := tag[1:]
	switch fn {
	case "Ref", "Condition":
		return map[string]any{fn: v}
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, _ := strings.Cut(s, ".")
			return map[string]any{"Fn::GetAtt": []any{res, attr}}
		}
	}
	return map[string]any{"Fn::" + fn: v}
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func compact(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(b.String())
}

// nestedParams is the parameter values the template passes the nested stack def
// (Properties.Parameters), as far as they are plain strings once the template's own parameters
// (params, then Defaults) are put in: Amplify's root passes each category stack its parameters.json
// and env as literals, and outputs of other stacks as Fn::GetAtt, which stay out.
func nestedParams(tmpl, def map[string]any, params map[string]string) map[string]string {
	out := map[string]string{}
	e := evaluator{tmpl: tmpl, params: params}
	for k, v := range mapOf(mapOf(def["Properties"])["Parameters"]) {
		if s, ok := e.str(v); ok {
			out[k] = s
		}
	}
	return out
}

// evaluator works out the few intrinsics Amplify's templates build names with: Ref to a parameter,
// Fn::Join, Fn::If on a condition of Fn::Equals / Fn::Not / Fn::And / Fn::Or / Condition.
type evaluator struct {
	tmpl   map[string]any
	params map[string]string // values the parent passed
	depth  int
}

func (e *evaluator) param(name string) (string, bool) {
	if v, ok := e.params[name]; ok {
		return v, true
	}
	def := mapOf(mapOf(e.tmpl["Parameters"])[name])
	if def == nil {
		return "", false
	}
	d, ok := def["Default"].(string)
	return d, ok
}

func (e *evaluator) str(v any) (string, bool) {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > 32 {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case map[string]any:
		if len(v) != 1 {
			return "", false
		}
		for fn, arg := range v {
			switch fn {
			case "Ref":
				name, ok := arg.(string)
				if !ok {
					return "", false
				}
				return e.param(name)
			case "Fn::Join":
				a, ok := arg.([]any)
				if !ok || len(a) != 2 {
					return "", false
				}
				sep, ok := e.str(a[0])
				list, ok2 := a[1].([]any)
				if !ok || !ok2 {
					return "", false
				}
				parts := make([]string, 0, len(list))
				for _, p := range list {
					s, ok := e.str(p)
					if !ok {
						return "", false
					}
					parts = append(parts, s)
				}
				return strings.Join(parts, sep), true
			case "Fn::If":
				a, ok := arg.([]any)
				if !ok || len(a) != 3 {
					return "", false
				}
				cond, ok := a[0].(string)
				if !ok {
					return "", false
				}
				c, ok := e.condition(cond)
				if !ok {
					return "", false
				}
				if c {
					return e.str(a[1])
				}
				return e.str(a[2])
			}
		}
	}
	return "", false
}

func (e *evaluator) condition(name string) (bool, bool) {
	def, ok := mapOf(e.tmpl["Conditions"])[name]
	if !ok {
		return false, false
	}
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > 32 {
		return false, false
	}
	return e.cond(def)
}

func (e *evaluator) cond(v any) (bool, bool) {
	m := mapOf(v)
	if len(m) != 1 {
		return false, false
	}
	for fn, arg := range m {
		if fn == "Condition" {
			name, ok := arg.(string)
			if !ok {
				return false, false
			}
			return e.condition(name)
		}
		a, ok := arg.([]any)
		if !ok {
			return false, false
		}
		switch fn {
		case "Fn::Equals":
			if len(a) != 2 {
				return false, false
			}
			x, ok := e.str(a[0])
			y, ok2 := e.str(a[1])
			return x == y, ok && ok2
		case "Fn::Not":
			if len(a) != 1 {
				return false, false
			}
			c, ok := e.cond(a[0])
			return !c, ok
		case "Fn::And", "Fn::Or":
			and := fn == "Fn::And"
			for _, x := range a {
				c, ok := e.cond(x)
				if !ok {
					return false, false
				}
				if c != and {
					return c, true
				}
			}
			return and, true
		}
	}
	return false, false
}

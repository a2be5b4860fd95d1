package spec

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxNodes bounds the work one spec may cause, so alias bombs and huge files fail fast.
const maxNodes = 200_000

// maxDepth bounds nesting; no valid spec nests deeper than about ten levels.
const maxDepth = 64

// scalarDecoder lets a raw type accept a scalar besides its mapping (a route is a name or a mapping);
// decode calls it for a scalar node (never null, never an alias) and decodes any other node generically.
type scalarDecoder interface {
	decodeScalar(d *decoder, n *yaml.Node, path string)
}

type decoder struct {
	r    *reporter
	vars map[string]string
	stop bool
}

var varPattern = regexp.MustCompile(`\$\{([^}]*)\}`)

// decode fills v from n, recording positions and reporting every mismatch without stopping.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, depth int) {
	if !d.spend(n, 1) {
		return
	}
	if depth > maxDepth {
		d.mismatch(n, path, "nested more than %d levels deep; no app spec field nests this far", maxDepth)
		return
	}
	if n.Kind == yaml.AliasNode {
		d.decode(n.Alias, v, path, depth+1)
		return
	}
	if v.Kind() == reflect.Pointer {
		if isNull(n) {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if sd, ok := v.Interface().(scalarDecoder); ok && n.Kind == yaml.ScalarNode {
			sd.decodeScalar(d, n, path)
			return
		}
		d.decode(n, v.Elem(), path, depth)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path, depth)
	case reflect.Map:
		d.decodeMap(n, v, path, depth)
	case reflect.Slice:
		d.decodeSlice(n, v, path, depth)
	case reflect.String:
		if s, ok := d.scalar(n, path, "!!str", "a string"); ok {
			v.SetString(d.substitute(s, n, path))
		}
	case reflect.Int:
		if s, ok := d.scalar(n, path, "!!int", "a whole number"); ok {
			i, err := strconv.ParseInt(s, 0, 64)
			if err != nil || i > 1<<31 || i < -(1<<31) {
				d.mismatch(n, path, "%q is out of range", s)
				return
			}
			v.SetInt(i)
		}
	case reflect.Bool:
		if s, ok := d.scalar(n, path, "!!bool", "true or false"); ok {
			v.SetBool(s == "true" || s == "True" || s == "TRUE")
		}
	default:
		panic(fmt.Sprintf("spec: unsupported field kind %s", v.Kind())) // a programming error in raw.go
	}
}

// spend charges steps to the node budget. Past it, it reports the spec as too large, once, and the
// decoder stops: aliases and merge keys can make a small file describe an enormous value.
func (d *decoder) spend(n *yaml.Node, steps int) bool {
	if d.stop {
		return false
	}
	d.r.work.Nodes += steps
	if d.r.work.Nodes > maxNodes {
		d.r.at(nodePos(n), "", "the spec is too large: more than %d YAML nodes (check for runaway aliases)", maxNodes)
		d.stop = true
		return false
	}
	return true
}

// mismatch reports a value of the wrong shape or type and remembers that path failed to decode.
func (d *decoder) mismatch(n *yaml.Node, path, format string, args ...any) {
	d.r.at(nodePos(n), path, format, args...)
	d.r.failed[path] = true
}

func (d *decoder) scalar(n *yaml.Node, path, tag, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.mismatch(n, path, "must be %s, not %s", want, describe(n))
		return "", false
	}
	if isNull(n) {
		d.mismatch(n, path, "is empty; give %s or remove the key", want)
		return "", false
	}
	if n.ShortTag() != tag {
		hint := ""
		switch {
		case tag == "!!str":
			hint = fmt.Sprintf(" (quote it: \"%s\")", n.Value)
		case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && (&yaml.Node{Kind: yaml.ScalarNode, Value: n.Value}).ShortTag() == tag:
			hint = " (remove the quotes)"
		}
		d.mismatch(n, path, "must be %s, not %s%s", want, describe(n), hint)
		return "", false
	}
	return n.Value, true
}

// substitute expands ${stage} and ${app}; any other ${...} is a mistake worth reporting.
func (d *decoder) substitute(s string, n *yaml.Node, path string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	return varPattern.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		if val, ok := d.vars[name]; ok {
			return val
		}
		d.mismatch(n, path, "unknown variable %s: only ${stage} and ${app} are substituted%s", m, didYouMean(name, []string{"stage", "app"}))
		return m
	})
}

func (d *decoder) mapping(n *yaml.Node, path string) bool {
	if n.Kind == yaml.MappingNode {
		return true
	}
	if isNull(n) {
		return false
	}
	d.mismatch(n, path, "must be a mapping (key: value), not %s", describe(n))
	return false
}

// pairs yields the key/value pairs of a mapping, expanding merge keys (<<) and reporting duplicates.
// A mapping's own keys override merged ones, wherever the << is written (YAML merge semantics).
func (d *decoder) pairs(n *yaml.Node, path string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]Pos{}
	// A mapping merged twice adds nothing new; skipping it stops merge cycles (&a { <<: *a }) and
	// merge bombs (each level merging the previous one ten times).
	visited := map[*yaml.Node]bool{n: true}
	var walk func(n *yaml.Node, merged bool)
	walk = func(n *yaml.Node, merged bool) {
		if merged {
			d.r.work.Merged++
		}
		var sources []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				src := v
				if src.Kind == yaml.AliasNode {
					src = src.Alias
				}
				if src.Kind == yaml.MappingNode {
					sources = append(sources, src)
				} else {
					d.r.at(nodePos(v), path, "a merge key (<<) must refer to a mapping")
				}
				continue
			}
			if k.Kind != yaml.ScalarNode {
				d.r.at(nodePos(k), path, "keys must be plain strings, not %s", describe(k))
				continue
			}
			if prev, dup := seen[k.Value]; dup {
				if !merged {
					d.r.at(nodePos(k), child(path, k.Value), "duplicate key %q (first defined at line %d); remove one", k.Value, prev.Line)
				}
				continue
			}
			seen[k.Value] = nodePos(k)
			fn(k.Value, k, v)
		}
		for _, src := range sources {
			// Walking a merged mapping is work the document does not show where it is used: a mapping
			// merging a long chain, used many times, costs chain length times uses.
			if !visited[src] && d.spend(src, 1+len(src.Content)/2) {
				visited[src] = true
				walk(src, true)
			}
		}
	}
	walk(n, false)
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, depth int) {
	if !d.mapping(n, path) {
		return
	}
	t := v.Type()
	var names []string
	fields := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" {
			names = append(names, tag)
			fields[tag] = i
		}
	}
	d.pairs(n, path, func(key string, k, val *yaml.Node) {
		p := child(path, key)
		i, ok := fields[key]
		if !ok {
			d.r.at(nodePos(k), p, "unknown key %q%s (allowed here: %s)", key, didYouMean(key, names), strings.Join(names, ", "))
			return
		}
		// A field's own problems point at its value when that is a scalar (memory: 64, runtime: golang),
		// and at its key when it is a block.
		d.r.pos[p] = nodePos(k)
		if target := val; target.Kind == yaml.ScalarNode || (target.Kind == yaml.AliasNode && target.Alias != nil && target.Alias.Kind == yaml.ScalarNode) {
			d.r.pos[p] = nodePos(target)
		}
		d.decode(val, v.Field(i), p, depth+1)
	})
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string, depth int) {
	if !d.mapping(n, path) {
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	d.pairs(n, path, func(key string, k, val *yaml.Node) {
		p := child(path, key)
		d.r.pos[p] = nodePos(k)
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem, p, depth+1)
		v.SetMapIndex(reflect.ValueOf(key), elem)
	})
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.SequenceNode {
		if isNull(n) {
			return
		}
		d.mismatch(n, path, "must be a list ([a, b] or one \"- item\" per line), not %s", describe(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		p := index(path, i)
		d.r.pos[p] = nodePos(item)
		d.decode(item, out.Index(i), p, depth+1)
	}
	v.Set(out)
}

func (r *rawRoute) decodeScalar(d *decoder, n *yaml.Node, path string) {
	if s, ok := d.scalar(n, path, "!!str", "a function name or a route mapping"); ok {
		r.Function = d.substitute(s, n, path)
		d.r.pos[child(path, "function")] = nodePos(n)
	}
}

func (a *rawCustomAttr) decodeScalar(d *decoder, n *yaml.Node, path string) {
	if s, ok := d.scalar(n, path, "!!str", "an attribute type or a mapping { type, mutable, userWritable }"); ok {
		a.Type = d.substitute(s, n, path)
		a.short = true
	}
}

func (s *rawSecret) decodeScalar(d *decoder, n *yaml.Node, path string) {
	s.plaintext = true
	d.plaintextRef(n, path, "secrets are never written in the spec; store the secret in AWS Secrets Manager and reference it: { secretsManager: NAME } (optionally with jsonField)")
}

func (s *rawValueRef) decodeScalar(d *decoder, n *yaml.Node, path string) {
	s.plaintext = true
	d.plaintextRef(n, path, "the value itself is never written in the spec; reference where it lives: { stack: STACK, output: KEY } (e.g. Amplify's API stack's GraphQLAPIKeyOutput), { secretsManager: NAME } or { ssm: PARAMETER }")
}

func (s *rawFunctionSecret) decodeScalar(d *decoder, n *yaml.Node, path string) {
	s.plaintext = true
	d.plaintextRef(n, path, "secrets are never written in the spec; store the value in Secrets Manager or SSM Parameter Store and reference it: { secretsManager: NAME } or { ssmParameter: /NAME }")
}

// plaintextRef reports a reference written as a plain value, with msg. The value is never echoed: it
// may be a real secret.
func (d *decoder) plaintextRef(n *yaml.Node, path, msg string) {
	d.r.at(nodePos(n), path, "%s", msg)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func nodePos(n *yaml.Node) Pos {
	return Pos{Line: n.Line, Col: n.Column}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.ShortTag() {
	case "!!str":
		return fmt.Sprintf("the string %q", truncate(n.Value))
	case "!!int":
		return "the number " + truncate(n.Value)
	case "!!float":
		return "the number " + truncate(n.Value)
	case "!!bool":
		return n.Value
	case "!!null":
		return "empty"
	}
	return fmt.Sprintf("a value tagged %q", strings.TrimPrefix(n.ShortTag(), "!!"))
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

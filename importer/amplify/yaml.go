package amplify

import (
	"bytes"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The spec is written as a yaml.v3 node tree so every value can carry the comment that says where it
// came from. Keys are added in the order the code chooses (fixed field order, names sorted): the
// output is deterministic.

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func num(v int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
}

func boolean(v bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
}

// flowList is a one-line list: [a, b].
func flowList(vs ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range vs {
		n.Content = append(n.Content, str(v))
	}
	return n
}

// ymap is a mapping under construction.
type ymap struct{ n *yaml.Node }

func newMap() ymap { return ymap{&yaml.Node{Kind: yaml.MappingNode}} }

// newFlowMap is a one-line mapping: {a: 1, b: 2}.
func newFlowMap() ymap { return ymap{&yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}} }

func (m ymap) empty() bool { return len(m.n.Content) == 0 }

// add appends key: value. A comment goes at the end of the line for a scalar or one-line value, and
// on the lines above the key for a block value.
func (m ymap) add(key string, v *yaml.Node, comment string) {
	k := str(key)
	if comment != "" {
		if v.Kind == yaml.ScalarNode || v.Style == yaml.FlowStyle {
			v.LineComment = comment
		} else {
			k.HeadComment = comment
		}
	}
	m.n.Content = append(m.n.Content, k, v)
}

// addNote appends key: value with comment lines above the key (for explanations too long for the end
// of a line).
func (m ymap) addNote(key string, v *yaml.Node, note string) {
	k := str(key)
	k.HeadComment = note
	m.n.Content = append(m.n.Content, k, v)
}

// addMap appends key: <mapping> unless the mapping is empty.
func (m ymap) addMap(key string, v ymap, comment string) {
	if v.empty() {
		return
	}
	m.add(key, v.n, comment)
}

// commentLines joins lines into a comment block (yaml.v3 adds the "# ").
func commentLines(lines ...string) string { return strings.Join(lines, "\n") }

// encodeYAML renders the document with two-space indentation.
func encodeYAML(root *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Package spectest holds helpers shared by tests of several packages.
package spectest

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// Reversed returns data with every mapping's keys and every list reversed: the same app written in a
// different order. Tests across packages use it to prove output does not depend on spec order.
func Reversed(t testing.TB, data []byte) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node, top bool)
	walk = func(n *yaml.Node, top bool) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, true)
			}
		case yaml.MappingNode:
			var pairs [][2]*yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], false)
				pairs = append(pairs, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
			}
			n.Content = n.Content[:0]
			for i := len(pairs) - 1; i >= 0; i-- {
				// version stays first: it is read before anything else.
				if top && pairs[i][0].Value == "version" {
					n.Content = append([]*yaml.Node{pairs[i][0], pairs[i][1]}, n.Content...)
					continue
				}
				n.Content = append(n.Content, pairs[i][0], pairs[i][1])
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, false)
			}
			for i, j := 0, len(n.Content)-1; i < j; i, j = i+1, j-1 {
				n.Content[i], n.Content[j] = n.Content[j], n.Content[i]
			}
		}
	}
	walk(&doc, false)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

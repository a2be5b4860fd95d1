package spec_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/underhood-dev/underhood/spec"
)

// TestMergeKeyOverride: a mapping's own keys override merged ones, wherever << is written.
func TestMergeKeyOverride(t *testing.T) {
	const text = `version: 1
app: merge
functions:
  base: &base { runtime: nodejs, source: functions/catalog, memory: 256 }
  big:
    <<: *base
    memory: 1024
  small: { memory: 128, <<: *base }
`
	app, err := spec.Parse("app.yaml", "../examples/iam-guest", []byte(text), "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range app.Functions {
		got[f.Name] = f.Memory
	}
	if got["base"] != 256 || got["big"] != 1024 || got["small"] != 128 {
		t.Errorf("memory by function: %v, want base 256, big 1024, small 128", got)
	}
}

// hostileInputs are specs built to make a loader work hard: aliases and merge keys that describe far
// more than the file holds, cycles, deep nesting, and a syntax error early in a long file.
func hostileInputs() []struct{ name, text, wantErr string } {
	var bomb strings.Builder // each level merges the previous one ten times
	bomb.WriteString("version: 1\napp: x\nm0: &m0 {userPool: {}}\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&bomb, "m%d: &m%d {", i, i)
		for j := 0; j < 10; j++ {
			fmt.Fprintf(&bomb, "<<: *m%d, ", i-1)
		}
		bomb.WriteString("}\n")
	}
	bomb.WriteString("auth: *m8\n")

	var laughs strings.Builder // each list holds the previous one ten times
	laughs.WriteString("version: 1\napp: x\nl0: &l0 [lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&laughs, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d,", i-1), 10), ","))
	}
	laughs.WriteString("frontend: *l9\n")

	var chain strings.Builder // a 2000-mapping merge chain, each alias of its end walks all of it
	chain.WriteString("version: 1\napp: x\nx-chain:\n  m0: &m0 {runtime: nodejs}\n")
	for i := 1; i < 2000; i++ {
		fmt.Fprintf(&chain, "  m%d: &m%d {<<: *m%d}\n", i, i, i-1)
	}
	chain.WriteString("functions:\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&chain, "  f%d: *m1999\n", i)
	}

	var wide strings.Builder // 40 aliases of a 10000-node list: each alias is small, all of them are not
	wide.WriteString("version: 1\napp: x\nfunctions:\n  f: { runtime: nodejs, source: s, access: { s0: &l [" + strings.Repeat("read, ", 9999) + "read]")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&wide, ", s%d: *l", i)
	}
	wide.WriteString(" } }\n")

	return []struct{ name, text, wantErr string }{
		{"merge bomb", bomb.String(), "expands to more than"},
		{"merge cycle", "version: 1\napp: x\nauth: &a { <<: *a }\n", "expands to more than"},
		{"billion laughs", laughs.String(), "expands to more than"},
		{"list cycle", "version: 1\napp: x\nfrontend: &a [*a]\n", "expands to more than"},
		{"merge chain used often", chain.String(), "the spec is too large"},
		{"many aliases", wide.String(), "the spec is too large"},
		{"deep block", "version: 1\napp: x\nauth:\n" + strings.Repeat("  ", 1) + strings.Repeat("- ", 5000) + "x\n", "must be a mapping"},
		{"misindented key after 3000 lines", "version: 1\napp: x\nfunctions:\n" + strings.Repeat("  f: { runtime: nodejs, source: functions/f }\n", 3000) + " g: {}\n", "YAML syntax error"},
	}
}

// TestHostileInputsBoundedWork: hostile specs fail with a clear error, and the work the load took is
// bounded by the size of the document or by the loader's budgets, counted rather than timed (the time
// they take is measured by BenchmarkHostileInputs).
func TestHostileInputsBoundedWork(t *testing.T) {
	for _, tt := range hostileInputs() {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.text)
			_, w, err := spec.ParseWork("app.yaml", ".", data, "")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			checkWork(t, data, w)
			t.Logf("%d bytes, %d document nodes: %+v", len(data), documentNodes(data), w)
		})
	}
}

// checkWork asserts the bounds every load keeps: each node of the document visited once to size the
// aliases, the decoder's node budget (one charge may overshoot it by at most a mapping of the
// document), every merged mapping walked charged to that budget, and the syntax re-parse budget (the
// last parse may overshoot it by at most the file).
func checkWork(t testing.TB, data []byte, w spec.Work) {
	t.Helper()
	if n := documentNodes(data); w.AliasScan > n {
		t.Errorf("sizing the aliases visited %d nodes; the document has %d", w.AliasScan, n)
	}
	if w.Nodes > spec.MaxNodes+len(data) {
		t.Errorf("decoded %d nodes; the budget is %d", w.Nodes, spec.MaxNodes)
	}
	if w.Merged > w.Nodes {
		t.Errorf("walked %d merged mappings, more than the %d nodes charged", w.Merged, w.Nodes)
	}
	if w.SyntaxBytes > spec.SyntaxBudget+len(data) {
		t.Errorf("re-parsed %d bytes to place a syntax error; the budget is %d", w.SyntaxBytes, spec.SyntaxBudget)
	}
}

// documentNodes counts the nodes of the first YAML document as written (aliases not followed), or 0
// when it does not parse.
func documentNodes(data []byte) int {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return 0
	}
	var count func(n *yaml.Node) int
	count = func(n *yaml.Node) int {
		total := 1
		for _, c := range n.Content {
			total += count(c)
		}
		return total
	}
	return count(&doc)
}

func BenchmarkHostileInputs(b *testing.B) {
	for _, tt := range hostileInputs() {
		b.Run(strings.ReplaceAll(tt.name, " ", "_"), func(b *testing.B) {
			data := []byte(tt.text)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := spec.Parse("app.yaml", ".", data, ""); err == nil {
					b.Fatal("no error")
				}
			}
		})
	}
}

// TestFunctionBundle: a nodejs function's bundle settings reach the model; an absent external list
// (the default: the runtime's AWS SDK stays out) differs from an empty one (bundle everything).
func TestFunctionBundle(t *testing.T) {
	cases := []struct {
		name, bundle string
		want         spec.Bundle
	}{
		{"Absent", "", spec.Bundle{}},
		{"Null", "bundle:", spec.Bundle{}},
		{"NoExternal", "bundle: { external: [] }", spec.Bundle{External: []string{}}},
		{"All", "bundle: { external: [sharp, \"@aws-sdk/*\"], sourceMap: true, minify: true }",
			spec.Bundle{External: []string{"sharp", "@aws-sdk/*"}, SourceMap: true, Minify: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := "version: 1\napp: b\nfunctions:\n  web:\n    runtime: nodejs\n    source: functions/catalog\n    " + tc.bundle + "\n"
			app, err := spec.Parse("app.yaml", "../examples/iam-guest", []byte(text), "")
			if err != nil {
				t.Fatal(err)
			}
			got := app.Functions[0].Bundle
			if !reflect.DeepEqual(got, tc.want) || (got.External == nil) != (tc.want.External == nil) {
				t.Errorf("bundle %#v, want %#v", got, tc.want)
			}
		})
	}
}

package spec_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

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

// TestHostileInputsFinishFast: alias bombs, self-referencing anchors and deep nesting fail quickly.
func TestHostileInputsFinishFast(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString("version: 1\napp: x\nm0: &m0 {userPool: {}}\n")
	for i := 1; i <= 8; i++ {
		bomb.WriteString("m" + string(rune('0'+i)) + ": &m" + string(rune('0'+i)) + " {")
		for j := 0; j < 10; j++ {
			bomb.WriteString("<<: *m" + string(rune('0'+i-1)) + ", ")
		}
		bomb.WriteString("}\n")
	}
	bomb.WriteString("auth: *m8\n")
	for name, text := range map[string]string{
		"merge bomb":  bomb.String(),
		"merge cycle": "version: 1\napp: x\nauth: &a { <<: *a }\n",
		"list cycle":  "version: 1\napp: x\nfrontend: &a [*a]\n",
		"deep block":  "version: 1\napp: x\nauth:\n" + strings.Repeat("  ", 1) + strings.Repeat("- ", 5000) + "x\n",
	} {
		start := time.Now()
		_, err := spec.Parse("app.yaml", ".", []byte(text), "")
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %v", name, d)
		}
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

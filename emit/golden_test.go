package emit_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var examples = []string{"photoshare", "userpool-only", "iam-guest", "customdomain"}

// goldenFiles are the files written for every example: name and format.
var goldenFiles = []struct{ name, format string }{
	{"aws-exports.js", emit.FormatAWSExports},
	{"amplifyconfiguration.json", emit.FormatAWSExports},
	{"amplify_outputs.json", emit.FormatAmplifyOutputs},
	{"amplify-config.ts", emit.FormatAmplifyConfig},
	{"amplify-config.js", emit.FormatAmplifyConfig},
}

// load resolves an example with its committed sample outputs.
func load(t testing.TB, ex string) *emit.Config {
	t.Helper()
	app, err := spec.Load(filepath.Join("..", "examples", ex, "app.yaml"), "dev")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "examples", ex, "outputs.sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	outs, err := emit.ParseOutputsFile(data)
	if err != nil {
		t.Fatal(err)
	}
	c, err := emit.New(app, outs, "examples/"+ex+"/app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGolden(t *testing.T) {
	for _, ex := range examples {
		c := load(t, ex)
		for _, f := range goldenFiles {
			t.Run(ex+"/"+f.name, func(t *testing.T) {
				got, err := c.Render(f.format, f.name)
				if err != nil {
					t.Fatal(err)
				}
				again, err := c.Render(f.format, f.name)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, again) {
					t.Fatal("two renders differ: output is not deterministic")
				}
				path := filepath.Join("testdata", ex, f.name)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./emit -run Golden -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the golden file (run go test ./emit -run Golden -update and review the diff)\ngot:\n%s", path, got)
				}
			})
		}
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoNodeNeeded runs the built binary with a PATH that holds no node: validate, explain, config and
// import must work (they never start the jsii kernel), while synth must fail cleanly, which proves the PATH
// really hides node.
func TestNoNodeNeeded(t *testing.T) {
	bin := underhoodBinary(t)
	emptyPath := t.TempDir()
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = filepath.Join("..", "..")
		cmd.Env = []string{"PATH=" + emptyPath, "HOME=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out := t.TempDir()
	for _, args := range [][]string{
		{"validate", "examples/photoshare/app.yaml"},
		{"explain", "examples/photoshare/app.yaml", "-o", filepath.Join(out, "explain.md")},
		{"config", "examples/photoshare/app.yaml", "--outputs-file", "examples/photoshare/outputs.sample.json",
			"--format", "amplify-outputs", "--out", filepath.Join(out, "amplify_outputs.json"),
			"--format", "amplify-config", "--out", filepath.Join(out, "amplify-config.ts"),
			"--format", "aws-exports", "--out", filepath.Join(out, "aws-exports.js")},
		{"import", "amplify", "importer/amplify/testdata/corpus/Hampshire-Scouts-Rifle-Club__nationals-online-entry", "-o", filepath.Join(out, "app.yaml")},
	} {
		if got, err := run(args...); err != nil {
			t.Errorf("underhood %s without node on PATH: %v\n%s", args[0], err, got)
		}
	}
	for _, f := range []string{"explain.md", "amplify_outputs.json", "amplify-config.ts", "aws-exports.js", "app.yaml"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	got, err := run("synth", "--out", filepath.Join(out, "cdk.out"), "examples/iam-guest/app.yaml")
	if err == nil {
		t.Fatalf("synth succeeded without node on PATH: the test's PATH does not hide node\n%s", got)
	}
	if strings.Contains(got, "goroutine ") {
		t.Errorf("synth without node printed a Go stack trace:\n%s", got)
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/templates"
)

// TestInitThenCDKSynth is what a new team does on a fresh machine: underhood init in an empty folder,
// npm ci (the lockfile init wrote installs the pinned aws-cdk CLI from the npm registry, or npm's cache),
// then npx cdk synth, which runs `underhood-synth app.yaml` from cdk.json: the binaries built here are put
// on PATH as `go install ./cmd/...` would.
func TestInitThenCDKSynth(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm is not on PATH; run the tests with scripts/test (Node 22 and npm are needed)")
	}
	bin := underhoodBinary(t)
	dir := t.TempDir()
	// Only the init'ed folder's own node_modules may provide cdk (scripts/test puts tools' on PATH).
	path := []string{filepath.Dir(bin)}
	for _, p := range filepath.SplitList(os.Getenv("PATH")) {
		if !strings.Contains(filepath.ToSlash(p), "node_modules/.bin") {
			path = append(path, p)
		}
	}
	env := append(os.Environ(), "PATH="+strings.Join(path, string(os.PathListSeparator)),
		"CDK_DISABLE_CLI_TELEMETRY=true", "npm_config_audit=false", "npm_config_fund=false", "npm_config_update_notifier=false")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	run(bin, "init", "--app", "shop")
	for _, f := range []string{".gitignore", "package.json", "package-lock.json", "cdk.json", "app.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("init did not write %s: %v", f, err)
		}
	}
	cdkJSON, _ := os.ReadFile(filepath.Join(dir, "cdk.json"))
	if strings.Contains(string(cdkJSON), "@aws-cdk/core:") {
		t.Errorf("cdk.json carries CDK v1 feature flags:\n%s", cdkJSON)
	}

	run(npm, "ci", "--prefer-offline")
	if got := strings.TrimSpace(run("npx", "cdk", "--version")); !strings.HasPrefix(got, templates.CDKCLI.Version+" ") {
		t.Errorf("npx cdk is %q, want the pinned %s", got, templates.CDKCLI.Version)
	}
	run("npx", "cdk", "synth", "--quiet", "--no-notices", "-c", "stage=dev")
	if _, err := os.Stat(filepath.Join(dir, "cdk.out", "shop-dev.template.json")); err != nil {
		t.Errorf("cdk synth wrote no template: %v", err)
	}
	// What the .gitignore is for.
	ignore, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
	for _, want := range []string{"cdk.out/", "node_modules/", "outputs.json"} {
		if !strings.Contains(string(ignore), want+"\n") {
			t.Errorf(".gitignore lacks %s", want)
		}
	}
}

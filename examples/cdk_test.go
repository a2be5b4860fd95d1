// Package examples holds the bundled example apps; this test runs the real CDK CLI on each of them.
package examples_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/cli"
)

// TestCDKSynth runs `cdk synth -c stage=prod` in every example folder through the real CDK CLI, which
// runs underhood as the app named in cdk.json, and checks the stack it wrote; underhood plan against it
// finds no change.
func TestCDKSynth(t *testing.T) {
	cdk, err := exec.LookPath("cdk")
	if err != nil {
		t.Fatal("the cdk CLI is not on PATH; run the tests with scripts/test, which installs the pinned aws-cdk")
	}
	// Absolute paths of this machine that a template must never carry: the repository's (as given and
	// with symlinks resolved) and the temporary folder's.
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	local := []string{root + string(filepath.Separator), os.TempDir() + string(filepath.Separator)}
	if real, err := filepath.EvalSymlinks(root); err == nil && real != root {
		local = append(local, real+string(filepath.Separator))
	}
	// prod, not the default dev: proves the CLI's -c stage=NAME reaches underhood.
	stacks := map[string]string{"photoshare": "photoshare-prod", "userpool-only": "notes-prod", "iam-guest": "catalog-prod", "customdomain": "shop-prod"}
	for _, dir := range []string{"customdomain", "iam-guest", "photoshare", "userpool-only"} {
		t.Run(dir, func(t *testing.T) {
			out := t.TempDir()
			cmd := exec.Command(cdk, "synth", "--quiet", "--no-notices", "--no-version-reporting", "-c", "stage=prod", "-o", out)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "CDK_DISABLE_CLI_TELEMETRY=true")
			output, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("cdk synth failed: %v\n%s", err, output)
			}
			data, err := os.ReadFile(filepath.Join(out, stacks[dir]+".template.json"))
			if err != nil {
				t.Fatalf("%v\ncdk output:\n%s", err, output)
			}
			var tpl struct {
				Resources map[string]struct{ Type string }
			}
			if err := json.Unmarshal(data, &tpl); err != nil {
				t.Fatal(err)
			}
			var apis int
			for _, r := range tpl.Resources {
				if r.Type == "AWS::ApiGateway::RestApi" {
					apis++
				}
			}
			if apis == 0 {
				t.Errorf("no REST API in %s", stacks[dir])
			}
			for _, dir := range local {
				if strings.Contains(string(data), dir) {
					t.Errorf("template contains the absolute path %s", dir)
				}
			}
			// What cdk deploy would deploy (the CLI's path metadata included) is what plan expects:
			// after a deploy of an unchanged spec, plan finds nothing to change.
			var stdout, stderr bytes.Buffer
			code := cli.Run([]string{"plan", "--stage", "prod", "--against", filepath.Join(out, stacks[dir]+".template.json"),
				filepath.Join(dir, "app.yaml")}, strings.NewReader(""), &stdout, &stderr)
			if code != 0 || !strings.Contains(stdout.String(), "No resource changes.") {
				t.Errorf("plan against the template cdk synth wrote: exit %d\n%s%s", code, stdout.String(), stderr.String())
			}
		})
	}
}

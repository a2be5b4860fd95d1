package stacks_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

// cfnLintFinding is one entry of cfn-lint's --format json output.
type cfnLintFinding struct {
	Filename string
	Level    string // Error, Warning, Informational
	Message  string
	Location struct {
		Path []any
	}
	Rule struct{ Id string }
}

// cfnLint runs AWS's CloudFormation linter (cfn-lint, pip install cfn-lint) once over templates (file
// name -> template JSON) and fails the test on every error-level finding; warnings and informational
// findings are counted and logged by rule. When cfn-lint is not installed the test skips, saying so.
// It returns the number of findings by level.
func cfnLint(t *testing.T, templates map[string][]byte) map[string]int {
	t.Helper()
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skipf("cfn-lint is not installed (pip install cfn-lint): %d template(s) NOT linted", len(templates))
	}
	findings, err := runCfnLint(bin, t.TempDir(), templates)
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]int{}
	rules := map[string]int{}
	for _, f := range findings {
		levels[f.Level]++
		rules[f.Level+" "+f.Rule.Id]++
		if f.Level == "Error" {
			t.Errorf("cfn-lint %s in %s at %v: %s", f.Rule.Id, filepath.Base(f.Filename), f.Location.Path, f.Message)
		}
	}
	var byRule []string
	for _, r := range slices.Sorted(maps.Keys(rules)) {
		byRule = append(byRule, fmt.Sprintf("%s x%d", r, rules[r]))
	}
	t.Logf("%s: %d templates; %d error, %d warning, %d informational finding(s) [%s]",
		cfnLintVersion(bin), len(templates), levels["Error"], levels["Warning"], levels["Informational"], strings.Join(byRule, ", "))
	return levels
}

// runCfnLint writes templates into dir and lints them in one cfn-lint run. The exit status is a bit
// mask (2 errors, 4 warnings, 8 informational); bit 1, or no JSON, means cfn-lint itself failed.
func runCfnLint(bin, dir string, templates map[string][]byte) ([]cfnLintFinding, error) {
	args := []string{"--format", "json", "--"}
	for _, name := range slices.Sorted(maps.Keys(templates)) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, templates[name], 0o644); err != nil {
			return nil, err
		}
		args = append(args, path)
	}
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		return nil, fmt.Errorf("cfn-lint: %v", err)
	}
	if code&1 != 0 || code < 0 {
		return nil, fmt.Errorf("cfn-lint failed (exit status %d):\n%s%s", code, stdout.String(), stderr.String())
	}
	var findings []cfnLintFinding
	if err := json.Unmarshal(stdout.Bytes(), &findings); err != nil {
		return nil, fmt.Errorf("cfn-lint output is not JSON: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	// The exit status and the findings must agree, or the output was misread.
	errs := 0
	for _, f := range findings {
		if f.Level == "Error" {
			errs++
		}
	}
	if (code&2 != 0) != (errs > 0) {
		return nil, fmt.Errorf("cfn-lint exit status %d, but %d error finding(s) read from its output", code, errs)
	}
	return findings, nil
}

func cfnLintVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "(unknown version)"
	}
	return strings.TrimSpace(string(out))
}

// TestCfnLintExamples lints every example's template in both stages (dev destroys, prod retains).
func TestCfnLintExamples(t *testing.T) {
	examples := spectest.Examples(t)
	var apps []*spec.App
	for _, name := range examples {
		for _, stage := range []string{"dev", "prod"} {
			apps = append(apps, loadExample(t, name, stage, nil))
		}
	}
	templates := map[string][]byte{}
	for stack, data := range synthApps(t, apps) {
		templates[stack+".template.json"] = data
	}
	if len(templates) != 2*len(examples) {
		t.Fatalf("%d templates, want %d", len(templates), 2*len(examples))
	}
	cfnLint(t, templates)
}

// TestCfnLintCorpus lints the template of every Amplify Gen 1 corpus project as underhood imports it.
func TestCfnLintCorpus(t *testing.T) {
	templates := map[string][]byte{}
	for _, p := range importedCorpus(t) {
		templates[p.app.StackName()+".template.json"] = p.tpl.raw
	}
	cfnLint(t, templates)
}

// TestCfnLintCatchesErrors: a template with a resource type that does not exist gets an error-level
// finding, which cfnLint turns into a test failure; so the lint tests above can fail.
func TestCfnLintCatchesErrors(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed (pip install cfn-lint)")
	}
	good := exampleTemplates(t)["photoshare"].raw
	broken := bytes.Replace(good, []byte(`"AWS::S3::Bucket"`), []byte(`"AWS::S3::Bucketz"`), 1)
	if bytes.Equal(broken, good) {
		t.Fatal("photoshare has no AWS::S3::Bucket to break")
	}
	findings, err := runCfnLint(bin, t.TempDir(), map[string][]byte{"good.template.json": good, "broken.template.json": broken})
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, f := range findings {
		if f.Level == "Error" {
			errs = append(errs, filepath.Base(f.Filename)+": "+f.Rule.Id+" "+f.Message)
		}
	}
	if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "broken.template.json") {
		t.Errorf("no error finding for the broken template: %v", errs)
	}
	for _, e := range errs {
		if strings.HasPrefix(e, "good.") {
			t.Errorf("error finding in the unchanged template: %s", e)
		}
	}
}

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSynthNag: a cdk-nag finding fails synth with the resource, the rule and the message; --no-nag
// turns the checks off.
func TestSynthNag(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "app.yaml")
	weak := "version: 1\napp: weak\nstages: { dev: { removal: destroy } }\n" +
		"auth:\n  userPool:\n    passwordPolicy: { minLength: 8, requireSymbols: false }\n"
	if err := os.WriteFile(spec, []byte(weak), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run("synth", "--quiet", "--out", filepath.Join(dir, "nag.out"), spec)
	if code != 1 {
		t.Fatalf("synth of a weak password policy: exit %d, want 1\n%s", code, errs)
	}
	for _, want := range []string{
		// At the spec element the resource was built for.
		"error: " + spec + ":5:3: auth.userPool: weak-dev/UserPool/Pool/Resource: AwsSolutions-COG1: The Cognito user pool does not have a password policy",
		"1 cdk-nag finding(s)", "--no-nag",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if code, _, errs := run("synth", "--quiet", "--no-nag", "--out", filepath.Join(dir, "nonag.out"), spec); code != 0 {
		t.Errorf("synth --no-nag: exit %d\n%s", code, errs)
	}
}

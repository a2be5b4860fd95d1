package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func TestPreviousAssemblyGuard(t *testing.T) {
	golden, err := os.ReadFile("../../stacks/testdata/photoshare.template.json")
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(golden, []byte(`"UsernameAttributes": [
     "email"
    ]`), []byte(`"UsernameAttributes": [
     "phone_number"
    ]`), 1)
	if bytes.Equal(changed, golden) {
		t.Fatal("golden template layout changed: UsernameAttributes not found")
	}
	harmless := bytes.Replace(golden, []byte(`"MinimumLength": 12`), []byte(`"MinimumLength": 14`), 1)
	if bytes.Equal(harmless, golden) {
		t.Fatal("golden template layout changed: MinimumLength not found")
	}

	tests := []struct {
		name     string
		previous []byte // nil: no previous assembly
		current  []byte
		want     string // "" : no output
	}{
		{"no previous assembly", nil, changed, ""},
		{"same template", golden, golden, ""},
		{"harmless change", golden, harmless, ""},
		{"refused change", golden, changed, "UserPoolDAD9161D (AWS::Cognito::UserPool): Cognito cannot change what users sign in with"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "photoshare-prod.template.json")
			if tt.previous != nil {
				if err := os.WriteFile(path, tt.previous, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var stderr bytes.Buffer
			check := previousAssemblyGuard(&awscdk.AppProps{Outdir: jsii.String(dir)}, "photoshare-prod", &stderr)
			// synth writes the new assembly
			if err := os.WriteFile(path, tt.current, 0o644); err != nil {
				t.Fatal(err)
			}
			check()
			got := stderr.String()
			if tt.want == "" && got != "" {
				t.Errorf("unexpected output: %s", got)
			}
			if tt.want != "" {
				for _, s := range []string{"warning: compared with the previous " + path, tt.want, "run 'underhood plan'"} {
					if !strings.Contains(got, s) {
						t.Errorf("output lacks %q:\n%s", s, got)
					}
				}
			}
		})
	}

	// $CDK_OUTDIR is the folder when the CDK CLI runs synth.
	dir := t.TempDir()
	t.Setenv("CDK_OUTDIR", dir)
	path := filepath.Join(dir, "photoshare-prod.template.json")
	if err := os.WriteFile(path, golden, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	check := previousAssemblyGuard(&awscdk.AppProps{}, "photoshare-prod", &stderr)
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	check()
	if !strings.Contains(stderr.String(), "UserPoolDAD9161D") {
		t.Errorf("CDK_OUTDIR: %q", stderr.String())
	}
}

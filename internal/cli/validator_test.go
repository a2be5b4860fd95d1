package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/stacks"
)

// TestMain lets this test binary be synth's validator process, as the underhood binary is: synth runs
// it with validatorCommand when UNDERHOOD_VALIDATOR names it.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == validatorCommand {
		os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestValidatorWritesWhatInProcessValidationWrites synthesizes each case with the validator process, with
// validation in the synth's own process (UNDERHOOD_VALIDATOR=off, aws-cdk-lib's own path), and with
// validators that cannot start, exit or hang without answering: all must write byte-identical cloud assemblies
// (validation-report.json included) and print the same, but for the note of the last three.
func TestValidatorWritesWhatInProcessValidationWrites(t *testing.T) {
	if os.Getenv("CDK_VALIDATION") == "false" {
		t.Skip("CDK_VALIDATION=false: aws-cdk-lib validates nothing, with or without the validator process")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	startLog := filepath.Join(bin, "started.log")
	// The validator, through a wrapper that logs each start: proof that the first mode used it.
	logged := filepath.Join(bin, "validator")
	writeExecutable(t, logged, fmt.Sprintf("#!/bin/sh\necho started >> %q\nexec %q \"$@\"\n", startLog, self))
	hangs := filepath.Join(bin, "hangs")
	writeExecutable(t, hangs, "#!/bin/sh\nexec sleep 600\n")
	// Only the hanging validator gets a short patience: the real one's first answer can take longer than
	// a few seconds on a loaded machine (every test package synthesizes at once in CI).
	defer func(p time.Duration) { validatorPatience = p }(validatorPatience)
	patience := validatorPatience

	modes := []struct {
		name, validator string
		note            string        // in the note synth prints; empty: no note
		patience        time.Duration // validatorPatience; 0: the default
	}{
		{"validator process", logged, "", 0},
		{"in process (UNDERHOOD_VALIDATOR=off)", "off", "", 0},
		{"validator cannot start", filepath.Join(bin, "missing"), "could not start", 0},
		{"validator exits without answering", "/bin/false", "exited without answering", 0},
		{"validator hangs", hangs, "did not answer in 3s", 3 * time.Second},
	}
	tests := []struct {
		name, spec, stage string
		nag               bool
		add               func(*stacks.AppStack)
		wantFindings      []string // rule IDs validation-report.json must hold, so that there is something to compare
	}{
		{name: "bench app, cdk-nag on", spec: "../../examples/photoshare/app.yaml", stage: "dev", nag: true},
		{name: "findings on resources and on the stack, a type outside the warmed set", spec: "../../examples/iam-guest/app.yaml", stage: "prod",
			add: func(st *stacks.AppStack) {
				awss3.NewCfnBucket(st.Stack, jsii.String("BadBucket"), &awss3.CfnBucketProps{
					BucketName: jsii.String("Not_A_Bucket_Name"),
				})
				awssqs.NewCfnQueue(st.Stack, jsii.String("Queue"), &awssqs.CfnQueueProps{MessageRetentionPeriod: jsii.Number(10)})
				awscdk.NewCfnParameter(st.Stack, jsii.String("Unused"), &awscdk.CfnParameterProps{Type: jsii.String("NotAType")})
				awscdk.NewCfnOutput(st.Stack, jsii.String("Dangling"), &awscdk.CfnOutputProps{Value: awscdk.Fn_GetAtt(jsii.String("NoSuchResource"), jsii.String("Arn")).ToString()})
			},
			wantFindings: []string{"F2002", "F3031", "F3034", "F6101"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var firstOut, firstErr string
			var firstFiles map[string]string
			out := filepath.Join(t.TempDir(), "cdk.out") // one folder: synth prints its path
			for i, m := range modes {
				t.Setenv(validatorEnv, m.validator)
				validatorPatience = patience
				if m.patience != 0 {
					validatorPatience = m.patience
				}
				os.Remove(startLog)
				if err := os.RemoveAll(out); err != nil {
					t.Fatal(err)
				}
				opts := &synthOptions{specOptions: specOptions{spec: tt.spec, stage: tt.stage}, out: out, noCache: true, noNag: !tt.nag, addToStack: tt.add}
				var stdout, stderr bytes.Buffer
				runSynth(opts, &stdout, &stderr) // the second case fails on purpose: the outputs are compared
				errs, note := splitNote(stderr.String())
				switch {
				case m.note == "" && note != "":
					t.Errorf("%s: unexpected note %q", m.name, note)
				case m.note != "" && !strings.Contains(note, m.note):
					t.Errorf("%s: note %q, want one that says %q", m.name, note, m.note)
				}
				if _, err := os.Stat(startLog); (err == nil) != (m.validator == logged) {
					t.Errorf("%s: validator started: %v", m.name, err == nil)
				}
				files := readTree(t, out)
				if i == 0 {
					firstOut, firstErr, firstFiles = stdout.String(), errs, files
					checkFindings(t, files["validation-report.json"], tt.wantFindings)
					continue
				}
				if stdout.String() != firstOut {
					t.Errorf("%s: stdout differs from the validator process's:\n%s\nwant:\n%s", m.name, stdout.String(), firstOut)
				}
				if errs != firstErr {
					t.Errorf("%s: stderr differs from the validator process's:\n%s\nwant:\n%s", m.name, errs, firstErr)
				}
				for name, data := range firstFiles {
					if files[name] != data {
						t.Errorf("%s: %s differs from the validator process's", m.name, name)
					}
				}
				if len(files) != len(firstFiles) {
					t.Errorf("%s: %d files, the validator process's synth wrote %d", m.name, len(files), len(firstFiles))
				}
			}
		})
	}
}

// checkFindings fails unless the validation report exists and holds each rule ID.
func checkFindings(t *testing.T, report string, rules []string) {
	t.Helper()
	var r struct {
		PluginReports []struct {
			PluginName string
			Violations []struct{ RuleName string }
		}
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("validation-report.json: %v", err)
	}
	var found []string
	for _, p := range r.PluginReports {
		for _, v := range p.Violations {
			found = append(found, v.RuleName)
		}
	}
	for _, rule := range rules {
		if !strings.Contains(strings.Join(found, " "), rule) {
			t.Errorf("validation-report.json has no %s finding (it has %v)", rule, found)
		}
	}
}

// splitNote returns stderr without its note line, and the note.
func splitNote(stderr string) (rest, note string) {
	var kept []string
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if strings.HasPrefix(l, "note: ") {
			note += l
			continue
		}
		kept = append(kept, l)
	}
	return strings.Join(kept, ""), note
}

// readTree reads every file under dir by its slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func writeExecutable(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

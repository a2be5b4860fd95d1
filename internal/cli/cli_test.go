package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/underhood-dev/underhood/internal/cli"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = cli.Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"example", []string{"validate", "../../examples/photoshare/app.yaml"}, 0, "valid (app photoshare, stage dev, stack photoshare-dev)", ""},
		{"explain hint", []string{"validate", "../../examples/photoshare/app.yaml"}, 0, "\nSee who may call what, with which token or signature: underhood explain ../../examples/photoshare/app.yaml\n", ""},
		{"prod stage", []string{"validate", "--stage", "prod", "../../examples/iam-guest/app.yaml"}, 0, "stack catalog-prod", ""},
		{"undeclared stage", []string{"validate", "--stage", "qa", "../../examples/iam-guest/app.yaml"}, 1, "", `stage "qa" is not declared`},
		{"bad spec", []string{"validate", "testdata/bad.yaml"}, 1, "", "testdata/bad.yaml:5:20: api.main.authorization:"},
		{"missing file", []string{"validate", "testdata/nope.yaml"}, 1, "", "testdata/nope.yaml: no such file; give the path of the app spec"},
		{"folder", []string{"validate", "testdata"}, 1, "", "testdata: is a folder, not an app spec; give the spec file in it, e.g. testdata/app.yaml"},
		{"no args", []string{"validate"}, 2, "", "underhood: validate needs SPEC, the app spec file"},
		{"two specs", []string{"validate", "a.yaml", "b.yaml"}, 2, "", "validate takes one SPEC, got 2 arguments: a.yaml b.yaml"},
		{"synth without SPEC", []string{"synth"}, 2, "", "underhood: synth needs SPEC"},
		{"validator by hand", []string{"__validator"}, 2, "", "underhood: __validator is started by synth, not by hand: it has no reply pipe (fd 3)"},
		{"plan without SPEC", []string{"plan"}, 2, "", "underhood: plan needs SPEC"},
		{"explain without SPEC", []string{"explain"}, 2, "", "underhood: explain needs SPEC"},
		{"config without SPEC", []string{"config"}, 2, "", "underhood: config needs SPEC"},
		{"unknown command", []string{"deploy"}, 2, "", `unknown command "deploy"`},
		{"unknown flag", []string{"validate", "--stag", "x", "a.yaml"}, 2, "", "unknown flag: --stag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errs)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out, tt.wantOut)
			}
			if !strings.Contains(errs, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errs, tt.wantErr)
			}
			if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
				t.Errorf("stderr has a Go stack trace: %s", errs)
			}
		})
	}
}

func TestInitThenValidate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "My Shop")
	code, out, errs := run("init", dir)
	if code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	for _, f := range []string{"app.yaml", "cdk.json", "package.json", "package-lock.json", ".gitignore", "functions/hello/index.mjs"} {
		if !strings.Contains(out, filepath.Join(dir, f)) {
			t.Errorf("init did not report writing %s: %s", f, out)
		}
	}
	code, out, errs = run("validate", filepath.Join(dir, "app.yaml"))
	if code != 0 || !strings.Contains(out, "app my-shop") {
		t.Fatalf("starter spec does not validate: exit %d\n%s%s", code, out, errs)
	}
	// A second init must refuse and leave the user's edits alone.
	appYAML := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(appYAML, []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run("init", dir)
	if code != 1 || !strings.Contains(errs, "already exists; nothing was written") {
		t.Errorf("second init: exit %d, stderr %q", code, errs)
	}
	if data, _ := os.ReadFile(appYAML); string(data) != "edited" {
		t.Errorf("second init overwrote app.yaml")
	}
}

// TestSynth runs the whole synth path in-process on the starter app and checks the summary.
func TestSynth(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run("init", "--app", "shop", dir); code != 0 {
		t.Fatal(errs)
	}
	out := filepath.Join(dir, "cdk.out")
	code, stdout, errs := run("synth", "--stage", "prod", "--out", out, filepath.Join(dir, "app.yaml"))
	if code != 0 {
		t.Fatalf("synth: exit %d\n%s", code, errs)
	}
	if strings.Contains(errs, "warning:") {
		t.Errorf("synth of init's spec warns:\n%s", errs)
	}
	for _, want := range []string{"shop-prod (stage prod, removal retain)", "AWS::Cognito::UserPool", "GET /hello", "id token"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "shop-prod.template.json")); err != nil {
		t.Error(err)
	}
}

// A stage that references an existing user pool cannot attach the spec's triggers to it: synth says so
// on stderr and still succeeds. (TestSynth checks that a spec creating its pool gets no warning.)
func TestSynthWarnsAboutTriggersOnExistingPool(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run("init", "--app", "shop", dir); code != 0 {
		t.Fatal(errs)
	}
	path := filepath.Join(dir, "app.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	const fn = "hello" // underhood init's function
	doc["stages"] = map[string]any{"prod": map[string]any{"region": "eu-west-1",
		"existing": map[string]any{"userPool": map[string]any{"id": "eu-west-1_AbC123xyz", "clientId": "4g5h6j7k8l9m0n1p2q3r4s5t6u"}}}}
	doc["auth"].(map[string]any)["userPool"].(map[string]any)["triggers"] = map[string]any{"postConfirmation": fn}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run("synth", "--stage", "prod", "--quiet", "--out", filepath.Join(dir, "cdk.out"), path)
	want := "warning: shop-prod/UserPool: auth: trigger postConfirmation is not attached to existing user pool eu-west-1_AbC123xyz"
	if code != 0 || !strings.Contains(errs, want) {
		t.Errorf("exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
}

// synth's summary ends with what must exist before the first deploy: photoshare's bootstrap and the
// Secrets Manager secret of its Google provider.
func TestSynthPrintsFirstDeployChecklist(t *testing.T) {
	code, stdout, errs := run("synth", "--no-nag", "--out", t.TempDir(), "../../examples/photoshare/app.yaml")
	if code != 0 {
		t.Fatalf("synth: exit %d\n%s", code, errs)
	}
	_, list, ok := strings.Cut(stdout, "Before the first cdk deploy of photoshare-dev")
	if !ok {
		t.Fatalf("no checklist in the summary:\n%s", stdout)
	}
	for _, want := range []string{"npx cdk bootstrap aws://ACCOUNT/REGION", "Secrets Manager secret photoshare/google", "JSON field clientSecret"} {
		if !strings.Contains(list, want) {
			t.Errorf("checklist lacks %q:\n%s", want, list)
		}
	}
}

// TestSynthMissingPackage: a handler importing a package that is listed but not installed (a fresh
// clone before npm ci) fails synth with exit 1, the file, line and column of the import and the
// command that installs it; once installed, synth succeeds.
func TestSynthMissingPackage(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run("init", "--app", "shop", dir); code != 0 {
		t.Fatal(errs)
	}
	fn := filepath.Join(dir, "functions", "hello")
	code := "import { shout } from \"tinycase\";\nexport const handler = async () => ({ statusCode: 200, body: shout(\"hi\") });\n"
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(fn, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(fn, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.mjs", code)
	write("package.json", `{"name": "hello", "dependencies": {"tinycase": "1.0.0"}}`)
	write("package-lock.json", `{"name": "hello", "lockfileVersion": 3, "packages": {}}`)
	spec := filepath.Join(dir, "app.yaml")

	exit, _, errs := run("synth", "--quiet", "--no-nag", "--out", filepath.Join(dir, "cdk.out"), spec)
	// The construct's error is placed on the spec element it was built for (the function's key).
	want := filepath.Join(dir, "app.yaml") + ":23:3: functions.hello: shop-dev/Functions/hello: function \"hello\": " + filepath.Join(fn, "index.mjs") + ":1:" +
		strconv.Itoa(strings.Index(code, `"tinycase"`)+1) + ": cannot find package \"tinycase\": it is not installed in " +
		filepath.Join(fn, "node_modules") + "; install the packages first: cd " + fn + " && npm ci\n"
	if exit != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "shop-dev has 1 error(s)") {
		t.Errorf("exit %d, stderr lacks %q:\n%s", exit, want, errs)
	}

	write("node_modules/tinycase/package.json", `{"name": "tinycase", "version": "1.0.0", "main": "index.js"}`)
	write("node_modules/tinycase/index.js", "exports.shout = (s) => s.toUpperCase();\n")
	if exit, _, errs := run("synth", "--quiet", "--no-nag", "--out", filepath.Join(dir, "cdk.out"), spec); exit != 0 {
		t.Errorf("with the package installed: exit %d\n%s", exit, errs)
	}
}

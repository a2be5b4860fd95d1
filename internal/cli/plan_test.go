package cli_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// usernameSpec writes examples/photoshare with signInWith [username] instead of [email] into a temporary
// folder (function sources still point at the example) and returns its path. With username sign-in
// the user pool has no UsernameAttributes: a change Cognito refuses.
func usernameSpec(t *testing.T) string {
	t.Helper()
	return changedPhotoshare(t, map[string]string{"signInWith: [email]": "signInWith: [username]"})
}

// changedPhotoshare writes examples/photoshare with each old text replaced into a temporary folder
// (function sources still point at the example) and returns its path.
func changedPhotoshare(t *testing.T, changes map[string]string) string {
	t.Helper()
	example, err := filepath.Abs("../../examples/photoshare")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(example, "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rel, err := filepath.Rel(dir, example)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	changes["source: functions/"] = "source: " + filepath.ToSlash(rel) + "/functions/"
	for old, repl := range changes {
		if !strings.Contains(s, old) {
			t.Fatalf("examples/photoshare/app.yaml no longer has %q", old)
		}
		s = strings.ReplaceAll(s, old, repl)
	}
	path := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// deployedPhotoshare synthesizes the unchanged example (stage prod) and returns its template: what a
// deployed stack would hold.
func deployedPhotoshare(t *testing.T) (path string, body []byte) {
	t.Helper()
	out := t.TempDir()
	code, _, errs := run("synth", "--quiet", "--stage", "prod", "--out", out, "../../examples/photoshare/app.yaml")
	if code != 0 {
		t.Fatalf("synth: exit %d: %s", code, errs)
	}
	path = filepath.Join(out, "photoshare-prod.template.json")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, body
}

func TestPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes the example")
	}
	deployedPath, deployedBody := deployedPhotoshare(t)
	spec := usernameSpec(t)

	t.Run("against file: user pool change is blocked", func(t *testing.T) {
		code, out, errs := run("plan", "--stage", "prod", "--against", deployedPath, spec)
		if code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
		}
		for _, s := range []string{
			"Plan for photoshare-prod (stage prod): " + deployedPath,
			"~ UserPoolDAD9161D",
			"Blocked (1):",
			"UserPoolDAD9161D (AWS::Cognito::UserPool): update refused by the service",
			"Cognito cannot change what users sign in with (UsernameAttributes)",
			"[email] -> []",
			"Cognito cannot export password hashes",
			"--allow UserPoolDAD9161D",
			"BLOCKED: 1 change would lose data or fail",
		} {
			// The explanations are word-wrapped: compare with single spaces.
			if !strings.Contains(strings.Join(strings.Fields(out), " "), s) {
				t.Errorf("stdout lacks %q:\n%s", s, out)
			}
		}
		if !strings.Contains(errs, "underhood: plan blocked: 1 change would lose users' data or fail to deploy") {
			t.Errorf("stderr: %s", errs)
		}
		if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
			t.Errorf("stderr has a Go stack trace: %s", errs)
		}
	})

	t.Run("--allow accepts it", func(t *testing.T) {
		code, out, errs := run("plan", "--stage", "prod", "--against", deployedPath, "--allow", "UserPoolDAD9161D", spec)
		if code != 0 || !strings.Contains(out, "Allowed by --allow (1): these WILL happen") {
			t.Errorf("exit %d\n%s%s", code, out, errs)
		}
	})

	t.Run("unchanged spec passes", func(t *testing.T) {
		code, out, errs := run("plan", "--stage", "prod", "--against", deployedPath, "../../examples/photoshare/app.yaml")
		if code != 0 || !strings.Contains(out, "No resource changes.") || !strings.Contains(out, "nothing stateful is lost") {
			t.Errorf("exit %d\n%s%s", code, out, errs)
		}
	})

	// The real binary, in its own process: the CLI reads the deployed template before it starts jsii,
	// and in-process runs after earlier synths made the SDK's reads fail now and then ("use of closed
	// network connection"), which no user run can meet.
	t.Run("GetTemplate", func(t *testing.T) {
		bin := filepath.Join(t.TempDir(), "underhood")
		if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/underhood").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		run := func(args ...string) (int, string, string) {
			var stdout, stderr strings.Builder
			cmd := exec.Command(bin, args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
		}
		var mode atomic.Value
		var requests atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "GetTemplate" || r.Form.Get("StackName") != "photoshare-prod" {
				http.Error(w, "unexpected request "+r.Form.Encode(), http.StatusBadRequest)
				return
			}
			if !strings.Contains(r.Header.Get("Authorization"), "Credential=AKIDPLANTEST/") {
				http.Error(w, "unsigned request", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/xml")
			switch mode.Load() {
			case "deployed":
				var body strings.Builder
				_ = xml.EscapeText(&body, deployedBody)
				fmt.Fprintf(w, `<GetTemplateResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><GetTemplateResult>`+
					`<TemplateBody>%s</TemplateBody><StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>`+
					`</GetTemplateResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetTemplateResponse>`, body.String())
			case "missing":
				queryError(w, http.StatusBadRequest, "ValidationError", "Stack with id photoshare-prod does not exist")
			case "denied":
				queryError(w, http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "+
					"cloudformation:GetTemplate on resource: arn:aws:cloudformation:eu-west-1:123456789012:stack/photoshare-prod/*")
			}
		}))
		defer srv.Close()
		home := t.TempDir()
		for k, v := range map[string]string{
			"AWS_ENDPOINT_URL_CLOUDFORMATION": srv.URL,
			"AWS_ACCESS_KEY_ID":               "AKIDPLANTEST",
			"AWS_SECRET_ACCESS_KEY":           "secret",
			"AWS_SESSION_TOKEN":               "",
			"AWS_REGION":                      "eu-west-1",
			"AWS_PROFILE":                     "",
			"AWS_CONFIG_FILE":                 filepath.Join(home, "config"),
			"AWS_SHARED_CREDENTIALS_FILE":     filepath.Join(home, "credentials"),
			"AWS_EC2_METADATA_DISABLED":       "true",
			// The SDK's default attempts: it retries a connection closed under a request (net.ErrClosed,
			// aws-sdk-go-v2#2737), as one run saw on this loopback server under load.
			"AWS_MAX_ATTEMPTS": "3",
		} {
			t.Setenv(k, v)
		}

		mode.Store("denied")
		code, out, errs := run("plan", "--stage", "prod", spec)
		if code != 1 || !strings.Contains(errs, "access denied reading stack photoshare-prod's template in region eu-west-1") ||
			!strings.Contains(errs, "cloudformation:GetTemplate") || !strings.Contains(errs, "--against FILE") {
			t.Errorf("denied: exit %d\n%s%s", code, out, errs)
		}

		mode.Store("deployed")
		code, out, errs = run("plan", "--stage", "prod", spec)
		if code != 1 || !strings.Contains(out, "Plan for photoshare-prod (stage prod): stack photoshare-prod in region eu-west-1") ||
			!strings.Contains(out, "UserPoolDAD9161D (AWS::Cognito::UserPool): update refused") {
			t.Errorf("deployed: exit %d\n%s%s", code, out, errs)
		}

		mode.Store("missing")
		code, out, errs = run("plan", "--stage", "prod", "--region", "eu-west-1", spec)
		if code != 0 || !strings.Contains(out, "Stack photoshare-prod does not exist in region eu-west-1 yet: every resource is new.") ||
			!strings.Contains(out, "0 modified, 0 replaced, 0 deleted, 0 unchanged; nothing stateful is lost") {
			t.Errorf("missing: exit %d\n%s%s", code, out, errs)
		}
		if requests.Load() != 3 {
			t.Errorf("%d GetTemplate requests, want 3 (no retries of a definite answer)", requests.Load())
		}
	})
}

// TestPlanCognitoState: the Cognito state a prod stage retains is guarded too. Each spec edit is planned
// against the synthesized prod template of the unchanged example.
func TestPlanCognitoState(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes the example")
	}
	deployedPath, _ := deployedPhotoshare(t)
	tests := []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"renamed group", map[string]string{"editors: { precedence: 2 }": "curators: { precedence: 2 }"}, []string{
			"UserPoolGroupeditorsE52BCD28 (AWS::Cognito::UserPoolGroup): logical ID changed (rename), retained but orphaned",
			"Cognito cannot rename a group, and a new group starts empty",
			"--allow UserPoolGroupeditorsE52BCD28",
		}},
		{"new domain prefix", map[string]string{"domainPrefix: photoshare-${stage}": "domainPrefix: photoshare-${stage}-v2"}, []string{
			"UserPoolDomainB9359F9B (AWS::Cognito::UserPoolDomain): update refused by the service",
			"the hosted UI domain prefix changes (photoshare-prod -> photoshare-prod-v2)",
			"a user pool holds one prefix domain, so Cognito refuses it",
			"--allow UserPoolDomainB9359F9B only lets plan pass",
		}},
		{"renamed resource server", map[string]string{"photos: { scopes: { read:": "gallery: { scopes: { read:"}, []string{
			"UserPoolResourceServerphotos1EED9AA4 (AWS::Cognito::UserPoolResourceServer): logical ID changed (rename), retained but orphaned",
			"tokens issued with the old scopes stop matching",
			"--allow UserPoolResourceServerphotos1EED9AA4",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run("plan", "--stage", "prod", "--against", deployedPath, changedPhotoshare(t, tt.changes))
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
			}
			flat := strings.Join(strings.Fields(out), " ")
			for _, s := range append(tt.want, "Blocked (1):", "BLOCKED: 1 change would lose data or fail") {
				if !strings.Contains(flat, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if !strings.Contains(errs, "underhood: plan blocked") {
				t.Errorf("stderr: %s", errs)
			}
		})
	}
}

func queryError(w http.ResponseWriter, status int, code, msg string) {
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>`+
		`<Code>%s</Code><Message>%s</Message></Error><RequestId>r2</RequestId></ErrorResponse>`, code, msg)
}

func TestPlanUsage(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{[]string{"plan"}, 2, "plan needs SPEC"},
		{[]string{"plan", "--against", "x.json", "--region", "eu-west-1", "../../examples/photoshare/app.yaml"}, 2, "--profile and --region are for the deployed stack"},
		{[]string{"plan", "--against", "testdata/nope.json", "../../examples/photoshare/app.yaml"}, 1, "cannot read the template to compare with"},
		{[]string{"plan", "testdata/bad.yaml"}, 1, "testdata/bad.yaml:5:20:"},
	}
	for _, tt := range tests {
		code, out, errs := run(tt.args...)
		if code != tt.wantCode || !strings.Contains(errs, tt.wantErr) {
			t.Errorf("%v: exit %d, stderr %q (stdout %q); want %d, %q", tt.args, code, errs, out, tt.wantCode, tt.wantErr)
		}
	}
}

// Without credentials the SDK tries the EC2 instance metadata service; its warnings must not reach the
// terminal before plan's own error. IMDS is a loopback server refusing tokens and roles, as on a laptop
// behind a proxy that answers 169.254.169.254; the SDK's logger writes to os.Stderr, so that is captured.
func TestPlanNoCredentialsIsQuiet(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		http.NotFound(w, r)
	}))
	defer imds.Close()
	home := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_REGION":                             "eu-west-1",
		"AWS_CONFIG_FILE":                        filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE":            filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED":              "false",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT":      imds.URL,
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_MAX_ATTEMPTS": "3", // the SDK's default, which retries a closed connection
	} {
		t.Setenv(k, v)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	code, out, errs := run("plan", "../../examples/photoshare/app.yaml")
	os.Stderr = saved
	w.Close()
	leaked, _ := io.ReadAll(r)
	if code != 1 || !strings.Contains(errs, "no AWS credentials found for GetTemplate in region eu-west-1") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if len(leaked) > 0 {
		t.Errorf("the SDK printed to stderr before plan's error:\n%s", leaked)
	}
}

// TestPlanQuietAfterCDKDeploy: the CDK CLI runs synth with aws:cdk:enable-path-metadata (and asset
// metadata) in CDK_CONTEXT_JSON, and that is the template cdk deploy deploys. plan, with the same spec,
// must find no change against it: for photoshare, and for an API split across nested stacks (whose
// templates the parent names by a hash of their content).
func TestPlanQuietAfterCDKDeploy(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes in a separate process")
	}
	// Separate processes: CDK reads CDK_CONTEXT_JSON when the jsii kernel (Node) starts.
	bin := filepath.Join(t.TempDir(), "underhood")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/underhood").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(env []string, args ...string) (int, string, string) {
		var stdout, stderr strings.Builder
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}
	photoshare, err := filepath.Abs("../../examples/photoshare/app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	split := splitSpec(t)
	cliContext := `CDK_CONTEXT_JSON={"aws:cdk:enable-path-metadata":true,"aws:cdk:enable-asset-metadata":true,"stage":"prod"}`
	tests := []struct {
		name, spec, stack string
		env               []string // of the synth that stands for cdk deploy's
		pathMetadata      bool     // whether that template has aws:cdk:path metadata
	}{
		{"photoshare, CDK CLI context", photoshare, "photoshare-prod", []string{cliContext}, true},
		{"photoshare, path metadata only", photoshare, "photoshare-prod", []string{`CDK_CONTEXT_JSON={"aws:cdk:enable-path-metadata":true,"stage":"prod"}`}, true},
		// cdk deploy --path-metadata false: plan itself synthesizes with it, and the API's Deployment is
		// named the same either way.
		{"photoshare, cdk deploy --path-metadata false", photoshare, "photoshare-prod", []string{`CDK_CONTEXT_JSON={"aws:cdk:enable-path-metadata":false,"stage":"prod"}`}, false},
		{"split API, CDK CLI context", split, "wide-prod", []string{cliContext}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			code, stdout, stderr := run(append(tt.env, "CDK_OUTDIR="+out), "synth", tt.spec)
			if code != 0 {
				t.Fatalf("synth: exit %d\n%s%s", code, stdout, stderr)
			}
			deployed := filepath.Join(out, tt.stack+".template.json")
			body, err := os.ReadFile(deployed)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(body), `"aws:cdk:path"`) != tt.pathMetadata {
				t.Fatalf("aws:cdk:path metadata in the template: %v, want %v: the context did not reach synth", !tt.pathMetadata, tt.pathMetadata)
			}
			if tt.stack == "wide-prod" && !strings.Contains(string(body), `"AWS::CloudFormation::Stack"`) {
				t.Fatal("the split spec's API is not split across nested stacks")
			}
			code, stdout, stderr = run(nil, "plan", "--stage", "prod", "--against", deployed, tt.spec)
			if code != 0 || !strings.Contains(stdout, "No resource changes.") {
				t.Errorf("plan: exit %d, want 0 and no resource changes\n%s%s", code, stdout, stderr)
			}
		})
	}
}

// splitSpec writes a spec whose one API (220 routes under two top-level paths, no CORS) is split across
// two nested stacks, and returns its path.
func splitSpec(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions", "items"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "items", "index.mjs"), []byte("export const handler = async () => ({ statusCode: 200 });\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("version: 1\napp: wide\nstages: { prod: { removal: retain } }\n")
	b.WriteString("functions:\n  items: { runtime: nodejs, source: functions/items }\napi:\n  wide:\n    authorization: none\n    routes:\n")
	for _, top := range []string{"a", "b"} {
		for i := 0; i < 110; i++ {
			fmt.Fprintf(&b, "      GET /%s/x%03d: items\n", top, i)
		}
	}
	path := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

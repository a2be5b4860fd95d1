package cli_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/underhood-dev/underhood/internal/golden"
	"github.com/underhood-dev/underhood/internal/spectest"
)

// configProject copies an example's spec and sample outputs into a temp folder.
func configProject(t *testing.T, ex string) (dir, specPath, outputsPath string) {
	t.Helper()
	dir = t.TempDir()
	for _, name := range []string{"app.yaml", "outputs.sample.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", ex, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// spec.Load checks that function source folders exist and hold the handler's file; stand-ins do.
	fns, err := os.ReadDir(filepath.Join("..", "..", "examples", ex, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range fns {
		spectest.StubSources(t, dir, []string{"functions/" + fn.Name()})
	}
	return dir, filepath.Join(dir, "app.yaml"), filepath.Join(dir, "outputs.sample.json")
}

// sample is an example's outputs.sample.json.
func sample(t *testing.T, ex string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", ex, "outputs.sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// emitGolden is emit's golden file of an example: what config writes from its sample outputs.
func emitGolden(t *testing.T, ex, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "emit", "testdata", ex, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestConfigWritesFrontendFiles(t *testing.T) {
	dir, specPath, outputs := configProject(t, "photoshare")
	code, stdout, stderr := run("config", specPath, "--outputs-file", outputs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The frontend list of photoshare, relative to the spec's folder.
	for _, f := range []struct{ path, golden string }{
		{"web/amplify_outputs.json", "amplify_outputs.json"},
		{"web/src/amplify-config.ts", "amplify-config.ts"},
		{"web/src/aws-exports.js", "aws-exports.js"},
	} {
		got, err := os.ReadFile(filepath.Join(dir, f.path))
		if err != nil {
			t.Fatal(err)
		}
		want := emitGolden(t, "photoshare", f.golden)
		// Only the header's spec path differs from the golden.
		want = strings.Replace(want, "from examples/photoshare/app.yaml.", "from "+filepath.ToSlash(specPath)+".", 1)
		if f.golden == "amplify-config.ts" {
			// The module sits in web/src and imports web/amplify_outputs.json by its relative path.
			const sameDir, parentDir = `from "./amplify_outputs.json"`, `from "../amplify_outputs.json"`
			if !strings.Contains(string(got), parentDir) {
				t.Errorf("%s does not import %s", f.path, parentDir)
			}
			want = strings.Replace(want, sameDir, parentDir, 1)
		}
		if string(got) != want {
			t.Errorf("%s differs from golden %s (- golden, + written):\n%s", f.path, f.golden, golden.Diff([]byte(want), got))
		}
		if !strings.Contains(stdout, "wrote "+filepath.Join(dir, f.path)) {
			t.Errorf("stdout does not report %s: %s", f.path, stdout)
		}
	}
	// A second run changes nothing, and --check agrees.
	if code, _, stderr := run("config", specPath, "--outputs-file", outputs, "--check"); code != 0 {
		t.Fatalf("--check after writing: exit %d: %s", code, stderr)
	}
	// A hand edit is caught by --check, which writes nothing.
	edited := filepath.Join(dir, "web/src/aws-exports.js")
	if err := os.WriteFile(edited, []byte("// edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run("config", specPath, "--outputs-file", outputs, "--check")
	if code != 1 || !strings.Contains(stderr, edited+": differs") || !strings.Contains(stderr, "1 of 3 frontend files are out of date") {
		t.Errorf("--check on an edited file: exit %d, stderr %s", code, stderr)
	}
	if b, _ := os.ReadFile(edited); string(b) != "// edited\n" {
		t.Error("--check rewrote the file")
	}
}

func TestConfigFormatFlags(t *testing.T) {
	dir, specPath, outputs := configProject(t, "userpool-only")
	js := filepath.Join(dir, "out", "amplify-config.js")
	gen1 := filepath.Join(dir, "out", "amplifyconfiguration.json")
	// The module imports amplify_outputs.json, so asking for it alone is refused and writes nothing.
	code, _, stderr := run("config", specPath, "--outputs-file", outputs, "--format", "amplify-config", "--out", js)
	if code != 1 || !strings.Contains(stderr, "amplify-config imports amplify_outputs.json, which no target writes") {
		t.Errorf("module without outputs: exit %d, stderr %s", code, stderr)
	}
	if _, err := os.Stat(js); err == nil {
		t.Errorf("%s was written although the run failed", js)
	}
	code, _, stderr = run("config", specPath, "--outputs-file", outputs,
		"--format", "amplify-config", "--out", js, "--format", "aws-exports", "--out", gen1,
		"--format", "amplify-outputs", "--out", filepath.Join(dir, "out", "amplify_outputs.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tests := []struct{ path, golden string }{{js, "amplify-config.js"}, {gen1, "amplifyconfiguration.json"}}
	for _, tt := range tests {
		got, err := os.ReadFile(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Replace(emitGolden(t, "userpool-only", tt.golden), "from examples/userpool-only/app.yaml.", "from "+filepath.ToSlash(specPath)+".", 1)
		if string(got) != want {
			t.Errorf("%s differs from golden %s (- golden, + written):\n%s", tt.path, tt.golden, golden.Diff([]byte(want), got))
		}
	}
	// The spec's own frontend files were not written.
	if _, err := os.Stat(filepath.Join(dir, "web")); !os.IsNotExist(err) {
		t.Errorf("wrote the spec's frontend files too: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name     string
		outputs  string // outputs file content; "" = use the sample
		args     []string
		wantCode int
		wantErr  string
	}{
		{"missing key", `{"photoshare-dev": {"Region": "eu-west-1", "UserPoolId": "p", "UserPoolClientId": "c", "IdentityPoolId": "i", "HostedUIDomain": "d", "ApiPhotosUrl": "u", "TableLikesName": "t"}}`,
			nil, 1, "stack photoshare-dev: missing output BucketPhotoStoreName"},
		{"missing stack", `{"photoshare-prod": {}}`, nil, 1, "stack photoshare-dev: no outputs for it (stacks found: photoshare-prod)"},
		{"wrong stage", "", []string{"--stage", "prod"}, 1, "stack photoshare-prod: no outputs for it (stacks found: photoshare-dev)"},
		{"not json", `{"photoshare-dev": `, nil, 1, "outputs file"},
		{"authorization from another spec", strings.Replace(sample(t, "photoshare"), `"ApiPhotosAuthorization": "access-token,iam"`, `"ApiPhotosAuthorization": "id-token"`, 1),
			nil, 1, "stack photoshare-dev does not match the spec (deployed from another spec, an older version of it, or another stage):\n" +
				"  ApiPhotosAuthorization: the deployed API photos takes id-token, the spec's routes use access-token,iam\nnothing was written"},
		{"API URL of another stage", strings.Replace(sample(t, "photoshare"), "/photos/dev/", "/photos/prod/", 1),
			nil, 1, `ApiPhotosUrl: http://127.0.0.1:43101/photos/prod/ serves stage "prod", the spec is for stage dev`},
		{"no outputs flag", "", []string{"--outputs-file="}, 2, "give the stack outputs"},
		{"both sources", "", []string{"--from-stack"}, 2, "either --outputs-file or --from-stack"},
		{"unpaired format", "", []string{"--format", "aws-exports"}, 2, "every --format needs one --out"},
		{"unknown format", "", []string{"--format", "graphql", "--out", "x.js"}, 1, `unknown frontend format "graphql"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, specPath, outputs := configProject(t, "photoshare")
			if tt.outputs != "" {
				if err := os.WriteFile(outputs, []byte(tt.outputs), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := append([]string{"config", specPath, "--outputs-file", outputs}, tt.args...)
			code, _, stderr := run(args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.wantCode, tt.wantErr)
			}
			if _, err := os.Stat(filepath.Join(dir, "web")); !os.IsNotExist(err) {
				t.Errorf("a failed run wrote files: %v", err)
			}
		})
	}
}

// fakeCloudFormation answers DescribeStacks (AWS query protocol) from stacks, or with an error.
type fakeCloudFormation struct {
	mu       sync.Mutex
	stacks   map[string]map[string]string
	status   int    // non-zero: answer with this error status
	code     string // error code
	message  string // error message ("" is an access denied one)
	requests []url.Values
	auth     []string
}

func (f *fakeCloudFormation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	f.mu.Lock()
	f.requests = append(f.requests, form)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	name := form.Get("StackName")
	fail := func(status int, code, msg string) {
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, code, html.EscapeString(msg))
	}
	if f.status != 0 {
		fail(f.status, f.code, cmp.Or(f.message, "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudformation:DescribeStacks"))
		return
	}
	outs, ok := f.stacks[name]
	if form.Get("Action") != "DescribeStacks" || !ok {
		fail(400, "ValidationError", "Stack with id "+name+" does not exist")
		return
	}
	keys := make([]string, 0, len(outs))
	for k := range outs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var members strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&members, "<member><OutputKey>%s</OutputKey><OutputValue>%s</OutputValue></member>", html.EscapeString(k), html.EscapeString(outs[k]))
	}
	fmt.Fprintf(w, `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>%s</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/%s/1</StackId><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2025-01-01T00:00:00Z</CreationTime><Outputs>%s</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
		html.EscapeString(name), html.EscapeString(name), members.String())
}

func TestConfigFromStack(t *testing.T) {
	// No real credentials or config files: static fake keys through the default chain.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	// The SDK's default attempts: it retries a connection closed under a request (net.ErrClosed,
	// aws-sdk-go-v2#2737), which loopback fakes have shown under load; no fake here answers a retryable error.
	t.Setenv("AWS_MAX_ATTEMPTS", "3")

	data, err := os.ReadFile("../../examples/photoshare/outputs.sample.json")
	if err != nil {
		t.Fatal(err)
	}
	var sample map[string]map[string]string
	if err := json.Unmarshal(data, &sample); err != nil {
		t.Fatal(err)
	}
	partial := map[string]string{}
	for k, v := range sample["photoshare-dev"] {
		if k != "ApiPhotosUrl" {
			partial[k] = v
		}
	}
	tests := []struct {
		name     string
		fake     *fakeCloudFormation
		args     []string
		wantCode int
		wantErr  string
	}{
		{"ok", &fakeCloudFormation{stacks: sample}, nil, 0, ""},
		{"stack missing", &fakeCloudFormation{stacks: map[string]map[string]string{}}, nil, 1,
			"stack photoshare-dev: not found in region eu-west-1 (Stack with id photoshare-dev does not exist)"},
		{"output missing", &fakeCloudFormation{stacks: map[string]map[string]string{"photoshare-dev": partial}}, nil, 1,
			"stack photoshare-dev: missing output ApiPhotosUrl"},
		{"access denied", &fakeCloudFormation{status: 403, code: "AccessDenied"}, nil, 1,
			"stack photoshare-dev: access denied to cloudformation:DescribeStacks in region eu-west-1"},
		{"expired credentials", &fakeCloudFormation{status: 403, code: "ExpiredToken", message: "The security token included in the request is expired"}, nil, 1,
			"stack photoshare-dev: the AWS credentials were refused by cloudformation:DescribeStacks in region eu-west-1 " +
				"(ExpiredToken: The security token included in the request is expired): they have expired or are not valid; " +
				"refresh them (aws sso login, or --profile), or give the outputs with --outputs-file FILE"},
		{"wrong stage", &fakeCloudFormation{stacks: sample}, []string{"--stage", "prod"}, 1,
			"stack photoshare-prod: not found in region eu-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.fake)
			defer srv.Close()
			dir, specPath, _ := configProject(t, "photoshare")
			t.Setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", srv.URL)
			args := append([]string{"config", specPath, "--from-stack", "--region", "eu-west-1"}, tt.args...)
			code, _, stderr := run(args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.wantCode, tt.wantErr)
			}
			if len(tt.fake.requests) == 0 {
				t.Fatal("no request reached the fake CloudFormation")
			}
			if a := tt.fake.auth[0]; !strings.Contains(a, "AWS4-HMAC-SHA256") || !strings.Contains(a, "/eu-west-1/cloudformation/") {
				t.Errorf("request not SigV4-signed for cloudformation in eu-west-1: %q", a)
			}
			_, statErr := os.Stat(filepath.Join(dir, "web", "src", "aws-exports.js"))
			if tt.wantCode == 0 {
				if statErr != nil {
					t.Errorf("ok run did not write: %v", statErr)
				}
				got, _ := os.ReadFile(filepath.Join(dir, "web", "amplify_outputs.json"))
				if string(got) != emitGolden(t, "photoshare", "amplify_outputs.json") {
					t.Error("amplify_outputs.json from the stack differs from the golden made from the sample outputs")
				}
			} else if !os.IsNotExist(statErr) {
				t.Errorf("a failed run wrote files: %v", statErr)
			}
		})
	}
}

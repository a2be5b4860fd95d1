package cli_test

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

// The import tests run on a copy of a real Amplify Gen 1 project from the importer's corpus: PHCare
// (cli-inputs.json, env test in us-east-2, stack amplify-phcare-test-d97de) has a managed user pool
// and identity pool, user pool groups Doctor and Staff, an S3 bucket, two DynamoDB tables, a function,
// an open REST API, and an AppSync API and hosting that are out of scope.
const (
	phcare      = "Scott0275__PHCare"
	phcareAuth  = "phcareaba2983daba2983d"
	phcareStack = "amplify-phcare-test-d97de"
	phcareFn    = "amplify/backend/function/patientsLambda/src"
	// sysco-mini-project's web-app: a user pool only (no identity pool) with a hosted UI, env dev in
	// us-east-1.
	sysco = "sysco-mini-project__web-app"
)

// copyProject copies a corpus project into a fresh temporary folder and returns the copy's path.
// With sources, it creates each function's src folder, which the corpus (JSON only) lacks, with a
// stand-in for its handler file.
func copyProject(t *testing.T, name string, sources bool) string {
	t.Helper()
	dir := spectest.CopyTree(t, filepath.Join("../../importer/amplify/testdata/corpus", name))
	if sources {
		fns, err := filepath.Glob(filepath.Join(dir, "amplify/backend/function/*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range fns {
			spectest.StubSources(t, fn, []string{"src"})
		}
	}
	return dir
}

// editJSON decodes a project's JSON file, lets edit change it, and writes it back.
func editJSON(t *testing.T, path string, edit func(m map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if data, err = json.MarshalIndent(m, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// truncate keeps the first n bytes of a file.
func truncate(t *testing.T, path string, n int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:n], 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func notExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s was written (stat: %v)", path, err)
	}
}

// loadStage loads the written spec at the imported stage; the spec must validate.
func loadStage(t *testing.T, path, stage string) *spec.App {
	t.Helper()
	app, err := spec.Load(path, stage)
	if err != nil {
		t.Fatalf("%s does not validate:\n%v", path, err)
	}
	return app
}

// reportRow matches the report's table row of a resource: category, name, service, status,
// existing and spec path, separated by the table's spaces.
func reportRow(fields ...string) *regexp.Regexp {
	for i, f := range fields {
		fields[i] = regexp.QuoteMeta(f)
	}
	return regexp.MustCompile(`(?m)^` + strings.Join(fields, ` +`) + `$`)
}

// phcareReport is what every import of PHCare prints, whatever the ids.
var phcareReport = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^Amplify Gen 1 import: project "PHCare", env test \(the only env in amplify/team-provider-info.json\)$`),
	regexp.MustCompile(`(?m)^Resources: 9 \(\d translated, \d approximated, 2 out of scope, 0 missing\)$`),
	reportRow("api", "chatapp", "AppSync", "out of scope", "-", "-"),
	reportRow("api", "patients", "API Gateway", "translated", "new (stateless)", "api.patients"),
	reportRow("function", "patientsLambda", "Lambda", "approximated", "new (stateless)", "functions.patientsLambda"),
	reportRow("hosting", "amplifyhosting", "amplifyhosting", "out of scope", "-", "-"),
	reportRow("storage", "chatmessages", "DynamoDB", "translated", "chatmessages-test", "storage.chatmessages"),
	reportRow("storage", "patients", "DynamoDB", "translated", "patients-test", "storage.patients"),
	regexp.MustCompile(`(?m)^MIGRATION PLAN \(in this order; every step keeps the SPA working\)$`),
	regexp.MustCompile(`(?m)^   1\.\d storage/chatmessages: DynamoDB table \(DynamoDBTable\)$`),
	regexp.MustCompile(`(?m)^   Already retained: storage/ehrdocs, S3 bucket \(S3Bucket\)`),
}

// newPoolReport is the report of an import that creates a new user pool.
var newPoolReport = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^! NEW USER POOL: the id of auth ` + phcareAuth + `'s user pool is not in the project files`),
	reportRow("auth", phcareAuth, "Cognito", "approximated", "new", "auth.userPool"),
	reportRow("auth", "userPoolGroups", "Cognito-UserPool-Groups", "approximated", "new", "auth.userPool.groups"),
	regexp.MustCompile(`(?m)^   1\.1 auth/` + phcareAuth + `: user pool, web app client, identity pool, its role attachment \(UserPool, UserPoolClientWeb, IdentityPool, IdentityPoolRoleMap\)$`),
}

// importEnv is one import test's files.
type importEnv struct {
	dir    string // the project copy
	out    string // where the spec should be
	other  string // a temporary folder for -o
	before string // the spec file's content before the run, when setup wrote one
}

func TestImportAmplify(t *testing.T) {
	type env = importEnv
	tests := []struct {
		name      string
		project   string // corpus project; "" is an empty folder
		noSources bool   // leave out the function src folders
		setup     func(t *testing.T, e *env)
		args      func(e *env) []string
		wantCode  int
		wantOut   []*regexp.Regexp
		notOut    []string
		wantErr   []string
		errRE     *regexp.Regexp
		written   bool // the spec file exists after the run
		check     func(t *testing.T, e *env, stdout string)
	}{
		{
			name: "default output next to the project", project: phcare,
			args:    func(e *env) []string { return []string{"import", "amplify", e.dir} },
			wantOut: append(slices.Clone(phcareReport), newPoolReport...),
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				if !strings.HasSuffix(stdout, wroteLine(e.out, "phcare", "test")) {
					t.Errorf("stdout does not end with the Wrote line:\n%s", tail(stdout))
				}
				// The report, plan included, is also beside the spec, with the commands naming it.
				report := readFile(t, strings.TrimSuffix(e.out, ".yaml")+".migration.txt")
				if !strings.HasPrefix(stdout, report) || !strings.Contains(report, "\n2. Check that deleting the Amplify stack") ||
					!strings.Contains(report, "$ underhood validate --stage test "+e.out+"\n") {
					t.Errorf("the report beside the spec is not the printed one, or its commands do not name the spec:\n%s", report)
				}
				app := loadStage(t, e.out, "test")
				if app.Name != "phcare" || app.Region != "us-east-2" || app.Auth.UserPool.Existing != nil || len(app.Auth.UserPool.Groups) != 2 {
					t.Errorf("app %s region %s, existing pool %v, %d groups", app.Name, app.Region, app.Auth.UserPool.Existing, len(app.Auth.UserPool.Groups))
				}
				if got := app.Functions[0].Source; got != phcareFn {
					t.Errorf("function source %q, want %q", got, phcareFn)
				}
			},
		},
		{
			name: "-o in another folder: sources relative to it", project: phcare,
			setup:   func(t *testing.T, e *env) { e.out = filepath.Join(e.other, "deploy", "app.yaml") },
			args:    func(e *env) []string { return []string{"import", "amplify", "-o", e.out, e.dir} },
			wantOut: phcareReport,
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				notExist(t, filepath.Join(e.dir, "app.yaml"))
				if !strings.Contains(stdout, wroteLine(e.out, "phcare", "test")) {
					t.Errorf("stdout lacks the Wrote line:\n%s", tail(stdout))
				}
				app := loadStage(t, e.out, "test")
				src := app.Functions[0].Source
				if filepath.IsAbs(src) || !strings.HasPrefix(src, "../") {
					t.Errorf("function source %q is not relative to the spec's folder", src)
				}
				got, err := filepath.Abs(filepath.Join(filepath.Dir(e.out), src))
				if err != nil {
					t.Fatal(err)
				}
				if want, _ := filepath.Abs(filepath.Join(e.dir, phcareFn)); got != want {
					t.Errorf("function source %q resolves to %s, want %s", src, got, want)
				}
			},
		},
		{
			name: "spec exists: refused without --force", project: phcare,
			setup: func(t *testing.T, e *env) {
				e.before = "# my edits\n"
				writeFile(t, e.out, e.before)
			},
			args:     func(e *env) []string { return []string{"import", "amplify", e.dir} },
			wantCode: 1,
			wantErr:  []string{"app.yaml exists; pass --force to overwrite it"},
			written:  true,
			check: func(t *testing.T, e *env, stdout string) {
				if got := readFile(t, e.out); got != e.before {
					t.Errorf("app.yaml changed to:\n%s", got)
				}
				if stdout != "" {
					t.Errorf("stdout: %s", stdout)
				}
			},
		},
		{
			name: "spec exists: --force rewrites it", project: phcare,
			setup: func(t *testing.T, e *env) {
				e.before = "# my edits\n"
				writeFile(t, e.out, e.before)
			},
			args:    func(e *env) []string { return []string{"import", "amplify", "--force", e.dir} },
			wantOut: phcareReport,
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				if got := readFile(t, e.out); !strings.HasPrefix(got, "# Generated by `underhood import amplify`") {
					t.Errorf("app.yaml not rewritten:\n%s", got)
				}
				loadStage(t, e.out, "test")
			},
		},
		{
			name: "function source folders missing: written, but exit 1", project: phcare, noSources: true,
			args:     func(e *env) []string { return []string{"import", "amplify", e.dir} },
			wantCode: 1,
			wantOut:  phcareReport,
			wantErr:  []string{"The spec does not validate yet:", "importing again needs --force"},
			errRE:    regexp.MustCompile(`(?m)^.*/app\.yaml:\d+:\d+: functions\.patientsLambda\.source: folder "amplify/backend/function/patientsLambda/src" does not exist`),
			written:  true,
			check: func(t *testing.T, e *env, stdout string) {
				if !strings.Contains(stdout, "\nWrote "+e.out) {
					t.Errorf("stdout lacks the Wrote line:\n%s", tail(stdout))
				}
			},
		},
		{
			name: "truncated backend-config.json", project: phcare,
			setup: func(t *testing.T, e *env) {
				truncate(t, filepath.Join(e.dir, "amplify/backend/backend-config.json"), 300)
			},
			args:     func(e *env) []string { return []string{"import", "amplify", e.dir} },
			wantCode: 1,
			errRE:    regexp.MustCompile(`^underhood: .*/amplify/backend/backend-config\.json:15:33: JSON syntax error: unexpected end of JSON input\n$`),
		},
		{
			name: "corrupted cli-inputs.json", project: phcare,
			setup: func(t *testing.T, e *env) {
				writeFile(t, filepath.Join(e.dir, "amplify/backend/storage/patients/cli-inputs.json"), "{\n  \"resourceName\": \"patients\",\n  \"tableName\": patients\n}\n")
			},
			args:     func(e *env) []string { return []string{"import", "amplify", e.dir} },
			wantCode: 1,
			errRE:    regexp.MustCompile(`^underhood: .*/amplify/backend/storage/patients/cli-inputs\.json:3:16: JSON syntax error: invalid character 'p' looking for beginning of value\n$`),
		},
		{
			name:     "not an Amplify project",
			args:     func(e *env) []string { return []string{"import", "amplify", e.dir} },
			wantCode: 1,
			errRE:    regexp.MustCompile(`^underhood: .* is not an Amplify Gen 1 project: it has no amplify/ folder; give the folder that holds amplify/\n$`),
		},
		{
			name:     "no such folder",
			args:     func(e *env) []string { return []string{"import", "amplify", filepath.Join(e.dir, "nope")} },
			wantCode: 1,
			wantErr:  []string{"/nope: no such folder; give the Amplify Gen 1 project's folder"},
		},
		{
			name: "several envs and no --env", project: phcare,
			setup:    addProdEnv,
			args:     func(e *env) []string { return []string{"import", "amplify", e.dir} },
			wantCode: 1,
			wantErr:  []string{"amplify/team-provider-info.json has 2 Amplify envs (prod, test)", "--env NAME"},
		},
		{
			name: "several envs, --env prod", project: phcare,
			setup:   addProdEnv,
			args:    func(e *env) []string { return []string{"import", "amplify", "--env", "prod", e.dir} },
			wantOut: []*regexp.Regexp{regexp.MustCompile(`(?m)^Spec: app phcare, stage prod, region eu-west-1$`), reportRow("storage", "patients", "DynamoDB", "translated", "patients-prod", "storage.patients")},
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				if app := loadStage(t, e.out, "prod"); app.Region != "eu-west-1" {
					t.Errorf("region %s", app.Region)
				}
			},
		},
		{
			name: "--env not in the project", project: phcare,
			args:     func(e *env) []string { return []string{"import", "amplify", "--env", "staging", e.dir} },
			wantCode: 1,
			wantErr:  []string{`env "staging" is not in amplify/team-provider-info.json; its envs are test`},
		},
		{
			name: "--existing without =", project: phcare,
			args:     func(e *env) []string { return []string{"import", "amplify", "--existing", "foo", e.dir} },
			wantCode: 2,
			wantErr:  []string{`--existing "foo": write NAME=BUCKET_OR_TABLE`},
		},
		{
			name: "--stream without =", project: phcare,
			args:     func(e *env) []string { return []string{"import", "amplify", "--stream", "patients", e.dir} },
			wantCode: 2,
			wantErr:  []string{`--stream "patients": write NAME=STREAM_ARN`},
		},
		{
			name: "--stream of another table", project: phcare,
			args: func(e *env) []string {
				return []string{"import", "amplify", "--stream", "patients=arn:aws:dynamodb:us-east-2:040280606943:table/other/stream/2025-01-01T00:00:00.000", e.dir}
			},
			wantCode: 1,
			wantErr:  []string{"--stream patients=arn:aws:dynamodb:us-east-2:040280606943:table/other/stream/2025-01-01T00:00:00.000: not the stream of an existing table patients-test"},
		},
		{
			name: "--stream gives an existing table's stream", project: phcare,
			args: func(e *env) []string {
				return []string{"import", "amplify", "--stream", "patients=arn:aws:dynamodb:us-east-2:040280606943:table/patients-test/stream/2025-01-01T00:00:00.000", e.dir}
			},
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				if tb := table(t, loadStage(t, e.out, "test"), "patients"); tb.ExistingStreamARN != "arn:aws:dynamodb:us-east-2:040280606943:table/patients-test/stream/2025-01-01T00:00:00.000" {
					t.Errorf("table patients stream %q", tb.ExistingStreamARN)
				}
			},
		},
		{
			name: "--existing names no storage of the project", project: phcare,
			args:     func(e *env) []string { return []string{"import", "amplify", "--existing", "foo=bar", e.dir} },
			wantCode: 1,
			wantErr:  []string{"--existing foo=...: the project has no storage resource or AppSync API foo (its storage: chatmessages, ehrdocs, patients; its AppSync APIs: chatapp)"},
		},
		{
			name: "--existing sets a table", project: phcare,
			args: func(e *env) []string {
				return []string{"import", "amplify", "--existing", "patients=patients-legacy", e.dir}
			},
			wantOut: []*regexp.Regexp{reportRow("storage", "patients", "DynamoDB", "translated", "patients-legacy", "storage.patients")},
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				if tb := table(t, loadStage(t, e.out, "test"), "patients"); tb.ExistingName != "patients-legacy" {
					t.Errorf("table patients existing %q", tb.ExistingName)
				}
			},
		},
		{
			name: "--region without --from-stack", project: phcare,
			args:     func(e *env) []string { return []string{"import", "amplify", "--region", "us-east-1", e.dir} },
			wantCode: 2,
			wantErr:  []string{"--profile and --region are for the deployed Amplify stack: they need --from-stack or --check-retained"},
		},
		{
			name: "id flags keep Amplify's pools", project: phcare,
			args: func(e *env) []string {
				return []string{"import", "amplify", e.dir, "--user-pool-id", "us-east-2_PhCaRe123", "--user-pool-client-id", "3n4b5urk1ft4fl3mg5e62d9ado",
					"--identity-pool-id", "us-east-2:0f3e5a7c-1111-2222-3333-444455556666"}
			},
			wantOut: append(slices.Clone(phcareReport),
				reportRow("auth", phcareAuth, "Cognito", "translated", "us-east-2_PhCaRe123", "auth.userPool"),
				reportRow("auth", "userPoolGroups", "Cognito-UserPool-Groups", "approximated", "the pool's", "auth.userPool.groups")),
			notOut:  []string{"NEW USER POOL", "NEW IDENTITY POOL", "creates a NEW"},
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				app := loadStage(t, e.out, "test")
				want := spec.ExistingUserPool{ID: "us-east-2_PhCaRe123", ClientID: "3n4b5urk1ft4fl3mg5e62d9ado", ResponseType: "code", AutoVerify: []string{"email"}}
				if ex := app.Auth.UserPool.Existing; ex == nil || !reflect.DeepEqual(*ex, want) {
					t.Errorf("existing user pool %+v, want %+v", ex, want)
				}
				if id := app.Auth.IdentityPool.ExistingID; id != "us-east-2:0f3e5a7c-1111-2222-3333-444455556666" {
					t.Errorf("existing identity pool %q", id)
				}
				for _, s := range []string{"id: us-east-2_PhCaRe123 # given with --user-pool-id", "id: us-east-2:0f3e5a7c-1111-2222-3333-444455556666 # given with --identity-pool-id"} {
					if !strings.Contains(readFile(t, e.out), s) {
						t.Errorf("spec lacks %q", s)
					}
				}
			},
		},
		{
			name: "identity pool id without the client id: a new identity pool, said loudly", project: phcare,
			args: func(e *env) []string {
				return []string{"import", "amplify", e.dir, "--user-pool-id", "us-east-2_PhCaRe123", "--identity-pool-id", "us-east-2:0f3e5a7c-1111-2222-3333-444455556666"}
			},
			wantOut: []*regexp.Regexp{regexp.MustCompile(`(?m)^! The identity pool us-east-2:0f3e5a7c-1111-2222-3333-444455556666 only trusts the app clients`)},
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				if app := loadStage(t, e.out, "test"); app.Auth.IdentityPool.ExistingID != "" {
					t.Errorf("existing identity pool %q without a client id", app.Auth.IdentityPool.ExistingID)
				}
			},
		},
		{
			name: "--hosted-ui-domain prefix becomes the pool's host", project: sysco,
			args: func(e *env) []string {
				return []string{"import", "amplify", e.dir, "--user-pool-id", "us-east-1_Sysco123", "--user-pool-client-id", "5abcdefghij", "--hosted-ui-domain", "sysco-login"}
			},
			wantOut: []*regexp.Regexp{reportRow("auth", "syscoMiniApp", "Cognito", "approximated", "us-east-1_Sysco123", "auth.userPool")},
			notOut:  []string{"NEW USER POOL"},
			written: true,
			check: func(t *testing.T, e *env, stdout string) {
				want := spec.ExistingUserPool{ID: "us-east-1_Sysco123", ClientID: "5abcdefghij", Domain: "sysco-login.auth.us-east-1.amazoncognito.com", ResponseType: "token"}
				if ex := loadStage(t, e.out, "dev").Auth.UserPool.Existing; ex == nil || !reflect.DeepEqual(*ex, want) {
					t.Errorf("existing user pool %+v, want %+v", ex, want)
				}
			},
		},
		{
			name: "--identity-pool-id on a user-pool-only project", project: sysco,
			args: func(e *env) []string {
				return []string{"import", "amplify", e.dir, "--user-pool-id", "us-east-1_Sysco123", "--identity-pool-id", "us-east-1:0f3e5a7c-1111-2222-3333-444455556666"}
			},
			wantCode: 1,
			wantErr:  []string{"--identity-pool-id: auth syscoMiniApp has no identity pool (authSelections userPoolOnly)"},
		},
		{
			name: "--hosted-ui-domain on a project without a hosted UI", project: phcare,
			args: func(e *env) []string {
				return []string{"import", "amplify", e.dir, "--hosted-ui-domain", "phcare-test"}
			},
			wantCode: 1,
			wantErr:  []string{"--hosted-ui-domain: auth " + phcareAuth + " has no hosted UI in the project files"},
		},
		{
			name: "user pool id of another region", project: phcare,
			args: func(e *env) []string {
				return []string{"import", "amplify", e.dir, "--user-pool-id", "eu-west-1_PhCaRe123"}
			},
			wantCode: 1,
			wantErr:  []string{`--user-pool-id "eu-west-1_PhCaRe123" is in region eu-west-1, but the env's resources are in us-east-2`},
		},
		{
			name: "malformed user pool id", project: phcare,
			args:     func(e *env) []string { return []string{"import", "amplify", e.dir, "--user-pool-id", "not-a-pool"} },
			wantCode: 1,
			wantErr:  []string{"--user-pool-id"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{other: t.TempDir()}
			if tt.project != "" {
				e.dir = copyProject(t, tt.project, !tt.noSources)
			} else {
				e.dir = t.TempDir()
			}
			e.out = filepath.Join(e.dir, "app.yaml")
			if tt.setup != nil {
				tt.setup(t, e)
			}
			code, stdout, stderr := run(tt.args(e)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, tail(stdout), stderr)
			}
			for _, re := range tt.wantOut {
				if !re.MatchString(stdout) {
					t.Errorf("stdout does not match %s:\n%s", re, stdout)
				}
			}
			checkStreams(t, stdout, stderr, tt.notOut, tt.wantErr)
			if tt.errRE != nil && !tt.errRE.MatchString(stderr) {
				t.Errorf("stderr does not match %s:\n%s", tt.errRE, stderr)
			}
			if tt.wantCode == 0 && stderr != "" {
				t.Errorf("stderr on success: %s", stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a Go stack trace: %s", stderr)
			}
			if tt.written {
				if _, err := os.Stat(e.out); err != nil {
					t.Errorf("spec not written: %v", err)
				}
			} else {
				notExist(t, e.out)
			}
			if tt.check != nil {
				tt.check(t, e, stdout)
			}
		})
	}
}

// addProdEnv gives the project a second env, prod, in another region.
func addProdEnv(t *testing.T, e *importEnv) {
	editJSON(t, filepath.Join(e.dir, "amplify/team-provider-info.json"), func(m map[string]any) {
		data, _ := json.Marshal(m["test"])
		var prod map[string]any
		if err := json.Unmarshal(data, &prod); err != nil {
			t.Fatal(err)
		}
		aws := prod["awscloudformation"].(map[string]any)
		aws["Region"] = "eu-west-1"
		aws["StackName"] = "amplify-phcare-prod-a1b2c"
		m["prod"] = prod
	})
}

func table(t *testing.T, app *spec.App, name string) spec.Table {
	t.Helper()
	for _, tb := range app.Tables {
		if tb.Name == name {
			return tb
		}
	}
	t.Fatalf("no table %s in the spec", name)
	return spec.Table{}
}

// tail is the end of a long output, for failure messages.
func tail(s string) string {
	if len(s) > 1500 {
		return "..." + s[len(s)-1500:]
	}
	return s
}

// fakeAmplifyStack is one stack of a fake Amplify env: its name, its resources (logical id, type,
// physical id) and which of them have DeletionPolicy Retain in its template.
type fakeAmplifyStack struct {
	name      string
	resources [][3]string
	retain    map[string]bool
	props     map[string]map[string]any // Properties by logical id
	outputs   map[string]string         // DescribeStacks' outputs
}

const stackARNPrefix = "arn:aws:cloudformation:us-east-2:123456789012:stack/"

func stackARN(name string) string {
	return stackARNPrefix + name + "/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f"
}

// template is the stack's deployed template, JSON as amplify-cli's cli-inputs.json stacks are.
func (s *fakeAmplifyStack) template() string {
	res := map[string]any{}
	for _, r := range s.resources {
		def := map[string]any{"Type": r[1], "Properties": map[string]any{}}
		if p, ok := s.props[r[0]]; ok {
			def["Properties"] = p
		}
		if s.retain[r[0]] {
			def["DeletionPolicy"] = "Retain"
			def["UpdateReplacePolicy"] = "Retain"
		}
		res[r[0]] = def
	}
	data, _ := json.MarshalIndent(map[string]any{"AWSTemplateFormatVersion": "2010-09-09", "Resources": res}, "", "  ")
	return string(data)
}

// phcareEnv is PHCare's env test as amplify-cli deploys it: the root stack named in
// team-provider-info.json, nested stacks auth<name>, authuserPoolGroups, storage<name> and
// function<name>. The bucket's name differs from the one the project files give, so a test sees which
// one the spec takes. Only S3Bucket is Retain (amplify-cli's S3 stack), unless retainAll; extra adds a
// table stack for a storage resource the project no longer has.
func phcareEnv(retainAll, extra bool) []*fakeAmplifyStack {
	return phcareEnvWith(retainAll, extra, false)
}

// phcareEnvWith is phcareEnv; with hostedUI, the auth stack also has amplify-cli's hosted UI domain
// custom resource (domain phcare-test), which the project files know nothing of.
func phcareEnvWith(retainAll, extra, hostedUI bool) []*fakeAmplifyStack {
	nested := func(id string) string { return phcareStack + "-" + id + "-1ABC2DEF3GHI" }
	stateful := func(ids ...string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = retainAll
		}
		return m
	}
	auth := &fakeAmplifyStack{name: nested("auth" + phcareAuth), resources: [][3]string{
		{"SNSRole", "AWS::IAM::Role", "phcare_sns-role-test"},
		{"UserPool", "AWS::Cognito::UserPool", "us-east-2_PhCaRe123"},
		{"UserPoolClientWeb", "AWS::Cognito::UserPoolClient", "3n4b5urk1ft4fl3mg5e62d9ado"},
		{"UserPoolClient", "AWS::Cognito::UserPoolClient", "7qbe2c4ud5vc6dqq1bmtl0sgjl"},
		{"IdentityPool", "AWS::Cognito::IdentityPool", "us-east-2:0f3e5a7c-1111-2222-3333-444455556666"},
		{"IdentityPoolRoleMap", "AWS::Cognito::IdentityPoolRoleAttachment", "us-east-2:0f3e5a7c-1111-2222-3333-444455556666"},
	}, retain: stateful("UserPool", "UserPoolClientWeb", "UserPoolClient", "IdentityPool", "IdentityPoolRoleMap")}
	if hostedUI {
		auth.resources = append(auth.resources, [3]string{"HostedUICustomResourceInputs", "Custom::LambdaCallout", "2025/01/01/[$LATEST]6a7b8c9d0e1f"})
		auth.props = map[string]map[string]any{"HostedUICustomResourceInputs": {"hostedUIDomainName": "phcare-test"}}
	}
	groups := &fakeAmplifyStack{name: nested("authuserPoolGroups"), resources: [][3]string{
		{"DoctorGroup", "AWS::Cognito::UserPoolGroup", "Doctor"},
		{"DoctorGroupRole", "AWS::IAM::Role", "us-east-2_PhCaRe123-DoctorGroupRole"},
		{"StaffGroup", "AWS::Cognito::UserPoolGroup", "Staff"},
		{"StaffGroupRole", "AWS::IAM::Role", "us-east-2_PhCaRe123-StaffGroupRole"},
	}, retain: stateful("DoctorGroup", "StaffGroup")}
	files := &fakeAmplifyStack{name: nested("storageehrdocs"), resources: [][3]string{
		{"S3Bucket", "AWS::S3::Bucket", "phcare-ehrdocs-deployed-test"},
		{"S3AuthPublicPolicy", "AWS::IAM::Policy", "amplif-S3Aut-JKL"},
	}, retain: map[string]bool{"S3Bucket": true}}
	chat := &fakeAmplifyStack{name: nested("storagechatmessages"), resources: [][3]string{
		{"DynamoDBTable", "AWS::DynamoDB::Table", "chatmessages-test"},
	}, retain: stateful("DynamoDBTable")}
	patients := &fakeAmplifyStack{name: nested("storagepatients"), resources: [][3]string{
		{"DynamoDBTable", "AWS::DynamoDB::Table", "patients-test"},
	}, retain: stateful("DynamoDBTable")}
	fn := &fakeAmplifyStack{name: nested("functionpatientsLambda"), resources: [][3]string{
		{"LambdaFunction", "AWS::Lambda::Function", "patientsLambda-test"},
		{"LambdaExecutionRole", "AWS::IAM::Role", "phcareLambdaRole-test"},
	}}
	root := &fakeAmplifyStack{name: phcareStack, resources: [][3]string{
		{"AuthRole", "AWS::IAM::Role", phcareStack + "-authRole"},
		{"UnauthRole", "AWS::IAM::Role", phcareStack + "-unauthRole"},
		{"DeploymentBucket", "AWS::S3::Bucket", phcareStack + "-deployment"}, // the root's own: never checked
	}, retain: map[string]bool{}}
	stacks := []*fakeAmplifyStack{root, auth, groups, files, chat, patients, fn}
	if extra {
		stacks = append(stacks, &fakeAmplifyStack{name: nested("storageoldtable"), resources: [][3]string{
			{"DynamoDBTable", "AWS::DynamoDB::Table", "oldtable-test"},
		}, retain: map[string]bool{"DynamoDBTable": true}})
	}
	for _, s := range stacks[1:] {
		id := strings.TrimSuffix(strings.TrimPrefix(s.name, phcareStack+"-"), "-1ABC2DEF3GHI")
		root.resources = append(root.resources, [3]string{id, "AWS::CloudFormation::Stack", stackARN(s.name)})
	}
	return stacks
}

// withAppSync adds PHCare's AppSync API chatapp to its env: a nested stack whose outputs hold the
// endpoint (and a key the import must never read into the spec).
func withAppSync(stacks []*fakeAmplifyStack) []*fakeAmplifyStack {
	api := &fakeAmplifyStack{name: phcareStack + "-apichatapp-1ABC2DEF3GHI", resources: [][3]string{
		{"GraphQLAPI", "AWS::AppSync::GraphQLApi", "arn:aws:appsync:us-east-2:123456789012:apis/chatappapiid0123456789abcd"},
	}, outputs: map[string]string{"GraphQLAPIEndpointOutput": "https://chathost.appsync-api.us-east-2.amazonaws.com/graphql", "GraphQLAPIKeyOutput": "da2-neverinthespec"}}
	stacks[0].resources = append(stacks[0].resources, [3]string{"apichatapp", "AWS::CloudFormation::Stack", stackARN(api.name)})
	return append(stacks, api)
}

// syscoEnv is sysco's env dev: a user pool without identity pool whose hosted UI domain is
// sysco-custom (an AWS::Cognito::UserPoolDomain an override added), not the one the project files give.
func syscoEnv() []*fakeAmplifyStack {
	const root = "amplify-syscominiapp-dev-131347"
	auth := &fakeAmplifyStack{name: root + "-authsyscoMiniApp-1ABC2DEF3GHI", resources: [][3]string{
		{"UserPool", "AWS::Cognito::UserPool", "us-east-1_Sysco123"},
		{"UserPoolClientWeb", "AWS::Cognito::UserPoolClient", "5abcdefghij"},
		{"UserPoolClient", "AWS::Cognito::UserPoolClient", "6klmnopqrst"},
		{"UserPoolDomain", "AWS::Cognito::UserPoolDomain", "sysco-custom"},
	}}
	return []*fakeAmplifyStack{
		{name: root, resources: [][3]string{{"authsyscoMiniApp", "AWS::CloudFormation::Stack", stackARN(auth.name)}}},
		auth,
	}
}

// fakeAmplifyCloudFormation answers ListStackResources and GetTemplate in the AWS query protocol for the
// stacks it is given (by name or ARN); any other stack does not exist.
type fakeAmplifyCloudFormation struct {
	mu      sync.Mutex
	stacks  map[string]*fakeAmplifyStack
	regions map[string]bool // credential scopes' regions seen
	calls   map[string]int  // "<Action> <stack name>"
	bad     []string        // requests a CloudFormation client would not send
}

func (f *fakeAmplifyCloudFormation) set(stacks []*fakeAmplifyStack) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stacks, f.regions, f.calls, f.bad = map[string]*fakeAmplifyStack{}, map[string]bool{}, map[string]int{}, nil
	for _, s := range stacks {
		f.stacks[s.name] = s
		f.stacks[stackARN(s.name)] = s
	}
}

var credentialScope = regexp.MustCompile(`Credential=AKIDIMPORTTEST/\d{8}/([a-z0-9-]+)/cloudformation/aws4_request`)

func (f *fakeAmplifyCloudFormation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	action, id := form.Get("Action"), form.Get("StackName")
	f.mu.Lock()
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		f.regions[m[1]] = true
	} else {
		f.bad = append(f.bad, "unsigned: "+r.Header.Get("Authorization"))
	}
	if action == "GetTemplate" && form.Get("TemplateStage") != "Original" {
		f.bad = append(f.bad, "GetTemplate without TemplateStage=Original: "+form.Encode())
	}
	s := f.stacks[id]
	if s != nil {
		f.calls[action+" "+s.name]++
	}
	f.mu.Unlock()

	w.Header().Set("Content-Type", "text/xml")
	if s == nil {
		queryError(w, http.StatusBadRequest, "ValidationError", "Stack with id "+id+" does not exist")
		return
	}
	switch action {
	case "GetTemplate":
		fmt.Fprintf(w, `<GetTemplateResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><GetTemplateResult>`+
			`<TemplateBody>%s</TemplateBody><StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>`+
			`</GetTemplateResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetTemplateResponse>`, xmlText(s.template()))
	case "ListStackResources":
		var members strings.Builder
		for _, r := range s.resources {
			fmt.Fprintf(&members, `<member><LogicalResourceId>%s</LogicalResourceId><PhysicalResourceId>%s</PhysicalResourceId>`+
				`<ResourceType>%s</ResourceType><LastUpdatedTimestamp>2025-01-01T00:00:00.000Z</LastUpdatedTimestamp>`+
				`<ResourceStatus>UPDATE_COMPLETE</ResourceStatus></member>`, xmlText(r[0]), xmlText(r[2]), xmlText(r[1]))
		}
		fmt.Fprintf(w, `<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><ListStackResourcesResult>`+
			`<StackResourceSummaries>%s</StackResourceSummaries></ListStackResourcesResult>`+
			`<ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></ListStackResourcesResponse>`, members.String())
	case "DescribeStacks":
		var members strings.Builder
		for _, k := range slices.Sorted(maps.Keys(s.outputs)) {
			fmt.Fprintf(&members, "<member><OutputKey>%s</OutputKey><OutputValue>%s</OutputValue></member>", xmlText(k), xmlText(s.outputs[k]))
		}
		fmt.Fprintf(w, `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>`+
			`<StackName>%s</StackName><StackId>%s</StackId><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2025-01-01T00:00:00Z</CreationTime>`+
			`<Outputs>%s</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r3</RequestId></ResponseMetadata></DescribeStacksResponse>`,
			xmlText(s.name), xmlText(stackARN(s.name)), members.String())
	default:
		f.mu.Lock()
		f.bad = append(f.bad, "unexpected action "+action)
		f.mu.Unlock()
		queryError(w, http.StatusBadRequest, "InvalidAction", "unexpected action "+action)
	}
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// notRetained are the stateful resources of phcareEnv(false, false) that --check-retained must list
// (category/name logical id): not the bucket (Retain), not the root's deployment bucket, no roles.
var notRetained = []string{
	"auth/" + phcareAuth + " IdentityPool",
	"auth/" + phcareAuth + " IdentityPoolRoleMap",
	"auth/" + phcareAuth + " UserPool",
	"auth/" + phcareAuth + " UserPoolClient",
	"auth/" + phcareAuth + " UserPoolClientWeb",
	"auth/userPoolGroups DoctorGroup",
	"auth/userPoolGroups StaffGroup",
	"storage/chatmessages DynamoDBTable",
	"storage/patients DynamoDBTable",
}

var notRetainedLine = regexp.MustCompile(`(?m)^  NOT RETAINED (\S+) (\S+) (\S+) \((\S+)\): (.+)\n    fix: (.+)$`)

// TestImportAmplifyStack runs the built binary, in its own process as a user does, against a fake
// CloudFormation for --from-stack and --check-retained.
func TestImportAmplifyStack(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "underhood")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/underhood").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fake := &fakeAmplifyCloudFormation{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	home := t.TempDir()
	environ := append(os.Environ(),
		"AWS_ENDPOINT_URL_CLOUDFORMATION="+srv.URL,
		"AWS_ACCESS_KEY_ID=AKIDIMPORTTEST",
		"AWS_SECRET_ACCESS_KEY=secret",
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=eu-west-1", // the project's region (us-east-2) must win
		"AWS_DEFAULT_REGION=eu-west-1",
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE="+filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		// The SDK's default retries for connection errors: one CI run lost a loopback connection mid-body
		// ("use of closed network connection") with a single attempt. No case here is retryable otherwise.
		"AWS_MAX_ATTEMPTS=3",
	)
	runBin := func(args ...string) (int, string, string) {
		var stdout, stderr strings.Builder
		cmd := exec.Command(bin, args...)
		cmd.Env = environ
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}

	fromStackPool := spec.ExistingUserPool{ID: "us-east-2_PhCaRe123", ClientID: "3n4b5urk1ft4fl3mg5e62d9ado", ResponseType: "code", AutoVerify: []string{"email"}}
	checkIDs := func(t *testing.T, app *spec.App, pool spec.ExistingUserPool) {
		t.Helper()
		if ex := app.Auth.UserPool.Existing; ex == nil || !reflect.DeepEqual(*ex, pool) {
			t.Errorf("existing user pool %+v, want %+v", ex, pool)
		}
		if id := app.Auth.IdentityPool.ExistingID; id != "us-east-2:0f3e5a7c-1111-2222-3333-444455556666" {
			t.Errorf("existing identity pool %q", id)
		}
	}
	tests := []struct {
		name       string
		project    string // default phcare
		stacks     []*fakeAmplifyStack
		args       []string // after the project folder
		wantCode   int
		wantRegion string
		wantOut    []string
		notOut     []string
		wantErr    []string
		written    bool
		check      func(t *testing.T, out, stdout string)
	}{
		{
			name: "--from-stack", stacks: phcareEnv(false, true), args: []string{"--from-stack"},
			wantRegion: "us-east-2",
			wantOut: []string{"auth      " + phcareAuth + "  Cognito", "translated    us-east-2_PhCaRe123",
				"storage   ehrdocs                 S3                       approximated  phcare-ehrdocs-deployed-test"},
			notOut:  []string{"NEW USER POOL", "NEW IDENTITY POOL", "Retention check"},
			wantErr: []string{"note: the stack's storage oldtable (oldtable-test) is not a storage resource of the spec: left out\n"},
			written: true,
			check: func(t *testing.T, out, stdout string) {
				app := loadStage(t, out, "test")
				checkIDs(t, app, fromStackPool)
				for _, b := range app.Buckets {
					if b.Name == "ehrdocs" && b.ExistingName != "phcare-ehrdocs-deployed-test" {
						t.Errorf("bucket ehrdocs existing %q, want the stack's", b.ExistingName)
					}
				}
				if tb := table(t, app, "chatmessages"); tb.ExistingName != "chatmessages-test" {
					t.Errorf("table chatmessages existing %q", tb.ExistingName)
				}
				if strings.Contains(readFile(t, out), "oldtable") {
					t.Errorf("the spec names the stack's stale storage oldtable")
				}
			},
		},
		{
			name: "--from-stack: the AppSync API's id and endpoint", stacks: withAppSync(phcareEnv(false, false)), args: []string{"--from-stack"},
			wantRegion: "us-east-2",
			wantOut:    []string{"api       chatapp                 AppSync                  translated    https://chathost.appsync-api.us-east-2.amazonaws.com/graphql  graphql.chatapp"},
			written:    true,
			check: func(t *testing.T, out, stdout string) {
				app := loadStage(t, out, "test")
				want := []spec.GraphQLAPI{{Name: "chatapp", Authorization: []string{"iam", "user-pool"}, ID: "chatappapiid0123456789abcd",
					Endpoint: "https://chathost.appsync-api.us-east-2.amazonaws.com/graphql", Region: "us-east-2"}}
				if !reflect.DeepEqual(app.GraphQL, want) {
					t.Errorf("graphql = %+v, want %+v", app.GraphQL, want)
				}
				if strings.Contains(readFile(t, out), "da2-neverinthespec") || strings.Contains(stdout, "da2-neverinthespec") {
					t.Error("the API key reached the spec or the report")
				}
			},
		},
		{
			name: "--from-stack: flags win", stacks: phcareEnv(false, false),
			args:       []string{"--from-stack", "--user-pool-client-id", "1h2j3k4l5m6n7o8p9q0r1s2t3u"},
			wantRegion: "us-east-2",
			written:    true,
			check: func(t *testing.T, out, stdout string) {
				checkIDs(t, loadStage(t, out, "test"), spec.ExistingUserPool{ID: "us-east-2_PhCaRe123", ClientID: "1h2j3k4l5m6n7o8p9q0r1s2t3u", ResponseType: "code", AutoVerify: []string{"email"}})
			},
		},
		{
			name: "--from-stack: a hosted UI domain the project files lack is left out", stacks: phcareEnvWith(false, false, true),
			args: []string{"--from-stack"}, wantRegion: "us-east-2",
			wantErr: []string{"note: the stack has a hosted UI domain (phcare-test.auth.us-east-2.amazoncognito.com) but the project files have no hosted UI: the spec does not use it\n"},
			written: true,
			check: func(t *testing.T, out, stdout string) {
				checkIDs(t, loadStage(t, out, "test"), fromStackPool)
			},
		},
		{
			name: "--from-stack: the hosted UI domain", project: sysco, stacks: syscoEnv(),
			args: []string{"--from-stack"}, wantRegion: "us-east-1",
			notOut:  []string{"NEW USER POOL"},
			written: true,
			check: func(t *testing.T, out, stdout string) {
				want := spec.ExistingUserPool{ID: "us-east-1_Sysco123", ClientID: "5abcdefghij", Domain: "sysco-custom.auth.us-east-1.amazoncognito.com", ResponseType: "token"}
				if ex := loadStage(t, out, "dev").Auth.UserPool.Existing; ex == nil || !reflect.DeepEqual(*ex, want) {
					t.Errorf("existing user pool %+v, want %+v", ex, want)
				}
			},
		},
		{
			name: "--check-retained lists the unretained", stacks: phcareEnv(false, false), args: []string{"--check-retained"},
			wantCode: 1, wantRegion: "us-east-2",
			wantOut: []string{"\nRetention check of Amplify stack " + phcareStack + ":\n",
				"9 resource(s) would be deleted with the Amplify stack: retain them, amplify push, and run this check again before deleting it.\n",
				"NEW USER POOL"},
			wantErr: []string{"9 stateful resource(s) of Amplify stack " + phcareStack + " are not DeletionPolicy Retain"},
			written: true,
			check: func(t *testing.T, out, stdout string) {
				var got []string
				for _, m := range notRetainedLine.FindAllStringSubmatch(stdout, -1) {
					got = append(got, m[1]+" "+m[3])
					switch m[1] + " " + m[3] {
					case "auth/" + phcareAuth + " UserPool":
						if want := `run amplify override auth (resource ` + phcareAuth + `) and in amplify/backend/auth/` + phcareAuth + `/override.ts add resources.userPool.addOverride("DeletionPolicy", "Retain"), then amplify push`; m[6] != want {
							t.Errorf("UserPool fix:\n%s\nwant\n%s", m[6], want)
						}
						if m[2] != "AWS::Cognito::UserPool" || m[4] != "us-east-2_PhCaRe123" {
							t.Errorf("UserPool line: %s", m[0])
						}
					case "storage/patients DynamoDBTable":
						if !strings.Contains(m[6], `amplify/backend/storage/patients/override.ts add resources.dynamoDBTable.addOverride("DeletionPolicy", "Retain")`) {
							t.Errorf("table fix: %s", m[6])
						}
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, notRetained) {
					t.Errorf("NOT RETAINED:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(notRetained, "\n"))
				}
				if n := strings.Count(stdout, "NOT RETAINED"); n != len(notRetained) {
					t.Errorf("%d NOT RETAINED lines, %d parsed", n, len(got))
				}
				// Without --from-stack, the spec keeps the project files' view: a new pool.
				if app := loadStage(t, out, "test"); app.Auth.UserPool.Existing != nil {
					t.Errorf("existing pool %+v without --from-stack", app.Auth.UserPool.Existing)
				}
			},
		},
		{
			name: "--check-retained --from-stack, everything retained", stacks: phcareEnv(true, false),
			args: []string{"--check-retained", "--from-stack"}, wantRegion: "us-east-2",
			wantOut: []string{"\nRetention check of Amplify stack " + phcareStack + ":\n  every stateful resource is DeletionPolicy Retain: deleting the Amplify stack keeps them.\n"},
			notOut:  []string{"NOT RETAINED", "NEW USER POOL"},
			written: true,
			check: func(t *testing.T, out, stdout string) {
				checkIDs(t, loadStage(t, out, "test"), fromStackPool)
			},
		},
		{
			name: "missing stack", args: []string{"--from-stack"},
			wantCode: 1, wantRegion: "us-east-2",
			wantErr: []string{"underhood: reading Amplify stack " + phcareStack + " in region us-east-2: stack " + phcareStack + " does not exist",
				"check the StackName of the env in amplify/team-provider-info.json and the region"},
		},
		{
			name: "missing stack, --region", args: []string{"--check-retained", "--region", "ap-south-1"},
			wantCode: 1, wantRegion: "ap-south-1",
			wantErr: []string{"underhood: reading Amplify stack " + phcareStack + " in region ap-south-1: stack " + phcareStack + " does not exist"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyProject(t, cmp.Or(tt.project, phcare), true)
			out := filepath.Join(dir, "app.yaml")
			fake.set(tt.stacks)
			code, stdout, stderr := runBin(append([]string{"import", "amplify", dir}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, tail(stdout), stderr)
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			checkStreams(t, stdout, stderr, tt.notOut, tt.wantErr)
			if len(tt.wantErr) == 0 && stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a Go stack trace: %s", stderr)
			}
			if tt.written {
				if _, err := os.Stat(out); err != nil {
					t.Errorf("spec not written: %v", err)
				}
			} else {
				notExist(t, out)
			}
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if len(fake.bad) > 0 {
				t.Errorf("unexpected requests: %q", fake.bad)
			}
			if want := map[string]bool{tt.wantRegion: true}; fmt.Sprint(fake.regions) != fmt.Sprint(want) {
				t.Errorf("requests signed for regions %v, want %v", fake.regions, want)
			}
			for _, s := range tt.stacks {
				if n := fake.calls["GetTemplate "+s.name]; n != 1 {
					t.Errorf("%d GetTemplate calls on %s, want 1", n, s.name)
				}
			}
			if tt.check != nil {
				tt.check(t, out, stdout)
			}
		})
	}
}

// checkStreams: stdout holds none of notOut, stderr every one of wantErr.
func checkStreams(t *testing.T, stdout, stderr string, notOut, wantErr []string) {
	t.Helper()
	for _, s := range notOut {
		if strings.Contains(stdout, s) {
			t.Errorf("stdout has %q", s)
		}
	}
	for _, s := range wantErr {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
}

// wroteLine is the last line of a successful import's output: the spec and the report beside it.
func wroteLine(out, app, stage string) string {
	return fmt.Sprintf("\nWrote %s (app %s, stage %s) and the report with the migration plan, %s.\n", out, app, stage, strings.TrimSuffix(out, ".yaml")+".migration.txt")
}

package amplify

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/spec"
)

// Tests of the mappings that keep an SPA working: functions' Cognito and AppSync permissions, the
// OAuth flow of a kept client, URL order, verification mechanisms, bucket names for every root stack
// name, secrets, and the migration plan. Expectations are read from the project files with
// encoding/json, independently of the importer.

func fnByName(t *testing.T, app *spec.App, name string) spec.Function {
	t.Helper()
	for _, f := range app.Functions {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no function %s in the spec", name)
	return spec.Function{}
}

// templateCognito reads the cognito-idp actions a function template grants on the app's pool
// (statements whose Resource names auth<amp>UserPoolId), without the prefix.
func templateCognito(t *testing.T, file, auth string) []string {
	t.Helper()
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				PolicyDocument struct {
					Statement []struct {
						Action   any
						Resource json.RawMessage
					}
				}
			}
		}
	}
	readJSONFile(t, file, &tmpl)
	var out []string
	for _, r := range tmpl.Resources {
		for _, st := range r.Properties.PolicyDocument.Statement {
			if !strings.Contains(string(st.Resource), `"auth`+auth+`UserPoolId"`) {
				continue
			}
			acts, _ := st.Action.([]any)
			for _, a := range acts {
				if s := a.(string); strings.HasPrefix(s, "cognito-idp:") {
					out = append(out, strings.TrimPrefix(s, "cognito-idp:"))
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestFunctionCognitoAccess(t *testing.T) {
	corpus := corpusDir(t)
	cases := []struct {
		name, project, fn, auth string
		want                    func(t *testing.T) []string
	}{
		{"AdminQueries (its template's lambdaexecutionpolicy)", "Seconds-Technologies__seconds-client", "AdminQueriescb10e669", "secondsclient799ac66a",
			func(t *testing.T) []string {
				return templateCognito(t, filepath.Join(corpus, "Seconds-Technologies__seconds-client/amplify/backend/function/AdminQueriescb10e669/AdminQueriescb10e669-cloudformation-template.json"), "secondsclient799ac66a")
			}},
		{"a trigger (the auth resource's permissions)", "CapgeminiNorway__techradar", "techradar7713fa94PostConfirmation", "techradar7713fa94",
			func(t *testing.T) []string {
				var p struct{ Permissions []string }
				readJSONFile(t, filepath.Join(corpus, "CapgeminiNorway__techradar/amplify/backend/auth/techradar7713fa94/parameters.json"), &p)
				var out []string
				for _, raw := range p.Permissions {
					var perm struct{ Actions []string }
					if err := json.Unmarshal([]byte(raw), &perm); err != nil {
						t.Fatal(err)
					}
					for _, a := range perm.Actions {
						out = append(out, strings.TrimPrefix(a, "cognito-idp:"))
					}
				}
				slices.Sort(out)
				return out
			}},
		{"function-parameters CRUD (its template's AmplifyResourcesPolicy, wildcards expanded)", "VanquishDev__app-sls-applick-clientes", "AdminDeleteUser", "AuthCognito",
			func(t *testing.T) []string {
				var out []string
				for _, a := range templateCognito(t, filepath.Join(corpus, "VanquishDev__app-sls-applick-clientes/amplify/backend/function/AdminDeleteUser/AdminDeleteUser-cloudformation-template.json"), "AuthCognito") {
					if spec.IsCognitoUserPoolAction(a) { // the others need no IAM or another resource
						out = append(out, a)
					}
				}
				return out
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := c.want(t)
			if len(want) == 0 {
				t.Fatal("the corpus changed: no Cognito actions found for the function")
			}
			res, app, _ := importApp(t, c.project, Options{})
			if got := fnByName(t, app, c.fn).UserPoolAccess; !slices.Equal(got, want) {
				t.Errorf("access.userPool = %v\nwant %v", got, want)
			}
			if got := app.Auth.UserPool.Name; got != c.auth {
				t.Errorf("auth.userPool.name = %q, want %q (AUTH_<NAME>_USERPOOLID)", got, c.auth)
			}
			if r := resource(t, res, "function", c.fn); slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "outside underhood") }) {
				t.Errorf("notes still ask to grant Cognito outside underhood: %v", r.Notes)
			}
		})
	}
}

// TestFunctionCognitoOutsideThePool: actions that need Resource "*" or another service are the plan's
// hand work, with the exact statement.
func TestFunctionCognitoOutsideThePool(t *testing.T) {
	res, app, _ := importApp(t, "CapgeminiNorway__techradar", Options{})
	f := fnByName(t, app, "techradarREST")
	if slices.Contains(f.UserPoolAccess, "CreateUserPool") || slices.Contains(f.UserPoolAccess, "SignUp") {
		t.Errorf("access.userPool has actions that are not on the pool or need no IAM: %v", f.UserPoolAccess)
	}
	var report bytes.Buffer
	if err := res.WriteReport(&report); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{"Action":["cognito-idp:CreateUserPool"],"Effect":"Allow","Resource":"*"}`,
		`"iam:ListRoles"`,
		`{"Action":["appsync:Get*","appsync:List*"],"Effect":"Allow","Resource":["arn:aws:appsync:eu-central-1:ACCOUNT_ID:apis/GRAPHQL_API_ID/*"]}`,
		"aws iam put-role-policy --role-name \"$ROLE\" --policy-name gen1-permissions",
	} {
		if !strings.Contains(report.String(), want) {
			t.Errorf("the plan lacks %s", want)
		}
	}
}

func TestFunctionGraphQLAccess(t *testing.T) {
	const project, apiID = "UBC-Meetable__code", "huypok3oynayjg563wjvakzhsq"
	for _, c := range []struct {
		name     string
		opts     Options
		want     []spec.GraphQLGrant
		wantNote string
	}{
		{"the API's id known", Options{Existing: map[string]string{"meetable": apiID}},
			[]spec.GraphQLGrant{{API: "meetable", Types: []string{"Query", "Mutation", "Subscription"}}}, ""},
		{"the API's id unknown", Options{}, nil, "--existing meetable=API_ID or --from-stack"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, project)
			writeSPA(t, dir, project)
			res := importProject(t, dir, c.opts)
			app := loadSpec(t, dir, res)
			f := fnByName(t, app, "getSuggestedFriends")
			if !slicesEqualFunc(f.GraphQLAccess, c.want) {
				t.Errorf("GraphQL access %+v, want %+v", f.GraphQLAccess, c.want)
			}
			for _, e := range f.Environment {
				if c.want != nil && strings.HasPrefix(e.Name, "API_MEETABLE_GRAPHQLAPI") {
					t.Errorf("%s is set by hand, but access.meetable sets it", e.Name)
				}
			}
			if c.wantNote != "" && !slices.ContainsFunc(resource(t, res, "function", "getSuggestedFriends").Notes, func(n string) bool { return strings.Contains(n, c.wantNote) }) {
				t.Errorf("no note naming %q", c.wantNote)
			}
			if len(app.GraphQL) != 1 || app.GraphQL[0].ID != map[bool]string{true: apiID, false: ""}[c.want != nil] {
				t.Errorf("graphql = %+v", app.GraphQL)
			}
		})
	}
}

func slicesEqualFunc(a, b []spec.GraphQLGrant) bool {
	return slices.EqualFunc(a, b, func(x, y spec.GraphQLGrant) bool { return x.API == y.API && slices.Equal(x.Types, y.Types) })
}

// writeSPA puts a fixture's aws-exports.js where the project's SPA has it.
func writeSPA(t *testing.T, dir, project string) {
	t.Helper()
	data := mustRead(t, filepath.Join("testdata", "spa", project, "aws-exports.js"))
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "aws-exports.js"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// setOAuth rewrites sysco's oAuthMetadata (a JSON-encoded string in cli-inputs.json).
func setOAuth(t *testing.T, dir string, meta map[string]any) {
	t.Helper()
	file := filepath.Join(dir, "amplify/backend/auth/syscoMiniApp/cli-inputs.json")
	var in map[string]any
	readJSONFile(t, file, &in)
	enc, _ := json.Marshal(meta)
	in["cognitoConfig"].(map[string]any)["oAuthMetadata"] = string(enc)
	data, _ := json.Marshal(in)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOAuthFlowAndOrder(t *testing.T) {
	const project = "sysco-mini-project__web-app"
	ids := Options{UserPoolID: "us-east-1_Sysco123", UserPoolClientID: "5abcdefghij", HostedUIDomain: "sysco-login"}
	callbacks := []any{"https://z.example.com/", "http://localhost:4000/", "https://a.example.com/"}
	for _, c := range []struct {
		name         string
		flows        []any
		opts         Options
		wantResponse string
		wantWarning  bool
		wantNote     string
	}{
		{"implicit-only kept client: token, with a warning", []any{"implicit"}, ids, "token", true, "responseType token"},
		{"implicit-only client, new: the code flow", []any{"implicit"}, Options{}, "code", false, "must switch to the code flow"},
		{"code and implicit: code", []any{"code", "implicit"}, ids, "code", false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, project)
			setOAuth(t, dir, map[string]any{"AllowedOAuthFlows": c.flows, "AllowedOAuthScopes": []any{"phone", "openid", "email"},
				"CallbackURLs": callbacks, "LogoutURLs": []any{"https://z.example.com/out", "http://localhost:4000/out"}})
			res := importProject(t, dir, c.opts)
			app := loadSpec(t, dir, res)
			cfg := configFor(t, app)
			js, err := cfg.AWSExportsJS()
			if err != nil {
				t.Fatal(err)
			}
			obj, _ := emit.ParseAWSExports(js)
			var x struct {
				OAuth struct {
					Scope                           []string
					RedirectSignIn, RedirectSignOut string
					ResponseType                    string
				} `json:"oauth"`
			}
			if err := json.Unmarshal(obj, &x); err != nil {
				t.Fatal(err)
			}
			if x.OAuth.ResponseType != c.wantResponse {
				t.Errorf("responseType %q, want %q", x.OAuth.ResponseType, c.wantResponse)
			}
			// The files' order, so redirectSignIn.split(",")[0] is the app's first URL, as in Gen 1.
			if x.OAuth.RedirectSignIn != "https://z.example.com/,http://localhost:4000/,https://a.example.com/" ||
				x.OAuth.RedirectSignOut != "https://z.example.com/out,http://localhost:4000/out" || !slices.Equal(x.OAuth.Scope, []string{"phone", "openid", "email"}) {
				t.Errorf("order changed: %+v", x.OAuth)
			}
			warned := slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.HasPrefix(w, "IMPLICIT GRANT") })
			if warned != c.wantWarning {
				t.Errorf("implicit-grant warning %v, want %v: %v", warned, c.wantWarning, res.Warnings)
			}
			if c.wantNote != "" && !slices.ContainsFunc(resource(t, res, "auth", "syscoMiniApp").Notes, func(n string) bool { return strings.Contains(n, c.wantNote) }) {
				t.Errorf("auth notes lack %q", c.wantNote)
			}
		})
	}
}

// configFor renders the app's configuration from outputs that echo its existing ids (or placeholders).
func configFor(t *testing.T, app *spec.App) *emit.Config {
	t.Helper()
	out := map[string]string{spec.OutputRegion: "us-east-1", spec.OutputUserPoolID: "us-east-1_New", spec.OutputClientID: "newclient", spec.OutputHostedUIDomain: "new.auth.us-east-1.amazoncognito.com"}
	if app.Auth.IdentityPool != nil {
		out[spec.OutputIdentityPoolID] = "us-east-1:0f3e5a7c-1111-2222-3333-444455556666"
	}
	for _, a := range app.APIs {
		out[spec.OutputAPIURL(a.Name)] = "https://x.execute-api.us-east-1.amazonaws.com/dev/"
	}
	for _, b := range app.Buckets {
		out[spec.OutputBucketName(b.Name)] = "bucket"
	}
	for _, tb := range app.Tables {
		out[spec.OutputTableName(tb.Name)] = "table"
	}
	cfg, err := emit.New(app, emit.StackOutputs{app.StackName(): out}, "app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestVerificationMechanisms(t *testing.T) {
	// Seconds signs in with email and verifies phone_number (autoVerifiedAttributes).
	const project = "Seconds-Technologies__seconds-client"
	var in struct {
		CognitoConfig struct{ AutoVerifiedAttributes []string } `json:"cognitoConfig"`
	}
	readJSONFile(t, filepath.Join(corpusDir(t), project, "amplify/backend/auth/secondsclient799ac66a/cli-inputs.json"), &in)
	if !slices.Equal(in.CognitoConfig.AutoVerifiedAttributes, []string{"phone_number"}) {
		t.Fatalf("the corpus changed: autoVerifiedAttributes %v", in.CognitoConfig.AutoVerifiedAttributes)
	}
	for _, c := range []struct {
		name   string
		opts   Options
		want   []string
		approx bool
	}{
		{"kept pool: as Amplify wrote it", Options{UserPoolID: "eu-west-2_Fqm7RAP2k", UserPoolClientID: "62b0qg3cte6bpkloq3sjvooi7e"}, []string{"PHONE_NUMBER"}, false},
		{"new pool: the sign-in attribute, and a note", Options{}, []string{"EMAIL"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, app, _ := importApp(t, project, c.opts)
			js, err := configFor(t, app).AWSExportsJS()
			if err != nil {
				t.Fatal(err)
			}
			obj, _ := emit.ParseAWSExports(js)
			var x struct {
				V []string `json:"aws_cognito_verification_mechanisms"`
			}
			_ = json.Unmarshal(obj, &x)
			if !slices.Equal(x.V, c.want) {
				t.Errorf("aws_cognito_verification_mechanisms %v, want %v", x.V, c.want)
			}
			noted := slices.ContainsFunc(resource(t, res, "auth", "secondsclient799ac66a").Notes, func(n string) bool { return strings.Contains(n, "verified phone_number") })
			if noted != c.approx {
				t.Errorf("note about the new pool's verification: %v, want %v", noted, c.approx)
			}
		})
	}
}

// setStackName rewrites the env's root stack name (and optionally the project name).
func setStackName(t *testing.T, dir, env, stack, projectName string) {
	t.Helper()
	file := filepath.Join(dir, "amplify/team-provider-info.json")
	var tpi map[string]map[string]any
	readJSONFile(t, file, &tpi)
	tpi[env]["awscloudformation"].(map[string]any)["StackName"] = stack
	data, _ := json.Marshal(tpi)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if projectName != "" {
		pc := filepath.Join(dir, "amplify/.config/project-config.json")
		var m map[string]any
		readJSONFile(t, pc, &m)
		m["projectName"] = projectName
		data, _ := json.Marshal(m)
		if err := os.WriteFile(pc, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBucketNames(t *testing.T) {
	// Chris-Gan's bucket: bucketName s3bucket-data-foundry-dev, stack amplify-datafoundrytest-dev-14154;
	// its SPA's aws-exports.js names s3bucket-data-foundry-dev14154-dev.
	const project = "Chris-Gan__data-foundry-test"
	for _, c := range []struct {
		name, stack, projectName string
		spa                      bool
		want, wantApp            string
		wantWarning              bool
	}{
		{"amplify-<project>-<env>-<suffix>", "amplify-datafoundrytest-dev-14154", "", false, "s3bucket-data-foundry-dev14154-dev", "datafoundrytest", false},
		// CloudFormation takes the 4th "-" part of the storage stack's name, which for a hyphenated
		// project name is the env.
		{"hyphenated project name", "amplify-data-foundry-dev-14154", "data-foundry", false, "s3bucket-data-foundry-devdev-dev", "data-foundry", false},
		// amplify-cli's oldest root names have three parts: the 4th is the nested stack's logical id.
		{"three-part root name", "datafoundry-dev-20191009220654", "", false, "s3bucket-data-foundry-devstorages3bucket-dev", "datafoundrytest", false},
		{"two-part root name: the SPA's bucket", "datafoundry-dev", "", true, "s3bucket-data-foundry-dev14154-dev", "datafoundrytest", false},
		{"two-part root name, no SPA file: a new bucket, loudly", "datafoundry-dev", "", false, "", "datafoundrytest", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, project)
			setStackName(t, dir, "dev", c.stack, c.projectName)
			if c.spa {
				writeSPA(t, dir, project)
			}
			res := importProject(t, dir, Options{})
			app := loadSpec(t, dir, res)
			if len(app.Buckets) != 1 || app.Buckets[0].ExistingName != c.want {
				t.Errorf("bucket %+v, want existing %q", app.Buckets, c.want)
			}
			if app.Name != c.wantApp {
				t.Errorf("app %q, want %q", app.Name, c.wantApp)
			}
			warned := slices.ContainsFunc(res.Warnings, func(w string) bool {
				return strings.HasPrefix(w, "NEW BUCKET") && strings.Contains(w, "--existing s3bucket=BUCKET") && strings.Contains(w, "aws_user_files_s3_bucket")
			})
			if warned != c.wantWarning {
				t.Errorf("NEW BUCKET warning %v, want %v: %v", warned, c.wantWarning, res.Warnings)
			}
		})
	}
}

func TestNestedStackPart3(t *testing.T) {
	for _, c := range []struct {
		root, want string
		ok         bool
	}{
		{"amplify-myapp-dev-12345", "12345", true},
		{"amplify-my-app-dev-12345", "dev", true},
		{"myapp-dev-20191009220654", "storagefiles", true},
		{"myapp-dev", "", false},
		{"", "", false},
	} {
		got, ok := nestedStackPart3(c.root, "storagefiles")
		if got != c.want || ok != c.ok {
			t.Errorf("nestedStackPart3(%q) = %q, %v; want %q, %v", c.root, got, ok, c.want, c.ok)
		}
	}
	if got := stackEnv("amplify-my-app-prod-12345"); got != "prod" {
		t.Errorf("stackEnv of a hyphenated project = %q, want prod", got)
	}
}

func TestProviderSecrets(t *testing.T) {
	// nuber: hosted UI with Google. Its client secret is asked for only when underhood creates the
	// provider (a new pool), and a plaintext secret in team-provider-info.json is a warning that never
	// repeats it.
	const project = "silverClaude__nuber"
	for _, c := range []struct {
		name       string
		opts       Options
		wantSecret bool
	}{
		{"new pool: underhood creates Google", Options{}, true},
		{"kept pool: its providers stay", Options{UserPoolID: "us-east-1_Nuber123", UserPoolClientID: "abc123", HostedUIDomain: "nuber"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, project)
			file := filepath.Join(dir, "amplify/team-provider-info.json")
			var tpi map[string]map[string]any
			readJSONFile(t, file, &tpi)
			for _, e := range tpi {
				cats, _ := e["categories"].(map[string]any)
				auth, _ := cats["auth"].(map[string]any)
				if len(auth) == 0 {
					t.Fatal("the corpus changed: no auth parameters in team-provider-info.json")
				}
				for _, v := range auth {
					v.(map[string]any)["hostedUIProviderCreds"] = `[{"ProviderName":"Google","client_id":"g-id","client_secret":"TOPSECRET-g"}]`
				}
			}
			data, _ := json.Marshal(tpi)
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			res := importProject(t, dir, c.opts)
			loadSpec(t, dir, res)
			var report bytes.Buffer
			if err := res.WriteReport(&report); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(report.String(), "TOPSECRET") || strings.Contains(string(res.Spec), "TOPSECRET") {
				t.Fatal("the plaintext secret was copied")
			}
			if !regexp.MustCompile(`(?m)^! PLAINTEXT SECRETS: amplify/team-provider-info.json holds the OAuth client secrets of Google`).MatchString(report.String()) {
				t.Errorf("no plaintext-secret warning:\n%s", report.String())
			}
			has := slices.ContainsFunc(res.Secrets, func(s Secret) bool { return strings.HasSuffix(s.Name, "/google") })
			if has != c.wantSecret {
				t.Errorf("google secret asked for: %v, want %v (%v)", has, c.wantSecret, res.Secrets)
			}
		})
	}
}

// TestPlan: the steps come in order, and the plan never deletes what something kept still uses.
func TestPlan(t *testing.T) {
	order := []string{"Retain what the spec keeps", "Check that deleting the Amplify stack", "Deploy underhood's stack alongside",
		"Write the SPA's configuration", "Redeploy the SPA", "Verify with the deployed SPA", "Retire what underhood took over"}
	for _, c := range []struct {
		name, project, env string
		opts               Options
		spa                bool
		want, not          []string
	}{
		{"GraphQL kept in Amplify: keep the env and auth", "UBC-Meetable__code", "dev", Options{}, true,
			[]string{"Keep the Amplify env: api/meetable (AppSync GraphQL API)", "Keep auth/meetablea02db50ea02db50e in Amplify", "$ amplify push",
				// Its schema is not in the project: a function may be one of its resolvers.
				`$ amplify remove function getSuggestedFriends    # only if no @function(name: "getSuggestedFriends-${env}") in the GraphQL schema`},
			[]string{"amplify delete", "amplify env remove", "amplify remove auth", "amplify remove function getSuggestedFriends\n"}},
		{"nothing kept, one env: delete it", "Chris-Gan__data-foundry-test", "dev", Options{}, false,
			[]string{"$ amplify delete    # the project's only env"}, []string{"Keep the Amplify env"}},
		{"hosting only: keep the app, remove the backend", "crzyjcky__cryptoapp", "", Options{}, false,
			[]string{"Keep the Amplify app: its hosting serves the SPA", "$ amplify remove api cryptoapi"}, []string{"$ amplify delete", "amplify env remove"}},
		{"kept pool with triggers: repoint them before retiring", "CapgeminiNorway__techradar", "dev",
			Options{UserPoolID: "eu-central-1_YZTXW5x0o", UserPoolClientID: "595j2u680q8j6eqi978klt086e"}, false,
			[]string{"Point the user pool's triggers at underhood's functions", "--principal cognito-idp.amazonaws.com --source-arn arn:aws:cognito-idp:eu-central-1:ACCOUNT_ID:userpool/eu-central-1_YZTXW5x0o",
				"--lambda-config PostConfirmation=ARN_OF_TECHRADAR7713FA94POSTCONFIRMATION,PreSignUp=ARN_OF_TECHRADAR7713FA94PRESIGNUP"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, c.project)
			if c.spa {
				writeSPA(t, dir, c.project)
			}
			c.opts.Env = c.env
			res := importProject(t, dir, c.opts)
			var report bytes.Buffer
			if err := res.WriteReport(&report); err != nil {
				t.Fatal(err)
			}
			r := report.String()
			last := -1
			for _, step := range order {
				i := strings.Index(r, ". "+step)
				if i < 0 || i < last {
					t.Errorf("step %q missing or out of order", step)
				}
				last = i
			}
			for _, w := range c.want {
				if !strings.Contains(r, w) {
					t.Errorf("plan lacks %q", w)
				}
			}
			retire := r[strings.Index(r, ". Retire what underhood took over"):]
			for _, n := range c.not {
				if strings.Contains(retire, n) {
					t.Errorf("the retire step has %q:\n%s", n, retire)
				}
			}
		})
	}
}

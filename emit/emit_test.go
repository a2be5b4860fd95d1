package emit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

func TestSchemaAmplifyOutputs(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "amplify-outputs-v1.5.json"))
	if err != nil {
		t.Fatalf("the vendored schema is missing: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("amplify-outputs.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("amplify-outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range spectest.Examples(t) {
		t.Run(ex, func(t *testing.T) {
			out, err := load(t, ex).AmplifyOutputsJSON()
			if err != nil {
				t.Fatal(err)
			}
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); err != nil {
				t.Errorf("amplify_outputs.json of %s is not valid: %v", ex, err)
			}
		})
	}
	// A GraphQL API and a Pinpoint project underhood does not create: data and analytics; and what
	// config wrote for the real SPAs of the importer's fixtures.
	external := map[string][]byte{}
	app, err := spec.Parse("app.yaml", t.TempDir(), []byte(externalSpec), "dev")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := emit.New(app, emit.StackOutputs{"ext-dev": {"Region": "eu-west-1", "UserPoolId": "eu-west-1_AbC", "UserPoolClientId": "abc",
		"IdentityPoolId": "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666"}, "amplify-ext-dev-1-apiradar-X": {"GraphQLAPIKeyOutput": "da2-key"}}, "app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if external["graphql and analytics"], err = cfg.AmplifyOutputsJSON(); err != nil {
		t.Fatal(err)
	}
	spas, _ := filepath.Glob(filepath.Join("..", "importer", "amplify", "testdata", "spa", "*", "generated", "amplify_outputs.json"))
	if len(spas) < 5 {
		t.Fatalf("want the real SPAs' generated amplify_outputs.json, found %d", len(spas))
	}
	for _, f := range spas {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		external[f] = data
	}
	for name, out := range external {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: amplify_outputs.json is not valid: %v", name, err)
		}
	}
	if s := string(external["graphql and analytics"]); !strings.Contains(s, `"data": {`) || !strings.Contains(s, `"amazon_pinpoint": {`) || !strings.Contains(s, `"api_key": "da2-key"`) {
		t.Errorf("no data or analytics section:\n%s", s)
	}
	// The validator must be able to fail: version as a number and an unknown top-level key.
	for name, bad := range map[string]string{
		"numeric version": `{"version": 1.5}`,
		"unknown key":     `{"version": "1.5", "rest": {}}`,
		"bad mfa":         `{"version": "1.5", "auth": {"aws_region": "r", "user_pool_id": "p", "user_pool_client_id": "c", "mfa_configuration": "ON"}}`,
		"bad data mode":   `{"version": "1.5", "data": {"aws_region": "r", "url": "u", "default_authorization_type": "api-key", "authorization_types": []}}`,
		"bad challenge":   `{"version": "1.5", "auth": {"aws_region": "r", "user_pool_id": "p", "user_pool_client_id": "c", "passwordless": {"preferred_challenge": "PASSKEY"}}}`,
	} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if sch.Validate(v) == nil {
			t.Errorf("%s: schema accepted %s", name, bad)
		}
	}
}

func TestOutputsMissing(t *testing.T) {
	app, err := spec.Load("../examples/photoshare/app.yaml", "dev")
	if err != nil {
		t.Fatal(err)
	}
	full := emit.StackOutputs{"photoshare-dev": {
		"Region": "eu-west-1", "UserPoolId": "p", "UserPoolClientId": "c", "IdentityPoolId": "i",
		"HostedUIDomain": "d", "ApiPhotosUrl": "https://x/dev/", "ApiPhotosAuthorization": "access-token,iam",
		"BucketPhotoStoreName": "b", "TableLikesName": "t",
	}}
	without := func(keys ...string) emit.StackOutputs {
		m := map[string]string{}
		for k, v := range full["photoshare-dev"] {
			m[k] = v
		}
		for _, k := range keys {
			delete(m, k)
		}
		return emit.StackOutputs{"photoshare-dev": m}
	}
	tests := []struct {
		name    string
		outputs emit.StackOutputs
		want    string // "" = no error
	}{
		{"complete", full, ""},
		{"no stack", emit.StackOutputs{"other-dev": {}, "another": {}}, "stack photoshare-dev: no outputs for it (stacks found: another, other-dev)"},
		{"empty file", emit.StackOutputs{}, "stacks found: none"},
		{"one key", without("ApiPhotosUrl"), "stack photoshare-dev: missing output ApiPhotosUrl;"},
		{"keys in spec order", without("TableLikesName", "UserPoolId", "HostedUIDomain"), "missing output UserPoolId, HostedUIDomain, TableLikesName;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := emit.New(app, tt.outputs, "app.yaml")
			if tt.want == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			var ms *emit.MissingStackError
			var mo *emit.MissingOutputError
			if !errors.As(err, &ms) && !errors.As(err, &mo) {
				t.Errorf("error %T is neither MissingStackError nor MissingOutputError", err)
			}
		})
	}
}

func TestParseOutputsFile(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{`{"s": {"Region": "eu-west-1"}}`, false},
		{`{}`, false},
		{`null`, true},
		{`{"s": {"Port": 1}}`, true},
		{`[1]`, true},
		{`{`, true},
	}
	for _, tt := range tests {
		_, err := emit.ParseOutputsFile([]byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseOutputsFile(%s): err %v, want error %v", tt.in, err, tt.wantErr)
		}
	}
}

// TestEmitValues checks the values that matter to amplify-js, decoded, not as text.
func TestEmitValues(t *testing.T) {
	type js = map[string]any
	decode := func(t *testing.T, b []byte) js {
		t.Helper()
		var m js
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	get := func(m any, path ...string) any {
		for _, p := range path {
			mm, ok := m.(js)
			if !ok {
				return nil
			}
			m = mm[p]
		}
		return m
	}
	tests := []struct {
		ex, format string
		path       []string
		want       string // JSON of the value; "null" = absent
	}{
		{"photoshare", "gen1", []string{"aws_cloud_logic_custom"}, `[{"endpoint":"http://127.0.0.1:43101/photos/dev","name":"photos","region":"eu-west-1"}]`},
		{"photoshare", "gen1", []string{"oauth", "redirectSignIn"}, `"http://localhost:5173/"`},
		{"photoshare", "gen1", []string{"aws_cognito_mfa_configuration"}, `"OPTIONAL"`},
		{"photoshare", "gen1", []string{"aws_user_files_s3_bucket"}, `"photoshare-dev-photostore4a1b2c3d-1q2w3e4r5t6y"`},
		{"userpool-only", "gen1", []string{"aws_cognito_identity_pool_id"}, `null`},
		{"userpool-only", "gen1", []string{"aws_cognito_mfa_configuration"}, `"ON"`},
		{"userpool-only", "gen1", []string{"oauth", "redirectSignOut"}, `"http://localhost:3000/,https://notes.example.com/"`},
		{"userpool-only", "gen1", []string{"aws_cognito_signup_attributes"}, `["EMAIL"]`},
		{"iam-guest", "gen1", []string{"oauth"}, `null`},
		{"iam-guest", "gen1", []string{"aws_dynamodb_table_schemas"}, `null`},
		{"photoshare", "gen2", []string{"version"}, `"1.5"`},
		{"photoshare", "gen2", []string{"custom", "API", "photos", "authorization"}, `"access-token,iam"`},
		{"photoshare", "gen2", []string{"auth", "mfa_configuration"}, `"OPTIONAL"`},
		{"userpool-only", "gen2", []string{"auth", "mfa_configuration"}, `"REQUIRED"`},
		{"userpool-only", "gen2", []string{"auth", "unauthenticated_identities_enabled"}, `false`},
		{"userpool-only", "gen2", []string{"storage"}, `null`},
		{"iam-guest", "gen2", []string{"auth", "unauthenticated_identities_enabled"}, `true`},
		{"iam-guest", "gen2", []string{"auth", "groups"}, `[{"admins":{"precedence":0}},{"editors":{"precedence":10}}]`},
		{"passwordless", "gen2", []string{"auth", "passwordless"}, `{"email_otp_enabled":true,"preferred_challenge":"EMAIL_OTP","sms_otp_enabled":true,"web_authn":{"relying_party_id":"keyless.example.com","user_verification":"required"}}`},
		{"photoshare", "gen2", []string{"auth", "passwordless"}, `null`},
		{"passwordless", "gen1", []string{"aws_cognito_verification_mechanisms"}, `["EMAIL","PHONE_NUMBER"]`}, // SMS codes go to verified numbers
		{"passwordless", "gen1", []string{"passwordless"}, `null`},                                            // no Gen 1 key for it
	}
	for _, tt := range tests {
		t.Run(tt.ex+"/"+tt.format+"/"+strings.Join(tt.path, "."), func(t *testing.T) {
			c := load(t, tt.ex)
			var b []byte
			var err error
			if tt.format == "gen1" {
				b, err = c.AmplifyConfigurationJSON()
			} else {
				b, err = c.AmplifyOutputsJSON()
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(get(decode(t, b), tt.path...))
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestEmitStoragePaths(t *testing.T) {
	// iam-guest: guests read public and protected; groups (level all) appear under every prefix.
	b, err := load(t, "iam-guest").AmplifyOutputsJSON()
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Storage struct {
			Buckets []struct {
				Paths map[string]map[string][]string `json:"paths"`
			} `json:"buckets"`
		} `json:"storage"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	paths := o.Storage.Buckets[0].Paths
	tests := []struct {
		path, who, want string
	}{
		{"public/*", "guest", "get,list"},
		{"public/*", "authenticated", "get,list"},
		{"protected/*", "guest", "get,list"},
		{"protected/*", "entityidentity", ""},
		{"protected/${cognito-identity.amazonaws.com:sub}/*", "entityidentity", "get,list,write,delete"},
		{"protected/${cognito-identity.amazonaws.com:sub}/*", "guest", ""},
		{"private/*", "entityidentity", ""},
		{"private/${cognito-identity.amazonaws.com:sub}/*", "entityidentity", ""},
		{"private/*", "groupsadmins", "get,list,write,delete"},
		{"public/*", "groupseditors", "get,list,write"},
	}
	for _, tt := range tests {
		if got := strings.Join(paths[tt.path][tt.who], ","); got != tt.want {
			t.Errorf("paths[%q][%q] = %q, want %q", tt.path, tt.who, got, tt.want)
		}
	}
}

func TestEmitRenderVariants(t *testing.T) {
	c := load(t, "photoshare")
	tests := []struct {
		format, file  string
		prefix        string
		contains, not string
		wantErr       bool
	}{
		{emit.FormatAWSExports, "src/aws-exports.js", "// Code generated by underhood config from examples/photoshare/app.yaml. DO NOT EDIT.\n", "const awsmobile = {", "", false},
		{emit.FormatAWSExports, "amplifyconfiguration.json", "{\n", `"aws_project_region"`, "// Code generated", false},
		{emit.FormatAmplifyOutputs, "amplify_outputs.json", "{\n", `"version": "1.5"`, "// Code generated", false},
		{emit.FormatAmplifyConfig, "a/amplify-config.ts", "// Code generated", "import type { LibraryOptions }", "", false},
		{emit.FormatAmplifyConfig, "a/amplify-config.js", "// Code generated", "export function configureAmplify(libraryOptions = {})", "import type", false},
		{emit.FormatAmplifyConfig, "a/amplify-config.js", "", `headers: await authHeaders("photos", "GET", "/photos")`, "", false},
		{"graphql", "x.js", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.file, func(t *testing.T) {
			b, err := c.Render(tt.format, tt.file)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			s := string(b)
			if !strings.HasPrefix(s, tt.prefix) {
				t.Errorf("does not start with %q:\n%.200s", tt.prefix, s)
			}
			if !strings.Contains(s, tt.contains) {
				t.Errorf("does not contain %q", tt.contains)
			}
			if tt.not != "" && strings.Contains(s, tt.not) {
				t.Errorf("contains %q", tt.not)
			}
		})
	}
}

func TestEmitHeaderMode(t *testing.T) {
	tests := []struct {
		modes  []string
		header string
		mixed  bool
	}{
		{[]string{"access-token"}, "access-token", false},
		{[]string{"id-token", "none"}, "id-token", false},
		{[]string{"access-token", "iam"}, "", true},
		{[]string{"access-token", "id-token"}, "", true},
		{[]string{"iam"}, "", false},
		{[]string{"iam", "none"}, "", false},
		{[]string{"none"}, "", false},
	}
	for _, tt := range tests {
		a := emit.API{Modes: tt.modes}
		if got := a.HeaderMode(); got != tt.header {
			t.Errorf("%v: HeaderMode %q, want %q", tt.modes, got, tt.header)
		}
		if got := a.Mixed(); got != tt.mixed {
			t.Errorf("%v: Mixed %v, want %v", tt.modes, got, tt.mixed)
		}
	}
}

func BenchmarkConfig(b *testing.B) {
	app, err := spec.Load("../examples/photoshare/app.yaml", "dev")
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile("../examples/photoshare/outputs.sample.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		outs, err := emit.ParseOutputsFile(data)
		if err != nil {
			b.Fatal(err)
		}
		c, err := emit.New(app, outs, "app.yaml")
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range goldenFiles {
			if _, err := c.Render(f.format, f.name); err != nil {
				b.Fatal(err)
			}
		}
	}
}

const externalSpec = `
version: 1
app: ext
stages:
  dev:
    region: eu-west-1
    existing:
      graphql:
        radar: { endpoint: "https://x.appsync-api.eu-west-1.amazonaws.com/graphql", apiKey: { stack: amplify-ext-dev-1-apiradar-X, output: GraphQLAPIKeyOutput } }
      analytics: { appId: f489dae7eafa484daf7d93bc3421c7f1 }
auth:
  userPool: { signInWith: [username] }
  identityPool: {}
graphql:
  radar: { authorization: [user-pool, api-key, iam] }
`

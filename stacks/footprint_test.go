package stacks_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// footprintSpecs reach every part of spec.Estimate beyond the examples: SMS and email, every provider
// kind, group roles and every access level over several buckets, tables with and without indexes, an
// IAM API whose roles' grants are compacted, guest routes, routes on "/", APIs with and without CORS
// and logs, existing resources, and an API split into nested stacks with a subtree too big for one.
var footprintSpecs = map[string]string{
	"wide": `
version: 1
app: wide
stages: { dev: { removal: destroy } }
auth:
  userPool:
    signInWith: [email, phone]
    standardAttributes: { email: required, phone_number: required }
    mfa: { mode: optional, methods: [sms, totp] }
    groups: { admins: { precedence: 0 }, editors: { precedence: 1 }, viewers: { precedence: 2 } }
    triggers: { postConfirmation: fnA, preSignUp: fnA, customMessage: fnB }
    hostedUI:
      domainPrefix: wide-${stage}
      callbackUrls: [https://wide.example/]
      logoutUrls: [https://wide.example/]
      scopes: [openid, email, wide/read]
      providers:
        google: { clientId: g, clientSecret: { secretsManager: wide/google, jsonField: secret } }
        apple: { clientId: com.wide, teamId: TEAM123456, keyId: KEY1234567, privateKey: { secretsManager: wide/apple } }
        corp: { clientId: c, clientSecret: { secretsManager: wide/corp }, issuerUrl: "https://id.corp.example" }
    resourceServers: { wide: { scopes: { read: Read } } }
  identityPool: { guestAccess: true, groupRoles: true }
functions:
  fnA: { runtime: nodejs, source: functions/catalog, access: { files: [read, write, delete], items: [read], logs: [write, delete] } }
  fnB: { runtime: nodejs, source: functions/catalog, access: { media: [write], items: [delete] } }
  fnC: { runtime: nodejs, source: functions/catalog, handler: index.handler }
storage:
  files:
    type: s3
    cors: { allowOrigins: ["https://wide.example"] }
    access:
      public: { guest: [read], authenticated: [read, write, delete] }
      protected: { owner: [read, write, delete], authenticated: [read], guest: [read] }
      private: { owner: [read, write] }
      groups: { admins: [read, write, delete], editors: [read] }
  media: { type: s3, versioned: true, access: { public: { authenticated: [read] }, groups: { viewers: [read] } } }
  items: { type: dynamodb, partitionKey: id:string, indexes: { byOwner: { partitionKey: owner:string } } }
  logs: { type: dynamodb, partitionKey: day:string, sortKey: at:number, stream: new-image, pointInTimeRecovery: false }
api:
  admin:
    authorization: iam
    cors: { allowOrigins: ["https://wide.example", "https://admin.wide.example"] }
    routes:
` + wideIAMRoutes() + `
  public:
    authorization: none
    accessLogs: false
    routes:
      GET /: fnC
      GET /status: fnC
      ANY /hook/{proxy+}: { function: fnA, authorization: access-token, scopes: [wide/read] }
      GET /me: { function: fnB, authorization: id-token }
      GET /open: { function: fnB, authorization: iam, guest: true }
`,
	"existing": `
version: 1
app: adopt
stages:
  prod:
    region: us-east-1
    existing:
      userPool: { id: us-east-1_AbC123xyz, clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u, domain: adopt.auth.us-east-1.amazoncognito.com }
      identityPool: { id: "us-east-1:0f3e5a7c-1111-2222-3333-444455556666" }
      storage: { files: adopt-files-prod, items: items-prod }
auth:
  userPool:
    signInWith: [email]
    groups: { admins: { precedence: 0 }, staff: { precedence: 1 } }
    hostedUI: { domainPrefix: adopt, callbackUrls: ["https://adopt.example/"], logoutUrls: ["https://adopt.example/"], scopes: [openid] }
  identityPool: { groupRoles: true }
functions:
  api: { runtime: nodejs, source: functions/catalog, access: { files: [read, write], items: [read, write, delete], userPool: [AdminGetUser] } }
storage:
  files: { type: s3, access: { private: { owner: [read, write, delete] }, groups: { admins: [read] } } }
  items: { type: dynamodb, partitionKey: id:string }
api:
  main:
    authorization: iam
    routes:
      GET /things: api
      POST /things: { function: api, groups: [admins, staff] }
      DELETE /things/{id}: { function: api, groups: [admins] }
`,
	"existing-client": `
version: 1
app: client
stages: { prod: { region: eu-west-1, existing: { userPool: { id: eu-west-1_AbC123xyz } } } }
auth: { userPool: { signInWith: [email], triggers: { preSignUp: fn } } }
functions: { fn: { runtime: nodejs, source: functions/catalog } }
api: { main: { authorization: access-token, routes: { "GET /me": fn } } }
`,
	"split": splitSpec(),
	// Schedules, table streams (a created table's and an existing one's), S3 events on a created
	// bucket (named in advance, which its grants then use) and on an existing one (an output), secrets
	// of both kinds with and without a KMS key (two identical KMS grants become one), and access to
	// the user pool and to a GraphQL API.
	"triggers": `
version: 1
app: trig
stages:
  dev:
    region: eu-west-1
    existing:
      storage: { archive: trig-archive-dev, audit: audit-dev }
      streams: { audit: "arn:aws:dynamodb:eu-west-1:123456789012:table/audit-dev/stream/2024-05-01T10:00:00.000" }
      graphql:
        radar: { id: devapiid0123456789abcdefgh, endpoint: "https://devhost.appsync-api.eu-west-1.amazonaws.com/graphql" }
auth:
  userPool: { signInWith: [email], triggers: { postConfirmation: admin } }
  identityPool: {}
graphql:
  radar: { authorization: [user-pool] }
functions:
  nightly:
    runtime: nodejs
    source: functions/catalog
    handler: index.handler
    schedule: cron(0 3 * * ? *)
    secrets:
      DB_URL: { ssmParameter: /trig/db }
      API_KEY: { secretsManager: trig/api }
  pay:
    runtime: nodejs
    source: functions/catalog
    schedule: rate(5 minutes)
    secrets:
      STRIPE_KEY: { secretsManager: trig/stripe, kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
      WEBHOOK_KEY: { secretsManager: "arn:aws:secretsmanager:us-east-1:123456789012:secret:trig/webhook-AbC123", kmsKey: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
      OPENAI_KEY: { ssmParameter: "/trig/${stage}/openai", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
      MAPS_KEY: { ssmParameter: trig.maps, kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
  thumbs:
    runtime: nodejs
    source: functions/catalog
    access: { files: [read, write] }
    events:
      - { s3: files, on: [created], prefix: public/ }
      - { s3: files, on: [removed], prefix: private/ }
  indexer:
    runtime: nodejs
    source: functions/catalog
    events:
      - dynamodb: orders
      - dynamodb: audit
      - { s3: archive, on: [created, removed] }
      - { s3: files, on: [removed], prefix: protected/ }
  admin:
    runtime: nodejs
    source: functions/catalog
    schedule: rate(1 day)
    access: { userPool: [AdminGetUser, ListUsers], radar: [query, mutation], orders: [read] }
storage:
  files: { type: s3, access: { public: { authenticated: [read, write] } } }
  archive: { type: s3 }
  orders: { type: dynamodb, partitionKey: id:string, stream: new-image }
  audit: { type: dynamodb, partitionKey: id:string, stream: new-and-old-images }
`,
}

// wideIAMRoutes: 30 paths with four verbs, open to every signed-in user, one group, or two, so several
// roles pass the 20 grants above which they are compacted.
func wideIAMRoutes() string {
	var b strings.Builder
	for i := 0; i < 30; i++ {
		top := fmt.Sprintf("/t%02d", i%6)
		p := fmt.Sprintf("%s/r%02d/{id}", top, i)
		fmt.Fprintf(&b, "      GET %s: fnA\n", p)
		fmt.Fprintf(&b, "      PUT %s: { function: fnA, groups: [editors, admins] }\n", p)
		fmt.Fprintf(&b, "      DELETE %s: { function: fnB, groups: [admins] }\n", p)
		if i%3 == 0 {
			fmt.Fprintf(&b, "      POST %s: { function: fnA, guest: true }\n", p)
		}
	}
	return b.String()
}

// splitSpec: an API with CORS past the split threshold (and API Gateway's default resource quota): six top segments of 31 paths (each a nested
// stack), and /big whose subtree needs more than one nested stack holds, so /big stays in the app stack
// and its five subtrees get one each.
func splitSpec() string {
	var b strings.Builder
	b.WriteString("version: 1\napp: split\nauth: { userPool: { signInWith: [email] } }\nfunctions:\n")
	for f := 0; f < 4; f++ {
		fmt.Fprintf(&b, "  fn%d: { runtime: nodejs, source: functions/catalog }\n", f)
	}
	// 348 API Gateway resources: past the default quota, declared raised.
	b.WriteString("api:\n  big:\n    authorization: id-token\n    quotas: { resources: 400 }\n    cors: { allowOrigins: [\"https://split.example\"] }\n    routes:\n")
	n := 0
	route := func(verb, path string) {
		fmt.Fprintf(&b, "      %s %s: fn%d\n", verb, path, n%4)
		n++
	}
	for s := 0; s < 6; s++ {
		top := fmt.Sprintf("/s%d", s)
		route("GET", top)
		for c := 0; c < 30; c++ {
			route("GET", fmt.Sprintf("%s/c%02d", top, c))
		}
	}
	route("GET", "/big")
	for s := 0; s < 5; s++ {
		for c := 0; c < 31; c++ {
			route("GET", fmt.Sprintf("/big/b%d/c%02d", s, c))
		}
	}
	route("GET", "/")
	return b.String()
}

// cliContext is what the CDK CLI hands an app when it runs cdk.json: the metadata it adds to every
// resource is part of the template it uploads.
var cliContext = map[string]any{"aws:cdk:enable-path-metadata": true, "aws:cdk:enable-asset-metadata": true}

// synthFootprintApps synthesizes the apps in one CDK app as the CLI would, and returns each app
// stack's templates: the app stack under "" and nested stacks under "<api> <root>".
func synthFootprintApps(t *testing.T, apps []*spec.App) map[string]map[string]*template {
	t.Helper()
	out := t.TempDir()
	cdkApp := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out), Context: &cliContext})
	for _, app := range apps {
		stacks.New(cdkApp, app, &stacks.Options{BuildDir: filepath.Join(out, "build", app.StackName())})
	}
	asm := cdkApp.Synth(nil)
	for _, st := range *asm.Stacks() {
		for _, m := range *st.Messages() {
			if m.Level == cxapi.SynthesisMessageLevel_ERROR {
				t.Errorf("%s: %v", *m.Id, m.Entry.Data)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(out, "*.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]*template{}
	for _, app := range apps {
		got[app.StackName()] = map[string]*template{}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var desc struct{ Description string }
		if err := json.Unmarshal(data, &desc); err != nil {
			t.Fatal(err)
		}
		tp := parseTemplate(t, data)
		base := filepath.Base(f)
		if !strings.Contains(base, ".nested.") {
			got[strings.TrimSuffix(base, ".template.json")][""] = tp
			continue
		}
		// "Routes under /x of API <stack>-<api>"
		root, apiName, ok := strings.Cut(strings.TrimPrefix(desc.Description, "Routes under "), " of API ")
		if !ok {
			t.Fatalf("%s: unexpected nested stack description %q", base, desc.Description)
		}
		for stack := range got {
			if api, ok := strings.CutPrefix(apiName, stack+"-"); ok {
				got[stack][api+" "+root] = tp
			}
		}
	}
	return got
}

// TestFootprintMatchesSynth holds spec.Estimate, which validate checks the quotas with, against what synth
// builds: resources by type in every stack, outputs, API Gateway resources per API, statements in each
// function's resource policy, and each role's inline policy size with the names AWS generates at their
// longest (resolved here from the synthesized policies).
func TestFootprintMatchesSynth(t *testing.T) {
	examples := spectest.Examples(t)
	var apps []*spec.App
	for _, ex := range examples {
		for _, stage := range []string{"dev", "prod"} {
			apps = append(apps, loadExample(t, ex, stage, nil))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(footprintSpecs)) {
		stage := "dev"
		if strings.HasPrefix(name, "existing") {
			stage = "prod"
		}
		app, err := spec.Parse("app.yaml", filepath.Join("..", "examples", "iam-guest"), []byte(footprintSpecs[name]), stage)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		apps = append(apps, app)
	}
	synthesized := synthFootprintApps(t, apps)

	for _, app := range apps {
		t.Run(app.StackName(), func(t *testing.T) {
			fp := spec.Estimate(app)
			tpls := synthesized[app.StackName()]
			main := tpls[""]
			if main == nil {
				t.Fatal("no template")
			}
			if len(fp.Errors) > 0 {
				t.Errorf("estimate reports errors synth does not: %v", fp.Errors)
			}

			// Resources by type, per stack.
			if len(fp.Stacks) != len(tpls) {
				t.Errorf("%d stacks estimated, %d synthesized", len(fp.Stacks), len(tpls))
			}
			for _, sf := range fp.Stacks {
				key := ""
				if sf.API != "" {
					key = sf.API + " " + sf.Root
				}
				tp := tpls[key]
				if tp == nil {
					t.Errorf("stack %s estimated, not synthesized", sf.Name)
					continue
				}
				got := map[string]int{}
				for _, r := range tp.Resources {
					got[r.Type]++
				}
				for _, typ := range slices.Sorted(maps.Keys(mergeKeys(got, sf.Resources))) {
					if got[typ] != sf.Resources[typ] {
						t.Errorf("stack %s: %s estimated %d, synthesized %d", sf.Name, typ, sf.Resources[typ], got[typ])
					}
				}
				// The template size is an upper estimate that must stay meaningful.
				if actual := len(tp.raw); sf.Bytes < actual || sf.Bytes > 2*actual {
					t.Errorf("stack %s: template estimated at %d bytes, synthesized %d (want between once and twice)", sf.Name, sf.Bytes, actual)
				} else {
					t.Logf("stack %s: template %d bytes, estimated %d (%.2f)", sf.Name, actual, sf.Bytes, float64(sf.Bytes)/float64(actual))
				}
				if sf.API == "" && sf.Outputs != len(tp.Outputs) {
					t.Errorf("outputs estimated %d, synthesized %d", sf.Outputs, len(tp.Outputs))
				}
			}

			// API Gateway resources per API: the root and every Resource, nested stacks included.
			for _, af := range fp.APIs {
				n := 1
				for key, tp := range tpls {
					if key == "" {
						for _, id := range tp.ofType("AWS::ApiGateway::Resource") {
							if strings.HasPrefix(id, "Apis"+af.Name+"Api") {
								n++
							}
						}
					} else if strings.HasPrefix(key, af.Name+" ") {
						n += len(tp.ofType("AWS::ApiGateway::Resource"))
					}
				}
				if n != af.Resources {
					t.Errorf("API %s: %d API Gateway resources estimated, %d synthesized", af.Name, af.Resources, n)
				}
			}

			// Statements of each function's resource policy: one AWS::Lambda::Permission each.
			for _, ff := range fp.Functions {
				n := 0
				for _, id := range main.ofType("AWS::Lambda::Permission") {
					if ref := fmt.Sprint(main.Resources[id].Properties["FunctionName"]); strings.Contains(ref, "Functions"+ff.Name+"Function") &&
						len(getAttID(main.Resources[id].Properties["FunctionName"])) == len("Functions"+ff.Name+"Function")+8 {
						n++
					}
				}
				if n != ff.Statements {
					t.Errorf("function %s: %d resource policy statements estimated, %d synthesized", ff.Name, ff.Statements, n)
				}
				if ff.Statements > 0 && ff.PolicyBytes <= 0 {
					t.Errorf("function %s: no policy size", ff.Name)
				}
			}

			// Inline policy size of each role, resolved with the longest generated names.
			actual := rolePolicySizes(t, app, main)
			estimated := map[string]int{}
			for _, rf := range fp.Roles {
				estimated[roleLogicalPrefix(rf)] = rf.Chars
			}
			for prefix, want := range estimated {
				got, ok := actual[prefix]
				if !ok {
					t.Errorf("role %s estimated (%d characters), not synthesized", prefix, want)
					continue
				}
				if got != want {
					t.Errorf("role %s: inline policies estimated at %d characters, synthesized %d", prefix, want, got)
				}
			}
			for prefix, got := range actual {
				if _, ok := estimated[prefix]; !ok && got > 0 {
					t.Errorf("role %s has %d characters of inline policies, not estimated", prefix, got)
				}
			}
		})
	}
}

func mergeKeys(a, b map[string]int) map[string]int {
	out := maps.Clone(a)
	for k, v := range b {
		out[k] += v
	}
	return out
}

func getAttID(v any) string {
	if m, ok := v.(map[string]any); ok {
		if ga, ok := m["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return fmt.Sprint(ga[0])
		}
	}
	return ""
}

// roleLogicalPrefix is the logical id of a role without its hash.
func roleLogicalPrefix(r spec.RoleFootprint) string {
	switch r.Kind {
	case spec.RoleFunction:
		return "Functions" + r.Name + "ServiceRole"
	case spec.RoleAuthenticated:
		return "IdentityPoolAuthenticatedRole"
	case spec.RoleGuest:
		return "IdentityPoolGuestRole"
	case spec.RoleGroup:
		return "IdentityPoolGroupRole" + r.Name
	case spec.RoleSMS:
		return "UserPoolsmsRole"
	}
	return r.Kind
}

// rolePolicySizes resolves every role's inline policies (its own and the AWS::IAM::Policy resources
// attached to it) with the longest names AWS generates, and measures them minified, by logical id
// without the hash.
func rolePolicySizes(t *testing.T, app *spec.App, tp *template) map[string]int {
	t.Helper()
	region := app.Region
	if region == "" {
		region = "xx-xxxxxxxxx-9"
	}
	generated := func(id string, limit int) string {
		return strings.Repeat("x", min(limit, len(app.StackName())+1+len(id)+1+13))
	}
	var resolve func(v any) any
	resolve = func(v any) any {
		switch x := v.(type) {
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = resolve(e)
			}
			return out
		case map[string]any:
			if ref, ok := x["Ref"].(string); ok && len(x) == 1 {
				switch ref {
				case "AWS::Partition":
					return "aws"
				case "AWS::Region":
					return region
				case "AWS::AccountId":
					return "000000000000"
				}
				if tp.Resources[ref].Type == "AWS::ApiGateway::RestApi" {
					return "xxxxxxxxxx"
				}
				t.Fatalf("unresolved Ref %s in a policy", ref)
			}
			if ga, ok := x["Fn::GetAtt"].([]any); ok && len(x) == 1 && ga[1] == "Arn" {
				id := ga[0].(string)
				switch tp.Resources[id].Type {
				case "AWS::S3::Bucket":
					return "arn:aws:s3:::" + generated(id, 63)
				case "AWS::DynamoDB::Table":
					return "arn:aws:dynamodb:" + region + ":000000000000:table/" + generated(id, 255)
				case "AWS::Logs::LogGroup":
					return "arn:aws:logs:" + region + ":000000000000:log-group:" + generated(id, 512) + ":*"
				case "AWS::Cognito::UserPool":
					// Pool ids are <region>_<9 characters>.
					return "arn:aws:cognito-idp:" + region + ":000000000000:userpool/" + region + "_xxxxxxxxx"
				}
				t.Fatalf("unresolved Fn::GetAtt %v in a policy", ga)
			}
			if ga, ok := x["Fn::GetAtt"].([]any); ok && len(x) == 1 && ga[1] == "StreamArn" {
				// A stream's label is an ISO 8601 timestamp: 2024-05-01T10:00:00.000.
				id := ga[0].(string)
				return "arn:aws:dynamodb:" + region + ":000000000000:table/" + generated(id, 255) + "/stream/" + strings.Repeat("x", 23)
			}
			if j, ok := x["Fn::Join"].([]any); ok && len(x) == 1 {
				var parts []string
				for _, p := range resolve(j[1]).([]any) {
					parts = append(parts, p.(string))
				}
				return strings.Join(parts, j[0].(string))
			}
			out := map[string]any{}
			for k, e := range x {
				out[k] = resolve(e)
			}
			return out
		}
		return v
	}
	size := func(doc any) int {
		data, err := json.Marshal(resolve(doc))
		if err != nil {
			t.Fatal(err)
		}
		return len(data)
	}
	prefixOf := func(id string) string { return id[:len(id)-8] }
	sizes := map[string]int{}
	for _, id := range tp.ofType("AWS::IAM::Role") {
		policies, _ := tp.Resources[id].Properties["Policies"].([]any)
		sizes[prefixOf(id)] += 0
		for _, p := range policies {
			sizes[prefixOf(id)] += size(p.(map[string]any)["PolicyDocument"])
		}
	}
	for _, id := range tp.ofType("AWS::IAM::Policy") {
		p := tp.Resources[id].Properties
		n := size(p["PolicyDocument"])
		for _, r := range p["Roles"].([]any) {
			sizes[prefixOf(r.(map[string]any)["Ref"].(string))] += n
		}
	}
	return sizes
}

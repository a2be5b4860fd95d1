package stacks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/internal/golden"
	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// synthApps synthesizes one stack per spec in a single CDK app (one jsii round trip) and returns each
// stack's template bytes by stack name.
func synthApps(t *testing.T, apps []*spec.App) map[string][]byte {
	t.Helper()
	out := t.TempDir()
	cdkApp := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
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
	templates := map[string][]byte{}
	for _, app := range apps {
		data, err := os.ReadFile(filepath.Join(out, app.StackName()+".template.json"))
		if err != nil {
			t.Fatal(err)
		}
		templates[app.StackName()] = data
		checkWarmTypes(t, app.StackName(), data)
	}
	return templates
}

// checkWarmTypes fails for a resource type in template that awsrules.TemplateResourceTypes lacks: synth's
// validator process would then start its engine a second time, costing about a second on every synth.
func checkWarmTypes(t *testing.T, stack string, template []byte) {
	t.Helper()
	var tpl struct {
		Resources map[string]struct{ Type string }
	}
	if err := json.Unmarshal(template, &tpl); err != nil {
		t.Fatalf("%s: %v", stack, err)
	}
	for id, r := range tpl.Resources {
		if !slices.Contains(awsrules.TemplateResourceTypes, r.Type) {
			t.Errorf("%s: %s is a %s, a type awsrules.TemplateResourceTypes lacks: add it there", stack, id, r.Type)
		}
	}
}

func loadExample(t *testing.T, name, stage string, data []byte) *spec.App {
	t.Helper()
	dir := filepath.Join("..", "examples", name)
	if data == nil {
		var err error
		if data, err = os.ReadFile(filepath.Join(dir, "app.yaml")); err != nil {
			t.Fatal(err)
		}
	}
	app, err := spec.Parse("app.yaml", dir, data, stage)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return app
}

// exampleTemplates synthesizes every example at the prod stage (retain) once per test binary run.
var exampleCache map[string]*template

func exampleTemplates(t *testing.T) map[string]*template {
	t.Helper()
	if exampleCache != nil {
		return exampleCache
	}
	examples := spectest.Examples(t)
	var apps []*spec.App
	for _, name := range examples {
		apps = append(apps, loadExample(t, name, "prod", nil))
	}
	raw := synthApps(t, apps)
	exampleCache = map[string]*template{}
	for i, name := range examples {
		exampleCache[name] = parseTemplate(t, raw[apps[i].StackName()])
	}
	return exampleCache
}

// TestGoldenTemplates compares each example's prod template with testdata/<example>.template.json.
func TestGoldenTemplates(t *testing.T) {
	for name, tpl := range exampleTemplates(t) {
		golden.Check(t, filepath.Join("testdata", name+".template.json"), tpl.raw)
	}
}

// TestDeterministicAndOrderFree synthesizes every example again, once as written and once with every
// map and list in the spec reversed, and expects byte-identical templates.
func TestDeterministicAndOrderFree(t *testing.T) {
	examples := spectest.Examples(t)
	first := exampleTemplates(t)
	var again, reordered []*spec.App
	for _, name := range examples {
		data, err := os.ReadFile(filepath.Join("..", "examples", name, "app.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		again = append(again, loadExample(t, name, "prod", data))
		rev := spectest.Reversed(t, data)
		app := loadExample(t, name, "prod", rev)
		app.Stage = "prod"
		reordered = append(reordered, app)
	}
	for i, raw := range []map[string][]byte{synthApps(t, again), synthApps(t, reordered)} {
		for j, name := range examples {
			if got := raw[again[j].StackName()]; !bytes.Equal(got, first[name].raw) {
				t.Errorf("%s: synth %d differs from the first synth (%s)", name, i+2, []string{"same spec", "reordered spec"}[i])
			}
		}
	}
}

func TestExampleAuthorization(t *testing.T) {
	tpls := exampleTemplates(t)
	type want struct {
		authType string
		scopes   []string // nil: AuthorizationScopes absent
	}
	cases := map[string]map[string]want{
		"photoshare": {
			"GET /photos":         {"COGNITO_USER_POOLS", []string{"aws.cognito.signin.user.admin"}},
			"POST /photos":        {"COGNITO_USER_POOLS", []string{"aws.cognito.signin.user.admin"}},
			"GET /photos/{id}":    {"COGNITO_USER_POOLS", []string{"aws.cognito.signin.user.admin"}},
			"DELETE /photos/{id}": {"AWS_IAM", nil},
		},
		"userpool-only": {
			"GET /notes":             {"COGNITO_USER_POOLS", []string{"notes/read"}},
			"GET /notes/{noteId}":    {"COGNITO_USER_POOLS", []string{"notes/read"}},
			"POST /notes":            {"COGNITO_USER_POOLS", []string{"notes/write"}},
			"DELETE /notes/{noteId}": {"COGNITO_USER_POOLS", []string{"notes/write"}},
			"GET /me":                {"COGNITO_USER_POOLS", nil}, // id token: no scopes
			"ANY /me/{proxy+}":       {"COGNITO_USER_POOLS", nil},
			"GET /health":            {"NONE", nil},
		},
		"iam-guest": {
			"GET /items":          {"AWS_IAM", nil},
			"GET /items/{itemId}": {"AWS_IAM", nil},
			"GET /orders":         {"AWS_IAM", nil},
			"POST /items":         {"AWS_IAM", nil},
			"ANY /admin/{proxy+}": {"AWS_IAM", nil},
		},
	}
	for name, routes := range cases {
		seen := map[string]bool{}
		for _, m := range tpls[name].methods() {
			key := m.Verb + " " + m.Path
			if m.Verb == "OPTIONS" {
				if m.AuthType != "NONE" {
					t.Errorf("%s: %s is %s; CORS preflight must be unauthenticated", name, key, m.AuthType)
				}
				continue
			}
			w, ok := routes[key]
			if !ok {
				t.Errorf("%s: unexpected method %s", name, key)
				continue
			}
			seen[key] = true
			if m.AuthType != w.authType {
				t.Errorf("%s: %s authorization %s, want %s", name, key, m.AuthType, w.authType)
			}
			if !reflect.DeepEqual(m.Scopes, w.scopes) {
				t.Errorf("%s: %s AuthorizationScopes %v, want %v", name, key, m.Scopes, w.scopes)
			}
			if (m.AuthType == "COGNITO_USER_POOLS") != m.HasAuthorizer {
				t.Errorf("%s: %s authorizer presence does not match %s", name, key, m.AuthType)
			}
		}
		for key := range routes {
			if !seen[key] {
				t.Errorf("%s: route %s missing from the template", name, key)
			}
		}
	}
}

// roles finds the identity pool roles by their trust policy and the group roles through the groups.
func roles(t *testing.T, tp *template) (authenticated, guest string, groups map[string]string) {
	t.Helper()
	groups = map[string]string{}
	for _, id := range tp.ofType("AWS::IAM::Role") {
		trust := string(mustJSON(t, tp.Resources[id].Properties["AssumeRolePolicyDocument"]))
		if !strings.Contains(trust, "cognito-identity.amazonaws.com") {
			continue
		}
		switch {
		case strings.Contains(trust, `"unauthenticated"`):
			guest = id
		case strings.Contains(trust, `"authenticated"`):
			isGroup := false
			for _, g := range tp.ofType("AWS::Cognito::UserPoolGroup") {
				p := tp.Resources[g].Properties
				if arn, ok := p["RoleArn"].(map[string]any); ok && arn["Fn::GetAtt"].([]any)[0] == id {
					groups[p["GroupName"].(string)] = id
					isGroup = true
				}
			}
			// A pool whose groups the stack does not own maps group roles by rules instead.
			for _, a := range tp.ofType("AWS::Cognito::IdentityPoolRoleAttachment") {
				mappings, _ := tp.Resources[a].Properties["RoleMappings"].(map[string]any)
				for _, m := range mappings {
					rc, _ := m.(map[string]any)["RulesConfiguration"].(map[string]any)
					rules, _ := rc["Rules"].([]any)
					for _, r := range rules {
						rule := r.(map[string]any)
						if arn, ok := rule["RoleARN"].(map[string]any); ok && arn["Fn::GetAtt"].([]any)[0] == id {
							groups[rule["Value"].(string)] = id
							isGroup = true
						}
					}
				}
			}
			if !isGroup {
				authenticated = id
			}
		}
	}
	return authenticated, guest, groups
}

func TestExampleIAMGrants(t *testing.T) {
	tpls := exampleTemplates(t)

	tp := tpls["iam-guest"]
	authRole, guestRole, groups := roles(t, tp)
	if authRole == "" || guestRole == "" || groups["admins"] == "" || groups["editors"] == "" {
		t.Fatalf("roles not found: auth %q guest %q groups %v", authRole, guestRole, groups)
	}
	check := func(name, role string, want []string) {
		t.Helper()
		if got := tp.invokeRoutes(role); !reflect.DeepEqual(got, want) {
			t.Errorf("%s may invoke %v, want %v", name, got, want)
		}
	}
	check("guest role", guestRole, []string{"GET /items", "GET /items/*"})
	// Signed-in routes reach every group role too (token-based mapping replaces the authenticated role).
	check("authenticated role", authRole, []string{"GET /items", "GET /items/*", "GET /orders"})
	check("editors role", groups["editors"], []string{"GET /items", "GET /items/*", "GET /orders", "POST /items"})
	check("admins role", groups["admins"], []string{"* /admin/*", "GET /items", "GET /items/*", "GET /orders", "POST /items"})

	tp = tpls["photoshare"]
	authRole, guestRole, groups = roles(t, tp)
	if got := tp.invokeRoutes(groups["admins"]); !reflect.DeepEqual(got, []string{"DELETE /photos/*"}) {
		t.Errorf("photoshare admins may invoke %v, want only DELETE /photos/*", got)
	}
	for name, role := range map[string]string{"authenticated": authRole, "guest": guestRole, "editors": groups["editors"]} {
		if got := tp.invokeRoutes(role); len(got) != 0 {
			t.Errorf("photoshare %s role may invoke %v, want nothing", name, got)
		}
	}
}

func TestExampleCORSAndPermissions(t *testing.T) {
	for name, tp := range exampleTemplates(t) {
		apis := tp.ofType("AWS::ApiGateway::RestApi")
		if len(apis) == 0 {
			t.Errorf("%s: no REST API; the CORS and permission checks check nothing", name)
		}
		// Gateway-made errors must carry CORS headers, or the browser shows a CORS error instead.
		for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
			n := 0
			for _, id := range tp.ofType("AWS::ApiGateway::GatewayResponse") {
				p := tp.Resources[id].Properties
				if p["ResponseType"] == typ {
					if _, ok := p["ResponseParameters"].(map[string]any)["gatewayresponse.header.Access-Control-Allow-Origin"]; ok {
						n++
					}
				}
			}
			if n != len(apis) {
				t.Errorf("%s: %d %s responses with Access-Control-Allow-Origin, want one per API (%d)", name, n, typ, len(apis))
			}
		}
		// One Lambda permission per function and API, not two per method.
		pairs := map[string]bool{}
		for _, m := range tp.ofType("AWS::ApiGateway::Method") {
			p := tp.Resources[m].Properties
			if integ, ok := p["Integration"].(map[string]any); ok && integ["Type"] == "AWS_PROXY" {
				uri := string(mustJSON(t, integ["Uri"]))
				for _, fn := range tp.ofType("AWS::Lambda::Function") {
					if strings.Contains(uri, `"`+fn+`"`) {
						pairs[refOf(p["RestApiId"])+"/"+fn] = true
					}
				}
			}
		}
		apiPerms := 0
		for _, id := range tp.ofType("AWS::Lambda::Permission") {
			if tp.Resources[id].Properties["Principal"] == "apigateway.amazonaws.com" {
				apiPerms++
			}
		}
		if apiPerms != len(pairs) || len(pairs) == 0 {
			t.Errorf("%s: %d API Gateway Lambda permissions for %d function/API pairs, want one each", name, apiPerms, len(pairs))
		}
		if ids := tp.ofType("AWS::ApiGateway::Account"); len(ids) != 0 {
			t.Errorf("%s: has AWS::ApiGateway::Account %v: never change account-wide settings implicitly", name, ids)
		}
	}
}

// cognitoState are the Cognito resource types whose loss users notice; a retain stage keeps them all.
var cognitoState = []string{"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolDomain",
	"AWS::Cognito::UserPoolGroup", "AWS::Cognito::UserPoolIdentityProvider", "AWS::Cognito::UserPoolResourceServer",
	"AWS::Cognito::IdentityPool"}

// statefulTypes are the stateful resource types whose count a spec declares, in the order the tests
// check them.
var statefulTypes = []string{"AWS::Cognito::UserPool", "AWS::Cognito::IdentityPool", "AWS::S3::Bucket", "AWS::DynamoDB::Table"}

// stateful counts the stateful resources of each type an app's stack creates, read from its spec (what
// it references as existing, it does not create).
func stateful(app *spec.App) map[string]int {
	want := map[string]int{}
	if a := app.Auth; a != nil {
		if a.UserPool != nil && a.UserPool.Existing == nil {
			want["AWS::Cognito::UserPool"]++
		}
		if a.IdentityPool != nil && a.IdentityPool.ExistingID == "" {
			want["AWS::Cognito::IdentityPool"]++
		}
	}
	for _, b := range app.Buckets {
		if b.ExistingName == "" {
			want["AWS::S3::Bucket"]++
		}
	}
	for _, tb := range app.Tables {
		if tb.ExistingName == "" {
			want["AWS::DynamoDB::Table"]++
		}
	}
	return want
}

// statefulIDs returns the logical IDs of a type, failing when the template does not hold the number the
// spec declares (for the types whose count the spec gives): a loop over them must never pass by
// checking nothing.
func statefulIDs(t *testing.T, name string, tp *template, app *spec.App, typ string) []string {
	t.Helper()
	ids := tp.ofType(typ)
	if slices.Contains(statefulTypes, typ) {
		if want := stateful(app)[typ]; len(ids) != want {
			t.Errorf("%s: %d %s, the spec declares %d", name, len(ids), typ, want)
		}
	}
	return ids
}

func TestExampleStatefulRetained(t *testing.T) {
	checked := map[string]int{}
	for name, tp := range exampleTemplates(t) {
		app := loadExample(t, name, "prod", nil)
		for _, typ := range append(slices.Clone(statefulTypes), cognitoState...) {
			for _, id := range statefulIDs(t, name, tp, app, typ) {
				checked[typ]++
				r := tp.Resources[id]
				if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
					t.Errorf("%s: %s %s has DeletionPolicy %q UpdateReplacePolicy %q in a retain stage", name, typ, id, r.DeletionPolicy, r.UpdateReplacePolicy)
				}
			}
		}
		if clients := tp.ofType("AWS::Cognito::UserPoolClient"); len(clients) == 0 && app.Auth != nil && app.Auth.UserPool != nil {
			t.Errorf("%s: no app client; the SPA checks below check nothing", name)
		}
		for _, id := range tp.ofType("AWS::Cognito::UserPool") {
			if got := tp.Resources[id].Properties["DeletionProtection"]; got != "ACTIVE" {
				t.Errorf("%s: user pool DeletionProtection %v, want ACTIVE", name, got)
			}
		}
		// Every AWS::Cognito::UserPool* type, whatever CDK adds in the future, is state.
		for id, r := range tp.Resources {
			if strings.HasPrefix(r.Type, "AWS::Cognito::UserPool") && !slices.Contains(cognitoState, r.Type) {
				t.Errorf("%s: %s is a %s, which the retention rule does not know", name, id, r.Type)
			}
		}
		for _, id := range tp.ofType("AWS::S3::Bucket") {
			pab, _ := tp.Resources[id].Properties["PublicAccessBlockConfiguration"].(map[string]any)
			for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
				if pab[k] != true {
					t.Errorf("%s: bucket %s %s = %v, want true", name, id, k, pab[k])
				}
			}
			sslOnly := false
			for _, pid := range tp.ofType("AWS::S3::BucketPolicy") {
				p := tp.Resources[pid].Properties
				if refOf(p["Bucket"]) != id {
					continue
				}
				doc := string(mustJSON(t, p["PolicyDocument"]))
				sslOnly = strings.Contains(doc, `"aws:SecureTransport":"false"`) && strings.Contains(doc, `"Effect":"Deny"`)
			}
			if !sslOnly {
				t.Errorf("%s: bucket %s has no SSL-only (deny aws:SecureTransport false) policy", name, id)
			}
		}
		for _, id := range tp.ofType("AWS::Cognito::UserPoolClient") {
			p := tp.Resources[id].Properties
			if p["GenerateSecret"] == true {
				t.Errorf("%s: app client %s generates a secret; an SPA cannot keep one", name, id)
			}
			if flows := mustJSON(t, p["AllowedOAuthFlows"]); bytes.Contains(flows, []byte("implicit")) {
				t.Errorf("%s: app client %s allows the implicit grant", name, id)
			}
			if bytes.Contains(mustJSON(t, p), []byte(`"https://example.com"`)) {
				t.Errorf("%s: app client %s has CDK's placeholder https://example.com callback", name, id)
			}
		}
	}
	for _, typ := range append(slices.Clone(statefulTypes), cognitoState...) {
		if checked[typ] == 0 {
			t.Errorf("no example has a %s; its retention is checked nowhere", typ)
		}
	}
}

// TestDevStageDestroys: only an explicit stage setting lets stateful data go, and in a destroy stage no
// Cognito resource is retained.
func TestDevStageDestroys(t *testing.T) {
	examples := spectest.Examples(t)
	var apps []*spec.App
	for _, name := range examples {
		apps = append(apps, loadExample(t, name, "dev", nil))
	}
	raw := synthApps(t, apps)
	checked := map[string]int{}
	for _, app := range apps {
		tp := parseTemplate(t, raw[app.StackName()])
		for _, typ := range statefulTypes {
			for _, id := range statefulIDs(t, app.Name, tp, app, typ) {
				checked[typ]++
				if got := tp.Resources[id].DeletionPolicy; got != "Delete" {
					t.Errorf("%s: %s %s: DeletionPolicy %q in a destroy stage, want Delete", app.Name, typ, id, got)
				}
			}
		}
		for _, typ := range cognitoState {
			for _, id := range tp.ofType(typ) {
				if r := tp.Resources[id]; r.DeletionPolicy == "Retain" || r.UpdateReplacePolicy == "Retain" {
					t.Errorf("%s: %s %s is retained in a destroy stage", app.Name, typ, id)
				}
			}
		}
		for _, id := range tp.ofType("AWS::Cognito::UserPool") {
			if got := tp.Resources[id].Properties["DeletionProtection"]; got == "ACTIVE" {
				t.Errorf("%s: user pool %s keeps deletion protection in a destroy stage", app.Name, id)
			}
		}
	}
	for _, typ := range statefulTypes {
		if checked[typ] == 0 {
			t.Errorf("no example has a %s in a destroy stage; the test checks nothing for it", typ)
		}
	}
}

// TestDestroyStagesEmptyBuckets: a destroy stage can really be deleted: each bucket is emptied first (CDK's Custom::S3AutoDeleteObjects: S3 refuses to delete a
// bucket holding an object or an object version), and a retained stage has no such mechanism at all.
func TestDestroyStagesEmptyBuckets(t *testing.T) {
	tests := []struct {
		example, stage string
		destroy        bool
	}{
		{"iam-guest", "dev", true}, // its bucket is versioned
		{"photoshare", "dev", true},
		{"iam-guest", "prod", false},
		{"photoshare", "prod", false},
	}
	var apps []*spec.App
	for _, tt := range tests {
		apps = append(apps, loadExample(t, tt.example, tt.stage, nil))
	}
	raw := synthApps(t, apps)
	for i, tt := range tests {
		t.Run(tt.example+" "+tt.stage, func(t *testing.T) {
			tp := parseTemplate(t, raw[apps[i].StackName()])
			wantPolicy := map[bool]string{true: "Delete", false: "Retain"}[tt.destroy]
			for _, typ := range []string{"AWS::Cognito::UserPool", "AWS::Cognito::IdentityPool", "AWS::S3::Bucket"} {
				for _, id := range tp.ofType(typ) {
					if got := tp.Resources[id].DeletionPolicy; got != wantPolicy {
						t.Errorf("%s %s: DeletionPolicy %q, want %s", typ, id, got, wantPolicy)
					}
				}
			}
			for _, id := range tp.ofType("AWS::Cognito::UserPool") {
				if got := tp.Resources[id].Properties["DeletionProtection"]; (got == "ACTIVE") == tt.destroy {
					t.Errorf("user pool %s: DeletionProtection %v in a stage with removal %s", id, got, tt.stage)
				}
			}
			buckets := tp.ofType("AWS::S3::Bucket")
			emptiers := tp.ofType("Custom::S3AutoDeleteObjects")
			if !tt.destroy {
				for id, r := range tp.Resources {
					if strings.HasPrefix(r.Type, "Custom::") || strings.Contains(id, "AutoDeleteObjects") {
						t.Errorf("%s (%s) in a retained stage", id, r.Type)
					}
				}
				return
			}
			if len(buckets) == 0 || len(emptiers) != len(buckets) {
				t.Fatalf("%d Custom::S3AutoDeleteObjects for %d buckets, want one each", len(emptiers), len(buckets))
			}
			for _, id := range emptiers {
				r := tp.Resources[id]
				ref, _ := r.Properties["BucketName"].(map[string]any)
				if !slices.Contains(buckets, fmt.Sprint(ref["Ref"])) {
					t.Errorf("%s empties %v, not one of the buckets %v", id, r.Properties["BucketName"], buckets)
				}
				token, _ := r.Properties["ServiceToken"].(map[string]any)["Fn::GetAtt"].([]any)
				if len(token) != 2 || tp.Resources[fmt.Sprint(token[0])].Type != "AWS::Lambda::Function" {
					t.Errorf("%s: ServiceToken %v is not a function of the stack", id, r.Properties["ServiceToken"])
				}
			}
			// The provider may list and delete every object version and delete marker (s3:List* covers
			// ListBucketVersions, s3:DeleteObject* DeleteObjectVersion): a versioned bucket is emptied too.
			for _, b := range buckets {
				found := false
				for _, pid := range tp.ofType("AWS::S3::BucketPolicy") {
					p := tp.Resources[pid].Properties
					if fmt.Sprint(p["Bucket"]) != fmt.Sprint(map[string]any{"Ref": b}) {
						continue
					}
					doc := string(mustJSON(t, p["PolicyDocument"]))
					found = strings.Contains(doc, `"s3:DeleteObject*"`) && strings.Contains(doc, `"s3:List*"`) &&
						strings.Contains(doc, "CustomS3AutoDeleteObjectsCustomResourceProviderRole")
				}
				if !found {
					t.Errorf("bucket %s: its policy does not let the auto-delete provider list and delete object versions", b)
				}
			}
		})
	}
}

func TestOutputsContract(t *testing.T) {
	want := map[string][]string{
		"photoshare":    {"ApiPhotosAuthorization", "ApiPhotosUrl", "BucketPhotoStoreName", "HostedUIDomain", "IdentityPoolId", "Region", "TableLikesName", "UserPoolClientId", "UserPoolId"},
		"userpool-only": {"ApiNotesAuthorization", "ApiNotesUrl", "ApiProfileAuthorization", "ApiProfileUrl", "HostedUIDomain", "Region", "TableNoteTableName", "UserPoolClientId", "UserPoolId"},
		"iam-guest":     {"ApiCatalogAuthorization", "ApiCatalogUrl", "BucketMediaName", "IdentityPoolId", "Region", "UserPoolClientId", "UserPoolId"},
		"passwordless":  {"ApiOrdersAuthorization", "ApiOrdersUrl", "HostedUIDomain", "Region", "UserPoolClientId", "UserPoolId"},
		"customdomain": {"ApiAdminAuthorization", "ApiAdminUrl", "ApiShopAuthorization", "ApiShopUrl", "DomainAdminAliasHostedZoneId", "DomainAdminAliasTarget",
			"DomainAdminUrl", "DomainShopAliasHostedZoneId", "DomainShopAliasTarget", "DomainShopUrl", "HostedUIAliasTarget", "HostedUIDomain", "Region",
			"UserPoolClientId", "UserPoolId"},
	}
	for name, tp := range exampleTemplates(t) {
		var got []string
		for k := range tp.Outputs {
			got = append(got, k)
		}
		slices.Sort(got)
		if !reflect.DeepEqual(got, want[name]) {
			t.Errorf("%s outputs %v, want %v", name, got, want[name])
		}
	}
	if got := exampleTemplates(t)["photoshare"].Outputs["ApiPhotosAuthorization"]["Value"]; got != "access-token,iam" {
		t.Errorf("photoshare API authorization output %v, want access-token,iam", got)
	}
}

package stacks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// existingSpec binds prod to resources made elsewhere (an Amplify Gen 1 env, say) and dev to none, so
// one spec shows both: prod references, dev creates.
const existingSpec = `
version: 1
app: adopt
stages:
  dev: { removal: destroy }
  prod:
    region: eu-west-1
    existing:
      userPool: { id: eu-west-1_AbC123xyz, clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u, domain: adopt-prod.auth.eu-west-1.amazoncognito.com }
      identityPool: { id: "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666" }
      storage: { files: adopt-files-prod, items: items-prod }
auth:
  userPool:
    signInWith: [email]
    groups: { admins: { precedence: 1 }, editors: { precedence: 2 } }
    triggers: { postConfirmation: welcome }
    hostedUI:
      domainPrefix: adopt-${stage}
      callbackUrls: [http://localhost:5173/]
      logoutUrls: [http://localhost:5173/]
  identityPool: { guestAccess: true, groupRoles: true }
functions:
  welcome: { runtime: nodejs, source: functions/welcome, access: { items: [read, write] } }
api:
  items:
    authorization: iam
    routes:
      GET /items: { function: welcome, guest: true }
      DELETE /items/{id}: { function: welcome, groups: [admins] }
storage:
  files:
    type: s3
    access:
      public: { guest: [read], authenticated: [read, write] }
      groups: { editors: [read, write, delete] }
  items: { type: dynamodb, partitionKey: id:string, indexes: { byOwner: { partitionKey: owner:string } } }
`

func TestExistingResourcesAreReferencedNotCreated(t *testing.T) {
	dir := "../examples/photoshare"
	prod, err := spec.Parse("app.yaml", dir, []byte(existingSpec), "prod")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := spec.Parse("app.yaml", dir, []byte(existingSpec), "dev")
	if err != nil {
		t.Fatal(err)
	}
	out := synthApps(t, []*spec.App{prod, dev})
	p, d := parseTemplate(t, out["adopt-prod"]), parseTemplate(t, out["adopt-dev"])

	stateful := []string{"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolDomain",
		"AWS::Cognito::UserPoolGroup", "AWS::Cognito::IdentityPool", "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::S3::BucketPolicy"}
	for _, typ := range stateful {
		if ids := p.ofType(typ); len(ids) != 0 {
			t.Errorf("prod references existing resources but creates %s: %v", typ, ids)
		}
		if typ != "AWS::S3::BucketPolicy" && len(d.ofType(typ)) == 0 {
			t.Errorf("dev has no existing resources and should create %s", typ)
		}
	}

	// The stack's own parts are attached to the existing ids.
	attach := p.Resources[only(t, p, "AWS::Cognito::IdentityPoolRoleAttachment")].Properties
	if attach["IdentityPoolId"] != "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666" {
		t.Errorf("role attachment IdentityPoolId = %v", attach["IdentityPoolId"])
	}
	mapping := mustJSON(t, attach["RoleMappings"])
	for _, want := range []string{`"Type":"Rules"`, `"Claim":"cognito:groups"`, `"MatchType":"Contains"`, `"Value":"admins"`, `"Value":"editors"`,
		`"cognito-idp.eu-west-1."`, `/eu-west-1_AbC123xyz:4g5h6j7k8l9m0n1p2q3r4s5t6u"`} {
		if !strings.Contains(string(mapping), want) {
			t.Errorf("role mapping lacks %s: %s", want, mapping)
		}
	}
	if strings.Index(string(mapping), `"Value":"admins"`) > strings.Index(string(mapping), `"Value":"editors"`) {
		t.Errorf("rules must follow group precedence (admins first): %s", mapping)
	}
	for _, id := range p.ofType("AWS::IAM::Role") {
		trust := string(mustJSON(t, p.Resources[id].Properties["AssumeRolePolicyDocument"]))
		if strings.Contains(trust, "cognito-identity") && !strings.Contains(trust, `"cognito-identity.amazonaws.com:aud":"eu-west-1:0f3e5a7c-1111-2222-3333-444455556666"`) {
			t.Errorf("role %s trusts another identity pool: %s", id, trust)
		}
	}

	_, guest, groups := roles(t, p)
	if g := policiesOf(t, p, guest); !strings.Contains(g, `"s3:GetObject"`) || !strings.Contains(g, `:s3:::adopt-files-prod/public/*"`) {
		t.Errorf("guest role cannot read public/ of the existing bucket: %s", g)
	}
	if e := policiesOf(t, p, groups["editors"]); !strings.Contains(e, `:s3:::adopt-files-prod/private/*"`) || !strings.Contains(e, `"s3:DeleteObject"`) {
		t.Errorf("editors role lacks the existing bucket: %s", e)
	}
	if a := policiesOf(t, p, groups["admins"]); !strings.Contains(a, `"execute-api:Invoke"`) || !strings.Contains(a, "/DELETE/items/*") {
		t.Errorf("admins role cannot call DELETE /items/{id}: %s", a)
	}
	fnPolicies := string(p.raw)
	for _, want := range []string{":table/items-prod", ":table/items-prod/index/*"} {
		if !strings.Contains(fnPolicies, want) {
			t.Errorf("function grant lacks %s", want)
		}
	}

	wantOutputs := map[string]string{
		spec.OutputUserPoolID: "eu-west-1_AbC123xyz", spec.OutputClientID: "4g5h6j7k8l9m0n1p2q3r4s5t6u",
		spec.OutputIdentityPoolID: "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666", spec.OutputHostedUIDomain: "adopt-prod.auth.eu-west-1.amazoncognito.com",
		spec.OutputBucketName("files"): "adopt-files-prod", spec.OutputTableName("items"): "items-prod",
	}
	for key, want := range wantOutputs {
		if got := p.Outputs[key]["Value"]; got != want {
			t.Errorf("output %s = %v, want %s", key, got, want)
		}
	}
	// Nothing of prod's may be retained or replaced by this stack: it owns none of them.
	if ids := p.ofType("AWS::Lambda::Permission"); slices.ContainsFunc(ids, func(id string) bool {
		return strings.Contains(string(mustJSON(t, p.Resources[id].Properties)), "cognito-idp")
	}) {
		t.Errorf("the trigger function got a Cognito permission although the existing pool's triggers are not attached")
	}
}

// TestExistingPoolNewClient: without clientId the stack creates only an app client on the pool.
func TestExistingPoolNewClient(t *testing.T) {
	data := strings.Replace(existingSpec, "clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u, ", "", 1)
	data = strings.Replace(data, `      identityPool: { id: "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666" }`+"\n", "", 1)
	app, err := spec.Parse("app.yaml", "../examples/photoshare", []byte(data), "prod")
	if err != nil {
		t.Fatal(err)
	}
	p := parseTemplate(t, synthApps(t, []*spec.App{app})["adopt-prod"])
	clientRes := p.Resources[only(t, p, "AWS::Cognito::UserPoolClient")]
	client := clientRes.Properties
	if client["UserPoolId"] != "eu-west-1_AbC123xyz" || client["GenerateSecret"] != false {
		t.Errorf("client = %v", client)
	}
	// Its id goes into every SPA build: a retain stage keeps it. The pool's providers map attributes this
	// stack cannot see, so the client keeps Cognito's default write attributes.
	if clientRes.DeletionPolicy != "Retain" || clientRes.UpdateReplacePolicy != "Retain" {
		t.Errorf("client on the existing pool: DeletionPolicy %q UpdateReplacePolicy %q, want Retain", clientRes.DeletionPolicy, clientRes.UpdateReplacePolicy)
	}
	if w, ok := client["WriteAttributes"]; ok {
		t.Errorf("client on the existing pool has WriteAttributes %v", w)
	}
	if !contains(client["AllowedOAuthFlows"], "code") || !contains(client["CallbackURLs"], "http://localhost:5173/") {
		t.Errorf("client OAuth settings missing: %v", client)
	}
	if len(p.ofType("AWS::Cognito::UserPool"))+len(p.ofType("AWS::Cognito::UserPoolDomain"))+len(p.ofType("AWS::Cognito::UserPoolGroup")) != 0 {
		t.Errorf("only the client may be created on an existing pool")
	}
	// A new identity pool trusts the new client of the existing pool.
	ip := string(mustJSON(t, p.Resources[only(t, p, "AWS::Cognito::IdentityPool")].Properties))
	if !strings.Contains(ip, "eu-west-1_AbC123xyz") {
		t.Errorf("identity pool does not trust the existing user pool: %s", ip)
	}
}

func only(t *testing.T, tp *template, typ string) string {
	t.Helper()
	ids := tp.ofType(typ)
	if len(ids) != 1 {
		t.Fatalf("want one %s, got %v", typ, ids)
	}
	return ids[0]
}

// policiesOf is every inline policy document of role (its own and the attached ones), as JSON.
func policiesOf(t *testing.T, tp *template, role string) string {
	t.Helper()
	if role == "" {
		t.Fatal("no such role")
	}
	var docs []any
	for _, p := range tp.roleDocs(role) {
		docs = append(docs, p.doc)
	}
	return string(mustJSON(t, docs))
}

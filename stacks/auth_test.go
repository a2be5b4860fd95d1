package stacks_test

import (
	"slices"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// cognitoSpec has every kind of Cognito state (groups without precedence, hosted UI with a provider,
// a resource server, an identity pool), username sign-in with a required email, and an immutable
// custom attribute.
const cognitoSpec = `version: 1
app: users
stages:
  dev: { removal: destroy }
  prod: { removal: retain }
auth:
  userPool:
    signInWith: [username]
    standardAttributes: { email: required, given_name: optional }
    customAttributes: { plan: string, tenant: { type: string, mutable: false }, bio: { type: string, userWritable: true } }
    groups:
      admins: { precedence: 1 }
      readers: {}
      staff: { description: Staff }
    hostedUI:
      domainPrefix: users-${stage}
      callbackUrls: [http://localhost:5173/]
      providers:
        google: { clientId: id.apps.googleusercontent.com, clientSecret: { secretsManager: users/google } }
    resourceServers:
      api: { scopes: { read: Read } }
  identityPool: { guestAccess: false }
`

func TestCognitoState(t *testing.T) {
	var apps []*spec.App
	for _, stage := range []string{"prod", "dev"} {
		app, err := spec.Parse("app.yaml", t.TempDir(), []byte(cognitoSpec), stage)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, app)
	}
	raw := synthApps(t, apps)
	prod, dev := parseTemplate(t, raw["users-prod"]), parseTemplate(t, raw["users-dev"])

	t.Run("prod retains every Cognito resource, dev none", func(t *testing.T) {
		for _, typ := range cognitoState {
			if len(prod.ofType(typ)) == 0 {
				t.Errorf("the spec makes no %s: the test does not cover it", typ)
			}
			for _, id := range prod.ofType(typ) {
				if r := prod.Resources[id]; r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
					t.Errorf("prod: %s %s has DeletionPolicy %q UpdateReplacePolicy %q, want Retain", typ, id, r.DeletionPolicy, r.UpdateReplacePolicy)
				}
			}
			for _, id := range dev.ofType(typ) {
				if r := dev.Resources[id]; r.DeletionPolicy == "Retain" || r.UpdateReplacePolicy == "Retain" {
					t.Errorf("dev: %s %s is retained", typ, id)
				}
			}
		}
		// The role attachment is derived configuration: recreated from the spec, never retained.
		for _, id := range prod.ofType("AWS::Cognito::IdentityPoolRoleAttachment") {
			if r := prod.Resources[id]; r.DeletionPolicy == "Retain" {
				t.Errorf("role attachment %s is retained", id)
			}
		}
	})

	t.Run("groups without precedence have none", func(t *testing.T) {
		got := map[string]any{}
		for _, id := range prod.ofType("AWS::Cognito::UserPoolGroup") {
			p := prod.Resources[id].Properties
			prec, ok := p["Precedence"]
			if !ok {
				prec = "absent"
			}
			got[p["GroupName"].(string)] = prec
		}
		want := map[string]any{"admins": float64(1), "readers": "absent", "staff": "absent"}
		for g, w := range want {
			if got[g] != w {
				t.Errorf("group %s: Precedence %v, want %v", g, got[g], w)
			}
		}
	})

	t.Run("required email stays verified with username sign-in", func(t *testing.T) {
		pool := prod.Resources[only(t, prod, "AWS::Cognito::UserPool")].Properties
		if got := stringList(pool["AutoVerifiedAttributes"]); !slices.Equal(got, []string{"email"}) {
			t.Errorf("AutoVerifiedAttributes %v, want [email]", got)
		}
		settings, _ := pool["UserAttributeUpdateSettings"].(map[string]any)
		if got := stringList(settings["AttributesRequireVerificationBeforeUpdate"]); !slices.Equal(got, []string{"email"}) {
			t.Errorf("UserAttributeUpdateSettings %v, want email to require verification", pool["UserAttributeUpdateSettings"])
		}
		if got := stringList(pool["UsernameAttributes"]); len(got) != 0 {
			t.Errorf("UsernameAttributes %v: sign-in is by username", got)
		}
	})

	t.Run("the client writes only what users may change", func(t *testing.T) {
		client := prod.Resources[only(t, prod, "AWS::Cognito::UserPoolClient")].Properties
		// email: required and mapped from Google; given_name: declared; custom:bio: userWritable
		// (custom:plan is mutable but only administrators and functions write it).
		// custom:tenant is immutable: only an administrator creating the user sets it.
		if got := stringList(client["WriteAttributes"]); !slices.Equal(got, []string{"custom:bio", "email", "given_name"}) {
			t.Errorf("WriteAttributes %v", got)
		}
	})
}

func stringList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

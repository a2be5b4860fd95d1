package spec_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// parseAuth parses a spec made of the given auth block (and extra top-level YAML).
func parseAuth(t *testing.T, auth, extra string) (*spec.App, error) {
	t.Helper()
	return spec.Parse("app.yaml", "testdata/invalid", []byte("version: 1\napp: t\nauth:\n"+auth+"\n"+extra), "dev")
}

// TestGroupPrecedence: an omitted precedence stays unset (not 0, Cognito's highest) without group roles;
// with group roles every group needs its own.
func TestGroupPrecedence(t *testing.T) {
	tests := []struct {
		name    string
		auth    string
		want    map[string]string // group -> precedence ("" for unset)
		wantErr string
	}{
		{"no group roles: omitted stays unset", `  userPool: { groups: { admins: { precedence: 0 }, staff: {}, readers: } }`,
			map[string]string{"admins": "0", "staff": "", "readers": ""}, ""},
		{"identity pool without group roles: ties allowed", `  userPool: { groups: { a: { precedence: 1 }, b: { precedence: 1 } } }
  identityPool: {}`, map[string]string{"a": "1", "b": "1"}, ""},
		{"group roles with distinct precedences", `  userPool: { groups: { a: { precedence: 0 }, b: { precedence: 1 } } }
  identityPool: { groupRoles: true }`, map[string]string{"a": "0", "b": "1"}, ""},
		{"group roles: one group without precedence", `  userPool: { groups: { a: {} } }
  identityPool: { groupRoles: true }`, nil, "auth.userPool.groups.a: missing precedence"},
		{"group roles: tie", `  userPool: { groups: { a: { precedence: 3 }, b: { precedence: 3 } } }
  identityPool: { groupRoles: true }`, nil, `auth.userPool.groups.b.precedence: group "a" has precedence 3 too`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, err := parseAuth(t, tt.auth, "")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, g := range app.Auth.UserPool.Groups {
				got[g.Name] = ""
				if g.Precedence != nil {
					got[g.Name] = fmt.Sprint(*g.Precedence)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("precedences %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifiedAttributes(t *testing.T) {
	tests := []struct {
		userPool string
		want     []string
	}{
		{`{}`, []string{"email"}}, // default sign-in: email
		{`{ signInWith: [username] }`, nil},
		{`{ signInWith: [username], standardAttributes: { email: required } }`, []string{"email"}},
		{`{ signInWith: [username], standardAttributes: { email: optional } }`, nil},
		{`{ signInWith: [username], standardAttributes: { email: required, phone_number: required } }`, []string{"email", "phone_number"}},
		{`{ signInWith: [phone], standardAttributes: { email: optional } }`, []string{"phone_number"}},
		{`{ signInWith: [email, phone] }`, []string{"email", "phone_number"}},
	}
	for _, tt := range tests {
		app, err := parseAuth(t, "  userPool: "+tt.userPool, "")
		if err != nil {
			t.Fatalf("%s: %v", tt.userPool, err)
		}
		if got := app.Auth.UserPool.VerifiedAttributes(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: verified %v, want %v", tt.userPool, got, tt.want)
		}
	}
}

func TestCustomAttributeMutability(t *testing.T) {
	app, err := parseAuth(t, `  userPool:
    customAttributes: { plan: string, tenant: { type: string, mutable: false }, score: { type: number, mutable: true } }`, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range app.Auth.UserPool.CustomAttributes {
		got[a.Name] = fmt.Sprintf("%s/%v", a.Type, a.Mutable)
	}
	want := map[string]string{"plan": "string/true", "tenant": "string/false", "score": "number/true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("custom attributes %v, want %v", got, want)
	}
}

// TestScopeSources: which sign-in puts a scope in an access token. Amplify's signIn (SRP) gives only
// aws.cognito.signin.user.admin; the hosted UI gives what it requests.
func TestScopeSources(t *testing.T) {
	withHosted := &spec.UserPool{HostedUI: &spec.HostedUI{Scopes: []string{"aws.cognito.signin.user.admin", "notes/read", "openid"}}}
	noHosted := &spec.UserPool{}
	tests := []struct {
		up             *spec.UserPool
		scope          string
		signIn, hosted bool
	}{
		{withHosted, "aws.cognito.signin.user.admin", true, true},
		{withHosted, "notes/read", false, true},
		{withHosted, "notes/write", false, false},
		{withHosted, "email", false, false},
		{noHosted, "aws.cognito.signin.user.admin", true, false},
		{noHosted, "notes/read", false, false},
		{nil, "aws.cognito.signin.user.admin", false, false},
	}
	for _, tt := range tests {
		s, h := tt.up.ScopeSources(tt.scope)
		if s != tt.signIn || h != tt.hosted {
			t.Errorf("%+v %s: signIn %v hosted %v, want %v %v", tt.up, tt.scope, s, h, tt.signIn, tt.hosted)
		}
	}
}

// TestObtainableScopesAccepted: scopes a sign-in can yield pass, on the API default and on routes.
func TestObtainableScopesAccepted(t *testing.T) {
	_, err := parseAuth(t, `  userPool:
    hostedUI: { domainPrefix: n-dev, callbackUrls: [http://localhost:3000/], scopes: [openid, email, notes/write] }
    resourceServers: { notes: { scopes: { write: Write } } }`, `functions: { hello: { runtime: nodejs, source: functions/hello } }
api:
  notes:
    authorization: access-token
    routes:
      GET /notes: hello
      POST /notes: { function: hello, scopes: [notes/write] }
      GET /me: { function: hello, scopes: [email, aws.cognito.signin.user.admin] }
      GET /health: { function: hello, authorization: none }
`)
	if err != nil {
		t.Fatal(err)
	}
}

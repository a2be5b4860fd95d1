package emit_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/spec"
)

// The custom domains' outputs are part of the contract only where the spec declares the domain: the
// API URL on a domain must be the spec's, and a domain output of an undeclared domain is a difference.
func TestCustomDomainContract(t *testing.T) {
	for _, tc := range []struct {
		name, ex string
		edits    map[string]string
		want     []string // substrings of the error; none: no error
	}{
		{name: "the sample agrees", ex: "customdomain"},
		{name: "API URL on another domain", ex: "customdomain", edits: map[string]string{"DomainShopUrl": "https://api.example.org/v1/"},
			want: []string{"DomainShopUrl: the deployed stack has https://api.example.org/v1/, the spec serves API shop at https://api.dev.example.com/v1/"}},
		{name: "API URL under another base path", ex: "customdomain", edits: map[string]string{"DomainAdminUrl": "https://api.dev.example.com/v2/"},
			want: []string{"DomainAdminUrl: the deployed stack has https://api.dev.example.com/v2/"}},
		{name: "hosted UI still on the prefix domain", ex: "customdomain", edits: map[string]string{"HostedUIDomain": "shop-dev-auth.auth.eu-west-1.amazoncognito.com"},
			want: []string{"HostedUIDomain: the deployed stack has shop-dev-auth.auth.eu-west-1.amazoncognito.com, the spec gives the hosted UI domain auth.dev.example.com"}},
		{name: "domain outputs the spec does not declare", ex: "userpool-only", edits: map[string]string{
			"DomainNotesUrl": "https://api.example.com/", "DomainNotesAliasTarget": "d-x.execute-api.eu-west-1.amazonaws.com", "HostedUIAliasTarget": "d1.cloudfront.net"},
			want: []string{"DomainNotesAliasTarget: in the deployed stack, but the spec declares no such resource",
				"DomainNotesUrl: in the deployed stack, but the spec declares no such resource",
				"HostedUIAliasTarget: in the deployed stack, but the spec declares no such resource"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, err := spec.Load(filepath.Join("..", "examples", tc.ex, "app.yaml"), "dev")
			if err != nil {
				t.Fatal(err)
			}
			err = emit.CheckOutputs(app, sampleOutputs(t, tc.ex, app.StackName(), tc.edits))
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// The SPA's endpoints and hosted UI domain are the custom ones, read from the outputs; without the
// custom URL output, config refuses to write (a stack deployed before the domain existed).
func TestCustomDomainEndpoints(t *testing.T) {
	c := load(t, "customdomain")
	if got := c.Auth.HostedUIDomain; got != "auth.dev.example.com" {
		t.Errorf("hosted UI domain %q", got)
	}
	want := map[string]string{"admin": "https://api.dev.example.com/admin", "shop": "https://api.dev.example.com/v1"}
	for _, api := range c.APIs {
		if api.Endpoint != want[api.Name] {
			t.Errorf("API %s endpoint %q, want %q", api.Name, api.Endpoint, want[api.Name])
		}
	}
	app, err := spec.Load(filepath.Join("..", "examples", "customdomain", "app.yaml"), "dev")
	if err != nil {
		t.Fatal(err)
	}
	_, err = emit.New(app, sampleOutputs(t, "customdomain", app.StackName(), map[string]string{"DomainShopUrl": ""}), "app.yaml")
	if err == nil || !strings.Contains(err.Error(), "DomainShopUrl") {
		t.Errorf("want an error naming the missing DomainShopUrl, got %v", err)
	}
}

package explain

import (
	"strings"
	"testing"
)

// The explanation names each custom domain with the DNS record the team creates, and the hosted UI
// sign-in diagram redirects to the custom domain; an app without custom domains mentions none of it.
func TestCustomDomainFacts(t *testing.T) {
	for _, tc := range []struct {
		example   string
		want, not []string
	}{
		{example: "customdomain", want: []string{
			"Hosted UI at `auth.dev.example.com`",
			"Custom domain `auth.dev.example.com` (`hostedUI.customDomain`)",
			"alias record (Route 53 hosted zone `Z2FDTNDATAQYW2`) or a CNAME record of `auth.dev.example.com` pointing at the stack output `HostedUIAliasTarget`",
			"the parent domain `dev.example.com` resolves with an A record",
			"- Custom domain: `https://api.dev.example.com/v1/`",
			"shared with API `admin` under `/admin`",
			"alias record of `api.dev.example.com` pointing at the stack output `DomainShopAliasTarget`",
			"SPA->>UP: redirect to the hosted UI auth.dev.example.com/oauth2/authorize",
		}, not: []string{"redirect to the hosted UI /oauth2/authorize"}},
		{example: "userpool-only", want: []string{"redirect to the hosted UI /oauth2/authorize"},
			not: []string{"Custom domain", "AliasTarget", "DNS"}},
	} {
		t.Run(tc.example, func(t *testing.T) {
			app, path := load(t, tc.example)
			got := string(Markdown(app, path))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("must not say %q", n)
				}
			}
		})
	}
}

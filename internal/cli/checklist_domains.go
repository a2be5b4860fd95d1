package cli

import (
	"fmt"

	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/spec"
)

// customDomainChecklist lists what the custom domains need that no stack creates: each certificate
// issued (validated) in the region its service takes it from, the hosted UI's parent domain resolving
// (Cognito checks it when it creates the domain), and, once deployed, the DNS record of each name.
func customDomainChecklist(app *spec.App) []string {
	var out []string
	if app.Auth != nil && app.Auth.UserPool != nil && app.Auth.UserPool.HostedUI != nil {
		if d := app.Auth.UserPool.HostedUI.CustomDomain; d != nil {
			out = append(out, fmt.Sprintf("hosted UI custom domain %s: ACM certificate %s issued in %s (Cognito serves the domain through "+
				"CloudFront); the parent domain of %s resolving with a DNS A record, which Cognito checks when it creates the domain "+
				"(else the deploy fails: \"Custom domain is not a valid subdomain\"); after the deploy, a DNS alias or CNAME record of %s "+
				"pointing at the stack output %s", d.Name, d.Certificate, awsrules.HostedUICertificateRegion, d.Name, d.Name, spec.OutputHostedUIAliasTarget))
		}
	}
	seen := map[string]bool{}
	for _, api := range app.APIs {
		d := api.CustomDomain
		if d == nil || seen[d.Name] {
			continue
		}
		seen[d.Name] = true
		out = append(out, fmt.Sprintf("API custom domain %s: ACM certificate %s issued in %s (the stack's region); after the deploy, a DNS "+
			"alias record of %s pointing at the stack output %s in hosted zone %s (or a CNAME record)",
			d.Name, d.Certificate, awsrules.CertificateRegion(d.Certificate), d.Name, spec.OutputAPIAliasTarget(api.Name), spec.OutputAPIAliasHostedZoneID(api.Name)))
	}
	return out
}

package explain

import (
	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/spec"
)

// hostedUICustomDomain says where the hosted UI's custom domain comes from and which DNS record the
// team creates for it; nothing without one.
func (e *explainer) hostedUICustomDomain(w *writer) {
	h := e.up.HostedUI
	if h == nil || h.CustomDomain == nil {
		return
	}
	d := h.CustomDomain
	w.line("- Custom domain `%s` (`hostedUI.customDomain`): Cognito serves the hosted UI there through a CloudFront "+
		"distribution, with the ACM certificate `%s` (in %s, as CloudFront requires; referenced, never created). The "+
		"prefix domain `%s.auth.%s.amazoncognito.com` stays, and the SPA's configuration uses the custom domain. "+
		"**DNS:** after the deploy, create an alias record (Route 53 hosted zone `%s`) or a CNAME record of `%s` "+
		"pointing at the stack output `%s`. Cognito creates the domain only when the parent domain `%s` resolves "+
		"with an A record.", d.Name, d.Certificate, awsrules.HostedUICertificateRegion, h.DomainPrefix, e.region(),
		awsrules.CloudFrontHostedZoneID, d.Name, spec.OutputHostedUIAliasTarget, parentOf(d.Name))
}

// apiCustomDomain says where an API is served on its custom domain and which DNS record the team
// creates; nothing without one.
func (e *explainer) apiCustomDomain(w *writer, api *spec.API) {
	d := api.CustomDomain
	if d == nil {
		return
	}
	shared := ""
	for i := range e.app.APIs {
		if o := &e.app.APIs[i]; o.Name != api.Name && o.CustomDomain != nil && o.CustomDomain.Name == d.Name {
			shared += ", shared with API `" + o.Name + "` under `/" + o.CustomDomain.BasePath + "`"
		}
	}
	w.line("- Custom domain: `%s` (a regional API Gateway domain name, TLS 1.2 at least, ACM certificate `%s` of the "+
		"stack's region, referenced, never created)%s; the SPA's configuration calls it instead of the execute-api URL, "+
		"and API Gateway strips the base path before matching the routes. **DNS:** after the deploy, create an alias "+
		"record of `%s` pointing at the stack output `%s`, in the hosted zone the output `%s` gives (or a CNAME record).",
		d.URL(), d.Certificate, shared, d.Name, spec.OutputAPIAliasTarget(api.Name), spec.OutputAPIAliasHostedZoneID(api.Name))
}

// hostedUIAuthorize names the hosted UI's authorize endpoint in the sign-in diagram: on its custom
// domain when there is one.
func (e *explainer) hostedUIAuthorize() string {
	if e.up != nil && e.up.HostedUI != nil && e.up.HostedUI.CustomDomain != nil {
		return "the hosted UI " + e.up.HostedUI.CustomDomain.Name + "/oauth2/authorize"
	}
	return "the hosted UI /oauth2/authorize"
}

func parentOf(host string) string {
	for i := 0; i < len(host); i++ {
		if host[i] == '.' {
			return host[i+1:]
		}
	}
	return host
}

package spec

import (
	"cmp"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// Custom domains: the hosted UI on the team's own host (a Cognito custom domain, beside the prefix
// domain) and a REST API on the team's own host (an API Gateway regional domain name with a base path
// mapping). Certificates are ACM certificates the team already has, referenced by ARN, never created.

type rawCustomDomain struct {
	Name        string `yaml:"name" doc:"The host name the hosted UI is served at, e.g. auth.example.com: a subdomain whose parent domain has a DNS A record (Cognito checks it at deploy). ${stage} is substituted."`
	Certificate string `yaml:"certificate" doc:"ARN of an issued ACM certificate for the name, in us-east-1 whatever the stage's region (Cognito serves custom domains through CloudFront). Referenced, never created."`
}

type rawAPICustomDomain struct {
	Name        string `yaml:"name" doc:"The host name the API is served at, e.g. api.example.com (an API Gateway regional custom domain). Several APIs may share one name, each with its own basePath. ${stage} is substituted."`
	Certificate string `yaml:"certificate" doc:"ARN of an issued ACM certificate for the name, in the stage's region (a regional endpoint takes a certificate of its own region). Referenced, never created."`
	BasePath    string `yaml:"basePath" doc:"The path segment the API is served under, e.g. v1 for https://api.example.com/v1/; default: none, the API takes the whole domain (then no other API may share it)."`
}

// CustomDomain is the hosted UI's own host name, served by Cognito beside the prefix domain.
type CustomDomain struct {
	Name        string // e.g. auth.example.com
	Certificate string // ACM certificate ARN in us-east-1
}

// APIDomain is a REST API's own host name: a regional API Gateway domain name mapping BasePath (or the
// whole domain) to the API's stage.
type APIDomain struct {
	Name        string // e.g. api.example.com
	Certificate string // ACM certificate ARN in the stage's region
	BasePath    string // "" maps the whole domain
}

// URL is what the SPA calls: https://<name>/<basePath>/, ending in / as the invoke URL does.
func (d *APIDomain) URL() string {
	if d.BasePath == "" {
		return "https://" + d.Name + "/"
	}
	return "https://" + d.Name + "/" + d.BasePath + "/"
}

// Output keys of the custom domains (README, Stack outputs). API keys start with Domain, not Api, so
// they never read as another API's Api<Name>Url, and their suffixes end differently from each other,
// so no two APIs' keys collide.
const (
	// OutputHostedUIAliasTarget is the CloudFront distribution the hosted UI's custom domain must be a
	// DNS alias (or CNAME) of.
	OutputHostedUIAliasTarget = "HostedUIAliasTarget"
)

// OutputAPICustomURL is the key of an API's URL on its custom domain (https://<name>/<basePath>/).
func OutputAPICustomURL(api string) string { return "Domain" + upperFirst(api) + "Url" }

// OutputAPIAliasTarget is the key of the regional domain name an API's custom domain must be a DNS
// alias (or CNAME) of.
func OutputAPIAliasTarget(api string) string { return "Domain" + upperFirst(api) + "AliasTarget" }

// OutputAPIAliasHostedZoneID is the key of the hosted zone id of that regional domain name (for a
// Route 53 alias record).
func OutputAPIAliasHostedZoneID(api string) string {
	return "Domain" + upperFirst(api) + "AliasHostedZoneId"
}

// customDomains validates the custom domains of the hosted UI and of the APIs, and sets them on the
// resolved model: each needs a host name and an ACM certificate ARN in the region its service takes
// certificates from; APIs sharing a host name need distinct base paths and one certificate.
func (v *validator) customDomains(app *App) {
	if a := v.raw.Auth; a != nil && a.UserPool != nil && a.UserPool.HostedUI != nil && a.UserPool.HostedUI.CustomDomain != nil {
		v.hostedUICustomDomain(app, a.UserPool.HostedUI.CustomDomain)
	}
	type user struct {
		api    string
		domain *APIDomain
	}
	byName := map[string][]user{}
	for i := range app.APIs {
		api := &app.APIs[i]
		raw := v.raw.API[api.Name]
		if raw == nil || raw.CustomDomain == nil {
			continue
		}
		p := child(child("api", api.Name), "customDomain")
		rd := raw.CustomDomain
		ok := v.domainFields(p, rd.Name, rd.Certificate, "api.example.com", cmp.Or(app.Region, "<region>"), app)
		if region := awsrules.CertificateRegion(rd.Certificate); region != "" && app.Region != "" && region != app.Region {
			v.errorf(child(p, "certificate"), "the certificate is in %s, stage %s deploys to %s: an API's regional custom domain takes a certificate of its own region; request or import one for %s in %s", region, app.Stage, app.Region, rd.Name, app.Region)
			ok = false
		}
		if rd.BasePath != "" && !awsrules.BasePathPattern.MatchString(rd.BasePath) {
			v.errorf(child(p, "basePath"), "%q is not a base path: one segment of letters, digits and $-_.+!*'() (no /), e.g. v1", rd.BasePath)
			ok = false
		}
		if app.Auth != nil && app.Auth.UserPool != nil && app.Auth.UserPool.HostedUI != nil {
			if cd := app.Auth.UserPool.HostedUI.CustomDomain; cd != nil && cd.Name == rd.Name {
				v.errorf(child(p, "name"), "%s is the hosted UI's custom domain too; a host name is either Cognito's (CloudFront) or API Gateway's: give the API another one, e.g. api.%s", rd.Name, parentDomain(rd.Name))
				ok = false
			}
		}
		if !ok {
			continue
		}
		d := &APIDomain{Name: rd.Name, Certificate: rd.Certificate, BasePath: rd.BasePath}
		for _, u := range byName[d.Name] {
			switch {
			case d.BasePath == "" || u.domain.BasePath == "":
				v.errorf(child(p, "basePath"), "api.%s also uses %s: APIs sharing a domain each need their own basePath (a mapping without one takes the whole domain)", u.api, d.Name)
				ok = false
			case d.BasePath == u.domain.BasePath:
				v.errorf(child(p, "basePath"), "api.%s already maps base path %q on %s; give each API sharing a domain its own basePath", u.api, d.BasePath, d.Name)
				ok = false
			}
			if d.Certificate != u.domain.Certificate {
				v.errorf(child(p, "certificate"), "api.%s gives %s the certificate %s: a domain name has one certificate; give both APIs the same", u.api, d.Name, u.domain.Certificate)
				ok = false
			}
		}
		if ok {
			api.CustomDomain = d
			byName[d.Name] = append(byName[d.Name], user{api.Name, d})
		}
	}
}

func (v *validator) hostedUICustomDomain(app *App, rd *rawCustomDomain) {
	const p = "auth.userPool.hostedUI.customDomain"
	if app.Auth == nil || app.Auth.UserPool == nil {
		return
	}
	up := app.Auth.UserPool
	if up.Existing != nil {
		v.errorf(p, "stage %s references an existing user pool, whose domains this stack cannot add to; remove customDomain, and give the pool's own custom domain as existing.userPool.domain", app.Stage)
		return
	}
	ok := v.domainFields(p, rd.Name, rd.Certificate, "auth.example.com", awsrules.HostedUICertificateRegion, app)
	if ok && strings.Count(rd.Name, ".") < 2 {
		v.errorf(child(p, "name"), "%s is not a subdomain: Cognito serves a custom domain only below a parent domain that has a DNS A record, e.g. auth.%s", rd.Name, rd.Name)
		ok = false
	}
	if region := awsrules.CertificateRegion(rd.Certificate); region != "" && region != awsrules.HostedUICertificateRegion {
		v.errorf(child(p, "certificate"), "the certificate is in %s; a hosted UI custom domain needs one in %s whatever the pool's region (Cognito serves it through CloudFront): request or import the certificate for %s there", region, awsrules.HostedUICertificateRegion, rd.Name)
		ok = false
	}
	if ok && up.HostedUI != nil {
		up.HostedUI.CustomDomain = &CustomDomain{Name: rd.Name, Certificate: rd.Certificate}
	}
}

// domainFields checks a custom domain's name and certificate, reporting what is wrong; it returns
// whether both are usable.
// certRegion is the region the certificate must be in, for the example ARN.
func (v *validator) domainFields(p, name, cert, example, certRegion string, app *App) bool {
	ok := true
	switch {
	case name == "":
		v.missing(p, "name", "missing name: the host name it is served at, e.g. name: %s", example)
		ok = false
	case len(name) > awsrules.HostNameMaxLength || !awsrules.HostNamePattern.MatchString(name):
		v.errorf(child(p, "name"), "%q is not a host name: lowercase letters, digits and hyphens in dot-separated labels, without scheme, path, port or trailing dot, e.g. %s", name, example)
		ok = false
	}
	m := awsrules.CertificateARNPattern.FindStringSubmatch(cert)
	switch {
	case cert == "":
		v.missing(p, "certificate", "missing certificate: the ARN of an issued ACM certificate for the name (underhood references it and never creates one), e.g. certificate: arn:aws:acm:%s:<account>:certificate/<id>", certRegion)
		ok = false
	case m == nil:
		v.errorf(child(p, "certificate"), "%q is not an ACM certificate ARN: give arn:aws:acm:<region>:<account>:certificate/<id> (aws acm list-certificates --region <region> lists them)", cert)
		ok = false
	case app.Account != "" && m[3] != app.Account:
		v.errorf(child(p, "certificate"), "the certificate belongs to account %s, stage %s deploys to account %s: a custom domain takes a certificate of its own account", m[3], app.Stage, app.Account)
		ok = false
	}
	return ok
}

// parentDomain drops the first label of a host name.
func parentDomain(host string) string {
	if i := strings.IndexByte(host, '.'); i >= 0 {
		return host[i+1:]
	}
	return host
}

// customDomains counts what the custom domains add to the app stack: the hosted UI's second
// UserPoolDomain and its output; per API host name one regional DomainName, per API one BasePathMapping
// and three outputs. Called after outputs.
func (e *estimator) customDomains() {
	if a := e.app.Auth; a != nil && a.UserPool != nil && a.UserPool.Existing == nil && a.UserPool.HostedUI != nil && a.UserPool.HostedUI.CustomDomain != nil {
		e.main.add("auth", "AWS::Cognito::UserPoolDomain", 1)
		e.main.Outputs++
	}
	hosts := map[string]bool{}
	for _, api := range e.app.APIs {
		if d := api.CustomDomain; d != nil {
			if !hosts[d.Name] {
				hosts[d.Name] = true
				e.main.add("api."+api.Name, "AWS::ApiGateway::DomainName", 1)
			}
			e.main.add("api."+api.Name, "AWS::ApiGateway::BasePathMapping", 1)
			e.main.Outputs += 3
		}
	}
}

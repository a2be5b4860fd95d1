package stacks

import (
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/auth"
	"github.com/underhood-dev/underhood/constructs/restapi"
	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/spec"
)

// hostedUICustomDomain translates the hosted UI's custom domain; nil without one.
func hostedUICustomDomain(d *spec.CustomDomain) *auth.CustomDomain {
	if d == nil {
		return nil
	}
	return &auth.CustomDomain{Name: d.Name, CertificateARN: d.Certificate}
}

// apiDomains makes one regional domain name per host name the APIs use, under ApiDomains/<host name>
// (its logical IDs follow the host name, not which APIs share it), with a base path mapping per API
// named after the API.
func (b *builder) apiDomains() {
	var hosts []string
	byHost := map[string][]spec.API{}
	for _, api := range b.app.APIs {
		if d := api.CustomDomain; d != nil {
			if _, ok := byHost[d.Name]; !ok {
				hosts = append(hosts, d.Name)
			}
			byHost[d.Name] = append(byHost[d.Name], api)
		}
	}
	if len(hosts) == 0 {
		return
	}
	scope := constructs.NewConstruct(b.s.Stack, jsii.String("ApiDomains"))
	for _, host := range slices.Compact(slices.Sorted(slices.Values(hosts))) {
		apis := byHost[host]
		props := &restapi.DomainProps{Name: host, CertificateARN: apis[0].CustomDomain.Certificate}
		for _, api := range apis {
			built := b.s.APIs[api.Name].Api
			props.Mappings = append(props.Mappings, restapi.Mapping{
				ID: upperFirst(api.Name), API: built, Stage: built.DeploymentStage(), BasePath: api.CustomDomain.BasePath,
			})
		}
		b.at("api."+apis[0].Name+".customDomain", scope, host)
		b.s.Domains[host] = restapi.NewDomain(scope, host, props)
	}
}

// domainOutputs are the custom domains' outputs (README, Stack outputs): where each DNS record must
// point, and each API's URL on its domain.
func (b *builder) domainOutputs(out func(key string, value *string, desc string)) {
	if u := b.s.UserPool; u != nil {
		if t := u.CustomDomainAliasTarget(); t != nil {
			out(spec.OutputHostedUIAliasTarget, t, "CloudFront distribution of the hosted UI's custom domain "+*u.HostedUIDomain()+
				": create a DNS alias (Route 53 hosted zone "+awsrules.CloudFrontHostedZoneID+") or CNAME record of "+*u.HostedUIDomain()+" pointing at it")
		}
	}
	for _, api := range b.app.APIs {
		d := api.CustomDomain
		if d == nil || b.s.Domains[d.Name] == nil || b.s.Domains[d.Name].DomainName == nil {
			continue
		}
		dom := b.s.Domains[d.Name]
		out(spec.OutputAPICustomURL(api.Name), jsii.String(d.URL()), "URL of API "+api.Name+" on its custom domain")
		out(spec.OutputAPIAliasTarget(api.Name), dom.AliasTarget(), "Regional domain name of "+d.Name+": create a DNS alias or CNAME record of "+d.Name+" pointing at it")
		out(spec.OutputAPIAliasHostedZoneID(api.Name), dom.AliasHostedZoneID(), "Route 53 hosted zone of the regional domain name of "+d.Name+" (for an alias record)")
	}
}

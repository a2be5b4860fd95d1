package restapi

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// DomainProps configures a Domain: one host name serving the stages of one or more REST APIs, each
// under its own base path.
type DomainProps struct {
	// Name is the host name, e.g. api.example.com.
	Name string
	// CertificateARN is an issued ACM certificate for Name in the stack's region (a regional endpoint
	// takes a certificate of its own region); it is referenced, never created.
	CertificateARN string
	Mappings       []Mapping
}

// Mapping serves one API's deployment stage under BasePath ("" maps the whole domain, and must then
// be the domain's only mapping).
type Mapping struct {
	// ID names the mapping's construct (the API's name, say); the mapping's logical ID follows it.
	ID       string
	API      awsapigateway.IRestApi
	Stage    awsapigateway.Stage
	BasePath string
}

// Domain is an API Gateway regional custom domain name (TLS 1.2) with its base path mappings.
type Domain struct {
	constructs.Construct
	DomainName awsapigateway.DomainName
}

// NewDomain creates the domain name and one base path mapping per Mapping. Problems in props are error
// annotations (synth fails), never panics.
func NewDomain(scope constructs.Construct, id string, props *DomainProps) *Domain {
	var p DomainProps
	if props != nil {
		p = *props
	}
	d := &Domain{Construct: constructs.NewConstruct(scope, jsii.String(id))}
	errf := func(format string, a ...any) {
		awscdk.Annotations_Of(d.Construct).AddError(jsii.String(fmt.Sprintf(format, a...)))
	}
	ok := true
	if len(p.Name) > awsrules.HostNameMaxLength || !awsrules.HostNamePattern.MatchString(p.Name) {
		errf("restapi: Domain.Name %q must be a lowercase host name such as api.example.com", p.Name)
		ok = false
	}
	if awsrules.CertificateRegion(p.CertificateARN) == "" {
		errf("restapi: Domain.CertificateARN %q must be an ACM certificate ARN", p.CertificateARN)
		ok = false
	}
	seen := map[string]bool{}
	for _, m := range p.Mappings {
		switch {
		case m.BasePath != "" && !awsrules.BasePathPattern.MatchString(m.BasePath):
			errf("restapi: Domain %s: base path %q must be one segment of letters, digits and $-_.+!*'()", p.Name, m.BasePath)
			ok = false
		case seen[m.BasePath], m.BasePath == "" && len(p.Mappings) > 1:
			errf("restapi: Domain %s: APIs sharing a domain need distinct, non-empty base paths", p.Name)
			ok = false
		}
		seen[m.BasePath] = true
	}
	if !ok {
		return d
	}
	cert := awscertificatemanager.Certificate_FromCertificateArn(d.Construct, jsii.String("Certificate"), jsii.String(p.CertificateARN))
	d.DomainName = awsapigateway.NewDomainName(d.Construct, jsii.String("Domain"), &awsapigateway.DomainNameProps{
		DomainName:     jsii.String(p.Name),
		Certificate:    cert,
		EndpointType:   awsapigateway.EndpointType_REGIONAL,
		SecurityPolicy: awsapigateway.SecurityPolicy(awsrules.APIDomainSecurityPolicy),
	})
	for _, m := range p.Mappings {
		props := &awsapigateway.BasePathMappingProps{DomainName: d.DomainName, RestApi: m.API, Stage: m.Stage}
		if m.BasePath != "" {
			props.BasePath = jsii.String(m.BasePath)
		}
		awsapigateway.NewBasePathMapping(d.Construct, jsii.String("Map"+m.ID), props)
	}
	return d
}

// AliasTarget is the regional host name the domain's DNS record must point at (an alias or CNAME
// record of Name); nil when props were refused.
func (d *Domain) AliasTarget() *string {
	if d.DomainName == nil {
		return nil
	}
	return d.DomainName.DomainNameAliasDomainName()
}

// AliasHostedZoneID is the Route 53 hosted zone of AliasTarget, for an alias record; nil when props
// were refused.
func (d *Domain) AliasHostedZoneID() *string {
	if d.DomainName == nil {
		return nil
	}
	return d.DomainName.DomainNameAliasHostedZoneId()
}

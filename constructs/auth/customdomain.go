package auth

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// CustomDomain serves the hosted UI on the team's own host name, beside the prefix domain (a pool holds
// one of each). The certificate is referenced, never created: an issued ACM certificate for Name in
// us-east-1, whatever the pool's region (Cognito serves custom domains through CloudFront).
type CustomDomain struct {
	Name           string // e.g. auth.example.com
	CertificateARN string
}

// addCustomDomain adds the custom domain to the pool, under it as CustomDomain (so the Cognito
// retention rules apply to it as to the prefix domain).
func (u *UserPool) addCustomDomain(pool awscognito.UserPool, d *CustomDomain, errf func(string, ...any)) {
	if d == nil {
		return
	}
	ok := true
	if len(d.Name) > awsrules.HostNameMaxLength || !awsrules.HostNamePattern.MatchString(d.Name) {
		errf("auth: HostedUI.CustomDomain.Name %q must be a lowercase host name such as auth.example.com", d.Name)
		ok = false
	}
	if r := awsrules.CertificateRegion(d.CertificateARN); r != awsrules.HostedUICertificateRegion {
		errf("auth: HostedUI.CustomDomain.CertificateARN %q must be an ACM certificate ARN in %s (Cognito serves custom domains through CloudFront)", d.CertificateARN, awsrules.HostedUICertificateRegion)
		ok = false
	}
	if !ok {
		return
	}
	cert := awscertificatemanager.Certificate_FromCertificateArn(pool, jsii.String("CustomDomainCertificate"), jsii.String(d.CertificateARN))
	u.CustomDomain = pool.AddDomain(jsii.String("CustomDomain"), &awscognito.UserPoolDomainOptions{
		CustomDomain: &awscognito.CustomDomainOptions{DomainName: jsii.String(d.Name), Certificate: cert},
	})
	u.customDomainName = d.Name
}

// existingCustomDomain refuses a custom domain on a referenced pool: its domains are not this stack's.
func existingCustomDomain(p *UserPoolProps, errf func(string, ...any)) {
	if h := p.HostedUI; h != nil && h.CustomDomain != nil {
		errf("auth: HostedUI.CustomDomain on an existing pool: give the pool's custom domain as Existing.Domain instead (its domains are not this stack's)")
	}
}

// CustomDomainAliasTarget is the CloudFront distribution (a host name) the custom domain's DNS record
// must point at: an alias or CNAME record of Name. nil without a custom domain.
func (u *UserPool) CustomDomainAliasTarget() *string {
	if u.CustomDomain == nil {
		return nil
	}
	return u.CustomDomain.CloudFrontEndpoint()
}

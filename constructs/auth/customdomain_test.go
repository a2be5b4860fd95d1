package auth_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/underhood-dev/underhood/constructs/auth"
)

const usCert = "arn:aws:acm:us-east-1:123456789012:certificate/0f3e5a7c-1111-2222-3333-444455556666"

// A hosted UI custom domain is a second UserPoolDomain beside the prefix domain, with the certificate by
// reference, retained like every Cognito resource; HostedUIDomain is then the custom name. A certificate
// outside us-east-1 (CloudFront's region) or a name that is no host name is refused.
func TestHostedUICustomDomain(t *testing.T) {
	for _, tc := range []struct {
		name string
		cd   auth.CustomDomain
		errs []string
	}{
		{name: "custom domain beside the prefix", cd: auth.CustomDomain{Name: "auth.example.com", CertificateARN: usCert}},
		{name: "certificate outside us-east-1", cd: auth.CustomDomain{Name: "auth.example.com", CertificateARN: strings.Replace(usCert, "us-east-1", "eu-west-1", 1)},
			errs: []string{"must be an ACM certificate ARN in us-east-1"}},
		{name: "not a host name", cd: auth.CustomDomain{Name: "Auth.Example.com.", CertificateARN: usCert},
			errs: []string{`HostedUI.CustomDomain.Name "Auth.Example.com." must be a lowercase host name`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := awscdk.NewApp(nil)
			stack := newStack(app, "Custom")
			cd := tc.cd
			up := auth.NewUserPool(stack, "Auth", &auth.UserPoolProps{HostedUI: &auth.HostedUI{
				DomainPrefix: "shop-prod", CallbackURLs: []string{"https://shop.example.com/"}, CustomDomain: &cd}})
			errs := errorsOf(stack)
			for _, w := range tc.errs {
				if !strings.Contains(errs, w) {
					t.Errorf("no error %q in %q", w, errs)
				}
			}
			tpl := assertions.Template_FromStack(stack, nil)
			if len(tc.errs) > 0 {
				count(t, tpl, "AWS::Cognito::UserPoolDomain", 1) // the prefix domain only
				if up.CustomDomain != nil || up.CustomDomainAliasTarget() != nil {
					t.Error("refused custom domain still made")
				}
				return
			}
			noErrors(t, stack)
			count(t, tpl, "AWS::Cognito::UserPoolDomain", 2)
			count(t, tpl, "AWS::CertificateManager::Certificate", 0)
			hasProps(t, tpl, "AWS::Cognito::UserPoolDomain", obj{"Domain": "shop-prod"})
			hasResource(t, tpl, "AWS::Cognito::UserPoolDomain", obj{
				"Properties":     obj{"Domain": "auth.example.com", "CustomDomainConfig": obj{"CertificateArn": usCert}},
				"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
			})
			if got := *up.HostedUIDomain(); got != "auth.example.com" {
				t.Errorf("HostedUIDomain %q, want the custom name", got)
			}
		})
	}
}

// An existing pool's domains are not the stack's: a custom domain on it is refused.
func TestHostedUICustomDomainOnExistingPool(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := newStack(app, "Existing")
	auth.NewUserPool(stack, "Auth", &auth.UserPoolProps{
		Existing: &auth.ExistingPool{ID: "eu-west-1_AbC123xyz", Domain: "auth.example.com"},
		HostedUI: &auth.HostedUI{CallbackURLs: []string{"https://shop.example.com/"}, CustomDomain: &auth.CustomDomain{Name: "auth.example.com", CertificateARN: usCert}},
	})
	if errs := errorsOf(stack); !strings.Contains(errs, "HostedUI.CustomDomain on an existing pool") {
		t.Errorf("errors %q", errs)
	}
}

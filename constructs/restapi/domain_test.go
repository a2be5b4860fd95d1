package restapi_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/restapi"
)

const euCert = "arn:aws:acm:eu-west-1:123456789012:certificate/9a8b7c6d-5555-4444-3333-222211110000"

// NewDomain maps each API's stage under its base path on one regional TLS 1.2 domain name, with the
// certificate by reference; props it cannot build are error annotations, with nothing created.
func TestDomain(t *testing.T) {
	for _, tc := range []struct {
		name     string
		props    func(a, b restapi.Mapping) *restapi.DomainProps
		errs     []string
		mappings int
	}{
		{name: "two APIs under their base paths", mappings: 2, props: func(a, b restapi.Mapping) *restapi.DomainProps {
			a.BasePath, b.BasePath = "v1", "admin"
			return &restapi.DomainProps{Name: "api.example.com", CertificateARN: euCert, Mappings: []restapi.Mapping{a, b}}
		}},
		{name: "one API on the whole domain", mappings: 1, props: func(a, _ restapi.Mapping) *restapi.DomainProps {
			return &restapi.DomainProps{Name: "api.example.com", CertificateARN: euCert, Mappings: []restapi.Mapping{a}}
		}},
		{name: "nil props", props: func(_, _ restapi.Mapping) *restapi.DomainProps { return nil },
			errs: []string{`Domain.Name "" must be a lowercase host name`, `Domain.CertificateARN "" must be an ACM certificate ARN`}},
		{name: "a URL and an IAM certificate", props: func(a, _ restapi.Mapping) *restapi.DomainProps {
			return &restapi.DomainProps{Name: "https://api.example.com", CertificateARN: "arn:aws:iam::123456789012:server-certificate/x", Mappings: []restapi.Mapping{a}}
		}, errs: []string{"must be a lowercase host name", "must be an ACM certificate ARN"}},
		{name: "shared without base paths", props: func(a, b restapi.Mapping) *restapi.DomainProps {
			a.BasePath = "v1"
			return &restapi.DomainProps{Name: "api.example.com", CertificateARN: euCert, Mappings: []restapi.Mapping{a, b}}
		}, errs: []string{"APIs sharing a domain need distinct, non-empty base paths"}},
		{name: "a base path with a slash", props: func(a, _ restapi.Mapping) *restapi.DomainProps {
			a.BasePath = "v1/x"
			return &restapi.DomainProps{Name: "api.example.com", CertificateARN: euCert, Mappings: []restapi.Mapping{a}}
		}, errs: []string{`base path "v1/x" must be one segment`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := awscdk.NewApp(nil)
			stack := awscdk.NewStack(app, jsii.String("Domain"), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}})
			fn := awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
				Runtime: awslambda.Runtime_NODEJS_22_X(), Handler: jsii.String("index.handler"), Code: awslambda.Code_FromInline(jsii.String("exports.handler=async()=>({})")),
			})
			var maps []restapi.Mapping
			for _, name := range []string{"Shop", "Admin"} {
				api := restapi.NewAPI(stack, name, &restapi.Props{Authorization: restapi.None, Routes: []restapi.Route{{Method: "GET", Path: "/items", Function: fn}}})
				maps = append(maps, restapi.Mapping{ID: name, API: api.Api, Stage: api.Api.DeploymentStage()})
			}
			d := restapi.NewDomain(stack, "ApiDomain", tc.props(maps[0], maps[1]))
			errs := errorsOf(d)
			for _, w := range tc.errs {
				if !hasError(errs, w) {
					t.Errorf("no error %q in %q", w, errs)
				}
			}
			if len(tc.errs) > 0 {
				if d.DomainName != nil || d.AliasTarget() != nil {
					t.Error("refused props still made a domain name")
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors %q", errs)
			}
			tpl := assertions.Template_FromStack(stack, nil)
			tpl.ResourceCountIs(jsii.String("AWS::CertificateManager::Certificate"), jsii.Number(0))
			tpl.ResourceCountIs(jsii.String("AWS::ApiGateway::BasePathMapping"), jsii.Number(float64(tc.mappings)))
			tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::DomainName"), assertions.Match_ObjectEquals(&map[string]any{
				"DomainName": "api.example.com", "RegionalCertificateArn": euCert, "SecurityPolicy": "TLS_1_2",
				"EndpointConfiguration": map[string]any{"Types": []any{"REGIONAL"}},
			}))
		})
	}
}

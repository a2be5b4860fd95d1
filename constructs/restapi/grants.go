package restapi

import (
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/grant"
	"github.com/underhood-dev/underhood/internal/awsrules"
)

// The invoker grants: execute-api:Invoke on the IAM routes, one statement per invoker.

// invokerGrant is one invoker and the IAM routes it may call, as their ARNs name them, in route order.
type invokerGrant struct {
	who  grant.Grantee
	keys []invokeKey
}

// addInvokers records an IAM route for each of its invokers, as its execute-api ARN names it.
func (rb *routeBuild) addInvokers(r resolvedRoute) {
	key := invokeKey{awsrules.RouteARNMethod(r.method), awsrules.RouteARNPath(r.path)}
	rb.allIAM = append(rb.allIAM, key)
	for _, inv := range r.invokers {
		ig := rb.grantFor(inv)
		if !slices.Contains(ig.keys, key) {
			ig.keys = append(ig.keys, key)
		}
	}
}

func (rb *routeBuild) grantFor(g grant.Grantee) *invokerGrant {
	for _, ig := range rb.grants {
		if ig.who == g {
			return ig
		}
	}
	ig := &invokerGrant{who: g}
	rb.grants = append(rb.grants, ig)
	return ig
}

// grantInvokers gives each invoker one statement. With many routes the ARNs are compacted to prefix
// wildcards that reach exactly the invoker's routes (see compactInvokeKeys), so the policy stays under
// IAM's limits.
func (a *API) grantInvokers(grants []*invokerGrant, allIAM []invokeKey) {
	arnOf := map[invokeKey]*string{}
	for _, ig := range grants {
		var held []invokeKey
		for _, other := range grants {
			if h, ok := other.who.(grant.HoldingGrantee); ok && other != ig && h.GrantsReach(ig.who) {
				held = append(held, other.keys...)
			}
		}
		var arns []*string
		for _, k := range compactInvokeKeys(ig.keys, held, allIAM) {
			arn, ok := arnOf[k]
			if !ok {
				arn = a.executeAPIARN(k)
				arnOf[k] = arn
				a.invokeARNs = append(a.invokeARNs, arn)
			}
			arns = append(arns, arn)
		}
		ig.who.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Effect:    awsiam.Effect_ALLOW,
			Actions:   jsii.Strings("execute-api:Invoke"),
			Resources: &arns,
		}))
	}
}

// executeAPIARN is the execute-api ARN of k in the API's stage: the shape CDK's ArnForExecuteApi
// writes, with the resource part from awsrules. k is already in ARN form, which
// awsrules.RouteARNResource leaves as it is ("*" methods, "*" segments).
func (a *API) executeAPIARN(k invokeKey) *string {
	return awscdk.Stack_Of(a.Api).FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("execute-api"),
		Resource:     a.Api.RestApiId(),
		ArnFormat:    awscdk.ArnFormat_SLASH_RESOURCE_NAME,
		ResourceName: jsii.String(awsrules.RouteARNResource(a.stage, k.verb, k.path)),
	})
}

// RouteARN is the execute-api ARN of a route ("GET", "/photos/{id}") in the API's stage, as an
// invoker's grant names it before compaction: {param} segments are *, and so is ANY.
func (a *API) RouteARN(verb, path string) *string {
	return a.executeAPIARN(invokeKey{awsrules.RouteARNMethod(strings.ToUpper(strings.TrimSpace(verb))), awsrules.RouteARNPath(path)})
}

// InvokeARNs returns every execute-api ARN granted to a route invoker (exact route ARNs, or the prefix
// wildcards that compaction made), each once.
func (a *API) InvokeARNs() []*string { return slices.Clone(a.invokeARNs) }

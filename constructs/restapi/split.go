package restapi

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// splitBuilder builds the routes of an API too big for one stack, following the CDK pattern "Breaking
// up Methods and Resources across Stacks": each nested stack imports the API
// (RestApi.fromRestApiAttributes) and adds its subtree of Resources and Methods, while the API, its
// authorizer, request validator, gateway responses, Deployment and Stage stay in the API's own stack.
//
// The Deployment and Stage are the RestApi's own (deploy: true) rather than new ones, so an API that
// grows past the split keeps its Stage (same logical ID, same settings); a new Stage resource would
// collide with the existing stage name. CDK only fingerprints and waits for methods it sees on the
// RestApi object itself, so finish adds every route to the Deployment's logical ID and makes it depend
// on every nested stack: a route change anywhere still makes a new deployment, after its methods exist.
type splitBuilder struct {
	a         *API
	plan      *shardPlan
	cors      *awsapigateway.CorsOptions
	resources map[string]awsapigateway.IResource
	shards    map[string]*shard
	parent    map[awslambda.IFunction]awsapigateway.Integration
	fns       []awslambda.IFunction
}

type shard struct {
	ns    awscdk.NestedStack
	api   awsapigateway.IRestApi
	integ map[awslambda.IFunction]awsapigateway.Integration
}

func newSplitBuilder(a *API, plan *shardPlan, cors *awsapigateway.CorsOptions) *splitBuilder {
	b := &splitBuilder{
		a: a, plan: plan,
		resources: map[string]awsapigateway.IResource{},
		shards:    map[string]*shard{},
		parent:    map[awslambda.IFunction]awsapigateway.Integration{},
		// The same preflight as unsplit APIs: passed to each top Resource (in the API's own stack or a
		// shard's) and inherited below it.
		cors: cors,
	}
	// CDK's RestApi refuses to synthesize without a method of its own ("The REST API doesn't contain any
	// methods"), and a split API may have every route in nested stacks: the root's preflight is that
	// method (an unsplit API skips it). Without CORS, finish adds a closed one instead.
	resourceWithCors(a.Api.Root(), "/", cors)
	for _, root := range plan.order {
		ns := awscdk.NewNestedStack(a, jsii.String(shardID(root)), &awscdk.NestedStackProps{
			Description: jsii.String("Routes under " + root + " of API " + *a.Api.RestApiName()),
		})
		b.shards[root] = &shard{
			ns: ns,
			api: awsapigateway.RestApi_FromRestApiAttributes(ns, jsii.String("Api"), &awsapigateway.RestApiAttributes{
				RestApiId:      a.Api.RestApiId(),
				RootResourceId: a.Api.RestApiRootResourceId(),
			}),
			integ: map[awslambda.IFunction]awsapigateway.Integration{},
		}
		a.NestedStacks = append(a.NestedStacks, ns)
	}
	return b
}

// resourceFor returns the Resource of path, creating it (and its parents) in the stack the plan says.
func (b *splitBuilder) resourceFor(path string) awsapigateway.IResource {
	switch path {
	case "": // the parent of a top-level segment
		return b.a.Api.Root()
	case "/": // a route on the root itself
		return resourceWithCors(b.a.Api.Root(), "/", b.cors)
	}
	if r, ok := b.resources[path]; ok {
		return r
	}
	i := strings.LastIndex(path, "/")
	parentPath, part := path[:i], path[i+1:]
	parent := b.resourceFor(parentPath)
	var res awsapigateway.IResource
	switch root := b.plan.shardRoot(path); {
	case root == "" && parentPath == "":
		res = resourceWithCors(parent, part, b.cors)
	case root == "":
		res = parent.ResourceForPath(jsii.String(part)) // in the API's own stack, inheriting its top's preflight
	case root == path:
		s := b.shards[root]
		base := s.api.Root()
		if parentPath != "" {
			base = awsapigateway.Resource_FromResourceAttributes(s.ns, jsii.String("Parent"), &awsapigateway.ResourceAttributes{
				ResourceId: parent.ResourceId(),
				RestApi:    s.api,
				Path:       jsii.String(parentPath),
			})
		}
		res = base.AddResource(jsii.String(part), &awsapigateway.ResourceOptions{DefaultCorsPreflightOptions: b.cors})
	default:
		res = parent.AddResource(jsii.String(part), nil) // inherits the shard top's CORS preflight
	}
	b.resources[path] = res
	return res
}

// addMethod adds the route's method in its stack. The integration is a plain Lambda proxy
// (AWS_PROXY, the same URI LambdaIntegration renders) because LambdaIntegration would add a Lambda
// permission per nested stack; finish adds one per function and API instead.
func (b *splitBuilder) addMethod(r resolvedRoute, opts *awsapigateway.MethodOptions) awsapigateway.Method {
	path := normPath(r.path)
	cache := b.parent
	if root := b.plan.shardRoot(path); root != "" {
		cache = b.shards[root].integ
	}
	integ, ok := cache[r.fn]
	if !ok {
		integ = awsapigateway.NewAwsIntegration(&awsapigateway.AwsIntegrationProps{
			Proxy:   jsii.Bool(true),
			Service: jsii.String("lambda"),
			Path:    jsii.String("2015-03-31/functions/" + *r.fn.FunctionArn() + "/invocations"),
		})
		cache[r.fn] = integ
	}
	if !slices.Contains(b.fns, r.fn) {
		b.fns = append(b.fns, r.fn)
	}
	return b.resourceFor(path).AddMethod(jsii.String(r.method), integ, opts)
}

// finish adds the per-function Lambda permissions (same ids, scope and source ARN as LambdaIntegration
// with scopePermissionToMethod false, so they keep their logical IDs when an API grows past the split)
// and ties the Deployment to the routes in the nested stacks.
func (b *splitBuilder) finish(routes []resolvedRoute, origins []string) {
	api := b.a.Api
	for _, fn := range b.fns {
		id := "ApiPermission.ApiScoped." + *awscdk.Names_NodeUniqueId(fn.Node()) + "." + *awscdk.Names_NodeUniqueId(api.Node())
		fn.AddPermission(jsii.String(id), &awslambda.Permission{
			Principal: awsiam.NewServicePrincipal(jsii.String("apigateway.amazonaws.com"), nil),
			Scope:     api,
			SourceArn: api.ArnForExecuteApi(nil, nil, nil),
		})
	}
	if len(*api.Methods()) == 0 {
		addClosedRootMethod(api, b.a.RequestValidator)
	}
	var fingerprint []string
	fnPaths := make([]string, len(b.fns)) // one jsii call per function, not per route
	for i, fn := range b.fns {
		fnPaths[i] = *fn.Node().Path()
	}
	for _, r := range routes {
		if r.skip {
			continue
		}
		fnPath := ""
		for i, fn := range b.fns {
			if fn == r.fn {
				fnPath = fnPaths[i]
			}
		}
		fingerprint = append(fingerprint, strings.Join([]string{r.method, normPath(r.path), string(r.auth),
			strings.Join(r.scopes, " "), fnPath}, "\t"))
	}
	sort.Strings(fingerprint)                                              // the route list order must not change the deployment
	fingerprint = append(fingerprint, "cors\t"+strings.Join(origins, " ")) // preflights live in nested stacks too
	raw, _ := json.Marshal(fingerprint)
	d := api.LatestDeployment()
	d.AddToLogicalId(string(raw))
	for _, ns := range b.a.NestedStacks {
		d.Node().AddDependency(ns)
	}
}

// addClosedRootMethod gives a split API without CORS, and without a route on "/", the method CDK's
// RestApi needs on its own object: OPTIONS on the root, AWS_IAM authorized, answered by a MOCK
// integration with an empty 204. It calls no function. An unsigned call gets the 403 "Missing
// Authentication Token" API Gateway also gives for a method that does not exist, and no role is granted
// it by name: only a grant covering the whole API (<api>/<stage>/*/*, which compaction gives a role that
// may call every IAM route) reaches its empty reply. Its construct id is the preflight's ("OPTIONS" on
// the root), so turning CORS on later updates it in place.
func addClosedRootMethod(api awsapigateway.RestApi, validator awsapigateway.IRequestValidator) {
	api.Root().AddMethod(jsii.String("OPTIONS"), awsapigateway.NewMockIntegration(&awsapigateway.IntegrationOptions{
		RequestTemplates:     &map[string]*string{"application/json": jsii.String(`{"statusCode": 204}`)},
		IntegrationResponses: &[]*awsapigateway.IntegrationResponse{{StatusCode: jsii.String("204")}},
	}), &awsapigateway.MethodOptions{
		AuthorizationType: awsapigateway.AuthorizationType_IAM,
		MethodResponses:   &[]*awsapigateway.MethodResponse{{StatusCode: jsii.String("204")}},
		RequestValidator:  validator,
	})
}

// splitAuthorizer stands for the split API's L1 Cognito authorizer in MethodOptions: the Method then
// renders its AuthorizerId in the same call that creates it. (CDK's Authorizer L2 would attach itself
// to the RestApi of the method, and methods in nested stacks use an imported API.)
type splitAuthorizer struct{ id *string }

func (s *splitAuthorizer) AuthorizerId() *string { return s.id }

func (s *splitAuthorizer) AuthorizationType() awsapigateway.AuthorizationType {
	return awsapigateway.AuthorizationType_COGNITO
}

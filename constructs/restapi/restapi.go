// Package restapi provides a CDK construct for an API Gateway REST API whose
// routes are Lambda proxy integrations guarded by a selectable authorizer:
// IAM (SigV4 with identity pool credentials), a Cognito id token, a Cognito
// access token (with scopes), or none.
//
// It is plain CDK Go code and can be used without the underhood app spec.
package restapi

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/grant"
)

// Authorization selects how a route authenticates callers.
type Authorization string

const (
	// IAM requires SigV4-signed requests (AWS_IAM); callers need execute-api:Invoke.
	IAM Authorization = "iam"
	// IDToken requires a Cognito user pool id token in the Authorization header.
	IDToken Authorization = "id-token"
	// AccessToken requires a Cognito access token carrying one of the route's scopes.
	AccessToken Authorization = "access-token"
	// None leaves the route open.
	None Authorization = "none"
)

// DefaultScope is the only scope of an access token obtained through the user
// pool API (Amplify's signIn); custom scopes need the OAuth endpoints.
const DefaultScope = "aws.cognito.signin.user.admin"

// CorsAllowHeaders returns the request headers allowed by the CORS preflight
// and the gateway responses: CDK's defaults plus X-Amz-Content-Sha256, which
// SigV4 clients (Amplify) send. It returns a fresh slice each call.
func CorsAllowHeaders() []string { return append([]string(nil), corsAllowHeaders...) }

var corsAllowHeaders = []string{
	"Content-Type",
	"Authorization",
	"X-Amz-Date",
	"X-Amz-Security-Token",
	"X-Api-Key",
	"X-Amz-Content-Sha256",
	"X-Amz-User-Agent",
}

// Props configures an API. The zero value (or nil) is usable apart
// from needing at least one route.
type Props struct {
	Name        string
	Description string
	// StageName is the deployment stage; "" -> "dev".
	StageName string
	// Authorization is the default for routes; "" -> IAM.
	Authorization Authorization
	// Scopes are the default access-token scopes; empty -> ["aws.cognito.signin.user.admin"].
	Scopes []string
	// UserPool is required when any route is id-token or access-token.
	UserPool awscognito.IUserPool
	// CorsAllowOrigins enables CORS; empty -> no CORS at all. "*" must be alone.
	CorsAllowOrigins []string
	// ThrottlingRateLimit and ThrottlingBurstLimit apply to every method; 0 -> 100 / 200.
	ThrottlingRateLimit, ThrottlingBurstLimit float64
	// AccessLogs enables stage access logs to a dedicated log group and execution logs (level ERROR,
	// no request or response data) to API Gateway's execution log group, created here with the same
	// retention; nil -> true. Both need the account's API Gateway CloudWatch Logs role.
	AccessLogs *bool
	// LogRetention of the access and execution log groups; "" -> ONE_MONTH.
	LogRetention awslogs.RetentionDays
	// MaxRouteResources is how many route resources (Resource, Method, CORS OPTIONS) the API may add to
	// its own stack; 0 -> no limit. Above it the routes are spread over nested stacks (at most
	// ShardCapacity route resources each, one per path subtree, see shardPlan), the CDK pattern
	// "Breaking up Methods and Resources across Stacks", so no stack passes CloudFormation's 500.
	MaxRouteResources int
	Routes            []Route
}

// Route maps one HTTP method on one path to a Lambda function (proxy integration).
type Route struct {
	// Method is GET POST PUT PATCH DELETE HEAD OPTIONS or ANY (OPTIONS is not
	// allowed when CORS is on: the preflight owns it).
	Method string
	// Path like "/photos", "/photos/{id}", "/{proxy+}" or "/".
	Path     string
	Function awslambda.IFunction
	// Authorization overrides the API default when not "".
	Authorization Authorization
	// Scopes (access-token only); empty -> the API Scopes.
	Scopes []string
	// Invokers (iam only) get execute-api:Invoke on exactly this route.
	Invokers []grant.Grantee
}

// API is the construct, a construct of its own (its children are the RestApi, its log groups and
// authorizer, and the nested stacks of a split API), so callers may add theirs under it. Authorizer is
// nil when no route uses a token, and when the routes are split across nested stacks (the authorizer
// is then an L1 AWS::ApiGateway::Authorizer at the same path).
type API struct {
	constructs.Construct
	Api        awsapigateway.RestApi
	Authorizer awsapigateway.CognitoUserPoolsAuthorizer
	// AccessLogGroup is the stage access log group (nil when AccessLogs is false).
	AccessLogGroup awslogs.LogGroup
	// ExecutionLogGroup is API-Gateway-Execution-Logs_<api id>/<stage> (nil when AccessLogs is false).
	ExecutionLogGroup awslogs.LogGroup
	// RequestValidator checks the parameters and body of every route method against whatever the
	// method requires (proxy routes declare no model, so it rejects nothing by itself).
	RequestValidator awsapigateway.RequestValidator
	// NestedStacks holds the routes of a split API (see MaxRouteResources); empty when not split.
	NestedStacks []awscdk.NestedStack

	id, stage string
	methods   []routeMethod
	// invokeARNs are the execute-api ARNs granted to invokers, in grant order (for cdk-nag's IAM5).
	invokeARNs []*string
}

type routeMethod struct {
	verb, path string
	method     awsapigateway.Method
}

// NewAPI creates the REST API, its stage, routes, authorizer (only when
// used), CORS handling and the IAM grants for route invokers.
func NewAPI(scope constructs.Construct, id string, props *Props) *API {
	p := withDefaults(props)
	a := &API{id: id, stage: p.StageName}
	constructs.NewConstruct_Override(a, scope, jsii.String(id))
	// Each step creates its children in this order, which is the order of the template's resources.
	origins := a.checkProps(p)
	routes := resolveRoutes(p, a.errorf)
	needsAuthorizer := a.checkAuthorizer(p, routes)
	a.createRestAPI(p)
	if len(origins) > 0 {
		addCorsGatewayResponses(a.Api, origins)
	}
	plan := planShards(routes, len(origins) > 0, p.MaxRouteResources)
	if plan != nil && plan.parentCost > p.MaxRouteResources {
		a.errorf("the routes need %d route resources in the API's own stack even when split (one nested stack per "+
			"top-level path segment); %d fit: use fewer top-level path segments", plan.parentCost, p.MaxRouteResources)
	}
	rb := &routeBuild{cors: corsOptions(origins)}
	if needsAuthorizer && p.UserPool != nil {
		rb.authorizer = a.addAuthorizer(p.UserPool, plan != nil)
	}
	if plan != nil {
		rb.split = newSplitBuilder(a, plan, rb.cors)
	}
	a.addRoutes(routes, rb)
	if rb.split != nil {
		rb.split.finish(routes, origins)
	}
	a.grantInvokers(rb.grants, rb.allIAM)
	return a
}

func (a *API) errorf(format string, args ...any) {
	awscdk.Annotations_Of(a).AddError(jsii.String("restapi " + a.id + ": " + fmt.Sprintf(format, args...)))
}

// checkProps reports problems of the API-wide props and returns the CORS origins to use.
func (a *API) checkProps(p Props) []string {
	origins := p.CorsAllowOrigins
	if !validAuthorization(p.Authorization) {
		a.errorf("unknown default authorization %q (want iam, id-token, access-token or none)", p.Authorization)
	}
	if p.ThrottlingRateLimit < 0 || p.ThrottlingBurstLimit < 0 {
		a.errorf("throttling limits must not be negative")
	}
	for _, o := range origins {
		if o == "" {
			a.errorf("empty CORS origin")
		}
		if o == "*" && len(origins) > 1 {
			// CDK throws on this mix; report it instead and fall back to "*".
			a.errorf(`CORS origin "*" must be the only origin`)
			origins = []string{"*"}
			break
		}
	}
	if len(p.Routes) == 0 {
		a.errorf("at least one route is required")
	}
	return origins
}

// checkAuthorizer says whether a route that gets built uses a token (an unused authorizer fails
// synth), and reports a missing user pool.
func (a *API) checkAuthorizer(p Props, routes []resolvedRoute) bool {
	needsAuthorizer := false
	for _, r := range routes {
		if !r.skip && (r.auth == IDToken || r.auth == AccessToken) {
			needsAuthorizer = true
		}
	}
	if needsAuthorizer && p.UserPool == nil {
		a.errorf("UserPool is required when a route uses id-token or access-token authorization")
	}
	return needsAuthorizer
}

// createRestAPI creates the RestApi with its stage, the access and execution log groups, and the
// request validator.
func (a *API) createRestAPI(p Props) {
	apiProps := &awsapigateway.RestApiProps{
		Description: optString(p.Description),
		// Never create the account-wide AWS::ApiGateway::Account and its role.
		CloudWatchRole: jsii.Bool(false),
		EndpointConfiguration: &awsapigateway.EndpointConfiguration{
			Types: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		},
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(p.StageName),
			ThrottlingRateLimit:  jsii.Number(p.ThrottlingRateLimit),
			ThrottlingBurstLimit: jsii.Number(p.ThrottlingBurstLimit),
		},
	}
	// CDK would name every API "Api"; the caller's id is more telling.
	apiProps.RestApiName = jsii.String(a.id)
	if p.Name != "" {
		apiProps.RestApiName = jsii.String(p.Name)
	}
	if *p.AccessLogs {
		a.AccessLogGroup = awslogs.NewLogGroup(a, jsii.String("AccessLogs"), &awslogs.LogGroupProps{
			Retention: p.LogRetention,
		})
		apiProps.DeployOptions.AccessLogDestination = awsapigateway.NewLogGroupLogDestination(a.AccessLogGroup)
		// Execution logs for errors only; DataTraceEnabled stays off (it would log tokens and bodies).
		apiProps.DeployOptions.LoggingLevel = awsapigateway.MethodLoggingLevel_ERROR
		apiProps.DeployOptions.AccessLogFormat = awsapigateway.AccessLogFormat_JsonWithStandardFields(
			&awsapigateway.JsonWithStandardFieldProps{
				Caller: jsii.Bool(true), HttpMethod: jsii.Bool(true), Ip: jsii.Bool(true),
				Protocol: jsii.Bool(true), RequestTime: jsii.Bool(true), ResourcePath: jsii.Bool(true),
				ResponseLength: jsii.Bool(true), Status: jsii.Bool(true), User: jsii.Bool(true),
			})
	}
	a.Api = awsapigateway.NewRestApi(a, jsii.String("Api"), apiProps)
	withoutPathMetadata(a.Api)
	// RestApi adds an "Endpoint" output named by a hash; the caller decides which outputs form its
	// contract, so the URL is offered through URL() instead.
	a.Api.Node().TryRemoveChild(jsii.String("Endpoint"))
	if *p.AccessLogs {
		// API Gateway would create this group itself on the first error, without retention and outside
		// the stack; creating it first (the stage waits for it) gives it the retention of the access logs.
		a.ExecutionLogGroup = awslogs.NewLogGroup(a, jsii.String("ExecutionLogs"), &awslogs.LogGroupProps{
			LogGroupName: jsii.String(fmt.Sprintf("API-Gateway-Execution-Logs_%s/%s", *a.Api.RestApiId(), p.StageName)),
			Retention:    p.LogRetention,
		})
		a.Api.DeploymentStage().Node().AddDependency(a.ExecutionLogGroup)
	}
	a.RequestValidator = a.Api.AddRequestValidator(jsii.String("RequestValidator"), &awsapigateway.RequestValidatorOptions{
		ValidateRequestBody:       jsii.Bool(true),
		ValidateRequestParameters: jsii.Bool(true),
	})
}

// corsOptions is the preflight of the API's top-level resources (their children inherit it), not of
// the RestApi: as an API default CDK would also give the root an OPTIONS method no route needs.
// Preflight OPTIONS methods get AuthorizationType NONE from CDK. nil without origins.
func corsOptions(origins []string) *awsapigateway.CorsOptions {
	if len(origins) == 0 {
		return nil
	}
	return &awsapigateway.CorsOptions{
		AllowOrigins: jsii.Strings(origins...),
		AllowHeaders: jsii.Strings(corsAllowHeaders...),
		AllowMethods: awsapigateway.Cors_ALL_METHODS(),
	}
}

// addAuthorizer creates the Cognito authorizer of the token routes and returns what their
// MethodOptions name: the L2 authorizer, or for a split API the L1 behind an IAuthorizer.
func (a *API) addAuthorizer(pool awscognito.IUserPool, split bool) awsapigateway.IAuthorizer {
	if !split {
		a.Authorizer = awsapigateway.NewCognitoUserPoolsAuthorizer(a, jsii.String("Authorizer"),
			&awsapigateway.CognitoUserPoolsAuthorizerProps{
				CognitoUserPools: &[]awscognito.IUserPool{pool},
				IdentitySource:   jsii.String("method.request.header.Authorization"),
			})
		return a.Authorizer
	}
	// The L2 authorizer attaches to one RestApi object and fails synth unless a method of that
	// object uses it; methods in nested stacks use an imported API, so the split API declares the
	// same AWS::ApiGateway::Authorizer (same construct path, name and logical ID) as an L1.
	scope := constructs.NewConstruct(a, jsii.String("Authorizer"))
	cfn := awsapigateway.NewCfnAuthorizer(scope, jsii.String("Resource"), &awsapigateway.CfnAuthorizerProps{
		RestApiId:      a.Api.RestApiId(),
		Name:           awscdk.Names_UniqueId(scope),
		Type:           jsii.String("COGNITO_USER_POOLS"),
		ProviderArns:   &[]interface{}{pool.UserPoolArn()},
		IdentitySource: jsii.String("method.request.header.Authorization"),
	})
	return &splitAuthorizer{id: cfn.Ref()}
}

// Method returns the method built for a route ("GET", "/photos/{id}"), or nil when there is none
// (unknown or invalid route).
func (a *API) Method(verb, path string) awsapigateway.Method {
	verb = strings.ToUpper(strings.TrimSpace(verb))
	for _, m := range a.methods {
		if m.verb == verb && m.path == normPath(path) {
			return m.method
		}
	}
	return nil
}

// URL is the invoke URL of the deployment stage (ends with "/").
func (a *API) URL() *string {
	return a.Api.Url()
}

func withDefaults(props *Props) Props {
	var p Props
	if props != nil {
		p = *props // copy: never write defaults back to the caller
	}
	if p.StageName == "" {
		p.StageName = "dev"
	}
	if p.Authorization == "" {
		p.Authorization = IAM
	}
	if len(p.Scopes) == 0 {
		p.Scopes = []string{DefaultScope}
	}
	if p.ThrottlingRateLimit == 0 {
		p.ThrottlingRateLimit = 100
	}
	if p.ThrottlingBurstLimit == 0 {
		p.ThrottlingBurstLimit = 200
	}
	if p.AccessLogs == nil {
		p.AccessLogs = jsii.Bool(true)
	}
	if p.LogRetention == "" {
		p.LogRetention = awslogs.RetentionDays_ONE_MONTH
	}
	return p
}

func validAuthorization(a Authorization) bool {
	switch a {
	case IAM, IDToken, AccessToken, None:
		return true
	}
	return false
}

// addCorsGatewayResponses makes errors raised by API Gateway itself (401, 403,
// 429, 5xx) readable by the browser instead of surfacing as CORS failures.
func addCorsGatewayResponses(api awsapigateway.RestApi, origins []string) {
	headers := map[string]*string{
		"Access-Control-Allow-Headers": jsii.String("'" + strings.Join(corsAllowHeaders, ",") + "'"),
		"Access-Control-Allow-Methods": jsii.String("'" + strings.Join(*toStrings(awsapigateway.Cors_ALL_METHODS()), ",") + "'"),
	}
	switch {
	case len(origins) == 1:
		headers["Access-Control-Allow-Origin"] = jsii.String("'" + origins[0] + "'")
	default:
		// Echo the caller's origin; the header then depends on Origin.
		headers["Access-Control-Allow-Origin"] = jsii.String("method.request.header.Origin")
		headers["Vary"] = jsii.String("'Origin'")
	}
	for _, gr := range []struct {
		id  string
		typ awsapigateway.ResponseType
	}{
		{"Default4XX", awsapigateway.ResponseType_DEFAULT_4XX()},
		{"Default5XX", awsapigateway.ResponseType_DEFAULT_5XX()},
	} {
		api.AddGatewayResponse(jsii.String(gr.id), &awsapigateway.GatewayResponseOptions{
			Type:            gr.typ,
			ResponseHeaders: &headers,
		})
	}
}

func toStrings(in *[]*string) *[]string {
	out := make([]string, 0, len(*in))
	for _, s := range *in {
		out = append(out, *s)
	}
	return &out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}

// withoutPathMetadata removes the aws:cdk:path entry from the RestApi resource's Metadata. CDK names the
// API's Deployment after a hash of the RestApi resource as rendered, Metadata included, and the CDK CLI
// synthesizes with aws:cdk:enable-path-metadata: the same API would get a different Deployment (and an
// updated Stage) depending on who synthesized it, so plan would report changes after every cdk deploy.
// The construct path of the RestApi stays in the cloud assembly's manifest (aws:cdk:logicalId).
func withoutPathMetadata(api awsapigateway.RestApi) {
	cfn, ok := api.Node().DefaultChild().(awscdk.CfnResource)
	if !ok {
		return
	}
	// Called right after the RestApi is created, when that entry is all its Metadata holds.
	if md := cfn.CfnOptions().Metadata(); md != nil && len(*md) == 1 && (*md)["aws:cdk:path"] != nil {
		cfn.CfnOptions().SetMetadata(&map[string]interface{}{})
	}
}

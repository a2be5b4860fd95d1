package restapi_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/grant"
	"github.com/underhood-dev/underhood/constructs/restapi"
)

// ---- helpers ----------------------------------------------------------------

type obj = map[string]interface{}
type arr = []interface{}

// check turns a jsii assertion panic into a test error so the test goes on.
func check(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	f()
}

func fn(scope constructs.Construct, id string) awslambda.Function {
	return awslambda.NewFunction(scope, jsii.String(id), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_24_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler=async()=>({statusCode:200})")),
	})
}

func role(scope constructs.Construct, id string) awsiam.Role {
	return awsiam.NewRole(scope, jsii.String(id), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
}

func resources(tmpl assertions.Template, typ string) map[string]obj {
	out := map[string]obj{}
	for id, r := range *tmpl.FindResources(jsii.String(typ), nil) {
		out[id] = *r
	}
	return out
}

func propsOf(r obj) obj {
	p, _ := r["Properties"].(obj)
	return p
}

func resolve(stack awscdk.Stack, v interface{}) interface{} {
	return stack.Resolve(v)
}

// method returns the properties of the AWS::ApiGateway::Method for verb on path.
func method(t *testing.T, stack awscdk.Stack, tmpl assertions.Template, a *restapi.API, verb, path string) (obj, interface{}) {
	t.Helper()
	resID := resolve(stack, a.Api.Root().ResourceForPath(jsii.String(path)).ResourceId())
	for _, r := range resources(tmpl, "AWS::ApiGateway::Method") {
		p := propsOf(r)
		if p["HttpMethod"] == verb && reflect.DeepEqual(toJSONValue(p["ResourceId"]), toJSONValue(resID)) {
			return p, resID
		}
	}
	t.Fatalf("no %s method on %s", verb, path)
	return nil, nil
}

func toJSONValue(v interface{}) interface{} {
	b, _ := json.Marshal(v)
	var out interface{}
	_ = json.Unmarshal(b, &out)
	return out
}

// arnTail renders the literal end of an execute-api ARN Fn::Join, e.g. "/dev/GET/photos/*",
// after checking the join really builds an execute-api ARN on this API.
func arnTail(t *testing.T, v interface{}, apiLogicalID string) string {
	t.Helper()
	join, ok := v.(obj)["Fn::Join"].(arr)
	if !ok || len(join) != 2 {
		t.Fatalf("resource is not an Fn::Join: %v", v)
	}
	parts := join[1].(arr)
	var s strings.Builder
	for _, p := range parts {
		if str, ok := p.(string); ok {
			s.WriteString(str)
		} else {
			s.WriteString("<>")
		}
	}
	full := s.String()
	if !strings.Contains(full, ":execute-api:") {
		t.Errorf("not an execute-api ARN: %s", full)
	}
	if !reflect.DeepEqual(parts[len(parts)-2], obj{"Ref": apiLogicalID}) {
		t.Errorf("ARN not on the API %s: %v", apiLogicalID, parts)
	}
	return parts[len(parts)-1].(string)
}

func errorsOf(c constructs.Construct) []string {
	var out []string
	for _, m := range *c.Node().Metadata() {
		if *m.Type == "aws:cdk:error" {
			out = append(out, fmt.Sprint(m.Data))
		}
	}
	return out
}

func hasError(errs []string, want string) bool {
	for _, e := range errs {
		if strings.Contains(e, want) {
			return true
		}
	}
	return false
}

func logicalID(stack awscdk.Stack, c constructs.Construct) string {
	return *stack.GetLogicalId(c.Node().DefaultChild().(awscdk.CfnElement))
}

// ---- tests --------------------------------------------------------------------

func TestDefaults(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Defaults"), nil)
	f := fn(stack, "Fn")
	props := &restapi.Props{Routes: []restapi.Route{{Method: "get", Path: "/photos", Function: f}}}
	a := restapi.NewAPI(stack, "MyApi", props)
	tmpl := assertions.Template_FromStack(stack, nil)

	if errs := errorsOf(a); len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	if props.StageName != "" || props.Authorization != "" || props.AccessLogs != nil || props.Scopes != nil ||
		props.ThrottlingRateLimit != 0 || props.LogRetention != "" {
		t.Errorf("defaults were written back into the caller's props: %+v", props)
	}

	check(t, "regional API named after id", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::RestApi"), obj{
			"Name":                  "MyApi",
			"EndpointConfiguration": obj{"Types": arr{"REGIONAL"}},
		})
	})
	check(t, "no AWS::ApiGateway::Account", func() {
		tmpl.ResourceCountIs(jsii.String("AWS::ApiGateway::Account"), jsii.Number(0))
	})
	apigwRoles := tmpl.FindResources(jsii.String("AWS::IAM::Role"), obj{"Properties": obj{
		"AssumeRolePolicyDocument": obj{"Statement": assertions.Match_ArrayWith(&arr{
			assertions.Match_ObjectLike(&obj{"Principal": obj{"Service": "apigateway.amazonaws.com"}}),
		})},
	}})
	if len(*apigwRoles) != 0 {
		t.Errorf("found an API Gateway CloudWatch role: %v", *apigwRoles)
	}
	check(t, "stage dev with throttling and JSON access logs", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), obj{
			"StageName": "dev",
			"MethodSettings": assertions.Match_ArrayWith(&arr{assertions.Match_ObjectLike(&obj{
				"HttpMethod": "*", "ResourcePath": "/*",
				"ThrottlingRateLimit": 100, "ThrottlingBurstLimit": 200,
			})}),
			"AccessLogSetting": obj{
				"DestinationArn": obj{"Fn::GetAtt": arr{logicalID(stack, a.AccessLogGroup), "Arn"}},
				"Format":         assertions.Match_StringLikeRegexp(jsii.String(`^\{"requestId":.*"status":.*\}$`)),
			},
		})
	})
	check(t, "access log group retention one month", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), obj{"RetentionInDays": 30})
	})
	check(t, "IAM auth, lambda proxy", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), obj{
			"HttpMethod":        "GET",
			"AuthorizationType": "AWS_IAM",
			"Integration":       assertions.Match_ObjectLike(&obj{"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST"}),
		})
	})
	check(t, "request validator on every route method", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::RequestValidator"), obj{
			"ValidateRequestBody": true, "ValidateRequestParameters": true,
		})
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), obj{
			"HttpMethod":         "GET",
			"RequestValidatorId": obj{"Ref": logicalID(stack, a.RequestValidator)},
		})
	})
	if m := a.Method("get", "/photos/"); m == nil || a.Method("POST", "/photos") != nil {
		t.Errorf("Method lookup: GET /photos %v, POST /photos %v", m, a.Method("POST", "/photos"))
	}
	check(t, "no CORS, no authorizer without CORS origins", func() {
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::ApiGateway::Method"), obj{"HttpMethod": "OPTIONS"}, jsii.Number(0))
		tmpl.ResourceCountIs(jsii.String("AWS::ApiGateway::GatewayResponse"), jsii.Number(0))
		tmpl.ResourceCountIs(jsii.String("AWS::ApiGateway::Authorizer"), jsii.Number(0))
	})
	if a.Authorizer != nil {
		t.Errorf("Authorizer should be nil")
	}
	url, _ := json.Marshal(stack.Resolve(a.URL()))
	if !strings.Contains(string(url), ".execute-api.") || !strings.Contains(string(url), "DeploymentStagedev") {
		t.Errorf("URL() = %s", url)
	}
}

func TestStageOptions(t *testing.T) {
	app := awscdk.NewApp(nil)
	cases := []struct {
		name      string
		props     restapi.Props
		logGroups int
		retention interface{}
	}{
		{"custom", restapi.Props{
			StageName: "prod", ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10,
			LogRetention: awslogs.RetentionDays_ONE_WEEK, Description: "photos",
		}, 2, 7}, // access logs and execution logs
		{"no-logs", restapi.Props{StageName: "prod", ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10,
			AccessLogs: jsii.Bool(false)}, 0, nil},
	}
	// Build every stack before the first synth: the tree is frozen after it.
	apis := make([]*restapi.API, len(cases))
	stacks := make([]awscdk.Stack, len(cases))
	for i := range cases {
		stacks[i] = awscdk.NewStack(app, jsii.String("Stage-"+cases[i].name), nil)
		cases[i].props.Routes = []restapi.Route{{Method: "GET", Path: "/", Function: fn(stacks[i], "Fn")}}
		apis[i] = restapi.NewAPI(stacks[i], "Api", &cases[i].props)
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := apis[i]
			tmpl := assertions.Template_FromStack(stacks[i], nil)
			access := interface{}(assertions.Match_Absent())
			logging := interface{}(assertions.Match_Absent())
			if tc.logGroups > 0 {
				access = assertions.Match_ObjectLike(&obj{"DestinationArn": assertions.Match_AnyValue()})
				logging = "ERROR"
				check(t, "execution log group named as API Gateway names it, created before the stage", func() {
					tmpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), obj{
						"LogGroupName":    obj{"Fn::Join": arr{"", arr{"API-Gateway-Execution-Logs_", obj{"Ref": logicalID(stacks[i], a.Api)}, "/prod"}}},
						"RetentionInDays": tc.retention,
					})
					tmpl.HasResource(jsii.String("AWS::ApiGateway::Stage"), obj{
						"DependsOn": assertions.Match_ArrayWith(&arr{logicalID(stacks[i], a.ExecutionLogGroup)}),
					})
				})
			} else if a.AccessLogGroup != nil || a.ExecutionLogGroup != nil {
				t.Errorf("AccessLogGroup and ExecutionLogGroup should be nil")
			}
			check(t, "stage", func() {
				tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), obj{
					"StageName": "prod",
					"MethodSettings": assertions.Match_ArrayWith(&arr{assertions.Match_ObjectLike(&obj{
						"HttpMethod": "*", "ResourcePath": "/*",
						"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 10,
						// Errors only, and never request or response data (tokens, bodies).
						"LoggingLevel": logging, "DataTraceEnabled": false,
					})}),
					"AccessLogSetting": access,
				})
			})
			check(t, "log groups", func() {
				tmpl.ResourceCountIs(jsii.String("AWS::Logs::LogGroup"), jsii.Number(float64(tc.logGroups)))
				if tc.retention != nil {
					tmpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), obj{"RetentionInDays": tc.retention})
				}
			})
			if tc.props.Description != "" {
				check(t, "description", func() {
					tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::RestApi"), obj{"Description": "photos"})
				})
			}
		})
	}
}

func TestOnePermissionPerFunction(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Perms"), nil)
	f1, f2 := fn(stack, "Fn1"), fn(stack, "Fn2")
	var routes []restapi.Route
	for _, f := range []awslambda.Function{f1, f2} {
		base := "/" + *f.Node().Id()
		routes = append(routes,
			restapi.Route{Method: "GET", Path: base, Function: f},
			restapi.Route{Method: "POST", Path: base, Function: f},
			restapi.Route{Method: "GET", Path: base + "/{id}", Function: f},
			restapi.Route{Method: "PUT", Path: base + "/{id}", Function: f},
			restapi.Route{Method: "DELETE", Path: base + "/{id}", Function: f, Authorization: restapi.None},
		)
	}
	a := restapi.NewAPI(stack, "Api", &restapi.Props{Routes: routes, CorsAllowOrigins: []string{"https://x"}})
	if errs := errorsOf(a); len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	tmpl := assertions.Template_FromStack(stack, nil)
	check(t, "2 functions x 5 routes -> 2 permissions", func() {
		tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(2))
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::ApiGateway::Method"),
			obj{"Integration": assertions.Match_ObjectLike(&obj{"Type": "AWS_PROXY"})}, jsii.Number(10))
	})
	perms := resources(tmpl, "AWS::Lambda::Permission")
	var targets []string
	for _, r := range perms {
		p := propsOf(r)
		targets = append(targets, fmt.Sprint(p["FunctionName"]))
		if p["Principal"] != "apigateway.amazonaws.com" {
			t.Errorf("permission principal = %v", p["Principal"])
		}
	}
	sort.Strings(targets)
	want := []string{
		fmt.Sprint(obj{"Fn::GetAtt": arr{logicalID(stack, f1), "Arn"}}),
		fmt.Sprint(obj{"Fn::GetAtt": arr{logicalID(stack, f2), "Arn"}}),
	}
	sort.Strings(want)
	if !reflect.DeepEqual(targets, want) {
		t.Errorf("permission targets = %v, want %v", targets, want)
	}
}

func TestIAMInvokers(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Iam"), nil)
	f := fn(stack, "Fn")
	auth, guest, admin := role(stack, "AuthRole"), role(stack, "GuestRole"), role(stack, "AdminRole")
	pool := awscognito.NewUserPool(stack, jsii.String("Pool"), nil)
	a := restapi.NewAPI(stack, "Api", &restapi.Props{
		UserPool: pool, // given but unused: no authorizer must be created
		Routes: []restapi.Route{
			{Method: "GET", Path: "/photos", Function: f, Invokers: []grant.Grantee{auth, guest}},
			{Method: "GET", Path: "/photos/{id}", Function: f, Invokers: []grant.Grantee{guest, auth}},
			{Method: "POST", Path: "/photos", Function: f, Invokers: []grant.Grantee{auth}},
			{Method: "DELETE", Path: "/photos/{id}", Function: f, Invokers: []grant.Grantee{auth, auth}},
			{Method: "ANY", Path: "/admin/{proxy+}", Function: f, Invokers: []grant.Grantee{admin}},
			{Method: "GET", Path: "/", Function: f, Invokers: []grant.Grantee{guest}},
			{Method: "GET", Path: "/open", Function: f, Authorization: restapi.None},
		},
	})
	if errs := errorsOf(a); len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	tmpl := assertions.Template_FromStack(stack, nil)
	apiID := logicalID(stack, a.Api)

	check(t, "unused authorizer not created", func() {
		tmpl.ResourceCountIs(jsii.String("AWS::ApiGateway::Authorizer"), jsii.Number(0))
	})
	if a.Authorizer != nil {
		t.Errorf("Authorizer should be nil for an all-IAM API")
	}
	for _, r := range []struct{ verb, path, want string }{
		{"GET", "/photos", "AWS_IAM"}, {"ANY", "/admin/{proxy+}", "AWS_IAM"}, {"GET", "/", "AWS_IAM"},
		{"GET", "/open", "NONE"},
	} {
		p, _ := method(t, stack, tmpl, a, r.verb, r.path)
		if p["AuthorizationType"] != r.want {
			t.Errorf("%s %s AuthorizationType = %v, want %s", r.verb, r.path, p["AuthorizationType"], r.want)
		}
	}

	policies := resources(tmpl, "AWS::IAM::Policy")
	want := map[string][]string{
		"auth":  {"/dev/GET/photos", "/dev/GET/photos/*", "/dev/POST/photos", "/dev/DELETE/photos/*"},
		"guest": {"/dev/GET/photos", "/dev/GET/photos/*", "/dev/GET/"},
		"admin": {"/dev/*/admin/*"},
	}
	for _, c := range []struct {
		name string
		r    awsiam.Role
	}{{"auth", auth}, {"guest", guest}, {"admin", admin}} {
		ref := obj{"Ref": logicalID(stack, c.r)}
		var stmts arr
		for _, pol := range policies {
			p := propsOf(pol)
			for _, rr := range p["Roles"].(arr) {
				if reflect.DeepEqual(rr, ref) {
					stmts = append(stmts, p["PolicyDocument"].(obj)["Statement"].(arr)...)
				}
			}
		}
		if len(stmts) != 1 {
			t.Errorf("%s: want exactly one statement, got %d: %v", c.name, len(stmts), stmts)
			continue
		}
		st := stmts[0].(obj)
		if st["Action"] != "execute-api:Invoke" || st["Effect"] != "Allow" {
			t.Errorf("%s: statement = %v", c.name, st)
		}
		var got []string
		switch res := st["Resource"].(type) {
		case arr:
			for _, r := range res {
				got = append(got, arnTail(t, r, apiID))
			}
		default:
			got = []string{arnTail(t, res, apiID)}
		}
		if !reflect.DeepEqual(got, want[c.name]) {
			t.Errorf("%s: ARNs = %v, want %v", c.name, got, want[c.name])
		}
	}

	// RouteARN names a route as the grants above do (what cdk-nag's acceptances match).
	for _, r := range []struct{ verb, path, want string }{
		{"GET", "/photos/{id}", "/dev/GET/photos/*"},
		{"ANY", "/admin/{proxy+}", "/dev/*/admin/*"},
		{"get", "/", "/dev/GET/"},
	} {
		raw, err := json.Marshal(stack.Resolve(a.RouteARN(r.verb, r.path)))
		if err != nil {
			t.Fatal(err)
		}
		var arn obj
		if err := json.Unmarshal(raw, &arn); err != nil {
			t.Fatal(err)
		}
		if got := arnTail(t, arn, apiID); got != r.want {
			t.Errorf("RouteARN(%q, %q) ends in %q, want %q", r.verb, r.path, got, r.want)
		}
	}
}

func TestCognitoAuthorizer(t *testing.T) {
	app := awscdk.NewApp(nil)
	cases := []struct {
		name          string
		apiScopes     []string
		defaultScopes []string // what an access-token route without scopes gets
	}{
		{"default-scope", nil, []string{"aws.cognito.signin.user.admin"}},
		{"api-scopes", []string{"api/read", "api/list"}, []string{"api/read", "api/list"}},
	}
	type built struct {
		stack awscdk.Stack
		pool  awscognito.UserPool
		a     *restapi.API
	}
	var all []built
	for _, tc := range cases {
		stack := awscdk.NewStack(app, jsii.String("Cognito-"+tc.name), nil)
		f := fn(stack, "Fn")
		pool := awscognito.NewUserPool(stack, jsii.String("Pool"), nil)
		all = append(all, built{stack, pool, restapi.NewAPI(stack, "Api", &restapi.Props{
			Authorization: restapi.IDToken,
			Scopes:        tc.apiScopes,
			UserPool:      pool,
			Routes: []restapi.Route{
				{Method: "GET", Path: "/me", Function: f},
				{Method: "GET", Path: "/items", Function: f, Authorization: restapi.AccessToken},
				{Method: "POST", Path: "/items", Function: f, Authorization: restapi.AccessToken, Scopes: []string{"api/write"}},
				{Method: "GET", Path: "/health", Function: f, Authorization: restapi.None},
				{Method: "GET", Path: "/signed", Function: f, Authorization: restapi.IAM},
			},
		})})
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack, pool, a := all[i].stack, all[i].pool, all[i].a
			if errs := errorsOf(a); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if a.Authorizer == nil {
				t.Fatal("Authorizer is nil")
			}
			tmpl := assertions.Template_FromStack(stack, nil)
			authRef := obj{"Ref": logicalID(stack, a.Authorizer)}
			check(t, "one cognito authorizer on the Authorization header", func() {
				tmpl.ResourceCountIs(jsii.String("AWS::ApiGateway::Authorizer"), jsii.Number(1))
				tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Authorizer"), obj{
					"Type":           "COGNITO_USER_POOLS",
					"IdentitySource": "method.request.header.Authorization",
					"ProviderARNs":   arr{obj{"Fn::GetAtt": arr{logicalID(stack, pool), "Arn"}}},
				})
			})
			_, meRes := method(t, stack, tmpl, a, "GET", "/me")
			check(t, "id-token: cognito without scopes", func() {
				tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), obj{
					"HttpMethod": "GET", "ResourceId": meRes,
					"AuthorizationType":   "COGNITO_USER_POOLS",
					"AuthorizerId":        authRef,
					"AuthorizationScopes": assertions.Match_Absent(),
				})
			})
			for _, r := range []struct {
				verb, path string
				scopes     []string
			}{{"GET", "/items", tc.defaultScopes}, {"POST", "/items", []string{"api/write"}}} {
				_, res := method(t, stack, tmpl, a, r.verb, r.path)
				check(t, "access-token: cognito with scopes "+r.verb, func() {
					scopes := arr{}
					for _, s := range r.scopes {
						scopes = append(scopes, s)
					}
					tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), obj{
						"HttpMethod": r.verb, "ResourceId": res,
						"AuthorizationType":   "COGNITO_USER_POOLS",
						"AuthorizerId":        authRef,
						"AuthorizationScopes": assertions.Match_Exact(scopes),
					})
				})
			}
			for _, r := range []struct{ path, want string }{{"/health", "NONE"}, {"/signed", "AWS_IAM"}} {
				p, _ := method(t, stack, tmpl, a, "GET", r.path)
				if p["AuthorizationType"] != r.want || p["AuthorizerId"] != nil || p["AuthorizationScopes"] != nil {
					t.Errorf("GET %s = %v, want %s without authorizer/scopes", r.path, p, r.want)
				}
			}
		})
	}
}

func TestCORS(t *testing.T) {
	app := awscdk.NewApp(nil)
	cases := []struct {
		name    string
		origins []string
		origin  string // expected gateway response Access-Control-Allow-Origin
		vary    bool
	}{
		{"single", []string{"https://app.example"}, "'https://app.example'", false},
		{"several", []string{"https://app.example", "http://localhost:3000"}, "method.request.header.Origin", true},
		{"star", []string{"*"}, "'*'", false},
	}
	stacks := make([]awscdk.Stack, len(cases))
	apis := make([]*restapi.API, len(cases))
	for i, tc := range cases {
		stack := awscdk.NewStack(app, jsii.String("Cors-"+tc.name), nil)
		f := fn(stack, "Fn")
		pool := awscognito.NewUserPool(stack, jsii.String("Pool"), nil)
		stacks[i] = stack
		apis[i] = restapi.NewAPI(stack, "Api", &restapi.Props{
			CorsAllowOrigins: tc.origins,
			UserPool:         pool,
			Routes: []restapi.Route{
				{Method: "GET", Path: "/photos", Function: f},
				{Method: "POST", Path: "/photos/{id}", Function: f, Authorization: restapi.IDToken},
				{Method: "ANY", Path: "/{proxy+}", Function: f, Authorization: restapi.AccessToken},
			},
		})
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack, a := stacks[i], apis[i]
			if errs := errorsOf(a); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			tmpl := assertions.Template_FromStack(stack, nil)

			// /photos, /photos/{id}, /{proxy+}; not the root, which no route uses.
			options := tmpl.FindResources(jsii.String("AWS::ApiGateway::Method"), obj{"Properties": obj{"HttpMethod": "OPTIONS"}})
			if len(*options) != 3 {
				t.Errorf("OPTIONS methods = %d, want 3", len(*options))
			}
			for id, r := range *options {
				p := propsOf(*r)
				if strings.Contains(fmt.Sprint(p["ResourceId"]), "RootResourceId") {
					t.Errorf("OPTIONS %s is on the root, which has no route", id)
				}
				if p["AuthorizationType"] != "NONE" || p["AuthorizerId"] != nil {
					t.Errorf("OPTIONS %s is not open: %v", id, p)
				}
				hdrs := fmt.Sprint(toJSONValue(p["Integration"]))
				for _, h := range restapi.CorsAllowHeaders() {
					if !strings.Contains(hdrs, h) {
						t.Errorf("OPTIONS %s: allow headers miss %s: %s", id, h, hdrs)
					}
				}
			}
			if p, _ := method(t, stack, tmpl, a, "GET", "/photos"); p["AuthorizationType"] != "AWS_IAM" {
				t.Errorf("CORS changed route auth: %v", p["AuthorizationType"])
			}

			params := obj{
				"gatewayresponse.header.Access-Control-Allow-Origin": tc.origin,
				"gatewayresponse.header.Access-Control-Allow-Headers": assertions.Match_StringLikeRegexp(jsii.String(
					"^'Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token,X-Api-Key,X-Amz-Content-Sha256,X-Amz-User-Agent'$")),
				"gatewayresponse.header.Access-Control-Allow-Methods": assertions.Match_StringLikeRegexp(jsii.String(`^'.*GET.*'$`)),
				"gatewayresponse.header.Vary":                         assertions.Match_Absent(),
			}
			if tc.vary {
				params["gatewayresponse.header.Vary"] = "'Origin'"
			}
			tmpl.ResourceCountIs(jsii.String("AWS::ApiGateway::GatewayResponse"), jsii.Number(2))
			for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
				check(t, typ, func() {
					tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::GatewayResponse"), obj{
						"ResponseType":       typ,
						"RestApiId":          obj{"Ref": logicalID(stack, a.Api)},
						"ResponseParameters": assertions.Match_ObjectLike(&params),
					})
				})
			}
		})
	}
}

func TestStableLogicalIDs(t *testing.T) {
	// Two apps so both stacks share a path (CDK's permission IDs embed the stack name).
	build := func(stackID string, reverse bool) awscdk.Stack {
		stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String(stackID), nil)
		f1, f2 := fn(stack, "Fn1"), fn(stack, "Fn2")
		guest := role(stack, "Guest")
		routes := []restapi.Route{
			{Method: "GET", Path: "/a", Function: f1, Invokers: []grant.Grantee{guest}},
			{Method: "GET", Path: "/a/{id}", Function: f2},
			{Method: "POST", Path: "/b/c", Function: f2},
		}
		if reverse {
			for i, j := 0, len(routes)-1; i < j; i, j = i+1, j-1 {
				routes[i], routes[j] = routes[j], routes[i]
			}
		}
		restapi.NewAPI(stack, "Api", &restapi.Props{Routes: routes, CorsAllowOrigins: []string{"https://x"}})
		return stack
	}
	ids := func(stack awscdk.Stack) []string {
		var out []string
		for id, r := range *assertions.Template_FromStack(stack, nil).ToJSON() {
			if id != "Resources" {
				continue
			}
			for lid, res := range r.(obj) {
				// The deployment's id is a content hash by design (a new deployment per change).
				if res.(obj)["Type"] != "AWS::ApiGateway::Deployment" {
					out = append(out, lid)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	s1, s2 := build("Photos", false), build("Photos", true)
	a, b := ids(s1), ids(s2)
	if len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Errorf("logical IDs depend on route order:\n%v\n%v", a, b)
	}
}

func TestValidation(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Validation"), nil)
	f := fn(stack, "Fn")
	pool := awscognito.NewUserPool(stack, jsii.String("Pool"), nil)
	r := func(m, p string) restapi.Route { return restapi.Route{Method: m, Path: p, Function: f} }
	cases := []struct {
		name  string
		props *restapi.Props
		want  string // "" = no error
	}{
		{"nil-props", nil, "at least one route"},
		{"ok", &restapi.Props{Routes: []restapi.Route{r("GET", "/a/{id}"), r("ANY", "/{proxy+}"), r("OPTIONS", "/o")}}, ""},
		{"unknown-verb", &restapi.Props{Routes: []restapi.Route{r("FETCH", "/a")}}, `unknown method "FETCH"`},
		{"options-with-cors", &restapi.Props{CorsAllowOrigins: []string{"https://x"}, Routes: []restapi.Route{r("OPTIONS", "/a")}}, "OPTIONS is answered by the CORS preflight"},
		{"no-leading-slash", &restapi.Props{Routes: []restapi.Route{r("GET", "a")}}, `must start with "/"`},
		{"trailing-slash", &restapi.Props{Routes: []restapi.Route{r("GET", "/a/")}}, `must not end with "/"`},
		{"bad-segment", &restapi.Props{Routes: []restapi.Route{r("GET", "/a b")}}, "bad path segment"},
		{"empty-segment", &restapi.Props{Routes: []restapi.Route{r("GET", "/a//b")}}, "bad path segment"},
		{"greedy-not-last", &restapi.Props{Routes: []restapi.Route{r("GET", "/{p+}/x")}}, "must be last"},
		{"sibling-vars", &restapi.Props{Routes: []restapi.Route{r("GET", "/a/{id}"), r("PUT", "/a/{key}")}}, "conflicts with sibling"},
		{"duplicate", &restapi.Props{Routes: []restapi.Route{r("GET", "/a"), r("get", "/a")}}, "duplicate route"},
		{"no-function", &restapi.Props{Routes: []restapi.Route{{Method: "GET", Path: "/a"}}}, "Function is required"},
		{"token-without-pool", &restapi.Props{Authorization: restapi.IDToken, Routes: []restapi.Route{r("GET", "/a")}}, "UserPool is required"},
		{"bad-default-auth", &restapi.Props{Authorization: "jwt", Routes: []restapi.Route{r("GET", "/a")}}, "unknown default authorization"},
		{"bad-route-auth", &restapi.Props{Routes: []restapi.Route{{Method: "GET", Path: "/a", Function: f, Authorization: "cookie"}}}, "unknown authorization"},
		{"scopes-on-id-token", &restapi.Props{UserPool: pool, Routes: []restapi.Route{{Method: "GET", Path: "/a", Function: f, Authorization: restapi.IDToken, Scopes: []string{"x"}}}}, "Scopes only apply"},
		{"invokers-on-none", &restapi.Props{Routes: []restapi.Route{{Method: "GET", Path: "/a", Function: f, Authorization: restapi.None, Invokers: []grant.Grantee{role(stack, "R")}}}}, "Invokers only apply"},
		{"nil-invoker", &restapi.Props{Routes: []restapi.Route{{Method: "GET", Path: "/a", Function: f, Invokers: []grant.Grantee{nil}}}}, "nil invoker"},
		{"star-mixed", &restapi.Props{CorsAllowOrigins: []string{"*", "https://x"}, Routes: []restapi.Route{r("GET", "/a")}}, `"*" must be the only origin`},
		{"negative-throttle", &restapi.Props{ThrottlingRateLimit: -1, Routes: []restapi.Route{r("GET", "/a")}}, "must not be negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var a *restapi.API
			check(t, "construct", func() { a = restapi.NewAPI(stack, "Api-"+tc.name, tc.props) })
			if a == nil {
				return
			}
			errs := errorsOf(a)
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("unexpected errors: %v", errs)
			case tc.want != "" && !hasError(errs, tc.want):
				t.Errorf("errors %v do not mention %q", errs, tc.want)
			}
		})
	}
}

// A route on "/" itself gets the root's preflight, exactly once.
func TestCORSRootRoute(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("CorsRoot"), nil)
	f := fn(stack, "Fn")
	a := restapi.NewAPI(stack, "Api", &restapi.Props{
		CorsAllowOrigins: []string{"https://app.example"},
		Routes:           []restapi.Route{{Method: "GET", Path: "/", Function: f}, {Method: "POST", Path: "/", Function: f}, {Method: "GET", Path: "/x", Function: f}},
	})
	if errs := errorsOf(a); len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	options := assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::ApiGateway::Method"), obj{"Properties": obj{"HttpMethod": "OPTIONS"}})
	root := 0
	for _, r := range *options {
		if strings.Contains(fmt.Sprint(propsOf(*r)["ResourceId"]), "RootResourceId") {
			root++
		}
	}
	if len(*options) != 2 || root != 1 {
		t.Errorf("OPTIONS methods = %d (root %d), want 2 (root 1)", len(*options), root)
	}
}

// TestDeploymentIgnoresPathMetadata: the CDK CLI synthesizes with aws:cdk:enable-path-metadata, which
// puts each resource's construct path in its Metadata. The API's Deployment must keep the logical ID it
// has without that context, so a stack deployed with cdk deploy and the same spec synthesized any other
// way agree (the Deployment's ID is a hash of the API's resources). Unsplit and split APIs.
func TestDeploymentIgnoresPathMetadata(t *testing.T) {
	deployment := func(pathMetadata bool, budget int) (string, bool) {
		app := awscdk.NewApp(&awscdk.AppProps{Context: &map[string]interface{}{"aws:cdk:enable-path-metadata": pathMetadata}})
		stack := awscdk.NewStack(app, jsii.String("Photos"), nil)
		f := fn(stack, "Fn")
		restapi.NewAPI(stack, "Api", &restapi.Props{
			CorsAllowOrigins: []string{"https://x"}, MaxRouteResources: budget,
			Routes: []restapi.Route{
				{Method: "GET", Path: "/a", Function: f},
				{Method: "GET", Path: "/a/{id}", Function: f},
				{Method: "POST", Path: "/b/c", Function: f, Authorization: restapi.None},
			},
		})
		tpl := *assertions.Template_FromStack(stack, nil).ToJSON()
		id, withPath := "", false
		for lid, r := range tpl["Resources"].(obj) {
			res := r.(obj)
			if res["Type"] == "AWS::ApiGateway::Deployment" {
				id = lid
			}
			if md, ok := res["Metadata"].(obj); ok && md["aws:cdk:path"] != nil {
				withPath = true
			}
		}
		return id, withPath
	}
	for _, tt := range []struct {
		name   string
		budget int
	}{{"unsplit", 0}, {"split", 4}} {
		plain, plainHasPath := deployment(false, tt.budget)
		withMeta, hasPath := deployment(true, tt.budget)
		if plainHasPath || !hasPath {
			t.Fatalf("%s: path metadata in the plain template %v, in the CLI's %v: the context did not work", tt.name, plainHasPath, hasPath)
		}
		if plain == "" || plain != withMeta {
			t.Errorf("%s: Deployment %q without path metadata, %q with it", tt.name, plain, withMeta)
		}
	}
}

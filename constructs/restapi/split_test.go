package restapi_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/grant"
	"github.com/underhood-dev/underhood/constructs/restapi"
)

// splitAPI builds an API whose routes exceed MaxRouteResources, so they go to nested stacks.
// With grow, one more route goes under /b.
func splitAPI(t *testing.T, grow bool) (awscdk.Stack, *restapi.API) {
	t.Helper()
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Split"), nil)
	f1, f2 := fn(stack, "Fn1"), fn(stack, "Fn2")
	pool := awscognito.NewUserPool(stack, jsii.String("Pool"), nil)
	routes := []restapi.Route{
		{Method: "GET", Path: "/", Function: f1, Authorization: restapi.None},
		{Method: "GET", Path: "/a", Function: f1, Authorization: restapi.AccessToken},
		{Method: "GET", Path: "/a/{id}", Function: f2, Invokers: []grant.Grantee{role(stack, "Reader")}},
		{Method: "GET", Path: "/b/c", Function: f2, Authorization: restapi.IDToken},
		{Method: "POST", Path: "/b/c", Function: f1, Authorization: restapi.None},
	}
	if grow {
		routes = append(routes, restapi.Route{Method: "PUT", Path: "/b/c/d", Function: f2, Authorization: restapi.None})
	}
	a := restapi.NewAPI(stack, "Api", &restapi.Props{
		UserPool: pool, CorsAllowOrigins: []string{"https://x"}, MaxRouteResources: 4, Routes: routes,
	})
	if errs := errorsOf(a); len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	return stack, a
}

func idsByType(tmpl assertions.Template) map[string]string {
	out := map[string]string{}
	for id, r := range (*tmpl.ToJSON())["Resources"].(obj) {
		out[id] = r.(obj)["Type"].(string)
	}
	return out
}

func TestSplitAcrossNestedStacks(t *testing.T) {
	stack, a := splitAPI(t, false)
	if len(a.NestedStacks) != 2 {
		t.Fatalf("%d nested stacks, want one per top-level segment (/a, /b)", len(a.NestedStacks))
	}
	parent := assertions.Template_FromStack(stack, nil)
	check(t, "parent keeps the API, its stage settings and one permission per function", func() {
		parent.ResourceCountIs(jsii.String("AWS::ApiGateway::RestApi"), jsii.Number(1))
		parent.ResourceCountIs(jsii.String("AWS::ApiGateway::Stage"), jsii.Number(1))
		parent.ResourceCountIs(jsii.String("AWS::ApiGateway::Deployment"), jsii.Number(1))
		parent.ResourceCountIs(jsii.String("AWS::ApiGateway::Authorizer"), jsii.Number(1))
		parent.ResourceCountIs(jsii.String("AWS::ApiGateway::RequestValidator"), jsii.Number(1))
		parent.ResourceCountIs(jsii.String("AWS::ApiGateway::GatewayResponse"), jsii.Number(2))
		parent.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(2))
		parent.ResourceCountIs(jsii.String("AWS::CloudFormation::Stack"), jsii.Number(2))
		parent.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), obj{
			"MethodSettings": assertions.Match_ArrayWith(&arr{assertions.Match_ObjectLike(&obj{
				"ThrottlingRateLimit": 100, "ThrottlingBurstLimit": 200, "LoggingLevel": "ERROR",
			})}),
			"AccessLogSetting": assertions.Match_ObjectLike(&obj{}),
		})
		// The root keeps its route and CORS preflight.
		parent.ResourceCountIs(jsii.String("AWS::ApiGateway::Method"), jsii.Number(2))
		parent.ResourceCountIs(jsii.String("AWS::ApiGateway::Resource"), jsii.Number(0))
	})
	// The deployment waits for every nested stack (its methods) before API Gateway snapshots the API.
	var deps []string
	for _, d := range *parent.FindResources(jsii.String("AWS::ApiGateway::Deployment"), nil) {
		for _, x := range (*d)["DependsOn"].(arr) {
			deps = append(deps, x.(string))
		}
	}
	for _, ns := range a.NestedStacks {
		id := *stack.GetLogicalId(ns.NestedStackResource())
		if !strings.Contains(strings.Join(deps, " "), id) {
			t.Errorf("deployment does not depend on nested stack %s: %v", id, deps)
		}
	}

	nestedA := assertions.Template_FromStack(a.NestedStacks[0], nil)
	check(t, "/a: resources, methods, CORS preflights, authorizer, validator, no permission", func() {
		nestedA.ResourceCountIs(jsii.String("AWS::ApiGateway::Resource"), jsii.Number(2))
		nestedA.ResourcePropertiesCountIs(jsii.String("AWS::ApiGateway::Method"), obj{"HttpMethod": "OPTIONS", "AuthorizationType": "NONE"}, jsii.Number(2))
		nestedA.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), obj{
			"HttpMethod": "GET", "AuthorizationType": "COGNITO_USER_POOLS",
			"AuthorizationScopes": arr{restapi.DefaultScope},
			"AuthorizerId":        obj{"Ref": assertions.Match_AnyValue()},
			"RequestValidatorId":  obj{"Ref": assertions.Match_AnyValue()},
			"Integration":         assertions.Match_ObjectLike(&obj{"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST"}),
		})
		nestedA.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), obj{"HttpMethod": "GET", "AuthorizationType": "AWS_IAM"})
		nestedA.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(0))
	})
	nestedB := assertions.Template_FromStack(a.NestedStacks[1], nil)
	check(t, "/b: id-token method has the authorizer and no scopes", func() {
		nestedB.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), obj{
			"HttpMethod": "GET", "AuthorizationType": "COGNITO_USER_POOLS",
			"AuthorizerId": obj{"Ref": assertions.Match_AnyValue()}, "AuthorizationScopes": assertions.Match_Absent(),
		})
	})
	if a.Method("POST", "/b/c") == nil || a.Method("GET", "/a/{id}") == nil {
		t.Error("Method lookup misses routes in nested stacks")
	}
	url, _ := json.Marshal(stack.Resolve(a.URL()))
	if !strings.Contains(string(url), "DeploymentStagedev") {
		t.Errorf("URL() = %s", url)
	}
}

// TestSplitStableIDs: a route added under /b changes nothing in /a's nested stack, keeps every logical
// ID of the parent and of /b's nested stack, and makes a new deployment.
func TestSplitStableIDs(t *testing.T) {
	before, a1 := splitAPI(t, false)
	after, a2 := splitAPI(t, true)
	pairs := []struct {
		name     string
		old, new assertions.Template
	}{
		{"parent", assertions.Template_FromStack(before, nil), assertions.Template_FromStack(after, nil)},
		{"/a", assertions.Template_FromStack(a1.NestedStacks[0], nil), assertions.Template_FromStack(a2.NestedStacks[0], nil)},
		{"/b", assertions.Template_FromStack(a1.NestedStacks[1], nil), assertions.Template_FromStack(a2.NestedStacks[1], nil)},
	}
	for _, p := range pairs {
		oldIDs, newIDs := idsByType(p.old), idsByType(p.new)
		for _, id := range sortedKeys(oldIDs) {
			if oldIDs[id] == "AWS::ApiGateway::Deployment" {
				if _, ok := newIDs[id]; ok {
					t.Errorf("%s: deployment %s kept its logical ID although a route was added in a nested stack", p.name, id)
				}
				continue
			}
			if newIDs[id] != oldIDs[id] {
				t.Errorf("%s: %s (%s) is gone after adding a route", p.name, id, oldIDs[id])
			}
		}
		// The added PUT /b/c/d costs its Method, the new Resource d and d's CORS OPTIONS, all in /b's
		// nested stack; the parent only swaps its Deployment.
		if grew, want := len(newIDs)-len(oldIDs), map[string]int{"parent": 0, "/a": 0, "/b": 3}[p.name]; grew != want {
			t.Errorf("%s: %d more resources after adding a route with one new segment, want %d", p.name, grew, want)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSplitWithoutCORS: a split API without CORS synthesizes in every authorization mode. When no route
// is on "/", the root gets the one method CDK's RestApi needs: a closed OPTIONS (AWS_IAM, MOCK 204)
// that calls no function; a route on "/" is that method itself.
func TestSplitWithoutCORS(t *testing.T) {
	tests := []struct {
		name      string
		auth      restapi.Authorization
		rootRoute bool
	}{
		{"iam", restapi.IAM, false},
		{"id-token", restapi.IDToken, false},
		{"access-token", restapi.AccessToken, false},
		{"none", restapi.None, false},
		{"iam with a route on /", restapi.IAM, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := awscdk.NewApp(nil)
			stack := awscdk.NewStack(app, jsii.String("Split"), nil)
			f := fn(stack, "Fn")
			routes := []restapi.Route{
				{Method: "GET", Path: "/a", Function: f},
				{Method: "GET", Path: "/a/{id}", Function: f},
				{Method: "GET", Path: "/b/c", Function: f},
				{Method: "POST", Path: "/b/c", Function: f},
			}
			if tt.rootRoute {
				routes = append(routes, restapi.Route{Method: "GET", Path: "/", Function: f})
			}
			if tt.auth == restapi.IAM {
				for i := range routes {
					routes[i].Invokers = []grant.Grantee{role(stack, fmt.Sprintf("Caller%d", i))}
				}
			}
			a := restapi.NewAPI(stack, "Api", &restapi.Props{
				UserPool: awscognito.NewUserPool(stack, jsii.String("Pool"), nil), Authorization: tt.auth,
				MaxRouteResources: 4, Routes: routes,
			})
			if errs := errorsOf(a); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if len(a.NestedStacks) != 2 {
				t.Fatalf("%d nested stacks, want 2 (/a, /b)", len(a.NestedStacks))
			}
			// The whole app, as cdk synth does it: CDK's validation of the RestApi runs here.
			var synthErr any
			func() {
				defer func() { synthErr = recover() }()
				app.Synth(nil)
			}()
			if synthErr != nil {
				t.Fatalf("synth failed: %v", synthErr)
			}
			parent := assertions.Template_FromStack(stack, nil)
			methods := resources(parent, "AWS::ApiGateway::Method")
			if len(methods) != 1 {
				t.Fatalf("%d methods in the API's own stack, want 1: %v", len(methods), methods)
			}
			for _, m := range methods {
				p := propsOf(m)
				if tt.rootRoute {
					if p["HttpMethod"] != "GET" || p["AuthorizationType"] != "AWS_IAM" {
						t.Errorf("root method %v, want the GET / route", p)
					}
					continue
				}
				integ := p["Integration"].(obj)
				if p["HttpMethod"] != "OPTIONS" || p["AuthorizationType"] != "AWS_IAM" || integ["Type"] != "MOCK" {
					t.Errorf("root method %v, want a closed OPTIONS: AWS_IAM with a MOCK integration", p)
				}
				if _, ok := integ["Uri"]; ok {
					t.Errorf("root method calls %v; it must call no function", integ["Uri"])
				}
			}
			// Nothing is granted on the root's method: every invoke grant names a route.
			for _, pol := range resources(parent, "AWS::IAM::Policy") {
				if s, _ := json.Marshal(propsOf(pol)); strings.Contains(string(s), "/OPTIONS/") {
					t.Errorf("a policy grants the root's OPTIONS: %s", s)
				}
			}
			for i, ns := range a.NestedStacks {
				nested := assertions.Template_FromStack(ns, nil)
				for id, m := range resources(nested, "AWS::ApiGateway::Method") {
					if got := propsOf(m)["HttpMethod"]; got == "OPTIONS" {
						t.Errorf("nested stack %d: %s is an OPTIONS method without CORS", i, id)
					}
				}
			}
		})
	}
}

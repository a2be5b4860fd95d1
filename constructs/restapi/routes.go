package restapi

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/grant"
	"github.com/underhood-dev/underhood/internal/awsrules"
)

// The routes: each route checked on its own and against the others, then built as a method on its
// resource (in the API's own stack, or in a nested stack of a split API).

var validMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "PATCH": true,
	"DELETE": true, "HEAD": true, "OPTIONS": true, "ANY": true,
}

// Same rule CDK applies to a path part (it throws, which would panic in Go).
var pathPartRe = regexp.MustCompile(`^[a-zA-Z0-9:._\-$]+$`)

// resolvedRoute is a validated route with defaults applied.
type resolvedRoute struct {
	method, path string
	fn           awslambda.IFunction
	auth         Authorization
	scopes       []string
	invokers     []grant.Grantee
	skip         bool // invalid; reported, not built
}

// resolveRoutes checks every route on its own, then against the routes before it.
func resolveRoutes(p Props, errf func(string, ...any)) []resolvedRoute {
	out := make([]resolvedRoute, 0, len(p.Routes))
	var seen routeSet
	for _, rt := range p.Routes {
		r := resolveRoute(p, rt, errf)
		if !r.skip {
			r.skip = !seen.add(r, rt.Method+" "+rt.Path, errf)
		}
		out = append(out, r)
	}
	return out
}

// resolveRoute applies the API's defaults to rt and reports its problems, naming it "METHOD path".
func resolveRoute(p Props, rt Route, errf func(string, ...any)) resolvedRoute {
	r := resolvedRoute{
		method:   strings.ToUpper(strings.TrimSpace(rt.Method)),
		path:     rt.Path,
		fn:       rt.Function,
		auth:     cmp.Or(rt.Authorization, p.Authorization),
		invokers: rt.Invokers,
	}
	label := rt.Method + " " + rt.Path
	switch {
	case !validMethods[r.method]:
		errf("route %q: unknown method %q", label, rt.Method)
		r.skip = true
	case r.method == "OPTIONS" && len(p.CorsAllowOrigins) > 0:
		errf("route %q: OPTIONS is answered by the CORS preflight when CorsAllowOrigins is set", label)
		r.skip = true
	}
	if msg := checkPath(r.path); msg != "" {
		errf("route %q: %s", label, msg)
		r.skip = true
	}
	if rt.Function == nil {
		errf("route %q: Function is required", label)
		r.skip = true
	}
	if !validAuthorization(rt.Authorization) && rt.Authorization != "" {
		errf("route %q: unknown authorization %q", label, rt.Authorization)
		r.skip = true
	}
	if len(rt.Scopes) > 0 && r.auth != AccessToken {
		errf("route %q: Scopes only apply to access-token authorization", label)
	}
	if len(rt.Invokers) > 0 && r.auth != IAM {
		errf("route %q: Invokers only apply to iam authorization", label)
	}
	for _, inv := range rt.Invokers {
		if inv == nil {
			errf("route %q: nil invoker", label)
			r.skip = true
		}
	}
	if r.auth == AccessToken {
		r.scopes = rt.Scopes
		if len(r.scopes) == 0 {
			r.scopes = p.Scopes
		}
	}
	return r
}

// routeSet holds the valid routes so far, to catch a duplicate and a path variable next to a sibling
// of another name ("/a/{id}" and "/a/{key}"), which API Gateway rejects at deploy time.
type routeSet struct {
	keys []string
	vars []varPart // variable path part per parent path
}

type varPart struct{ parent, part string }

// add reports whether r can join the set (label names it in errors).
func (s *routeSet) add(r resolvedRoute, label string, errf func(string, ...any)) bool {
	ok := true
	key := r.method + " " + normPath(r.path)
	if slices.Contains(s.keys, key) {
		errf("route %q: duplicate route", label)
		ok = false
	}
	s.keys = append(s.keys, key)
	parent := ""
	for _, part := range awsrules.RouteSegments(r.path) {
		if strings.HasPrefix(part, "{") {
			for _, v := range s.vars {
				if v.parent == parent && v.part != part {
					errf("route %q: path variable %s conflicts with sibling %s", label, part, v.part)
					ok = false
				}
			}
			s.vars = append(s.vars, varPart{parent, part})
		}
		parent += "/" + part
	}
	return ok
}

// checkPath returns "" for a valid route path, else the problem.
func checkPath(path string) string {
	if !strings.HasPrefix(path, "/") {
		return `path must start with "/"`
	}
	if path == "/" {
		return ""
	}
	if strings.HasSuffix(path, "/") {
		return `path must not end with "/"`
	}
	parts := awsrules.RouteSegments(path)
	for i, part := range parts {
		name := part
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			name = strings.TrimSuffix(part[1:len(part)-1], "+")
			if strings.HasSuffix(part, "+}") && i != len(parts)-1 {
				return "a greedy {name+} segment must be last"
			}
		}
		if !pathPartRe.MatchString(name) {
			return fmt.Sprintf("bad path segment %q", part)
		}
	}
	return ""
}

// normPath is path without empty segments or a trailing "/": what Method matches on.
func normPath(path string) string { return "/" + strings.Join(awsrules.RouteSegments(path), "/") }

// routeBuild is what the route step takes from the earlier ones and gathers for the grants.
type routeBuild struct {
	authorizer awsapigateway.IAuthorizer // nil: token routes are not built (no user pool, reported)
	cors       *awsapigateway.CorsOptions
	split      *splitBuilder // nil: every route in the API's own stack
	// integrations hold one integration per function, found by an ordered lookup (not a map), so each
	// function gets exactly one API-scoped Lambda permission.
	integrations []fnIntegration
	// grants are the invoker grants, per invoker in first-seen route order; allIAM every IAM route.
	grants []*invokerGrant
	allIAM []invokeKey
}

type fnIntegration struct {
	fn    awslambda.IFunction
	integ awsapigateway.LambdaIntegration
}

// addRoutes creates each valid route's method, and gathers the invoker grants of the IAM routes.
func (a *API) addRoutes(routes []resolvedRoute, rb *routeBuild) {
	for _, r := range routes {
		if r.skip {
			continue
		}
		if (r.auth == IDToken || r.auth == AccessToken) && rb.authorizer == nil {
			continue // already reported: no user pool
		}
		opts := methodOptions(r, a.RequestValidator, rb.authorizer)
		var m awsapigateway.Method
		if rb.split == nil {
			res := resourceWithCors(a.Api.Root(), r.path, rb.cors)
			m = res.AddMethod(jsii.String(r.method), rb.integrationFor(r.fn), opts)
		} else {
			m = rb.split.addMethod(r, opts)
		}
		a.methods = append(a.methods, routeMethod{verb: r.method, path: normPath(r.path), method: m})
		if r.auth == IAM {
			rb.addInvokers(r)
		}
	}
}

// methodOptions is how a route's method authorizes callers.
func methodOptions(r resolvedRoute, validator awsapigateway.IRequestValidator, authorizer awsapigateway.IAuthorizer) *awsapigateway.MethodOptions {
	opts := &awsapigateway.MethodOptions{RequestValidator: validator}
	switch r.auth {
	case IAM:
		opts.AuthorizationType = awsapigateway.AuthorizationType_IAM
	case IDToken:
		// No scopes: API Gateway then validates an id token.
		opts.AuthorizationType = awsapigateway.AuthorizationType_COGNITO
		opts.Authorizer = authorizer
	case AccessToken:
		opts.AuthorizationType = awsapigateway.AuthorizationType_COGNITO
		opts.Authorizer = authorizer
		opts.AuthorizationScopes = jsii.Strings(r.scopes...)
	case None:
		opts.AuthorizationType = awsapigateway.AuthorizationType_NONE
	}
	return opts
}

// integrationFor is the function's Lambda proxy integration, made on first use.
func (rb *routeBuild) integrationFor(fn awslambda.IFunction) awsapigateway.LambdaIntegration {
	for _, fi := range rb.integrations {
		if fi.fn == fn {
			return fi.integ
		}
	}
	integ := awsapigateway.NewLambdaIntegration(fn, &awsapigateway.LambdaIntegrationOptions{
		ScopePermissionToMethod: jsii.Bool(false),
	})
	rb.integrations = append(rb.integrations, fnIntegration{fn: fn, integ: integ})
	return integ
}

// resourceWithCors returns the resource of path under root, creating it with the CORS preflight on its
// top-level segment (inherited below) when cors is set; a route on "/" itself gets the root's preflight.
func resourceWithCors(root awsapigateway.IResource, path string, cors *awsapigateway.CorsOptions) awsapigateway.IResource {
	parts := awsrules.RouteSegments(path)
	if len(parts) == 0 {
		if cors != nil && root.Node().TryFindChild(jsii.String("OPTIONS")) == nil {
			root.AddCorsPreflight(cors)
		}
		return root
	}
	top := root.GetResource(jsii.String(parts[0]))
	if top == nil {
		top = root.AddResource(jsii.String(parts[0]), &awsapigateway.ResourceOptions{DefaultCorsPreflightOptions: cors})
	}
	if len(parts) == 1 {
		return top
	}
	return top.ResourceForPath(jsii.String(strings.Join(parts[1:], "/")))
}

package spec

// The footprint of the REST APIs: their resources, the split into nested stacks, and the execute-api
// grants of the roles that may call their IAM routes.

import (
	"maps"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/internal/restplan"
)

// apis counts each REST API: its own resources, its routes (in the app stack, or split into nested
// stacks when they would not fit), and the execute-api grants of its IAM routes.
func (e *estimator) apis() {
	for _, api := range e.app.APIs {
		existing := e.main.Total()
		cors := len(api.CorsOrigins) > 0
		sec := "api." + api.Name
		fns := e.apiResources(sec, api)
		var paths []string
		for _, r := range api.Routes {
			paths = append(paths, r.Path)
		}

		// The split decision, as stacks.routeBudget and restapi make it.
		overhead := 10 + len(fns)
		if a := e.app.Auth; a != nil && a.IdentityPool != nil && a.UserPool != nil {
			overhead += 2 + len(a.UserPool.Groups)
		}
		budget := max(1, StackResourceBudget-existing-overhead)
		plan := restplan.Plan(paths, cors, budget)
		e.plans[api.Name] = plan
		nodes := pathNodes(paths)
		e.fp.APIs = append(e.fp.APIs, APIFootprint{Name: api.Name, Resources: 1 + len(nodes), Split: plan != nil})
		if plan == nil {
			e.routesInAppStack(sec, api, nodes)
		} else {
			if plan.ParentCost > budget {
				e.fp.Errors = append(e.fp.Errors, FootprintError{Path: child(sec, "routes"), ParentCost: plan.ParentCost, Budget: budget})
			}
			e.splitRoutes(sec, api, plan, nodes)
		}
		e.invokeGrants(api)
	}
}

// apiResources counts what an API has whatever its routes: the API, its deployment, stage, validator,
// access logs, CORS responses, token authorizer, and one invoke permission per function its routes
// reach. It returns those functions, in order of first use.
func (e *estimator) apiResources(sec string, api API) []string {
	e.main.add(sec, "AWS::ApiGateway::RestApi", 1)
	e.main.add(sec, "AWS::ApiGateway::Deployment", 1)
	e.main.add(sec, "AWS::ApiGateway::Stage", 1)
	e.main.add(sec, "AWS::ApiGateway::RequestValidator", 1)
	if api.AccessLogs {
		e.main.add(sec, "AWS::Logs::LogGroup", 2)
	}
	if len(api.CorsOrigins) > 0 {
		e.main.add(sec, "AWS::ApiGateway::GatewayResponse", 2)
	}
	var fns []string
	token := false
	for _, r := range api.Routes {
		if !slices.Contains(fns, r.Function) {
			fns = append(fns, r.Function)
		}
		token = token || r.Authorization == AuthIDToken || r.Authorization == AuthAccessToken
	}
	if token {
		e.main.add(sec, "AWS::ApiGateway::Authorizer", 1)
	}
	e.main.add(sec, "AWS::Lambda::Permission", len(fns))
	for _, f := range fns {
		e.lambda[f]++
	}
	return fns
}

// rootRoutes counts the routes on the root path /.
func rootRoutes(api API) int {
	n := 0
	for _, r := range api.Routes {
		if r.Path == "/" {
			n++
		}
	}
	return n
}

// routesInAppStack counts the resources and methods of an API that is not split: all in the app stack.
func (e *estimator) routesInAppStack(sec string, api API, nodes []string) {
	e.main.add(sec, "AWS::ApiGateway::Resource", len(nodes))
	methods := len(api.Routes)
	if len(api.CorsOrigins) > 0 {
		methods += len(nodes)
		if rootRoutes(api) > 0 {
			methods++ // the root's preflight
		}
	}
	e.main.add(sec, "AWS::ApiGateway::Method", methods)
}

// splitRoutes counts a split API: one nested stack per route subtree of the plan, holding its
// resources and methods; what the plan keeps stays in the app stack.
func (e *estimator) splitRoutes(sec string, api API, plan *restplan.Shards, nodes []string) {
	cors := len(api.CorsOrigins) > 0
	e.main.add(sec, "AWS::CloudFormation::Stack", len(plan.Order))
	kept, keptMethods := 0, rootRoutes(api)
	nested := map[string]*StackFootprint{}
	for _, root := range plan.Order {
		nested[root] = &StackFootprint{Name: e.app.StackName() + "/" + api.Name + "/Routes" + root, API: api.Name, Root: root, Resources: map[string]int{}}
	}
	for _, n := range nodes {
		if root := plan.Root(n); root != "" {
			nested[root].add("", "AWS::ApiGateway::Resource", 1)
			if cors {
				nested[root].add("", "AWS::ApiGateway::Method", 1)
			}
		} else {
			kept++
		}
	}
	for _, r := range api.Routes {
		if root := plan.Root(r.Path); root != "" {
			nested[root].add("", "AWS::ApiGateway::Method", 1)
		} else if r.Path != "/" {
			keptMethods++
		}
	}
	if cors {
		keptMethods += kept + 1 // preflights of the kept resources, and of the root
	} else if rootRoutes(api) == 0 {
		keptMethods++ // RestApi needs a method of its own: a closed OPTIONS on the root
	}
	e.main.add(sec, "AWS::ApiGateway::Resource", kept)
	e.main.add(sec, "AWS::ApiGateway::Method", keptMethods)
	for _, root := range plan.Order {
		e.fp.Stacks = append(e.fp.Stacks, *nested[root])
	}
}

// pathNodes lists the distinct paths below the root that the routes need a Resource for, sorted.
func pathNodes(paths []string) []string {
	seen := map[string]bool{}
	for _, p := range paths {
		cur := ""
		for _, seg := range restplan.Segments(p) {
			cur += "/" + seg
			seen[cur] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// invokeGrants adds one execute-api statement per role that may call the API's IAM routes, compacted
// like the restapi construct does.
func (e *estimator) invokeGrants(api API) {
	type grant struct {
		r    *roleAcc
		keys []restplan.Key
	}
	var grants []*grant
	var all []restplan.Key
	grantFor := func(r *roleAcc) *grant {
		for _, g := range grants {
			if g.r == r {
				return g
			}
		}
		g := &grant{r: r}
		grants = append(grants, g)
		return g
	}
	for _, rt := range api.Routes {
		if rt.Authorization != AuthIAM {
			continue
		}
		var who []*roleAcc
		if len(rt.Groups) > 0 {
			for _, gname := range rt.Groups {
				who = append(who, e.grantee("group", gname))
			}
		} else {
			who = append(who, e.grantee("authenticated", ""))
			if rt.Guest {
				who = append(who, e.grantee("guest", ""))
			}
		}
		// The route's key in ARN form, as the restapi construct grants it.
		k := restplan.Key{Verb: awsrules.RouteARNMethod(rt.Method), Path: awsrules.RouteARNPath(rt.Path)}
		all = append(all, k)
		for _, r := range who {
			if r == nil {
				continue
			}
			g := grantFor(r)
			if !slices.Contains(g.keys, k) {
				g.keys = append(g.keys, k)
			}
		}
	}
	what := "API " + api.Name
	for _, g := range grants {
		var held []restplan.Key
		if g.r.kind == RoleGroup {
			// The shared policy of every signed-in user reaches the group roles too.
			for _, o := range grants {
				if o != g && o.r.kind == RoleAuthenticated {
					held = append(held, o.keys...)
				}
			}
		}
		var arns []string
		for _, k := range restplan.Compact(g.keys, held, all) {
			// k is in ARN form already (a route's, or a compacted "/a/*"): RouteARNResource keeps it as it is.
			arns = append(arns, e.arn("execute-api", strings.Repeat("x", apiIDLen)+"/"+awsrules.RouteARNResource(e.app.Stage, k.Verb, k.Path)))
		}
		g.r.stmts[what] = append(g.r.stmts[what], statement([]string{"execute-api:Invoke"}, "", arns...))
	}
}

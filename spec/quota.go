package spec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// checkQuotas reports every service quota (internal/awsrules/quotas.go) the stacks synth would build
// exceed, from the footprint estimate: API Gateway resources per API, CloudFormation resources, outputs
// and template size per stack, Lambda resource policy size per function, IAM inline policy size per role.
// It is pure Go and takes milliseconds, so a spec that could not deploy fails at validate, not minutes
// into a deploy.
func (v *validator) checkQuotas(app *App) {
	fp := Estimate(app)
	for _, e := range fp.Errors {
		v.errorf(e.Path, "even split into nested stacks (one per top-level path segment), these routes keep %d resources in the app stack, "+
			"where only %d fit under underhood's budget of %d resources (CloudFormation allows %d per stack, a quota AWS does not raise): "+
			"use fewer top-level path segments, or move routes into another API", e.ParentCost, e.Budget, StackResourceBudget, awsrules.QuotaStackResources)
	}
	for i, a := range fp.APIs {
		api := &app.APIs[i]
		if a.Resources <= api.ResourceQuota {
			continue
		}
		if api.ResourceQuota > awsrules.QuotaAPIResources {
			v.errorf(child(child("api", api.Name), "routes"), "the routes need %d API Gateway resources (the root / and each distinct path part), more than the %d declared in api.%s.quotas.resources: "+
				"have AWS raise the \"Resources per API\" quota of this API further (Service Quotas, Amazon API Gateway) and declare the new value, or move routes into another API",
				a.Resources, api.ResourceQuota, api.Name)
			continue
		}
		v.errorf(child(child("api", api.Name), "routes"), "the routes need %d API Gateway resources (the root / and each distinct path part); API Gateway allows %d per REST API by default "+
			"(quota \"Resources per API\"): move routes into another API, or have AWS raise the quota for this API (Service Quotas, Amazon API Gateway; "+
			"raised per API, so for every stage's API) and declare it with api.%s.quotas.resources: N",
			a.Resources, awsrules.QuotaAPIResources, api.Name)
	}

	main := &fp.Stacks[0]
	if n := main.Total(); n > awsrules.QuotaStackResources {
		v.errorf("app", "stack %s would hold %d resources (%s); CloudFormation allows %d per stack, a quota AWS does not raise: "+
			"split the app into two specs (two stacks), or declare fewer functions, storage or APIs (API routes already move into nested stacks on their own)",
			main.Name, n, sectionList(main.bySection), awsrules.QuotaStackResources)
	}
	for _, s := range fp.Stacks[1:] {
		// Unreachable while restplan.ShardCapacity keeps a nested stack far below the quota; checked so
		// that a change there cannot slip through.
		if n := s.Total(); n > awsrules.QuotaStackResources {
			v.errorf(child(child("api", s.API), "routes"), "the nested stack of the routes under %s would hold %d resources; CloudFormation allows %d per stack: spread these routes over more path segments",
				s.Root, n, awsrules.QuotaStackResources)
		}
	}
	if main.Outputs > awsrules.QuotaStackOutputs {
		v.errorf("app", "stack %s would have %d outputs (Region, the user pool's and identity pool's ids, 2 per API, 1 per bucket and table); "+
			"CloudFormation allows %d per stack, a quota AWS does not raise: split the app into two specs (two stacks)",
			main.Name, main.Outputs, awsrules.QuotaStackOutputs)
	}
	for _, s := range fp.Stacks {
		if s.Bytes > awsrules.QuotaTemplateBytes {
			where, name := "app", s.Name
			if s.API != "" {
				where = child(child("api", s.API), "routes")
			}
			v.errorf(where, "the template of stack %s would be about %s bytes; CloudFormation takes templates up to 1 MB (%s bytes), a quota AWS does not raise: "+
				"split the app into two specs (two stacks), or shorten what fills it (environment values, descriptions)",
				name, thousands(s.Bytes), thousands(awsrules.QuotaTemplateBytes))
		}
	}
	for _, f := range fp.Functions {
		if f.PolicyBytes <= awsrules.QuotaLambdaPolicyBytes {
			continue
		}
		v.errorf(child("functions", f.Name), "the function's resource-based policy would hold %d statements (one per API that routes to it, per Cognito trigger it handles, per bucket that notifies it, and for its schedule), "+
			"up to %s bytes with the longest names AWS generates; Lambda allows 20 KB (%s bytes) per function, a quota AWS does not raise: give some APIs a function of their own",
			f.Statements, thousands(f.PolicyBytes), thousands(awsrules.QuotaLambdaPolicyBytes))
	}
	for _, r := range fp.Roles {
		if r.Chars <= awsrules.QuotaRolePolicyChars {
			continue
		}
		path, who, fix := roleTarget(r)
		v.errorf(path, "the inline policies of %s would reach %s characters (%s) with the longest names AWS generates; IAM allows %s per role "+
			"(whitespace not counted), a quota AWS does not raise: %s",
			who, thousands(r.Chars), partList(r.Parts), thousands(awsrules.QuotaRolePolicyChars), fix)
	}
}

// roleTarget is where a role's quota problem is reported, how the role is named, and how to shrink it.
func roleTarget(r RoleFootprint) (path, who, fix string) {
	browser := "grant browser access to fewer buckets, or give fewer IAM routes to this role (above 20 routes of an API, a role's grants are compacted)"
	switch r.Kind {
	case RoleFunction:
		return child(child("functions", r.Name), "access"), "function " + r.Name + "'s role", "spread the function's access, secrets and table streams over several functions"
	case RoleGuest:
		return "auth.identityPool.guestAccess", "the identity pool's guest role", browser
	case RoleGroup:
		return child(child("auth.userPool", "groups"), r.Name), "the identity pool role of group " + r.Name + " (its own grants and every signed-in user's)", browser
	case RoleSMS:
		return "auth.userPool.mfa", "the user pool's SMS role", "none needed: this role holds one statement"
	}
	return "auth.identityPool", "the identity pool's authenticated role (every signed-in user's grants)", browser
}

// sectionList is "functions 480, api.big 22, auth 6", biggest first.
func sectionList(m map[string]int) string {
	keys := biggestFirst(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		name := k
		if name == "" {
			name = "other"
		}
		parts[i] = fmt.Sprintf("%s %d", name, m[k])
	}
	return strings.Join(parts, ", ")
}

// partList is "storage files 6,120, API admin 2,300", biggest first, the three biggest and how many
// more.
func partList(m map[string]int) string {
	keys := biggestFirst(m)
	var parts []string
	for i, k := range keys {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(keys)-3))
			break
		}
		parts = append(parts, k+" "+thousands(m[k]))
	}
	return strings.Join(parts, ", ")
}

// biggestFirst returns m's keys by their count, biggest first, then by name.
func biggestFirst(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// thousands writes n with comma separators: 10240 -> "10,240".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

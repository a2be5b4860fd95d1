package spec

import (
	"slices"
	"strings"
)

// The template size estimate. CloudFormation limits the template the CDK CLI uploads: indented JSON
// (one space a level) with the metadata the CLI asks for (every resource's construct path, asset
// paths) and cdk-nag's accepted findings. Sizes per resource are the largest seen in synthesized
// templates, rounded up, plus what the spec's own strings add (paths, environment, URLs); policies
// count a multiple of their minified size. An upper estimate: stacks' tests hold it between once and
// twice the real size.
const (
	tplBase        = 1500 // Description, the bootstrap version parameter and rule
	tplOutput      = 400  // one output with its description
	tplPerPathChar = 8    // a route path appears in logical ids, references and the construct path
	tplPolicyChar  = 3    // indented JSON of a policy, per character of the minified one
	tplNagGroup    = 350  // one accepted cdk-nag finding: rule and reason
	tplNagWildcard = 110  // one wildcard resource it applies to
	tplParam       = 200  // one parameter of a nested stack, and its entry on the stack resource
)

// tplResource is the size of one resource by type, before what varies with the spec.
var tplResource = map[string]int{
	"AWS::ApiGateway::Authorizer":              800,
	"AWS::ApiGateway::BasePathMapping":         500,
	"AWS::ApiGateway::Deployment":              700,
	"AWS::ApiGateway::DomainName":              700,
	"AWS::ApiGateway::GatewayResponse":         900,
	"AWS::ApiGateway::Method":                  1400, // CORS preflights: tplPreflight more
	"AWS::ApiGateway::RequestValidator":        450,
	"AWS::ApiGateway::Resource":                350,
	"AWS::ApiGateway::RestApi":                 650,
	"AWS::ApiGateway::Stage":                   2000,
	"AWS::CloudFormation::Stack":               1500,
	"AWS::CloudFormation::WaitConditionHandle": 200,
	"AWS::Cognito::IdentityPool":               1200,
	"AWS::Cognito::IdentityPoolRoleAttachment": 1000,
	"AWS::Cognito::UserPool":                   3000,
	"AWS::Cognito::UserPoolClient":             900,
	"AWS::Cognito::UserPoolDomain":             400,
	"AWS::Cognito::UserPoolGroup":              500,
	"AWS::Cognito::UserPoolIdentityProvider":   900,
	"AWS::Cognito::UserPoolResourceServer":     450,
	"AWS::DynamoDB::Table":                     1400,
	"AWS::Events::Rule":                        700,
	"AWS::IAM::Policy":                         1000,
	"AWS::IAM::Role":                           1100,
	"AWS::Lambda::EventSourceMapping":          700,
	"AWS::Lambda::Function":                    2100,
	"AWS::Lambda::Permission":                  1000,
	"AWS::Logs::LogGroup":                      700,
	"AWS::S3::Bucket":                          1900,
	"AWS::S3::BucketPolicy":                    1100,
}

const tplPreflight = 500 // a CORS preflight method's integration and responses, plus its origins

func (e *estimator) templateBytes() {
	m := e.main
	m.Bytes = tplBase + m.Outputs*tplOutput
	for typ, n := range m.Resources {
		m.Bytes += n * tplResource[typ]
	}
	for _, fn := range e.app.Functions {
		m.Bytes += len("underhood "+e.app.Name+" function "+fn.Name) + len(fn.Handler)
		for _, env := range fn.Environment {
			m.Bytes += len(env.Name) + len(env.Value) + 40
		}
		m.Bytes += 250 * len(fn.Access) // the STORAGE_ variables, by reference
		for _, s := range fn.Secrets {
			m.Bytes += len(s.Env) + len(s.SecretsManager) + len(s.SSMParameter) + 40
		}
		if len(fn.UserPoolAccess) > 0 {
			m.Bytes += 150 // the pool id variable
		}
		for _, g := range fn.GraphQLAccess {
			for _, api := range e.app.GraphQL {
				if api.Name == g.API {
					m.Bytes += 150 + len(api.ID) + len(api.Endpoint) // the id and endpoint variables
				}
			}
		}
		m.Bytes += len(fn.Schedule) // in the rule's description and expression
		for _, ev := range fn.Events {
			if ev.S3 != "" {
				// The bucket's notification configuration (or, for an existing bucket, the output
				// holding it): one entry per event kind, with its prefix filter.
				m.Bytes += len(ev.On) * (250 + 2*len(ev.Prefix))
			}
		}
		for _, api := range e.app.APIs {
			if slices.ContainsFunc(api.Routes, func(r Route) bool { return r.Function == fn.Name }) {
				m.Bytes += 40 + len(strings.Join(api.CorsOrigins, ","))
			}
		}
	}
	if a := e.app.Auth; a != nil && a.UserPool != nil {
		u := a.UserPool
		m.Bytes += 150 * (len(u.StandardAttributes) + len(u.CustomAttributes) + len(u.Triggers) + len(u.MFA.Methods))
		for _, g := range u.Groups {
			m.Bytes += len(g.Description)
		}
		for _, rs := range u.ResourceServers {
			for _, sc := range rs.Scopes {
				m.Bytes += len(sc.Name) + len(sc.Description) + 80
			}
		}
		if h := u.HostedUI; h != nil {
			for _, list := range [][]string{h.CallbackURLs, h.LogoutURLs, h.Scopes} {
				for _, x := range list {
					m.Bytes += 2 * (len(x) + 10)
				}
			}
			m.Bytes += 100 * len(h.Providers)
			for _, p := range h.Providers {
				m.Bytes += len(p.ClientID) + len(p.IssuerURL) + len(strings.Join(p.Scopes, " "))
			}
		}
		if a.IdentityPool != nil {
			m.Bytes += 250 * len(u.Groups) // role mapping rules, group role ARNs
		}
	}
	for _, b := range e.app.Buckets {
		m.Bytes += 2 * len(strings.Join(b.CorsOrigins, ","))
	}
	for _, t := range e.app.Tables {
		m.Bytes += 200 * len(t.Indexes)
	}
	// Policies: each role's own, and the shared one (attached to the authenticated and group roles).
	for _, key := range e.roleOrder {
		r := e.roles[key]
		b := policyBytes(r.stmts)
		if r.kind == RoleAuthenticated && len(r.stmts) > 0 {
			b += 60 * (1 + len(e.app.Auth.UserPool.Groups))
		}
		m.Bytes += b
	}
	for _, api := range e.app.APIs {
		e.apiTemplateBytes(api)
	}
}

// policyBytes is what a policy's statements add to a template, with the cdk-nag acceptances of its
// wildcard resources.
func policyBytes(stmts map[string][]string) int {
	n := 0
	for _, list := range stmts {
		wild := 0
		for _, s := range list {
			n += tplPolicyChar * len(s)
			wild += strings.Count(s, `*"`)
		}
		if wild > 0 {
			n += tplNagGroup + wild*tplNagWildcard
		}
	}
	return n
}

// apiTemplateBytes adds what an API's routes add to the app stack's template and its nested stacks'.
func (e *estimator) apiTemplateBytes(api API) {
	cors := len(api.CorsOrigins) > 0
	preflight := tplPreflight + 2*len(strings.Join(api.CorsOrigins, ","))
	m := e.main
	m.Bytes += 2 * len(strings.Join(api.CorsOrigins, ",")) // the gateway responses
	plan := e.plans[api.Name]
	nested := map[string]*StackFootprint{}
	for i := range e.fp.Stacks {
		if s := &e.fp.Stacks[i]; s.API == api.Name {
			nested[s.Root] = s
			s.Bytes = tplBase
			for typ, n := range s.Resources {
				s.Bytes += n * tplResource[typ]
			}
		}
	}
	stackOf := func(path string) *StackFootprint {
		if plan != nil {
			if root := plan.Root(path); root != "" {
				return nested[root]
			}
		}
		return m
	}
	deployDeps := 0
	for _, n := range pathNodes(routePaths(api)) {
		s := stackOf(n)
		s.Bytes += tplPerPathChar * len(n)
		if cors {
			s.Bytes += preflight + tplPerPathChar*len(n)
		}
		if s == m && cors {
			deployDeps++
		}
	}
	fns := map[*StackFootprint]map[string]bool{} // the functions each nested stack integrates
	for _, r := range api.Routes {
		s := stackOf(r.Path)
		s.Bytes += tplPerPathChar*len(r.Path) + 20*len(r.Scopes)
		if s == m {
			deployDeps++
		} else {
			if fns[s] == nil {
				fns[s] = map[string]bool{}
			}
			fns[s][r.Function] = true
		}
	}
	if plan != nil {
		deployDeps += len(plan.Order)
		for root, s := range nested {
			params := len(fns[s]) + 4 // the API, its root, the authorizer, the validator
			s.Bytes += params * tplParam
			m.Bytes += params*tplParam + tplPerPathChar*len(root)
		}
	}
	m.Bytes += 80 * deployDeps // the Deployment depends on every method and nested stack
	if cors {
		m.Bytes += preflight // the root's preflight, when there is one
	}
}

func routePaths(api API) []string {
	out := make([]string, len(api.Routes))
	for i, r := range api.Routes {
		out[i] = r.Path
	}
	return out
}

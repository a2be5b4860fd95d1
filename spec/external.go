package spec

import (
	"cmp"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Validation of what the app uses but underhood does not create (GraphQL APIs, analytics), and of
// functions' access to storage, the user pool and GraphQL APIs.

var (
	poolNamePattern      = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]{0,127}$`)
	appSyncIDPattern     = regexp.MustCompile(`^[a-z0-9]{1,64}$`)
	pinpointAppIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	// AppSync's own endpoint host: <host id>.appsync-api.<region>.amazonaws.com (a custom domain is any host).
	appSyncHostPattern = regexp.MustCompile(`^[a-z0-9]+\.appsync-api\.([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9])\.amazonaws\.com$`)
	stackNamePattern   = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)
	outputKeyPattern   = regexp.MustCompile(`^[a-zA-Z0-9]{1,255}$`)
)

func graphQLModes() []string {
	out := make([]string, len(GraphQLAuthModes))
	for i, m := range GraphQLAuthModes {
		out[i] = m.Mode
	}
	return out
}

// graphql resolves the top-level GraphQL APIs with the selected stage's ids.
func (v *validator) graphql(app *App) []GraphQLAPI {
	var out []GraphQLAPI
	for _, name := range sectionNames(v, "graphql", "GraphQL API", v.raw.GraphQL) {
		gp := child("graphql", name)
		if name == UserPoolAccessKey {
			v.errorf(gp, "%q is reserved: functions' access names the user pool with it; rename the API", name)
		}
		if _, clash := v.raw.Storage[name]; clash {
			v.errorf(gp, "%q is also a storage name, and functions' access names both by name; rename one", name)
		}
		raw := v.raw.GraphQL[name]
		if raw == nil || len(raw.Authorization) == 0 {
			v.missing(gp, "authorization", "missing authorization: the API's modes, default first, e.g. authorization: [user-pool, api-key]")
			continue
		}
		api := GraphQLAPI{Name: name, Region: app.Region}
		ap := child(gp, "authorization")
		for i, m := range raw.Authorization {
			mp := index(ap, i)
			if !v.enum(mp, "GraphQL authorization mode", m, graphQLModes()) {
				continue
			}
			if slices.Contains(raw.Authorization[:i], m) {
				v.errorf(mp, "%q is listed twice", m)
				continue
			}
			switch {
			case m == GraphQLUserPool && v.userPool == nil:
				v.errorf(mp, "user-pool authorization takes the tokens of the user pool the SPA signs in with, and there is no auth.userPool; describe it under auth.userPool")
			case m == GraphQLIAM && v.identityPool == nil:
				v.errorf(mp, "iam authorization signs requests with identity pool credentials, and there is no auth.identityPool; add it")
			}
			api.Authorization = append(api.Authorization, m)
		}
		var e *rawExistingGraphQL
		if v.existing != nil {
			e = v.existing.GraphQL[name]
		}
		if e == nil {
			v.errorf(gp, "underhood does not create GraphQL APIs: give this one's endpoint (and id) for stage %s under stages.%s.existing.graphql.%s", app.Stage, app.Stage, name)
			out = append(out, api)
			continue
		}
		api.ID, api.Endpoint = e.ID, e.Endpoint
		if e.APIKey != nil && !e.APIKey.plaintext {
			api.APIKey = &ValueRef{SecretsManager: e.APIKey.SecretsManager, JSONField: e.APIKey.JSONField, SSM: e.APIKey.SSM, Stack: e.APIKey.Stack, Output: e.APIKey.Output}
		}
		if slices.Contains(api.Authorization, GraphQLAPIKey) && e.APIKey == nil {
			v.errorf(ap, "api-key authorization: config writes the API key into the SPA's configuration, and stages.%s.existing.graphql.%s has no apiKey; give where it lives, e.g. apiKey: { stack: AMPLIFY_API_STACK, output: GraphQLAPIKeyOutput }", app.Stage, name)
		}
		out = append(out, api)
	}
	return out
}

// checkExistingGraphQL validates one stage's existing GraphQL APIs.
func (v *validator) checkExistingGraphQL(p string, s *rawStage) {
	gp := child(p, "graphql")
	for _, name := range slices.Sorted(maps.Keys(s.Existing.GraphQL)) {
		np := child(gp, name)
		if _, ok := v.raw.GraphQL[name]; !ok {
			v.errorf(np, "GraphQL API %q is not described under graphql; add graphql: { %s: { authorization: [...] } }%s", name, name, didYouMean(name, slices.Sorted(maps.Keys(v.raw.GraphQL))))
			continue
		}
		e := s.Existing.GraphQL[name]
		if e == nil {
			v.errorf(np, "is empty; give the API's endpoint, e.g. endpoint: https://abc.appsync-api.eu-west-1.amazonaws.com/graphql")
			continue
		}
		if e.ID != "" && !appSyncIDPattern.MatchString(e.ID) {
			v.errorf(child(np, "id"), "%q is not an AppSync API id (lowercase letters and digits, as in its ARN .../apis/ID)", e.ID)
		}
		if e.Endpoint == "" {
			v.missing(np, "endpoint", "missing endpoint: the GraphQL URL the SPA calls (aws_appsync_graphqlEndpoint in Gen 1's aws-exports.js)")
		} else if u, err := url.Parse(e.Endpoint); err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			v.errorf(child(np, "endpoint"), "%q is not an https:// URL such as https://abc.appsync-api.eu-west-1.amazonaws.com/graphql", e.Endpoint)
		} else if m := appSyncHostPattern.FindStringSubmatch(u.Host); m != nil && s.Region != "" && m[1] != s.Region {
			v.errorf(child(np, "endpoint"), "this GraphQL API is in %s but the stage deploys to %s; functions' grants and the SPA's configuration name the stage's region", m[1], s.Region)
		}
		if e.APIKey != nil {
			v.checkValueRef(child(np, "apiKey"), e.APIKey)
		}
	}
}

// checkValueRef checks that a reference names exactly one place.
func (v *validator) checkValueRef(p string, r *rawValueRef) {
	if r.plaintext {
		return // reported by the decoder
	}
	var set []string
	if r.SecretsManager != "" {
		set = append(set, "secretsManager")
	}
	if r.SSM != "" {
		set = append(set, "ssm")
	}
	if r.Stack != "" || r.Output != "" {
		set = append(set, "stack and output")
		switch {
		case r.Stack == "":
			v.missing(p, "stack", "missing stack: the deployed stack whose output %s holds the value", r.Output)
		case r.Output == "":
			v.missing(p, "output", "missing output: the output key of stack %s that holds the value, e.g. GraphQLAPIKeyOutput", r.Stack)
		case !stackNamePattern.MatchString(r.Stack):
			v.errorf(child(p, "stack"), "%q is not a CloudFormation stack name (letters, digits and hyphens, starting with a letter)", r.Stack)
		case !outputKeyPattern.MatchString(r.Output):
			v.errorf(child(p, "output"), "%q is not a CloudFormation output key (letters and digits)", r.Output)
		}
	}
	if r.JSONField != "" && r.SecretsManager == "" {
		v.errorf(child(p, "jsonField"), "jsonField selects a field of a Secrets Manager secret; add secretsManager or remove jsonField")
	}
	switch len(set) {
	case 0:
		v.errorf(p, "give where the value lives: { secretsManager: NAME }, { ssm: PARAMETER } or { stack: STACK, output: KEY }")
	case 1:
	default:
		v.errorf(p, "give one place for the value, not %s", strings.Join(set, ", "))
	}
}

// functionAccess resolves a function's grants: storage, the user pool, GraphQL APIs.
func (v *validator) functionAccess(fp string, fn *Function, access rawAccess) {
	var targets []string
	targets = append(targets, slices.Sorted(maps.Keys(v.raw.Storage))...)
	targets = append(targets, slices.Sorted(maps.Keys(v.raw.GraphQL))...)
	targets = append(targets, UserPoolAccessKey)
	for _, key := range slices.Sorted(maps.Keys(access)) {
		ap := child(child(fp, "access"), key)
		list := access[key]
		_, isStorage := v.raw.Storage[key]
		_, isGraphQL := v.raw.GraphQL[key]
		switch {
		case key == UserPoolAccessKey:
			fn.UserPoolAccess = v.userPoolActions(ap, list)
		case isStorage:
			fn.Access = append(fn.Access, StorageGrant{Storage: key, Actions: v.actionList(ap, list)})
		case isGraphQL:
			if g, ok := v.graphQLGrant(ap, key, list); ok {
				fn.GraphQLAccess = append(fn.GraphQLAccess, g)
			}
		default:
			v.errorf(ap, "%q is not a storage, a GraphQL API (under graphql) or userPool%s", key, didYouMean(key, targets))
		}
	}
	// The access entries set Amplify Gen 1's variables; the spec setting one too would be ambiguous.
	set := map[string]string{}
	if len(fn.UserPoolAccess) > 0 {
		set[UserPoolIDEnv(cmp.Or(v.userPool.Name, UserPoolAccessKey))] = "access.userPool"
	}
	for _, g := range fn.GraphQLAccess {
		id, endpoint := GraphQLEnv(g.API)
		set[id], set[endpoint] = "access."+g.API, "access."+g.API
	}
	for _, e := range fn.Environment {
		if from, ok := set[e.Name]; ok {
			v.errorf(child(child(fp, "environment"), e.Name), "underhood sets %s for %s; remove it here", e.Name, from)
		}
	}
}

func (v *validator) userPoolActions(ap string, list []string) []string {
	if v.userPool == nil {
		v.errorf(ap, "there is no auth.userPool to grant access to; add it, or remove this access")
		return nil
	}
	if len(list) == 0 {
		v.errorf(ap, "no actions; list the Cognito actions the function calls on the pool, e.g. [AdminGetUser, ListUsers]")
	}
	var out []string
	for i, a := range list {
		name := strings.TrimPrefix(a, "cognito-idp:")
		ip := index(ap, i)
		switch {
		case strings.Contains(name, "*"):
			v.errorf(ip, "%q: wildcards are not allowed (least privilege); list each action the function calls", a)
		case slices.Contains(CognitoUnsignedActions, name):
			v.errorf(ip, "%s is not authorized by IAM (Cognito takes it unauthenticated or with the user's own token), so a grant changes nothing; remove it", name)
		case !IsCognitoUserPoolAction(name):
			v.errorf(ip, "%q is not a Cognito user pool action%s", a, didYouMean(name, CognitoUserPoolActions))
		default:
			out = append(out, name)
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

func (v *validator) graphQLGrant(ap, api string, list []string) (GraphQLGrant, bool) {
	g := GraphQLGrant{API: api}
	if len(list) == 0 {
		v.errorf(ap, "no actions; give some of [query, mutation, subscription]")
	}
	for i, a := range list {
		v.enum(index(ap, i), "GraphQL access", a, GraphQLTypeActions())
	}
	for _, a := range GraphQLTypeActions() {
		if slices.Contains(list, a) {
			g.Types = append(g.Types, GraphQLType(a))
		}
	}
	var e *rawExistingGraphQL
	if v.existing != nil {
		e = v.existing.GraphQL[api]
	}
	if e != nil && e.ID == "" {
		v.errorf(ap, "the grant names the API by its id, and stages.%s.existing.graphql.%s has none; add its id (the last part of the API's ARN)", v.stageName, api)
		return g, false
	}
	return g, e != nil
}

// orderedSet copies a list without duplicates, keeping the first occurrence's order.
func orderedSet(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

package amplify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// Functions' Cognito and AppSync permissions. amplify-cli writes them into the function's template
// (AmplifyResourcesPolicy for function-parameters.json permissions, lambdaexecutionpolicy for
// AdminQueries) and, for Cognito triggers, into the auth resource's permissions; the import turns
// them into access.userPool and access.<graphql API> entries, and what the spec cannot express into
// IAM statements for the team to add.

var graphQLTypeARN = regexp.MustCompile(`/types/(Query|Mutation|Subscription)/\*$`)

// hasCognitoStatement reports whether the function's template grants cognito-idp actions.
func (b *builder) hasCognitoStatement(f *fnOut) bool {
	for _, st := range f.policies {
		for _, a := range st.actions {
			if strings.HasPrefix(a, "cognito-idp:") {
				return true
			}
		}
	}
	return false
}

// functionPolicies translates the template's Cognito and AppSync statements.
func (b *builder) functionPolicies(f *fnOut) {
	for _, st := range f.policies {
		res := string(st.resource)
		src := from(f.tmplFile, "Resources."+st.policy)
		var cognito, appsync, other []string
		for _, a := range st.actions {
			switch {
			case strings.HasPrefix(a, "cognito-idp:"):
				cognito = append(cognito, a)
			case strings.HasPrefix(a, "appsync:"):
				appsync = append(appsync, a)
			case strings.HasPrefix(a, "cognito-identity:"), strings.HasPrefix(a, "cognito-sync:"), strings.HasPrefix(a, "iam:"), strings.HasPrefix(a, "mobiletargeting:"):
				other = append(other, a)
			}
		}
		if len(cognito) > 0 {
			a := b.auth
			if a == nil || !strings.Contains(res, `"auth`+a.amp+`UserPoolId"`) {
				b.handPolicy(f, cognito, st.resource, "its Cognito statement ("+src+") is not on the app's user pool")
			} else {
				b.addCognito(f, cognito, st.resource, src)
			}
		}
		if len(appsync) > 0 {
			b.functionAppSync(f, appsync, st.resource, src)
		}
		if len(other) > 0 {
			b.handPolicy(f, other, st.resource, "the spec grants functions no "+strings.Join(serviceNames(other), ", ")+" actions ("+src+")")
		}
	}
}

// addCognito adds Amplify's cognito-idp actions on the app's pool to access.userPool: wildcards are
// expanded to the user pool actions they match, actions IAM does not authorize are dropped, and
// actions that need another resource go to the hand-made policy.
func (b *builder) addCognito(f *fnOut, actions []string, resource json.RawMessage, src string) {
	var unsigned, expanded, hand []string
	added := 0
	for _, raw := range actions {
		name := strings.TrimPrefix(raw, "cognito-idp:")
		switch {
		case strings.Contains(name, "*"):
			re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(name), `\*`, ".*") + "$")
			var match []string
			for _, x := range spec.CognitoUserPoolActions {
				if re.MatchString(x) {
					match = append(match, x)
				}
			}
			expanded = append(expanded, fmt.Sprintf("%s (%d actions)", raw, len(match)))
			for _, x := range match {
				f.cognito, added = appendUnique(f.cognito, x), added+1
			}
		case slices.Contains(spec.CognitoUnsignedActions, name):
			unsigned = append(unsigned, name)
		case spec.IsCognitoUserPoolAction(name):
			f.cognito, added = appendUnique(f.cognito, name), added+1
		default:
			hand = append(hand, raw)
		}
	}
	slices.Sort(f.cognito)
	if added > 0 {
		f.cognitoFrom = appendUnique(f.cognitoFrom, src)
		b.auth.userPoolAccess = true
	}
	if len(expanded) > 0 {
		f.res.approx("Amplify granted %s on the user pool: the spec lists actions one by one, so they are expanded to the user pool actions they match", strings.Join(expanded, ", "))
	}
	if len(unsigned) > 0 {
		f.res.note("Amplify also granted %s: Cognito does not authorize them with IAM (they are called unauthenticated or with a user's token), so access.userPool leaves them out and nothing changes", strings.Join(unsigned, ", "))
	}
	if len(hand) > 0 {
		b.handPolicy(f, hand, json.RawMessage(`"*"`), "these Cognito actions act on no user pool (they need Resource \"*\"), and the spec grants only actions on the app's pool ("+src+")")
	}
}

// functionAppSync turns appsync:GraphQL on an API's types into access.<api>; anything else is hand work.
func (b *builder) functionAppSync(f *fnOut, actions []string, resource json.RawMessage, src string) {
	var resources []json.RawMessage
	if json.Unmarshal(resource, &resources) != nil {
		resources = []json.RawMessage{resource}
	}
	for _, q := range b.graphqlByRef(resource) {
		if !slices.Equal(actions, []string{"appsync:GraphQL"}) {
			continue
		}
		var types []string
		ok := true
		for _, r := range resources {
			m := graphQLTypeARN.FindStringSubmatch(flattenJSON(r))
			if m == nil {
				ok = false
				break
			}
			types = append(types, strings.ToLower(m[1]))
		}
		if !ok {
			break
		}
		if q.id == "" {
			f.res.approx("it may call GraphQL API %s (%s), but the API's id is not known to the import, so the spec cannot grant it: import again with %s %s=API_ID or --from-stack", q.amp, strings.Join(types, ", "), FlagExisting, q.amp)
			b.handPolicy(f, actions, resource, "the GraphQL API's id is not known to the import")
			return
		}
		g := f.graphql[q.amp]
		for _, t := range types {
			g.actions = appendUnique(g.actions, t)
		}
		slices.SortFunc(g.actions, func(x, y string) int {
			return slices.Index(spec.GraphQLTypeActions(), x) - slices.Index(spec.GraphQLTypeActions(), y)
		})
		g.from = src + ": appsync:GraphQL on " + strings.Join(typeNames(g.actions), ", ")
		f.graphql[q.amp] = g
		return
	}
	why := "the spec grants only appsync:GraphQL on a referenced GraphQL API's Query, Mutation and Subscription types"
	if m := apiRef.FindStringSubmatch(string(resource)); m != nil && len(b.graphqlByRef(resource)) == 0 && slices.Equal(actions, []string{"appsync:GraphQL"}) {
		why = "GraphQL API " + m[1] + " is not referenced by the spec (see its entry)"
	}
	b.handPolicy(f, actions, resource, why+" ("+src+")")
}

// apiRef is an AppSync API's id in a template: Ref api<name>GraphQLAPIIdOutput.
var apiRef = regexp.MustCompile(`"api([A-Za-z0-9]+)GraphQLAPIIdOutput"`)

// functionGraphQLParam handles function-parameters.json's api permissions when the template grants
// nothing (Query, Mutation and Subscription name the types; older create/read/update/delete do not).
func (b *builder) functionGraphQLParam(f *fnOut, api string, ops []string, src string) {
	if _, ok := f.graphql[api]; ok {
		return
	}
	for _, st := range f.policies {
		if slices.ContainsFunc(st.actions, func(a string) bool { return strings.HasPrefix(a, "appsync:") }) {
			return // translated from the template (functionPolicies)
		}
	}
	q := byAmpName(b.graphql, api)
	var types []string
	for _, op := range ops {
		if t := strings.ToLower(op); spec.GraphQLType(t) != "" {
			types = append(types, t)
		}
	}
	switch {
	case q == nil:
		f.res.approx("it may call GraphQL API %s (%s), which the spec does not reference (see the API's entry): no grant", api, strings.Join(ops, ", "))
	case len(types) == 0:
		f.res.approx("it may %s GraphQL API %s (%s), which names no GraphQL type: no grant; list query, mutation or subscription under access.%s", strings.Join(ops, "/"), api, src, q.name)
	case q.id == "":
		f.res.approx("it may call GraphQL API %s (%s), but the API's id is not known to the import: import again with %s %s=API_ID or --from-stack", api, strings.Join(types, ", "), FlagExisting, api)
	default:
		f.graphql[api] = grant{actions: types, from: src}
	}
}

// graphqlByRef lists the referenced GraphQL APIs a statement resource names (Ref api<name>GraphQLAPIIdOutput).
func (b *builder) graphqlByRef(resource json.RawMessage) []*graphQLOut {
	var out []*graphQLOut
	for _, q := range b.graphql {
		if strings.Contains(string(resource), `"api`+q.amp+`GraphQLAPIIdOutput"`) {
			out = append(out, q)
		}
	}
	return out
}

// handPolicy records a statement the spec cannot express, with the ids the import knows filled in.
func (b *builder) handPolicy(f *fnOut, actions []string, resource json.RawMessage, why string) {
	st := map[string]any{"Effect": "Allow", "Action": actions, "Resource": b.evalResource(resource)}
	f.hand = append(f.hand, handPolicy{Statement: compactJSON(st), Why: why})
	f.res.approx("its role had %s, which the spec cannot grant (%s): the report gives the IAM statement to add to its role", strings.Join(actions, ", "), why)
}

// evalResource renders a template Resource with the values the import knows (the region, the
// existing pool's and API's ids) and placeholders for the rest.
func (b *builder) evalResource(raw json.RawMessage) any {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	var eval func(v any) any
	eval = func(v any) any {
		switch x := v.(type) {
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = eval(e)
			}
			return out
		case map[string]any:
			if ref, ok := x["Ref"].(string); ok {
				return b.refValue(ref)
			}
			if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
				sep, _ := j[0].(string)
				parts, _ := j[1].([]any)
				var sb []string
				for _, p := range parts {
					sb = append(sb, fmt.Sprint(eval(p)))
				}
				return strings.Join(sb, sep)
			}
			if s, ok := x["Fn::Sub"].(string); ok {
				return s
			}
		}
		return v
	}
	return eval(v)
}

// refValue is a template Ref's value as far as the import knows it.
func (b *builder) refValue(ref string) string {
	switch ref {
	case "AWS::Region":
		return cmp.Or(b.region, "REGION")
	case "AWS::AccountId":
		return "ACCOUNT_ID"
	case "AWS::Partition":
		return "aws"
	case "env":
		return b.p.env
	}
	if a := b.auth; a != nil && ref == "auth"+a.amp+"UserPoolId" {
		return cmp.Or(a.existingPool, "USER_POOL_ID")
	}
	for _, q := range b.graphql {
		if ref == "api"+q.amp+"GraphQLAPIIdOutput" {
			return cmp.Or(q.id, "GRAPHQL_API_ID")
		}
	}
	if strings.HasPrefix(ref, "api") && strings.HasSuffix(ref, "GraphQLAPIIdOutput") {
		return "GRAPHQL_API_ID"
	}
	return "<" + ref + ">"
}

// flattenJSON concatenates the strings of a JSON value (a Fn::Join's parts) for pattern matching.
func flattenJSON(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	var sb strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			sb.WriteString(x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
				walk(j[1])
			}
		}
	}
	walk(v)
	return sb.String()
}

func serviceNames(actions []string) []string {
	var out []string
	for _, a := range actions {
		svc, _, _ := strings.Cut(a, ":")
		out = appendUnique(out, svc)
	}
	return out
}

func typeNames(actions []string) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = spec.GraphQLType(a)
	}
	return out
}

// keyWhere says where underhood config reads the API key.
func (q *graphQLOut) keyWhere() string {
	switch {
	case q.key == nil:
		return "the API has no api-key mode in the spec"
	case q.key.Stack != "":
		return "output " + q.key.Output + " of stack " + q.key.Stack
	}
	return "Secrets Manager secret " + q.key.SecretsManager
}

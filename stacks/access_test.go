package stacks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// accessSpec: functions with Cognito and GraphQL access, on a created pool (dev) and on an existing
// pool (prod), and one function without either.
const accessSpec = `
version: 1
app: gen1
stages:
  dev:
    region: eu-west-1
    existing:
      graphql:
        radar: { id: devapiid0123456789abcdefgh, endpoint: "https://devhost.appsync-api.eu-west-1.amazonaws.com/graphql" }
  prod:
    region: eu-west-1
    existing:
      userPool: { id: eu-west-1_AbC123xyz, clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u }
      graphql:
        radar: { id: prodapiid0123456789abcdefg, endpoint: "https://prodhost.appsync-api.eu-west-1.amazonaws.com/graphql" }
auth:
  userPool:
    name: radar7713fa94
    signInWith: [email]
    groups: { admins: { precedence: 1 } }
    triggers: { postConfirmation: addToGroup }
graphql:
  radar: { authorization: [user-pool] }
functions:
  adminQueries:
    runtime: nodejs
    source: functions/welcome
    access:
      userPool: [ListUsersInGroup, AdminAddUserToGroup, AdminGetUser]
  addToGroup:
    runtime: nodejs
    source: functions/welcome
    access:
      userPool: [AdminAddUserToGroup, GetGroup, CreateGroup]
      radar: [query, mutation]
  plain: { runtime: nodejs, source: functions/welcome }
`

func TestFunctionCognitoAndGraphQLAccess(t *testing.T) {
	dir := "../examples/photoshare"
	var apps []*spec.App
	for _, stage := range []string{"dev", "prod"} {
		app, err := spec.Parse("app.yaml", dir, []byte(accessSpec), stage)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, app)
	}
	out := synthApps(t, apps) // with cdk-nag: the appsync wildcards must be accepted, nothing else
	poolArnProd := `{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":cognito-idp:eu-west-1:",{"Ref":"AWS::AccountId"},":userpool/eu-west-1_AbC123xyz"]]}`
	for _, tt := range []struct {
		stack, poolArn, poolID, apiID, endpoint string
	}{
		{"gen1-dev", `{"Fn::GetAtt":["UserPoolDAD9161D","Arn"]}`, `{"Ref":"UserPoolDAD9161D"}`, "devapiid0123456789abcdefgh", "https://devhost.appsync-api.eu-west-1.amazonaws.com/graphql"},
		{"gen1-prod", poolArnProd, `"eu-west-1_AbC123xyz"`, "prodapiid0123456789abcdefg", "https://prodhost.appsync-api.eu-west-1.amazonaws.com/graphql"},
	} {
		t.Run(tt.stack, func(t *testing.T) {
			tp := parseTemplate(t, out[tt.stack])
			if ids := append(tp.ofType("AWS::AppSync::GraphQLApi"), tp.ofType("AWS::AppSync::ApiKey")...); len(ids) > 0 {
				t.Errorf("the GraphQL API is referenced, never created: %v", ids)
			}
			fns := functionsByName(t, tp)
			statements := tp.allowStatements(t)
			grants := func(fn string) map[string][]string { // action -> resources (JSON)
				out := map[string][]string{}
				role := roleOf(t, tp, fns[fn])
				for _, st := range statements {
					// The role's inline policy, or a policy of its own attached to it (a trigger's grant on
					// the pool that calls it: inline, it would be a dependency cycle).
					attached := false
					if r := tp.Resources[st.where]; r.Type == "AWS::IAM::Policy" {
						attached = strings.Contains(string(mustJSON(t, r.Properties["Roles"])), `{"Ref":"`+role+`"}`)
					}
					if st.where != role && !attached {
						continue
					}
					for _, a := range st.actions {
						if strings.HasPrefix(a, "cognito-idp:") || strings.HasPrefix(a, "appsync:") {
							out[a] = append(out[a], st.resources...)
						}
					}
				}
				return out
			}
			apiArn := func(typ string) string {
				return `{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":appsync:eu-west-1:",{"Ref":"AWS::AccountId"},":apis/` + tt.apiID + `/types/` + typ + `/*"]]}`
			}
			cases := []struct {
				fn   string
				want map[string][]string
			}{
				{"adminQueries", map[string][]string{
					"cognito-idp:AdminAddUserToGroup": {tt.poolArn}, "cognito-idp:AdminGetUser": {tt.poolArn}, "cognito-idp:ListUsersInGroup": {tt.poolArn}}},
				{"addToGroup", map[string][]string{
					"cognito-idp:AdminAddUserToGroup": {tt.poolArn}, "cognito-idp:CreateGroup": {tt.poolArn}, "cognito-idp:GetGroup": {tt.poolArn},
					"appsync:GraphQL": {apiArn("Mutation"), apiArn("Query")}}},
				{"plain", map[string][]string{}},
			}
			for _, c := range cases {
				got := grants(c.fn)
				for a := range got {
					slices.Sort(got[a])
				}
				if !mapsEqual(got, c.want) {
					t.Errorf("%s: Cognito/AppSync grants\n got %v\nwant %v", c.fn, got, c.want)
				}
			}
			// Gen 1's variables, set from the access entries and nothing else.
			envOf := func(fn string) map[string]string {
				env := map[string]string{}
				vars, _ := tp.Resources[fns[fn]].Properties["Environment"].(map[string]any)
				if v, ok := vars["Variables"].(map[string]any); ok {
					for k, x := range v {
						env[k] = string(mustJSON(t, x))
					}
				}
				return env
			}
			wantEnv := []struct {
				fn, name, value string
			}{
				{"adminQueries", "AUTH_RADAR7713FA94_USERPOOLID", tt.poolID},
				// addToGroup handles the created pool's postConfirmation trigger: a variable naming that pool
				// would be a dependency cycle (the pool names the function), so it reads the event's userPoolId.
				{"addToGroup", "AUTH_RADAR7713FA94_USERPOOLID", map[bool]string{true: "", false: tt.poolID}[tt.stack == "gen1-dev"]},
				{"addToGroup", "API_RADAR_GRAPHQLAPIIDOUTPUT", `"` + tt.apiID + `"`},
				{"addToGroup", "API_RADAR_GRAPHQLAPIENDPOINTOUTPUT", `"` + tt.endpoint + `"`},
			}
			for _, w := range wantEnv {
				if got := envOf(w.fn)[w.name]; got != w.value {
					t.Errorf("%s: %s = %s, want %s", w.fn, w.name, got, w.value)
				}
			}
			if env := envOf("adminQueries"); env["API_RADAR_GRAPHQLAPIIDOUTPUT"] != "" {
				t.Errorf("adminQueries has no GraphQL access but got its variables: %v", env)
			}
			if env := envOf("plain"); len(env) != 0 {
				t.Errorf("plain has no access but got variables: %v", env)
			}
			for _, p := range leastPrivilegeProblems(tp, statements) {
				t.Error(p)
			}
		})
	}
}

// functionsByName maps each function's spec name to its AWS::Lambda::Function logical ID
// (Functions/<name>/... in the construct tree: the logical ID starts with Functions<name>).
func functionsByName(t *testing.T, tp *template) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range tp.ofType("AWS::Lambda::Function") {
		rest, ok := strings.CutPrefix(id, "Functions")
		if !ok {
			continue
		}
		for _, name := range []string{"adminQueries", "addToGroup", "plain"} {
			if strings.HasPrefix(rest, name) && !strings.HasPrefix(rest, name+"Log") {
				out[name] = id
			}
		}
	}
	if len(out) != 3 {
		t.Fatalf("functions found: %v", out)
	}
	return out
}

// roleOf is the logical ID of a function's execution role.
func roleOf(t *testing.T, tp *template, fn string) string {
	t.Helper()
	role, _ := tp.Resources[fn].Properties["Role"].(map[string]any)
	att, _ := role["Fn::GetAtt"].([]any)
	if len(att) != 2 {
		t.Fatalf("%s: role is %v", fn, tp.Resources[fn].Properties["Role"])
	}
	return att[0].(string)
}

func mapsEqual(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

package explain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// An existing resource is described as referenced, never as retained or created by the stack.
func TestExistingResources(t *testing.T) {
	const src = `
version: 1
app: adopt
stages:
  prod:
    region: eu-west-1
    existing:
      userPool: { id: eu-west-1_AbC123xyz, clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u }
      identityPool: { id: "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666" }
      storage: { files: adopt-files-prod, items: items-prod }
auth:
  userPool: { signInWith: [email] }
  identityPool: {}
storage:
  files: { type: s3, access: { private: { owner: [read, write] } } }
  items: { type: dynamodb, partitionKey: id:string }
`
	app, err := spec.Parse("app.yaml", t.TempDir(), []byte(src), "prod")
	if err != nil {
		t.Fatal(err)
	}
	md := string(Markdown(app, "app.yaml"))
	for _, want := range []string{
		"**Existing pool** `eu-west-1_AbC123xyz` (stage `prod`)", "the SPA keeps app client `4g5h6j7k8l9m0n1p2q3r4s5t6u`",
		"**Existing identity pool** `eu-west-1:0f3e5a7c-1111-2222-3333-444455556666`",
		"**Existing bucket** `adopt-files-prod`", "**Existing table** `items-prod`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("explanation lacks %q", want)
		}
	}
	if strings.Contains(md, "Retained (stage") {
		t.Errorf("an existing resource is not the stack's to retain:\n%s", md)
	}
}

// TestExistingPoolGroupRules: with an existing pool the identity pool picks group roles by rules in
// precedence order, the order stacks gives the rules; explain says so instead of cognito:preferred_role.
func TestExistingPoolGroupRules(t *testing.T) {
	const src = `
version: 1
app: adopt
stages:
  prod:
    region: eu-west-1
    existing:
      userPool: { id: eu-west-1_AbC123xyz, clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u }
auth:
  userPool:
    groups: { zeta: { precedence: 0 }, alpha: { precedence: 7 }, mid: { precedence: 3 } }
  identityPool: { groupRoles: true }
`
	app, err := spec.Parse("app.yaml", t.TempDir(), []byte(src), "prod")
	if err != nil {
		t.Fatal(err)
	}
	md := string(Markdown(app, "app.yaml"))
	for _, want := range []string{"Rule-based role mapping", "in precedence order (`zeta`, `mid`, `alpha`; the first match wins"} {
		if !strings.Contains(md, want) {
			t.Errorf("explanation lacks %q", want)
		}
	}
	if strings.Contains(md, "Token-based role mapping") {
		t.Errorf("an existing pool's groups carry no role ARN of this stack:\n%s", md)
	}
}

// A GraphQL API and a Pinpoint project the spec references are explained as referenced, with who calls
// the API how, and the functions' grants on the API and the user pool.
func TestReferencedGraphQLAndAnalytics(t *testing.T) {
	dir := t.TempDir()
	const src = `
version: 1
app: adopt
stages:
  prod:
    region: eu-west-1
    existing:
      userPool: { id: eu-west-1_AbC123xyz, clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u, domain: adopt.auth.eu-west-1.amazoncognito.com, responseType: token }
      graphql:
        radar: { id: abcdefgh, endpoint: "https://x.appsync-api.eu-west-1.amazonaws.com/graphql", apiKey: { stack: amplify-adopt-prod-1-apiradar-X, output: GraphQLAPIKeyOutput } }
      analytics: { appId: f489dae7eafa484daf7d93bc3421c7f1 }
auth:
  userPool:
    name: adopt1234
    signInWith: [email]
    hostedUI: { domainPrefix: adopt, callbackUrls: [http://localhost:3000/] }
graphql:
  radar: { authorization: [user-pool, api-key] }
functions:
  admin: { runtime: nodejs, source: ., access: { userPool: [ListUsers], radar: [query] } }
`
	if err := os.WriteFile(filepath.Join(dir, "index.js"), []byte("exports.handler = async () => ({});\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	app, err := spec.Parse("app.yaml", dir, []byte(src), "prod")
	if err != nil {
		t.Fatal(err)
	}
	md := string(Markdown(app, "app.yaml"))
	for _, want := range []string{
		"### AppSync GraphQL API `radar` (referenced)",
		"Referenced, not created",
		"**Callers authorize with** the user pool's tokens (`Authorization` header) by default, or an API key (the `x-api-key` header).",
		"reads it from output `GraphQLAPIKeyOutput` of stack `amplify-adopt-prod-1-apiradar-X`",
		"Function `admin` may run Query on it (`appsync:GraphQL` on `types/Query/*`)",
		"`API_RADAR_GRAPHQLAPIIDOUTPUT`",
		"### Amazon Pinpoint project (referenced)",
		"the analytics project `f489dae7eafa484daf7d93bc3421c7f1` in eu-west-1",
		"Its role may call `ListUsers` on the user pool (`functions.admin.access.userPool`), and it gets the pool id in `AUTH_ADOPT1234_USERPOOLID`.",
		"**Implicit grant:** the existing app client `4g5h6j7k8l9m0n1p2q3r4s5t6u` allows only the OAuth implicit grant",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("explanation lacks %q", want)
		}
	}
}

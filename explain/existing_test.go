package explain

import (
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

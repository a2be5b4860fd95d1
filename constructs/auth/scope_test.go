package auth_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/auth"
)

// TestConstructsAreScopes: a user pool and an identity pool are constructs callers can nest under: a
// resource added under one is its child in the tree, at the path (and so with the logical ID) it would
// have under a plain construct of the same id.
func TestConstructsAreScopes(t *testing.T) {
	app := awscdk.NewApp(nil)
	for _, tc := range []struct {
		id  string
		new func(scope constructs.Construct) constructs.Construct
	}{
		{"UserPool", func(s constructs.Construct) constructs.Construct { return auth.NewUserPool(s, "UserPool", nil) }},
		{"IdentityPool", func(s constructs.Construct) constructs.Construct {
			u := auth.NewUserPool(s, "Users", nil)
			return auth.NewIdentityPool(s, "IdentityPool", &auth.IdentityPoolProps{UserPool: u.Pool, Client: u.Client})
		}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			stack := awscdk.NewStack(app, jsii.String("S"+tc.id), nil)
			c := tc.new(stack)
			extra := awscdk.NewCfnWaitConditionHandle(c, jsii.String("Extra"), nil)
			if got, want := *extra.Node().Path(), "S"+tc.id+"/"+tc.id+"/Extra"; got != want {
				t.Errorf("path %s, want %s", got, want)
			}
			if extra.Node().Scope() != constructs.IConstruct(c) {
				t.Errorf("the child's scope is %v, not the construct itself", extra.Node().Scope())
			}
			plainStack := awscdk.NewStack(app, jsii.String("Plain"+tc.id), nil)
			plain := awscdk.NewCfnWaitConditionHandle(constructs.NewConstruct(plainStack, jsii.String(tc.id)), jsii.String("Extra"), nil)
			if got, want := *stack.GetLogicalId(extra), *plainStack.GetLogicalId(plain); got != want {
				t.Errorf("logical ID %s, want %s (as under a plain construct)", got, want)
			}
		})
	}
}

package auth_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/auth"
)

const (
	identityPoolType = "AWS::Cognito::IdentityPool"
	attachmentType   = "AWS::Cognito::IdentityPoolRoleAttachment"
	roleType         = "AWS::IAM::Role"
	policyType       = "AWS::IAM::Policy"
)

func statement(actions ...string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings("*"),
	})
}

// trust is the expected trust statement of an identity pool role.
func trust(stack awscdk.Stack, ip *auth.IdentityPool, amr string) obj {
	return obj{"Statement": exactly(obj{
		"Action":    "sts:AssumeRoleWithWebIdentity",
		"Effect":    "Allow",
		"Principal": obj{"Federated": "cognito-identity.amazonaws.com"},
		"Condition": obj{
			"StringEquals":           obj{"cognito-identity.amazonaws.com:aud": stack.Resolve(ip.IdentityPoolId())},
			"ForAnyValue:StringLike": obj{"cognito-identity.amazonaws.com:amr": amr},
		},
	})}
}

func TestIdentityPool(t *testing.T) {
	app := awscdk.NewApp(nil)
	destroy := awscdk.RemovalPolicy_DESTROY

	// Build every stack before the first synth.
	authStack := newStack(app, "IdpAuthOnly")
	up := auth.NewUserPool(authStack, "Auth", nil)
	authOnly := auth.NewIdentityPool(authStack, "Identity", &auth.IdentityPoolProps{UserPool: up.Pool, Client: up.Client})

	guestStack := newStack(app, "IdpGuest")
	upG := auth.NewUserPool(guestStack, "Auth", nil)
	guest := auth.NewIdentityPool(guestStack, "Identity", &auth.IdentityPoolProps{UserPool: upG.Pool, Client: upG.Client, GuestAccess: true, Removal: &destroy})
	guest.Guest().AddToPrincipalPolicy(statement("s3:GetObject"))

	groupStack := newStack(app, "IdpGroups")
	upGr := auth.NewUserPool(groupStack, "Auth", &auth.UserPoolProps{Groups: []auth.Group{{Name: "admins", Precedence: prec(1)}, {Name: "editors", Precedence: prec(5)}}})
	grouped := auth.NewIdentityPool(groupStack, "Identity", &auth.IdentityPoolProps{
		UserPool: upGr.Pool, Client: upGr.Client,
		Groups: []auth.GroupRole{{Name: "admins", Group: upGr.Group("admins")}, {Name: "editors", Group: upGr.Group("editors")}},
	})
	grouped.Authenticated().AddToPrincipalPolicy(statement("execute-api:Invoke"))
	grouped.Authenticated().AddToPrincipalPolicy(statement("s3:PutObject"))
	grouped.GroupGrantee("admins").AddToPrincipalPolicy(statement("dynamodb:DeleteItem"))

	badStack := newStack(app, "IdpBad")
	bad := auth.NewIdentityPool(badStack, "Identity", nil)
	upB := auth.NewUserPool(badStack, "Auth", nil)
	auth.NewIdentityPool(badStack, "Identity2", &auth.IdentityPoolProps{UserPool: upB.Pool, Client: upB.Client,
		Groups: []auth.GroupRole{{Name: "ghost"}}})

	// Token-based mapping with tied precedences would give members of both groups no group role.
	tieStack := newStack(app, "IdpTies")
	upT := auth.NewUserPool(tieStack, "Auth", &auth.UserPoolProps{Groups: []auth.Group{
		{Name: "a", Precedence: prec(1)}, {Name: "b", Precedence: prec(1)}, {Name: "c"}}})
	auth.NewIdentityPool(tieStack, "Identity", &auth.IdentityPoolProps{UserPool: upT.Pool, Client: upT.Client,
		Groups: []auth.GroupRole{{Name: "a", Group: upT.Group("a")}, {Name: "b", Group: upT.Group("b")}, {Name: "c", Group: upT.Group("c")}}})

	t.Run("AuthenticatedOnly", func(t *testing.T) {
		noErrors(t, authStack)
		tpl := assertions.Template_FromStack(authStack, nil)
		hasResource(t, tpl, identityPoolType, obj{
			"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
			"Properties": like(obj{
				"AllowUnauthenticatedIdentities": false,
				"CognitoIdentityProviders": exactly(obj{
					"ClientId":             authStack.Resolve(up.Client.UserPoolClientId()),
					"ProviderName":         obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^AuthPool")), "ProviderName"}},
					"ServerSideTokenCheck": true,
				}),
			}),
		})
		// No guest role: only the authenticated role (the user pool makes none here).
		count(t, tpl, roleType, 1)
		hasProps(t, tpl, roleType, obj{"AssumeRolePolicyDocument": trust(authStack, authOnly, "authenticated")})
		hasProps(t, tpl, attachmentType, obj{
			"IdentityPoolId": authStack.Resolve(authOnly.IdentityPoolId()),
			"Roles":          obj{"authenticated": authStack.Resolve(authOnly.AuthenticatedRole.RoleArn())},
			"RoleMappings":   assertions.Match_Absent(),
		})
		// No statement granted: no empty policy synthesized.
		count(t, tpl, policyType, 0)
		if authOnly.GuestRole != nil || authOnly.Guest() != nil {
			t.Error("no guest role/grantee without GuestAccess")
		}
		if authOnly.GroupRole("x") != nil || authOnly.GroupGrantee("x") != nil {
			t.Error("unknown group must give nil")
		}
	})

	t.Run("Guest", func(t *testing.T) {
		noErrors(t, guestStack)
		tpl := assertions.Template_FromStack(guestStack, nil)
		hasResource(t, tpl, identityPoolType, obj{
			"DeletionPolicy": "Delete",
			"Properties":     like(obj{"AllowUnauthenticatedIdentities": true}),
		})
		count(t, tpl, roleType, 2)
		hasProps(t, tpl, roleType, obj{"AssumeRolePolicyDocument": trust(guestStack, guest, "unauthenticated")})
		hasProps(t, tpl, roleType, obj{"AssumeRolePolicyDocument": trust(guestStack, guest, "authenticated")})
		hasProps(t, tpl, attachmentType, obj{"Roles": obj{
			"authenticated":   guestStack.Resolve(guest.AuthenticatedRole.RoleArn()),
			"unauthenticated": guestStack.Resolve(guest.GuestRole.RoleArn()),
		}})
		// The guest role's own grants are its inline policy, not a separate AWS::IAM::Policy.
		hasProps(t, tpl, roleType, obj{
			"AssumeRolePolicyDocument": trust(guestStack, guest, "unauthenticated"),
			"Policies": exactly(obj{
				"PolicyName":     auth.RolePolicyName,
				"PolicyDocument": like(obj{"Statement": exactly(like(obj{"Action": "s3:GetObject"}))}),
			}),
		})
		// No grant to the authenticated role: no inline policy (an empty one fails deployment).
		hasProps(t, tpl, roleType, obj{
			"AssumeRolePolicyDocument": trust(guestStack, guest, "authenticated"),
			"Policies":                 assertions.Match_Absent(),
		})
		count(t, tpl, policyType, 0)
	})

	t.Run("Groups", func(t *testing.T) {
		noErrors(t, groupStack)
		tpl := assertions.Template_FromStack(groupStack, nil)
		admins, editors := grouped.GroupRole("admins"), grouped.GroupRole("editors")
		if admins == nil || editors == nil {
			t.Fatal("GroupRole must return the group roles")
		}
		count(t, tpl, roleType, 3)
		hasProps(t, tpl, "AWS::Cognito::UserPoolGroup", obj{"GroupName": "admins", "Precedence": 1, "RoleArn": groupStack.Resolve(admins.RoleArn())})
		hasProps(t, tpl, "AWS::Cognito::UserPoolGroup", obj{"GroupName": "editors", "Precedence": 5, "RoleArn": groupStack.Resolve(editors.RoleArn())})
		check(t, "group roles trust authenticated identities", func() {
			tpl.ResourcePropertiesCountIs(jsii.String(roleType),
				like(obj{"AssumeRolePolicyDocument": trust(groupStack, grouped, "authenticated")}), jsii.Number(3))
		})
		hasProps(t, tpl, attachmentType, obj{
			"Roles": obj{"authenticated": groupStack.Resolve(grouped.AuthenticatedRole.RoleArn())},
			"RoleMappings": obj{"userpool": obj{
				"Type":                    "Token",
				"AmbiguousRoleResolution": "AuthenticatedRole",
				"IdentityProvider": obj{"Fn::Join": arr{"", arr{
					obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^AuthPool")), "ProviderName"}},
					":",
					groupStack.Resolve(upGr.Client.UserPoolClientId()),
				}}},
			}},
		})
		// Authenticated() statements reach the authenticated role and every
		// group role through one shared policy.
		hasProps(t, tpl, policyType, obj{
			"Roles": exactly(
				groupStack.Resolve(grouped.AuthenticatedRole.RoleName()),
				groupStack.Resolve(admins.RoleName()),
				groupStack.Resolve(editors.RoleName()),
			),
			"PolicyDocument": like(obj{"Statement": exactly(
				like(obj{"Action": "execute-api:Invoke"}),
				like(obj{"Action": "s3:PutObject"}),
			)}),
		})
		// GroupGrantee reaches that group's role only, in the role's inline policy; the editors role has
		// no grant of its own, so no inline policy.
		tplJSON := templateJSON(t, tpl)
		adminsID := groupStack.Resolve(admins.RoleName()).(map[string]any)["Ref"].(string)
		editorsID := groupStack.Resolve(editors.RoleName()).(map[string]any)["Ref"].(string)
		check(t, "admins role's inline policy", func() {
			tpl.TemplateMatches(like(obj{"Resources": like(obj{adminsID: like(obj{"Properties": like(obj{
				"Policies": exactly(obj{
					"PolicyName":     auth.RolePolicyName,
					"PolicyDocument": like(obj{"Statement": exactly(like(obj{"Action": "dynamodb:DeleteItem"}))}),
				}),
			})})})}))
		})
		check(t, "editors role has no inline policy", func() {
			tpl.TemplateMatches(like(obj{"Resources": like(obj{editorsID: like(obj{"Properties": like(obj{
				"Policies": assertions.Match_Absent(),
			})})})}))
		})
		if strings.Count(tplJSON, "dynamodb:DeleteItem") != 1 {
			t.Errorf("the group grant must be in exactly one place: %s", tplJSON)
		}
		// Only the shared policy is a separate resource.
		count(t, tpl, policyType, 1)
	})

	t.Run("TiedPrecedence", func(t *testing.T) {
		e := errorsOf(tieStack)
		for _, want := range []string{`groups "a" and "b" have the same Precedence 1`, `group role "c": its group has no Precedence`} {
			if !strings.Contains(e, want) {
				t.Errorf("want error %q, got %q", want, e)
			}
		}
	})

	t.Run("BadProps", func(t *testing.T) {
		if bad.Pool == nil || bad.AuthenticatedRole == nil {
			t.Error("nil props must still build the construct")
		}
		e := errorsOf(badStack)
		for _, want := range []string{"needs UserPool and Client", "group role \"ghost\" needs its CfnUserPoolGroup"} {
			if !strings.Contains(e, want) {
				t.Errorf("want error %q, got %q", want, e)
			}
		}
	})
}

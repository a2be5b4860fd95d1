package auth_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/auth"
)

// TestUserPoolPasswordless: the sign-in policy, WebAuthn settings and the client's ALLOW_USER_AUTH on the
// synthesized resources, and what CDK would throw on reported as errors instead.
func TestUserPoolPasswordless(t *testing.T) {
	app := awscdk.NewApp(nil)
	ses := &auth.EmailSender{From: "no-reply@example.org", SESRegion: "eu-west-1"}
	cases := []struct {
		name       string
		props      auth.UserPoolProps
		pool       obj
		clientAuth []interface{}
		smsRole    bool
	}{
		{"EveryFactor", auth.UserPoolProps{EmailSender: ses, Passwordless: &auth.Passwordless{EmailOTP: true, SMSOTP: true,
			Passkeys: &auth.Passkeys{RelyingPartyID: "example.org", UserVerificationRequired: true}}},
			obj{"Policies": like(obj{"SignInPolicy": obj{"AllowedFirstAuthFactors": exactly("PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")}}),
				"WebAuthnRelyingPartyID": "example.org", "WebAuthnUserVerification": "required", "UserPoolTier": "ESSENTIALS",
				"AutoVerifiedAttributes": exactly("email", "phone_number")},
			[]interface{}{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, true},
		{"PasskeysPlus", auth.UserPoolProps{FeaturePlan: "plus", Passwordless: &auth.Passwordless{Passkeys: &auth.Passkeys{RelyingPartyID: "example.org"}}},
			obj{"Policies": like(obj{"SignInPolicy": obj{"AllowedFirstAuthFactors": exactly("PASSWORD", "WEB_AUTHN")}}),
				"WebAuthnUserVerification": "preferred", "UserPoolTier": "PLUS", "SmsConfiguration": assertions.Match_Absent()},
			[]interface{}{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, false},
		{"None", auth.UserPoolProps{},
			obj{"Policies": like(obj{"SignInPolicy": assertions.Match_Absent()}), "WebAuthnRelyingPartyID": assertions.Match_Absent()},
			[]interface{}{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, false},
	}
	bad := []struct {
		name  string
		props auth.UserPoolProps
		want  string
	}{
		{"Lite", auth.UserPoolProps{FeaturePlan: "lite", Passwordless: &auth.Passwordless{SMSOTP: true}}, "needs FeaturePlan essentials or plus"},
		{"EmailNoSES", auth.UserPoolProps{Passwordless: &auth.Passwordless{EmailOTP: true}}, "EmailOTP needs EmailSender"},
		{"NoRelyingParty", auth.UserPoolProps{Passwordless: &auth.Passwordless{Passkeys: &auth.Passkeys{}}}, "needs a RelyingPartyID"},
	}
	stacks := map[string]awscdk.Stack{}
	for _, c := range cases {
		stacks[c.name] = newStack(app, "Pwl"+c.name)
		props := c.props
		auth.NewUserPool(stacks[c.name], "Auth", &props)
	}
	for _, c := range bad {
		stacks[c.name] = newStack(app, "PwlBad"+c.name)
		props := c.props
		auth.NewUserPool(stacks[c.name], "Auth", &props)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			noErrors(t, stacks[c.name])
			tpl := assertions.Template_FromStack(stacks[c.name], nil)
			hasProps(t, tpl, poolType, c.pool)
			hasProps(t, tpl, "AWS::Cognito::UserPoolClient", obj{"ExplicitAuthFlows": exactly(c.clientAuth...)})
			if c.smsRole {
				count(t, tpl, "AWS::IAM::Role", 1)
			} else {
				count(t, tpl, "AWS::IAM::Role", 0)
			}
		})
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if e := errorsOf(stacks[c.name]); !strings.Contains(e, c.want) {
				t.Errorf("want error containing %q, got %q", c.want, e)
			}
		})
	}
}

// TestUserPoolTokenTriggerV2: a V2_0 pre token generation trigger is the pool's PreTokenGenerationConfig
// with its version; any other operation with a version is an error, not CDK's throw.
func TestUserPoolTokenTriggerV2(t *testing.T) {
	app := awscdk.NewApp(nil)
	fn := func(stack awscdk.Stack) awslambda.IFunction {
		return awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
			Runtime: awslambda.Runtime_NODEJS_22_X(), Handler: jsii.String("index.handler"),
			Code: awslambda.Code_FromInline(jsii.String("exports.handler = async (e) => e;")),
		})
	}
	good, bad := newStack(app, "TokenV2"), newStack(app, "TokenV2Bad")
	auth.NewUserPool(good, "Auth", &auth.UserPoolProps{Triggers: []auth.Trigger{{Operation: "preTokenGeneration", Function: fn(good), LambdaVersion: auth.TriggerV2}}})
	auth.NewUserPool(bad, "Auth", &auth.UserPoolProps{Triggers: []auth.Trigger{{Operation: "postConfirmation", Function: fn(bad), LambdaVersion: auth.TriggerV2}}})
	noErrors(t, good)
	tpl := assertions.Template_FromStack(good, nil)
	hasProps(t, tpl, poolType, obj{"LambdaConfig": obj{"PreTokenGenerationConfig": obj{"LambdaArn": assertions.Match_AnyValue(), "LambdaVersion": "V2_0"}}})
	count(t, tpl, "AWS::Lambda::Permission", 1)
	if e := errorsOf(bad); !strings.Contains(e, "supported on preTokenGeneration only") {
		t.Errorf("want the version error, got %q", e)
	}
}

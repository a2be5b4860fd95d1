package auth_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/auth"
)

const (
	poolType   = "AWS::Cognito::UserPool"
	clientType = "AWS::Cognito::UserPoolClient"
)

// assertSafeClient checks the SPA client invariants that must hold with and
// without the hosted UI.
func assertSafeClient(t *testing.T, tpl assertions.Template) {
	t.Helper()
	count(t, tpl, clientType, 1)
	hasProps(t, tpl, clientType, obj{
		"GenerateSecret":             false,
		"ExplicitAuthFlows":          exactly("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
		"PreventUserExistenceErrors": "ENABLED",
	})
	js := templateJSON(t, tpl)
	for _, bad := range []string{"implicit", "example.com", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", `"GenerateSecret":true`} {
		if strings.Contains(js, bad) {
			t.Errorf("template contains %q", bad)
		}
	}
}

func TestUserPoolDefaults(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := newStack(app, "Defaults")
	up := auth.NewUserPool(stack, "Auth", nil)
	tpl := assertions.Template_FromStack(stack, nil)
	noErrors(t, stack)

	hasResource(t, tpl, poolType, obj{
		"DeletionPolicy":      "Retain",
		"UpdateReplacePolicy": "Retain",
		"Properties": like(obj{
			"UsernameAttributes":     exactly("email"),
			"AliasAttributes":        assertions.Match_Absent(),
			"AutoVerifiedAttributes": exactly("email"),
			"UsernameConfiguration":  obj{"CaseSensitive": false},
			"Policies": obj{"PasswordPolicy": like(obj{
				"MinimumLength": 8, "RequireLowercase": true, "RequireUppercase": true,
				"RequireNumbers": true, "RequireSymbols": true,
			})},
			"MfaConfiguration":       "OFF",
			"EnabledMfas":            assertions.Match_Absent(),
			"AccountRecoverySetting": obj{"RecoveryMechanisms": exactly(obj{"Name": "verified_email", "Priority": 1})},
			"DeletionProtection":     "ACTIVE",
			"UserPoolTier":           "ESSENTIALS",
			"AdminCreateUserConfig":  like(obj{"AllowAdminCreateUserOnly": true}),
		}),
	})
	// Without hosted UI: OAuth disabled, no domain.
	hasProps(t, tpl, clientType, obj{
		"AllowedOAuthFlowsUserPoolClient": false,
		"AllowedOAuthFlows":               assertions.Match_Absent(),
		"CallbackURLs":                    assertions.Match_Absent(),
		"SupportedIdentityProviders":      exactly("COGNITO"),
	})
	assertSafeClient(t, tpl)
	count(t, tpl, "AWS::Cognito::UserPoolDomain", 0)
	if up.Domain != nil || up.HostedUIDomain() != nil {
		t.Error("Domain/HostedUIDomain must be nil without HostedUI")
	}
	if up.Group("nope") != nil {
		t.Error("Group of unknown name must be nil")
	}
}

func TestUserPoolSignInAndAttributes(t *testing.T) {
	app := awscdk.NewApp(nil)
	cases := []struct {
		name  string
		props auth.UserPoolProps
		want  obj
	}{
		{"EmailPhone", auth.UserPoolProps{SignInWith: []auth.SignIn{auth.SignInEmail, auth.SignInPhone}}, obj{
			"UsernameAttributes":     exactly("email", "phone_number"),
			"AutoVerifiedAttributes": exactly("email", "phone_number"),
			"AccountRecoverySetting": obj{"RecoveryMechanisms": exactly(
				obj{"Name": "verified_email", "Priority": 1}, obj{"Name": "verified_phone_number", "Priority": 2})},
		}},
		{"PhoneOnly", auth.UserPoolProps{SignInWith: []auth.SignIn{auth.SignInPhone}}, obj{
			"UsernameAttributes":     exactly("phone_number"),
			"AutoVerifiedAttributes": exactly("phone_number"),
			"AccountRecoverySetting": obj{"RecoveryMechanisms": exactly(obj{"Name": "verified_phone_number", "Priority": 1})},
		}},
		{"UsernamePlusEmailAlias", auth.UserPoolProps{SignInWith: []auth.SignIn{auth.SignInUsername, auth.SignInEmail}}, obj{
			"UsernameAttributes":     assertions.Match_Absent(),
			"AliasAttributes":        exactly("email"),
			"AutoVerifiedAttributes": exactly("email"),
			"UsernameConfiguration":  obj{"CaseSensitive": false},
		}},
		{"ExplicitRecovery", auth.UserPoolProps{AccountRecovery: "PHONE_WITHOUT_MFA_AND_EMAIL", SignInWith: []auth.SignIn{auth.SignInEmail, auth.SignInPhone}}, obj{
			"AccountRecoverySetting": obj{"RecoveryMechanisms": exactly(
				obj{"Name": "verified_phone_number", "Priority": 1}, obj{"Name": "verified_email", "Priority": 2})},
		}},
		{"SelfSignUpAttrsPassword", auth.UserPoolProps{
			SelfSignUp: true,
			StandardAttributes: []auth.StandardAttribute{
				{Name: "email", Required: true, Mutable: true},
				{Name: "given_name", Required: true, Mutable: false},
				{Name: "birthdate", Mutable: true},
			},
			CustomAttributes: []auth.CustomAttribute{
				{Name: "tier", Type: "string", Mutable: true},
				{Name: "score", Type: "number"},
				{Name: "beta", Type: "boolean", Mutable: true},
				{Name: "since", Type: "datetime"},
			},
			PasswordPolicy: &auth.PasswordPolicy{MinLength: 12, RequireDigits: true, TempPasswordValidityDays: 3},
			FeaturePlan:    "plus",
		}, obj{
			"AdminCreateUserConfig": like(obj{"AllowAdminCreateUserOnly": false}),
			// CDK orders standard attributes its own way, custom ones by name.
			"Schema": exactly(
				like(obj{"Name": "birthdate", "Mutable": true}),
				obj{"Name": "email", "Required": true, "Mutable": true},
				obj{"Name": "given_name", "Required": true, "Mutable": false},
				like(obj{"Name": "beta", "AttributeDataType": "Boolean", "Mutable": true}),
				like(obj{"Name": "score", "AttributeDataType": "Number", "Mutable": false}),
				like(obj{"Name": "since", "AttributeDataType": "DateTime", "Mutable": false}),
				like(obj{"Name": "tier", "AttributeDataType": "String", "Mutable": true}),
			),
			"Policies": obj{"PasswordPolicy": obj{
				"MinimumLength": 12, "RequireLowercase": false, "RequireUppercase": false,
				"RequireNumbers": true, "RequireSymbols": false, "TemporaryPasswordValidityDays": 3,
			}},
			"UserPoolTier": "PLUS",
		}},
	}
	// All stacks are built before the first synth: CDK refuses tree changes after it.
	stacks := make([]awscdk.Stack, len(cases))
	for i, c := range cases {
		stacks[i] = newStack(app, c.name)
		props := c.props
		auth.NewUserPool(stacks[i], "Auth", &props)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			noErrors(t, stacks[i])
			hasProps(t, assertions.Template_FromStack(stacks[i], nil), poolType, c.want)
		})
	}
}

func TestUserPoolPropsNotMutated(t *testing.T) {
	app := awscdk.NewApp(nil)
	props := &auth.UserPoolProps{}
	auth.NewUserPool(newStack(app, "NoMutation"), "Auth", props)
	if props.SignInWith != nil || props.PasswordPolicy != nil || props.Removal != nil || props.FeaturePlan != "" || props.MFA != "" {
		t.Errorf("defaults were written back into the caller's props: %+v", props)
	}
}

func TestUserPoolMFA(t *testing.T) {
	app := awscdk.NewApp(nil)
	ses := &auth.EmailSender{From: "no-reply@example.org", SESRegion: "eu-west-1"}
	cases := []struct {
		name    string
		props   auth.UserPoolProps
		want    obj
		smsRole bool
	}{
		{"Off", auth.UserPoolProps{MFA: auth.MFAOff}, obj{"MfaConfiguration": "OFF", "EnabledMfas": assertions.Match_Absent()}, false},
		{"OptionalTOTP", auth.UserPoolProps{MFA: auth.MFAOptional, MFAMethods: []auth.MFAMethod{auth.MFATOTP}},
			obj{"MfaConfiguration": "OPTIONAL", "EnabledMfas": exactly("SOFTWARE_TOKEN_MFA"), "SmsConfiguration": assertions.Match_Absent()}, false},
		{"RequiredSMS", auth.UserPoolProps{MFA: auth.MFARequired, MFAMethods: []auth.MFAMethod{auth.MFASMS}},
			obj{"MfaConfiguration": "ON", "EnabledMfas": exactly("SMS_MFA"), "SmsConfiguration": like(obj{"SnsCallerArn": assertions.Match_AnyValue()})}, true},
		{"OptionalAll", auth.UserPoolProps{MFA: auth.MFAOptional, EmailSender: ses, MFAMethods: []auth.MFAMethod{auth.MFATOTP, auth.MFASMS, auth.MFAEmail}},
			obj{"MfaConfiguration": "OPTIONAL", "EnabledMfas": exactly("SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"),
				"EmailConfiguration": like(obj{"EmailSendingAccount": "DEVELOPER", "From": "no-reply@example.org"})}, true},
	}
	bad := []struct {
		name  string
		props auth.UserPoolProps
		want  string
	}{
		{"RequiredNoMethod", auth.UserPoolProps{MFA: auth.MFARequired}, "at least one method"},
		{"EmailNoSender", auth.UserPoolProps{MFA: auth.MFAOptional, MFAMethods: []auth.MFAMethod{auth.MFAEmail}}, "email MFA needs EmailSender"},
		{"EmailLite", auth.UserPoolProps{MFA: auth.MFAOptional, EmailSender: ses, FeaturePlan: "lite", MFAMethods: []auth.MFAMethod{auth.MFAEmail}}, "essentials or plus"},
		{"UnknownMode", auth.UserPoolProps{MFA: "sometimes"}, "unknown MFA mode"},
	}
	// All stacks are built before the first synth: CDK refuses tree changes after it.
	stacks := map[string]awscdk.Stack{}
	for _, c := range cases {
		stacks[c.name] = newStack(app, "Mfa"+c.name)
		props := c.props
		auth.NewUserPool(stacks[c.name], "Auth", &props)
	}
	for _, c := range bad {
		stacks[c.name] = newStack(app, "MfaBad"+c.name)
		props := c.props
		auth.NewUserPool(stacks[c.name], "Auth", &props)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stack := stacks[c.name]
			noErrors(t, stack)
			tpl := assertions.Template_FromStack(stack, nil)
			hasProps(t, tpl, poolType, c.want)
			if c.smsRole { // the L2 creates the SMS role
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

func TestUserPoolGroupsAndTriggers(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := newStack(app, "Groups")
	fn := awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async (e) => e;")),
	})
	up := auth.NewUserPool(stack, "Auth", &auth.UserPoolProps{
		Groups: []auth.Group{
			{Name: "admins", Precedence: prec(0), Description: "Administrators"},
			{Name: "editors", Precedence: prec(10)},
			{Name: "readers"},
		},
		Triggers: []auth.Trigger{
			{Operation: "preSignUp", Function: fn},
			{Operation: "postConfirmation", Function: fn},
		},
	})
	// Bad triggers are errors, not panics.
	stack2 := newStack(app, "BadTriggers")
	auth.NewUserPool(stack2, "Auth", &auth.UserPoolProps{Triggers: []auth.Trigger{
		{Operation: "customEmailSender", Function: fn},
		{Operation: "preSignUp"},
	}, Groups: []auth.Group{{Name: "a"}, {Name: "a"}}})
	noErrors(t, stack)
	tpl := assertions.Template_FromStack(stack, nil)
	count(t, tpl, "AWS::Cognito::UserPoolGroup", 3)
	hasProps(t, tpl, "AWS::Cognito::UserPoolGroup", obj{"GroupName": "admins", "Precedence": 0, "Description": "Administrators"})
	hasProps(t, tpl, "AWS::Cognito::UserPoolGroup", obj{"GroupName": "editors", "Precedence": 10})
	// No precedence given: none in the template (0 would be the highest precedence).
	hasProps(t, tpl, "AWS::Cognito::UserPoolGroup", obj{"GroupName": "readers", "Precedence": assertions.Match_Absent()})
	if up.Group("admins") == nil || up.Group("editors") == nil {
		t.Fatal("Group() must return the created groups")
	}
	// Construct IDs come from names: the logical IDs name the groups.
	ids := strings.Join(logicalIDs(tpl, "AWS::Cognito::UserPoolGroup"), ",")
	if !strings.Contains(ids, "Groupadmins") || !strings.Contains(ids, "Groupeditors") {
		t.Errorf("group logical IDs %s do not derive from the group names", ids)
	}

	fnRef := obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^Fn")), "Arn"}}
	hasProps(t, tpl, poolType, obj{"LambdaConfig": obj{"PreSignUp": fnRef, "PostConfirmation": fnRef}})
	count(t, tpl, "AWS::Lambda::Permission", 2)
	hasProps(t, tpl, "AWS::Lambda::Permission", obj{"Principal": "cognito-idp.amazonaws.com", "Action": "lambda:InvokeFunction"})

	e := errorsOf(stack2)
	for _, want := range []string{"unsupported trigger operation \"customEmailSender\"", "has no function", "group \"a\" listed twice"} {
		if !strings.Contains(e, want) {
			t.Errorf("want error %q, got %q", want, e)
		}
	}
}

func TestUserPoolRemoval(t *testing.T) {
	app := awscdk.NewApp(nil)
	retain, destroy := awscdk.RemovalPolicy_RETAIN, awscdk.RemovalPolicy_DESTROY
	cases := []struct {
		name       string
		removal    *awscdk.RemovalPolicy
		policy     string
		protection string
	}{
		{"Nil", nil, "Retain", "ACTIVE"},
		{"Retain", &retain, "Retain", "ACTIVE"},
		{"Destroy", &destroy, "Delete", "INACTIVE"},
	}
	stacks := make([]awscdk.Stack, len(cases))
	for i, c := range cases {
		stacks[i] = newStack(app, "Removal"+c.name)
		props := hostedProps()
		props.Groups = []auth.Group{{Name: "admins", Precedence: prec(0)}, {Name: "readers"}}
		props.Removal = c.removal
		auth.NewUserPool(stacks[i], "Auth", props)
	}
	// Every user pool resource, and nothing else, follows the removal policy when it is RETAIN.
	cognito := []string{poolType, clientType, "AWS::Cognito::UserPoolDomain", "AWS::Cognito::UserPoolGroup",
		"AWS::Cognito::UserPoolIdentityProvider", "AWS::Cognito::UserPoolResourceServer"}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			noErrors(t, stacks[i])
			tpl := assertions.Template_FromStack(stacks[i], nil)
			hasResource(t, tpl, poolType, obj{
				"DeletionPolicy": c.policy, "UpdateReplacePolicy": c.policy,
				"Properties": like(obj{"DeletionProtection": c.protection}),
			})
			var res map[string]struct {
				Type                                string
				DeletionPolicy, UpdateReplacePolicy string
			}
			if err := json.Unmarshal([]byte(templateJSON(t, tpl)), &struct{ Resources any }{&res}); err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for id, r := range res {
				isCognito := slices.Contains(cognito, r.Type)
				seen[r.Type]++
				retained := r.DeletionPolicy == "Retain" || r.UpdateReplacePolicy == "Retain"
				switch {
				case isCognito && c.policy == "Retain" && (r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain"):
					t.Errorf("%s %s: DeletionPolicy %q UpdateReplacePolicy %q, want Retain", r.Type, id, r.DeletionPolicy, r.UpdateReplacePolicy)
				case c.policy != "Retain" && retained:
					t.Errorf("%s %s is retained with removal %s", r.Type, id, c.name)
				case !isCognito && retained:
					t.Errorf("%s %s is retained but holds no Cognito state", r.Type, id)
				}
			}
			for _, typ := range cognito {
				if seen[typ] == 0 {
					t.Errorf("no %s in the template: the case does not cover it", typ)
				}
			}
		})
	}
}

// TestUserPoolVerification: required email with username sign-in stays verified, every verified
// attribute needs verification before an update, and the client writes only what users may change.
func TestUserPoolVerification(t *testing.T) {
	app := awscdk.NewApp(nil)
	cases := []struct {
		name     string
		props    auth.UserPoolProps
		verified []interface{}
		write    []interface{}
	}{
		{"EmailSignIn", auth.UserPoolProps{}, arr{"email"}, arr{"email"}},
		{"UsernameWithRequiredEmail", auth.UserPoolProps{
			SignInWith:         []auth.SignIn{auth.SignInUsername},
			AutoVerify:         []string{"email"},
			StandardAttributes: []auth.StandardAttribute{{Name: "email", Required: true, Mutable: true}, {Name: "given_name", Mutable: true}},
			CustomAttributes: []auth.CustomAttribute{{Name: "plan", Type: "string", Mutable: true}, {Name: "tenant", Type: "string"},
				{Name: "nickname2", Type: "string", Mutable: true, UserWritable: true}},
		}, arr{"email"}, arr{"custom:nickname2", "email", "given_name"}},
		{"PhoneAndEmail", auth.UserPoolProps{SignInWith: []auth.SignIn{auth.SignInPhone}, AutoVerify: []string{"email"}},
			arr{"email", "phone_number"}, arr{"phone_number"}},
	}
	stacks := make([]awscdk.Stack, len(cases))
	for i, c := range cases {
		stacks[i] = newStack(app, "Verify"+c.name)
		props := c.props
		auth.NewUserPool(stacks[i], "Auth", &props)
	}
	bad := newStack(app, "VerifyBad")
	auth.NewUserPool(bad, "Auth", &auth.UserPoolProps{AutoVerify: []string{"given_name"}})
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			noErrors(t, stacks[i])
			tpl := assertions.Template_FromStack(stacks[i], nil)
			hasProps(t, tpl, poolType, obj{
				"AutoVerifiedAttributes":      exactly(c.verified...),
				"UserAttributeUpdateSettings": obj{"AttributesRequireVerificationBeforeUpdate": exactly(c.verified...)},
			})
			hasProps(t, tpl, clientType, obj{"WriteAttributes": exactly(c.write...)})
		})
	}
	if e := errorsOf(bad); !strings.Contains(e, `AutoVerify "given_name": only email and phone_number`) {
		t.Errorf("unknown AutoVerify attribute: %q", e)
	}
}

func hostedProps() *auth.UserPoolProps {
	return &auth.UserPoolProps{
		CustomAttributes: []auth.CustomAttribute{{Name: "dept", Type: "string", Mutable: true}},
		HostedUI: &auth.HostedUI{
			DomainPrefix: "my-app-login",
			CallbackURLs: []string{"https://app.example.org/callback"},
			LogoutURLs:   []string{"https://app.example.org/"},
			Scopes:       []string{"openid", "email", "profile", "api/read"},
		},
		ResourceServers: []auth.ResourceServer{{
			Identifier: "api", Name: "My API",
			Scopes: []auth.Scope{{Name: "read", Description: "Read things"}, {Name: "write", Description: "Write things"}},
		}},
		Providers: []auth.IdentityProvider{
			{Kind: "google", ClientID: "google-client", ClientSecret: auth.SecretRef{SecretsManager: "google-oauth", JSONField: "clientSecret"}},
			{Kind: "oidc", Name: "Corp", ClientID: "corp-client", IssuerURL: "https://login.corp.example.org",
				ClientSecret:     auth.SecretRef{SecretsManager: "corp-oidc"},
				AttributeMapping: []auth.AttributeMap{{UserPoolAttribute: "email", ProviderAttribute: "mail"}, {UserPoolAttribute: "custom:dept", ProviderAttribute: "department"}}},
		},
	}
}

func TestUserPoolHostedUI(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := newStack(app, "Hosted")
	up := auth.NewUserPool(stack, "Auth", hostedProps())
	noErrors(t, stack)
	tpl := assertions.Template_FromStack(stack, nil)

	hasProps(t, tpl, "AWS::Cognito::UserPoolDomain", obj{"Domain": "my-app-login"})
	if up.Domain == nil || up.HostedUIDomain() == nil {
		t.Fatal("Domain and HostedUIDomain must be set with HostedUI")
	}
	b, _ := json.Marshal(stack.Resolve(up.HostedUIDomain()))
	js := string(b)
	if !strings.Contains(js, ".auth.eu-west-1.amazoncognito.com") {
		t.Errorf("HostedUIDomain = %s", js)
	}

	hasProps(t, tpl, "AWS::Cognito::UserPoolResourceServer", obj{
		"Identifier": "api", "Name": "My API",
		"Scopes": exactly(obj{"ScopeName": "read", "ScopeDescription": "Read things"}, obj{"ScopeName": "write", "ScopeDescription": "Write things"}),
	})

	// Google secret is a Secrets Manager dynamic reference, never plaintext.
	hasProps(t, tpl, "AWS::Cognito::UserPoolIdentityProvider", obj{
		"ProviderName": "Google", "ProviderType": "Google",
		"ProviderDetails": like(obj{
			"client_id":        "google-client",
			"client_secret":    "{{resolve:secretsmanager:google-oauth:SecretString:clientSecret::}}",
			"authorize_scopes": "openid email profile",
		}),
		"AttributeMapping": obj{"email": "email"},
	})
	hasProps(t, tpl, "AWS::Cognito::UserPoolIdentityProvider", obj{
		"ProviderName": "Corp", "ProviderType": "OIDC",
		"ProviderDetails": like(obj{
			"client_secret": "{{resolve:secretsmanager:corp-oidc:SecretString:::}}",
			"oidc_issuer":   "https://login.corp.example.org",
		}),
		"AttributeMapping": obj{"email": "mail", "custom:dept": "department"},
	})

	rsIDs := logicalIDs(tpl, "AWS::Cognito::UserPoolResourceServer")
	if len(rsIDs) != 1 {
		t.Fatalf("resource servers: %v", rsIDs)
	}
	hasProps(t, tpl, clientType, obj{
		"AllowedOAuthFlowsUserPoolClient": true,
		"AllowedOAuthFlows":               exactly("code"),
		"CallbackURLs":                    exactly("https://app.example.org/callback"),
		"LogoutURLs":                      exactly("https://app.example.org/"),
		"AllowedOAuthScopes": exactly("openid", "email", "profile",
			obj{"Fn::Join": arr{"", arr{obj{"Ref": rsIDs[0]}, "/read"}}}),
		"SupportedIdentityProviders": exactly("COGNITO", "Google", "Corp"),
		// email: sign-in and Google's default mapping; custom:dept: mutable and mapped by Corp.
		"WriteAttributes": exactly("custom:dept", "email"),
	})
	assertSafeClient(t, tpl)

	// The client depends on every provider.
	idpIDs := logicalIDs(tpl, "AWS::Cognito::UserPoolIdentityProvider")
	if len(idpIDs) != 2 {
		t.Fatalf("providers: %v", idpIDs)
	}
	deps := make([]interface{}, len(idpIDs))
	for i, id := range idpIDs {
		deps[i] = id
	}
	hasResource(t, tpl, clientType, obj{"DependsOn": with(deps...)})
}

func TestUserPoolSecretsAndHostedUIErrors(t *testing.T) {
	app := awscdk.NewApp(nil)

	cases := []struct {
		name   string
		mutate func(*auth.UserPoolProps)
		want   string
	}{
		{"NoSecret", func(p *auth.UserPoolProps) { p.Providers[0].ClientSecret = auth.SecretRef{} }, "needs a Secrets Manager secret"},
		{"ProvidersWithoutHostedUI", func(p *auth.UserPoolProps) { p.HostedUI = nil }, "identity providers need HostedUI"},
		{"BadPrefix", func(p *auth.UserPoolProps) { p.HostedUI.DomainPrefix = "My_App" }, "DomainPrefix"},
		{"ReservedPrefix", func(p *auth.UserPoolProps) { p.HostedUI.DomainPrefix = "myapp-cognito" }, "reserved words"},
		{"NoCallback", func(p *auth.UserPoolProps) { p.HostedUI.CallbackURLs = nil }, "CallbackURL"},
		{"UnknownScope", func(p *auth.UserPoolProps) { p.HostedUI.Scopes = []string{"openid", "api/delete"} }, "not a scope of resource server"},
		{"UnknownServer", func(p *auth.UserPoolProps) { p.HostedUI.Scopes = []string{"openid", "other/read"} }, "not in ResourceServers"},
		{"ShortOIDCName", func(p *auth.UserPoolProps) { p.Providers[1].Name = "X" }, "3-32 characters"},
		{"ImmutableMappedEmail", func(p *auth.UserPoolProps) {
			p.StandardAttributes = []auth.StandardAttribute{{Name: "email", Required: true}}
		}, "must then be Mutable"},
		{"UndeclaredCustom", func(p *auth.UserPoolProps) { p.CustomAttributes = nil }, "not in CustomAttributes"},
		// Cognito's custom attribute names (awsrules.CustomAttributeNamePattern), as the spec validates them.
		{"CustomNameStartsWithDigit", func(p *auth.UserPoolProps) {
			p.CustomAttributes = append(p.CustomAttributes, auth.CustomAttribute{Name: "2fa", Type: "string"})
		}, `custom attribute name "2fa" must be a letter`},
		{"CustomNameTooLong", func(p *auth.UserPoolProps) {
			p.CustomAttributes = append(p.CustomAttributes, auth.CustomAttribute{Name: strings.Repeat("a", 21), Type: "string"})
		}, "then up to 19 letters"},
		{"ImmutableMappedCustom", func(p *auth.UserPoolProps) {
			p.CustomAttributes = []auth.CustomAttribute{{Name: "dept", Type: "string"}}
		}, "maps \"custom:dept\", which must then be Mutable"},
	}
	// SSM SecureString is not resolvable by CloudFormation in Cognito IdP
	// ProviderDetails: error annotation, and no provider with a broken reference.
	stack := newStack(app, "Ssm")
	p := hostedProps()
	p.Providers = []auth.IdentityProvider{{Kind: "google", ClientID: "x", ClientSecret: auth.SecretRef{SSMParameter: "/oauth/google"}}}
	auth.NewUserPool(stack, "Auth", p)
	stacks := make([]awscdk.Stack, len(cases))
	for i, c := range cases {
		stacks[i] = newStack(app, "Err"+c.name)
		p := hostedProps()
		c.mutate(p)
		auth.NewUserPool(stacks[i], "Auth", p)
	}
	if e := errorsOf(stack); !strings.Contains(e, "ssm-secure") || !strings.Contains(e, "Secrets Manager") {
		t.Errorf("want ssm-secure error, got %q", e)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	count(t, tpl, "AWS::Cognito::UserPoolIdentityProvider", 0)
	if strings.Contains(templateJSON(t, tpl), "ssm-secure") {
		t.Error("template must not carry an ssm-secure reference")
	}

	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stack := stacks[i]
			if e := errorsOf(stack); !strings.Contains(e, c.want) {
				t.Errorf("want error containing %q, got %q", c.want, e)
			}
			// Even a rejected hosted UI must not leave CDK's unsafe OAuth defaults.
			js := templateJSON(t, assertions.Template_FromStack(stack, nil))
			if regexp.MustCompile(`implicit|example\.com"`).MatchString(js) {
				t.Error("template contains implicit grant or example.com callback")
			}
		})
	}
}

func allProvidersProps() *auth.UserPoolProps {
	p := hostedProps()
	p.CustomAttributes = append(p.CustomAttributes, auth.CustomAttribute{Name: "zeta", Mutable: true}, auth.CustomAttribute{Name: "alpha", Type: "number"}, auth.CustomAttribute{Name: "mid", Type: "boolean"})
	p.Providers = append(p.Providers,
		auth.IdentityProvider{Kind: "facebook", ClientID: "fb-app", ClientSecret: auth.SecretRef{SecretsManager: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fb-AbCdEf", JSONField: "appSecret"}},
		auth.IdentityProvider{Kind: "amazon", ClientID: "amzn-client", ClientSecret: auth.SecretRef{SecretsManager: "amazon-oauth", JSONField: "secret"}},
		auth.IdentityProvider{Kind: "apple", ClientID: "org.example.app", TeamID: "TEAM123", KeyID: "KEY123", PrivateKey: auth.SecretRef{SecretsManager: "apple-key", JSONField: "privateKey"}},
	)
	return p
}

// Same props in two apps give byte-identical templates (no Go map order leaks).
func TestUserPoolDeterministicAllProviders(t *testing.T) {
	var stacks [2]awscdk.Stack
	for i := range stacks {
		stacks[i] = newStack(awscdk.NewApp(nil), "AllProviders")
		auth.NewUserPool(stacks[i], "Auth", allProvidersProps())
	}
	noErrors(t, stacks[0])
	tpl := assertions.Template_FromStack(stacks[0], nil)
	if a, b := templateJSON(t, tpl), templateJSON(t, assertions.Template_FromStack(stacks[1], nil)); a != b {
		t.Error("templates differ between two synths of the same props")
	}
	count(t, tpl, "AWS::Cognito::UserPoolIdentityProvider", 5)
	hasProps(t, tpl, "AWS::Cognito::UserPoolIdentityProvider", obj{"ProviderName": "Facebook", "ProviderDetails": like(obj{
		"client_secret": "{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:fb-AbCdEf:SecretString:appSecret::}}"})})
	hasProps(t, tpl, "AWS::Cognito::UserPoolIdentityProvider", obj{"ProviderName": "LoginWithAmazon", "ProviderDetails": like(obj{
		"client_secret": "{{resolve:secretsmanager:amazon-oauth:SecretString:secret::}}"})})
	hasProps(t, tpl, "AWS::Cognito::UserPoolIdentityProvider", obj{"ProviderName": "SignInWithApple", "ProviderDetails": like(obj{
		"private_key": "{{resolve:secretsmanager:apple-key:SecretString:privateKey::}}", "team_id": "TEAM123", "key_id": "KEY123"})})
	hasProps(t, tpl, clientType, obj{"SupportedIdentityProviders": exactly("COGNITO", "Google", "Corp", "Facebook", "LoginWithAmazon", "SignInWithApple")})
	assertSafeClient(t, tpl)
}

package auth

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"
)

// Passwordless turns on choice-based sign-in (Cognito's USER_AUTH flow): besides the password, which
// Cognito always keeps among the first factors, users may sign in with a one-time password by email or
// SMS, or with a passkey. It needs the essentials or plus feature plan; email one-time passwords need
// EmailSender; SMS ones go to verified phone numbers, so the pool verifies phone_number and CDK creates
// its SMS role.
type Passwordless struct {
	EmailOTP bool
	SMSOTP   bool
	// Passkeys, when set, allows WebAuthn passkeys bound to this relying party.
	Passkeys *Passkeys
}

// Passkeys configures WebAuthn sign-in.
type Passkeys struct {
	// RelyingPartyID is the domain passkeys are bound to: the host of the site users sign in on, or a
	// parent domain of it (with a custom hosted UI domain, that domain).
	RelyingPartyID string
	// UserVerificationRequired allows only authenticators that verify the user; false: preferred.
	UserVerificationRequired bool
}

// TriggerV2 is the pre token generation event version whose response may customize access tokens
// (Trigger.LambdaVersion); the trigger is then the pool's PreTokenGenerationConfig.
const TriggerV2 = "V2_0"

// applyPasswordless sets the pool's sign-in policy and WebAuthn settings. It reports what CDK would
// throw on (a plan below essentials, email codes without SES) instead.
func applyPasswordless(props *awscognito.UserPoolProps, pl *Passwordless, errf func(string, ...any)) {
	if pl == nil {
		return
	}
	if props.FeaturePlan == awscognito.FeaturePlan_LITE {
		errf("auth: Passwordless needs FeaturePlan essentials or plus (choice-based sign-in)")
		return
	}
	if pl.EmailOTP && props.Email == nil {
		errf("auth: Passwordless.EmailOTP needs EmailSender (an SES sender); Cognito's default email cannot send sign-in codes")
		return
	}
	if pl.Passkeys != nil && pl.Passkeys.RelyingPartyID == "" {
		errf("auth: Passwordless.Passkeys needs a RelyingPartyID")
		return
	}
	props.SignInPolicy = &awscognito.SignInPolicy{AllowedFirstAuthFactors: &awscognito.AllowedFirstAuthFactors{
		Password: jsii.Bool(true),
		EmailOtp: jsii.Bool(pl.EmailOTP),
		SmsOtp:   jsii.Bool(pl.SMSOTP),
		Passkey:  jsii.Bool(pl.Passkeys != nil),
	}}
	if pk := pl.Passkeys; pk != nil {
		props.PasskeyRelyingPartyId = jsii.String(pk.RelyingPartyID)
		props.PasskeyUserVerification = awscognito.PasskeyUserVerification_PREFERRED
		if pk.UserVerificationRequired {
			props.PasskeyUserVerification = awscognito.PasskeyUserVerification_REQUIRED
		}
	}
}

// withUserAuth lets the app client start the USER_AUTH flow (ALLOW_USER_AUTH) when the pool offers
// passwordless sign-in; SRP stays allowed for password sign-in with Amplify's default flow.
func withUserAuth(props *awscognito.UserPoolClientProps, pl *Passwordless) *awscognito.UserPoolClientProps {
	if pl != nil {
		props.AuthFlows.User = jsii.Bool(true)
	}
	return props
}

// addTrigger attaches one trigger; a version 2 pre token generation trigger is the pool's
// PreTokenGenerationConfig with LambdaVersion V2_0 (CDK takes V2_0 on that operation only).
func addTrigger(pool awscognito.UserPool, t Trigger, op func() awscognito.UserPoolOperation, errf func(string, ...any)) {
	switch {
	case t.LambdaVersion == "":
		pool.AddTrigger(op(), t.Function, "")
	case t.LambdaVersion == TriggerV2 && t.Operation == "preTokenGeneration":
		pool.AddTrigger(awscognito.UserPoolOperation_PRE_TOKEN_GENERATION_CONFIG(), t.Function, awscognito.LambdaVersion_V2_0)
	default:
		errf("auth: trigger %q: LambdaVersion %q is supported on preTokenGeneration only, and only V2_0", t.Operation, t.LambdaVersion)
	}
}

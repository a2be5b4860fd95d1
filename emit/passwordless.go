package emit

import (
	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/spec"
)

// amplify_outputs' auth.passwordless (schema 1.5): what amplify-js offers in signIn with the USER_AUTH
// flow. aws-exports has no such keys (amplify-js v6's parseAWSExports reads none), so a Gen 1
// configuration leaves it out: the app passes authFlowType USER_AUTH and preferredChallenge to signIn
// itself.
type gen2Passwordless struct {
	EmailOTP           bool          `json:"email_otp_enabled"`
	SMSOTP             bool          `json:"sms_otp_enabled"`
	WebAuthn           *gen2WebAuthn `json:"web_authn,omitempty"`
	PreferredChallenge string        `json:"preferred_challenge,omitempty"`
}

type gen2WebAuthn struct {
	RelyingPartyID   string `json:"relying_party_id"`
	UserVerification string `json:"user_verification"`
}

// preferredChallenges are the spec's first factors as Cognito's challenge names (PREFERRED_CHALLENGE).
var preferredChallenges = map[string]string{
	spec.FactorPassword: awsrules.FirstFactorPassword,
	spec.FactorEmailOTP: awsrules.FirstFactorEmailOTP,
	spec.FactorSMSOTP:   awsrules.FirstFactorSMSOTP,
	spec.FactorPasskey:  awsrules.FirstFactorWebAuthn,
}

func gen2PasswordlessOf(p *spec.Passwordless) *gen2Passwordless {
	if p == nil {
		return nil
	}
	out := &gen2Passwordless{EmailOTP: p.EmailOTP, SMSOTP: p.SMSOTP, PreferredChallenge: preferredChallenges[p.Preferred]}
	if pk := p.Passkeys; pk != nil {
		out.WebAuthn = &gen2WebAuthn{RelyingPartyID: pk.RelyingPartyID, UserVerification: pk.UserVerification}
	}
	return out
}

package stacks

import (
	"github.com/underhood-dev/underhood/constructs/auth"
	"github.com/underhood-dev/underhood/spec"
)

// passwordless translates the spec's choice-based sign-in into the user pool construct's (the preferred
// factor is the SPA's choice: it reaches the emitted config, not the pool).
func passwordless(p *spec.Passwordless) *auth.Passwordless {
	if p == nil {
		return nil
	}
	out := &auth.Passwordless{EmailOTP: p.EmailOTP, SMSOTP: p.SMSOTP}
	if pk := p.Passkeys; pk != nil {
		out.Passkeys = &auth.Passkeys{RelyingPartyID: pk.RelyingPartyID, UserVerificationRequired: pk.UserVerification == "required"}
	}
	return out
}

// triggerVersion is the construct's event version of a spec trigger: "" keeps Cognito's default (v1).
func triggerVersion(t spec.Trigger) string {
	if t.Version == spec.TriggerV2 {
		return auth.TriggerV2
	}
	return ""
}

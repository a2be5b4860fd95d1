package awsrules

import (
	"regexp"
	"strings"
)

// RelyingPartyIDPattern is a passkey relying party id, a DNS host name: dot-separated labels of letters, digits and hyphens (a passkey
// relying party id is one).
var RelyingPartyIDPattern = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$`)

// RelyingPartyMatches says whether a WebAuthn relying party id may serve a site on host: the id equals
// the host, or is a parent domain of it with at least two labels. WebAuthn also refuses public suffixes
// (co.uk, github.io): underhood carries no public suffix list, so such an id passes here and fails in
// the browser.
func RelyingPartyMatches(rpID, host string) bool {
	if rpID == host {
		return true
	}
	return strings.Contains(rpID, ".") && strings.HasSuffix(host, "."+rpID)
}

// Cognito's first authentication factors (SignInPolicy.AllowedFirstAuthFactors) and the challenge names
// amplify-js sends as PREFERRED_CHALLENGE.
const (
	FirstFactorPassword = "PASSWORD"
	FirstFactorEmailOTP = "EMAIL_OTP"
	FirstFactorSMSOTP   = "SMS_OTP"
	FirstFactorWebAuthn = "WEB_AUTHN"
)

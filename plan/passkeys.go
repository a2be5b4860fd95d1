package plan

import "fmt"

// passkeysOrphaned: a passkey is bound to the relying party id it was registered with, so changing the
// pool's WebAuthnRelyingPartyID (or removing it) leaves every registered passkey unusable. CloudFormation
// updates the property in place; the users' authenticators cannot follow.
func passkeysOrphaned(old, new map[string]any) []refusal {
	o, _ := scalar(old["WebAuthnRelyingPartyID"])
	n, _ := scalar(new["WebAuthnRelyingPartyID"])
	if o == "" || o == n {
		return nil
	}
	to := "removed"
	if n != "" {
		to = "changed to " + n
	}
	return []refusal{{
		paths: []string{"Properties.WebAuthnRelyingPartyID"},
		what: fmt.Sprintf("the passkey relying party %s is %s: every passkey users registered is bound to %s, "+
			"so none of them signs in any more (users fall back to their password or a one-time code and must register new passkeys)", o, to, o),
	}}
}

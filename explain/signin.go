package explain

import (
	"fmt"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// Passwordless sign-in (USER_AUTH) and access-token customization (a v2 pre token generation trigger):
// the user pool's lines, and a sequence diagram with every sign-in path the pool offers.

// passwordlessLines describes the pool's choice-based sign-in, feature plan and token trigger.
func (e *explainer) passwordlessLines(w *writer) {
	u := e.up
	if pl := u.Passwordless; pl != nil {
		factors := make([]string, 0, 4)
		for _, f := range pl.Factors() {
			factors = append(factors, factorWords[f])
		}
		w.line("- **Choice-based sign-in** (`USER_AUTH`, `ALLOW_USER_AUTH` on the app client): users sign in with %s. "+
			"Amplify's `signIn` asks for it with `authFlowType: 'USER_AUTH'` and a `preferredChallenge`.", andList(factors))
		if pl.Preferred != "" {
			w.line("- The SPA asks for %s first (`preferred_challenge` in amplify_outputs.json).", factorWords[pl.Preferred])
		}
		if pl.EmailOTP {
			w.line("- Email codes go through Amazon SES from `%s` to the user's email address.", u.EmailSender.From)
		}
		if pl.SMSOTP {
			w.line("- SMS codes go through Amazon SNS (the pool's SMS role) to the user's phone number, which the pool " +
				"therefore verifies: a code is never sent to a number its owner has not confirmed.")
		}
		if pk := pl.Passkeys; pk != nil {
			w.line("- Passkeys are bound to relying party `%s` (user verification %s): the browser offers them only on "+
				"that domain and its subdomains. Changing it later orphans every registered passkey.", pk.RelyingPartyID, pk.UserVerification)
		}
		switch u.MFA.Mode {
		case "optional":
			w.line("- MFA is optional: Cognito asks for the second factor after password sign-in only; a one-time " +
				"code or a passkey is the whole sign-in (Cognito refuses passwordless factors when MFA is required).")
		case "off":
			w.line("- MFA is off: a password, a one-time code or a passkey alone signs the user in.")
		}
		if u.HostedUI != nil {
			w.line("- The hosted UI's Cognito domain sets no managed login version (the classic hosted UI): its pages " +
				"offer password and federated sign-in; the passwordless factors are offered through `signIn` in the SPA.")
		}
	}
	if u.Existing == nil && (u.FeaturePlan != spec.PlanEssentials || planWhy(u) != "") {
		w.line("- Feature plan **%s** (`UserPoolTier`)%s.", u.FeaturePlan, planWhy(u))
	}
	if t := u.TokenTrigger(); t != nil {
		added := "may add claims and scopes"
		if len(t.AddsScopes) > 0 {
			added = "declares that it adds " + andList(code(t.AddsScopes))
		}
		w.line("- Function `%s` receives version 2 pre token generation events: it customizes the id **and access** "+
			"tokens of every user sign-in (password, one-time code, passkey, hosted UI) and %s. The function decides "+
			"at run time which tokens get them: a route requiring such a scope refuses a token the function did not extend.", t.Function, added)
	}
}

func planWhy(u *spec.UserPool) string {
	switch {
	case u.Passwordless != nil && u.TokenTrigger() != nil:
		return ", which passwordless sign-in and access-token customization need"
	case u.Passwordless != nil:
		return ", which passwordless sign-in needs"
	case u.TokenTrigger() != nil:
		return ", which access-token customization needs"
	}
	return ""
}

var factorWords = map[string]string{
	spec.FactorPassword: "a password",
	spec.FactorEmailOTP: "a one-time code by email",
	spec.FactorSMSOTP:   "a one-time code by SMS",
	spec.FactorPasskey:  "a passkey",
}

// signInTokens is what Amplify's signIn yields: the access token's scopes include those the v2 token
// trigger declares it adds.
func (e *explainer) signInTokens() string {
	scopes := spec.DefaultAccessTokenScope
	if t := e.up.TokenTrigger(); t != nil && len(t.AddsScopes) > 0 {
		scopes += ", plus " + strings.Join(t.AddsScopes, " ") + " if the trigger adds them"
	}
	return fmt.Sprintf("id token, access token (scope %s), refresh token", scopes)
}

// signInSequence draws each way a user of a passwordless pool signs in, ending with the tokens.
func (e *explainer) signInSequence() Diagram {
	u := e.up
	pl := u.Passwordless
	var m mm
	e.participants(&m, "User", true, false)
	t := u.TokenTrigger()
	if t != nil {
		m.l("participant FN as Lambda %s (pre token generation v2)", t.Function)
	}
	m.l("U->>SPA: %s", e.signInID())
	if pl.Preferred != "" {
		m.l("Note over SPA: preferred first factor: %s", factorWords[pl.Preferred])
	}
	m.l("alt password (SRP)")
	m.l("  U->>SPA: password")
	m.l("  SPA->>UP: InitiateAuth USER_AUTH, PREFERRED_CHALLENGE PASSWORD_SRP (SRP_A)")
	m.l("  SPA->>UP: RespondToAuthChallenge PASSWORD_VERIFIER")
	if u.MFA.Mode != "off" {
		m.l("  UP-->>SPA: MFA challenge (%s) when MFA is %s for the user", strings.Join(u.MFA.Methods, ", "), u.MFA.Mode)
		m.l("  U->>SPA: second factor")
		m.l("  SPA->>UP: RespondToAuthChallenge")
	}
	if pl.EmailOTP {
		m.l("else one-time code by email")
		m.l("  SPA->>UP: InitiateAuth USER_AUTH, PREFERRED_CHALLENGE EMAIL_OTP")
		m.l("  UP-->>U: email with a code (Amazon SES, from %s)", u.EmailSender.From)
		m.l("  U->>SPA: the code")
		m.l("  SPA->>UP: RespondToAuthChallenge EMAIL_OTP")
	}
	if pl.SMSOTP {
		m.l("else one-time code by SMS")
		m.l("  SPA->>UP: InitiateAuth USER_AUTH, PREFERRED_CHALLENGE SMS_OTP")
		m.l("  UP-->>U: SMS with a code (Amazon SNS, the pool's SMS role)")
		m.l("  U->>SPA: the code")
		m.l("  SPA->>UP: RespondToAuthChallenge SMS_OTP")
	}
	if pk := pl.Passkeys; pk != nil {
		m.l("else passkey")
		m.l("  SPA->>UP: InitiateAuth USER_AUTH, PREFERRED_CHALLENGE WEB_AUTHN")
		m.l("  UP-->>SPA: WEB_AUTHN challenge (credential request options, rpId %s)", pk.RelyingPartyID)
		m.l("  SPA->>U: navigator.credentials.get (user verification %s)", pk.UserVerification)
		m.l("  U->>SPA: unlocks the passkey (biometrics, PIN or security key)")
		m.l("  SPA->>UP: RespondToAuthChallenge WEB_AUTHN (signed assertion)")
	}
	if e.hasHostedUI() {
		m.l("else hosted UI")
		m.l("  SPA->>UP: redirect to the hosted UI /oauth2/authorize (code flow + PKCE, scope %s)", strings.Join(e.hostedScopes(), " "))
		m.l("  U->>UP: signs in on the hosted UI's pages")
		m.l("  UP-->>SPA: redirect back with an authorization code")
		m.l("  SPA->>UP: POST /oauth2/token (code + PKCE verifier)")
	}
	m.l("end")
	if t != nil {
		m.l("UP->>FN: TokenGeneration event, version 2")
		m.l("FN-->>UP: claims and scopes to add (decided at run time)")
	}
	m.l("UP-->>SPA: %s", e.signInTokens())
	intro := "Every way a user signs in to this pool. With the `USER_AUTH` flow the SPA names the first factor " +
		"(`preferredChallenge`) and Cognito answers with that challenge; password sign-in stays available. "
	switch u.MFA.Mode {
	case "optional":
		intro += "Optional MFA applies to password sign-in only: a one-time code or a passkey is the whole sign-in. "
	case "off":
		intro += "MFA is off. "
	}
	if t != nil {
		intro += fmt.Sprintf("Function `%s` sees every token Cognito issues (version 2 event) and decides at run time "+
			"which claims and scopes to add.", t.Function)
	}
	return Diagram{Name: "sign-in", Title: "Sign-in (password, one-time codes, passkeys)", Intro: strings.TrimSpace(intro),
		Source: m.src("sequenceDiagram\n  autonumber")}
}

// triggerScopes are those of scopes the v2 token trigger declares it adds.
func (e *explainer) triggerScopes(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		if e.up.TriggerAddsScope(s) {
			out = append(out, s)
		}
	}
	return out
}

// triggerScopeAccess fills who may call an access-token route and why, when the v2 token trigger declares
// it adds one of the route's scopes; false otherwise.
func (e *explainer) triggerScopeAccess(a *routeAccess, scopes []string) bool {
	added := e.triggerScopes(scopes)
	if len(added) == 0 {
		return false
	}
	t := e.up.TokenTrigger()
	paths := "Amplify's `signIn`"
	if e.hasHostedUI() {
		paths += " or the hosted UI"
	}
	a.who = fmt.Sprintf("signed-in users (through %s) whose access token function `%s` extended with %s "+
		"(any group or none: the authorizer does not check groups).", paths, t.Function, orList(code(added)))
	a.notes = append(a.notes, fmt.Sprintf("%s comes from function `%s` (pre token generation, version 2), which "+
		"decides at run time which tokens get it: a token it did not extend is refused (401).", orList(code(added)), t.Function))
	return true
}

// triggerScopeWords says which of a resource server's scopes the v2 token trigger declares it adds ("" when
// none).
func (e *explainer) triggerScopeWords(scopes []string) string {
	added := e.triggerScopes(scopes)
	if len(added) == 0 {
		return ""
	}
	return fmt.Sprintf("function `%s` (pre token generation, version 2) declares it adds %s to access tokens, and decides at run time which tokens get it",
		e.up.TokenTrigger().Function, andList(code(added)))
}

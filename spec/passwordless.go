package spec

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// Passwordless sign-in (Cognito's choice-based USER_AUTH flow) and access-token customization (a
// version 2 pre token generation trigger): their spec types, model and validation.

type rawPasswordless struct {
	EmailOTP  bool         `yaml:"emailOTP" doc:"Users may sign in with a one-time code Cognito emails them (needs emailSender and an email attribute)."`
	SMSOTP    bool         `yaml:"smsOTP" doc:"Users may sign in with a one-time code Cognito texts them (needs a phone attribute: sign-in with phone or standardAttributes phone_number; Cognito sends through SNS with the SMS role the stack creates)."`
	Passkeys  *rawPasskeys `yaml:"passkeys" doc:"Users may sign in with a passkey (WebAuthn)."`
	Preferred string       `yaml:"preferred" doc:"The first factor the SPA asks for by default (amplify_outputs preferred_challenge); it must be enabled. Default: none (the user picks)." enum:"password,email-otp,sms-otp,passkey"`
}

type rawPasskeys struct {
	RelyingPartyID   string `yaml:"relyingPartyId" doc:"The passkeys' relying party id: a host name (no scheme, no port), equal to or a parent domain of the site users sign in on: the SPA's host (an origin under cors or a hosted UI callback URL) or the hosted UI's domain. Passkeys are bound to it: changing it later orphans every registered passkey."`
	UserVerification string `yaml:"userVerification" doc:"required: only authenticators that verify the user (biometrics, PIN) may be used; preferred (default): verification when the authenticator can." enum:"required,preferred"`
}

// rawTrigger is a function name (postConfirmation: welcome) or a mapping.
type rawTrigger struct {
	Function   string   `yaml:"function" doc:"The function (under functions) that handles the trigger."`
	Version    string   `yaml:"version" doc:"preTokenGeneration only: the event version Cognito sends: v1 (default; id token claims) or v2 (id and access tokens: claims and scopes; needs featurePlan essentials or plus)." enum:"v1,v2"`
	AddsScopes []string `yaml:"addsScopes" doc:"preTokenGeneration v2 only: the scopes the function may add to access tokens (scopesToAdd). Routes may then require them; the function decides at run time which tokens get them."`

	short bool // written as the function name alone
}

func (t *rawTrigger) decodeScalar(d *decoder, n *yaml.Node, path string) {
	if s, ok := d.scalar(n, path, "!!str", "a function name or a mapping { function, version, addsScopes }"); ok {
		t.Function = d.substitute(s, n, path)
		t.short = true
	}
}

// Passwordless is the pool's choice-based sign-in. Password sign-in always stays allowed (Cognito
// requires PASSWORD among the first factors).
type Passwordless struct {
	EmailOTP, SMSOTP bool
	Passkeys         *Passkeys
	// Preferred is the first factor the SPA asks for by default: "" (none), password, email-otp,
	// sms-otp or passkey.
	Preferred string
}

// Passkeys are the pool's WebAuthn settings.
type Passkeys struct {
	RelyingPartyID   string
	UserVerification string // required or preferred
}

// Passwordless first factors, as the spec names them.
const (
	FactorPassword = "password"
	FactorEmailOTP = "email-otp"
	FactorSMSOTP   = "sms-otp"
	FactorPasskey  = "passkey"
)

// Factors lists the enabled first factors in the order password, email-otp, sms-otp, passkey.
func (p *Passwordless) Factors() []string {
	out := []string{FactorPassword}
	if p.EmailOTP {
		out = append(out, FactorEmailOTP)
	}
	if p.SMSOTP {
		out = append(out, FactorSMSOTP)
	}
	if p.Passkeys != nil {
		out = append(out, FactorPasskey)
	}
	return out
}

// Feature plans (Cognito's UserPoolTier), as the spec names them.
const (
	PlanLite       = "lite"
	PlanEssentials = "essentials"
	PlanPlus       = "plus"
)

var featurePlans = []string{PlanLite, PlanEssentials, PlanPlus}

// Pre token generation event versions, as the spec names them.
const (
	TriggerV1 = "v1"
	TriggerV2 = "v2"
)

// TokenTrigger is the pool's pre token generation trigger when it receives version 2 events (it may
// then customize access tokens); nil otherwise.
func (u *UserPool) TokenTrigger() *Trigger {
	if u == nil {
		return nil
	}
	for i, t := range u.Triggers {
		if t.Operation == "preTokenGeneration" && t.Version == TriggerV2 {
			return &u.Triggers[i]
		}
	}
	return nil
}

// TriggerAddsScope says whether the pool's v2 pre token generation trigger declares that it may add
// scope to access tokens.
func (u *UserPool) TriggerAddsScope(scope string) bool {
	t := u.TokenTrigger()
	return t != nil && slices.Contains(t.AddsScopes, scope)
}

// trigger resolves one trigger: its function, and for preTokenGeneration its event version and the
// scopes it adds.
func (v *validator) trigger(tp, op string, raw *rawTrigger, out *UserPool) {
	if raw == nil {
		v.errorf(tp, "is empty; name the function that handles the trigger")
		return
	}
	fp := tp
	if !raw.short {
		fp = child(tp, "function")
		if raw.Function == "" {
			v.missing(tp, "function", "missing function: the function (under functions) that handles the trigger")
			return
		}
	}
	t := Trigger{Operation: op, Function: raw.Function}
	if raw.Version != "" && v.enum(child(tp, "version"), "trigger event version", raw.Version, []string{TriggerV1, TriggerV2}) {
		t.Version = raw.Version
		if op != "preTokenGeneration" {
			v.errorf(child(tp, "version"), "only preTokenGeneration has event versions; remove version")
		}
	}
	if len(raw.AddsScopes) > 0 && t.Version != TriggerV2 && !v.r.decodeFailed(child(tp, "version")) {
		v.errorf(child(tp, "addsScopes"), "only a preTokenGeneration trigger with version: v2 can add scopes to access tokens (a v1 event customizes the id token only); set version: v2")
	}
	known := v.knownScopes()
	for i, s := range raw.AddsScopes {
		if !slices.Contains(known, s) {
			v.errorf(index(child(tp, "addsScopes"), i), "unknown scope %q: API Gateway's Cognito authorizer compares a token's scopes with the routes' scopes, so declare it under auth.userPool.resourceServers (or use one of %s)%s", s, oneOf(known), didYouMean(s, known))
			continue
		}
		if !slices.Contains(t.AddsScopes, s) {
			t.AddsScopes = append(t.AddsScopes, s)
		}
	}
	slices.Sort(t.AddsScopes)
	if v.functionRef(fp, raw.Function) {
		out.Triggers = append(out.Triggers, t)
	}
}

// featurePlan resolves the pool's feature plan and checks that the features the spec asks for are in it.
func (v *validator) featurePlan(u *rawUserPool, out *UserPool) {
	const p = "auth.userPool"
	out.FeaturePlan = PlanEssentials
	if u.FeaturePlan != "" && v.enum(child(p, "featurePlan"), "feature plan", u.FeaturePlan, featurePlans) {
		out.FeaturePlan = u.FeaturePlan
	}
	if out.FeaturePlan != PlanLite {
		return
	}
	if out.Passwordless != nil {
		v.errorf(child(p, "featurePlan"), "passwordless sign-in (Cognito's USER_AUTH flow with one-time passwords or passkeys) needs the essentials or plus feature plan, not lite; set featurePlan: essentials or remove passwordless")
	}
	if t := out.TokenTrigger(); t != nil {
		v.errorf(child(p, "featurePlan"), "the version 2 preTokenGeneration event (access token customization) needs the essentials or plus feature plan, not lite; set featurePlan: essentials or use version v1")
	}
}

// passwordless resolves auth.userPool.passwordless and checks it against Cognito's rules. It runs once
// the rest of the pool (MFA, attributes, email sender, hosted UI) is resolved.
func (v *validator) passwordless(raw *rawPasswordless, out *UserPool) {
	const p = "auth.userPool.passwordless"
	pl := &Passwordless{EmailOTP: raw.EmailOTP, SMSOTP: raw.SMSOTP}
	if pk := raw.Passkeys; pk != nil {
		pl.Passkeys = &Passkeys{RelyingPartyID: strings.ToLower(pk.RelyingPartyID), UserVerification: "preferred"}
		if pk.UserVerification != "" && v.enum(child(child(p, "passkeys"), "userVerification"), "user verification", pk.UserVerification, []string{"required", "preferred"}) {
			pl.Passkeys.UserVerification = pk.UserVerification
		}
		v.relyingParty(child(p, "passkeys"), pk.RelyingPartyID, out)
	}
	if !pl.EmailOTP && !pl.SMSOTP && pl.Passkeys == nil {
		v.errorf(p, "enables no passwordless factor; set emailOTP: true, smsOTP: true or passkeys: { relyingPartyId: HOST }, or remove passwordless")
	}
	if raw.Preferred != "" && v.enum(child(p, "preferred"), "first factor", raw.Preferred, []string{FactorPassword, FactorEmailOTP, FactorSMSOTP, FactorPasskey}) {
		if slices.Contains(pl.Factors(), raw.Preferred) {
			pl.Preferred = raw.Preferred
		} else {
			v.errorf(child(p, "preferred"), "%s is not enabled, so Cognito would refuse it as the preferred challenge; enable it or prefer one of %s", raw.Preferred, oneOf(pl.Factors()))
		}
	}
	if out.MFA.Mode == "required" {
		v.errorf(p, "Cognito refuses passwordless first factors while MFA is required: a one-time password or a passkey is the whole sign-in, with no second factor; set auth.userPool.mfa.mode: optional (Cognito then asks for MFA after password sign-in only) or remove passwordless")
	}
	if pl.EmailOTP {
		if out.EmailSender == nil {
			v.errorf(child(p, "emailOTP"), "email one-time passwords need Cognito to send email through Amazon SES (its default email cannot send sign-in codes); add auth.userPool.emailSender: { from: no-reply@your-domain } with a verified SES identity")
		}
		if !slices.Contains(out.SignInWith, "email") && !hasStandard(out, "email") {
			v.errorf(child(p, "emailOTP"), "email one-time passwords go to the user's email attribute, which this pool does not have; sign in with email or add standardAttributes: { email: required }")
		}
	}
	if pl.SMSOTP && !slices.Contains(out.SignInWith, "phone") && !hasStandard(out, "phone_number") {
		v.errorf(child(p, "smsOTP"), "SMS one-time passwords go to the user's phone_number attribute, which this pool does not have; sign in with phone or add standardAttributes: { phone_number: optional }")
	}
	out.Passwordless = pl
}

// relyingParty checks a passkey relying party id: a host name that is the host of a site the spec
// declares users sign in on, or a parent domain of it (WebAuthn: the RP ID is the origin's effective
// domain or a registrable suffix of it).
func (v *validator) relyingParty(pp, rpID string, out *UserPool) {
	rp := child(pp, "relyingPartyId")
	if rpID == "" {
		v.missing(pp, "relyingPartyId", "missing relyingPartyId: the domain passkeys are bound to, e.g. the SPA's host app.example.com (or its parent example.com)")
		return
	}
	if u, err := url.Parse("https://" + rpID); err != nil || u.Host != rpID || u.Port() != "" || !awsrules.RelyingPartyIDPattern.MatchString(rpID) {
		v.errorf(rp, "%q is not a host name; write the domain alone, without scheme, port or path, e.g. app.example.com", rpID)
		return
	}
	hosts := v.signInHosts(out)
	for _, h := range hosts {
		if awsrules.RelyingPartyMatches(strings.ToLower(rpID), h) {
			return
		}
	}
	declared := "the spec declares no site users sign in on; add the SPA's origin under an API's or bucket's cors.allowOrigins, or a hosted UI callback URL"
	if len(hosts) > 0 {
		declared = fmt.Sprintf("the spec's sites are %s", oneOf(hosts))
	}
	v.errorf(rp, "%q is neither the host of a site users sign in on nor a parent domain of one, so browsers refuse the passkey ceremony there (WebAuthn binds a passkey to its relying party's domain); %s", rpID, declared)
}

// signInHosts are the hosts the spec declares the SPA or the hosted UI runs on, sorted: the hosted UI's
// domain (when the region is known), its callback and logout URLs, and every CORS origin.
func (v *validator) signInHosts(out *UserPool) []string {
	var hosts []string
	add := func(raw string) {
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
			hosts = append(hosts, strings.ToLower(u.Hostname()))
		}
	}
	if h := out.HostedUI; h != nil {
		if region := v.stageRegion(); region != "" && h.DomainPrefix != "" {
			hosts = append(hosts, awsrules.DomainPrefixHost(h.DomainPrefix, region))
		}
		// The custom domain is resolved after the sections; its host name is what the raw spec says.
		if a := v.raw.Auth; a != nil && a.UserPool != nil && a.UserPool.HostedUI != nil && a.UserPool.HostedUI.CustomDomain != nil {
			hosts = append(hosts, strings.ToLower(a.UserPool.HostedUI.CustomDomain.Name))
		}
		for _, u := range append(slices.Clone(h.CallbackURLs), h.LogoutURLs...) {
			add(u)
		}
	}
	if e := v.existing; e != nil && e.UserPool != nil && e.UserPool.Domain != "" {
		hosts = append(hosts, strings.ToLower(e.UserPool.Domain))
	}
	for _, name := range slices.Sorted(maps.Keys(v.raw.API)) {
		if a := v.raw.API[name]; a != nil && a.Cors != nil {
			for _, o := range a.Cors.AllowOrigins {
				add(o)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(v.raw.Storage)) {
		if s := v.raw.Storage[name]; s != nil && s.Cors != nil {
			for _, o := range s.Cors.AllowOrigins {
				add(o)
			}
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(hosts)))
}

// stageRegion is the selected stage's declared region ("" when env-agnostic).
func (v *validator) stageRegion() string {
	if s := v.raw.Stages[v.stageName]; s != nil {
		return s.Region
	}
	return ""
}

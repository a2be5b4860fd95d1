package spec

// The auth section: the user pool (sign-in, attributes, password, MFA, email, groups, triggers, resource
// servers, hosted UI) and the identity pool.

import (
	"cmp"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

var (
	signInValues   = []string{"email", "phone", "username"}
	mfaModes       = []string{"off", "optional", "required"}
	mfaMethods     = []string{"totp", "sms", "email"}
	attrTypes      = []string{"string", "number", "boolean", "datetime"}
	socialProvider = []string{"google", "facebook", "amazon", "apple"}
)

func (v *validator) auth(a *rawAuth) *Auth {
	out := &Auth{}
	v.userPool, v.identityPool = a.UserPool, a.IdentityPool
	if a.UserPool != nil {
		out.UserPool = v.userPoolModel(a.UserPool)
		v.up = out.UserPool
	}
	if a.IdentityPool != nil {
		ip := a.IdentityPool
		if a.UserPool == nil {
			v.errorf("auth.identityPool", "needs auth.userPool: the identity pool exchanges user pool tokens for AWS credentials; add a userPool or remove the identity pool")
		}
		if ip.GroupRoles && (a.UserPool == nil || len(a.UserPool.Groups) == 0) {
			v.errorf("auth.identityPool.groupRoles", "there are no groups under auth.userPool.groups to give roles to; add groups or remove groupRoles")
		}
		out.IdentityPool = &IdentityPool{GuestAccess: ip.GuestAccess, GroupRoles: ip.GroupRoles}
	}
	if e := v.existing; e != nil {
		if e.UserPool != nil && out.UserPool != nil {
			out.UserPool.Existing = &ExistingUserPool{ID: e.UserPool.ID, ClientID: e.UserPool.ClientID, Domain: e.UserPool.Domain,
				ResponseType: cmp.Or(e.UserPool.ResponseType, "code"), AutoVerify: e.UserPool.AutoVerifiedAttributes}
		}
		if e.IdentityPool != nil && out.IdentityPool != nil {
			out.IdentityPool.ExistingID = e.IdentityPool.ID
		}
	}
	if out.UserPool == nil && out.IdentityPool == nil {
		return nil
	}
	return out
}

// userPoolPath is where auth.userPool's problems are reported.
const userPoolPath = "auth.userPool"

// userPoolModel resolves auth.userPool one part at a time; the steps run in this order, which is the
// order their problems are found in.
func (v *validator) userPoolModel(u *rawUserPool) *UserPool {
	out := &UserPool{Name: cmp.Or(u.Name, UserPoolAccessKey), SelfSignUp: u.SelfSignUp != nil && *u.SelfSignUp}
	if u.Name != "" && !poolNamePattern.MatchString(u.Name) {
		v.errorf(child(userPoolPath, "name"), "%q is not a valid name: letters and digits, starting with a letter (it becomes AUTH_<NAME>_USERPOOLID)", u.Name)
	}
	out.SignInWith = v.signInWith(u)
	out.StandardAttributes = v.standardAttributes(u)
	out.CustomAttributes = v.customAttributes(u)
	out.PasswordPolicy = v.passwordPolicy(u)
	out.MFA = v.mfa(u, out)
	out.EmailSender = v.emailSender(u)
	v.groups(u, out)
	v.triggers(u, out)
	out.ResourceServers = v.resourceServers(u)
	if h := u.HostedUI; h != nil {
		out.HostedUI = v.hostedUI(h, out)
	}
	if u.Passwordless != nil {
		v.passwordless(u.Passwordless, out)
	}
	v.featurePlan(u, out)
	return out
}

// signInWith resolves the sign-in methods (email when none is given), in signInValues' order.
func (v *validator) signInWith(u *rawUserPool) []string {
	if len(u.SignInWith) == 0 {
		return []string{"email"}
	}
	return v.enumSet(child(userPoolPath, "signInWith"), "sign-in method", u.SignInWith, signInValues)
}

// standardAttributes resolves the standard attributes the pool declares, sorted by name.
func (v *validator) standardAttributes(u *rawUserPool) []StandardAttribute {
	var out []StandardAttribute
	for _, name := range slices.Sorted(maps.Keys(u.StandardAttributes)) {
		ap := child(child(userPoolPath, "standardAttributes"), name)
		if !awsrules.IsStandardAttribute(name) {
			hint := didYouMean(name, awsrules.StandardAttributes)
			if strings.HasPrefix(name, "custom:") || hint == "" {
				hint += "; custom attributes go under customAttributes"
			}
			v.errorf(ap, "%q is not a Cognito standard attribute%s", name, hint)
			continue
		}
		val := u.StandardAttributes[name]
		if v.enum(ap, "attribute setting", val, []string{"required", "optional"}) {
			out = append(out, StandardAttribute{Name: name, Required: val == "required"})
		}
	}
	return out
}

// customAttributes resolves the custom attributes, sorted by name; each is a type or a mapping.
func (v *validator) customAttributes(u *rawUserPool) []CustomAttribute {
	var out []CustomAttribute
	for _, name := range slices.Sorted(maps.Keys(u.CustomAttributes)) {
		ap := child(child(userPoolPath, "customAttributes"), name)
		if !awsrules.CustomAttributeNamePattern.MatchString(name) {
			v.errorf(ap, "%q is not a valid custom attribute name: 1 to 20 letters, digits and underscores, starting with a letter (no custom: prefix)", name)
			continue
		}
		raw := u.CustomAttributes[name]
		if raw == nil {
			v.errorf(ap, "is empty; give its type (%s), or a mapping { type, mutable, userWritable }", oneOf(attrTypes))
			continue
		}
		tp := ap
		if !raw.short {
			tp = child(ap, "type")
		}
		if raw.Type == "" && !raw.short {
			v.missing(ap, "type", "missing type: one of %s", oneOf(attrTypes))
			continue
		}
		if v.enum(tp, "attribute type", raw.Type, attrTypes) {
			out = append(out, CustomAttribute{Name: name, Type: raw.Type,
				Mutable: raw.Mutable == nil || *raw.Mutable, UserWritable: raw.UserWritable})
		}
	}
	return out
}

// passwordPolicy resolves the password policy: underhood's defaults, each one overridable.
func (v *validator) passwordPolicy(u *rawUserPool) PasswordPolicy {
	out := PasswordPolicy{MinLength: awsrules.PasswordMinLengthDefault, RequireLowercase: true, RequireUppercase: true, RequireDigits: true, RequireSymbols: true}
	pp := u.PasswordPolicy
	if pp == nil {
		return out
	}
	if pp.MinLength != 0 {
		if pp.MinLength < awsrules.PasswordMinLengthLowest || pp.MinLength > awsrules.PasswordMinLengthHighest {
			v.errorf(child(child(userPoolPath, "passwordPolicy"), "minLength"), "%d is outside what Cognito accepts (6 to 99)", pp.MinLength)
		}
		out.MinLength = pp.MinLength
	}
	set := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	set(&out.RequireLowercase, pp.RequireLowercase)
	set(&out.RequireUppercase, pp.RequireUppercase)
	set(&out.RequireDigits, pp.RequireDigits)
	set(&out.RequireSymbols, pp.RequireSymbols)
	return out
}

// mfa resolves the MFA mode and methods (in mfaMethods' order). Each method needs a way to reach the
// user: SMS a phone number (pool's sign-in and standard attributes resolved already), email SES.
func (v *validator) mfa(u *rawUserPool, pool *UserPool) MFA {
	out := MFA{Mode: "off"}
	m := u.MFA
	if m == nil {
		return out
	}
	mp := child(userPoolPath, "mfa")
	if m.Mode != "" && v.enum(child(mp, "mode"), "MFA mode", m.Mode, mfaModes) {
		out.Mode = m.Mode
	}
	out.Methods = v.enumSet(child(mp, "methods"), "MFA method", m.Methods, mfaMethods)
	switch {
	case out.Mode != "off" && len(m.Methods) == 0:
		v.errorf(mp, "mode %s needs at least one method; add methods: [totp]", out.Mode)
	case (m.Mode == "" || m.Mode == "off") && len(m.Methods) > 0:
		v.errorf(child(mp, "methods"), "methods are set but mode is off; set mode: optional or required, or remove methods")
	}
	if slices.Contains(out.Methods, "email") && u.EmailSender == nil {
		v.errorf(child(mp, "methods"), "email MFA needs Cognito to send email through Amazon SES; add auth.userPool.emailSender: { from: no-reply@your-domain } with a verified SES identity")
	}
	if slices.Contains(out.Methods, "sms") && !slices.Contains(pool.SignInWith, "phone") && !hasStandard(pool, "phone_number") {
		v.errorf(child(mp, "methods"), "SMS MFA sends codes to the phone_number attribute; add standardAttributes: { phone_number: optional } or sign-in with phone")
	}
	return out
}

// emailSender resolves the SES identity Cognito sends email from; nil: Cognito's own sender.
func (v *validator) emailSender(u *rawUserPool) *EmailSender {
	es := u.EmailSender
	if es == nil {
		return nil
	}
	ep := child(userPoolPath, "emailSender")
	if !strings.Contains(es.From, "@") {
		v.errorf(child(ep, "from"), "must be an email address of a verified SES identity, e.g. no-reply@example.com")
	}
	if es.SESRegion != "" && !awsrules.RegionPattern.MatchString(es.SESRegion) {
		v.errorf(child(ep, "sesRegion"), "%q is not an AWS region name", es.SESRegion)
	}
	return &EmailSender{From: es.From, SESRegion: es.SESRegion}
}

// triggers resolves the Lambda triggers into out.Triggers, sorted by operation.
func (v *validator) triggers(u *rawUserPool, out *UserPool) {
	for _, op := range slices.Sorted(maps.Keys(u.Triggers)) {
		tp := child(child(userPoolPath, "triggers"), op)
		if !v.enum(tp, "Cognito trigger", op, awsrules.TriggerOperations) {
			continue
		}
		v.trigger(tp, op, u.Triggers[op], out)
	}
}

// resourceServers resolves the resource servers and their scopes, sorted.
func (v *validator) resourceServers(u *rawUserPool) []ResourceServer {
	var out []ResourceServer
	for _, id := range slices.Sorted(maps.Keys(u.ResourceServers)) {
		rp := child(child(userPoolPath, "resourceServers"), id)
		rs := ResourceServer{Identifier: id, Name: id}
		if !awsrules.ScopeNamePattern.MatchString(id) {
			v.errorf(rp, "%q is not a valid resource server identifier", id)
		}
		if raw := u.ResourceServers[id]; raw != nil {
			if raw.Name != "" {
				rs.Name = raw.Name
			}
			for _, s := range slices.Sorted(maps.Keys(raw.Scopes)) {
				if !awsrules.ScopeNamePattern.MatchString(s) {
					v.errorf(child(child(rp, "scopes"), s), "%q is not a valid scope name", s)
				}
				rs.Scopes = append(rs.Scopes, Scope{Name: s, Description: raw.Scopes[s]})
			}
		}
		if len(rs.Scopes) == 0 {
			v.errorf(rp, "a resource server needs at least one scope: scopes: { read: Read access }")
		}
		out = append(out, rs)
	}
	return out
}

// groups resolves the groups. With group roles, Cognito's precedence decides which role a member of
// several groups gets (cognito:preferred_role, or the identity pool's rules for an existing pool), so
// every group needs one and no two may be equal: on a tie Cognito sets no preferred role and the member
// silently gets the authenticated role.
func (v *validator) groups(u *rawUserPool, out *UserPool) {
	const p = "auth.userPool.groups"
	groupRoles := v.identityPool != nil && v.identityPool.GroupRoles
	highest := -1
	for _, g := range u.Groups {
		if g != nil && g.Precedence != nil {
			highest = max(highest, *g.Precedence)
		}
	}
	byPrecedence := map[int]string{}
	for _, name := range slices.Sorted(maps.Keys(u.Groups)) {
		gp := child(p, name)
		if !awsrules.GroupNamePattern.MatchString(name) {
			v.errorf(gp, "%q is not a valid group name: letters, digits, _ and -, starting with a letter", name)
		}
		g := Group{Name: name}
		raw := u.Groups[name]
		if raw != nil {
			g.Description = raw.Description
		}
		switch {
		case raw != nil && raw.Precedence != nil:
			pr := *raw.Precedence
			g.Precedence = &pr
			if pr < 0 {
				v.errorf(child(gp, "precedence"), "must be 0 or more (lower wins)")
			} else if other, tie := byPrecedence[pr]; tie && groupRoles {
				v.errorf(child(gp, "precedence"), "group %q has precedence %d too: for a member of both groups Cognito puts "+
					"no role in cognito:preferred_role, so the identity pool gives them the authenticated role and "+
					"group-only routes and files refuse them (403); give every group its own precedence", other, pr)
			} else if !tie {
				byPrecedence[pr] = name
			}
		case groupRoles && !v.r.decodeFailed(child(gp, "precedence")):
			highest++
			v.errorf(gp, "missing precedence: with auth.identityPool.groupRoles a member of several groups gets the "+
				"role of the group with the lowest precedence, and groups without one tie, which leaves the member "+
				"with only the authenticated role; give every group its own precedence, e.g. precedence: %d", highest)
		}
		out.Groups = append(out.Groups, g)
	}
}

func hasStandard(u *UserPool, name string) bool {
	for _, a := range u.StandardAttributes {
		if a.Name == name {
			return true
		}
	}
	return false
}

// scopes every access token may carry: the standard OAuth scopes plus resource-server scopes.
func (v *validator) knownScopes() []string {
	known := append([]string(nil), awsrules.StandardScopes...)
	if v.userPool != nil {
		for _, id := range slices.Sorted(maps.Keys(v.userPool.ResourceServers)) {
			if rs := v.userPool.ResourceServers[id]; rs != nil {
				for _, s := range slices.Sorted(maps.Keys(rs.Scopes)) {
					known = append(known, id+"/"+s)
				}
			}
		}
	}
	return known
}

func (v *validator) hostedUI(h *rawHostedUI, pool *UserPool) *HostedUI {
	const p = "auth.userPool.hostedUI"
	// URLs and scopes keep the spec's order: the SPA's configuration lists them so, and Gen 1 apps use
	// the first redirect URL (redirectSignIn.split(",")[0]).
	out := &HostedUI{DomainPrefix: h.DomainPrefix, CallbackURLs: orderedSet(h.CallbackURLs), LogoutURLs: orderedSet(h.LogoutURLs)}
	switch {
	case h.DomainPrefix == "":
		v.missing(p, "domainPrefix", "missing domainPrefix: the hosted UI lives at <domainPrefix>.auth.<region>.amazoncognito.com; add e.g. domainPrefix: myapp-${stage}")
	case !awsrules.DomainPrefixPattern.MatchString(h.DomainPrefix):
		v.errorf(child(p, "domainPrefix"), "%q is not a valid Cognito domain prefix: lowercase letters, digits and hyphens, at most 63, not starting or ending with a hyphen", h.DomainPrefix)
	default:
		for _, reserved := range awsrules.DomainPrefixReservedWords {
			if strings.Contains(h.DomainPrefix, reserved) {
				v.errorf(child(p, "domainPrefix"), "Cognito refuses domain prefixes containing %q; choose another prefix", reserved)
			}
		}
	}
	if len(h.CallbackURLs) == 0 {
		v.missing(p, "callbackUrls", "missing callbackUrls: where Cognito may send users after sign-in, e.g. [http://localhost:5173/]")
	}
	for i, u := range h.CallbackURLs {
		v.redirectURL(index(child(p, "callbackUrls"), i), u)
	}
	for i, u := range h.LogoutURLs {
		v.redirectURL(index(child(p, "logoutUrls"), i), u)
	}
	scopes := h.Scopes
	if len(scopes) == 0 {
		scopes = []string{"openid", "email", "profile"}
	}
	known := v.knownScopes()
	for i, s := range h.Scopes {
		if !slices.Contains(known, s) {
			v.errorf(index(child(p, "scopes"), i), "unknown scope %q; use one of %s or declare it under auth.userPool.resourceServers%s", s, oneOf(known), didYouMean(s, known))
		}
	}
	out.Scopes = orderedSet(scopes)
	for _, name := range slices.Sorted(maps.Keys(h.Providers)) {
		pp := child(child(p, "providers"), name)
		raw := h.Providers[name]
		if raw == nil {
			v.errorf(pp, "is empty; give at least clientId and clientSecret")
			continue
		}
		out.Providers = append(out.Providers, v.provider(pp, name, raw))
	}
	_ = pool
	return out
}

// provider resolves one sign-in provider of the hosted UI: a social one (google, facebook, amazon,
// apple) by its name, any other an OIDC provider.
func (v *validator) provider(pp, name string, raw *rawProvider) Provider {
	prov := Provider{Name: name, Kind: "oidc", ClientID: raw.ClientID, TeamID: raw.TeamID, KeyID: raw.KeyID, IssuerURL: raw.IssuerURL, Scopes: slices.Compact(slices.Sorted(slices.Values(raw.Scopes)))}
	if slices.Contains(socialProvider, name) {
		prov.Kind = name
	}
	if raw.ClientID == "" {
		v.missing(pp, "clientId", "missing clientId: the %s app's client id", name)
	}
	prov.ClientSecret = v.secret(child(pp, "clientSecret"), raw.ClientSecret)
	prov.PrivateKey = v.secret(child(pp, "privateKey"), raw.PrivateKey)
	switch prov.Kind {
	case "apple":
		var missing []string
		for _, f := range []struct {
			name string
			set  bool
		}{{"teamId", raw.TeamID != ""}, {"keyId", raw.KeyID != ""}, {"privateKey", raw.PrivateKey != nil}} {
			if !f.set && !v.r.decodeFailed(child(pp, f.name)) {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			v.errorf(pp, "Sign in with Apple needs teamId, keyId and privateKey: { secretsManager: NAME }; missing: %s", strings.Join(missing, ", "))
		}
		if raw.ClientSecret != nil {
			v.errorf(child(pp, "clientSecret"), "Apple uses privateKey, not clientSecret")
		}
	default:
		if raw.ClientSecret == nil {
			v.missing(pp, "clientSecret", "missing clientSecret: reference the secret in Secrets Manager, clientSecret: { secretsManager: NAME }")
		}
		if raw.PrivateKey != nil || raw.TeamID != "" || raw.KeyID != "" {
			v.errorf(pp, "teamId, keyId and privateKey are for Sign in with Apple only")
		}
	}
	if prov.Kind == "oidc" {
		if !awsrules.OIDCProviderNamePattern.MatchString(name) {
			v.errorf(pp, "%q is not a valid OIDC provider name: up to 32 letters, digits, _ and -", name)
		}
		if raw.IssuerURL == "" {
			v.missing(pp, "issuerUrl", "%q is not google, facebook, amazon or apple, so it is an OIDC provider and needs issuerUrl: https://...%s", name, didYouMean(name, socialProvider))
		} else if u, err := url.Parse(raw.IssuerURL); err != nil || u.Scheme != "https" || u.Host == "" {
			v.errorf(child(pp, "issuerUrl"), "%q is not an https:// URL; Cognito fetches the OIDC discovery document from https://ISSUER/.well-known/openid-configuration", raw.IssuerURL)
		}
	} else if raw.IssuerURL != "" {
		v.errorf(child(pp, "issuerUrl"), "issuerUrl is for OIDC providers only; %s has a fixed issuer", name)
	}
	return prov
}

func (v *validator) redirectURL(path, raw string) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		if err == nil && u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" && u.Opaque == "" {
			return // custom schemes (myapp://callback) are valid for native apps
		}
		v.errorf(path, "%q is not an absolute URL such as https://app.example.com/", raw)
		return
	}
	if u.Scheme == "http" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" {
		v.errorf(path, "Cognito accepts http:// only for localhost; use https://")
	}
	if u.Fragment != "" {
		v.errorf(path, "redirect URLs cannot contain a fragment (#...)")
	}
}

func (v *validator) secret(path string, s *rawSecret) *Secret {
	if s == nil || s.plaintext {
		return nil
	}
	if s.SecretsManager == "" {
		v.missing(path, "secretsManager", "missing secretsManager: the name or ARN of the Secrets Manager secret")
		return nil
	}
	return &Secret{SecretsManager: s.SecretsManager, JSONField: s.JSONField}
}

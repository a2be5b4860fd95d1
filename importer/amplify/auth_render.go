package amplify

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// node is the spec's auth section: the user pool, then the identity pool.
func (a *authOut) node(b *builder) *yaml.Node {
	up := newMap()
	if a.userPoolAccess {
		up.add("name", str(specName(a.amp)), "Amplify's auth resource name: functions with access to the pool get AUTH_"+strings.ToUpper(specName(a.amp))+"_USERPOOLID, as in Gen 1")
	}
	up.add("signInWith", flowList(a.signIn...), a.signInFrom)
	if a.res.Imported {
		up.add("selfSignUp", boolean(true), "not in the project files for an imported pool: Cognito's and Amplify's default (users sign themselves up)")
	} else {
		up.add("selfSignUp", boolean(true), "Amplify's user pools let users sign themselves up")
	}
	if len(a.standard) > 0 {
		sa := newFlowMap()
		var froms []string
		for _, s := range a.standard {
			sa.add(s.name, str(s.setting), "")
			froms = appendUnique(froms, s.from)
		}
		up.add("standardAttributes", sa.n, strings.Join(froms, "; "))
	}
	a.addPasswordPolicy(up)
	if a.mfaMode != "off" {
		mfa := newFlowMap()
		mfa.add("mode", str(a.mfaMode), "")
		mfa.add("methods", flowList(a.mfaMethods...), "")
		up.add("mfa", mfa.n, a.mfaFrom)
	}
	if len(a.groups) > 0 {
		a.addGroups(up)
	}
	if len(a.triggers) > 0 {
		tm := newMap()
		slices.SortFunc(a.triggers, func(x, y triggerOut) int { return strings.Compare(x.op, y.op) })
		for _, t := range a.triggers {
			tm.add(t.op, str(t.fn), t.from)
		}
		up.add("triggers", tm.n, "")
	}
	if h := a.hosted; h != nil {
		up.add("hostedUI", a.hostedUINode(b, h), "")
	}
	auth := newMap()
	auth.add("userPool", up.n, resourceComment(a.res, "auth"))
	if a.identityPool {
		ip := newMap()
		ip.add("guestAccess", boolean(a.guest), a.guestFrom)
		if a.groupRoles {
			ip.add("groupRoles", boolean(true), "each user pool group gets its own role, as Amplify's userPoolGroups did")
		}
		auth.add("identityPool", ip.n, a.identityPoolFrom)
	}
	return auth.n
}

// addPasswordPolicy adds Amplify's password policy, or for a new pool one cdk-nag accepts.
func (a *authOut) addPasswordPolicy(up ymap) {
	pp := newFlowMap()
	from := a.src(a.passwordFrom + ", " + a.charsFrom)
	minLength, lower, upper, digits, symbols := a.minLength, a.lower, a.upper, a.digits, a.symbols
	if a.existingPool == "" && (minLength < 8 || !upper || !digits || !symbols) {
		// A new pool starts without users, so nothing ties it to Amplify's weaker policy; underhood's
		// cdk-nag check (COG1) would refuse it. An existing pool keeps its own policy either way.
		a.res.note("Amplify's password policy (%d characters, %s) is weaker than a new pool may have (cdk-nag AwsSolutions-COG1): the new pool asks for at least 8 characters with lowercase, uppercase, digits and symbols", a.minLength, a.charsFrom)
		minLength, lower, upper, digits, symbols = max(minLength, 8), true, true, true, true
		from = "a NEW pool gets at least 8 characters and every character class (cdk-nag COG1); Amplify's was " + a.passwordFrom + ", " + a.charsFrom
	}
	pp.add("minLength", num(minLength), "")
	pp.add("requireLowercase", boolean(lower), "")
	pp.add("requireUppercase", boolean(upper), "")
	pp.add("requireDigits", boolean(digits), "")
	pp.add("requireSymbols", boolean(symbols), "")
	up.add("passwordPolicy", pp.n, from)
}

// addGroups adds the user pool groups with their precedence.
func (a *authOut) addGroups(up ymap) {
	gm := newMap()
	for _, g := range a.groups {
		x := newFlowMap()
		x.add("precedence", num(g.precedence), "")
		gm.add(g.name, x.n, g.from)
	}
	c := ""
	if a.groupsRes != nil {
		c = resourceComment(a.groupsRes, "auth")
	}
	up.add("groups", gm.n, c)
}

// hostedUINode is the hosted UI: domain, redirect URLs, scopes and providers.
func (a *authOut) hostedUINode(b *builder, h *hostedOut) *yaml.Node {
	hm := newMap()
	hm.add("domainPrefix", str(h.domainPrefix), h.domainFrom)
	src := func(what, field, spaKey string) string {
		if slices.Contains(h.fromSPA, what) {
			return b.spa.from(spaKey) + " (the kept client's, in the order the SPA lists them)"
		}
		return h.oauthFrom + " " + field
	}
	hm.add("callbackUrls", flowList(h.callbacks...), src("callback URLs", "CallbackURLs", "oauth.redirectSignIn"))
	if len(h.logouts) > 0 {
		hm.add("logoutUrls", flowList(h.logouts...), src("logout URLs", "LogoutURLs", "oauth.redirectSignOut"))
	}
	if len(h.scopes) > 0 {
		hm.add("scopes", flowList(h.scopes...), src("scopes", "AllowedOAuthScopes", "oauth.scope"))
	}
	a.addProviders(hm, h)
	return hm.n
}

// addProviders adds the hosted UI's providers, and those the spec cannot have yet as a comment.
func (a *authOut) addProviders(hm ymap, h *hostedOut) {
	pm := newMap()
	for _, p := range h.providers {
		x := newFlowMap()
		x.add("clientId", str(p.clientID), "")
		sec := newFlowMap()
		sec.add("secretsManager", str(p.secret), "")
		x.add("clientSecret", sec.n, "")
		if len(p.scopes) > 0 {
			x.add("scopes", flowList(p.scopes...), "")
		}
		c := p.clientFrom + "; the secret is a Secrets Manager secret you create"
		pm.add(p.name, x.n, c)
	}
	if len(a.providerComment) > 0 {
		lines := append([]string{"Providers whose credentials are not in the project files; fill in and uncomment:"}, a.providerComment...)
		if pm.empty() {
			hm.addNote("providers", (&yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}), commentLines(lines...))
		} else {
			pm.n.Content[0].HeadComment = commentLines(lines...)
			hm.add("providers", pm.n, "")
		}
	} else if !pm.empty() {
		hm.add("providers", pm.n, "")
	}
}

// dropUnusedSecrets leaves out of the secrets to create those underhood never reads: an existing pool
// keeps its identity providers (underhood creates none on it), so their client secrets stay where
// they are; the spec still names them, as its validation wants a reference.
func (b *builder) dropUnusedSecrets() {
	a := b.auth
	if a == nil || a.existingPool == "" {
		return
	}
	var keep []Secret
	for _, s := range b.secrets {
		if !s.provider {
			keep = append(keep, s)
		}
	}
	if len(keep) < len(b.secrets) {
		a.res.note("the kept pool keeps its identity providers and their secrets: underhood creates none on it, so the spec's clientSecret references are never read and need no secret")
	}
	b.secrets = keep
}

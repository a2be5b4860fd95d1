package amplify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// authOut is the auth resource (user pool, optional identity pool) and its groups on their way into
// the spec.
type authOut struct {
	amp       string
	res       *Resource
	groupsRes *Resource
	file      string // cli-inputs.json or parameters.json
	prefix    string // "cognitoConfig." for cli-inputs.json
	data      []byte
	legacy    bool

	signIn                  []string
	signInFrom              string
	standard                []attrOut
	minLength               int
	lower, upper, digits    bool
	symbols                 bool
	passwordFrom, charsFrom string
	mfaMode                 string
	mfaMethods              []string
	mfaFrom                 string
	groups                  []groupOut
	triggers                []triggerOut
	hosted                  *hostedOut
	identityPool            bool
	identityPoolFrom        string
	guest                   bool
	guestFrom               string
	groupRoles              bool
	providerComment         []string // commented-out providers the spec cannot have yet
	existingPool, poolFrom  string
	existingClient          string
	clientFrom              string
	existingIdentityPool    string
	identityPoolIDFrom      string
	existingDomain          string
	domainFrom              string
	hostedUIDomainName      string
	groupList               []string // userPoolGroupList
	// autoVerify are the attributes the pool verifies (autoVerifiedAttributes), nil when not given.
	autoVerify     []string
	autoVerifyFrom string
	// implicitOnly: the web client allows only the OAuth implicit grant (oAuthMetadata AllowedOAuthFlows).
	implicitOnly bool
	flowsFrom    string
	// userPoolAccess: some function gets access.userPool, so the spec names the pool (AUTH_<NAME>_USERPOOLID).
	userPoolAccess bool
}

type attrOut struct{ name, setting, from string }

type groupOut struct {
	name       string
	precedence int
	from       string
}

type triggerOut struct{ op, fn, from string }

type hostedOut struct {
	domainPrefix, domainFrom string
	callbacks, logouts       []string
	scopes                   []string
	oauthFrom                string
	providers                []providerOut
	fromSPA                  []string // what the SPA's aws-exports.js gave (callback URLs, ...)
}

type providerOut struct {
	name                 string // google, facebook, amazon, apple
	clientID, clientFrom string
	scopes               []string
	scopesFrom           string
	secret               string
}

// authParams is what the import reads from an auth resource, in either format.
type authParams struct {
	ServiceType                    string    `json:"serviceType"`
	AuthSelections                 string    `json:"authSelections"`
	UsernameAttributes             strList   `json:"usernameAttributes"`
	AliasAttributes                strList   `json:"aliasAttributes"`
	RequiredAttributes             strList   `json:"requiredAttributes"`
	PasswordPolicyMinLength        flexInt   `json:"passwordPolicyMinLength"`
	PasswordPolicyCharacters       strList   `json:"passwordPolicyCharacters"`
	MFAConfiguration               string    `json:"mfaConfiguration"`
	MFATypes                       strList   `json:"mfaTypes"`
	AllowUnauthenticatedIdentities flexBool  `json:"allowUnauthenticatedIdentities"`
	Triggers                       jsonish   `json:"triggers"`
	AuthTriggerConnections         jsonish   `json:"authTriggerConnections"`
	Permissions                    []jsonish `json:"permissions"`
	UserPoolGroupList              strList   `json:"userPoolGroupList"`
	HostedUI                       flexBool  `json:"hostedUI"`
	HostedUIDomainName             string    `json:"hostedUIDomainName"`
	AuthProvidersUserPool          strList   `json:"authProvidersUserPool"`
	HostedUIProviderMeta           jsonish   `json:"hostedUIProviderMeta"`
	AuthProviders                  strList   `json:"authProviders"`
	OAuthMetadata                  jsonish   `json:"oAuthMetadata"`
	UsernameCaseSensitive          flexBool  `json:"usernameCaseSensitive"`
	AutoVerifiedAttributes         strList   `json:"autoVerifiedAttributes"`
}

// socialProviders maps Amplify's user pool provider names to the spec's, and the team-provider-info
// key that holds the app's client id for identity pool federation.
var socialProviders = []struct{ amplify, spec, tpiKey, federation, display string }{
	{"Google", "google", "googleClientId", "accounts.google.com", "Google"},
	{"Facebook", "facebook", "facebookAppId", "graph.facebook.com", "Facebook"},
	{"LoginWithAmazon", "amazon", "amazonAppId", "www.amazon.com", "Login with Amazon"},
	{"SignInWithApple", "apple", "appleAppId", "appleid.apple.com", "Sign in with Apple"},
}

// triggerOp is the Cognito operation (awsrules.TriggerOperations) of an amplify-cli trigger name: the
// operation capitalized, and PreSignup for preSignUp.
func triggerOp(name string) (string, bool) {
	for _, op := range awsrules.TriggerOperations {
		amp := strings.ToUpper(op[:1]) + op[1:]
		if op == "preSignUp" {
			amp = "PreSignup"
		}
		if amp == name {
			return op, true
		}
	}
	return "", false
}

func (a *authOut) src(field string) string { return from(a.file, a.prefix+field) }

func (b *builder) readAuth() error {
	var groupsRef *resourceRef
	for _, ref := range b.refs("auth") {
		ref := ref
		res := b.resource(ref.Category, ref.Name)
		switch {
		case ref.Service == "Cognito-UserPool-Groups":
			groupsRef = &ref
		case ref.Service != "Cognito":
			res.outOfScope("auth service %q is out of scope", ref.Service)
		case b.auth != nil:
			res.outOfScope("a second Cognito auth resource: the spec has one user pool (%s is imported)", b.auth.amp)
		default:
			if err := b.readAuthResource(ref, res); err != nil {
				return err
			}
		}
	}
	if groupsRef != nil {
		if err := b.readGroups(*groupsRef); err != nil {
			return err
		}
	}
	if b.auth != nil {
		if err := b.authIDs(); err != nil {
			return err
		}
		b.authRetire()
	} else if b.opts.UserPoolID != "" || b.opts.IdentityPoolID != "" || b.opts.UserPoolClientID != "" || b.opts.HostedUIDomain != "" {
		return fmt.Errorf("%s, %s, %s and %s name an auth resource's ids, and the project has no Cognito auth resource", FlagUserPoolID, FlagUserPoolClientID, FlagIdentityPoolID, FlagHostedUIDomain)
	}
	return nil
}

func (b *builder) readAuthResource(ref resourceRef, res *Resource) error {
	dir := "amplify/backend/auth/" + ref.Name
	if !b.p.isDir(dir) {
		res.missing(dir)
		return nil
	}
	a := &authOut{amp: ref.Name, res: res}
	var in authParams
	if cli := dir + "/cli-inputs.json"; b.p.exists(cli) {
		data, err := b.p.read(cli)
		if err != nil {
			return err
		}
		var wrapper struct {
			CognitoConfig authParams `json:"cognitoConfig"`
		}
		if err := decodeJSON(cli, data, &wrapper); err != nil {
			return err
		}
		in, a.file, a.prefix, a.data = wrapper.CognitoConfig, cli, "cognitoConfig.", data
	} else {
		file := dir + "/parameters.json"
		data, err := b.p.read(file)
		if err != nil {
			return err
		}
		if err := decodeJSON(file, data, &in); err != nil {
			return err
		}
		a.file, a.data, a.legacy = file, data, true
	}
	if in.ServiceType == "imported" || ref.ServiceType == "imported" {
		res.Imported = true
	}
	if in.AuthSelections == "identityPoolOnly" {
		res.outOfScope("an identity pool without a user pool (authSelections identityPoolOnly) is out of scope: the spec's identity pool trusts its user pool")
		return nil
	}
	b.auth = a
	res.SpecPath = "auth.userPool"
	a.groupList = in.UserPoolGroupList.items()

	// Sign-in: usernameAttributes (email/phone_number instead of a username, possibly one
	// comma-joined string), else aliasAttributes (a username plus aliases), else a username.
	users := in.UsernameAttributes.items()
	aliases := in.AliasAttributes.items()
	switch {
	case len(users) > 0 && users[0] != "username":
		a.signInFrom = a.src("usernameAttributes")
		if len(in.UsernameAttributes) == 1 && len(users) > 1 {
			a.signInFrom += fmt.Sprintf(" (one comma-joined entry %q)", in.UsernameAttributes[0])
		}
		for _, u := range users {
			a.signIn = appendUnique(a.signIn, b.signInName(a, u))
		}
	case len(aliases) > 0:
		a.signIn = []string{"username"}
		a.signInFrom = a.src("aliasAttributes") + ": a username plus these aliases"
		for _, u := range aliases {
			a.signIn = appendUnique(a.signIn, b.signInName(a, u))
		}
	default:
		a.signIn = []string{"username"}
		a.signInFrom = a.src("usernameAttributes") + " and aliasAttributes are empty: users sign in with a username"
	}
	a.signIn = slices.DeleteFunc(a.signIn, func(s string) bool { return s == "" })
	slices.SortFunc(a.signIn, func(x, y string) int { return signInOrder(x) - signInOrder(y) })

	for _, attr := range in.RequiredAttributes.items() {
		if !awsrules.IsStandardAttribute(attr) {
			res.approx("required attribute %s is not a Cognito standard attribute; left out", attr)
			continue
		}
		a.standard = append(a.standard, attrOut{attr, "required", a.src("requiredAttributes")})
	}

	a.minLength, a.passwordFrom = awsrules.PasswordMinLengthDefault, "passwordPolicyMinLength is not set: Cognito's default 8"
	if in.PasswordPolicyMinLength.set {
		a.minLength, a.passwordFrom = in.PasswordPolicyMinLength.n, "passwordPolicyMinLength"
	}
	chars := in.PasswordPolicyCharacters.items()
	a.lower = slices.Contains(chars, "Requires Lowercase")
	a.upper = slices.Contains(chars, "Requires Uppercase")
	a.digits = slices.Contains(chars, "Requires Numbers")
	a.symbols = slices.Contains(chars, "Requires Symbols")
	a.charsFrom = "passwordPolicyCharacters " + fmt.Sprint(chars)

	switch strings.ToUpper(in.MFAConfiguration) {
	case "ON":
		a.mfaMode = "required"
	case "OPTIONAL":
		a.mfaMode = "optional"
	default:
		a.mfaMode = "off"
	}
	a.mfaFrom = a.src("mfaConfiguration " + cmp.Or(in.MFAConfiguration, "OFF"))
	if a.mfaMode != "off" {
		for _, t := range in.MFATypes.items() {
			switch t {
			case "SMS Text Message", "SMS":
				a.mfaMethods = appendUnique(a.mfaMethods, "sms")
			case "TOTP":
				a.mfaMethods = appendUnique(a.mfaMethods, "totp")
			}
		}
		slices.SortFunc(a.mfaMethods, func(x, y string) int { return strings.Compare(y, x) }) // totp, sms
		a.mfaFrom += "; mfaTypes " + fmt.Sprint(in.MFATypes.items())
		if len(a.mfaMethods) == 0 {
			a.mfaMethods = []string{"totp"}
			res.approx("MFA is %s but mfaTypes names no method; the spec offers TOTP", strings.ToLower(in.MFAConfiguration))
		}
		if slices.Contains(a.mfaMethods, "sms") && !slices.Contains(a.signIn, "phone") && !a.hasAttr("phone_number") {
			a.standard = append(a.standard, attrOut{"phone_number", "optional", "SMS MFA sends codes to phone_number, a standard attribute every user pool has"})
		}
	}
	slices.SortFunc(a.standard, func(x, y attrOut) int { return strings.Compare(x.name, y.name) })
	if in.AutoVerifiedAttributes != nil {
		a.autoVerify = []string{}
		for _, v := range in.AutoVerifiedAttributes.items() {
			if slices.Contains(awsrules.VerifiableAttributes, v) {
				a.autoVerify = appendUnique(a.autoVerify, v)
			}
		}
		a.autoVerifyFrom = a.src("autoVerifiedAttributes")
	}

	if in.AuthSelections == "identityPoolAndUserPool" {
		a.identityPool, a.identityPoolFrom = true, a.src("authSelections identityPoolAndUserPool")
		a.guest = in.AllowUnauthenticatedIdentities.v
		a.guestFrom = a.src("allowUnauthenticatedIdentities")
		if res.Imported && !in.AllowUnauthenticatedIdentities.set {
			a.guestFrom = "an imported identity pool's guest setting is not in the project files; assumed off"
			res.approx("the imported identity pool's guest access is not in the project files: the spec says guestAccess false")
		}
	}
	for _, p := range in.AuthProviders.items() {
		name, id := p, ""
		for _, sp := range socialProviders {
			if sp.federation == p {
				name = sp.display
				if v, ok := b.p.param("auth", a.amp, sp.tpiKey); ok && v != "" {
					id = ", " + sp.tpiKey + " " + v
				}
			}
		}
		res.approx("the identity pool also accepted %s tokens directly (authProviders %s%s: identity-pool federation, without the user pool): the spec's identity pool trusts only its user pool, so an app that signs users in with %s's own SDK gets no AWS credentials; sign them in through the user pool's hosted UI instead (their identity ids change)", name, p, id, name)
	}

	if err := b.readTriggers(a, ref, in); err != nil {
		return err
	}
	if err := b.readHostedUI(a, in); err != nil {
		return err
	}
	if res.Imported && len(in.AuthProvidersUserPool.items()) > 0 && a.hosted == nil {
		res.approx("the imported pool has hosted UI providers %s, but its domain, callback URLs and scopes are not in the project files: the spec has no hostedUI; add auth.userPool.hostedUI (and stages.%s.existing.userPool.domain) by hand", strings.Join(in.AuthProvidersUserPool.items(), ", "), stageName(b.p.env))
	}
	if res.Imported {
		res.note("imported: Amplify did not create it; the spec describes it for the frontend configuration and the IAM grants, and underhood does not change it")
	}
	return nil
}

func signInOrder(s string) int {
	switch s {
	case "email":
		return 0
	case "phone":
		return 1
	}
	return 2
}

func (b *builder) signInName(a *authOut, attr string) string {
	switch attr {
	case "email":
		return "email"
	case "phone_number":
		return "phone"
	case "username":
		return "username"
	}
	a.res.approx("users could also sign in with %s: the spec's sign-in choices are email, phone and username", attr)
	return ""
}

func (a *authOut) hasAttr(name string) bool {
	return slices.ContainsFunc(a.standard, func(x attrOut) bool { return x.name == name })
}

// triggerConnection is one entry of cli-inputs.json authTriggerConnections.
type triggerConnection struct {
	TriggerType        string `json:"triggerType"`
	LambdaFunctionName string `json:"lambdaFunctionName"`
}

// triggerConnections reads authTriggerConnections in every shape amplify-cli wrote it: a list of
// objects, the whole list as one JSON-encoded string, or a list of JSON-encoded strings, one per
// trigger. What cannot be read is reported and left out; the import goes on.
func (a *authOut) triggerConnections(j jsonish) []triggerConnection {
	if !j.present() {
		return nil
	}
	field := "authTriggerConnections"
	var items []json.RawMessage
	if err := j.decode(a.file, a.data, fieldPath(a.prefix, field), &items); err != nil {
		a.res.approx("%s: %s is not a list of trigger connections (%v): the triggers' functions are found by name instead", a.file, field, err)
		return nil
	}
	var out []triggerConnection
	for i, raw := range items {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			raw = json.RawMessage(s) // one JSON-encoded string per connection
		}
		var c triggerConnection
		if err := json.Unmarshal(raw, &c); err != nil || c.TriggerType == "" {
			a.res.approx("%s: %s[%d] is not a trigger connection ({triggerType, lambdaFunctionName}): left out", a.file, field, i)
			continue
		}
		out = append(out, c)
	}
	return out
}

// readTriggers finds each Cognito trigger's function: authTriggerConnections (amplify-cli v7), else the
// function the auth resource depends on whose name ends with the trigger, else <auth><Trigger>.
func (b *builder) readTriggers(a *authOut, ref resourceRef, in authParams) error {
	triggers := map[string]json.RawMessage{}
	if in.Triggers.present() {
		if err := in.Triggers.decode(a.file, a.data, fieldPath(a.prefix, "triggers"), &triggers); err != nil {
			return err
		}
	}
	conns := a.triggerConnections(in.AuthTriggerConnections)
	// Role permissions amplify-cli gave trigger functions (JSON strings).
	perms := map[string][]string{}
	for i, p := range in.Permissions {
		var perm struct {
			Trigger string   `json:"trigger"`
			Actions []string `json:"actions"`
		}
		if err := p.decode(a.file, a.data, fieldPath(a.prefix, "permissions"), &perm); err != nil {
			return fmt.Errorf("%w (entry %d)", err, i)
		}
		perms[perm.Trigger] = append(perms[perm.Trigger], perm.Actions...)
	}
	encoded := ""
	if s := strings.TrimSpace(string(in.Triggers.raw)); strings.HasPrefix(s, `"`) {
		encoded = " (triggers is a JSON-encoded string)"
	}
	for _, key := range slices.Sorted(maps.Keys(triggers)) {
		op, ok := triggerOp(key)
		if !ok {
			a.res.approx("trigger %s is not a Cognito operation the spec knows; left out", key)
			continue
		}
		fnName := ""
		for _, c := range conns {
			if c.TriggerType == key {
				fnName = c.LambdaFunctionName
			}
		}
		if fnName == "" {
			for _, d := range ref.DependsOn {
				if d.Category == "function" && strings.HasSuffix(d.ResourceName, key) {
					fnName = d.ResourceName
				}
			}
		}
		if fnName == "" && b.fn(a.amp+key) != nil {
			fnName = a.amp + key
		}
		f := b.fn(fnName)
		if !f.inSpec() {
			a.res.approx("trigger %s: its function %s is not in the spec (%s); left out", key, cmp.Or(fnName, "<"+a.amp+key+">"), "see the function's entry")
			continue
		}
		var modules []string
		_ = json.Unmarshal(triggers[key], &modules)
		src := a.src("triggers." + key)
		if len(modules) > 0 {
			src += " " + fmt.Sprint(modules)
		}
		src += encoded
		a.triggers = append(a.triggers, triggerOut{op, f.name, src})
		if acts := perms[key]; len(acts) > 0 {
			// amplify-cli grants a trigger these actions on the pool (the auth stack's policy for it).
			b.addCognito(f, acts, json.RawMessage(`{"Ref":"auth`+a.amp+`UserPoolId"}`), a.src("permissions ("+key+" trigger)"))
		}
	}
	return nil
}

func fieldPath(prefix, field string) []string {
	if prefix == "" {
		return []string{field}
	}
	return []string{strings.TrimSuffix(prefix, "."), field}
}

func (b *builder) readHostedUI(a *authOut, in authParams) error {
	if in.HostedUIDomainName == "" || (in.HostedUI.set && !in.HostedUI.v) {
		return nil
	}
	a.hostedUIDomainName = in.HostedUIDomainName
	h := &hostedOut{
		domainPrefix: in.HostedUIDomainName + "-${stage}",
		domainFrom:   a.src("hostedUIDomainName") + " + \"-\" + env: amplify-cli's domain (HostedUICustomResourceInputs)",
	}
	var meta struct {
		AllowedOAuthFlows  []string `json:"AllowedOAuthFlows"`
		AllowedOAuthScopes []string `json:"AllowedOAuthScopes"`
		CallbackURLs       []string `json:"CallbackURLs"`
		LogoutURLs         []string `json:"LogoutURLs"`
	}
	if in.OAuthMetadata.present() {
		if err := in.OAuthMetadata.decode(a.file, a.data, fieldPath(a.prefix, "oAuthMetadata"), &meta); err != nil {
			return err
		}
	}
	h.oauthFrom = a.src("oAuthMetadata")
	if strings.HasPrefix(strings.TrimSpace(string(in.OAuthMetadata.raw)), `"`) {
		h.oauthFrom += " (a JSON-encoded string)"
	}
	h.callbacks, h.logouts, h.scopes = dedupe(meta.CallbackURLs), dedupe(meta.LogoutURLs), dedupe(meta.AllowedOAuthScopes)
	// The flows decide what a kept client answers: the implicit grant returns tokens (responseType
	// token), the code grant a code. Which client the spec uses is settled with the ids (authIDs).
	a.implicitOnly = slices.Contains(meta.AllowedOAuthFlows, "implicit") && !slices.Contains(meta.AllowedOAuthFlows, "code")
	a.flowsFrom = fmt.Sprintf("%s AllowedOAuthFlows %v", h.oauthFrom, meta.AllowedOAuthFlows)
	if len(h.callbacks) == 0 {
		h.callbacks = []string{"http://localhost:3000/"}
		a.res.approx("oAuthMetadata has no CallbackURLs: the spec uses http://localhost:3000/; set your app's URLs")
	}

	var provMeta []struct {
		ProviderName     string            `json:"ProviderName"`
		AuthorizeScopes  string            `json:"authorize_scopes"`
		AttributeMapping map[string]string `json:"AttributeMapping"`
	}
	if in.HostedUIProviderMeta.present() {
		if err := in.HostedUIProviderMeta.decode(a.file, a.data, fieldPath(a.prefix, "hostedUIProviderMeta"), &provMeta); err != nil {
			return err
		}
	}
	// hostedUIProviderCreds (team-provider-info.json, older amplify-cli) holds client ids per provider.
	creds := map[string]string{}
	if raw, ok := b.p.params["auth"][a.amp]["hostedUIProviderCreds"]; ok {
		var list []struct {
			ProviderName string `json:"ProviderName"`
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			raw = json.RawMessage(s)
		}
		if json.Unmarshal(raw, &list) == nil {
			var plain []string
			for _, c := range list {
				creds[c.ProviderName] = c.ClientID
				if c.ClientSecret != "" {
					plain = append(plain, c.ProviderName)
				}
			}
			if len(plain) > 0 {
				// Never copied anywhere: the spec references Secrets Manager, and the report names only the providers.
				b.warnings = append(b.warnings, fmt.Sprintf("PLAINTEXT SECRETS: %s holds the OAuth client secrets of %s in plaintext (%s.categories.auth.%s.hostedUIProviderCreds). Anyone with the repository has them: rotate them at each provider, then remove them from the file and from the repository's history (amplify-cli can keep them in deployment-secrets.json outside the repository).",
					teamProviderFile, strings.Join(plain, ", "), b.p.env, a.amp))
			}
		}
	}
	for _, name := range in.AuthProvidersUserPool.items() {
		var sp struct{ amplify, spec, tpiKey, federation, display string }
		for _, x := range socialProviders {
			if x.amplify == name {
				sp = x
			}
		}
		if sp.spec == "" {
			a.res.approx("hosted UI provider %s is not one the import knows; add it under hostedUI.providers by hand", name)
			continue
		}
		p := providerOut{name: sp.spec, secret: b.app + "/" + b.p.env + "/" + sp.spec}
		switch {
		case creds[name] != "":
			p.clientID, p.clientFrom = creds[name], b.p.tpiPath("auth", a.amp, "hostedUIProviderCreds")+" "+name+".client_id"
		case sp.spec != "apple":
			if id, ok := b.p.param("auth", a.amp, sp.tpiKey); ok && id != "" {
				p.clientID, p.clientFrom = id, b.p.tpiPath("auth", a.amp, sp.tpiKey)
				a.res.note("%s's client id comes from %s, which amplify-cli asks for identity-pool federation; the hosted UI's own %s credentials live in amplify/team-provider-info.json's hostedUIProviderCreds or deployment-secrets.json outside the repository: check they are the same app", name, sp.tpiKey, name)
			}
		}
		for _, m := range provMeta {
			if m.ProviderName != name {
				continue
			}
			sep := " "
			if strings.Contains(m.AuthorizeScopes, ",") {
				sep = ","
			}
			for _, s := range strings.Split(m.AuthorizeScopes, sep) {
				if s = strings.TrimSpace(s); s != "" {
					p.scopes = append(p.scopes, s)
				}
			}
			p.scopesFrom = a.src("hostedUIProviderMeta " + name + ".authorize_scopes")
			for _, attr := range slices.Sorted(maps.Keys(m.AttributeMapping)) {
				if attr != "username" && !(attr == "email" && m.AttributeMapping[attr] == "email") {
					a.res.approx("%s maps its %s to the user pool's %s (hostedUIProviderMeta AttributeMapping): the spec maps only email; other attributes stay empty for %s users", name, m.AttributeMapping[attr], attr, name)
				}
			}
		}
		if p.clientID == "" || sp.spec == "apple" {
			what := "client id is"
			if sp.spec == "apple" {
				what = "services id, team id, key id and private key are"
			}
			a.res.approx("hosted UI provider %s: its %s not in the project files (amplify-cli keeps provider credentials outside the repository), so it is commented out in the spec; fill it in", name, what)
			a.providerComment = append(a.providerComment, providerSnippet(p))
			continue
		}
		b.secrets = append(b.secrets, Secret{Name: p.secret, For: name + " client secret (the hosted UI's " + name + " app)", provider: true})
		h.providers = append(h.providers, p)
	}
	a.hosted = h
	return nil
}

func providerSnippet(p providerOut) string {
	if p.name == "apple" {
		return fmt.Sprintf("apple: { clientId: SERVICES_ID, teamId: TEAM_ID, keyId: KEY_ID, privateKey: { secretsManager: %s-private-key }, scopes: [%s] }", p.secret, strings.Join(p.scopes, ", "))
	}
	id := p.clientID
	if id == "" {
		id = "CLIENT_ID"
	}
	return fmt.Sprintf("%s: { clientId: %s, clientSecret: { secretsManager: %s }, scopes: [%s] }", p.name, id, p.secret, strings.Join(p.scopes, ", "))
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		out = appendUnique(out, s)
	}
	return out
}

// readGroups reads the user pool groups and their precedence.
func (b *builder) readGroups(ref resourceRef) error {
	res := b.resource(ref.Category, ref.Name)
	dir := "amplify/backend/auth/" + ref.Name
	a := b.auth
	if a == nil {
		res.outOfScope("user pool groups without a translated user pool")
		return nil
	}
	a.groupsRes = res
	if !b.p.isDir(dir) {
		res.missing(dir)
		return nil
	}
	file := dir + "/user-pool-group-precedence.json"
	var list []struct {
		GroupName  string  `json:"groupName"`
		Precedence flexInt `json:"precedence"`
	}
	if ok, err := b.p.readOptionalJSON(file, &list); err != nil {
		return err
	} else if !ok {
		res.approx("%s is not in the project: groups come from %s userPoolGroupList, precedence in that order", file, a.file)
	}
	for i, g := range list {
		p := g.Precedence.n
		if !g.Precedence.set {
			p = i + 1
		}
		a.groups = append(a.groups, groupOut{g.GroupName, p, from(file, fmt.Sprintf("[%d]", i))})
	}
	if len(list) == 0 {
		for i, g := range a.groupList {
			a.groups = append(a.groups, groupOut{g, i + 1, a.src("userPoolGroupList")})
		}
	}
	slices.SortFunc(a.groups, func(x, y groupOut) int { return strings.Compare(x.name, y.name) })
	res.SpecPath = "auth.userPool.groups"
	if a.identityPool {
		a.groupRoles = true
		res.approx("each group gets an IAM role (identityPool.groupRoles) that also holds every grant of the authenticated role; Amplify's group roles held only what was attached to them (S3 group access), so a group member now keeps what signed-in users may do")
	}
	return nil
}

// checkIDs validates ids given as options: their form, and one region for all of them.
func (b *builder) checkIDs() error {
	o := b.opts
	region := b.region
	check := func(flag, id string, re *regexp.Regexp, example string) error {
		if id == "" {
			return nil
		}
		m := re.FindStringSubmatch(id)
		if m == nil {
			return fmt.Errorf("%s %q is not an id of that kind (e.g. %s)", flag, id, example)
		}
		switch {
		case region == "":
			region = m[1]
		case m[1] != region:
			return fmt.Errorf("%s %q is in region %s, but the env's resources are in %s", flag, id, m[1], region)
		}
		return nil
	}
	if err := check(FlagUserPoolID, o.UserPoolID, awsrules.UserPoolIDPattern, "eu-west-1_AbCdEf123"); err != nil {
		return err
	}
	if err := check(FlagIdentityPoolID, o.IdentityPoolID, awsrules.IdentityPoolIDPattern, "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666"); err != nil {
		return err
	}
	if o.UserPoolClientID != "" && !awsrules.AppClientIDPattern.MatchString(o.UserPoolClientID) {
		return fmt.Errorf("%s %q is not an app client id (letters and digits)", FlagUserPoolClientID, o.UserPoolClientID)
	}
	if o.UserPoolClientID != "" && o.UserPoolID == "" && !b.auth.res.Imported {
		return fmt.Errorf("%s needs %s: an app client belongs to a user pool", FlagUserPoolClientID, FlagUserPoolID)
	}
	if o.HostedUIDomain != "" && !hostPattern.MatchString(strings.ToLower(o.HostedUIDomain)) {
		return fmt.Errorf("%s %q is not a domain prefix or host (no scheme, no path)", FlagHostedUIDomain, o.HostedUIDomain)
	}
	b.region = region
	return nil
}

// authIDs settles the existing ids the stage references and warns loudly when the pool is new.
func (b *builder) authIDs() error {
	if err := b.checkIDs(); err != nil {
		return err
	}
	a := b.auth
	if a.res.Imported {
		get := func(k string) (string, string) {
			v, _ := b.p.param("auth", a.amp, k)
			return v, b.p.tpiPath("auth", a.amp, k)
		}
		a.existingPool, a.poolFrom = get("userPoolId")
		a.existingClient, a.clientFrom = get("webClientId")
		if a.identityPool {
			a.existingIdentityPool, a.identityPoolIDFrom = get("identityPoolId")
		}
	}
	if a.existingPool == "" && !a.res.Imported {
		// The SPA's configuration names the env's pool; ids given as options win (a different pool's
		// client and identity pool are then not used either).
		if id, src := b.spaID("aws_user_pools_id"); id != "" && (b.opts.UserPoolID == "" || b.opts.UserPoolID == id) && b.sameRegion(id, awsrules.UserPoolIDPattern, src) {
			a.existingPool, a.poolFrom = id, src
			if c, csrc := b.spaID("aws_user_pools_web_client_id"); c != "" && awsrules.AppClientIDPattern.MatchString(c) {
				a.existingClient, a.clientFrom = c, csrc
			}
			if ip, isrc := b.spaID("aws_cognito_identity_pool_id"); ip != "" && a.identityPool && b.sameRegion(ip, awsrules.IdentityPoolIDPattern, isrc) {
				a.existingIdentityPool, a.identityPoolIDFrom = ip, isrc
			}
		}
	}
	if b.opts.UserPoolID != "" {
		a.existingPool, a.poolFrom = b.opts.UserPoolID, "given with "+FlagUserPoolID
	}
	if b.opts.UserPoolClientID != "" {
		a.existingClient, a.clientFrom = b.opts.UserPoolClientID, "given with "+FlagUserPoolClientID
	}
	if b.opts.IdentityPoolID != "" {
		a.existingIdentityPool, a.identityPoolIDFrom = b.opts.IdentityPoolID, "given with "+FlagIdentityPoolID
	}
	if b.opts.IdentityPoolID != "" && !a.identityPool {
		return fmt.Errorf("%s: auth %s has no identity pool (authSelections userPoolOnly)", FlagIdentityPoolID, a.amp)
	}
	if b.opts.HostedUIDomain != "" && a.hosted == nil {
		return fmt.Errorf("%s: auth %s has no hosted UI in the project files", FlagHostedUIDomain, a.amp)
	}
	if a.existingPool == "" {
		a.existingClient, a.existingIdentityPool = "", ""
		b.warnings = append(b.warnings, fmt.Sprintf(
			"NEW USER POOL: the id of auth %s's user pool is not in the project files, so the spec creates a new user pool. "+
				"A new pool does NOT keep the users of Amplify's pool: they could not sign in (Cognito cannot export passwords), and a new identity pool gives them new identity ids, orphaning their private/ and protected/ files. "+
				"To keep them, import again with %s (and %s, %s%s) from the env's aws-exports.js or the Cognito console.",
			a.amp, FlagUserPoolID, FlagUserPoolClientID, FlagIdentityPoolID, map[bool]string{true: ", " + FlagHostedUIDomain, false: ""}[a.hosted != nil]))
		a.res.approx("underhood creates a NEW user pool: the pool's id is not in the project files (pass %s to keep Amplify's pool and its users)", FlagUserPoolID)
		b.oauthFlow()
		if a.autoVerify != nil && !slices.Equal(a.autoVerify, a.signInAttributes()) {
			a.res.approx("Amplify's pool verified %s (%s); the new pool verifies the sign-in attributes (%s)", strings.Join(a.autoVerify, ", "), a.autoVerifyFrom, cmp.Or(strings.Join(a.signInAttributes(), ", "), "none"))
		}
		return nil
	}
	a.res.Existing = a.existingPool
	if a.identityPool && a.existingIdentityPool == "" {
		b.warnings = append(b.warnings, fmt.Sprintf("NEW IDENTITY POOL: auth %s's identity pool id is not known, so the spec creates a new identity pool: every user gets a new identity id, and files under private/ and protected/ (keyed by identity id) are orphaned. Pass %s.", a.amp, FlagIdentityPoolID))
		a.res.approx("underhood creates a NEW identity pool (pass %s to keep Amplify's)", FlagIdentityPoolID)
	}
	if a.existingIdentityPool != "" && a.existingClient == "" {
		b.warnings = append(b.warnings, fmt.Sprintf("The identity pool %s only trusts the app clients Amplify listed in it: %s must name Amplify's web client (UserPoolClientWeb) for the spec to use it; without it the spec creates a new identity pool.", a.existingIdentityPool, FlagUserPoolClientID))
		a.res.approx("a NEW identity pool: an existing one needs the web app client id too (%s)", FlagUserPoolClientID)
		a.existingIdentityPool = ""
	}
	if a.hosted != nil {
		spaDomain, spaDomainFrom := b.spaOAuthDomain()
		switch {
		case b.opts.HostedUIDomain != "":
			a.existingDomain, a.domainFrom = b.hostName(b.opts.HostedUIDomain), "given with "+FlagHostedUIDomain
		case spaDomain != "" && hostPattern.MatchString(spaDomain):
			a.existingDomain, a.domainFrom = spaDomain, spaDomainFrom
		case a.hostedUIDomainName != "":
			region := b.region
			if m := awsrules.UserPoolIDPattern.FindStringSubmatch(a.existingPool); m != nil {
				region = m[1]
			}
			a.existingDomain = awsrules.DomainPrefixHost(a.hostedUIDomainName+"-"+b.p.env, region)
			a.domainFrom = a.src("hostedUIDomainName") + " + \"-\" + env: the domain amplify-cli created"
		}
	}
	b.oauthFromSPA()
	b.oauthFlow()
	if a.autoVerify != nil && !slices.Equal(a.autoVerify, a.signInAttributes()) {
		a.res.note("the pool verifies %s (%s), which the SPA's configuration lists as aws_cognito_verification_mechanisms: the stage says so (existing.userPool.autoVerifiedAttributes)", strings.Join(a.autoVerify, ", "), a.autoVerifyFrom)
	}
	if len(a.triggers) > 0 {
		a.res.note("the existing pool keeps its Lambda triggers pointing at Amplify's functions: underhood deploys the functions but cannot attach them to a pool it did not create; after retiring the Amplify stack, point the pool's triggers at underhood's functions (Cognito console or aws cognito-idp update-user-pool), or sign-ups fail")
	}
	if !a.res.Imported {
		a.res.note("the spec references Amplify's pool (%s): underhood adds no user pool of its own; see the migration plan", a.existingPool)
	}
	return nil
}

// oauthFromSPA takes the redirect URLs and scopes of a kept app client from the SPA's aws-exports.js
// when the project files say otherwise: amplify-cli wrote that file from the deployed client, which
// the spec keeps unchanged, and the SPA must keep sending what the client allows.
func (b *builder) oauthFromSPA() {
	a := b.auth
	if a.hosted == nil || a.existingClient == "" || b.spa == nil {
		return
	}
	var oauth struct {
		Scope           []string `json:"scope"`
		RedirectSignIn  string   `json:"redirectSignIn"`
		RedirectSignOut string   `json:"redirectSignOut"`
	}
	if json.Unmarshal(b.spa.v["oauth"], &oauth) != nil || oauth.RedirectSignIn == "" {
		return
	}
	split := func(s string) []string {
		var out []string
		for _, u := range strings.Split(s, ",") {
			if u = strings.TrimSpace(u); u != "" {
				out = appendUnique(out, u)
			}
		}
		return out
	}
	h := a.hosted
	for _, f := range []struct {
		what      string
		have      *[]string
		spa       []string
		key, from string
	}{
		{"callback URLs", &h.callbacks, split(oauth.RedirectSignIn), "oauth.redirectSignIn", h.oauthFrom + " CallbackURLs"},
		{"logout URLs", &h.logouts, split(oauth.RedirectSignOut), "oauth.redirectSignOut", h.oauthFrom + " LogoutURLs"},
		{"scopes", &h.scopes, dedupe(oauth.Scope), "oauth.scope", h.oauthFrom + " AllowedOAuthScopes"},
	} {
		if len(f.spa) == 0 || slices.Equal(*f.have, f.spa) {
			continue
		}
		a.res.approx("the kept client's %s in the SPA's configuration (%s: %s) differ from the project files' (%s: %s): the spec follows the SPA's, which amplify-cli wrote from the deployed client", f.what, b.spa.from(f.key), strings.Join(f.spa, ", "), f.from, strings.Join(*f.have, ", "))
		*f.have = f.spa
		h.fromSPA = append(h.fromSPA, f.what)
	}
}

// oauthFlow settles the OAuth response type: an implicit-only web client that the spec keeps (its
// clientId) answers with tokens, so the SPA's configuration says token; a client underhood creates
// allows the code flow only.
func (b *builder) oauthFlow() {
	a := b.auth
	if a.hosted == nil || !a.implicitOnly {
		return
	}
	if a.existingPool != "" && a.existingClient != "" {
		b.warnings = append(b.warnings, fmt.Sprintf("IMPLICIT GRANT: the kept app client %s allows only the OAuth implicit grant (%s), so the SPA's configuration keeps responseType token (stages.%s.existing.userPool.responseType). The implicit grant returns tokens in the URL and no refresh token; switch to the code flow (with PKCE, what amplify-js uses) when you can: allow the code grant on the client, then remove responseType.", a.existingClient, a.flowsFrom, stageName(b.p.env)))
		a.res.approx("the kept app client allows only the implicit grant: the SPA's configuration says responseType token (see the warning)")
		return
	}
	a.res.approx("the app client allowed only the OAuth implicit grant (%s): the client underhood creates allows the authorization code flow only (with PKCE, what amplify-js uses), so an app that reads tokens from the URL fragment must switch to the code flow", a.flowsFrom)
}

// signInAttributes are the attributes the sign-in choices make Cognito verify (email, phone_number).
func (a *authOut) signInAttributes() []string {
	out := []string{}
	for _, s := range a.signIn {
		switch s {
		case "email":
			out = append(out, "email")
		case "phone":
			out = append(out, "phone_number")
		}
	}
	return out
}

// sameRegion reports whether an id from the SPA's configuration is in the env's region; one that is
// not is left out with a warning.
func (b *builder) sameRegion(id string, re *regexp.Regexp, src string) bool {
	m := re.FindStringSubmatch(id)
	if m == nil {
		b.warnings = append(b.warnings, fmt.Sprintf("%s: %q is not an id of that kind: not used", src, id))
		return false
	}
	if b.region != "" && m[1] != b.region {
		b.warnings = append(b.warnings, fmt.Sprintf("%s: %s is in %s, but the env's resources are in %s: not used", src, id, m[1], b.region))
		return false
	}
	if b.region == "" {
		b.region = m[1]
	}
	return true
}

// hostName turns a domain prefix into the Cognito host; a full host stays.
func (b *builder) hostName(d string) string {
	if strings.Contains(d, ".") {
		return d
	}
	region := b.region
	if m := awsrules.UserPoolIDPattern.FindStringSubmatch(b.auth.existingPool); m != nil {
		region = m[1]
	}
	return awsrules.DomainPrefixHost(d, region)
}

// addIdentityPool adds an identity pool the project did not have, because what (an API with IAM
// routes, a bucket with access levels) needs one.
func (b *builder) addIdentityPool(what string) {
	a := b.auth
	if a.identityPool {
		return
	}
	a.identityPool = true
	a.identityPoolFrom = "added by the import: " + what + " needs identity pool credentials (SigV4), and the project has a user pool only"
	// The SPA's configuration may name the identity pool the env has all the same (one made outside
	// the project files): keep it, with the client it trusts.
	if ip, src := b.spaID("aws_cognito_identity_pool_id"); ip != "" && a.existingPool != "" && a.existingClient != "" && b.sameRegion(ip, awsrules.IdentityPoolIDPattern, src) {
		a.existingIdentityPool, a.identityPoolIDFrom = ip, src
		a.identityPoolFrom = "the SPA's configuration names an identity pool (" + src + "), which " + what + " needs for SigV4; the project files have a user pool only"
	}
	a.guestFrom = "Amplify had no identity pool, so no guests"
	a.groupRoles = len(a.groups) > 0
	a.res.approx("the project has no identity pool (authSelections userPoolOnly) but %s is authorized with IAM: the spec adds an identity pool, without which no browser can call it (for an API, the alternative is id-token routes)", what)
}

// --- rendering

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
	if a.mfaMode != "off" {
		mfa := newFlowMap()
		mfa.add("mode", str(a.mfaMode), "")
		mfa.add("methods", flowList(a.mfaMethods...), "")
		up.add("mfa", mfa.n, a.mfaFrom)
	}
	if len(a.groups) > 0 {
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
	if len(a.triggers) > 0 {
		tm := newMap()
		slices.SortFunc(a.triggers, func(x, y triggerOut) int { return strings.Compare(x.op, y.op) })
		for _, t := range a.triggers {
			tm.add(t.op, str(t.fn), t.from)
		}
		up.add("triggers", tm.n, "")
	}
	if h := a.hosted; h != nil {
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
		up.add("hostedUI", hm.n, "")
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

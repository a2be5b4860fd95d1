package amplify

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

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

// readAuthResource reads a Cognito auth resource into b.auth, one setting after the other (in the
// order the report lists what each approximates).
func (b *builder) readAuthResource(ref resourceRef, res *Resource) error {
	dir, ok := b.resourceDir(ref, res)
	if !ok {
		return nil
	}
	a := &authOut{amp: ref.Name, res: res}
	in, err := b.readAuthParams(a, dir)
	if err != nil {
		return err
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
	a.readSignIn(in)
	a.readRequiredAttributes(in)
	a.readPasswordPolicy(in)
	a.readMFA(in)
	// Sorted once the MFA step may have added phone_number.
	slices.SortFunc(a.standard, func(x, y attrOut) int { return strings.Compare(x.name, y.name) })
	a.readAutoVerify(in)
	a.readIdentityPool(in)
	b.readFederation(a, in)
	if err := b.readTriggers(a, ref, in); err != nil {
		return err
	}
	if err := b.readHostedUI(a, in); err != nil {
		return err
	}
	b.noteImportedPool(a, in)
	return nil
}

// readAuthParams reads the resource's parameters from cli-inputs.json (amplify-cli v7+, under
// cognitoConfig) or, in older projects, parameters.json, and remembers which file they came from.
func (b *builder) readAuthParams(a *authOut, dir string) (authParams, error) {
	var in authParams
	if cli := dir + "/cli-inputs.json"; b.p.exists(cli) {
		data, err := b.p.read(cli)
		if err != nil {
			return in, err
		}
		var wrapper struct {
			CognitoConfig authParams `json:"cognitoConfig"`
		}
		if err := decodeJSON(cli, data, &wrapper); err != nil {
			return in, err
		}
		a.file, a.prefix, a.data = cli, "cognitoConfig.", data
		return wrapper.CognitoConfig, nil
	}
	file := dir + "/parameters.json"
	data, err := b.p.read(file)
	if err != nil {
		return in, err
	}
	if err := decodeJSON(file, data, &in); err != nil {
		return in, err
	}
	a.file, a.data, a.legacy = file, data, true
	return in, nil
}

// readSignIn reads how users sign in: usernameAttributes (email/phone_number instead of a username,
// possibly one comma-joined string), else aliasAttributes (a username plus aliases), else a username.
func (a *authOut) readSignIn(in authParams) {
	users := in.UsernameAttributes.items()
	aliases := in.AliasAttributes.items()
	switch {
	case len(users) > 0 && users[0] != "username":
		a.signInFrom = a.src("usernameAttributes")
		if len(in.UsernameAttributes) == 1 && len(users) > 1 {
			a.signInFrom += fmt.Sprintf(" (one comma-joined entry %q)", in.UsernameAttributes[0])
		}
		for _, u := range users {
			a.signIn = appendUnique(a.signIn, a.signInName(u))
		}
	case len(aliases) > 0:
		a.signIn = []string{"username"}
		a.signInFrom = a.src("aliasAttributes") + ": a username plus these aliases"
		for _, u := range aliases {
			a.signIn = appendUnique(a.signIn, a.signInName(u))
		}
	default:
		a.signIn = []string{"username"}
		a.signInFrom = a.src("usernameAttributes") + " and aliasAttributes are empty: users sign in with a username"
	}
	a.signIn = slices.DeleteFunc(a.signIn, func(s string) bool { return s == "" })
	slices.SortFunc(a.signIn, func(x, y string) int { return signInOrder(x) - signInOrder(y) })
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

func (a *authOut) signInName(attr string) string {
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

// readRequiredAttributes keeps the required attributes that are Cognito standard attributes.
func (a *authOut) readRequiredAttributes(in authParams) {
	for _, attr := range in.RequiredAttributes.items() {
		if !awsrules.IsStandardAttribute(attr) {
			a.res.approx("required attribute %s is not a Cognito standard attribute; left out", attr)
			continue
		}
		a.standard = append(a.standard, attrOut{attr, "required", a.src("requiredAttributes")})
	}
}

func (a *authOut) hasAttr(name string) bool {
	return slices.ContainsFunc(a.standard, func(x attrOut) bool { return x.name == name })
}

// readPasswordPolicy reads the minimum length and the character classes a password needs.
func (a *authOut) readPasswordPolicy(in authParams) {
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
}

// readMFA reads the MFA mode and its methods (TOTP first, then SMS); SMS MFA needs phone_number.
func (a *authOut) readMFA(in authParams) {
	switch strings.ToUpper(in.MFAConfiguration) {
	case "ON":
		a.mfaMode = "required"
	case "OPTIONAL":
		a.mfaMode = "optional"
	default:
		a.mfaMode = "off"
	}
	a.mfaFrom = a.src("mfaConfiguration " + cmp.Or(in.MFAConfiguration, "OFF"))
	if a.mfaMode == "off" {
		return
	}
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
		a.res.approx("MFA is %s but mfaTypes names no method; the spec offers TOTP", strings.ToLower(in.MFAConfiguration))
	}
	if slices.Contains(a.mfaMethods, "sms") && !slices.Contains(a.signIn, "phone") && !a.hasAttr("phone_number") {
		a.standard = append(a.standard, attrOut{"phone_number", "optional", "SMS MFA sends codes to phone_number, a standard attribute every user pool has"})
	}
}

// readAutoVerify reads the attributes the pool verifies (email, phone_number), when the files say.
func (a *authOut) readAutoVerify(in authParams) {
	if in.AutoVerifiedAttributes == nil {
		return
	}
	a.autoVerify = []string{}
	for _, v := range in.AutoVerifiedAttributes.items() {
		if slices.Contains(awsrules.VerifiableAttributes, v) {
			a.autoVerify = appendUnique(a.autoVerify, v)
		}
	}
	a.autoVerifyFrom = a.src("autoVerifiedAttributes")
}

// readIdentityPool reads whether there is an identity pool and whether it lets guests in.
func (a *authOut) readIdentityPool(in authParams) {
	if in.AuthSelections != "identityPoolAndUserPool" {
		return
	}
	a.identityPool, a.identityPoolFrom = true, a.src("authSelections identityPoolAndUserPool")
	a.guest = in.AllowUnauthenticatedIdentities.v
	a.guestFrom = a.src("allowUnauthenticatedIdentities")
	if a.res.Imported && !in.AllowUnauthenticatedIdentities.set {
		a.guestFrom = "an imported identity pool's guest setting is not in the project files; assumed off"
		a.res.approx("the imported identity pool's guest access is not in the project files: the spec says guestAccess false")
	}
}

// readFederation reports the providers the identity pool trusted directly (authProviders): the spec's
// identity pool trusts only its user pool.
func (b *builder) readFederation(a *authOut, in authParams) {
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
		a.res.approx("the identity pool also accepted %s tokens directly (authProviders %s%s: identity-pool federation, without the user pool): the spec's identity pool trusts only its user pool, so an app that signs users in with %s's own SDK gets no AWS credentials; sign them in through the user pool's hosted UI instead (their identity ids change)", name, p, id, name)
	}
}

// noteImportedPool says what the spec does with a pool amplify-cli imported rather than created.
func (b *builder) noteImportedPool(a *authOut, in authParams) {
	if !a.res.Imported {
		return
	}
	if len(in.AuthProvidersUserPool.items()) > 0 && a.hosted == nil {
		a.res.approx("the imported pool has hosted UI providers %s, but its domain, callback URLs and scopes are not in the project files: the spec has no hostedUI; add auth.userPool.hostedUI (and stages.%s.existing.userPool.domain) by hand", strings.Join(in.AuthProvidersUserPool.items(), ", "), stageName(b.p.env))
	}
	a.res.note("imported: Amplify did not create it; the spec describes it for the frontend configuration and the IAM grants, and underhood does not change it")
}

// readGroups reads the user pool groups and their precedence.
func (b *builder) readGroups(ref resourceRef) error {
	res := b.resource(ref.Category, ref.Name)
	a := b.auth
	if a == nil {
		res.outOfScope("user pool groups without a translated user pool")
		return nil
	}
	a.groupsRes = res
	dir, ok := b.resourceDir(ref, res)
	if !ok {
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

func fieldPath(prefix, field string) []string {
	if prefix == "" {
		return []string{field}
	}
	return []string{strings.TrimSuffix(prefix, "."), field}
}

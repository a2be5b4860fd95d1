package amplify

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/spec"
)

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
		b.importedAuthIDs()
	}
	if a.existingPool == "" && !a.res.Imported {
		b.spaAuthIDs()
	}
	if err := b.optionAuthIDs(); err != nil {
		return err
	}
	if a.existingPool == "" {
		b.newUserPool()
		return nil
	}
	b.keptUserPool()
	return nil
}

// importedAuthIDs takes an imported pool's ids from team-provider-info.json.
func (b *builder) importedAuthIDs() {
	a := b.auth
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

// spaAuthIDs takes the ids from the SPA's configuration, which names the env's pool; ids given as
// options win (a different pool's client and identity pool are then not used either).
func (b *builder) spaAuthIDs() {
	a := b.auth
	id, src := b.spaID("aws_user_pools_id")
	if id == "" || (b.opts.UserPoolID != "" && b.opts.UserPoolID != id) || !b.sameRegion(id, awsrules.UserPoolIDPattern, src) {
		return
	}
	a.existingPool, a.poolFrom = id, src
	if c, csrc := b.spaID("aws_user_pools_web_client_id"); c != "" && awsrules.AppClientIDPattern.MatchString(c) {
		a.existingClient, a.clientFrom = c, csrc
	}
	if ip, isrc := b.spaID("aws_cognito_identity_pool_id"); ip != "" && a.identityPool && b.sameRegion(ip, awsrules.IdentityPoolIDPattern, isrc) {
		a.existingIdentityPool, a.identityPoolIDFrom = ip, isrc
	}
}

// optionAuthIDs takes the ids given as options, which win over the project's and the SPA's.
func (b *builder) optionAuthIDs() error {
	a := b.auth
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
	return nil
}

// newUserPool warns that the spec creates a new pool, which does not keep Amplify's users.
func (b *builder) newUserPool() {
	a := b.auth
	a.existingClient, a.existingIdentityPool = "", ""
	b.warnings = append(b.warnings, fmt.Sprintf(
		"NEW USER POOL: the id of auth %s's user pool is not in the project files, so the spec creates a new user pool. "+
			"A new pool does NOT keep the users of Amplify's pool: they could not sign in (Cognito cannot export passwords), and a new identity pool gives them new identity ids, orphaning their private/ and protected/ files. "+
			"To keep them, import again with %s (and %s, %s%s) from the env's aws-exports.js or the Cognito console.",
		a.amp, FlagUserPoolID, FlagUserPoolClientID, FlagIdentityPoolID, map[bool]string{true: ", " + FlagHostedUIDomain, false: ""}[a.hosted != nil]))
	a.res.approx("underhood creates a NEW user pool: the pool's id is not in the project files (pass %s to keep Amplify's pool and its users)", FlagUserPoolID)
	b.oauthFlow()
	if a.autoVerify != nil && !slices.Equal(a.autoVerify, spec.SignInAttributes(a.signIn)) {
		a.res.approx("Amplify's pool verified %s (%s); the new pool verifies the sign-in attributes (%s)", strings.Join(a.autoVerify, ", "), a.autoVerifyFrom, cmp.Or(strings.Join(spec.SignInAttributes(a.signIn), ", "), "none"))
	}
}

// keptUserPool settles what the spec keeps of Amplify's pool: its identity pool (with the client it
// trusts), its hosted UI domain and OAuth settings, and what stays pointed at Amplify's functions.
func (b *builder) keptUserPool() {
	a := b.auth
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
		b.keptHostedUIDomain()
	}
	b.oauthFromSPA()
	b.oauthFlow()
	if a.autoVerify != nil && !slices.Equal(a.autoVerify, spec.SignInAttributes(a.signIn)) {
		a.res.note("the pool verifies %s (%s), which the SPA's configuration lists as aws_cognito_verification_mechanisms: the stage says so (existing.userPool.autoVerifiedAttributes)", strings.Join(a.autoVerify, ", "), a.autoVerifyFrom)
	}
	if len(a.triggers) > 0 {
		a.res.note("the existing pool keeps its Lambda triggers pointing at Amplify's functions: underhood deploys the functions but cannot attach them to a pool it did not create; after retiring the Amplify stack, point the pool's triggers at underhood's functions (Cognito console or aws cognito-idp update-user-pool), or sign-ups fail")
	}
	if !a.res.Imported {
		a.res.note("the spec references Amplify's pool (%s): underhood adds no user pool of its own; see the migration plan", a.existingPool)
	}
}

// keptHostedUIDomain is the kept pool's hosted UI host: given as an option, else the SPA's, else the
// one amplify-cli created from hostedUIDomainName.
func (b *builder) keptHostedUIDomain() {
	a := b.auth
	spaDomain, spaDomainFrom := b.spaOAuthDomain()
	switch {
	case b.opts.HostedUIDomain != "":
		a.existingDomain, a.domainFrom = b.hostName(b.opts.HostedUIDomain), "given with "+FlagHostedUIDomain
	case spaDomain != "" && hostPattern.MatchString(spaDomain):
		a.existingDomain, a.domainFrom = spaDomain, spaDomainFrom
	case a.hostedUIDomainName != "":
		a.existingDomain = awsrules.DomainPrefixHost(a.hostedUIDomainName+"-"+b.p.env, b.poolRegion())
		a.domainFrom = a.src("hostedUIDomainName") + " + \"-\" + env: the domain amplify-cli created"
	}
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
	return awsrules.DomainPrefixHost(d, b.poolRegion())
}

// poolRegion is the kept user pool's region (its id says), else the env's.
func (b *builder) poolRegion() string {
	if m := awsrules.UserPoolIDPattern.FindStringSubmatch(b.auth.existingPool); m != nil {
		return m[1]
	}
	return b.region
}

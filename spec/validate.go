package spec

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

var (
	appNamePattern   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	stageNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	namePattern      = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]{0,63}$`)
	groupPattern     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,127}$`)
	attrPattern      = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,19}$`)
	domainPattern    = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	envNamePattern   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
	scopeNamePattern = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$`)
	// API Gateway (and CDK) accept only these characters in a literal path part.
	pathSegmentLiteral = regexp.MustCompile(`^[a-zA-Z0-9._:$-]+$`)
	pathSegmentParam   = regexp.MustCompile(`^\{([a-zA-Z_][a-zA-Z0-9_]*)(\+?)\}$`)
	colonParam         = regexp.MustCompile(`^:([a-zA-Z_][a-zA-Z0-9_]*)$`)
	keySpecPattern     = regexp.MustCompile(`^([a-zA-Z_][a-zA-Z0-9_.-]*):(string|number|binary)$`)
	accountPattern     = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern      = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
)

var (
	signInValues   = []string{"email", "phone", "username"}
	mfaModes       = []string{"off", "optional", "required"}
	mfaMethods     = []string{"totp", "sms", "email"}
	attrTypes      = []string{"string", "number", "boolean", "datetime"}
	runtimes       = []string{"go", "nodejs", "python"}
	authModes      = []string{AuthIAM, AuthIDToken, AuthAccessToken, AuthNone}
	httpMethods    = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ANY"}
	actions        = []string{"read", "write", "delete"}
	storageTypes   = []string{"s3", "dynamodb"}
	streamViews    = []string{"keys-only", "new-image", "old-image", "new-and-old-images"}
	frontendKinds  = []string{"aws-exports", "amplify-outputs", "amplify-config"}
	socialProvider = []string{"google", "facebook", "amazon", "apple"}
	standardScopes = []string{"openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"}
	// Cognito's standard attributes (OpenID Connect names).
	standardAttributes = []string{"address", "birthdate", "email", "family_name", "gender", "given_name", "locale",
		"middle_name", "name", "nickname", "phone_number", "picture", "preferred_username", "profile",
		"updated_at", "website", "zoneinfo"}
	// Cognito Lambda trigger operations, as CDK's UserPoolOperation names them.
	triggerOperations = []string{"createAuthChallenge", "customMessage", "defineAuthChallenge",
		"postAuthentication", "postConfirmation", "preAuthentication", "preSignUp", "preTokenGeneration",
		"userMigration", "verifyAuthChallengeResponse"}
)

type validator struct {
	r   *reporter
	raw *rawSpec
	dir string

	userPool     *rawUserPool
	identityPool *rawIdentityPool
	up           *UserPool    // the resolved user pool, once auth is validated
	existing     *rawExisting // the selected stage's
	stageName    string       // the selected stage
	repoRoot     string       // found on first use: the folder holding .git above dir, "." when none
}

// errorf reports a problem at path, unless the value there already failed to decode (its zero value
// would be reported twice).
func (v *validator) errorf(path, format string, args ...any) {
	if v.r.decodeFailed(path) {
		return
	}
	v.r.errorf(path, format, args...)
}

// missing reports that field is missing under parent, unless it is there but failed to decode.
func (v *validator) missing(parent, field, format string, args ...any) {
	if v.r.decodeFailed(child(parent, field)) {
		return
	}
	v.errorf(parent, format, args...)
}

// enum checks that a value is one of allowed and returns whether it is.
func (v *validator) enum(path, what, got string, allowed []string) bool {
	if slices.Contains(allowed, got) {
		return true
	}
	v.errorf(path, "%q is not a valid %s; use one of %s%s", got, what, oneOf(allowed), didYouMean(got, allowed))
	return false
}

func (v *validator) validate(stage string) *App {
	raw := v.raw
	app := &App{Stage: stage, Removal: RemovalRetain, LogRetentionDays: 30}
	switch {
	case raw.App == "":
		v.errorf("app", "missing; name the app, e.g. \"app: photoshare\" (stacks are named <app>-<stage>)")
	case !appNamePattern.MatchString(raw.App):
		v.errorf("app", "%q is not a valid app name: use 1 to 40 lowercase letters, digits and hyphens, starting with a letter", raw.App)
	}
	app.Name = raw.App
	v.stageName = stage
	v.stage(app, stage)

	if raw.Auth != nil {
		app.Auth = v.auth(raw.Auth)
	}
	app.Functions = v.functions()
	v.s3Overlaps()
	app.Buckets, app.Tables = v.storage()
	app.GraphQL = v.graphql(app)
	if e := v.existing; e != nil && e.Analytics != nil {
		app.Analytics = &Analytics{AppID: e.Analytics.AppID, Region: cmpOr(e.Analytics.Region, app.Region)}
	}
	app.APIs = v.apis()
	v.customDomains(app)
	app.Frontend = v.frontend()
	return app
}

func (v *validator) stage(app *App, stage string) {
	v.stageName = stage
	if !stageNamePattern.MatchString(stage) {
		v.r.at(Pos{1, 1}, "", "stage %q is not a valid stage name: use 1 to 20 lowercase letters, digits and hyphens, starting with a letter", stage)
		return
	}
	for _, name := range sortedKeys(v.raw.Stages) {
		p := child("stages", name)
		if !stageNamePattern.MatchString(name) {
			v.errorf(p, "%q is not a valid stage name: use 1 to 20 lowercase letters, digits and hyphens, starting with a letter", name)
		}
		s := v.raw.Stages[name]
		if s == nil {
			continue
		}
		if s.Removal != "" {
			v.enum(child(p, "removal"), "removal policy", s.Removal, []string{"retain", "destroy"})
		}
		if s.Account != "" && !accountPattern.MatchString(s.Account) {
			v.errorf(child(p, "account"), "%q is not an AWS account id (12 digits)", s.Account)
		}
		if s.Region != "" && !regionPattern.MatchString(s.Region) {
			v.errorf(child(p, "region"), "%q is not an AWS region name such as eu-west-1", s.Region)
		}
		if s.LogRetentionDays != 0 && !slices.Contains(logRetentionDays, s.LogRetentionDays) {
			v.errorf(child(p, "logRetentionDays"), "%d is not a retention CloudWatch Logs accepts; use one of %s", s.LogRetentionDays, intList(logRetentionDays))
		}
		if s.Existing != nil {
			v.checkExisting(child(p, "existing"), s)
			v.checkStreams(child(p, "existing"), s)
		}
	}
	for _, name := range sortedKeys(v.raw.Stages) {
		env := Environment{Stage: name}
		if s := v.raw.Stages[name]; s != nil {
			env.Account, env.Region = s.Account, s.Region
		}
		app.Environments = append(app.Environments, env)
	}
	if len(v.raw.Stages) == 0 {
		app.Environments = []Environment{{Stage: stage}}
		return
	}
	s, ok := v.raw.Stages[stage]
	if !ok {
		v.errorf("stages", "stage %q is not declared; declare it under stages or pick one of %s%s", stage, oneOf(sortedKeys(v.raw.Stages)), didYouMean(stage, sortedKeys(v.raw.Stages)))
		return
	}
	if s == nil {
		return
	}
	if s.Removal == "destroy" {
		app.Removal = RemovalDestroy
	}
	app.Account, app.Region = s.Account, s.Region
	v.existing = s.Existing
	if s.LogRetentionDays != 0 {
		app.LogRetentionDays = s.LogRetentionDays
	}
}

var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func intList(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// ---- existing resources

var (
	userPoolIDPattern     = regexp.MustCompile(`^([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9])_[0-9a-zA-Z]+$`)
	identityPoolIDPattern = regexp.MustCompile(`^([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9]):[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$`)
	clientIDPattern       = regexp.MustCompile(`^[\w+]{1,128}$`)
	hostPattern           = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$`)
	bucketNamePattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	tableNamePattern      = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)
)

// checkExisting validates one stage's existing block. Every stage's block is checked, not only the
// selected one, so a typo in prod's ids shows up while deploying dev.
func (v *validator) checkExisting(p string, s *rawStage) {
	e := s.Existing
	auth := v.raw.Auth
	if s.Region == "" && (e.UserPool != nil || e.IdentityPool != nil || len(e.Storage) > 0 || len(e.GraphQL) > 0 || e.Analytics != nil) {
		v.errorf(p, "existing resources live in one region; set region on this stage (the region of the ids below)")
	}
	sameRegion := func(path, what, idRegion string) {
		if s.Region != "" && idRegion != s.Region {
			v.errorf(path, "this %s is in %s but the stage deploys to %s; a stack can only reference resources of its own region", what, idRegion, s.Region)
		}
	}
	if u := e.UserPool; u != nil {
		up := child(p, "userPool")
		switch {
		case auth == nil || auth.UserPool == nil:
			v.errorf(up, "there is no auth.userPool to bind it to; describe the pool under auth.userPool (sign-in, attributes, groups) so the frontend config matches it")
		case u.ID == "":
			v.missing(up, "id", "missing id: the user pool id, e.g. eu-west-1_AbCdEf123")
		}
		if u.ID != "" {
			if m := userPoolIDPattern.FindStringSubmatch(u.ID); m == nil {
				v.errorf(child(up, "id"), "%q is not a user pool id (<region>_<letters and digits>, e.g. eu-west-1_AbCdEf123)", u.ID)
			} else {
				sameRegion(child(up, "id"), "user pool", m[1])
			}
		}
		if u.ClientID != "" && !clientIDPattern.MatchString(u.ClientID) {
			v.errorf(child(up, "clientId"), "%q is not an app client id (letters and digits)", u.ClientID)
		}
		hosted := auth != nil && auth.UserPool != nil && auth.UserPool.HostedUI != nil
		switch {
		case u.Domain != "" && !hosted:
			v.errorf(child(up, "domain"), "auth.userPool has no hostedUI; remove domain or describe the pool's hosted UI under auth.userPool.hostedUI")
		case u.Domain != "" && !hostPattern.MatchString(u.Domain):
			v.errorf(child(up, "domain"), "%q is not a domain host; write it without scheme or path, e.g. myapp-dev.auth.eu-west-1.amazoncognito.com", u.Domain)
		case u.Domain == "" && hosted:
			v.missing(up, "domain", "missing domain: auth.userPool.hostedUI is set and an existing pool already has its Cognito domain (a pool has one, and underhood cannot add another); give its host, e.g. domain: myapp-dev.auth.eu-west-1.amazoncognito.com")
		}
		if u.ResponseType != "" && v.enum(child(up, "responseType"), "OAuth response type", u.ResponseType, []string{"code", "token"}) {
			switch {
			case !hosted:
				v.errorf(child(up, "responseType"), "auth.userPool has no hostedUI, so no OAuth flow is configured; remove responseType")
			case u.ResponseType == "token" && u.ClientID == "":
				v.errorf(child(up, "responseType"), "token describes an existing implicit-grant app client, and there is no clientId: the client underhood creates allows the code flow only; remove responseType or give the existing clientId")
			}
		}
		for i, a := range u.AutoVerifiedAttributes {
			ap := index(child(up, "autoVerifiedAttributes"), i)
			if v.enum(ap, "auto-verified attribute", a, []string{"email", "phone_number"}) && slices.Contains(u.AutoVerifiedAttributes[:i], a) {
				v.errorf(ap, "%q is listed twice", a)
			}
		}
	}
	if ip := e.IdentityPool; ip != nil {
		ipp := child(p, "identityPool")
		switch {
		case auth == nil || auth.IdentityPool == nil:
			v.errorf(ipp, "there is no auth.identityPool to bind it to; add auth.identityPool (guestAccess, groupRoles) describing how the stack should use it")
		case ip.ID == "":
			v.missing(ipp, "id", "missing id: the identity pool id, e.g. eu-west-1:0f3e5a7c-1111-2222-3333-444455556666")
		}
		if ip.ID != "" {
			if m := identityPoolIDPattern.FindStringSubmatch(ip.ID); m == nil {
				v.errorf(child(ipp, "id"), "%q is not an identity pool id (<region>:<uuid>)", ip.ID)
			} else {
				sameRegion(child(ipp, "id"), "identity pool", m[1])
			}
		}
		if e.UserPool == nil || e.UserPool.ClientID == "" {
			v.errorf(ipp, "an existing identity pool only accepts tokens from the app clients it lists, and underhood cannot change that list; also give existing.userPool with its id and the clientId the identity pool trusts")
		}
	}
	v.checkExistingGraphQL(p, s)
	if a := e.Analytics; a != nil {
		ap := child(p, "analytics")
		switch {
		case a.AppID == "":
			v.missing(ap, "appId", "missing appId: the Pinpoint project id (aws_mobile_analytics_app_id in Gen 1's aws-exports.js)")
		case !pinpointAppIDPattern.MatchString(a.AppID):
			v.errorf(child(ap, "appId"), "%q is not a Pinpoint project id (32 hexadecimal digits)", a.AppID)
		}
		if a.Region != "" && !regionPattern.MatchString(a.Region) {
			v.errorf(child(ap, "region"), "%q is not an AWS region name such as eu-west-1", a.Region)
		}
	}
	sp := child(p, "storage")
	for _, name := range sortedKeys(e.Storage) {
		np := child(sp, name)
		raw, ok := v.raw.Storage[name]
		if !ok || raw == nil {
			v.errorf(np, "storage %q is not defined under storage%s", name, didYouMean(name, sortedKeys(v.raw.Storage)))
			continue
		}
		phys := e.Storage[name]
		switch raw.Type {
		case "s3":
			if !bucketNamePattern.MatchString(phys) || strings.Contains(phys, "..") {
				v.errorf(np, "%q is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)", phys)
			}
		case "dynamodb":
			if !tableNamePattern.MatchString(phys) {
				v.errorf(np, "%q is not a DynamoDB table name (3 to 255 letters, digits, _ . -)", phys)
			}
		}
	}
}

// ---- auth

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
				ResponseType: cmpOr(e.UserPool.ResponseType, "code"), AutoVerify: e.UserPool.AutoVerifiedAttributes}
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

func (v *validator) userPoolModel(u *rawUserPool) *UserPool {
	const p = "auth.userPool"
	out := &UserPool{Name: cmpOr(u.Name, UserPoolAccessKey), SelfSignUp: u.SelfSignUp != nil && *u.SelfSignUp}
	if u.Name != "" && !poolNamePattern.MatchString(u.Name) {
		v.errorf(child(p, "name"), "%q is not a valid name: letters and digits, starting with a letter (it becomes AUTH_<NAME>_USERPOOLID)", u.Name)
	}

	signIn := u.SignInWith
	if len(signIn) == 0 {
		signIn = []string{"email"}
	}
	seen := map[string]bool{}
	for i, s := range u.SignInWith {
		ip := index(child(p, "signInWith"), i)
		if !v.enum(ip, "sign-in method", s, signInValues) {
			continue
		}
		if seen[s] {
			v.errorf(ip, "%q is listed twice", s)
		}
		seen[s] = true
	}
	for _, s := range signInValues {
		if slices.Contains(signIn, s) {
			out.SignInWith = append(out.SignInWith, s)
		}
	}

	for _, name := range sortedKeys(u.StandardAttributes) {
		ap := child(child(p, "standardAttributes"), name)
		if !slices.Contains(standardAttributes, name) {
			hint := didYouMean(name, standardAttributes)
			if strings.HasPrefix(name, "custom:") || hint == "" {
				hint += "; custom attributes go under customAttributes"
			}
			v.errorf(ap, "%q is not a Cognito standard attribute%s", name, hint)
			continue
		}
		val := u.StandardAttributes[name]
		if v.enum(ap, "attribute setting", val, []string{"required", "optional"}) {
			out.StandardAttributes = append(out.StandardAttributes, StandardAttribute{Name: name, Required: val == "required"})
		}
	}
	for _, name := range sortedKeys(u.CustomAttributes) {
		ap := child(child(p, "customAttributes"), name)
		if !attrPattern.MatchString(name) {
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
			out.CustomAttributes = append(out.CustomAttributes, CustomAttribute{Name: name, Type: raw.Type,
				Mutable: raw.Mutable == nil || *raw.Mutable, UserWritable: raw.UserWritable})
		}
	}

	out.PasswordPolicy = PasswordPolicy{MinLength: 8, RequireLowercase: true, RequireUppercase: true, RequireDigits: true, RequireSymbols: true}
	if pp := u.PasswordPolicy; pp != nil {
		if pp.MinLength != 0 {
			if pp.MinLength < 6 || pp.MinLength > 99 {
				v.errorf(child(child(p, "passwordPolicy"), "minLength"), "%d is outside what Cognito accepts (6 to 99)", pp.MinLength)
			}
			out.PasswordPolicy.MinLength = pp.MinLength
		}
		set := func(dst *bool, src *bool) {
			if src != nil {
				*dst = *src
			}
		}
		set(&out.PasswordPolicy.RequireLowercase, pp.RequireLowercase)
		set(&out.PasswordPolicy.RequireUppercase, pp.RequireUppercase)
		set(&out.PasswordPolicy.RequireDigits, pp.RequireDigits)
		set(&out.PasswordPolicy.RequireSymbols, pp.RequireSymbols)
	}

	out.MFA = MFA{Mode: "off"}
	if m := u.MFA; m != nil {
		mp := child(p, "mfa")
		if m.Mode != "" && v.enum(child(mp, "mode"), "MFA mode", m.Mode, mfaModes) {
			out.MFA.Mode = m.Mode
		}
		for i, meth := range m.Methods {
			if v.enum(index(child(mp, "methods"), i), "MFA method", meth, mfaMethods) && slices.Contains(m.Methods[:i], meth) {
				v.errorf(index(child(mp, "methods"), i), "%q is listed twice", meth)
			}
		}
		for _, meth := range mfaMethods {
			if slices.Contains(m.Methods, meth) {
				out.MFA.Methods = append(out.MFA.Methods, meth)
			}
		}
		switch {
		case out.MFA.Mode != "off" && len(m.Methods) == 0:
			v.errorf(mp, "mode %s needs at least one method; add methods: [totp]", out.MFA.Mode)
		case (m.Mode == "" || m.Mode == "off") && len(m.Methods) > 0:
			v.errorf(child(mp, "methods"), "methods are set but mode is off; set mode: optional or required, or remove methods")
		}
		if slices.Contains(out.MFA.Methods, "email") && u.EmailSender == nil {
			v.errorf(child(mp, "methods"), "email MFA needs Cognito to send email through Amazon SES; add auth.userPool.emailSender: { from: no-reply@your-domain } with a verified SES identity")
		}
		if slices.Contains(out.MFA.Methods, "sms") && !slices.Contains(out.SignInWith, "phone") && !hasStandard(out, "phone_number") {
			v.errorf(child(mp, "methods"), "SMS MFA sends codes to the phone_number attribute; add standardAttributes: { phone_number: optional } or sign-in with phone")
		}
	}
	if es := u.EmailSender; es != nil {
		ep := child(p, "emailSender")
		if !strings.Contains(es.From, "@") {
			v.errorf(child(ep, "from"), "must be an email address of a verified SES identity, e.g. no-reply@example.com")
		}
		if es.SESRegion != "" && !regionPattern.MatchString(es.SESRegion) {
			v.errorf(child(ep, "sesRegion"), "%q is not an AWS region name", es.SESRegion)
		}
		out.EmailSender = &EmailSender{From: es.From, SESRegion: es.SESRegion}
	}

	v.groups(u, out)

	for _, op := range sortedKeys(u.Triggers) {
		tp := child(child(p, "triggers"), op)
		if !v.enum(tp, "Cognito trigger", op, triggerOperations) {
			continue
		}
		fn := u.Triggers[op]
		if v.functionRef(tp, fn) {
			out.Triggers = append(out.Triggers, Trigger{Operation: op, Function: fn})
		}
	}

	for _, id := range sortedKeys(u.ResourceServers) {
		rp := child(child(p, "resourceServers"), id)
		rs := ResourceServer{Identifier: id, Name: id}
		if !scopeNamePattern.MatchString(id) {
			v.errorf(rp, "%q is not a valid resource server identifier", id)
		}
		if raw := u.ResourceServers[id]; raw != nil {
			if raw.Name != "" {
				rs.Name = raw.Name
			}
			for _, s := range sortedKeys(raw.Scopes) {
				if !scopeNamePattern.MatchString(s) {
					v.errorf(child(child(rp, "scopes"), s), "%q is not a valid scope name", s)
				}
				rs.Scopes = append(rs.Scopes, Scope{Name: s, Description: raw.Scopes[s]})
			}
		}
		if len(rs.Scopes) == 0 {
			v.errorf(rp, "a resource server needs at least one scope: scopes: { read: Read access }")
		}
		out.ResourceServers = append(out.ResourceServers, rs)
	}

	if h := u.HostedUI; h != nil {
		out.HostedUI = v.hostedUI(h, out)
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
	for _, name := range sortedKeys(u.Groups) {
		gp := child(p, name)
		if !groupPattern.MatchString(name) {
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
	known := append([]string(nil), standardScopes...)
	if v.userPool != nil {
		for _, id := range sortedKeys(v.userPool.ResourceServers) {
			if rs := v.userPool.ResourceServers[id]; rs != nil {
				for _, s := range sortedKeys(rs.Scopes) {
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
	case !domainPattern.MatchString(h.DomainPrefix):
		v.errorf(child(p, "domainPrefix"), "%q is not a valid Cognito domain prefix: lowercase letters, digits and hyphens, at most 63, not starting or ending with a hyphen", h.DomainPrefix)
	default:
		for _, reserved := range []string{"aws", "amazon", "cognito"} {
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
	for _, name := range sortedKeys(h.Providers) {
		pp := child(child(p, "providers"), name)
		raw := h.Providers[name]
		if raw == nil {
			v.errorf(pp, "is empty; give at least clientId and clientSecret")
			continue
		}
		prov := Provider{Name: name, Kind: "oidc", ClientID: raw.ClientID, TeamID: raw.TeamID, KeyID: raw.KeyID, IssuerURL: raw.IssuerURL, Scopes: sortedSet(raw.Scopes)}
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
			if !groupPattern.MatchString(name) || len(name) > 32 {
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
		out.Providers = append(out.Providers, prov)
	}
	_ = pool
	return out
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

// ---- functions

func (v *validator) functionRef(path, name string) bool {
	if name == "" {
		v.errorf(path, "missing function name")
		return false
	}
	if _, ok := v.raw.Functions[name]; ok {
		return true
	}
	names := sortedKeys(v.raw.Functions)
	if len(names) == 0 {
		v.errorf(path, "function %q is not defined: there is no functions section; add functions: { %s: { runtime: go, source: functions/%s } }", name, name, name)
		return false
	}
	v.errorf(path, "function %q is not defined under functions%s (defined: %s)", name, didYouMean(name, names), strings.Join(names, ", "))
	return false
}

func (v *validator) functions() []Function {
	var out []Function
	v.caseClash("functions", sortedKeys(v.raw.Functions))
	for _, name := range sortedKeys(v.raw.Functions) {
		fp := child("functions", name)
		v.checkName(fp, "function", name)
		raw := v.raw.Functions[name]
		if raw == nil {
			v.errorf(fp, "is empty; give at least runtime and source")
			continue
		}
		fn := Function{Name: name, Runtime: raw.Runtime, Source: raw.Source, SourceRoot: v.dir, Handler: raw.Handler, Memory: 256, Timeout: 10 * time.Second}
		if raw.Runtime == "" {
			v.missing(fp, "runtime", "missing runtime: one of %s", oneOf(runtimes))
		} else {
			v.enum(child(fp, "runtime"), "runtime", raw.Runtime, runtimes)
		}
		if fn.Handler == "" {
			fn.Handler = "index.handler"
			if raw.Runtime == "go" {
				fn.Handler = "bootstrap"
			}
		}
		switch {
		case raw.Source == "":
			v.missing(fp, "source", "missing source: the folder with the function's code, relative to this file")
		case filepath.IsAbs(raw.Source):
			v.errorf(child(fp, "source"), "must be relative to the spec file so the repo builds anywhere")
		default:
			src := filepath.Join(v.dir, raw.Source)
			if st, err := os.Stat(src); err != nil || !st.IsDir() {
				v.errorf(child(fp, "source"), "folder %q does not exist next to the spec; create it or fix the path", raw.Source)
			} else {
				v.handlerFile(fp, raw, fn.Handler, src)
			}
		}
		if raw.Bundle != nil {
			fn.Bundle = v.bundle(child(fp, "bundle"), raw.Runtime, raw.Bundle)
		}
		if raw.Memory != 0 {
			if raw.Memory < 128 || raw.Memory > 10240 {
				v.errorf(child(fp, "memory"), "%d MB is outside what Lambda allows (128 to 10240)", raw.Memory)
			}
			fn.Memory = raw.Memory
		}
		if raw.Timeout != "" {
			d, err := time.ParseDuration(raw.Timeout)
			switch {
			case err != nil:
				v.errorf(child(fp, "timeout"), "%q is not a duration; write it like 10s, 90s or 2m", raw.Timeout)
			case d < time.Second || d > 15*time.Minute || d%time.Second != 0:
				v.errorf(child(fp, "timeout"), "%s is outside what Lambda allows: whole seconds from 1s to 15m", raw.Timeout)
			default:
				fn.Timeout = d
			}
		}
		for _, k := range sortedKeys(raw.Environment) {
			if !envNamePattern.MatchString(k) {
				v.errorf(child(child(fp, "environment"), k), "%q is not a valid environment variable name", k)
			}
			if reservedEnvPrefix(k) {
				v.errorf(child(child(fp, "environment"), k), "names starting with AWS_, UNDERHOOD_ or STORAGE_ are reserved (Lambda and underhood set them)")
			}
			fn.Environment = append(fn.Environment, EnvVar{Name: k, Value: raw.Environment[k]})
		}
		v.functionAccess(fp, &fn, raw.Access)
		if raw.Schedule != "" {
			fn.Schedule = v.schedule(child(fp, "schedule"), raw.Schedule)
		}
		fn.Secrets = v.functionSecrets(fp, raw)
		fn.Events = v.functionEvents(fp, raw)
		out = append(out, fn)
	}
	return out
}

// bundle checks a nodejs function's bundle settings; esbuild takes one "*" per external path.
func (v *validator) bundle(path, runtime string, raw *rawBundle) Bundle {
	if runtime == "go" || runtime == "python" {
		v.errorf(path, "only nodejs functions are bundled (go is compiled, python ships its folder with its requirements.txt installed); remove bundle")
	}
	b := Bundle{SourceMap: raw.SourceMap, Minify: raw.Minify}
	if raw.External == nil {
		return b
	}
	b.External = []string{}
	for i, e := range *raw.External {
		ep := index(child(path, "external"), i)
		switch {
		case strings.TrimSpace(e) == "":
			v.errorf(ep, "is empty; give a package name such as sharp, or a pattern such as @aws-sdk/*")
		case strings.ContainsFunc(e, unicode.IsSpace):
			v.errorf(ep, "%q contains a space; give a package name such as sharp, or a pattern such as @aws-sdk/*", e)
		case strings.Count(e, "*") > 1:
			v.errorf(ep, "%q has more than one * wildcard; esbuild allows one (@scope/*, *.node)", e)
		default:
			b.External = append(b.External, e)
		}
	}
	return b
}

// caseClash reports names of one section that differ only in case: they would share logical IDs
// prefixes and output keys (ApiPhotosUrl for both photos and Photos).
func (v *validator) caseClash(section string, names []string) {
	seen := map[string]string{}
	for _, n := range names {
		low := strings.ToLower(n)
		if prev, ok := seen[low]; ok {
			v.errorf(child(section, n), "%q and %q differ only in case, so their stack outputs and logical IDs would collide; rename one", n, prev)
			continue
		}
		seen[low] = n
	}
}

func (v *validator) checkName(path, what, name string) {
	if !namePattern.MatchString(name) {
		v.errorf(path, "%q is not a valid %s name: letters and digits only (camelCase), starting with a letter; names become CloudFormation logical IDs and output keys", name, what)
	}
}

// actionList validates read/write/delete and returns them in canonical order.
func (v *validator) actionList(path string, list []string) []string {
	if len(list) == 0 {
		v.errorf(path, "no actions; give some of [read, write, delete]")
	}
	for i, a := range list {
		v.enum(index(path, i), "action", a, actions)
	}
	var out []string
	for _, a := range actions {
		if slices.Contains(list, a) {
			out = append(out, a)
		}
	}
	return out
}

// ---- storage

func (v *validator) storage() ([]Bucket, []Table) {
	var buckets []Bucket
	var tables []Table
	v.caseClash("storage", sortedKeys(v.raw.Storage))
	for _, name := range sortedKeys(v.raw.Storage) {
		sp := child("storage", name)
		v.checkName(sp, "storage", name)
		if name == UserPoolAccessKey {
			v.errorf(sp, "%q is reserved: functions' access names the user pool with it; rename the storage", name)
		}
		raw := v.raw.Storage[name]
		if raw == nil {
			v.errorf(sp, "is empty; give type: s3 or type: dynamodb")
			continue
		}
		s3Only := raw.Access != nil || raw.Cors != nil || raw.Versioned
		dynamoOnly := raw.PartitionKey != "" || raw.SortKey != "" || raw.Indexes != nil || raw.PointInTimeRecovery != nil || raw.Stream != "" || raw.TTLAttribute != ""
		switch raw.Type {
		case "s3":
			if dynamoOnly {
				v.errorf(sp, "partitionKey, sortKey, indexes, pointInTimeRecovery, stream and ttlAttribute are for type: dynamodb")
			}
			b := v.bucket(sp, name, raw)
			if v.existing != nil {
				b.ExistingName = v.existing.Storage[name]
			}
			buckets = append(buckets, b)
		case "dynamodb":
			if s3Only {
				v.errorf(sp, "access, cors and versioned are for type: s3")
			}
			t := v.table(sp, name, raw)
			if v.existing != nil {
				t.ExistingName = v.existing.Storage[name]
				if t.ExistingName != "" {
					t.ExistingStreamARN = v.existing.Streams[name]
				}
			}
			tables = append(tables, t)
		case "":
			v.missing(sp, "type", "missing type: s3 (files) or dynamodb (NoSQL table)")
		default:
			v.enum(child(sp, "type"), "storage type", raw.Type, storageTypes)
		}
	}
	return buckets, tables
}

func (v *validator) bucket(sp, name string, raw *rawStorage) Bucket {
	b := Bucket{Name: name, Versioned: raw.Versioned}
	if raw.Cors != nil {
		b.CorsOrigins = v.origins(child(sp, "cors"), raw.Cors)
	}
	a := raw.Access
	if a == nil {
		return b
	}
	ap := child(sp, "access")
	if v.identityPool == nil {
		v.errorf(ap, "browser access to S3 needs auth.identityPool: amplify-js signs S3 requests with identity pool credentials, and the access levels are IAM policies on its roles; add auth.identityPool or remove access (functions can still be granted access)")
	}
	level := func(lvl string, l *rawLevel, allowed map[string][]string) {
		if l == nil {
			return
		}
		lp := child(ap, lvl)
		for _, who := range []struct {
			name string
			list []string
		}{{"guest", l.Guest}, {"authenticated", l.Authenticated}, {"owner", l.Owner}} {
			if who.list == nil {
				continue
			}
			wp := child(lp, who.name)
			can, ok := allowed[who.name]
			if !ok {
				v.errorf(wp, "%s access to %s/ is not an Amplify access level; %s", who.name, lvl, levelHelp[lvl])
				continue
			}
			acts := v.actionList(wp, who.list)
			for _, act := range acts {
				if !slices.Contains(can, act) {
					v.errorf(wp, "%s may not %s %s/ objects; %s", who.name, act, lvl, levelHelp[lvl])
				}
			}
			if who.name == "guest" && (v.identityPool == nil || !v.identityPool.GuestAccess) && v.identityPool != nil {
				v.errorf(wp, "guest access needs auth.identityPool.guestAccess: true (signed-out visitors get credentials of the guest role)")
			}
			b.Access = append(b.Access, BucketAccess{Level: lvl, Who: who.name, Actions: acts})
		}
	}
	all := []string{"read", "write", "delete"}
	level("public", a.Public, map[string][]string{"guest": all, "authenticated": all})
	level("protected", a.Protected, map[string][]string{"guest": {"read"}, "authenticated": {"read"}, "owner": all})
	level("private", a.Private, map[string][]string{"owner": all})
	for _, g := range sortedKeys(a.Groups) {
		gp := child(child(ap, "groups"), g)
		v.groupRef(gp, g)
		b.Access = append(b.Access, BucketAccess{Level: "all", Who: "group", Group: g, Actions: v.actionList(gp, a.Groups[g])})
	}
	return b
}

var levelHelp = map[string]string{
	"public":    "public/ takes guest and authenticated",
	"protected": "protected/ takes owner (read, write, delete) and guest or authenticated (read only)",
	"private":   "private/ takes owner only",
}

// groupRef checks a group name used for IAM access (API routes, S3 groups).
func (v *validator) groupRef(path, g string) {
	var groups []string
	if v.userPool != nil {
		groups = sortedKeys(v.userPool.Groups)
	}
	if !slices.Contains(groups, g) {
		v.errorf(path, "group %q is not defined under auth.userPool.groups%s", g, didYouMean(g, groups))
		return
	}
	if v.identityPool != nil && !v.identityPool.GroupRoles {
		v.errorf(path, "group access is granted to the group's IAM role, and groups have none; set auth.identityPool.groupRoles: true")
	}
}

func (v *validator) parseKey(path, raw string) (Key, bool) {
	m := keySpecPattern.FindStringSubmatch(raw)
	if m == nil {
		example := "photoId"
		if name, _, _ := strings.Cut(raw, ":"); keySpecPattern.MatchString(name + ":string") {
			example = name
		}
		v.errorf(path, "%q is not a key; write name:type with type string, number or binary, e.g. %s:string", raw, example)
		return Key{}, false
	}
	return Key{Name: m[1], Type: m[2]}, true
}

func (v *validator) table(sp, name string, raw *rawStorage) Table {
	t := Table{Name: name, PointInTimeRecovery: raw.PointInTimeRecovery == nil || *raw.PointInTimeRecovery, Stream: raw.Stream, TTLAttribute: raw.TTLAttribute}
	if raw.PartitionKey == "" {
		v.missing(sp, "partitionKey", "missing partitionKey, e.g. partitionKey: id:string")
	} else if k, ok := v.parseKey(child(sp, "partitionKey"), raw.PartitionKey); ok {
		t.PartitionKey = k
	}
	if raw.SortKey != "" {
		if k, ok := v.parseKey(child(sp, "sortKey"), raw.SortKey); ok {
			t.SortKey = &k
		}
	}
	if raw.Stream != "" {
		v.enum(child(sp, "stream"), "stream view type", raw.Stream, streamViews)
	}
	for _, iname := range sortedKeys(raw.Indexes) {
		ip := child(child(sp, "indexes"), iname)
		idx := Index{Name: iname}
		ri := raw.Indexes[iname]
		if ri == nil || ri.PartitionKey == "" {
			v.missing(ip, "partitionKey", "missing partitionKey, e.g. partitionKey: userId:string")
			continue
		}
		if k, ok := v.parseKey(child(ip, "partitionKey"), ri.PartitionKey); ok {
			idx.PartitionKey = k
		}
		if ri.SortKey != "" {
			if k, ok := v.parseKey(child(ip, "sortKey"), ri.SortKey); ok {
				idx.SortKey = &k
			}
		}
		t.Indexes = append(t.Indexes, idx)
	}
	return t
}

func (v *validator) origins(path string, c *rawCors) []string {
	op := child(path, "allowOrigins")
	if len(c.AllowOrigins) == 0 {
		v.missing(path, "allowOrigins", "missing allowOrigins, e.g. [http://localhost:5173, https://app.example.com]")
	}
	for i, o := range c.AllowOrigins {
		if o == "*" {
			if len(c.AllowOrigins) > 1 {
				v.errorf(index(op, i), "* allows every origin; list it alone or list origins")
			}
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			v.errorf(index(op, i), "%q is not an origin; write scheme://host[:port] such as https://app.example.com", o)
		}
	}
	out := make([]string, len(c.AllowOrigins))
	for i, o := range c.AllowOrigins {
		out[i] = strings.TrimSuffix(o, "/")
	}
	return sortedSet(out)
}

// ---- APIs

func (v *validator) apis() []API {
	var out []API
	v.caseClash("api", sortedKeys(v.raw.API))
	for _, name := range sortedKeys(v.raw.API) {
		ap := child("api", name)
		v.checkName(ap, "API", name)
		raw := v.raw.API[name]
		if raw == nil {
			v.errorf(ap, "is empty; give authorization and routes")
			continue
		}
		api := API{Name: name, Authorization: raw.Authorization, RateLimit: 100, BurstLimit: 200, AccessLogs: raw.AccessLogs == nil || *raw.AccessLogs}
		if api.Authorization == "" {
			v.missing(ap, "authorization", "missing authorization: one of %s (iam: SigV4 with identity pool credentials; id-token / access-token: Cognito authorizer; none: public)", oneOf(authModes))
		} else {
			v.enum(child(ap, "authorization"), "authorization", raw.Authorization, authModes)
		}
		if len(raw.Scopes) > 0 && raw.Authorization != AuthAccessToken {
			v.errorf(child(ap, "scopes"), "scopes apply to access-token authorization only: an id token carries no scopes")
		}
		api.Scopes = v.scopes(child(ap, "scopes"), raw.Scopes, []string{DefaultAccessTokenScope}, raw.Authorization == AuthAccessToken)
		if raw.Cors != nil {
			api.CorsOrigins = v.origins(child(ap, "cors"), raw.Cors)
		}
		if t := raw.Throttle; t != nil {
			if t.RateLimit < 0 || t.BurstLimit < 0 {
				v.errorf(child(ap, "throttle"), "limits must be positive")
			}
			if t.RateLimit > 0 {
				api.RateLimit = t.RateLimit
			}
			if t.BurstLimit > 0 {
				api.BurstLimit = t.BurstLimit
			}
		}
		api.ResourceQuota = awsrules.QuotaAPIResources
		if q := raw.Quotas; q != nil && q.Resources != 0 {
			if q.Resources < awsrules.QuotaAPIResources {
				v.errorf(child(child(ap, "quotas"), "resources"), "%d is below API Gateway's default of %d resources per REST API; declare only a quota AWS has raised for this API, or remove it", q.Resources, awsrules.QuotaAPIResources)
			} else {
				api.ResourceQuota = q.Resources
			}
		}
		if len(raw.Routes) == 0 {
			v.errorf(ap, "no routes; add routes: { \"GET /items\": myFunction }")
		}
		api.Routes = v.routes(ap, &api, raw)
		v.iamOverreach(ap, &api)
		out = append(out, api)
	}
	return out
}

// scopes validates the scopes a route or API requires. With apply (the scopes are an access-token
// authorizer's), each must also be one a sign-in of this app can put in an access token: API Gateway
// would otherwise refuse every caller.
func (v *validator) scopes(path string, list, def []string, apply bool) []string {
	known := v.knownScopes()
	for i, s := range list {
		if !slices.Contains(known, s) {
			v.errorf(index(path, i), "unknown scope %q; use one of %s or declare it under auth.userPool.resourceServers%s", s, oneOf(known), didYouMean(s, known))
			continue
		}
		if signIn, hosted := v.up.ScopeSources(s); apply && v.up != nil && !signIn && !hosted {
			hostedWords := "there is no hosted UI, the only way to other scopes; add auth.userPool.hostedUI with it in scopes"
			if h := v.up.HostedUI; h != nil {
				hostedWords = fmt.Sprintf("the hosted UI requests only %s; add it to auth.userPool.hostedUI.scopes", oneOf(h.Scopes))
			}
			v.errorf(index(path, i), "no sign-in of this app yields an access token with scope %q, so API Gateway would refuse "+
				"every caller: Amplify's signIn tokens carry only %q, and %s, or require a scope the app's sign-in gives",
				s, DefaultAccessTokenScope, hostedWords)
		}
	}
	if len(list) == 0 {
		return def
	}
	return sortedSet(list)
}

// sortedSet copies a list sorted and without duplicates: order in the spec never reaches a template.
func sortedSet(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	out := append([]string(nil), list...)
	sort.Strings(out)
	return slices.Compact(out)
}

func (v *validator) routes(ap string, api *API, raw *rawAPI) []Route {
	var out []Route
	seen := map[string]string{}
	// API Gateway allows one variable name per path position: /photos/{id} and /photos/{photoId} collide.
	params := map[string]string{}
	for _, key := range sortedKeys(raw.Routes) {
		rp := child(child(ap, "routes"), key)
		r := raw.Routes[key]
		if r == nil {
			v.errorf(rp, "is empty; give the function that handles the route")
			continue
		}
		method, path, ok := v.routeKey(rp, key, api, params)
		if !ok {
			continue
		}
		norm := method + " " + path
		if prev, dup := seen[norm]; dup {
			v.errorf(rp, "the same route as %q (verbs are case-insensitive and a trailing / is ignored); remove one", prev)
			continue
		}
		seen[norm] = key
		route := Route{Method: method, Path: path, Function: r.Function, Authorization: r.Authorization, Guest: r.Guest}
		v.functionRef(child(rp, "function"), r.Function)
		if route.Authorization == "" {
			route.Authorization = api.Authorization
		} else {
			v.enum(child(rp, "authorization"), "authorization", r.Authorization, authModes)
		}
		switch route.Authorization {
		case AuthIDToken, AuthAccessToken:
			if v.userPool == nil {
				v.errorf(v.authPath(rp, r), "%s authorization validates Cognito user pool tokens, and there is no auth.userPool; add one, or use iam or none", route.Authorization)
			}
			if len(r.Groups) > 0 {
				v.errorf(child(rp, "groups"), "a Cognito token authorizer cannot restrict a route by group: it checks the token's signature and scopes, not cognito:groups; only IAM can (each group's identity pool role gets execute-api:Invoke); use authorization: iam for this route, or check the group in the function")
			}
			if r.Guest {
				v.errorf(child(rp, "guest"), "guests have no user pool token; guest routes need authorization: iam (guest role) or none")
			}
		case AuthIAM:
			if v.identityPool == nil {
				v.errorf(v.authPath(rp, r), "iam authorization means the SPA signs requests (SigV4) with identity pool credentials, and there is no auth.identityPool; add auth.identityPool, or use id-token / access-token")
			}
			if r.Guest && v.identityPool != nil && !v.identityPool.GuestAccess {
				v.errorf(child(rp, "guest"), "guest routes need auth.identityPool.guestAccess: true (signed-out visitors get credentials of the guest role)")
			}
			if r.Guest && len(r.Groups) > 0 {
				v.errorf(child(rp, "guest"), "a route open to guests cannot also be restricted to groups")
			}
			for i, g := range r.Groups {
				v.groupRef(index(child(rp, "groups"), i), g)
			}
		case AuthNone:
			if len(r.Groups) > 0 || r.Guest {
				v.errorf(rp, "groups and guest only apply to iam routes; a route with authorization none is open to everyone")
			}
		}
		if len(r.Scopes) > 0 && route.Authorization != AuthAccessToken {
			v.errorf(child(rp, "scopes"), "scopes apply to access-token routes only")
		}
		if route.Authorization == AuthAccessToken {
			route.Scopes = v.scopes(child(rp, "scopes"), r.Scopes, api.Scopes, true)
		}
		route.Groups = sortedSet(r.Groups)
		out = append(out, route)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// authPath is where an authorization problem is reported: the route's own authorization, or the API's
// when the route inherits it (reported once there, not once per route).
// iamOverreach rejects IAM routes whose execute-api grant would also open a route meant for fewer
// callers. A grant names the request path with * for each {param}, and IAM's * also matches "/", so the
// grant for GET /x/{id} (.../GET/x/*) lets its callers call GET /x/{id}/y and GET /x/other too.
func (v *validator) iamOverreach(ap string, api *API) {
	for _, a := range api.Routes {
		if a.Authorization != AuthIAM {
			continue
		}
		pattern := arnPath(a.Path)
		for _, b := range api.Routes {
			if b.Authorization != AuthIAM || b.Key() == a.Key() {
				continue
			}
			sameMethod := a.Method == b.Method || a.Method == "ANY" || b.Method == "ANY"
			if !sameMethod || !wildcardMatch(pattern, samplePath(b.Path)) || callersWithin(a, b) {
				continue
			}
			v.errorf(child(child(ap, "routes"), a.Key()),
				"its IAM grant (execute-api ARN path %s, where IAM's * also spans \"/\") would let %s call %s, which the spec gives only to %s; give both routes the same callers, or move %s off the path of %s",
				pattern, callersOf(a), b.Key(), callersOf(b), b.Key(), a.Key())
		}
	}
}

// arnPath is the path part of a route's execute-api ARN: {param} and {proxy+} become *.
func arnPath(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "*"
		}
	}
	return strings.Join(segs, "/")
}

// samplePath is a request path the route answers: each parameter filled in.
func samplePath(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		switch {
		case strings.HasSuffix(s, "+}"):
			segs[i] = "p/q"
		case strings.HasPrefix(s, "{"):
			segs[i] = "p"
		}
	}
	return strings.Join(segs, "/")
}

// wildcardMatch matches IAM-style: * is any run of characters, "/" included.
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, part := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, part)
		}
		j := strings.Index(s, part)
		if j < 0 {
			return false
		}
		s = s[j+len(part):]
	}
	return s == ""
}

// callersWithin reports whether everyone who may call IAM route a may also call IAM route b.
func callersWithin(a, b Route) bool {
	switch {
	case a.Guest && !b.Guest:
		return false
	case len(a.Groups) == 0: // every signed-in user (and guests when a.Guest)
		return len(b.Groups) == 0
	case len(b.Groups) == 0: // b: every signed-in user, group members included
		return true
	}
	for _, g := range a.Groups {
		if !slices.Contains(b.Groups, g) {
			return false
		}
	}
	return true
}

func callersOf(r Route) string {
	switch {
	case r.Guest:
		return "guests and signed-in users"
	case len(r.Groups) > 0:
		return "group " + strings.Join(r.Groups, ", ")
	}
	return "signed-in users"
}

func (v *validator) authPath(rp string, r *rawRoute) string {
	if r.Authorization != "" {
		return child(rp, "authorization")
	}
	return child(parentPath(parentPath(rp)), "authorization")
}

// routeKey parses "VERB /path" and checks the path against API Gateway's rules.
func (v *validator) routeKey(rp, key string, api *API, params map[string]string) (string, string, bool) {
	fields := strings.Fields(key)
	if len(fields) != 2 {
		v.errorf(rp, "%q is not a route; write \"VERB /path\", e.g. \"GET /photos/{id}\"", key)
		return "", "", false
	}
	method, path := strings.ToUpper(fields[0]), fields[1]
	ok := true
	if method == "OPTIONS" {
		v.errorf(rp, "OPTIONS routes are not declared: CORS preflight is answered by API Gateway when the API has cors")
		ok = false
	} else if !slices.Contains(httpMethods, method) {
		v.errorf(rp, "%q is not an HTTP method; use one of %s%s", fields[0], oneOf(httpMethods), didYouMean(method, httpMethods))
		ok = false
	}
	if !strings.HasPrefix(path, "/") {
		v.errorf(rp, "path %q must start with /", path)
		return "", "", false
	}
	if path != "/" {
		path = strings.TrimSuffix(path, "/")
		segs := strings.Split(path[1:], "/")
		prefix := ""
		for i, seg := range segs {
			prefix += "/"
			m := pathSegmentParam.FindStringSubmatch(seg)
			switch {
			case seg == "":
				v.errorf(rp, "path %q has an empty segment (//)", path)
				return "", "", false
			case m != nil:
				if m[2] == "+" && i != len(segs)-1 {
					v.errorf(rp, "{%s+} is a greedy parameter and must be the last segment", m[1])
					ok = false
				}
				if prev, clash := params[prefix]; clash && prev != seg {
					v.errorf(rp, "API Gateway allows one parameter name per path position: %s%s clashes with %s%s; use the same name", prefix, seg, prefix, prev)
					ok = false
				}
				params[prefix] = seg
			case colonParam.MatchString(seg):
				// Express-style routers write /notes/:id; API Gateway would match only the literal text ":id".
				fixed := slices.Clone(segs)
				for j, s := range fixed {
					fixed[j] = colonParam.ReplaceAllString(s, "{$1}")
				}
				v.errorf(rp, "path segment %q is a literal to API Gateway, which writes path parameters in braces; did you mean %q?",
					seg, method+" /"+strings.Join(fixed, "/"))
				return "", "", false
			case pathSegmentLiteral.MatchString(seg):
			default:
				v.errorf(rp, "path segment %q may contain only letters, digits and - . _ : $ (parameters are written {name})", seg)
				ok = false
			}
			prefix += seg
		}
	}
	return method, path, ok
}

// ---- frontend

// insideRepository reports whether rel, relative to the spec's folder, stays inside the repository: the
// nearest folder above the spec holding .git (a folder, or a file in a git worktree), else the spec's
// folder itself. So infra/app.yaml may write ../web/src/aws-exports.js, but nothing outside the repository.
func (v *validator) insideRepository(rel string) bool {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if clean != ".." && !strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return true
	}
	if v.repoRoot == "" {
		v.repoRoot = "."
		if abs, err := filepath.Abs(v.dir); err == nil {
			for d := abs; ; d = filepath.Dir(d) {
				if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
					v.repoRoot = d
					break
				}
				if filepath.Dir(d) == d {
					break
				}
			}
		}
	}
	if v.repoRoot == "." {
		return false
	}
	abs, err := filepath.Abs(filepath.Join(v.dir, clean))
	if err != nil {
		return false
	}
	r, err := filepath.Rel(v.repoRoot, abs)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

func (v *validator) frontend() []FrontendFile {
	var out []FrontendFile
	seen := map[string]bool{}
	for i, f := range v.raw.Frontend {
		fp := index("frontend", i)
		if f == nil {
			v.errorf(fp, "is empty; give format and path")
			continue
		}
		if f.Format == "" {
			v.missing(fp, "format", "missing format: one of %s", oneOf(frontendKinds))
		} else {
			v.enum(child(fp, "format"), "frontend format", f.Format, frontendKinds)
		}
		switch {
		case f.Path == "":
			v.missing(fp, "path", "missing path, relative to this file")
		case filepath.IsAbs(f.Path) || filepath.VolumeName(f.Path) != "":
			v.errorf(child(fp, "path"), "must be relative to the spec's folder (such as web/src/aws-exports.js or ../web/src/aws-exports.js): an absolute path is another place on every machine")
		case !v.insideRepository(f.Path):
			v.errorf(child(fp, "path"), "%q leads out of the repository (the folder holding .git above the spec; the spec's own folder when there is none): frontend files must stay inside it", f.Path)
		case seen[filepath.Clean(f.Path)]:
			v.errorf(child(fp, "path"), "%q is written twice", f.Path)
		}
		seen[filepath.Clean(f.Path)] = true
		out = append(out, FrontendFile{Format: f.Format, Path: f.Path})
	}
	formats := map[string]int{}
	for i, f := range out {
		formats[f.Format] = i + 1
	}
	if i := formats["amplify-config"]; i > 0 && formats["amplify-outputs"] == 0 {
		v.errorf(index("frontend", i-1), "amplify-config imports amplify_outputs.json; add { format: amplify-outputs, path: ... } to frontend")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Package auth provides CDK constructs for a Cognito user pool with one SPA
// app client (optional hosted UI, social/OIDC providers, groups, triggers)
// and an optional Cognito identity pool with per-group IAM roles.
package auth

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// SignIn is a way a user identifies at sign-in.
type SignIn string

const (
	SignInEmail    SignIn = "email"
	SignInPhone    SignIn = "phone"
	SignInUsername SignIn = "username"
)

// MFAMode is the user pool MFA configuration.
type MFAMode string

const (
	MFAOff      MFAMode = "off"
	MFAOptional MFAMode = "optional"
	MFARequired MFAMode = "required"
)

// MFAMethod is a second factor.
type MFAMethod string

const (
	MFATOTP  MFAMethod = "totp"
	MFASMS   MFAMethod = "sms"
	MFAEmail MFAMethod = "email"
)

// StandardAttribute configures a Cognito standard (OIDC) attribute such as
// "email", "phone_number", "given_name", "family_name", "birthdate".
type StandardAttribute struct {
	Name     string
	Required bool
	Mutable  bool
}

// CustomAttribute configures a custom attribute. Name is given without the
// "custom:" prefix; Type is "string", "number", "boolean" or "datetime". An
// immutable attribute is set once, when the user is created. UserWritable puts it
// in the app client's WriteAttributes, so signed-in users may set it themselves;
// otherwise only administrators and functions write it (Cognito's default).
type CustomAttribute struct {
	Name         string
	Type         string
	Mutable      bool
	UserWritable bool
}

// PasswordPolicy configures password rules. MinLength 0 means 8;
// TempPasswordValidityDays 0 means the Cognito default (7 days).
type PasswordPolicy struct {
	MinLength                int
	RequireLowercase         bool
	RequireUppercase         bool
	RequireDigits            bool
	RequireSymbols           bool
	TempPasswordValidityDays int
}

// EmailSender sends user pool email through SES instead of the Cognito default.
type EmailSender struct {
	From             string
	SESRegion        string
	ConfigurationSet string
}

// Group is a user pool group. A nil Precedence leaves it unset: Cognito ranks the
// group after every group that has one (0 is the highest precedence).
type Group struct {
	Name        string
	Precedence  *int
	Description string
}

// Trigger attaches a Lambda function to a user pool operation, e.g.
// "preSignUp", "postConfirmation", "preTokenGeneration", "customMessage".
type Trigger struct {
	Operation string
	Function  awslambda.IFunction
}

// HostedUI enables the Cognito hosted UI (managed login) on a Cognito domain
// and the OAuth authorization code grant on the app client.
type HostedUI struct {
	DomainPrefix string
	CallbackURLs []string
	LogoutURLs   []string
	// "openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"
	// or "<resourceServerIdentifier>/<scope>". Empty means openid, email, profile.
	Scopes []string
	// CustomDomain, when set, serves the hosted UI on the team's host name too (HostedUIDomain).
	CustomDomain *CustomDomain
}

// IdentityProvider is a social or OIDC identity provider for the hosted UI.
type IdentityProvider struct {
	Kind             string    // "google" | "facebook" | "amazon" | "apple" | "oidc"
	Name             string    // oidc provider name (required for oidc)
	ClientID         string    // client id (apple: services id)
	ClientSecret     SecretRef // google/facebook/amazon/oidc
	TeamID, KeyID    string    // apple
	PrivateKey       SecretRef // apple
	IssuerURL        string    // oidc
	Scopes           []string
	AttributeMapping []AttributeMap // empty: maps email
}

// AttributeMap maps a provider attribute to a user pool attribute
// (standard name such as "email", or "custom:<name>").
type AttributeMap struct {
	UserPoolAttribute string
	ProviderAttribute string
}

// SecretRef points at a secret; plaintext secrets are not representable.
// Only SecretsManager works for identity providers (see NewUserPool).
type SecretRef struct {
	SecretsManager string // secret name or ARN
	JSONField      string // optional JSON key inside the secret
	SSMParameter   string // SecureString parameter name (rejected for identity providers)
}

// ResourceServer is an OAuth resource server with custom scopes.
type ResourceServer struct {
	Identifier string
	Name       string
	Scopes     []Scope
}

// Scope is a resource server scope.
type Scope struct {
	Name        string
	Description string
}

// UserPoolProps configures NewUserPool. All fields are optional.
type UserPoolProps struct {
	SignInWith         []SignIn // default [email]
	SelfSignUp         bool
	StandardAttributes []StandardAttribute
	CustomAttributes   []CustomAttribute
	PasswordPolicy     *PasswordPolicy // nil: MinLength 8 and all four requirements
	MFA                MFAMode         // "" means off
	MFAMethods         []MFAMethod
	EmailSender        *EmailSender
	// "" derives it from SignInWith; otherwise a CDK AccountRecovery name such
	// as "EMAIL_ONLY", "PHONE_ONLY_WITHOUT_MFA", "EMAIL_AND_PHONE_WITHOUT_MFA",
	// "PHONE_WITHOUT_MFA_AND_EMAIL", "PHONE_AND_EMAIL", "NONE".
	AccountRecovery string
	// AutoVerify lists attributes Cognito verifies besides the sign-in ones: "email",
	// "phone_number" (e.g. a required email with username sign-in). Every verified
	// attribute also needs verification before an update takes effect
	// (UserAttributeUpdateSettings), so a user cannot swap in an unverified address.
	AutoVerify      []string
	Groups          []Group
	Triggers        []Trigger
	HostedUI        *HostedUI
	Providers       []IdentityProvider
	ResourceServers []ResourceServer
	// Removal applies to every AWS::Cognito::UserPool* resource (pool, client, domain, groups, identity
	// providers, resource servers): users, memberships, the client id and the domain prefix are all state
	// an app cannot get back. nil: RETAIN (plus deletion protection on the pool).
	Removal     *awscdk.RemovalPolicy
	FeaturePlan string // "" means "essentials"; "lite" | "essentials" | "plus"

	// Existing references a pool created elsewhere (another stack, Amplify, the console) instead of
	// creating one; see ExistingPool for what is then created.
	Existing *ExistingPool
}

// ExistingPool names a user pool this construct references but does not own. Only an app client is
// created on it (and only when ClientID is empty, from HostedUI and Providers by name); groups,
// triggers, domain, providers, resource servers and every pool setting stay as the pool has them,
// because CloudFormation can change a resource only from the stack that owns it.
type ExistingPool struct {
	ID       string // user pool id
	ClientID string // the SPA's app client; empty: create one
	Domain   string // hosted UI host, e.g. app.auth.eu-west-1.amazoncognito.com; empty: none
}

// UserPool is a Cognito user pool with one SPA app client.
type UserPool struct {
	constructs.Construct
	Pool   awscognito.IUserPool
	Client awscognito.IUserPoolClient
	Domain awscognito.UserPoolDomain // nil without HostedUI or for an existing pool
	// CustomDomain is the hosted UI's custom domain; nil without HostedUI.CustomDomain.
	CustomDomain awscognito.UserPoolDomain
	// Existing is true when the pool is referenced, not created (props.Existing).
	Existing bool

	groups         map[string]awscognito.CfnUserPoolGroup
	existingDomain string

	customDomainName string // the hosted UI's custom domain; "" without one
}

// Cognito standard attribute names -> setter on the CDK struct.
var standardAttrSetters = map[string]func(*awscognito.StandardAttributes, *awscognito.StandardAttribute){
	"address":            func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Address = a },
	"birthdate":          func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Birthdate = a },
	"email":              func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Email = a },
	"family_name":        func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.FamilyName = a },
	"gender":             func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Gender = a },
	"given_name":         func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.GivenName = a },
	"locale":             func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Locale = a },
	"middle_name":        func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.MiddleName = a },
	"name":               func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Fullname = a },
	"nickname":           func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Nickname = a },
	"phone_number":       func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.PhoneNumber = a },
	"picture":            func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.ProfilePicture = a },
	"preferred_username": func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.PreferredUsername = a },
	"profile":            func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.ProfilePage = a },
	"updated_at":         func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.LastUpdateTime = a },
	"website":            func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Website = a },
	"zoneinfo":           func(s *awscognito.StandardAttributes, a *awscognito.StandardAttribute) { s.Timezone = a },
}

// Provider attribute mapping targets (user pool side).
var mappingSetters = map[string]func(*awscognito.AttributeMapping, awscognito.ProviderAttribute){
	"address":            func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Address = p },
	"birthdate":          func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Birthdate = p },
	"email":              func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Email = p },
	"email_verified":     func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.EmailVerified = p },
	"family_name":        func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.FamilyName = p },
	"gender":             func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Gender = p },
	"given_name":         func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.GivenName = p },
	"locale":             func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Locale = p },
	"middle_name":        func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.MiddleName = p },
	"name":               func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Fullname = p },
	"nickname":           func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Nickname = p },
	"phone_number":       func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.PhoneNumber = p },
	"picture":            func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.ProfilePicture = p },
	"preferred_username": func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.PreferredUsername = p },
	"profile":            func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.ProfilePage = p },
	"updated_at":         func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.LastUpdateTime = p },
	"website":            func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Website = p },
	"zoneinfo":           func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Timezone = p },
}

// Trigger operations accepted in Trigger.Operation. customEmailSender and
// customSmsSender are left out: they need a KMS key this construct doesn't manage.
var triggerOps = map[string]func() awscognito.UserPoolOperation{
	"preSignUp":                   awscognito.UserPoolOperation_PRE_SIGN_UP,
	"postConfirmation":            awscognito.UserPoolOperation_POST_CONFIRMATION,
	"preTokenGeneration":          awscognito.UserPoolOperation_PRE_TOKEN_GENERATION,
	"customMessage":               awscognito.UserPoolOperation_CUSTOM_MESSAGE,
	"preAuthentication":           awscognito.UserPoolOperation_PRE_AUTHENTICATION,
	"postAuthentication":          awscognito.UserPoolOperation_POST_AUTHENTICATION,
	"defineAuthChallenge":         awscognito.UserPoolOperation_DEFINE_AUTH_CHALLENGE,
	"createAuthChallenge":         awscognito.UserPoolOperation_CREATE_AUTH_CHALLENGE,
	"verifyAuthChallengeResponse": awscognito.UserPoolOperation_VERIFY_AUTH_CHALLENGE_RESPONSE,
	"userMigration":               awscognito.UserPoolOperation_USER_MIGRATION,
}

var (
	domainPrefixRe = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	customAttrRe   = regexp.MustCompile(`^[A-Za-z0-9_]{1,20}$`)
	scopeNameRe    = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$`)
)

// NewUserPool creates the user pool, its groups, triggers, resource servers,
// identity providers, optional hosted UI domain and one SPA app client.
// Problems in props are reported as error annotations (synth fails), never panics.
func NewUserPool(scope constructs.Construct, id string, props *UserPoolProps) *UserPool {
	var p UserPoolProps
	if props != nil {
		p = *props // shallow copy: defaults are never written back to the caller
	}
	u := &UserPool{Construct: constructs.NewConstruct(scope, jsii.String(id)), groups: map[string]awscognito.CfnUserPoolGroup{}}
	errf := func(format string, a ...any) {
		awscdk.Annotations_Of(u.Construct).AddError(jsii.String(fmt.Sprintf(format, a...)))
	}
	if p.Existing != nil {
		u.referenceExisting(&p, errf)
		return u
	}

	// Sign-in.
	signIn := p.SignInWith
	if len(signIn) == 0 {
		signIn = []SignIn{SignInEmail}
	}
	var email, phone, username bool
	for _, s := range signIn {
		switch s {
		case SignInEmail:
			email = true
		case SignInPhone:
			phone = true
		case SignInUsername:
			username = true
		default:
			errf("auth: unknown sign-in method %q (want email, phone or username)", s)
		}
	}
	if !email && !phone && !username {
		email = true
	}

	// Attributes.
	std := &awscognito.StandardAttributes{}
	attrMutable := map[string]bool{}
	for _, a := range p.StandardAttributes {
		set, ok := standardAttrSetters[a.Name]
		if !ok {
			errf("auth: unknown standard attribute %q (use Cognito names such as email, phone_number, given_name)", a.Name)
			continue
		}
		if _, dup := attrMutable[a.Name]; dup {
			errf("auth: standard attribute %q listed twice", a.Name)
			continue
		}
		attrMutable[a.Name] = a.Mutable
		set(std, &awscognito.StandardAttribute{Required: jsii.Bool(a.Required), Mutable: jsii.Bool(a.Mutable)})
	}
	custom := map[string]awscognito.ICustomAttribute{}
	for _, a := range p.CustomAttributes {
		if strings.HasPrefix(a.Name, "custom:") || !customAttrRe.MatchString(a.Name) {
			errf("auth: custom attribute name %q must be 1-20 letters, digits or underscores, without the \"custom:\" prefix", a.Name)
			continue
		}
		if _, dup := custom[a.Name]; dup {
			errf("auth: custom attribute %q listed twice", a.Name)
			continue
		}
		attrMutable["custom:"+a.Name] = a.Mutable // for the provider mapping check
		mut := jsii.Bool(a.Mutable)
		switch a.Type {
		case "string", "":
			custom[a.Name] = awscognito.NewStringAttribute(&awscognito.StringAttributeProps{Mutable: mut})
		case "number":
			custom[a.Name] = awscognito.NewNumberAttribute(&awscognito.NumberAttributeProps{Mutable: mut})
		case "boolean":
			custom[a.Name] = awscognito.NewBooleanAttribute(&awscognito.CustomAttributeProps{Mutable: mut})
		case "datetime":
			custom[a.Name] = awscognito.NewDateTimeAttribute(&awscognito.CustomAttributeProps{Mutable: mut})
		default:
			errf("auth: custom attribute %q has unknown type %q (want string, number, boolean or datetime)", a.Name, a.Type)
		}
	}

	// Password policy.
	pp := PasswordPolicy{MinLength: 8, RequireLowercase: true, RequireUppercase: true, RequireDigits: true, RequireSymbols: true}
	if p.PasswordPolicy != nil {
		pp = *p.PasswordPolicy
		if pp.MinLength == 0 {
			pp.MinLength = 8
		}
	}
	if pp.MinLength < 6 || pp.MinLength > 99 {
		errf("auth: password MinLength must be between 6 and 99, got %d", pp.MinLength)
		pp.MinLength = 8
	}
	cdkPP := &awscognito.PasswordPolicy{
		MinLength:        jsii.Number(float64(pp.MinLength)),
		RequireLowercase: jsii.Bool(pp.RequireLowercase),
		RequireUppercase: jsii.Bool(pp.RequireUppercase),
		RequireDigits:    jsii.Bool(pp.RequireDigits),
		RequireSymbols:   jsii.Bool(pp.RequireSymbols),
	}
	if pp.TempPasswordValidityDays < 0 || pp.TempPasswordValidityDays > 365 {
		errf("auth: TempPasswordValidityDays must be between 1 and 365, got %d", pp.TempPasswordValidityDays)
	} else if pp.TempPasswordValidityDays > 0 {
		cdkPP.TempPasswordValidity = awscdk.Duration_Days(jsii.Number(float64(pp.TempPasswordValidityDays)))
	}

	// Feature plan.
	var plan awscognito.FeaturePlan
	switch p.FeaturePlan {
	case "", "essentials":
		plan = awscognito.FeaturePlan_ESSENTIALS
	case "lite":
		plan = awscognito.FeaturePlan_LITE
	case "plus":
		plan = awscognito.FeaturePlan_PLUS
	default:
		errf("auth: unknown FeaturePlan %q (want lite, essentials or plus)", p.FeaturePlan)
		plan = awscognito.FeaturePlan_ESSENTIALS
	}

	// Email sender. CDK throws on a token region without SESRegion: check first.
	var emailCfg awscognito.UserPoolEmail
	if es := p.EmailSender; es != nil {
		region := awscdk.Stack_Of(u.Construct).Region()
		switch {
		case es.From == "":
			errf("auth: EmailSender.From is required")
		case es.SESRegion == "" && *awscdk.Token_IsUnresolved(region):
			errf("auth: EmailSender.SESRegion is required when the stack region is not known at synth time")
		default:
			opts := &awscognito.UserPoolSESOptions{FromEmail: jsii.String(es.From)}
			if es.SESRegion != "" {
				opts.SesRegion = jsii.String(es.SESRegion)
			}
			if es.ConfigurationSet != "" {
				opts.ConfigurationSetName = jsii.String(es.ConfigurationSet)
			}
			emailCfg = awscognito.UserPoolEmail_WithSES(opts)
		}
	}

	// MFA. CDK throws on email MFA without SES or on the lite plan: check first.
	mfa := awscognito.Mfa_OFF
	var second *awscognito.MfaSecondFactor
	switch p.MFA {
	case "", MFAOff:
		if len(p.MFAMethods) > 0 {
			errf("auth: MFAMethods are set but MFA is off")
		}
	case MFAOptional, MFARequired:
		mfa = awscognito.Mfa_OPTIONAL
		if p.MFA == MFARequired {
			mfa = awscognito.Mfa_REQUIRED
		}
		second = &awscognito.MfaSecondFactor{Otp: jsii.Bool(false), Sms: jsii.Bool(false)}
		for _, m := range p.MFAMethods {
			switch m {
			case MFATOTP:
				second.Otp = jsii.Bool(true)
			case MFASMS:
				second.Sms = jsii.Bool(true) // the L2 creates the SMS role
			case MFAEmail:
				switch {
				case emailCfg == nil:
					errf("auth: email MFA needs EmailSender (an SES sender); Cognito's default email cannot send MFA codes")
				case plan == awscognito.FeaturePlan_LITE:
					errf("auth: email MFA needs FeaturePlan essentials or plus")
				default:
					second.Email = jsii.Bool(true)
				}
			default:
				errf("auth: unknown MFA method %q (want totp, sms or email)", m)
			}
		}
		if len(p.MFAMethods) == 0 {
			errf("auth: MFA %q needs at least one method in MFAMethods (totp, sms, email)", p.MFA)
		}
	default:
		errf("auth: unknown MFA mode %q (want off, optional or required)", p.MFA)
	}

	// Verified attributes: the sign-in ones plus AutoVerify.
	verifyEmail, verifyPhone := email, phone
	for _, a := range p.AutoVerify {
		switch a {
		case "email":
			verifyEmail = true
		case "phone_number":
			verifyPhone = true
		default:
			errf("auth: AutoVerify %q: only email and phone_number can be verified", a)
		}
	}

	// Account recovery.
	recovery := deriveRecovery(email, phone, attrMutable)
	if p.AccountRecovery != "" {
		r, ok := accountRecovery(p.AccountRecovery)
		if !ok {
			errf("auth: unknown AccountRecovery %q", p.AccountRecovery)
		} else {
			recovery = r
		}
	}

	// Removal.
	removal := awscdk.RemovalPolicy_RETAIN
	if p.Removal != nil {
		removal = *p.Removal
	}
	if removal == awscdk.RemovalPolicy_SNAPSHOT {
		errf("auth: RemovalPolicy SNAPSHOT is not supported by a user pool")
		removal = awscdk.RemovalPolicy_RETAIN
	}

	poolProps := &awscognito.UserPoolProps{
		SignInAliases:       &awscognito.SignInAliases{Username: jsii.Bool(username), Email: jsii.Bool(email), Phone: jsii.Bool(phone)},
		AutoVerify:          &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(verifyEmail), Phone: jsii.Bool(verifyPhone)},
		KeepOriginal:        keepOriginal(verifyEmail, verifyPhone),
		SignInCaseSensitive: jsii.Bool(false),
		SelfSignUpEnabled:   jsii.Bool(p.SelfSignUp),
		StandardAttributes:  std,
		PasswordPolicy:      cdkPP,
		Mfa:                 mfa,
		MfaSecondFactor:     second,
		AccountRecovery:     recovery,
		FeaturePlan:         plan,
		RemovalPolicy:       removal,
		DeletionProtection:  jsii.Bool(removal != awscdk.RemovalPolicy_DESTROY),
		Email:               emailCfg,
	}
	if len(custom) > 0 {
		poolProps.CustomAttributes = &custom
	}
	pool := awscognito.NewUserPool(u.Construct, jsii.String("Pool"), poolProps)
	u.Pool = pool

	// Groups: L1 so callers (the identity pool) can set RoleArn later.
	for _, g := range p.Groups {
		if g.Name == "" {
			errf("auth: a group has no name")
			continue
		}
		if _, dup := u.groups[g.Name]; dup {
			errf("auth: group %q listed twice", g.Name)
			continue
		}
		gp := &awscognito.CfnUserPoolGroupProps{
			UserPoolId: u.Pool.UserPoolId(),
			GroupName:  jsii.String(g.Name),
		}
		if g.Precedence != nil {
			if *g.Precedence < 0 {
				errf("auth: group %q has negative precedence %d", g.Name, *g.Precedence)
			}
			gp.Precedence = jsii.Number(float64(*g.Precedence))
		}
		if g.Description != "" {
			gp.Description = jsii.String(g.Description)
		}
		u.groups[g.Name] = awscognito.NewCfnUserPoolGroup(u.Construct, jsii.String("Group"+g.Name), gp)
	}

	// Triggers through the L2, which also adds the invoke permission.
	seenOps := map[string]bool{}
	for _, t := range p.Triggers {
		op, ok := triggerOps[t.Operation]
		switch {
		case !ok:
			errf("auth: unsupported trigger operation %q", t.Operation)
		case t.Function == nil:
			errf("auth: trigger %q has no function", t.Operation)
		case seenOps[t.Operation]:
			errf("auth: trigger %q listed twice", t.Operation)
		default:
			seenOps[t.Operation] = true
			pool.AddTrigger(op(), t.Function, "")
		}
	}

	// Resource servers.
	servers := map[string]awscognito.UserPoolResourceServer{}
	serverScopes := map[string]map[string]awscognito.ResourceServerScope{}
	for _, rs := range p.ResourceServers {
		if rs.Identifier == "" {
			errf("auth: a resource server has no identifier")
			continue
		}
		if _, dup := servers[rs.Identifier]; dup {
			errf("auth: resource server %q listed twice", rs.Identifier)
			continue
		}
		scopes := []awscognito.ResourceServerScope{}
		byName := map[string]awscognito.ResourceServerScope{}
		for _, s := range rs.Scopes {
			desc := s.Description
			if desc == "" {
				desc = s.Name
			}
			if !scopeNameRe.MatchString(s.Name) || len(desc) > 256 {
				errf("auth: resource server %q has an invalid scope %q", rs.Identifier, s.Name)
				continue
			}
			if _, dup := byName[s.Name]; dup {
				errf("auth: resource server %q lists scope %q twice", rs.Identifier, s.Name)
				continue
			}
			sc := awscognito.NewResourceServerScope(&awscognito.ResourceServerScopeProps{ScopeName: jsii.String(s.Name), ScopeDescription: jsii.String(desc)})
			byName[s.Name] = sc
			scopes = append(scopes, sc)
		}
		opts := &awscognito.UserPoolResourceServerOptions{Identifier: jsii.String(rs.Identifier), Scopes: &scopes}
		if rs.Name != "" {
			opts.UserPoolResourceServerName = jsii.String(rs.Name)
		}
		servers[rs.Identifier] = pool.AddResourceServer(jsii.String("ResourceServer"+rs.Identifier), opts)
		serverScopes[rs.Identifier] = byName
	}

	// Identity providers.
	if len(p.Providers) > 0 && p.HostedUI == nil {
		errf("auth: identity providers need HostedUI (federated sign-in goes through the hosted UI)")
	}
	var providers []awscognito.IUserPoolIdentityProvider
	supported := []awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()}
	if p.HostedUI != nil {
		seen := map[string]bool{}
		for _, ip := range p.Providers {
			if prov := u.newProvider(ip, seen, attrMutable, errf); prov != nil {
				providers = append(providers, prov)
				supported = append(supported, clientProvider(ip))
			}
		}
	}

	// Hosted UI domain and OAuth settings.
	var oauth *HostedUI
	var oauthScopes []awscognito.OAuthScope
	if h := p.HostedUI; h != nil {
		ok := true
		if !domainPrefixRe.MatchString(h.DomainPrefix) {
			errf("auth: HostedUI.DomainPrefix %q must be 1-63 lowercase letters, digits or hyphens", h.DomainPrefix)
			ok = false
		} else if strings.Contains(h.DomainPrefix, "aws") || strings.Contains(h.DomainPrefix, "amazon") || strings.Contains(h.DomainPrefix, "cognito") {
			errf("auth: HostedUI.DomainPrefix %q must not contain the reserved words aws, amazon or cognito", h.DomainPrefix)
			ok = false
		}
		if len(h.CallbackURLs) == 0 {
			errf("auth: HostedUI needs at least one CallbackURL for the authorization code grant")
			ok = false
		}
		scopes := u.oauthScopes(h.Scopes, servers, serverScopes, errf)
		if ok {
			u.Domain = pool.AddDomain(jsii.String("Domain"), &awscognito.UserPoolDomainOptions{
				CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: jsii.String(h.DomainPrefix)},
			})
			oauth, oauthScopes = h, scopes
			u.addCustomDomain(pool, h.CustomDomain, errf)
		}
	}
	u.Client = awscognito.NewUserPoolClient(u.Construct, jsii.String("Client"), spaClientProps(u.Pool, supported, oauth, oauthScopes))
	// The client names the providers in SupportedIdentityProviders by plain
	// string, so CloudFormation must create them first.
	for _, prov := range providers {
		u.Client.Node().AddDependency(prov)
	}
	u.Client.Node().DefaultChild().(awscognito.CfnUserPoolClient).SetWriteAttributes(writeAttributes(p, email, phone))
	applyRemoval(u.Construct, removal)
	return u
}

// keepOriginal: a change of a verified attribute takes effect only once the user confirms the new
// value (Cognito keeps the old one until then), so nobody swaps in an address they do not own.
func keepOriginal(email, phone bool) *awscognito.KeepOriginalAttrs {
	if !email && !phone {
		return nil
	}
	return &awscognito.KeepOriginalAttrs{Email: jsii.Bool(email), Phone: jsii.Bool(phone)}
}

// writeAttributes are the attributes a signed-in user may set through the app client: the sign-in
// attributes, the declared mutable standard ones, the custom ones declared user-writable, and every
// attribute an identity provider maps (Cognito rewrites those at each federated sign-in and fails
// when the client may not write them). Without the list Cognito lets the client write every
// standard attribute, declared or not.
func writeAttributes(p UserPoolProps, email, phone bool) *[]*string {
	set := map[string]bool{"email": email, "phone_number": phone}
	for _, a := range p.StandardAttributes {
		set[a.Name] = set[a.Name] || a.Mutable
	}
	for _, a := range p.CustomAttributes {
		set["custom:"+a.Name] = a.UserWritable
	}
	if p.HostedUI != nil {
		for _, ip := range p.Providers {
			if len(ip.AttributeMapping) == 0 {
				set["email"] = true // newProvider's default mapping
			}
			for _, m := range ip.AttributeMapping {
				set[m.UserPoolAttribute] = true
			}
		}
	}
	var out []string
	for name, ok := range set {
		if ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return jsii.Strings(out...)
}

// cognitoStateTypes are the user pool's resources whose loss users notice: accounts, group
// memberships, the app client id every SPA build holds, the hosted UI domain prefix (global: anyone
// may claim it once freed), identity providers (federated users' accounts are keyed by provider name)
// and resource servers (the scopes tokens carry).
var cognitoStateTypes = []string{
	"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolDomain", "AWS::Cognito::UserPoolGroup",
	"AWS::Cognito::UserPoolIdentityProvider", "AWS::Cognito::UserPoolResourceServer",
}

// applyRemoval gives every user pool resource under scope DeletionPolicy and UpdateReplacePolicy Retain
// when removal is RETAIN, so deleting the stack or replacing a resource keeps them all, and a redeploy
// with ExistingPool gets users, memberships, client id and domain back. Other policies leave CDK's
// defaults (the pool's own RemovalPolicy; deletion for the rest).
func applyRemoval(scope constructs.Construct, removal awscdk.RemovalPolicy) {
	if removal != awscdk.RemovalPolicy_RETAIN {
		return
	}
	for _, c := range *scope.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if !*awscdk.CfnResource_IsCfnResource(c) {
			continue
		}
		if r := c.(awscdk.CfnResource); slices.Contains(cognitoStateTypes, *r.CfnResourceType()) {
			r.ApplyRemovalPolicy(removal, nil)
		}
	}
}

// Group returns the L1 group created for name, or nil.
func (u *UserPool) Group(name string) awscognito.CfnUserPoolGroup {
	return u.groups[name]
}

// HostedUIDomain returns the host the SPA sends users to: the custom domain when there is one, else
// "<prefix>.auth.<region>.amazoncognito.com" (a token string); nil without HostedUI.
func (u *UserPool) HostedUIDomain() *string {
	if u.customDomainName != "" {
		return jsii.String(u.customDomainName)
	}
	if u.existingDomain != "" {
		return jsii.String(u.existingDomain)
	}
	if u.Domain == nil {
		return nil
	}
	return jsii.String(*u.Domain.DomainName() + ".auth." + *awscdk.Stack_Of(u.Construct).Region() + ".amazoncognito.com")
}

func deriveRecovery(email, phone bool, std map[string]bool) awscognito.AccountRecovery {
	_, emailAttr := std["email"]
	_, phoneAttr := std["phone_number"]
	switch {
	case email && phone:
		return awscognito.AccountRecovery_EMAIL_AND_PHONE_WITHOUT_MFA
	case email:
		return awscognito.AccountRecovery_EMAIL_ONLY
	case phone:
		return awscognito.AccountRecovery_PHONE_ONLY_WITHOUT_MFA
	case emailAttr: // username-only sign-in: recover through whatever is collected
		return awscognito.AccountRecovery_EMAIL_ONLY
	case phoneAttr:
		return awscognito.AccountRecovery_PHONE_ONLY_WITHOUT_MFA
	default:
		return awscognito.AccountRecovery_NONE
	}
}

func accountRecovery(s string) (awscognito.AccountRecovery, bool) {
	for _, r := range []awscognito.AccountRecovery{
		awscognito.AccountRecovery_EMAIL_ONLY,
		awscognito.AccountRecovery_PHONE_ONLY_WITHOUT_MFA,
		awscognito.AccountRecovery_EMAIL_AND_PHONE_WITHOUT_MFA,
		awscognito.AccountRecovery_PHONE_WITHOUT_MFA_AND_EMAIL,
		awscognito.AccountRecovery_PHONE_AND_EMAIL,
		awscognito.AccountRecovery_NONE,
	} {
		if strings.EqualFold(s, string(r)) {
			return r, true
		}
	}
	return "", false
}

// oauthScopes maps HostedUI scope strings to CDK scopes. Resource-server
// scopes go through OAuthScope_ResourceServer so the client depends on the server.
func (u *UserPool) oauthScopes(in []string, servers map[string]awscognito.UserPoolResourceServer,
	serverScopes map[string]map[string]awscognito.ResourceServerScope, errf func(string, ...any)) []awscognito.OAuthScope {
	if len(in) == 0 {
		in = []string{"openid", "email", "profile"}
	}
	var out []awscognito.OAuthScope
	hasOpenID := false
	for _, s := range in {
		switch s {
		case "openid":
			hasOpenID = true
			out = append(out, awscognito.OAuthScope_OPENID())
		case "email":
			out = append(out, awscognito.OAuthScope_EMAIL())
		case "profile":
			out = append(out, awscognito.OAuthScope_PROFILE())
		case "phone":
			out = append(out, awscognito.OAuthScope_PHONE())
		case "aws.cognito.signin.user.admin":
			out = append(out, awscognito.OAuthScope_COGNITO_ADMIN())
		default:
			i := strings.LastIndex(s, "/")
			if i <= 0 || i == len(s)-1 {
				errf("auth: unknown OAuth scope %q (want openid, email, profile, phone, aws.cognito.signin.user.admin or <resourceServer>/<scope>)", s)
				continue
			}
			srv, ok := servers[s[:i]]
			if !ok {
				errf("auth: OAuth scope %q names resource server %q, which is not in ResourceServers", s, s[:i])
				continue
			}
			sc, ok := serverScopes[s[:i]][s[i+1:]]
			if !ok {
				errf("auth: OAuth scope %q is not a scope of resource server %q", s, s[:i])
				continue
			}
			out = append(out, awscognito.OAuthScope_ResourceServer(srv, sc))
		}
	}
	for _, s := range in {
		if (s == "email" || s == "profile" || s == "phone") && !hasOpenID {
			errf("auth: OAuth scope %q can only be requested together with openid", s)
			break
		}
	}
	return out
}

// secretValue turns a SecretRef into a Secrets Manager dynamic reference.
func secretValue(ref SecretRef, what string, errf func(string, ...any)) awscdk.SecretValue {
	switch {
	case ref.SSMParameter != "":
		// CloudFormation resolves ssm-secure references only for a fixed list of
		// resource properties; Cognito identity providers are not on it, so the
		// deploy would fail.
		errf("auth: %s uses SSM parameter %q, but CloudFormation does not support SSM SecureString (ssm-secure) dynamic references in AWS::Cognito::UserPoolIdentityProvider ProviderDetails; store the secret in Secrets Manager and set SecretsManager instead", what, ref.SSMParameter)
		return nil
	case ref.SecretsManager == "":
		errf("auth: %s needs a Secrets Manager secret (SecretRef.SecretsManager)", what)
		return nil
	}
	opts := &awscdk.SecretsManagerSecretOptions{}
	if ref.JSONField != "" {
		opts.JsonField = jsii.String(ref.JSONField)
	}
	return awscdk.SecretValue_SecretsManager(jsii.String(ref.SecretsManager), opts)
}

// newProvider creates one identity provider; it returns nil after reporting
// an error so the template never carries a half-configured provider.
func (u *UserPool) newProvider(ip IdentityProvider, seen map[string]bool, attrMutable map[string]bool,
	errf func(string, ...any)) awscognito.IUserPoolIdentityProvider {
	key := ip.Kind
	if ip.Kind == "oidc" {
		key = "oidc:" + ip.Name
	}
	if seen[key] {
		errf("auth: identity provider %q listed twice", key)
		return nil
	}
	seen[key] = true
	if ip.ClientID == "" {
		errf("auth: identity provider %q needs ClientID", key)
		return nil
	}

	mapping := &awscognito.AttributeMapping{}
	if len(ip.AttributeMapping) == 0 {
		mapping.Email = awscognito.ProviderAttribute_Other(jsii.String("email"))
	}
	custom := map[string]awscognito.ProviderAttribute{}
	for _, m := range ip.AttributeMapping {
		if m.ProviderAttribute == "" {
			errf("auth: identity provider %q maps %q from an empty provider attribute", key, m.UserPoolAttribute)
			continue
		}
		pa := awscognito.ProviderAttribute_Other(jsii.String(m.ProviderAttribute))
		// Cognito rewrites mapped attributes at every federated sign-in.
		if mut, declared := attrMutable[m.UserPoolAttribute]; declared && !mut {
			errf("auth: identity provider %q maps %q, which must then be Mutable", key, m.UserPoolAttribute)
		}
		if strings.HasPrefix(m.UserPoolAttribute, "custom:") {
			if _, declared := attrMutable[m.UserPoolAttribute]; !declared {
				errf("auth: identity provider %q maps %q, which is not in CustomAttributes", key, m.UserPoolAttribute)
				continue
			}
			custom[m.UserPoolAttribute] = pa // CDK expects the full "custom:" name as key
			continue
		}
		set, ok := mappingSetters[m.UserPoolAttribute]
		if !ok {
			errf("auth: identity provider %q maps unknown user pool attribute %q", key, m.UserPoolAttribute)
			continue
		}
		set(mapping, pa)
	}
	if len(custom) > 0 {
		mapping.Custom = &custom
	}
	if mut, declared := attrMutable["email"]; declared && !mut && len(ip.AttributeMapping) == 0 {
		errf("auth: identity provider %q maps email, which must then be Mutable", key)
	}
	scopes := func(def ...string) *[]*string {
		if len(ip.Scopes) > 0 {
			return jsii.Strings(ip.Scopes...)
		}
		return jsii.Strings(def...)
	}
	what := fmt.Sprintf("identity provider %q secret", key)
	// Construct IDs come from the kind (one provider per social kind) or the OIDC name.
	id := jsii.String("Provider" + map[string]string{"google": "Google", "facebook": "Facebook", "amazon": "Amazon", "apple": "Apple"}[ip.Kind])

	switch ip.Kind {
	case "google":
		sv := secretValue(ip.ClientSecret, what, errf)
		if sv == nil {
			return nil
		}
		return awscognito.NewUserPoolIdentityProviderGoogle(u.Construct, id, &awscognito.UserPoolIdentityProviderGoogleProps{
			UserPool: u.Pool, ClientId: jsii.String(ip.ClientID), ClientSecretValue: sv,
			Scopes: scopes("openid", "email", "profile"), AttributeMapping: mapping,
		})
	case "facebook":
		sv := secretValue(ip.ClientSecret, what, errf)
		if sv == nil {
			return nil
		}
		// The L2 takes a string here; UnsafeUnwrap yields the dynamic reference, not the secret.
		return awscognito.NewUserPoolIdentityProviderFacebook(u.Construct, id, &awscognito.UserPoolIdentityProviderFacebookProps{
			UserPool: u.Pool, ClientId: jsii.String(ip.ClientID), ClientSecret: sv.UnsafeUnwrap(),
			Scopes: scopes("public_profile", "email"), AttributeMapping: mapping,
		})
	case "amazon":
		sv := secretValue(ip.ClientSecret, what, errf)
		if sv == nil {
			return nil
		}
		return awscognito.NewUserPoolIdentityProviderAmazon(u.Construct, id, &awscognito.UserPoolIdentityProviderAmazonProps{
			UserPool: u.Pool, ClientId: jsii.String(ip.ClientID), ClientSecret: sv.UnsafeUnwrap(),
			Scopes: scopes("profile"), AttributeMapping: mapping,
		})
	case "apple":
		if ip.TeamID == "" || ip.KeyID == "" {
			errf("auth: identity provider %q needs TeamID and KeyID", key)
			return nil
		}
		sv := secretValue(ip.PrivateKey, fmt.Sprintf("identity provider %q private key", key), errf)
		if sv == nil {
			return nil
		}
		return awscognito.NewUserPoolIdentityProviderApple(u.Construct, id, &awscognito.UserPoolIdentityProviderAppleProps{
			UserPool: u.Pool, ClientId: jsii.String(ip.ClientID), TeamId: jsii.String(ip.TeamID), KeyId: jsii.String(ip.KeyID),
			PrivateKeyValue: sv, Scopes: scopes("name", "email"), AttributeMapping: mapping,
		})
	case "oidc":
		if n := len(ip.Name); n < 3 || n > 32 || strings.HasPrefix(ip.Name, "_") || strings.ContainsAny(ip.Name, " \t") {
			errf("auth: OIDC provider name %q must be 3-32 characters without spaces (it is the name the client uses)", ip.Name)
			return nil
		}
		if !strings.HasPrefix(ip.IssuerURL, "https://") {
			errf("auth: OIDC provider %q needs an https IssuerURL", ip.Name)
			return nil
		}
		sv := secretValue(ip.ClientSecret, what, errf)
		if sv == nil {
			return nil
		}
		return awscognito.NewUserPoolIdentityProviderOidc(u.Construct, jsii.String("ProviderOidc"+ip.Name), &awscognito.UserPoolIdentityProviderOidcProps{
			UserPool: u.Pool, Name: jsii.String(ip.Name), ClientId: jsii.String(ip.ClientID), ClientSecret: sv.UnsafeUnwrap(),
			IssuerUrl: jsii.String(ip.IssuerURL), Scopes: scopes("openid", "email"), AttributeMapping: mapping,
		})
	default:
		errf("auth: unknown identity provider kind %q (want google, facebook, amazon, apple or oidc)", ip.Kind)
		return nil
	}
}

// referenceExisting imports the pool and its client, or creates only the client. Group roles for such
// a pool cannot use the groups' RoleArn (the groups are not this stack's): IdentityPoolProps.MapGroupsByClaim.
func (u *UserPool) referenceExisting(p *UserPoolProps, errf func(string, ...any)) {
	e := p.Existing
	u.Existing = true
	u.existingDomain = e.Domain
	existingCustomDomain(p, errf)
	if e.ID == "" {
		errf("auth: Existing.ID (the user pool id) is required")
		return
	}
	u.Pool = awscognito.UserPool_FromUserPoolId(u.Construct, jsii.String("Pool"), jsii.String(e.ID))
	for _, t := range p.Triggers {
		// The pool's LambdaConfig belongs to the stack that created the pool.
		awscdk.Annotations_Of(u.Construct).AddWarning(jsii.String(fmt.Sprintf(
			"auth: trigger %s is not attached to existing user pool %s: the pool's Lambda triggers belong to whoever created it; point the trigger at this stack's function there", t.Operation, e.ID)))
	}
	if e.ClientID != "" {
		u.Client = awscognito.UserPoolClient_FromUserPoolClientId(u.Construct, jsii.String("Client"), jsii.String(e.ClientID))
		return
	}
	removal := awscdk.RemovalPolicy_RETAIN
	if p.Removal != nil {
		removal = *p.Removal
	}
	supported := []awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()}
	var scopes []awscognito.OAuthScope
	if h := p.HostedUI; h != nil {
		if e.Domain == "" {
			errf("auth: HostedUI on an existing pool needs Existing.Domain: the pool has its domain already, and a pool takes only one")
		}
		if len(h.CallbackURLs) == 0 {
			errf("auth: HostedUI needs at least one CallbackURL for the authorization code grant")
		}
		for _, ip := range p.Providers {
			if !slices.Contains(providerKinds, ip.Kind) {
				errf("auth: unknown identity provider kind %q (want google, facebook, amazon, apple or oidc)", ip.Kind)
				continue
			}
			supported = append(supported, clientProvider(ip))
		}
		in := h.Scopes
		if len(in) == 0 {
			in = []string{"openid", "email", "profile"}
		}
		for _, s := range in {
			// The pool's resource servers exist already, so custom scopes go by name.
			scopes = append(scopes, awscognito.OAuthScope_Custom(jsii.String(s)))
		}
	}
	// WriteAttributes stay Cognito's default: the pool's providers map attributes this stack cannot see,
	// and a client that may not write a mapped attribute breaks federated sign-in.
	u.Client = awscognito.NewUserPoolClient(u.Construct, jsii.String("Client"), spaClientProps(u.Pool, supported, p.HostedUI, scopes))
	applyRemoval(u.Construct, removal)
}

var providerKinds = []string{"google", "facebook", "amazon", "apple", "oidc"}

// clientProvider is how the app client names an identity provider in SupportedIdentityProviders.
func clientProvider(ip IdentityProvider) awscognito.UserPoolClientIdentityProvider {
	switch ip.Kind {
	case "google":
		return awscognito.UserPoolClientIdentityProvider_GOOGLE()
	case "facebook":
		return awscognito.UserPoolClientIdentityProvider_FACEBOOK()
	case "amazon":
		return awscognito.UserPoolClientIdentityProvider_AMAZON()
	case "apple":
		return awscognito.UserPoolClientIdentityProvider_APPLE()
	default: // oidc, by its name
		return awscognito.UserPoolClientIdentityProvider_Custom(jsii.String(ip.Name))
	}
}

// spaClientProps is the SPA's app client: no secret, SRP sign-in, and with oauth (the hosted UI) the
// authorization code flow only. Without it OAuth is disabled, so CDK's defaults (implicit grant,
// example.com callback) never reach the template.
func spaClientProps(pool awscognito.IUserPool, supported []awscognito.UserPoolClientIdentityProvider, oauth *HostedUI, scopes []awscognito.OAuthScope) *awscognito.UserPoolClientProps {
	props := &awscognito.UserPoolClientProps{
		UserPool:                   pool,
		GenerateSecret:             jsii.Bool(false),
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)}, // CDK adds ALLOW_REFRESH_TOKEN_AUTH
		PreventUserExistenceErrors: jsii.Bool(true),
		SupportedIdentityProviders: &supported,
		DisableOAuth:               jsii.Bool(oauth == nil),
	}
	if oauth != nil {
		props.OAuth = &awscognito.OAuthSettings{
			Flows: &awscognito.OAuthFlows{
				AuthorizationCodeGrant: jsii.Bool(true),
				ImplicitCodeGrant:      jsii.Bool(false),
				ClientCredentials:      jsii.Bool(false),
			},
			CallbackUrls: jsii.Strings(oauth.CallbackURLs...),
			Scopes:       &scopes,
		}
		if len(oauth.LogoutURLs) > 0 {
			props.OAuth.LogoutUrls = jsii.Strings(oauth.LogoutURLs...)
		}
	}
	return props
}

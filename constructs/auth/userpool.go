// Package auth provides CDK constructs for a Cognito user pool with one SPA
// app client (optional hosted UI, social/OIDC providers, groups, triggers)
// and an optional Cognito identity pool with per-group IAM roles.
package auth

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
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
	// LambdaVersion is the event version: "" (Cognito's V1_0) or TriggerV2 (preTokenGeneration only:
	// access token customization, which needs FeaturePlan essentials or plus).
	LambdaVersion string
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
	// Passwordless, when set, offers choice-based sign-in (USER_AUTH) with these first factors.
	Passwordless *Passwordless

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

// UserPool is a Cognito user pool with one SPA app client. It is a construct of its own (its children
// are the pool, the client and the rest), so callers may add theirs under it.
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

// NewUserPool creates the user pool, its groups, triggers, resource servers,
// identity providers, optional hosted UI domain and one SPA app client.
// Problems in props are reported as error annotations (synth fails), never panics.
func NewUserPool(scope constructs.Construct, id string, props *UserPoolProps) *UserPool {
	var p UserPoolProps
	if props != nil {
		p = *props // shallow copy: defaults are never written back to the caller
	}
	u := &UserPool{groups: map[string]awscognito.CfnUserPoolGroup{}}
	constructs.NewConstruct_Override(u, scope, jsii.String(id))
	if p.Existing != nil {
		u.referenceExisting(&p)
		return u
	}
	// Each step creates its children in this order, which is the order of the template's resources.
	b := &poolBuild{u: u, p: p}
	b.pool = awscognito.NewUserPool(u, jsii.String("Pool"), b.poolProps())
	u.Pool = b.pool
	b.addGroups()
	b.addTriggers()
	b.addResourceServers()
	b.addProviders()
	oauth, scopes := b.addHostedUIDomain()
	b.addClient(oauth, scopes)
	applyRemoval(u, b.removal)
	return u
}

// poolBuild is what one NewUserPool works out in a step and uses in a later one.
type poolBuild struct {
	u    *UserPool
	p    UserPoolProps
	pool awscognito.UserPool

	email, phone, username bool            // sign-in
	attrMutable            map[string]bool // declared attributes (custom ones as custom:NAME) -> mutable
	removal                awscdk.RemovalPolicy

	servers      map[string]awscognito.UserPoolResourceServer
	serverScopes map[string]map[string]awscognito.ResourceServerScope
	providers    []awscognito.IUserPoolIdentityProvider
	// supported names the client's identity providers: Cognito and each created provider.
	supported []awscognito.UserPoolClientIdentityProvider
}

// errorf reports a problem in the props as an error annotation on the construct (synth fails).
func (u *UserPool) errorf(format string, a ...any) {
	awscdk.Annotations_Of(u).AddError(jsii.String(fmt.Sprintf(format, a...)))
}

func (b *poolBuild) errorf(format string, a ...any) { b.u.errorf(format, a...) }

// Group returns the L1 group created for name, or nil.
func (u *UserPool) Group(name string) awscognito.CfnUserPoolGroup {
	return u.groups[name]
}

// SMSRole is the role Cognito sends SMS with (verification and MFA codes, through SNS), which CDK's
// UserPool adds when the pool sends SMS; nil when it sends none, and for an existing pool.
func (u *UserPool) SMSRole() awsiam.IRole {
	if u.Existing || u.Pool == nil {
		return nil
	}
	role, _ := u.Pool.Node().TryFindChild(jsii.String("smsRole")).(awsiam.IRole)
	return role
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
	return jsii.String(*u.Domain.DomainName() + ".auth." + *awscdk.Stack_Of(u).Region() + ".amazoncognito.com")
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

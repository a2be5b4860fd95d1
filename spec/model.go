package spec

import (
	"slices"
	"time"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// The resolved app: validated, defaults applied, every name-keyed collection sorted by name.
// This is what stacks, the config emitter and explain consume; it has no YAML in it.

// App is one app at one stage.
type App struct {
	Name    string
	Stage   string
	Removal Removal
	Account string // empty: env-agnostic
	Region  string // empty: env-agnostic
	// LogRetentionDays applies to function logs and API access logs.
	LogRetentionDays int
	// Environments lists every declared stage's account and region, sorted by stage (the selected stage
	// alone when the spec declares none): what must be bootstrapped before a first deploy.
	Environments []Environment

	Auth      *Auth // nil: no Cognito at all
	Functions []Function
	APIs      []API
	Buckets   []Bucket
	Tables    []Table
	// GraphQL are the AppSync APIs the app uses and underhood does not create, by name.
	GraphQL []GraphQLAPI
	// Analytics is the Pinpoint project the SPA reports to; nil: none.
	Analytics *Analytics
	Frontend  []FrontendFile
}

// GraphQLAPI is an AppSync GraphQL API that exists outside the stack (Amplify's, typically): the stack
// never creates or changes it; functions may be granted access, and config writes it for the SPA.
type GraphQLAPI struct {
	Name string
	// Authorization are the API's modes, the default first (GraphQLAPIKey, GraphQLUserPool, ...).
	Authorization []string
	ID            string // "" when no function needs it
	Endpoint      string
	Region        string // the stage's region
	APIKey        *ValueRef
}

// GraphQL authorization modes (the spec's names).
const (
	GraphQLAPIKey   = "api-key"
	GraphQLUserPool = "user-pool"
	GraphQLIAM      = "iam"
	GraphQLOIDC     = "oidc"
	GraphQLLambda   = "lambda"
)

// ValueRef is where a value lives that the spec never holds: exactly one of a Secrets Manager secret
// (with an optional JSON field), an SSM parameter, or a stack output.
type ValueRef struct {
	SecretsManager, JSONField string
	SSM                       string
	Stack, Output             string
}

// Analytics is an Amazon Pinpoint project.
type Analytics struct {
	AppID, Region string
}

// Environment is where one stage deploys; empty fields come from the deploying credentials.
type Environment struct {
	Stage, Account, Region string
}

// TriggersCreatedPool says whether function fn handles a trigger of a user pool the stack creates (an
// existing pool's triggers are not attached). Such a function cannot name the pool (an environment
// variable, an inline grant): the pool names the function, and CloudFormation refuses the cycle. Its
// grant on the pool is a policy of its own, and it reads the pool id from each trigger event.
func (a *App) TriggersCreatedPool(fn string) bool {
	if a.Auth == nil || a.Auth.UserPool == nil || a.Auth.UserPool.Existing != nil {
		return false
	}
	for _, t := range a.Auth.UserPool.Triggers {
		if t.Function == fn {
			return true
		}
	}
	return false
}

// StackName is the CloudFormation stack name: <app>-<stage>.
func (a *App) StackName() string { return a.Name + "-" + a.Stage }

// SendsSMS reports whether Cognito sends this pool's SMS itself (SMS MFA codes, or phone numbers to verify
// when users sign in with them), through SNS with the SMS role CDK creates for it.
func (u *UserPool) SendsSMS() bool {
	return u.Existing == nil && (slices.Contains(u.MFA.Methods, "sms") || slices.Contains(u.SignInWith, "phone") ||
		(u.Passwordless != nil && u.Passwordless.SMSOTP))
}

// Removal says what happens to stateful resources when they leave the stack.
type Removal string

const (
	RemovalRetain  Removal = "retain"
	RemovalDestroy Removal = "destroy"
)

type Auth struct {
	UserPool     *UserPool
	IdentityPool *IdentityPool // nil: no identity pool and no user IAM roles
}

type UserPool struct {
	// Name names the pool in function environment variables (AUTH_<NAME>_USERPOOLID).
	Name               string
	SignInWith         []string // email, phone, username in that order
	SelfSignUp         bool
	StandardAttributes []StandardAttribute
	CustomAttributes   []CustomAttribute
	PasswordPolicy     PasswordPolicy
	MFA                MFA
	EmailSender        *EmailSender
	Groups             []Group
	Triggers           []Trigger
	HostedUI           *HostedUI
	ResourceServers    []ResourceServer
	// FeaturePlan is Cognito's feature plan: essentials (the default), plus or lite.
	FeaturePlan string
	// Passwordless is the choice-based sign-in (USER_AUTH); nil: password sign-in only.
	Passwordless *Passwordless
	// Existing, when set, is the pool this stage references instead of creating one. The fields above
	// then describe that pool (for config and IAM) and are not applied to it.
	Existing *ExistingUserPool
}

// VerifiedAttributes are the attributes Cognito verifies, in awsrules.VerifiableAttributes' order: each one users
// sign in with or the spec requires. Cognito sends confirmation and password-reset codes only to a
// verified address, and with these attributes listed in UserAttributeUpdateSettings a changed address
// takes effect only once the user confirms it.
func (u *UserPool) VerifiedAttributes() []string {
	signInAttributes := SignInAttributes(u.SignInWith)
	var out []string
	for _, attr := range awsrules.VerifiableAttributes {
		required := slices.ContainsFunc(u.StandardAttributes, func(s StandardAttribute) bool { return s.Name == attr && s.Required })
		// SMS one-time passwords go to verified numbers only (and verification is what makes CDK create
		// the SMS role Cognito sends with).
		smsOTP := attr == "phone_number" && u.Passwordless != nil && u.Passwordless.SMSOTP
		if slices.Contains(signInAttributes, attr) || required || smsOTP {
			out = append(out, attr)
		}
	}
	return out
}

// SignInAttributes are the attributes of the sign-in methods signInWith (email, phone_number), in its
// order: Cognito treats them as usernames or verified aliases, and verifies them. A plain username is
// not an attribute. Never nil (an empty list, not an absent one, in the frontend config).
func SignInAttributes(signInWith []string) []string {
	out := []string{}
	for _, s := range signInWith {
		switch s {
		case "email":
			out = append(out, "email")
		case "phone":
			out = append(out, "phone_number")
		}
	}
	return out
}

// ScopeSources says which sign-in paths of the app can put scope into an access token: Amplify's signIn
// (SRP or passwordless with the app client, whose access token carries aws.cognito.signin.user.admin,
// plus the scopes a v2 pre token generation trigger declares it adds) and the hosted UI's OAuth flow
// (the scopes it requests). A route requiring a scope with neither can never be called. This is the one
// definition the validator and explain share. u may be nil (no user pool).
func (u *UserPool) ScopeSources(scope string) (signIn, hostedUI bool) {
	if u == nil {
		return false, false
	}
	return scope == DefaultAccessTokenScope || u.TriggerAddsScope(scope), u.HostedUI != nil && slices.Contains(u.HostedUI.Scopes, scope)
}

type ExistingUserPool struct {
	ID       string
	ClientID string // empty: the stack creates an app client on the pool
	Domain   string // hosted UI host; set when HostedUI is
	// ResponseType is the OAuth response type the existing client allows: "code" or "token" (implicit).
	ResponseType string
	// AutoVerify are the attributes the pool verifies (email, phone_number); nil: the sign-in attributes.
	AutoVerify []string
}

type StandardAttribute struct {
	Name     string // Cognito name: email, phone_number, given_name ...
	Required bool
}

type CustomAttribute struct {
	Name string // without custom:
	Type string // string, number, boolean, datetime
	// Mutable: the value may change after the user is created. false: it is set once, when the user is
	// created, and nobody can change it afterwards.
	Mutable bool
	// UserWritable: signed-in users may set it through the app client (WriteAttributes). Cognito's
	// default, without it, is that only administrators and functions write custom attributes.
	UserWritable bool
}

type PasswordPolicy struct {
	MinLength                                                         int
	RequireLowercase, RequireUppercase, RequireDigits, RequireSymbols bool
}

type MFA struct {
	Mode    string   // off, optional, required
	Methods []string // totp, sms, email in that order
}

type EmailSender struct {
	From, SESRegion string
}

type Group struct {
	Name string
	// Precedence is nil when the spec sets none: the group then has no precedence in Cognito (which
	// ranks it after every group that has one), not 0 (the highest).
	Precedence  *int
	Description string
}

type Trigger struct {
	Operation string // Cognito operation, e.g. postConfirmation
	Function  string
	// Version is the pre token generation event version: "" (Cognito's default, v1) or v1, v2.
	Version string
	// AddsScopes are the scopes a v2 pre token generation trigger declares it may add, sorted.
	AddsScopes []string
}

// HostedUI keeps the spec's order of URLs and scopes (the SPA's configuration lists them in that order,
// and Gen 1 apps use the first URL); templates sort them.
type HostedUI struct {
	DomainPrefix string
	CallbackURLs []string
	LogoutURLs   []string
	Scopes       []string
	Providers    []Provider
	CustomDomain *CustomDomain // nil: the prefix domain only
}

type Provider struct {
	Name         string // google, facebook, amazon, apple, or an OIDC provider's name
	Kind         string // google, facebook, amazon, apple, oidc
	ClientID     string
	ClientSecret *Secret
	TeamID       string
	KeyID        string
	PrivateKey   *Secret
	IssuerURL    string
	Scopes       []string
}

// Secret is a reference to a secret value, never the value.
type Secret struct {
	SecretsManager string
	JSONField      string
}

type ResourceServer struct {
	Identifier string
	Name       string
	Scopes     []Scope
}

type Scope struct {
	Name, Description string
}

type IdentityPool struct {
	GuestAccess bool
	GroupRoles  bool
	// ExistingID, when set, is the identity pool this stage references; the stack creates its roles
	// and role attachment only.
	ExistingID string
}

type Function struct {
	Name    string
	Runtime string // go, nodejs, python
	// Source is the source folder as written in the spec, relative to SourceRoot.
	Source      string
	SourceRoot  string // the spec file's folder, as given to Load
	Handler     string
	Bundle      Bundle // nodejs only
	Memory      int
	Timeout     time.Duration
	Environment []EnvVar
	Access      []StorageGrant
	// Schedule is an EventBridge schedule expression ("" = none), with single spaces.
	Schedule string
	Secrets  []FunctionSecret // sorted by Env
	Events   []Event          // sorted: dynamodb then s3 events, each by storage name, then prefix
	// UserPoolAccess are the Cognito actions (without the cognito-idp: prefix, sorted) the function may
	// call on the app's user pool.
	UserPoolAccess []string
	GraphQLAccess  []GraphQLGrant
}

// GraphQLGrant is what a function may call on one GraphQL API: appsync:GraphQL on these types.
type GraphQLGrant struct {
	API   string
	Types []string // Query, Mutation, Subscription in that order
}

// FunctionSecret is a secret a function may read: its name goes into the environment variable Env.
// Exactly one of SecretsManager and SSMParameter is set.
type FunctionSecret struct {
	Env            string
	SecretsManager string // a secret name, or a full secret ARN
	SSMParameter   string // a parameter name, as written (with or without a leading /)
	KMSKey         string // customer managed key ARN; "" = the AWS managed key (no grant needed)
}

// S3 object event kinds of an Event.
const (
	S3Created = "created"
	S3Removed = "removed"
)

// Event is one event source of a function. Exactly one of DynamoDB and S3 is set.
type Event struct {
	DynamoDB string   // table (storage name) whose stream invokes the function
	S3       string   // bucket (storage name) whose object notifications invoke the function
	On       []string // S3: created, removed in that order
	Prefix   string   // S3: key prefix filter ("" = every object)
}

// Bundle is how a nodejs function is bundled.
type Bundle struct {
	// External is what stays out of the bundle: nil means the default (the runtime's AWS SDK), an
	// empty, non-nil list means nothing.
	External  []string
	SourceMap bool
	Minify    bool
}

type EnvVar struct {
	Name, Value string
}

// StorageGrant is what a function may do to one bucket or table.
type StorageGrant struct {
	Storage string
	Actions []string // read, write, delete in that order
}

// Authorization modes of API routes.
const (
	AuthIAM         = "iam"
	AuthIDToken     = "id-token"
	AuthAccessToken = "access-token"
	AuthNone        = "none"
)

// DefaultAccessTokenScope is the only scope a token from Amplify's signIn (the user pool API) carries.
const DefaultAccessTokenScope = awsrules.UserPoolAPIScope

type API struct {
	Name          string
	Authorization string
	Scopes        []string // access-token default scopes (resolved)
	CorsOrigins   []string
	RateLimit     int
	BurstLimit    int
	AccessLogs    bool
	Routes        []Route // sorted by path, then method
	// ResourceQuota is the API Gateway resources the API may have: QuotaAPIResources, or the raised
	// quota the spec declares.
	ResourceQuota int
	CustomDomain  *APIDomain // nil: the invoke URL only
}

// Modes lists the distinct authorization modes the API's routes use, sorted.
func (a *API) Modes() []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []string{AuthAccessToken, AuthIAM, AuthIDToken, AuthNone} {
		for _, r := range a.Routes {
			if r.Authorization == m && !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

type Route struct {
	Method        string // GET, POST, ... ANY
	Path          string // /photos/{id}
	Function      string
	Authorization string   // resolved: never empty
	Scopes        []string // access-token only, resolved
	Groups        []string // iam only: only these groups may call
	Guest         bool     // iam only: the guest role may call too
}

// Key is the route as written in the spec: "GET /photos".
func (r Route) Key() string { return r.Method + " " + r.Path }

type Bucket struct {
	Name string
	// ExistingName, when set, is the bucket this stage references instead of creating one: grants use
	// it, and CorsOrigins and Versioned are not applied.
	ExistingName string
	Versioned    bool
	CorsOrigins  []string
	Access       []BucketAccess // public, protected, private, then groups by name
}

// BucketAccess is one grant of the Amplify access levels.
type BucketAccess struct {
	Level   string // public, protected, private, all
	Who     string // guest, authenticated, owner, group
	Group   string // Who == group
	Actions []string
}

type Table struct {
	Name string
	// ExistingName, when set, is the table this stage references instead of creating one; the keys and
	// indexes describe it.
	ExistingName        string
	PartitionKey        Key
	SortKey             *Key
	Indexes             []Index
	PointInTimeRecovery bool
	Stream              string
	TTLAttribute        string
	// ExistingStreamARN is the stream ARN of an existing table (stages.<s>.existing.streams), set when
	// ExistingName is and the spec gives it.
	ExistingStreamARN string
}

type Key struct {
	Name string
	Type string // string, number, binary
}

type Index struct {
	Name         string
	PartitionKey Key
	SortKey      *Key
}

type FrontendFile struct {
	Format string
	Path   string
}

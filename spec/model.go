package spec

import (
	"slices"
	"time"
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
	Frontend  []FrontendFile
}

// Environment is where one stage deploys; empty fields come from the deploying credentials.
type Environment struct {
	Stage, Account, Region string
}

// StackName is the CloudFormation stack name: <app>-<stage>.
func (a *App) StackName() string { return a.Name + "-" + a.Stage }

// SendsSMS reports whether Cognito sends this pool's SMS itself (SMS MFA codes, or phone numbers to verify
// when users sign in with them), through SNS with the SMS role CDK creates for it.
func (u *UserPool) SendsSMS() bool {
	return u.Existing == nil && (slices.Contains(u.MFA.Methods, "sms") || slices.Contains(u.SignInWith, "phone"))
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
	// Existing, when set, is the pool this stage references instead of creating one. The fields above
	// then describe that pool (for config and IAM) and are not applied to it.
	Existing *ExistingUserPool
}

type ExistingUserPool struct {
	ID       string
	ClientID string // empty: the stack creates an app client on the pool
	Domain   string // hosted UI host; set when HostedUI is
}

type StandardAttribute struct {
	Name     string // Cognito name: email, phone_number, given_name ...
	Required bool
}

type CustomAttribute struct {
	Name string // without custom:
	Type string // string, number, boolean, datetime
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
	Name        string
	Precedence  int
	Description string
}

type Trigger struct {
	Operation string // Cognito operation, e.g. postConfirmation
	Function  string
}

type HostedUI struct {
	DomainPrefix string
	CallbackURLs []string
	LogoutURLs   []string
	Scopes       []string
	Providers    []Provider
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
	Memory      int
	Timeout     time.Duration
	Environment []EnvVar
	Access      []StorageGrant
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
const DefaultAccessTokenScope = "aws.cognito.signin.user.admin"

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

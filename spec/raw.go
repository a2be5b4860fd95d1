package spec

// The types in this file mirror app.yaml one to one. They are what the decoder fills and what the JSON
// Schema is generated from; stacks never see them (they get the resolved model in model.go).
// Tags: `yaml` names the key, `doc` describes it, `enum` lists allowed scalar values.

type rawSpec struct {
	Version   int                     `yaml:"version" doc:"Spec format version; must be 1." enum:"1"`
	App       string                  `yaml:"app" doc:"App name: lowercase letters, digits and hyphens. Stacks are named <app>-<stage>."`
	Stages    map[string]*rawStage    `yaml:"stages" doc:"Per-stage settings, selected with --stage NAME or cdk -c stage=NAME (default dev)."`
	Auth      *rawAuth                `yaml:"auth" doc:"Cognito user pool and optional identity pool."`
	Functions map[string]*rawFunction `yaml:"functions" doc:"Lambda functions, by name."`
	API       map[string]*rawAPI      `yaml:"api" doc:"API Gateway REST APIs, by name."`
	Storage   map[string]*rawStorage  `yaml:"storage" doc:"S3 buckets and DynamoDB tables, by name."`
	GraphQL   map[string]*rawGraphQL  `yaml:"graphql" doc:"AppSync GraphQL APIs that underhood does not create (e.g. kept in Amplify), by name: config writes their settings for the SPA, and functions may be granted access. Each stage gives their ids under existing.graphql."`
	Frontend  []*rawFrontend          `yaml:"frontend" doc:"Frontend configuration files that underhood config writes."`
}

type rawStage struct {
	Removal          string       `yaml:"removal" doc:"What happens to stateful resources (user pool, identity pool, buckets, tables) when removed from the stack: retain (default) or destroy." enum:"retain,destroy"`
	Account          string       `yaml:"account" doc:"AWS account id this stage deploys to (optional; env-agnostic when omitted)."`
	Region           string       `yaml:"region" doc:"AWS region this stage deploys to (optional; env-agnostic when omitted)."`
	LogRetentionDays int          `yaml:"logRetentionDays" doc:"Retention of function and API access logs in days (default 30)."`
	Existing         *rawExisting `yaml:"existing" doc:"Resources that already exist for this stage (e.g. an Amplify Gen 1 env) and that the stack references instead of creating them. The rest of the spec still describes them."`
}

type rawExisting struct {
	UserPool     *rawExistingUserPool           `yaml:"userPool" doc:"An existing Cognito user pool: underhood creates only an app client on it (unless clientId is given) and changes nothing else."`
	IdentityPool *rawExistingIdentityPool       `yaml:"identityPool" doc:"An existing identity pool: underhood creates its roles and role attachment and changes nothing else."`
	Storage      map[string]string              `yaml:"storage" doc:"Storage name (under storage) to the existing bucket name (s3) or table name (dynamodb)."`
	Streams      map[string]string              `yaml:"streams" doc:"Storage name of an existing table (under existing.storage) to its stream ARN (aws dynamodb describe-table --query Table.LatestStreamArn); needed when a function's events read that stream: an existing table's stream ARN cannot be looked up at deploy time."`
	GraphQL      map[string]*rawExistingGraphQL `yaml:"graphql" doc:"GraphQL API name (under graphql) to the API's id, endpoint and where config reads its API key."`
	Analytics    *rawExistingAnalytics          `yaml:"analytics" doc:"An Amazon Pinpoint project the SPA sends analytics to (Amplify Gen 1's analytics category); config writes it for the SPA."`
}

type rawExistingGraphQL struct {
	ID       string       `yaml:"id" doc:"The AppSync API id (needed when a function has access to the API)."`
	Endpoint string       `yaml:"endpoint" doc:"The GraphQL endpoint, e.g. https://<host id>.appsync-api.<region>.amazonaws.com/graphql."`
	APIKey   *rawValueRef `yaml:"apiKey" doc:"Where underhood config reads the API key it writes for the SPA (api-key authorization); never the key itself."`
}

// rawValueRef says where a value lives that the spec must not hold: a Secrets Manager secret, an SSM
// parameter, or an output of a deployed stack. A plain string is a plaintext value and is rejected.
type rawValueRef struct {
	SecretsManager string `yaml:"secretsManager" doc:"Secrets Manager secret name or ARN."`
	JSONField      string `yaml:"jsonField" doc:"Field of a JSON secret to use."`
	SSM            string `yaml:"ssm" doc:"SSM parameter name (a SecureString is decrypted)."`
	Stack          string `yaml:"stack" doc:"A deployed stack whose output holds the value, e.g. Amplify's API stack (amplify-<project>-<env>-<n>-api<name>-<id>)."`
	Output         string `yaml:"output" doc:"The output key in stack, e.g. GraphQLAPIKeyOutput."`

	plaintext bool
}

type rawExistingAnalytics struct {
	AppID  string `yaml:"appId" doc:"The Amazon Pinpoint project (app) id, 32 hex digits."`
	Region string `yaml:"region" doc:"The Pinpoint project's region (default: the stage's region)."`
}

type rawExistingUserPool struct {
	ID       string `yaml:"id" doc:"User pool id, e.g. eu-west-1_AbCdEf123."`
	ClientID string `yaml:"clientId" doc:"The SPA's existing app client id; omit it and underhood creates a new app client on the pool."`
	Domain   string `yaml:"domain" doc:"The pool's hosted UI domain host, e.g. myapp-dev.auth.eu-west-1.amazoncognito.com; required with auth.userPool.hostedUI (a pool has only one Cognito domain)."`
	// Both describe the existing pool and client for the SPA's configuration; underhood changes neither.
	ResponseType           string   `yaml:"responseType" doc:"The OAuth flow the existing app client clientId allows: code (default) or token (implicit grant only; config then writes responseType token)." enum:"code,token"`
	AutoVerifiedAttributes []string `yaml:"autoVerifiedAttributes" doc:"The attributes the existing pool verifies (Cognito AutoVerifiedAttributes); default: the sign-in attributes. config writes them as aws_cognito_verification_mechanisms." enum:"email,phone_number"`
}

type rawExistingIdentityPool struct {
	ID string `yaml:"id" doc:"Identity pool id, e.g. eu-west-1:0f3e5a7c-1111-2222-3333-444455556666."`
}

type rawAuth struct {
	UserPool     *rawUserPool     `yaml:"userPool" doc:"The Cognito user pool: who your users are and how they sign in."`
	IdentityPool *rawIdentityPool `yaml:"identityPool" doc:"Optional Cognito identity pool: AWS credentials for signed-in users (and guests) for IAM APIs and S3. Omit it and no identity pool or user IAM role exists."`
}

type rawUserPool struct {
	Name               string                        `yaml:"name" doc:"The pool's name in function environment variables: a function with access to the pool gets AUTH_<NAME>_USERPOOLID (Amplify Gen 1's variable for its auth resource <name>); default userPool."`
	SignInWith         []string                      `yaml:"signInWith" doc:"How users sign in." enum:"email,phone,username"`
	SelfSignUp         *bool                         `yaml:"selfSignUp" doc:"Whether users may sign themselves up (default false)."`
	StandardAttributes map[string]string             `yaml:"standardAttributes" doc:"Standard attributes (Cognito names such as email, phone_number, given_name) and whether they are required or optional." enum:"required,optional"`
	CustomAttributes   map[string]*rawCustomAttr     `yaml:"customAttributes" doc:"Custom attributes (without the custom: prefix): their type, or { type, mutable }."`
	PasswordPolicy     *rawPasswordPolicy            `yaml:"passwordPolicy" doc:"Password rules (default: 8 characters, all character classes required)."`
	MFA                *rawMFA                       `yaml:"mfa" doc:"Multi-factor authentication."`
	EmailSender        *rawEmailSender               `yaml:"emailSender" doc:"Send Cognito email through Amazon SES (required for email MFA)."`
	Groups             map[string]*rawGroup          `yaml:"groups" doc:"User pool groups, by name."`
	Triggers           map[string]*rawTrigger        `yaml:"triggers" doc:"Cognito Lambda triggers: operation name to the function (under functions) that handles it, or to { function, version, addsScopes } (preTokenGeneration with version v2 customizes access tokens)."`
	HostedUI           *rawHostedUI                  `yaml:"hostedUI" doc:"Optional Cognito hosted UI domain with the OAuth authorization code flow and social or OIDC providers."`
	ResourceServers    map[string]*rawResourceServer `yaml:"resourceServers" doc:"OAuth resource servers with custom scopes, by identifier."`
	FeaturePlan        string                        `yaml:"featurePlan" doc:"The Cognito feature plan (UserPoolTier): essentials (default), plus, or lite. Passwordless sign-in and access-token customization (a v2 preTokenGeneration trigger) need essentials or plus." enum:"lite,essentials,plus"`
	Passwordless       *rawPasswordless              `yaml:"passwordless" doc:"Choice-based sign-in (Cognito's USER_AUTH flow): one-time passwords by email or SMS and passkeys, besides the password, which always stays allowed."`
}

// rawCustomAttr is a type name (plan: string) or a mapping (tenant: { type: string, mutable: false }).
type rawCustomAttr struct {
	Type         string `yaml:"type" doc:"The attribute's type." enum:"string,number,boolean,datetime"`
	Mutable      *bool  `yaml:"mutable" doc:"Whether the value may change after the user is created (default true), by an administrator, a function or (with userWritable) the user. false: set once when the user is created; nobody can change it afterwards (Cognito cannot change this setting later either)."`
	UserWritable bool   `yaml:"userWritable" doc:"Whether signed-in users may set it themselves through the app (sign-up, updateUserAttributes): the app client's WriteAttributes. Default false, as Cognito's own default: a value like a plan or a tenant must not be chosen by the user."`

	short bool // written as the type name alone
}

type rawPasswordPolicy struct {
	MinLength        int   `yaml:"minLength" doc:"Minimum length, 6 to 99 (default 8)."`
	RequireLowercase *bool `yaml:"requireLowercase" doc:"Default true."`
	RequireUppercase *bool `yaml:"requireUppercase" doc:"Default true."`
	RequireDigits    *bool `yaml:"requireDigits" doc:"Default true."`
	RequireSymbols   *bool `yaml:"requireSymbols" doc:"Default true."`
}

type rawMFA struct {
	Mode    string   `yaml:"mode" doc:"off, optional or required." enum:"off,optional,required"`
	Methods []string `yaml:"methods" doc:"Second factors offered." enum:"totp,sms,email"`
}

type rawEmailSender struct {
	From      string `yaml:"from" doc:"A verified SES identity, e.g. no-reply@example.com."`
	SESRegion string `yaml:"sesRegion" doc:"Region of the SES identity (default: the stack's region)."`
}

type rawGroup struct {
	Precedence  *int   `yaml:"precedence" doc:"Lower wins when a user is in several groups (0 or more). Required, and different for every group, with identityPool.groupRoles."`
	Description string `yaml:"description" doc:"Shown in the Cognito console."`
}

type rawHostedUI struct {
	DomainPrefix string                  `yaml:"domainPrefix" doc:"Cognito domain prefix: <prefix>.auth.<region>.amazoncognito.com. ${stage} is substituted."`
	CallbackURLs []string                `yaml:"callbackUrls" doc:"Where Cognito may redirect after sign-in."`
	LogoutURLs   []string                `yaml:"logoutUrls" doc:"Where Cognito may redirect after sign-out."`
	Scopes       []string                `yaml:"scopes" doc:"OAuth scopes the app client may request: openid, email, profile, phone, aws.cognito.signin.user.admin, or <resourceServer>/<scope>."`
	Providers    map[string]*rawProvider `yaml:"providers" doc:"Social providers (google, facebook, amazon, apple) or OIDC providers (any other name, with issuerUrl)."`
	CustomDomain *rawCustomDomain        `yaml:"customDomain" doc:"The hosted UI on the team's own host name as well (beside domainPrefix, which stays): the SPA's configuration then uses it. See docs/spec.md, Custom domains."`
}

type rawProvider struct {
	ClientID     string     `yaml:"clientId" doc:"The provider's client (app) id."`
	ClientSecret *rawSecret `yaml:"clientSecret" doc:"A reference to the client secret; never the secret itself."`
	TeamID       string     `yaml:"teamId" doc:"Apple: team id."`
	KeyID        string     `yaml:"keyId" doc:"Apple: key id."`
	PrivateKey   *rawSecret `yaml:"privateKey" doc:"Apple: a reference to the private key."`
	IssuerURL    string     `yaml:"issuerUrl" doc:"OIDC: the issuer URL."`
	Scopes       []string   `yaml:"scopes" doc:"Scopes requested from the provider."`
}

// rawSecret is a reference to a secret. A plain string here is a plaintext secret and is rejected.
type rawSecret struct {
	SecretsManager string `yaml:"secretsManager" doc:"Secrets Manager secret name or ARN."`
	JSONField      string `yaml:"jsonField" doc:"Field of a JSON secret to use."`

	plaintext bool
}

type rawResourceServer struct {
	Name   string            `yaml:"name" doc:"Display name (default: the identifier)."`
	Scopes map[string]string `yaml:"scopes" doc:"Scope names and their descriptions."`
}

type rawIdentityPool struct {
	GuestAccess bool `yaml:"guestAccess" doc:"Give signed-out visitors AWS credentials of a guest role (default false)."`
	GroupRoles  bool `yaml:"groupRoles" doc:"Give each user pool group its own IAM role, chosen from the id token (default false)."`
}

type rawFunction struct {
	Runtime     string                        `yaml:"runtime" doc:"go (built locally for provided.al2023 arm64), nodejs or python." enum:"go,nodejs,python"`
	Source      string                        `yaml:"source" doc:"Source folder, relative to the spec file."`
	Handler     string                        `yaml:"handler" doc:"Handler (default index.handler for nodejs and python; bootstrap for go)."`
	Bundle      *rawBundle                    `yaml:"bundle" doc:"nodejs only: how esbuild bundles the handler and its imports."`
	Memory      int                           `yaml:"memory" doc:"Memory in MB, 128 to 10240 (default 256)."`
	Timeout     string                        `yaml:"timeout" doc:"Timeout such as 10s or 1m, at most 15m (default 10s)."`
	Environment map[string]string             `yaml:"environment" doc:"Environment variables."`
	Access      rawAccess                     `yaml:"access" doc:"Least-privilege grants: a storage name to [read, write, delete]; a graphql API name to [query, mutation, subscription] (appsync:GraphQL on those types); userPool to Cognito actions on the app's user pool (e.g. [AdminGetUser, ListUsers])."`
	Schedule    string                        `yaml:"schedule" doc:"Run the function on a schedule: an EventBridge expression, rate(5 minutes) or cron(0 3 * * ? *) (UTC). Creates an EventBridge rule and a permission for exactly that rule."`
	Secrets     map[string]*rawFunctionSecret `yaml:"secrets" doc:"Environment variable name to a secret the function may read: it gets the secret's name (never its value) in that variable and a read grant on exactly that secret or parameter."`
	Events      []*rawEvent                   `yaml:"events" doc:"What else invokes the function: a DynamoDB table's stream ({ dynamodb: TABLE }) or S3 object notifications ({ s3: BUCKET, on: [created, removed], prefix: public/ })."`
}

// rawFunctionSecret is a reference to a secret a function reads at run time. A plain string here is a
// plaintext secret and is rejected.
type rawFunctionSecret struct {
	SecretsManager string `yaml:"secretsManager" doc:"Secrets Manager secret name, or its full ARN."`
	SSMParameter   string `yaml:"ssmParameter" doc:"SSM Parameter Store parameter name (String or SecureString), e.g. /myapp/prod/apiKey."`
	KMSKey         string `yaml:"kmsKey" doc:"ARN of the customer managed KMS key that encrypts it; omit it for the AWS managed key (aws/secretsmanager, aws/ssm), which needs no grant. The function may then decrypt with that key through that service only."`

	plaintext bool
}

// rawEvent is one event source of a function.
type rawEvent struct {
	DynamoDB string   `yaml:"dynamodb" doc:"A dynamodb storage name: its stream invokes the function (the table needs stream)."`
	S3       string   `yaml:"s3" doc:"An s3 storage name: its object notifications invoke the function."`
	On       []string `yaml:"on" doc:"s3: the object events: created (any upload or copy), removed (any delete)." enum:"created,removed"`
	Prefix   string   `yaml:"prefix" doc:"s3: only objects whose key starts with this, e.g. public/ (default: every object)."`
}

type rawBundle struct {
	External  *[]string `yaml:"external" doc:"Imports left out of the bundle and loaded at run time, from the runtime or a layer; * is a wildcard (default [\"@aws-sdk/*\"], the AWS SDK v3 of nodejs22.x; [] bundles everything)."`
	SourceMap bool      `yaml:"sourceMap" doc:"Ship a source map and run Node with --enable-source-maps, so stack traces name the original files (default false)."`
	Minify    bool      `yaml:"minify" doc:"Minify the bundle (default false)."`
}

// rawAccess is a function's grants, by storage name, graphql API name or userPool.
type rawAccess map[string][]string

type rawGraphQL struct {
	Authorization []string `yaml:"authorization" doc:"The API's authorization modes, the default first: api-key, user-pool (Cognito user pool tokens), iam (identity pool credentials), oidc, lambda." enum:"api-key,user-pool,iam,oidc,lambda"`
}

type rawAPI struct {
	Authorization string               `yaml:"authorization" doc:"Default authorization of the routes: iam (SigV4 with identity pool credentials), id-token or access-token (Cognito authorizer), none." enum:"iam,id-token,access-token,none"`
	Scopes        []string             `yaml:"scopes" doc:"access-token only: scopes the token must carry (default aws.cognito.signin.user.admin)."`
	Cors          *rawCors             `yaml:"cors" doc:"Browser CORS."`
	Throttle      *rawThrottle         `yaml:"throttle" doc:"Stage throttling."`
	AccessLogs    *bool                `yaml:"accessLogs" doc:"Stage access logs to CloudWatch Logs (default true; needs the account's API Gateway CloudWatch role)."`
	Routes        map[string]*rawRoute `yaml:"routes" doc:"Routes written \"VERB /path\" to a function name or a route object."`
	Quotas        *rawAPIQuotas        `yaml:"quotas" doc:"Service quotas AWS has raised for this API; validate checks the routes against the defaults otherwise."`
	CustomDomain  *rawAPICustomDomain  `yaml:"customDomain" doc:"Serve the API on the team's own host name (a regional API Gateway custom domain, TLS 1.2): the SPA's configuration then uses it. See docs/spec.md, Custom domains."`
}

type rawAPIQuotas struct {
	Resources int `yaml:"resources" doc:"API Gateway resources per REST API (the root and every distinct path part; default 300). Declare it once AWS has raised the quota for this API (Service Quotas, Amazon API Gateway, Resources per API): AWS raises it per API, so for every stage's API."`
}

type rawCors struct {
	AllowOrigins []string `yaml:"allowOrigins" doc:"Allowed origins such as https://app.example.com, or *."`
}

type rawThrottle struct {
	RateLimit  int `yaml:"rateLimit" doc:"Steady-state requests per second (default 100)."`
	BurstLimit int `yaml:"burstLimit" doc:"Burst (default 200)."`
}

// rawRoute is either a function name or a mapping.
type rawRoute struct {
	Function      string   `yaml:"function" doc:"The function that handles the route."`
	Authorization string   `yaml:"authorization" doc:"Overrides the API's authorization for this route." enum:"iam,id-token,access-token,none"`
	Scopes        []string `yaml:"scopes" doc:"access-token only: scopes for this route."`
	Groups        []string `yaml:"groups" doc:"iam only: only these user pool groups may call the route."`
	Guest         bool     `yaml:"guest" doc:"iam only: signed-out visitors (identity pool guest role) may call the route too."`
}

type rawStorage struct {
	Type string `yaml:"type" doc:"s3 or dynamodb." enum:"s3,dynamodb"`

	// s3
	Access    *rawS3Access `yaml:"access" doc:"s3: Amplify access levels (public/, protected/{identityId}/, private/{identityId}/) and group access."`
	Cors      *rawCors     `yaml:"cors" doc:"s3: browser CORS."`
	Versioned bool         `yaml:"versioned" doc:"s3: keep object versions."`

	// dynamodb
	PartitionKey        string               `yaml:"partitionKey" doc:"dynamodb: name:type, type string, number or binary."`
	SortKey             string               `yaml:"sortKey" doc:"dynamodb: name:type."`
	Indexes             map[string]*rawIndex `yaml:"indexes" doc:"dynamodb: global secondary indexes, by name."`
	PointInTimeRecovery *bool                `yaml:"pointInTimeRecovery" doc:"dynamodb: default true."`
	Stream              string               `yaml:"stream" doc:"dynamodb: stream view type." enum:"keys-only,new-image,old-image,new-and-old-images"`
	TTLAttribute        string               `yaml:"ttlAttribute" doc:"dynamodb: attribute holding the expiry time."`
}

type rawS3Access struct {
	Public    *rawLevel           `yaml:"public" doc:"Objects under public/."`
	Protected *rawLevel           `yaml:"protected" doc:"Objects under protected/{identityId}/: the owner writes, others may read."`
	Private   *rawLevel           `yaml:"private" doc:"Objects under private/{identityId}/: the owner only."`
	Groups    map[string][]string `yaml:"groups" doc:"User pool group to actions on every level." enum:"read,write,delete"`
}

type rawLevel struct {
	Guest         []string `yaml:"guest" doc:"Signed-out visitors (needs identityPool.guestAccess)." enum:"read,write,delete"`
	Authenticated []string `yaml:"authenticated" doc:"Any signed-in user." enum:"read,write,delete"`
	Owner         []string `yaml:"owner" doc:"The signed-in user whose identity id is in the key." enum:"read,write,delete"`
}

type rawIndex struct {
	PartitionKey string `yaml:"partitionKey" doc:"name:type."`
	SortKey      string `yaml:"sortKey" doc:"name:type."`
}

type rawFrontend struct {
	Format string `yaml:"format" doc:"aws-exports, amplify-outputs or amplify-config." enum:"aws-exports,amplify-outputs,amplify-config"`
	Path   string `yaml:"path" doc:"Output path relative to the spec's folder; may leave it (../web/src/aws-exports.js) but not the repository. ${stage} gives each stage its own file."`
}

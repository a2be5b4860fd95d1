// Package stacks composes the constructs into one CloudFormation stack per app and stage. It is the only
// place that translates the spec's resolved model into construct props.
package stacks

import (
	"cmp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsappsync"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/auth"
	"github.com/underhood-dev/underhood/constructs/function"
	"github.com/underhood-dev/underhood/constructs/grant"
	"github.com/underhood-dev/underhood/constructs/restapi"
	"github.com/underhood-dev/underhood/constructs/storage"
	"github.com/underhood-dev/underhood/spec"
)

// Options are the synth-time settings that are not part of the spec.
type Options struct {
	// BuildDir is where functions are built (a folder per function, emptied first); "" uses a
	// temporary folder per function.
	BuildDir string
	// SkipNag leaves out the cdk-nag AwsSolutions checks (and the suppressions in nag.go). By default
	// every stack is checked and each unsuppressed finding is an error annotation, which fails synth.
	SkipNag bool
}

// AppStack is the synthesized stack and the constructs in it, for callers that add to it.
type AppStack struct {
	Stack        awscdk.Stack
	UserPool     *auth.UserPool
	IdentityPool *auth.IdentityPool
	Functions    map[string]*function.Function
	APIs         map[string]*restapi.API
	Buckets      map[string]*storage.Bucket
	Tables       map[string]*storage.Table
	// GraphQL are references to the spec's GraphQL APIs that functions may call (nothing is created).
	GraphQL map[string]awsappsync.IGraphqlApi
	// Domains are the APIs' custom domains, by host name.
	Domains map[string]*restapi.Domain
}

// New adds the stack <app>-<stage> for app to scope.
func New(scope constructs.Construct, app *spec.App, opts *Options) *AppStack {
	if opts == nil {
		opts = &Options{}
	}
	props := &awscdk.StackProps{
		StackName:   jsii.String(app.StackName()),
		Description: jsii.String("underhood app " + app.Name + ", stage " + app.Stage),
		// The analytics blob changes with the CDK version and says nothing about the app.
		AnalyticsReporting: jsii.Bool(false),
	}
	if app.Account != "" || app.Region != "" {
		props.Env = &awscdk.Environment{}
		if app.Account != "" {
			props.Env.Account = jsii.String(app.Account)
		}
		if app.Region != "" {
			props.Env.Region = jsii.String(app.Region)
		}
	}
	s := &AppStack{
		Stack:     awscdk.NewStack(scope, jsii.String(app.StackName()), props),
		Functions: map[string]*function.Function{},
		APIs:      map[string]*restapi.API{},
		Buckets:   map[string]*storage.Bucket{},
		Tables:    map[string]*storage.Table{},
		GraphQL:   map[string]awsappsync.IGraphqlApi{},
		Domains:   map[string]*restapi.Domain{},
	}
	awscdk.Tags_Of(s.Stack).Add(jsii.String("underhood:app"), jsii.String(app.Name), nil)
	awscdk.Tags_Of(s.Stack).Add(jsii.String("underhood:stage"), jsii.String(app.Stage), nil)
	b := &builder{app: app, opts: opts, s: s}
	defer b.reraise()
	// Order matters only for references: triggers need functions, the identity pool needs the user pool,
	// storage grants need identity pool roles, APIs need all of them.
	b.functions()
	b.auth()
	b.storage()
	b.functionAccess()
	b.apis()
	b.outputs()
	if !hasResource(s.Stack) {
		// A stage that only references existing resources (a user pool, say) creates nothing, and
		// CloudFormation refuses a template without resources: a WaitConditionHandle is free and inert.
		awscdk.NewCfnWaitConditionHandle(s.Stack, jsii.String("NothingToCreate"), nil)
	}
	if !opts.SkipNag {
		b.building = nil
		applyNag(b)
	}
	return s
}

type builder struct {
	app  *spec.App
	opts *Options
	s    *AppStack

	graphQLScope constructs.Construct // holds the GraphQL API references, made on first use
	// building is the spec element whose constructs are being made (nil: none), for reraise.
	building *ElementError
}

func (b *builder) removal() *awscdk.RemovalPolicy {
	p := awscdk.RemovalPolicy_RETAIN
	if b.app.Removal == spec.RemovalDestroy {
		p = awscdk.RemovalPolicy_DESTROY
	}
	return &p
}

func (b *builder) functions() {
	if len(b.app.Functions) == 0 {
		return
	}
	scope := constructs.NewConstruct(b.s.Stack, jsii.String("Functions"))
	for _, fn := range b.app.Functions {
		env := make([]function.EnvVar, 0, len(fn.Environment))
		for _, e := range fn.Environment {
			env = append(env, function.EnvVar{Name: e.Name, Value: e.Value})
		}
		b.at("functions."+fn.Name, scope, fn.Name)
		b.s.Functions[fn.Name] = function.NewFunction(scope, fn.Name, &function.Props{
			Runtime:      function.Runtime(fn.Runtime),
			Source:       functionSource(fn),
			Handler:      fn.Handler,
			MemorySize:   fn.Memory,
			Timeout:      fn.Timeout,
			Environment:  env,
			LogRetention: retention(b.app.LogRetentionDays),
			Description:  "underhood " + b.app.Name + " function " + fn.Name,
			BuildDir:     functionBuildDir(fn, b.opts),
			Bundle: function.NodeBundle{
				External:  fn.Bundle.External,
				SourceMap: fn.Bundle.SourceMap,
				Minify:    fn.Bundle.Minify,
			},
		})
	}
}

func (b *builder) auth() {
	a := b.app.Auth
	if a == nil || a.UserPool == nil {
		return
	}
	u := a.UserPool
	props := &auth.UserPoolProps{
		SelfSignUp: u.SelfSignUp,
		PasswordPolicy: &auth.PasswordPolicy{
			MinLength:        u.PasswordPolicy.MinLength,
			RequireLowercase: u.PasswordPolicy.RequireLowercase,
			RequireUppercase: u.PasswordPolicy.RequireUppercase,
			RequireDigits:    u.PasswordPolicy.RequireDigits,
			RequireSymbols:   u.PasswordPolicy.RequireSymbols,
		},
		MFA:        auth.MFAMode(u.MFA.Mode),
		Removal:    b.removal(),
		AutoVerify: u.VerifiedAttributes(),
	}
	props.FeaturePlan, props.Passwordless = u.FeaturePlan, passwordless(u.Passwordless)
	for _, s := range u.SignInWith {
		props.SignInWith = append(props.SignInWith, auth.SignIn(s))
	}
	for _, m := range u.MFA.Methods {
		props.MFAMethods = append(props.MFAMethods, auth.MFAMethod(m))
	}
	for _, at := range u.StandardAttributes {
		props.StandardAttributes = append(props.StandardAttributes, auth.StandardAttribute{Name: at.Name, Required: at.Required, Mutable: true})
	}
	for _, at := range u.CustomAttributes {
		props.CustomAttributes = append(props.CustomAttributes, auth.CustomAttribute{Name: at.Name, Type: at.Type, Mutable: at.Mutable, UserWritable: at.UserWritable})
	}
	if e := u.EmailSender; e != nil {
		props.EmailSender = &auth.EmailSender{From: e.From, SESRegion: e.SESRegion}
	}
	for _, g := range u.Groups {
		props.Groups = append(props.Groups, auth.Group{Name: g.Name, Precedence: g.Precedence, Description: g.Description})
	}
	for _, t := range u.Triggers {
		props.Triggers = append(props.Triggers, auth.Trigger{Operation: t.Operation, Function: b.s.Functions[t.Function].Fn, LambdaVersion: triggerVersion(t)})
	}
	for _, rs := range u.ResourceServers {
		server := auth.ResourceServer{Identifier: rs.Identifier, Name: rs.Name}
		for _, sc := range rs.Scopes {
			server.Scopes = append(server.Scopes, auth.Scope{Name: sc.Name, Description: sc.Description})
		}
		props.ResourceServers = append(props.ResourceServers, server)
	}
	if e := u.Existing; e != nil {
		props.Existing = &auth.ExistingPool{ID: e.ID, ClientID: e.ClientID, Domain: e.Domain}
	}
	if h := u.HostedUI; h != nil {
		// The spec keeps the order of URLs and scopes for the SPA's configuration; the template sorts
		// them, so reordering a spec changes nothing deployed.
		props.HostedUI = &auth.HostedUI{DomainPrefix: h.DomainPrefix, CallbackURLs: slices.Compact(slices.Sorted(slices.Values(h.CallbackURLs))), LogoutURLs: slices.Compact(slices.Sorted(slices.Values(h.LogoutURLs))), Scopes: slices.Compact(slices.Sorted(slices.Values(h.Scopes)))}
		props.HostedUI.CustomDomain = hostedUICustomDomain(h.CustomDomain)
		for _, p := range h.Providers {
			props.Providers = append(props.Providers, auth.IdentityProvider{
				Kind: p.Kind, Name: p.Name, ClientID: p.ClientID, TeamID: p.TeamID, KeyID: p.KeyID,
				IssuerURL: p.IssuerURL, Scopes: p.Scopes,
				ClientSecret: secretRef(p.ClientSecret), PrivateKey: secretRef(p.PrivateKey),
			})
		}
	}
	b.at("auth.userPool", b.s.Stack, "UserPool")
	b.s.UserPool = auth.NewUserPool(b.s.Stack, "UserPool", props)

	ip := a.IdentityPool
	if ip == nil {
		return
	}
	ipProps := &auth.IdentityPoolProps{
		UserPool:    b.s.UserPool.Pool,
		Client:      b.s.UserPool.Client,
		GuestAccess: ip.GuestAccess,
		Removal:     b.removal(),
		ExistingID:  ip.ExistingID,
		// The groups of an existing pool are not this stack's, so their RoleArn cannot be set.
		MapGroupsByClaim: u.Existing != nil,
	}
	if ip.GroupRoles {
		groups := slices.Clone(u.Groups)
		if ipProps.MapGroupsByClaim {
			// Rules are evaluated in order, first match wins: the group Cognito prefers comes first. The
			// validator makes every precedence explicit and distinct with group roles.
			slices.SortStableFunc(groups, func(a, b spec.Group) int { return cmp.Compare(*a.Precedence, *b.Precedence) })
		}
		for _, g := range groups {
			ipProps.Groups = append(ipProps.Groups, auth.GroupRole{Name: g.Name, Group: b.s.UserPool.Group(g.Name)})
		}
	}
	b.at("auth.identityPool", b.s.Stack, "IdentityPool")
	b.s.IdentityPool = auth.NewIdentityPool(b.s.Stack, "IdentityPool", ipProps)
}

func secretRef(s *spec.Secret) auth.SecretRef {
	if s == nil {
		return auth.SecretRef{}
	}
	return auth.SecretRef{SecretsManager: s.SecretsManager, JSONField: s.JSONField}
}

func (b *builder) storage() {
	if len(b.app.Buckets)+len(b.app.Tables) == 0 {
		return
	}
	scope := constructs.NewConstruct(b.s.Stack, jsii.String("Storage"))
	for _, bk := range b.app.Buckets {
		b.at("storage."+bk.Name, scope, bk.Name)
		props := &storage.BucketProps{Versioned: bk.Versioned, CorsAllowOrigins: bk.CorsOrigins, Removal: b.removal(), ExistingBucketName: bk.ExistingName,
			// A destroy stage must be deletable with files in its buckets: S3 refuses to delete a bucket
			// that holds any object or version, and the stack would end in DELETE_FAILED.
			AutoDeleteObjects: b.app.Removal == spec.RemovalDestroy}
		props.Notifications = b.notifications(bk.Name)
		if len(props.Notifications) > 0 && bk.ExistingName == "" {
			// Known before the bucket exists, so the permissions S3 checks need not reference it.
			props.BucketName = spec.EventBucketPrefix(b.app.Name, b.app.Stage, bk.Name) + "-" + *awscdk.Aws_ACCOUNT_ID() + "-" + *awscdk.Aws_REGION()
		}
		for _, a := range bk.Access {
			props.Access = append(props.Access, storage.AccessRule{
				Level: storage.Level(a.Level), Who: storage.Who(a.Who), Group: a.Group,
				Actions: storageActions(a.Actions), Grantee: b.grantee(a.Who, a.Group),
			})
		}
		b.s.Buckets[bk.Name] = storage.NewBucket(scope, bk.Name, props)
	}
	for _, t := range b.app.Tables {
		props := &storage.TableProps{
			PartitionKey:        storage.Key{Name: t.PartitionKey.Name, Type: t.PartitionKey.Type},
			PointInTimeRecovery: jsii.Bool(t.PointInTimeRecovery),
			Stream:              t.Stream,
			TTLAttribute:        t.TTLAttribute,
			Removal:             b.removal(),
			ExistingTableName:   t.ExistingName,
		}
		if t.SortKey != nil {
			props.SortKey = &storage.Key{Name: t.SortKey.Name, Type: t.SortKey.Type}
		}
		if t.ExistingName != "" {
			props.ExistingStreamARN = t.ExistingStreamARN
		}
		for _, ix := range t.Indexes {
			idx := storage.Index{Name: ix.Name, PartitionKey: storage.Key{Name: ix.PartitionKey.Name, Type: ix.PartitionKey.Type}}
			if ix.SortKey != nil {
				idx.SortKey = &storage.Key{Name: ix.SortKey.Name, Type: ix.SortKey.Type}
			}
			props.Indexes = append(props.Indexes, idx)
		}
		b.at("storage."+t.Name, scope, t.Name)
		b.s.Tables[t.Name] = storage.NewTable(scope, t.Name, props)
	}
}

// notifications lists the functions a bucket's object events invoke, in the model's order.
func (b *builder) notifications(bucket string) []storage.Notification {
	var out []storage.Notification
	for _, fe := range b.app.BucketEvents(bucket) {
		n := storage.Notification{Name: upperFirst(fe.Function), Function: b.s.Functions[fe.Function].Fn, Prefix: fe.Event.Prefix}
		for _, on := range fe.Event.On {
			n.Events = append(n.Events, storage.ObjectEvent(on))
		}
		out = append(out, n)
	}
	return out
}

// grantee maps who (guest, authenticated, owner, group) to the identity pool principal that gets the grant.
func (b *builder) grantee(who, group string) grant.Grantee {
	ip := b.s.IdentityPool
	if ip == nil {
		return nil // the validator rejects browser access without an identity pool
	}
	switch who {
	case "guest":
		return ip.Guest()
	case "group":
		return ip.GroupGrantee(group)
	default: // authenticated, owner: every signed-in user, whichever role the identity pool hands out
		return ip.Authenticated()
	}
}

func storageActions(actions []string) []storage.Action {
	out := make([]storage.Action, len(actions))
	for i, a := range actions {
		out[i] = storage.Action(a)
	}
	return out
}

// functionAccess grants each function what the spec lists and tells it the resource names and the
// origins its APIs allow (with a proxy integration the function must answer CORS itself).
func (b *builder) functionAccess() {
	for _, fn := range b.app.Functions {
		b.at("functions."+fn.Name, b.s.Functions[fn.Name], "Function")
		f := b.s.Functions[fn.Name].Fn
		for _, g := range fn.Access {
			key := envKey(g.Storage)
			if bk, ok := b.s.Buckets[g.Storage]; ok {
				bk.Grant(f, storageActions(g.Actions)...)
				// By name when known: a bucket that notifies this function must not be referenced by it.
				f.AddEnvironment(jsii.String("STORAGE_"+key+"_BUCKETNAME"), bk.Name(), nil)
			}
			if t, ok := b.s.Tables[g.Storage]; ok {
				t.Grant(f, storageActions(g.Actions)...)
				f.AddEnvironment(jsii.String("STORAGE_"+key+"_NAME"), t.Table.TableName(), nil)
				f.AddEnvironment(jsii.String("STORAGE_"+key+"_ARN"), t.Table.TableArn(), nil)
			}
		}
		if len(fn.UserPoolAccess) > 0 && b.s.UserPool != nil {
			// The pool's ARN (an existing pool's too): every listed action is one Cognito authorizes on it.
			pool := b.s.UserPool.Pool
			if b.app.TriggersCreatedPool(fn.Name) {
				// The pool names this function (LambdaConfig), so the function, or its role's inline
				// policy, naming the pool would be a dependency cycle CloudFormation refuses. A policy of
				// its own depends on the role and the pool and nothing depends on it; the function reads
				// the pool id from each trigger event (userPoolId), as Amplify's triggers do.
				actions := userPoolActions(fn.UserPoolAccess)
				awsiam.NewPolicy(b.s.Functions[fn.Name].Construct, jsii.String("UserPoolAccess"), &awsiam.PolicyProps{
					Roles: &[]awsiam.IRole{b.s.Functions[fn.Name].Role},
					Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
						Actions: &actions, Resources: &[]*string{pool.UserPoolArn()}})},
				})
			} else {
				pool.Grant(f, userPoolActions(fn.UserPoolAccess)...)
				f.AddEnvironment(jsii.String(spec.UserPoolIDEnv(b.app.Auth.UserPool.Name)), pool.UserPoolId(), nil)
			}
		}
		for _, g := range fn.GraphQLAccess {
			api := b.graphQLAPI(g.API)
			for _, typ := range g.Types {
				api.Grant(f, awsappsync.IamResource_OfType(jsii.String(typ)), jsii.String("appsync:GraphQL"))
			}
			idVar, endpointVar := spec.GraphQLEnv(g.API)
			f.AddEnvironment(jsii.String(idVar), api.ApiId(), nil)
			f.AddEnvironment(jsii.String(endpointVar), jsii.String(b.graphQL(g.API).Endpoint), nil)
		}
		if origins := originsFor(b.app, fn.Name); len(origins) > 0 {
			f.AddEnvironment(jsii.String("UNDERHOOD_ALLOWED_ORIGINS"), jsii.String(strings.Join(origins, ",")), nil)
		}
		b.functionTriggers(fn)
	}
}

// functionTriggers adds what a function reads (secrets) and what invokes it besides routes and
// Cognito: its schedule and table streams (S3 notifications are the bucket's, see storage).
func (b *builder) functionTriggers(fn spec.Function) {
	f := b.s.Functions[fn.Name]
	for _, s := range fn.Secrets {
		f.AddSecret(function.Secret{Env: s.Env, SecretsManager: s.SecretsManager, SSMParameter: s.SSMParameter, KMSKey: s.KMSKey})
	}
	if fn.Schedule != "" {
		f.AddSchedule("Schedule", fn.Schedule)
	}
	for _, e := range fn.Events {
		if e.DynamoDB != "" {
			f.AddStreamSource("Stream"+upperFirst(e.DynamoDB), b.s.Tables[e.DynamoDB].StreamArn())
		}
	}
}

func userPoolActions(names []string) []*string {
	out := make([]*string, len(names))
	for i, n := range names {
		out[i] = jsii.String("cognito-idp:" + n)
	}
	return out
}

func (b *builder) graphQL(name string) *spec.GraphQLAPI {
	for i := range b.app.GraphQL {
		if b.app.GraphQL[i].Name == name {
			return &b.app.GraphQL[i]
		}
	}
	return nil
}

// graphQLAPI is a reference to a GraphQL API outside the stack (one per API, made on first use): its
// grants name arn:<partition>:appsync:<stack region>:<stack account>:apis/<id>/types/<Type>/*.
func (b *builder) graphQLAPI(name string) awsappsync.IGraphqlApi {
	if api, ok := b.s.GraphQL[name]; ok {
		return api
	}
	g := b.graphQL(name)
	if b.graphQLScope == nil {
		b.graphQLScope = constructs.NewConstruct(b.s.Stack, jsii.String("GraphQL"))
	}
	arn := awscdk.Stack_Of(b.s.Stack).FormatArn(&awscdk.ArnComponents{Service: jsii.String("appsync"), Resource: jsii.String("apis"), ResourceName: jsii.String(g.ID)})
	api := awsappsync.GraphqlApi_FromGraphqlApiAttributes(b.graphQLScope, jsii.String(name), &awsappsync.GraphqlApiAttributes{
		GraphqlApiId: jsii.String(g.ID), GraphqlApiArn: arn,
	})
	b.s.GraphQL[name] = api
	return api
}

// originsFor is the sorted union of the CORS origins of every API that routes to fn.
func originsFor(app *spec.App, fn string) []string {
	var out []string
	for _, api := range app.APIs {
		for _, r := range api.Routes {
			if r.Function == fn {
				out = append(out, api.CorsOrigins...)
				break
			}
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

func (b *builder) apis() {
	if len(b.app.APIs) == 0 {
		return
	}
	scope := constructs.NewConstruct(b.s.Stack, jsii.String("Apis"))
	for _, api := range b.app.APIs {
		b.at("api."+api.Name, scope, api.Name)
		accessLogs := api.AccessLogs
		props := &restapi.Props{
			Name:                 b.app.StackName() + "-" + api.Name,
			Description:          "underhood " + b.app.Name + " API " + api.Name,
			StageName:            b.app.Stage,
			Authorization:        restapi.Authorization(api.Authorization),
			Scopes:               api.Scopes,
			CorsAllowOrigins:     api.CorsOrigins,
			ThrottlingRateLimit:  float64(api.RateLimit),
			ThrottlingBurstLimit: float64(api.BurstLimit),
			AccessLogs:           &accessLogs,
			LogRetention:         retention(b.app.LogRetentionDays),
		}
		if b.s.UserPool != nil {
			props.UserPool = b.s.UserPool.Pool
		}
		props.MaxRouteResources = b.routeBudget(api)
		for _, r := range api.Routes {
			props.Routes = append(props.Routes, restapi.Route{
				Method:        r.Method,
				Path:          r.Path,
				Function:      b.s.Functions[r.Function].Fn,
				Authorization: restapi.Authorization(r.Authorization),
				Scopes:        r.Scopes,
				Invokers:      b.invokers(r),
			})
		}
		b.s.APIs[api.Name] = restapi.NewAPI(scope, api.Name, props)
	}
	b.apiDomains()
}

// stackBudget is the resource count underhood keeps a stack under: CloudFormation refuses more than 500,
// and the margin absorbs what the estimate in routeBudget misses. spec.Estimate splits the same way.
const stackBudget = spec.StackResourceBudget

// routeBudget is how many route resources (Resource, Method, CORS OPTIONS) the API may add to the app
// stack before its routes move to nested stacks: the budget minus what the stack holds now and what the
// API adds besides routes (RestApi, Deployment, Stage, two log groups, request validator, two gateway
// responses, authorizer, root OPTIONS, a permission per function, and the invoker policies of the
// identity pool roles, counted as if all were new).
func (b *builder) routeBudget(api spec.API) int {
	existing := stackResources(b.s.Stack)
	fns := map[string]bool{}
	for _, r := range api.Routes {
		fns[r.Function] = true
	}
	overhead := 10 + len(fns)
	if a := b.app.Auth; a != nil && a.IdentityPool != nil {
		overhead += 2 + len(a.UserPool.Groups)
	}
	return max(1, stackBudget-existing-overhead)
}

// invokers lists who may call an IAM route: its groups' roles only, or every signed-in user (and the
// guest role for guest routes).
func (b *builder) invokers(r spec.Route) []grant.Grantee {
	ip := b.s.IdentityPool
	if r.Authorization != spec.AuthIAM || ip == nil {
		return nil
	}
	if len(r.Groups) > 0 {
		out := make([]grant.Grantee, 0, len(r.Groups))
		for _, g := range r.Groups {
			out = append(out, ip.GroupGrantee(g))
		}
		return out
	}
	out := []grant.Grantee{ip.Authenticated()}
	if r.Guest {
		out = append(out, ip.Guest())
	}
	return out
}

func (b *builder) outputs() {
	b.building = nil
	out := func(key string, value *string, desc string) {
		awscdk.NewCfnOutput(b.s.Stack, jsii.String(key), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(desc)})
	}
	out(spec.OutputRegion, b.s.Stack.Region(), "AWS region of the stack")
	if u := b.s.UserPool; u != nil {
		out(spec.OutputUserPoolID, u.Pool.UserPoolId(), "Cognito user pool id")
		out(spec.OutputClientID, u.Client.UserPoolClientId(), "Cognito user pool app client id (SPA, no secret)")
		if d := u.HostedUIDomain(); d != nil {
			out(spec.OutputHostedUIDomain, d, "Cognito hosted UI domain")
		}
	}
	if ip := b.s.IdentityPool; ip != nil {
		out(spec.OutputIdentityPoolID, ip.IdentityPoolId(), "Cognito identity pool id")
	}
	for _, api := range b.app.APIs {
		out(spec.OutputAPIURL(api.Name), b.s.APIs[api.Name].URL(), "Invoke URL of API "+api.Name)
		out(spec.OutputAPIAuthorization(api.Name), jsii.String(strings.Join(api.Modes(), ",")), "Authorization modes of API "+api.Name)
	}
	for _, bk := range b.app.Buckets {
		out(spec.OutputBucketName(bk.Name), b.s.Buckets[bk.Name].Bucket.BucketName(), "S3 bucket "+bk.Name)
		if n := b.s.Buckets[bk.Name].NotificationConfiguration(); n != nil {
			out(spec.OutputBucketNotifications(bk.Name), n, "Set once on the existing bucket "+bk.ExistingName+": aws s3api put-bucket-notification-configuration --bucket "+bk.ExistingName+" --notification-configuration '<this value>'")
		}
	}
	for _, t := range b.app.Tables {
		out(spec.OutputTableName(t.Name), b.s.Tables[t.Name].Table.TableName(), "DynamoDB table "+t.Name)
	}
	b.domainOutputs(out)
}

func envKey(name string) string { return strings.ToUpper(name) }

// upperFirst makes a spec name part of a construct ID: photos -> Photos.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// retention maps days to the CDK enum; the validator only lets through values CloudWatch accepts.
func retention(days int) awslogs.RetentionDays {
	for _, r := range []struct {
		days int
		val  awslogs.RetentionDays
	}{
		{1, awslogs.RetentionDays_ONE_DAY}, {3, awslogs.RetentionDays_THREE_DAYS}, {5, awslogs.RetentionDays_FIVE_DAYS},
		{7, awslogs.RetentionDays_ONE_WEEK}, {14, awslogs.RetentionDays_TWO_WEEKS}, {30, awslogs.RetentionDays_ONE_MONTH},
		{60, awslogs.RetentionDays_TWO_MONTHS}, {90, awslogs.RetentionDays_THREE_MONTHS}, {120, awslogs.RetentionDays_FOUR_MONTHS},
		{150, awslogs.RetentionDays_FIVE_MONTHS}, {180, awslogs.RetentionDays_SIX_MONTHS}, {365, awslogs.RetentionDays_ONE_YEAR},
		{400, awslogs.RetentionDays_THIRTEEN_MONTHS}, {545, awslogs.RetentionDays_EIGHTEEN_MONTHS},
		{731, awslogs.RetentionDays_TWO_YEARS}, {1096, awslogs.RetentionDays_THREE_YEARS}, {1827, awslogs.RetentionDays_FIVE_YEARS},
		{2192, awslogs.RetentionDays_SIX_YEARS}, {2557, awslogs.RetentionDays_SEVEN_YEARS}, {2922, awslogs.RetentionDays_EIGHT_YEARS},
		{3288, awslogs.RetentionDays_NINE_YEARS}, {3653, awslogs.RetentionDays_TEN_YEARS},
	} {
		if r.days == days {
			return r.val
		}
	}
	return awslogs.RetentionDays_ONE_MONTH
}

// hasResource reports whether any CloudFormation resource is under c.
func hasResource(c constructs.IConstruct) bool {
	return slices.ContainsFunc(*c.Node().FindAll(constructs.ConstructOrder_PREORDER), isCfnResource)
}

// stackResources counts the CloudFormation resources of stack itself: those under it but not inside a
// nested stack (a nested stack's resources are its own; the AWS::CloudFormation::Stack resource that
// stands for it in the parent is counted).
//
// It costs two jsii calls (node, findAll), and two more per nested stack, whatever the stack's size: the
// type of each construct is read from its Go proxy, which jsii-runtime-go makes for the construct's own
// jsii class. Asking CfnResource.isCfnResource and NestedStack.isNestedStack took up to four round trips
// per construct.
func stackResources(stack awscdk.Stack) int {
	all := *stack.Node().FindAll(constructs.ConstructOrder_PREORDER)
	inNested := map[constructs.IConstruct]bool{}
	for _, c := range all {
		if ns, ok := c.(awscdk.NestedStack); ok && !inNested[c] {
			for _, d := range *ns.Node().FindAll(constructs.ConstructOrder_PREORDER) {
				inNested[d] = true
			}
		}
	}
	n := 0
	for _, c := range all {
		if !inNested[c] && isCfnResource(c) {
			n++
		}
	}
	return n
}

// isCfnResource is CfnResource.isCfnResource answered by the Go proxy's type, without a jsii call.
func isCfnResource(c constructs.IConstruct) bool {
	_, ok := c.(awscdk.CfnResource)
	return ok
}

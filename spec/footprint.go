package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/internal/restplan"
)

// Footprint is what synth builds for an app, counted from the spec alone (pure Go, no CDK): the figures
// the service quotas in internal/awsrules/quotas.go limit. Resource and output counts are exact; policy
// sizes are upper bounds, since the names CloudFormation generates (buckets, tables, functions, log
// groups) and the ids AWS assigns are taken at their longest. stacks' tests hold the estimate against
// synthesized templates.
type Footprint struct {
	// Stacks holds the app stack first, then one nested stack per route subtree of each split API.
	Stacks    []StackFootprint
	APIs      []APIFootprint
	Functions []FunctionFootprint
	Roles     []RoleFootprint
	// Errors says what synth itself would refuse (an API too large even when split).
	Errors []FootprintError
}

// StackFootprint is one CloudFormation stack.
type StackFootprint struct {
	Name string // the app stack's name; nested stacks: "<stack name>/<api>/Routes<root>"
	API  string // nested stacks: the API whose routes it holds
	Root string // nested stacks: the path of the subtree it holds ("/items")
	// Resources counts resources by CloudFormation type.
	Resources map[string]int
	Outputs   int
	// Bytes is an upper estimate of the template's size as the CDK CLI uploads it (indented JSON with
	// path metadata and cdk-nag's suppressions).
	Bytes int
	// bySection counts the app stack's resources by spec section, for messages.
	bySection map[string]int
}

// Total is the number of resources in the stack.
func (s *StackFootprint) Total() int {
	n := 0
	for _, c := range s.Resources {
		n += c
	}
	return n
}

// APIFootprint is one REST API.
type APIFootprint struct {
	Name string
	// Resources counts API Gateway resources: the root and every distinct path below it.
	Resources int
	// Split is whether its routes move into nested stacks.
	Split bool
}

// FunctionFootprint is one Lambda function's resource-based policy.
type FunctionFootprint struct {
	Name string
	// Statements: one per API whose routes reach the function, per Cognito trigger it handles, per
	// bucket whose events it gets, and one for its schedule.
	Statements  int
	PolicyBytes int // upper bound of the policy document
}

// Role kinds of RoleFootprint.
const (
	RoleFunction      = "function"
	RoleAuthenticated = "authenticated"
	RoleGuest         = "guest"
	RoleGroup         = "group"
	RoleSMS           = "sms"
)

// RoleFootprint is one IAM role's inline policies.
type RoleFootprint struct {
	Kind string // RoleFunction, RoleAuthenticated, RoleGuest, RoleGroup, RoleSMS
	Name string // the function or group name
	// Chars is the upper bound of its inline policies together, without whitespace (IAM's measure);
	// Parts splits it by what the statements are for.
	Chars int
	Parts map[string]int
}

// FootprintError is an API whose routes cannot fit even split into nested stacks: ParentCost
// resources stay in the app stack, where only Budget fit.
type FootprintError struct {
	Path               string
	ParentCost, Budget int
}

// Lengths the values AWS and CloudFormation generate take at most, for the policy size bounds.
const (
	randomSuffixLen = 13               // CloudFormation's suffix of generated physical names
	apiIDLen        = 10               // API Gateway REST API ids
	accountIDLen    = 12               // AWS account ids
	anyRegion       = "xx-xxxxxxxxx-9" // the longest region names (ap-southeast-2, ap-northeast-3) when the stage declares none
	maxBucketName   = 63
	maxFunctionName = 64
	maxStatementID  = 100 // Lambda permission statement ids CloudFormation generates
	maxRuleName     = 64  // EventBridge rule names
	userPoolIDLen   = 9   // a user pool id's part after "<region>_"
	streamLabelLen  = 23  // a DynamoDB stream's label: an ISO 8601 timestamp, 2024-05-01T10:00:00.000
	cdkHashLen      = 8   // the hash CDK appends to logical ids
)

// estimator builds a Footprint the way stacks.New builds the stack, in the same order.
type estimator struct {
	app  *App
	fp   *Footprint
	main *StackFootprint

	partition, region, account string

	// authPolicy: the identity pool's shared AWS::IAM::Policy exists once any grant reaches every
	// signed-in user (created on the first statement).
	authPolicy bool
	roles      map[string]*roleAcc // by kind/name
	roleOrder  []string
	plans      map[string]*restplan.Shards // by API name; nil when not split
	lambda     map[string]int              // function name -> resource policy statements
	lambdaCog  map[string]int              // of which Cognito triggers
	// lambdaOther: the sizes of the statements neither API Gateway's nor Cognito's (S3 notifications,
	// schedules), by function name; counted in lambda too.
	lambdaOther map[string][]int
}

type roleAcc struct {
	kind, name string
	// inline policy statements by purpose; shared: statements of the policy every signed-in user's role
	// holds (the authenticated role and the group roles).
	stmts map[string][]string
	// ownPolicies counts the AWS::IAM::Policy documents attached to the role besides its inline policy
	// (a trigger's grant on the pool that invokes it): each adds a document's frame.
	ownPolicies int
}

// Estimate counts what synth would build for app.
func Estimate(app *App) *Footprint {
	e := &estimator{app: app, fp: &Footprint{}, partition: "aws", region: app.Region, account: strings.Repeat("0", accountIDLen),
		roles: map[string]*roleAcc{}, lambda: map[string]int{}, lambdaCog: map[string]int{}, lambdaOther: map[string][]int{},
		plans: map[string]*restplan.Shards{}}
	switch {
	case e.region == "":
		e.region = anyRegion
	case strings.HasPrefix(e.region, "us-gov-"):
		e.partition = "aws-us-gov"
	case strings.HasPrefix(e.region, "cn-"):
		e.partition = "aws-cn"
	}
	e.main = &StackFootprint{Name: app.StackName(), Resources: map[string]int{}, bySection: map[string]int{}}
	e.fp.Stacks = append(e.fp.Stacks, *e.main) // replaced at the end
	e.functions()
	e.auth()
	e.storage()
	e.functionAccess()
	e.apis()
	e.outputs()
	e.customDomains()
	if e.main.Total() == 0 {
		e.main.add("", "AWS::CloudFormation::WaitConditionHandle", 1)
	}
	e.finishPolicies()
	e.templateBytes()
	e.fp.Stacks[0] = *e.main
	return e.fp
}

func (s *StackFootprint) add(section, typ string, n int) {
	if n <= 0 {
		return
	}
	s.Resources[typ] += n
	if s.bySection != nil {
		s.bySection[section] += n
	}
}

func (e *estimator) role(kind, name string) *roleAcc {
	key := kind + "/" + name
	r, ok := e.roles[key]
	if !ok {
		r = &roleAcc{kind: kind, name: name, stmts: map[string][]string{}}
		e.roles[key] = r
		e.roleOrder = append(e.roleOrder, key)
	}
	return r
}

// ---- what each part of the spec creates

func (e *estimator) functions() {
	for _, fn := range e.app.Functions {
		e.main.add("functions", "AWS::Logs::LogGroup", 1)
		e.main.add("functions", "AWS::IAM::Role", 1)
		e.main.add("functions", "AWS::Lambda::Function", 1)
		logGroup := e.arn("logs", "log-group:"+strings.Repeat("x", e.generatedName(humanID("Functions", fn.Name, "LogGroup"), 512))+":*")
		r := e.role(RoleFunction, fn.Name)
		r.stmts["logs"] = append(r.stmts["logs"], statement([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, "", logGroup))
	}
}

func (e *estimator) auth() {
	a := e.app.Auth
	if a == nil || a.UserPool == nil {
		return
	}
	u := a.UserPool
	if u.Existing == nil {
		e.main.add("auth", "AWS::Cognito::UserPool", 1)
		e.main.add("auth", "AWS::Cognito::UserPoolClient", 1)
		if u.HostedUI != nil {
			e.main.add("auth", "AWS::Cognito::UserPoolDomain", 1)
			e.main.add("auth", "AWS::Cognito::UserPoolIdentityProvider", len(u.HostedUI.Providers))
		}
		e.main.add("auth", "AWS::Cognito::UserPoolResourceServer", len(u.ResourceServers))
		e.main.add("auth", "AWS::Cognito::UserPoolGroup", len(u.Groups))
		if u.SendsSMS() {
			e.main.add("auth", "AWS::IAM::Role", 1)
			r := e.role(RoleSMS, "")
			r.stmts["sns:Publish to phone numbers"] = append(r.stmts["sns:Publish to phone numbers"], statement([]string{"sns:Publish"}, "", "*"))
		}
		for _, t := range u.Triggers {
			e.main.add("auth", "AWS::Lambda::Permission", 1)
			e.lambda[t.Function]++
			e.lambdaCog[t.Function]++
		}
	} else if u.Existing.ClientID == "" {
		e.main.add("auth", "AWS::Cognito::UserPoolClient", 1)
	}
	ip := a.IdentityPool
	if ip == nil {
		return
	}
	if ip.ExistingID == "" {
		e.main.add("auth", "AWS::Cognito::IdentityPool", 1)
	}
	e.main.add("auth", "AWS::Cognito::IdentityPoolRoleAttachment", 1)
	e.main.add("auth", "AWS::IAM::Role", 1)
	e.role(RoleAuthenticated, "")
	if ip.GuestAccess {
		e.main.add("auth", "AWS::IAM::Role", 1)
		e.role(RoleGuest, "")
	}
	if ip.GroupRoles {
		for _, g := range u.Groups {
			e.main.add("auth", "AWS::IAM::Role", 1)
			e.role(RoleGroup, g.Name)
		}
	}
}

// grantee is the role that gets a browser grant for who (and group): the authenticated role's shared
// policy for every signed-in user, or a role's own inline policy. nil without an identity pool.
func (e *estimator) grantee(who, group string) *roleAcc {
	a := e.app.Auth
	if a == nil || a.UserPool == nil || a.IdentityPool == nil {
		return nil
	}
	switch who {
	case "guest":
		return e.roles[RoleGuest+"/"]
	case "group":
		return e.roles[RoleGroup+"/"+group]
	}
	if !e.authPolicy {
		e.authPolicy = true
		e.main.add("auth", "AWS::IAM::Policy", 1)
	}
	return e.roles[RoleAuthenticated+"/"]
}

func (e *estimator) storage() {
	for _, b := range e.app.Buckets {
		if b.ExistingName == "" {
			e.main.add("storage", "AWS::S3::Bucket", 1)
			e.main.add("storage", "AWS::S3::BucketPolicy", 1)
		}
		arn := e.bucketARN(b)
		// S3 notifications: one permission per function the bucket notifies, scoped to the bucket.
		var notified []string
		for _, fe := range e.app.BucketEvents(b.Name) {
			if slices.Contains(notified, fe.Function) {
				continue
			}
			notified = append(notified, fe.Function)
			e.main.add("storage", "AWS::Lambda::Permission", 1)
			cond := `{"StringEquals":{"AWS:SourceAccount":"` + e.account + `"},"ArnLike":{"AWS:SourceArn":"` + arn + `"}}`
			e.invokeStatement(fe.Function, "s3.amazonaws.com", cond)
		}
		for _, a := range b.Access {
			r := e.grantee(a.Who, a.Group)
			if r == nil {
				continue
			}
			objects, prefixes := accessScope(a)
			obj := make([]string, len(objects))
			for i, o := range objects {
				obj[i] = arn + "/" + o
			}
			what := "storage " + b.Name
			r.stmts[what] = append(r.stmts[what], statement(s3ObjectActions(a.Actions), "", obj...))
			if slices.Contains(a.Actions, "read") {
				cond := `{"StringLike":{"s3:prefix":` + jsonList(prefixes) + `}}`
				r.stmts[what] = append(r.stmts[what], statement([]string{"s3:ListBucket"}, cond, arn))
			}
		}
	}
	if e.app.Removal == RemovalDestroy {
		// Each created bucket is emptied on delete (CDK's autoDeleteObjects): a custom resource per
		// bucket, and one provider function with its role per stack.
		emptied := 0
		for _, b := range e.app.Buckets {
			if b.ExistingName == "" {
				emptied++
			}
		}
		e.main.add("storage", "Custom::S3AutoDeleteObjects", emptied)
		if emptied > 0 {
			e.main.add("storage", "AWS::IAM::Role", 1)
			e.main.add("storage", "AWS::Lambda::Function", 1)
		}
	}
	for _, t := range e.app.Tables {
		if t.ExistingName == "" {
			e.main.add("storage", "AWS::DynamoDB::Table", 1)
		}
	}
}

// functionAccess: a function's grants (storage, the user pool, GraphQL APIs, secrets, table streams)
// go into its role's inline policy; its schedule and streams add resources.
func (e *estimator) functionAccess() {
	for _, fn := range e.app.Functions {
		r := e.role(RoleFunction, fn.Name)
		for _, g := range fn.Access {
			what := "storage " + g.Storage
			for _, b := range e.app.Buckets {
				if b.Name != g.Storage {
					continue
				}
				arn := e.bucketARN(b)
				if acts := s3ObjectActions(g.Actions); len(acts) > 0 {
					r.stmts[what] = append(r.stmts[what], statement(acts, "", arn+"/*"))
				}
				if slices.Contains(g.Actions, "read") {
					r.stmts[what] = append(r.stmts[what], statement([]string{"s3:ListBucket"}, "", arn))
				}
			}
			for _, t := range e.app.Tables {
				if t.Name == g.Storage {
					arn := e.tableARN(t)
					r.stmts[what] = append(r.stmts[what], statement(dynamoActions(g.Actions), "", arn, arn+"/index/*"))
				}
			}
		}
		if u := e.userPool(); len(fn.UserPoolAccess) > 0 && u != nil {
			acts := make([]string, len(fn.UserPoolAccess))
			for i, a := range fn.UserPoolAccess {
				acts[i] = "cognito-idp:" + a
			}
			poolID := e.region + "_" + strings.Repeat("x", userPoolIDLen)
			if u.Existing != nil {
				poolID = u.Existing.ID
			}
			r.add("userPool", statement(acts, "", e.arn("cognito-idp", "userpool/"+poolID)))
			if e.app.TriggersCreatedPool(fn.Name) {
				// A policy of its own (App.TriggersCreatedPool): inline, it would be a dependency cycle.
				e.main.add("functions", "AWS::IAM::Policy", 1)
				r.ownPolicies++
			}
		}
		for _, g := range fn.GraphQLAccess {
			id := ""
			for _, api := range e.app.GraphQL {
				if api.Name == g.API {
					id = api.ID
				}
			}
			for _, typ := range g.Types {
				r.add("GraphQL "+g.API, statement([]string{"appsync:GraphQL"}, "", e.arn("appsync", "apis/"+id+"/types/"+typ+"/*")))
			}
		}
		e.functionTriggers(fn, r)
	}
}

// functionTriggers counts what stacks.functionTriggers adds: the secrets' read grants, the schedule's
// rule and permission, and each table stream's event source mapping and read grant.
func (e *estimator) functionTriggers(fn Function, r *roleAcc) {
	for _, s := range fn.Secrets {
		var actions []string
		var resource, service, region string
		switch {
		case s.SecretsManager != "":
			actions, service, region = []string{"secretsmanager:GetSecretValue"}, "secretsmanager", e.region
			if strings.HasPrefix(s.SecretsManager, "arn:") {
				// A full ARN (the validator checked it): the key is used in the secret's region.
				resource, region = s.SecretsManager, strings.Split(s.SecretsManager, ":")[3]
			} else {
				// The name and "-??????": the six random characters AWS appends to a secret's ARN.
				resource = e.arn("secretsmanager", "secret:"+s.SecretsManager+"-??????")
			}
		default:
			actions, service, region = []string{"ssm:GetParameter", "ssm:GetParameters"}, "ssm", e.region
			resource = e.arn("ssm", "parameter/"+strings.TrimPrefix(s.SSMParameter, "/"))
		}
		r.add("secrets", statement(actions, "", resource))
		if s.KMSKey != "" {
			cond := `{"StringEquals":{"kms:ViaService":"` + service + "." + region + `.amazonaws.com"}}`
			r.add("secrets", statement([]string{"kms:Decrypt"}, cond, s.KMSKey))
		}
	}
	if fn.Schedule != "" {
		e.main.add("functions", "AWS::Events::Rule", 1)
		e.main.add("functions", "AWS::Lambda::Permission", 1)
		rule := e.arn("events", "rule/"+strings.Repeat("x", e.generatedName(humanID("Functions", fn.Name, "Schedule"), maxRuleName)))
		e.invokeStatement(fn.Name, "events.amazonaws.com", `{"ArnLike":{"AWS:SourceArn":"`+rule+`"}}`)
	}
	for _, ev := range fn.Events {
		if ev.DynamoDB == "" {
			continue
		}
		for _, t := range e.app.Tables {
			if t.Name != ev.DynamoDB {
				continue
			}
			stream := t.ExistingStreamARN
			if t.ExistingName == "" {
				stream = e.tableARN(t) + "/stream/" + strings.Repeat("x", streamLabelLen)
			}
			e.main.add("functions", "AWS::Lambda::EventSourceMapping", 1)
			r.add("stream "+t.Name, statement(streamReadActions, "", stream))
		}
	}
}

// add appends a statement to the role's inline policy unless the policy holds it already: CDK drops
// statements identical to an earlier one.
func (r *roleAcc) add(what, stmt string) {
	for _, list := range r.stmts {
		if slices.Contains(list, stmt) {
			return
		}
	}
	r.stmts[what] = append(r.stmts[what], stmt)
}

// invokeStatement adds a statement other than API Gateway's or Cognito's to fn's resource policy: the
// service principal may invoke it under condition.
func (e *estimator) invokeStatement(fn, principal, condition string) {
	e.lambda[fn]++
	e.lambdaOther[fn] = append(e.lambdaOther[fn], len(fmt.Sprintf(`{"Sid":"%s","Effect":"Allow","Principal":{"Service":"%s"},"Action":"lambda:InvokeFunction","Resource":"%s","Condition":%s}`,
		strings.Repeat("x", maxStatementID), principal, e.functionARN(fn), condition)))
}

func (e *estimator) userPool() *UserPool {
	if a := e.app.Auth; a != nil {
		return a.UserPool
	}
	return nil
}

func (e *estimator) outputs() {
	n := 1 // Region
	if a := e.app.Auth; a != nil && a.UserPool != nil {
		n += 2
		if a.UserPool.HostedUI != nil {
			n++
		}
		if a.IdentityPool != nil {
			n++
		}
	}
	n += 2*len(e.app.APIs) + len(e.app.Buckets) + len(e.app.Tables)
	for _, b := range e.app.Buckets {
		if b.ExistingName != "" && len(e.app.BucketEvents(b.Name)) > 0 {
			n++ // the notification configuration to set on the existing bucket
		}
	}
	e.main.Outputs = n
}

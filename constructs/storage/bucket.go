// Package storage provides CDK constructs for app data: an S3 bucket whose
// identity-pool grants follow the Amplify Gen 1 / amplify-js v6 access levels
// (public/, protected/<identityId>/, private/<identityId>/), and an on-demand
// DynamoDB table. It imports no spec package and can be used from plain CDK Go.
package storage

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/grant"
)

// Action is an access right on a bucket or table.
type Action string

const (
	ActionRead   Action = "read"
	ActionWrite  Action = "write"
	ActionDelete Action = "delete"
)

// Level is an Amplify storage access level (the first key segment).
type Level string

const (
	LevelPublic    Level = "public"
	LevelProtected Level = "protected"
	LevelPrivate   Level = "private"
	// LevelAll covers public/, protected/ and private/ of every user; meant for groups.
	LevelAll Level = "all"
)

// Who is the kind of identity-pool principal an AccessRule is for.
type Who string

const (
	WhoGuest         Who = "guest"
	WhoAuthenticated Who = "authenticated"
	// WhoOwner limits access to the caller's own identity ID prefix.
	WhoOwner Who = "owner"
	WhoGroup Who = "group"
)

// IdentityIDVariable is the IAM policy variable that equals the identity ID
// amplify-js puts in protected/ and private/ keys.
const IdentityIDVariable = "${cognito-identity.amazonaws.com:sub}"

// AccessRule grants Actions on one access level to one identity-pool principal.
type AccessRule struct {
	Level   Level
	Who     Who
	Group   string // for Who=group, informational (used in error messages)
	Actions []Action
	Grantee grant.Grantee
}

// BucketProps configures NewBucket. The zero value is a private, encrypted,
// SSL-only bucket that is retained on stack deletion.
type BucketProps struct {
	// BucketName "" lets CloudFormation generate one (recommended: names are
	// global and replacement-only).
	BucketName string
	Versioned  bool
	// CorsAllowOrigins empty means no CORS rule (the browser cannot use the bucket).
	CorsAllowOrigins []string
	Access           []AccessRule
	// Removal nil means RETAIN. DESTROY alone deletes only an empty bucket: S3 refuses to delete a
	// bucket that holds an object or an object version.
	Removal *awscdk.RemovalPolicy
	// AutoDeleteObjects (only with Removal DESTROY) empties the bucket, every object version and delete
	// marker included, before CloudFormation deletes it: CDK's autoDeleteObjects, a Lambda-backed custom
	// resource (Custom::S3AutoDeleteObjects) per bucket and one provider function and role per stack.
	AutoDeleteObjects bool
	// ExistingBucketName references a bucket created elsewhere instead of creating one: Access
	// and Grant apply to it; BucketName, Versioned, CorsAllowOrigins, Removal and AutoDeleteObjects do not (the
	// bucket's settings belong to the stack that owns it).
	ExistingBucketName string
	// Notifications make S3 invoke functions on object events, without a Lambda-backed custom
	// resource (CDK's addEventNotification uses one): a created bucket gets them in its own
	// NotificationConfiguration, which needs BucketName (see NewBucket); an existing bucket's
	// configuration belongs to its owner, so only the permissions are created and
	// NotificationConfiguration returns what to set on it.
	Notifications []Notification
}

// Notification is one function S3 invokes on object events of the bucket.
type Notification struct {
	// Name identifies the function in construct IDs (keep it stable); one permission per Name.
	Name     string
	Function awslambda.IFunction
	Events   []ObjectEvent
	Prefix   string // only keys starting with it; "" = every key
}

// ObjectEvent is a kind of S3 object event.
type ObjectEvent string

const (
	ObjectCreated ObjectEvent = "created" // s3:ObjectCreated:*, any upload or copy
	ObjectRemoved ObjectEvent = "removed" // s3:ObjectRemoved:*, any delete
)

var s3EventTypes = map[ObjectEvent]string{ObjectCreated: "s3:ObjectCreated:*", ObjectRemoved: "s3:ObjectRemoved:*"}

// Bucket is an S3 bucket with Amplify-style access grants. It is a construct of its own (its children
// are the bucket and the notification permissions), so callers may add theirs under it.
type Bucket struct {
	constructs.Construct
	Bucket awss3.IBucket
	// name is the bucket name when it is known before the bucket exists (BucketName, or an existing
	// bucket); grants and Name use it instead of a reference to the bucket.
	name          *string
	notifications *string
	// accessArns are the object ARN patterns the access rules granted, each once, in grant order.
	accessArns []*string
}

// corsExposedHeaders: amplify-js needs ETag to complete multipart uploads.
var corsExposedHeaders = []string{"ETag", "x-amz-server-side-encryption", "x-amz-request-id", "x-amz-id-2"}

// NewBucket creates the bucket and adds the policy statements of props.Access
// to each rule's grantee.
func NewBucket(scope constructs.Construct, id string, props *BucketProps) *Bucket {
	var p BucketProps
	if props != nil {
		p = *props
	}
	b := &Bucket{}
	constructs.NewConstruct_Override(b, scope, jsii.String(id))
	if p.ExistingBucketName != "" {
		b.referenceExisting(p)
		return b
	}
	bucket := awss3.NewBucket(b, jsii.String("Bucket"), b.bucketProps(p))
	b.Bucket = bucket
	for i, rule := range p.Access {
		b.applyRule(i, rule)
	}
	if ns := b.validNotifications(p.Notifications); len(ns) > 0 {
		b.notify(bucket, ns)
	}
	return b
}

// referenceExisting imports the bucket by name and grants on it; its notification configuration
// belongs to its owner, so only the permissions are created (see NotificationConfiguration).
func (b *Bucket) referenceExisting(p BucketProps) {
	if msg := bucketNameProblem(p.ExistingBucketName); msg != "" {
		b.addError(fmt.Sprintf("storage.Bucket: existing bucket name %q is invalid: %s", p.ExistingBucketName, msg))
	}
	b.Bucket = awss3.Bucket_FromBucketName(b, jsii.String("Bucket"), jsii.String(p.ExistingBucketName))
	b.name = jsii.String(p.ExistingBucketName)
	for i, rule := range p.Access {
		b.applyRule(i, rule)
	}
	if ns := b.validNotifications(p.Notifications); len(ns) > 0 {
		b.permissions(ns)
		b.notifications = awscdk.Stack_Of(b).ToJsonString(notificationAPI(ns), nil)
		awscdk.Annotations_Of(b).AddWarning(jsii.String(fmt.Sprintf("storage.Bucket: %s is an existing bucket, whose notification configuration belongs to its owner: after deploying, set it once (aws s3api put-bucket-notification-configuration --bucket %s --notification-configuration '<the stack output>'); it replaces the bucket's current notifications", p.ExistingBucketName, p.ExistingBucketName)))
	}
}

// bucketProps checks props and returns the bucket's: private, encrypted, SSL only, owner-enforced,
// retained unless Removal says otherwise.
func (b *Bucket) bucketProps(p BucketProps) *awss3.BucketProps {
	removal := removalPolicy(p.Removal, "storage.Bucket", "S3", b.addError)

	autoDelete := p.AutoDeleteObjects
	if autoDelete && removal != awscdk.RemovalPolicy_DESTROY {
		// CDK would throw (a Go panic); report it and keep the objects.
		b.addError("storage.Bucket: AutoDeleteObjects needs Removal DESTROY: a retained bucket keeps its objects")
		autoDelete = false
	}

	bp := &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(p.Versioned),
		RemovalPolicy:     removal,
		AutoDeleteObjects: jsii.Bool(autoDelete),
	}
	if p.BucketName != "" {
		if msg := bucketNameProblem(p.BucketName); msg != "" {
			// CDK would throw (a Go panic); report it and let CloudFormation name the bucket.
			b.addError(fmt.Sprintf("storage.Bucket: bucket name %q is invalid: %s", p.BucketName, msg))
		} else {
			bp.BucketName = jsii.String(p.BucketName)
			b.name = bp.BucketName
		}
	}
	if len(p.CorsAllowOrigins) > 0 {
		bp.Cors = &[]*awss3.CorsRule{{
			AllowedOrigins: jsii.Strings(p.CorsAllowOrigins...),
			AllowedMethods: &[]awss3.HttpMethods{
				awss3.HttpMethods_GET, awss3.HttpMethods_HEAD, awss3.HttpMethods_PUT,
				awss3.HttpMethods_POST, awss3.HttpMethods_DELETE,
			},
			AllowedHeaders: jsii.Strings("*"),
			ExposedHeaders: jsii.Strings(corsExposedHeaders...),
			MaxAge:         jsii.Number(3000),
		}}
	}
	return bp
}

// notify sets the bucket's NotificationConfiguration (the L1 property: no custom resource). S3 checks
// that it may invoke each function when the configuration is set, so the bucket depends on the
// permissions; a permission scoped to the bucket by a reference to it would depend on the bucket in
// turn (a cycle), hence the bucket's name must be known in advance: the permissions, grants and
// environment variables use that name, never a reference to the bucket.
func (b *Bucket) notify(bucket awss3.Bucket, ns []Notification) {
	if b.name == nil {
		b.addError("storage.Bucket: notifications need a bucket name known before the bucket exists (BucketName): S3 checks the functions' permissions when the configuration is set, and a permission naming the bucket by reference would make a dependency cycle")
		return
	}
	cfn := bucket.Node().DefaultChild().(awss3.CfnBucket)
	for _, perm := range b.permissions(ns) {
		cfn.Node().AddDependency(perm)
	}
	var configs []any
	for _, n := range ns {
		for _, e := range n.Events {
			c := &awss3.CfnBucket_LambdaConfigurationProperty{Event: jsii.String(s3EventTypes[e]), Function: n.Function.FunctionArn()}
			if n.Prefix != "" {
				c.Filter = &awss3.CfnBucket_NotificationFilterProperty{S3Key: &awss3.CfnBucket_S3KeyFilterProperty{
					Rules: &[]any{&awss3.CfnBucket_FilterRuleProperty{Name: jsii.String("prefix"), Value: jsii.String(n.Prefix)}},
				}}
			}
			configs = append(configs, c)
		}
	}
	cfn.SetNotificationConfiguration(&awss3.CfnBucket_NotificationConfigurationProperty{LambdaConfigurations: &configs})
}

// permissions lets S3 invoke each notified function for this bucket only: SourceArn names the bucket
// (by its known name) and SourceAccount the account that must own it, since bucket names are global.
func (b *Bucket) permissions(ns []Notification) []awslambda.CfnPermission {
	var out []awslambda.CfnPermission
	seen := map[string]bool{}
	for _, n := range ns {
		if seen[n.Name] {
			continue
		}
		seen[n.Name] = true
		out = append(out, awslambda.NewCfnPermission(b, jsii.String("Invoke"+n.Name), &awslambda.CfnPermissionProps{
			Action:        jsii.String("lambda:InvokeFunction"),
			FunctionName:  n.Function.FunctionArn(),
			Principal:     jsii.String("s3.amazonaws.com"),
			SourceAccount: awscdk.Aws_ACCOUNT_ID(),
			SourceArn:     b.arn(),
		}))
	}
	return out
}

// validNotifications reports notifications without a function, name or known event, and returns
// the others.
func (b *Bucket) validNotifications(ns []Notification) []Notification {
	var out []Notification
	for i, n := range ns {
		ok := n.Function != nil && n.Name != "" && len(n.Events) > 0
		if !ok {
			b.addError(fmt.Sprintf("storage.Bucket: notification %d (%q) needs a Name, a Function and Events", i, n.Name))
		}
		for _, e := range n.Events {
			if _, known := s3EventTypes[e]; !known {
				b.addError(fmt.Sprintf("storage.Bucket: notification %q: unknown event %q (want created or removed)", n.Name, e))
				ok = false
			}
		}
		if ok {
			out = append(out, n)
		}
	}
	return out
}

// notificationAPI is the notification configuration in the shape of S3's
// PutBucketNotificationConfiguration (what aws s3api put-bucket-notification-configuration takes).
func notificationAPI(ns []Notification) map[string]any {
	var configs []any
	for _, n := range ns {
		var events []string
		for _, e := range n.Events {
			events = append(events, s3EventTypes[e])
		}
		c := map[string]any{"Id": n.Name, "LambdaFunctionArn": n.Function.FunctionArn(), "Events": events}
		if n.Prefix != "" {
			c["Filter"] = map[string]any{"Key": map[string]any{"FilterRules": []any{map[string]any{"Name": "prefix", "Value": n.Prefix}}}}
		}
		configs = append(configs, c)
	}
	return map[string]any{"LambdaFunctionConfigurations": configs}
}

// NotificationConfiguration is, for an existing bucket with notifications, the JSON to set once with
// aws s3api put-bucket-notification-configuration (a token resolved at deploy); nil otherwise.
func (b *Bucket) NotificationConfiguration() *string { return b.notifications }

// Name is the bucket's name: the known name when there is one, else a reference to the bucket.
func (b *Bucket) Name() *string {
	if b.name != nil {
		return b.name
	}
	return b.Bucket.BucketName()
}

// arn is the bucket's ARN, built from its known name when there is one.
func (b *Bucket) arn() *string {
	if b.name != nil {
		return jsii.String("arn:" + *awscdk.Aws_PARTITION() + ":s3:::" + *b.name)
	}
	return b.Bucket.BucketArn()
}

// ObjectsArn is the ARN of the bucket's objects matching pattern, as the grants name them.
func (b *Bucket) ObjectsArn(pattern string) *string {
	return jsii.String(*b.arn() + "/" + pattern)
}

// AccessObjectArns are the object ARN patterns Access granted to identity pool grantees (public/*,
// protected/${cognito-identity.amazonaws.com:sub}/* ...), each once, in grant order.
func (b *Bucket) AccessObjectArns() []*string { return slices.Clone(b.accessArns) }

// Grant gives a workload principal (e.g. a Lambda function) actions on every
// object in the bucket. read also allows listing the bucket.
func (b *Bucket) Grant(grantee awsiam.IGrantable, actions ...Action) {
	if grantee == nil {
		b.addError("storage.Bucket.Grant: grantee is nil")
		return
	}
	objActions, list, err := s3Actions(actions)
	if err != "" {
		b.addError("storage.Bucket.Grant: " + err)
		return
	}
	if len(objActions) > 0 {
		awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
			Grantee:      grantee,
			Actions:      jsii.Strings(objActions...),
			ResourceArns: jsii.Strings(*b.ObjectsArn("*")),
		})
	}
	if list {
		awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
			Grantee:      grantee,
			Actions:      jsii.Strings("s3:ListBucket"),
			ResourceArns: jsii.Strings(*b.arn()),
		})
	}
}

var (
	bucketNameChars = regexp.MustCompile(`^[a-z0-9.-]+$`)
	bucketNameEnds  = regexp.MustCompile(`^[a-z0-9](.*[a-z0-9])?$`)
	bucketNameIP    = regexp.MustCompile(`^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$`)
)

// bucketNameProblem applies the S3 naming rules CDK enforces by throwing.
func bucketNameProblem(name string) string {
	if *awscdk.Token_IsUnresolved(jsii.String(name)) {
		return ""
	}
	switch {
	case len(name) < 3 || len(name) > 63:
		return "must be 3 to 63 characters"
	case !bucketNameChars.MatchString(name):
		return "only lowercase letters, digits, periods and dashes are allowed"
	case !bucketNameEnds.MatchString(name):
		return "must start and end with a lowercase letter or digit"
	case strings.Contains(name, "..") || strings.Contains(name, ".-") || strings.Contains(name, "-."):
		return "must not have consecutive periods or a period next to a dash"
	case bucketNameIP.MatchString(name):
		return "must not look like an IP address"
	}
	return ""
}

func (b *Bucket) addError(msg string) {
	awscdk.Annotations_Of(b).AddError(jsii.String(msg))
}

// s3Actions maps actions to object-level S3 actions in a fixed order
// (read, write, delete) and says whether listing is needed.
func s3Actions(actions []Action) (objActions []string, list bool, err string) {
	read, write, del, err := actionSet(actions)
	if err != "" {
		return nil, false, err
	}
	if read {
		objActions = append(objActions, "s3:GetObject")
	}
	if write {
		// AbortMultipartUpload lets amplify-js clean up a failed multipart upload.
		objActions = append(objActions, "s3:PutObject", "s3:AbortMultipartUpload")
	}
	if del {
		objActions = append(objActions, "s3:DeleteObject")
	}
	return objActions, read, ""
}

// ruleScope returns the object key patterns and s3:prefix values a rule covers,
// exactly as amplify-js v6 builds keys and list prefixes.
func ruleScope(rule AccessRule, writes bool) (objects, prefixes []string, err string) {
	own := func(level Level) ([]string, []string, string) {
		base := string(level) + "/" + IdentityIDVariable + "/"
		return []string{base + "*"}, []string{base, base + "*"}, ""
	}
	all := func(levels ...Level) ([]string, []string, string) {
		var o, pr []string
		for _, l := range levels {
			o = append(o, string(l)+"/*")
			pr = append(pr, string(l)+"/", string(l)+"/*")
		}
		return o, pr, ""
	}
	switch rule.Level {
	case LevelPublic:
		switch rule.Who {
		case WhoGuest, WhoAuthenticated, WhoGroup:
			return all(LevelPublic)
		case WhoOwner:
			return nil, nil, "public objects have no owner; use who authenticated or guest"
		}
	case LevelProtected, LevelPrivate:
		switch rule.Who {
		case WhoOwner:
			return own(rule.Level)
		case WhoGroup:
			return all(rule.Level)
		case WhoGuest, WhoAuthenticated:
			if rule.Level == LevelPrivate {
				return nil, nil, fmt.Sprintf("private level is owner-only; who %s is not allowed", rule.Who)
			}
			// Other users may only read protected files; writing is the owner's.
			if writes {
				return nil, nil, fmt.Sprintf("protected level allows only read for who %s (only the owner writes or deletes)", rule.Who)
			}
			return all(LevelProtected)
		}
	case LevelAll:
		if rule.Who == WhoGroup {
			return all(LevelPublic, LevelProtected, LevelPrivate)
		}
		return nil, nil, fmt.Sprintf("level all is for groups only; who %q is not allowed", rule.Who)
	default:
		return nil, nil, fmt.Sprintf("unknown level %q (want public, protected, private or all)", rule.Level)
	}
	return nil, nil, fmt.Sprintf("unknown who %q (want guest, authenticated, owner or group)", rule.Who)
}

// applyRule adds one object statement and, for read, one ListBucket statement
// to the rule's grantee.
func (b *Bucket) applyRule(i int, rule AccessRule) {
	label := fmt.Sprintf("storage.Bucket: access rule %d (level %s, who %s", i, rule.Level, rule.Who)
	if rule.Group != "" {
		label += ", group " + rule.Group
	}
	label += "): "
	if rule.Grantee == nil {
		b.addError(label + "grantee is nil")
		return
	}
	objActions, list, err := s3Actions(rule.Actions)
	if err != "" {
		b.addError(label + err)
		return
	}
	writes := false
	for _, a := range rule.Actions {
		writes = writes || a != ActionRead
	}
	objects, prefixes, err := ruleScope(rule, writes)
	if err != "" {
		b.addError(label + err)
		return
	}
	arns := make([]string, 0, len(objects))
	for _, o := range objects {
		arn := b.ObjectsArn(o)
		arns = append(arns, *arn)
		if !slices.ContainsFunc(b.accessArns, func(a *string) bool { return *a == *arn }) {
			b.accessArns = append(b.accessArns, arn)
		}
	}
	rule.Grantee.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Effect:    awsiam.Effect_ALLOW,
		Actions:   jsii.Strings(objActions...),
		Resources: jsii.Strings(arns...),
	}))
	if list {
		rule.Grantee.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Effect:    awsiam.Effect_ALLOW,
			Actions:   jsii.Strings("s3:ListBucket"),
			Resources: jsii.Strings(*b.arn()),
			Conditions: &map[string]interface{}{
				"StringLike": map[string]interface{}{"s3:prefix": prefixes},
			},
		}))
	}
}

// actionSet checks a list of actions and says which of the three it holds.
func actionSet(actions []Action) (read, write, del bool, err string) {
	if len(actions) == 0 {
		return false, false, false, "no actions given (want read, write or delete)"
	}
	for _, a := range actions {
		switch a {
		case ActionRead:
			read = true
		case ActionWrite:
			write = true
		case ActionDelete:
			del = true
		default:
			return false, false, false, fmt.Sprintf("unknown action %q (want read, write or delete)", a)
		}
	}
	return read, write, del, ""
}

package stacks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsappsync"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/underhood-dev/underhood/spec"
)

// Every synth runs the cdk-nag AwsSolutions pack (Options.SkipNag turns it off). Each finding is an
// error annotation on its resource, and synth fails on error annotations, unless the finding is one
// of the accepted ones below. This file is the only place that accepts findings: each entry names the
// rule, the kind of resource it is accepted on, and why. Reasons with %s name the spec setting that
// asked for it; accept() attaches an entry to exactly the resources of its kind in one stack, and
// IAM5 (wildcard resources) only for the exact ARN patterns listed in its reason, never blanket.
type acceptance struct {
	rule   string // AwsSolutions rule id
	kind   string // the resources it is accepted on
	reason string // why; %s is the spec setting when there is one
}

var (
	acceptWAF = acceptance{"AwsSolutions-APIG3", "API stage",
		"No AWS WAF web ACL: WAF costs a monthly fee per web ACL and rule, so it is a team's decision; " +
			"every stage has throttling (api.<name>.rateLimit, burstLimit) and every route the authorization the spec names"}
	acceptNoAccessLogs = acceptance{"AwsSolutions-APIG1", "API stage",
		"The spec turns access logs off (%s), the documented way to deploy into an account whose " +
			"API Gateway CloudWatch Logs role is not set yet"}
	acceptNoExecutionLogs = acceptance{"AwsSolutions-APIG6", "API stage",
		"The spec turns API logging off (%s); execution logs need the same account-wide CloudWatch Logs role as access logs"}
	acceptPublicRouteAPIG4 = acceptance{"AwsSolutions-APIG4", "API method",
		"The spec makes this route public (%s: authorization none)"}
	acceptPublicRouteCOG4 = acceptance{"AwsSolutions-COG4", "API method",
		"The spec makes this route public (%s: authorization none), so it has no Cognito authorizer"}
	acceptIAMRoute = acceptance{"AwsSolutions-COG4", "API method",
		"The spec authorizes this route with IAM (%s: authorization iam): callers sign with identity pool " +
			"credentials and only the roles the spec lists get execute-api:Invoke on it"}
	acceptMFANotRequired = acceptance{"AwsSolutions-COG2", "user pool",
		"The spec does not require MFA (%s): whether users must enroll a second factor is the app's decision (COG2 is a warning)"}
	acceptEssentialsPlan = acceptance{"AwsSolutions-COG8", "user pool",
		"Cognito Essentials plan, not Plus: threat protection is billed per monthly active user, and the spec " +
			"has no setting for it yet; password policy, MFA settings and deletion protection still apply"}
	acceptGuests = acceptance{"AwsSolutions-COG7", "identity pool",
		"The spec allows guests (%s): signed-out users get the guest role, which holds only what the spec grants guests"}
	acceptNoBucketAccessLogs = acceptance{"AwsSolutions-S1", "S3 bucket",
		"No server access logs: they need a second bucket per app that outlives the stack (a destroy stage empties " +
			"and deletes the buckets it creates, and logs meant for an audit must not go with them); use CloudTrail data " +
			"events for object-level audit"}
	acceptNoPITR = acceptance{"AwsSolutions-DDB3", "DynamoDB table",
		"The spec turns point-in-time recovery off (%s)"}
	acceptPinnedRuntime = acceptance{"AwsSolutions-L1", "Lambda function",
		"The runtime is pinned per language, not the newest the CDK knows (%s): nodejs22.x because nodejs24.x drops the " +
			"callback-style handlers Amplify Gen 1 functions use, python3.13 because a newer Python is a code change for the " +
			"function's owner; both are supported Lambda runtimes. Go runs on provided.al2023, which the rule skips"}
	acceptAccessLevels = acceptance{"AwsSolutions-IAM5", "identity pool role policy",
		"Amplify access levels are object prefixes: <bucket>/public/*, protected/* and private/* (read by others, or " +
			"group access), protected/${cognito-identity.amazonaws.com:sub}/* and private/${...:sub}/* (the owner's own files)"}
	acceptRouteWildcard = acceptance{"AwsSolutions-IAM5", "identity pool role policy",
		"execute-api:Invoke on an IAM route whose path has a parameter or whose method is ANY: {param} becomes * in the " +
			"route's ARN (<api>/<stage>/<METHOD>/<path with * for {param}>), scoped to that one route"}
	acceptCompactedRoutes = acceptance{"AwsSolutions-IAM5", "identity pool role policy",
		"execute-api:Invoke compacted for an API with many IAM routes, to stay under IAM's policy size limits: " +
			"<api>/<stage>/*/* when the role may call every IAM route of the API, else <api>/<stage>/<METHOD or *>/<path prefix>* " +
			"or .../<path prefix>/* where every IAM route the pattern reaches is one the spec lets the role call"}
	acceptSMSRole = acceptance{"AwsSolutions-IAM5", "user pool SMS role",
		"Cognito sends SMS (verification and MFA codes, %s) through SNS to phone numbers, which have no ARN: " +
			"sns:Publish needs Resource \"*\" (the role trusts only cognito-idp with this pool's external id)"}
	acceptFunctionGraphQL = acceptance{"AwsSolutions-IAM5", "function role (its inline policy)",
		"The spec gives this function access to a GraphQL API (%s): appsync:GraphQL on <api>/types/<Type>/*, every " +
			"field of the granted operation types only, as Amplify Gen 1 granted it"}
	acceptFunctionStorage = acceptance{"AwsSolutions-IAM5", "function role (its inline policy)",
		"The spec gives this function access to the storage (%s): every object of the bucket (<bucket>/*) or every " +
			"index of the table (<table>/index/*), with only the actions listed"}
)

// applyNag adds the AwsSolutions checks to the stack and the accepted findings to its resources.
func applyNag(b *builder) {
	awscdk.Aspects_Of(b.s.Stack).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{}), nil)
	s, app := b.s, b.app

	for _, api := range app.APIs {
		a := s.APIs[api.Name]
		setting := fmt.Sprintf("api.%s", api.Name)
		accept(a.Api.DeploymentStage(), acceptWAF, setting)
		if !api.AccessLogs {
			accept(a.Api.DeploymentStage(), acceptNoAccessLogs, setting+".accessLogs: false")
			accept(a.Api.DeploymentStage(), acceptNoExecutionLogs, setting+".accessLogs: false")
		}
		for _, r := range api.Routes {
			m := a.Method(r.Method, r.Path)
			if m == nil {
				continue // not built; the construct reported why
			}
			route := fmt.Sprintf("%s.routes[%q]", setting, r.Key())
			switch r.Authorization {
			case spec.AuthNone:
				accept(m, acceptPublicRouteAPIG4, route)
				accept(m, acceptPublicRouteCOG4, route)
			case spec.AuthIAM:
				accept(m, acceptIAMRoute, route)
			}
		}
	}

	// Existing resources are not in the stack: nothing to check or accept on them.
	if u := s.UserPool; u != nil && !u.Existing {
		if mode := app.Auth.UserPool.MFA.Mode; mode != "required" {
			accept(u.Pool, acceptMFANotRequired, "auth.userPool.mfa.mode: "+mode)
		}
		accept(u.Pool, acceptEssentialsPlan, "")
		// CDK adds this role when the pool sends SMS (SMS MFA, or phone numbers to verify).
		if role := u.SMSRole(); role != nil {
			acceptFindings(role, acceptSMSRole, smsReason(app.Auth.UserPool), []string{"Resource::*"})
		}
	}
	if ip := s.IdentityPool; ip != nil && ip.Pool != nil && app.Auth.IdentityPool.GuestAccess {
		accept(ip.Pool, acceptGuests, "auth.identityPool.guestAccess: true")
	}
	for _, bk := range app.Buckets {
		if bk.ExistingName == "" {
			accept(s.Buckets[bk.Name].Bucket, acceptNoBucketAccessLogs, "")
		}
	}
	for _, t := range app.Tables {
		if !t.PointInTimeRecovery && t.ExistingName == "" {
			accept(s.Tables[t.Name].Table, acceptNoPITR, fmt.Sprintf("storage.%s.pointInTimeRecovery: false", t.Name))
		}
	}
	for _, fn := range app.Functions {
		if fn.Runtime != "go" {
			accept(s.Functions[fn.Name].Fn, acceptPinnedRuntime, fmt.Sprintf("functions.%s.runtime: %s", fn.Name, fn.Runtime))
		}
	}
	acceptWildcards(b)
}

// smsReason names the spec settings that make the pool send SMS.
func smsReason(u *spec.UserPool) string {
	var why []string
	if slices.Contains(u.MFA.Methods, "sms") {
		why = append(why, "auth.userPool.mfa.methods: sms")
	}
	if slices.Contains(u.SignInWith, "phone") {
		why = append(why, "auth.userPool.signInWith: phone")
	}
	if u.Passwordless != nil && u.Passwordless.SMSOTP {
		why = append(why, "auth.userPool.passwordless.smsOTP")
	}
	if len(why) == 0 {
		why = append(why, "auth.userPool.standardAttributes: phone_number")
	}
	return strings.Join(why, ", ")
}

// acceptWildcards accepts IAM5 findings on the identity pool's and the functions' policies (the shared
// AuthenticatedPolicy, and each role's inline policy, whose findings are on the role), one
// finding at a time: a wildcard resource is accepted only when it equals an ARN pattern the spec
// implies (an access level prefix of one of its buckets, an IAM route's ARN, a granted storage's
// objects or indexes). Any other wildcard stays an error.
func acceptWildcards(b *builder) {
	s, app := b.s, b.app
	stack := s.Stack
	flat := func(token *string) string { return "Resource::" + flattenRef(stack.Resolve(token)) }

	if ip := s.IdentityPool; ip != nil {
		var levels, routes, compacted []string
		for _, bk := range app.Buckets {
			for _, arn := range s.Buckets[bk.Name].AccessObjectArns() {
				levels = append(levels, flat(arn))
			}
		}
		for _, api := range app.APIs {
			for _, r := range api.Routes {
				if r.Authorization == spec.AuthIAM {
					routes = append(routes, flat(s.APIs[api.Name].RouteARN(r.Method, r.Path)))
				}
			}
			// The compacted grants: the construct widens a grant only where no other IAM route is reached
			// (TestScale1000Routes checks every role against the spec); these are the only other ARN shapes.
			for _, arn := range s.APIs[api.Name].InvokeARNs() {
				if f := flat(arn); !slices.Contains(routes, f) {
					compacted = append(compacted, f)
				}
			}
		}
		// The shared policy of every signed-in user, and each role's own grants: its inline policy,
		// so those findings are on the role.
		policies := []constructs.IConstruct{ip.AuthenticatedPolicy(), ip.AuthenticatedRole}
		if ip.GuestRole != nil {
			policies = append(policies, ip.GuestRole)
		}
		if app.Auth.IdentityPool.GroupRoles {
			for _, g := range app.Auth.UserPool.Groups {
				if r := ip.GroupRole(g.Name); r != nil {
					policies = append(policies, r)
				}
			}
		}
		for _, p := range policies {
			found := wildcardFindings(stack, p)
			acceptFindings(p, acceptAccessLevels, "", intersect(found, levels))
			acceptFindings(p, acceptRouteWildcard, "", intersect(found, routes))
			acceptFindings(p, acceptCompactedRoutes, "", intersect(found, compacted))
		}
	}

	for _, fn := range app.Functions {
		f := s.Functions[fn.Name]
		p := f.Role // its grants are the role's inline policy
		found := wildcardFindings(stack, p)
		for _, g := range fn.Access {
			var want []string
			if bk, ok := s.Buckets[g.Storage]; ok {
				want = append(want, flat(bk.ObjectsArn("*")))
			}
			if t, ok := s.Tables[g.Storage]; ok {
				want = append(want, flat(t.IndexesArn()))
			}
			acceptFindings(p, acceptFunctionStorage, fmt.Sprintf("functions.%s.access.%s", fn.Name, g.Storage), intersect(found, want))
		}
		for _, g := range fn.GraphQLAccess {
			var want []string
			api := s.GraphQL[g.API].(awsappsync.GraphqlApiBase) // a reference (GraphqlApi_FromGraphqlApiAttributes) is one
			for _, typ := range g.Types {
				// The ARNs functionAccess's grant names: CDK's own for the type on the reference.
				for _, arn := range *awsappsync.IamResource_OfType(jsii.String(typ)).ResourceArns(api) {
					want = append(want, flat(arn))
				}
			}
			acceptFindings(p, acceptFunctionGraphQL, fmt.Sprintf("functions.%s.access.%s: %s", fn.Name, g.API, strings.Join(g.Types, ", ")), intersect(found, want))
		}
	}
}

// accept adds one acceptance to the CloudFormation resource of c (its default child, or c itself).
func accept(c constructs.IConstruct, a acceptance, setting string) {
	acceptFindings(c, a, setting, nil)
}

func acceptFindings(c constructs.IConstruct, a acceptance, setting string, appliesTo []string) {
	if c == nil || (a.rule == "AwsSolutions-IAM5" && len(appliesTo) == 0) {
		return // IAM5 is never accepted without the exact findings
	}
	if d := c.Node().DefaultChild(); d != nil {
		c = d
	}
	reason := a.reason
	if strings.Contains(reason, "%s") {
		reason = fmt.Sprintf(reason, setting)
	}
	sup := cdknag.NagPackSuppression{Id: jsii.String(a.rule), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		list := make([]interface{}, len(appliesTo))
		for i, f := range appliesTo {
			list[i] = f
		}
		sup.AppliesTo = &list
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{&sup}, jsii.Bool(false))
}

// wildcardFindings lists the IAM5 findings cdk-nag reports for a policy or a role (its inline
// policies): "Resource::<flattened ARN>" for each Allow statement resource containing "*" (actions
// with "*" are never accepted, so skipped).
func wildcardFindings(stack awscdk.Stack, policyOrRole constructs.IConstruct) []string {
	if policyOrRole == nil {
		return nil
	}
	var docs []any
	switch cfn := policyOrRole.Node().DefaultChild().(type) {
	case awsiam.CfnPolicy:
		docs = append(docs, stack.Resolve(cfn.PolicyDocument()))
	case awsiam.CfnRole:
		// As cdk-nag reads them: the L1 property, {policyName, policyDocument} per inline policy.
		policies := cfn.Policies()
		if policies == nil {
			break // no grants yet: no inline policy
		}
		inline, _ := stack.Resolve(policies).([]any)
		for _, p := range inline {
			if m, ok := p.(map[string]any); ok {
				docs = append(docs, m["policyDocument"])
			}
		}
	}
	var out []string
	for _, d := range docs {
		out = append(out, docWildcards(d)...)
	}
	return out
}

// docWildcards lists the wildcard resource findings of one resolved policy document.
func docWildcards(resolved any) []string {
	raw, err := json.Marshal(resolved)
	if err != nil {
		return nil
	}
	var doc struct {
		Statement []struct {
			Effect   string
			Resource any
		}
	}
	if json.Unmarshal(raw, &doc) != nil {
		return nil
	}
	var out []string
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			continue
		}
		resources, ok := st.Resource.([]any)
		if !ok {
			resources = []any{st.Resource}
		}
		for _, r := range resources {
			if f := flattenRef(r); strings.Contains(f, "*") {
				out = append(out, "Resource::"+f)
			}
		}
	}
	return out
}

// flattenRef writes a resolved CloudFormation value the way cdk-nag names findings: Ref X -> <X>,
// Fn::GetAtt [X, A] -> <X.A>, Fn::Join joined, ${ and } of Fn::Sub syntax -> < and >.
func flattenRef(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.NewReplacer("${", "<", "}", ">").Replace(x)
	case map[string]any:
		if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
			sep, _ := j[0].(string)
			items, _ := j[1].([]any)
			parts := make([]string, len(items))
			for i, it := range items {
				parts[i] = flattenRef(it)
			}
			return strings.Join(parts, sep)
		}
		if sub, ok := x["Fn::Sub"]; ok {
			return flattenRef(sub)
		}
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return "<" + flattenRef(ga[0]) + "." + flattenRef(ga[1]) + ">"
		}
		if iv, ok := x["Fn::ImportValue"]; ok {
			return flattenRef(iv)
		}
		if ref, ok := x["Ref"]; ok {
			return "<" + flattenRef(ref) + ">"
		}
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

func intersect(found, want []string) []string {
	var out []string
	for _, f := range found {
		if slices.Contains(want, f) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

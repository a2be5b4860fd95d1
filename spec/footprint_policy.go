package spec

// The policy sizes of the footprint, and the names and ARNs they hold, each at its longest.

import (
	"fmt"
	"slices"
	"strings"
)

// ---- policies

// finishPolicies turns the statements into policy sizes: each role's inline policy, plus for the
// authenticated role and every group role the policy shared by every signed-in user.
func (e *estimator) finishPolicies() {
	shared := e.roles[RoleAuthenticated+"/"]
	for _, key := range e.roleOrder {
		r := e.roles[key]
		rf := RoleFootprint{Kind: r.kind, Name: r.name, Parts: map[string]int{}}
		own := policyChars(r.stmts, rf.Parts) + r.ownPolicies*(len(`{"Statement":[],"Version":"2012-10-17"}`)-1)
		if r.kind == RoleAuthenticated {
			own = 0
			rf.Parts = map[string]int{}
		}
		rf.Chars = own
		if shared != nil && (r.kind == RoleAuthenticated || r.kind == RoleGroup) {
			parts := map[string]int{}
			rf.Chars += policyChars(shared.stmts, parts)
			for k, v := range parts {
				rf.Parts[k+" (every signed-in user)"] += v
			}
		}
		if rf.Chars > 0 {
			e.fp.Roles = append(e.fp.Roles, rf)
		}
	}
	for _, fn := range e.app.Functions {
		n := e.lambda[fn.Name]
		fnARN := e.functionARN(fn.Name)
		size := len(`{"Version":"2012-10-17","Id":"default","Statement":[]}`)
		apiStmt := len(fmt.Sprintf(`{"Sid":"%s","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"ArnLike":{"AWS:SourceArn":"%s"}}}`,
			strings.Repeat("x", maxStatementID), fnARN, e.arn("execute-api", strings.Repeat("x", apiIDLen)+"/*/*/*")))
		poolID := e.region + "_" + strings.Repeat("x", userPoolIDLen)
		cogStmt := len(fmt.Sprintf(`{"Sid":"%s","Effect":"Allow","Principal":{"Service":"cognito-idp.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"ArnLike":{"AWS:SourceArn":"%s"}}}`,
			strings.Repeat("x", maxStatementID), fnARN, e.arn("cognito-idp", "userpool/"+poolID)))
		cog, other := e.lambdaCog[fn.Name], e.lambdaOther[fn.Name]
		size += (n-cog-len(other))*apiStmt + cog*cogStmt + max(0, n-1) // commas between statements
		for _, o := range other {
			size += o
		}
		if n == 0 {
			size = 0
		}
		e.fp.Functions = append(e.fp.Functions, FunctionFootprint{Name: fn.Name, Statements: n, PolicyBytes: size})
	}
}

// policyChars is the size of one policy document holding the statements, and adds each purpose's part
// (its statements, commas included) to parts.
func policyChars(stmts map[string][]string, parts map[string]int) int {
	if len(stmts) == 0 {
		return 0
	}
	n := len(`{"Statement":[],"Version":"2012-10-17"}`) - 1
	for what, list := range stmts {
		for _, s := range list {
			parts[what] += len(s) + 1
			n += len(s) + 1
		}
	}
	return n
}

// statement is one IAM statement as CDK renders it (keys sorted, a single action or resource as a
// string), minified as IAM measures it.
func statement(actions []string, condition string, resources ...string) string {
	one := func(list []string) string {
		if len(list) == 1 {
			return `"` + list[0] + `"`
		}
		return jsonList(list)
	}
	s := `{"Action":` + one(actions)
	if condition != "" {
		s += `,"Condition":` + condition
	}
	return s + `,"Effect":"Allow","Resource":` + one(resources) + `}`
}

func jsonList(list []string) string {
	return `["` + strings.Join(list, `","`) + `"]`
}

// s3ObjectActions are the object actions of read, write and delete (read also lists, separately).
func s3ObjectActions(actions []string) []string {
	var out []string
	if slices.Contains(actions, "read") {
		out = append(out, "s3:GetObject")
	}
	if slices.Contains(actions, "write") {
		out = append(out, "s3:PutObject", "s3:AbortMultipartUpload")
	}
	if slices.Contains(actions, "delete") {
		out = append(out, "s3:DeleteObject")
	}
	return out
}

// streamReadActions are what the function construct grants on a table stream it reads
// (function.StreamReadActions).
var streamReadActions = []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}

func dynamoActions(actions []string) []string {
	var out []string
	if slices.Contains(actions, "read") {
		out = append(out, "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
			"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable")
	}
	write := slices.Contains(actions, "write")
	if write {
		out = append(out, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem")
	}
	if slices.Contains(actions, "delete") {
		out = append(out, "dynamodb:DeleteItem")
		if !write {
			out = append(out, "dynamodb:BatchWriteItem")
		}
	}
	return out
}

// identityIDVariable is the policy variable of the caller's identity id, as the storage construct
// writes it.
const identityIDVariable = "${cognito-identity.amazonaws.com:sub}"

// accessScope is the object patterns and s3:prefix values of one access level grant, as the storage
// construct grants them.
func accessScope(a BucketAccess) (objects, prefixes []string) {
	all := func(levels ...string) {
		for _, l := range levels {
			objects = append(objects, l+"/*")
			prefixes = append(prefixes, l+"/", l+"/*")
		}
	}
	switch {
	case a.Level == "all":
		all("public", "protected", "private")
	case a.Who == "owner":
		base := a.Level + "/" + identityIDVariable + "/"
		objects, prefixes = []string{base + "*"}, []string{base, base + "*"}
	default:
		all(a.Level)
	}
	return objects, prefixes
}

// ---- names and ARNs at their longest

func (e *estimator) arn(service, resource string) string {
	switch service {
	case "s3":
		return "arn:" + e.partition + ":s3:::" + resource
	}
	return "arn:" + e.partition + ":" + service + ":" + e.region + ":" + e.account + ":" + resource
}

// generatedName is the length of the physical name CloudFormation generates for a resource without
// one: <stack>-<logical id>-<random>, cut to the service's limit. human is the logical id without the
// hash CDK appends.
func (e *estimator) generatedName(human string, limit int) int {
	return min(limit, len(e.app.StackName())+1+len(human)+cdkHashLen+1+randomSuffixLen)
}

// humanID is the readable part of the logical id CDK makes from construct path components: a component
// the previous one ends with is dropped ("noteTable/Table" gives "noteTable"), and it is cut at 240
// characters; CDK appends an 8-character hash.
func humanID(components ...string) string {
	var kept []string
	for _, c := range components {
		if len(kept) == 0 || !strings.HasSuffix(kept[len(kept)-1], c) {
			kept = append(kept, c)
		}
	}
	h := strings.Join(kept, "")
	return h[:min(len(h), 240)]
}

func (e *estimator) bucketARN(b Bucket) string {
	name := b.ExistingName
	switch {
	case name != "":
	case len(e.app.BucketEvents(b.Name)) > 0:
		// A bucket that notifies functions is named in advance (see EventBucketPrefix).
		name = EventBucketPrefix(e.app.Name, e.app.Stage, b.Name) + "-" + e.account + "-" + e.region
	default:
		name = strings.Repeat("x", e.generatedName(humanID("Storage", b.Name, "Bucket"), maxBucketName))
	}
	return e.arn("s3", name)
}

func (e *estimator) functionARN(fn string) string {
	return e.arn("lambda", "function:"+strings.Repeat("x", e.generatedName(humanID("Functions", fn, "Function"), maxFunctionName)))
}

func (e *estimator) tableARN(t Table) string {
	name := t.ExistingName
	if name == "" {
		name = strings.Repeat("x", e.generatedName(humanID("Storage", t.Name, "Table"), 255))
	}
	return e.arn("dynamodb", "table/"+name)
}

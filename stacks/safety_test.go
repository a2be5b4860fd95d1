package stacks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/underhood-dev/underhood/internal/secretscan"
	"github.com/underhood-dev/underhood/spec"
)

// TestAddingThingsKeepsLogicalIDs adds a route, a function, a group, a bucket and a table to every
// example and expects every existing resource to keep its logical ID and type: growing a spec replaces or
// deletes nothing. (The API Deployment is new on every method change by design.)
func TestAddingThingsKeepsLogicalIDs(t *testing.T) {
	nodeSource := map[string]string{"photoshare": "functions/welcome", "userpool-only": "functions/profile", "iam-guest": "functions/catalog", "customdomain": "functions/shop"}
	var grownApps []*spec.App
	for _, name := range examples {
		data, err := os.ReadFile(filepath.Join("..", "examples", name, "app.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		section := func(path ...string) map[string]any {
			m := doc
			for _, p := range path {
				next, ok := m[p].(map[string]any)
				if !ok {
					next = map[string]any{}
					m[p] = next
				}
				m = next
			}
			return m
		}
		section("functions")["added"] = map[string]any{"runtime": "nodejs", "source": nodeSource[name], "access": map[string]any{"addedTable": []any{"write"}}}
		for _, api := range section("api") {
			api.(map[string]any)["routes"].(map[string]any)["GET /added/{day}"] = "added"
			break // one API is enough; which one does not matter
		}
		section("auth", "userPool", "groups")["addedGroup"] = map[string]any{"precedence": 9}
		section("storage")["addedBucket"] = map[string]any{"type": "s3"}
		section("storage")["addedTable"] = map[string]any{"type": "dynamodb", "partitionKey": "day:string"}
		grown, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		grownApps = append(grownApps, loadExample(t, name, "prod", grown))
	}
	grown := synthApps(t, grownApps)
	for i, name := range examples {
		before := exampleTemplates(t)[name]
		after := parseTemplate(t, grown[grownApps[i].StackName()])
		for id, r := range before.Resources {
			if r.Type == "AWS::ApiGateway::Deployment" {
				continue
			}
			got, ok := after.Resources[id]
			if !ok {
				t.Errorf("%s: %s (%s) disappeared after adding resources: it would be deleted", name, id, r.Type)
				continue
			}
			if got.Type != r.Type {
				t.Errorf("%s: %s changed type from %s to %s", name, id, r.Type, got.Type)
			}
		}
		added := map[string]int{}
		for id, r := range after.Resources {
			if _, ok := before.Resources[id]; !ok {
				added[r.Type]++
			}
		}
		for _, typ := range []string{"AWS::Lambda::Function", "AWS::ApiGateway::Method", "AWS::Cognito::UserPoolGroup", "AWS::S3::Bucket", "AWS::DynamoDB::Table"} {
			if added[typ] == 0 {
				t.Errorf("%s: no new %s; the addition did not take effect", name, typ)
			}
		}
	}
}

// allowedStarResources are the only grants AWS requires on Resource "*"; README lists them.
var allowedStarResources = map[string]string{
	"sns:Publish": "Cognito sends SMS (MFA codes) through SNS to phone numbers, which have no ARN",
}

// TestLeastPrivilege walks every IAM statement in every example and rejects wildcard actions, Resource
// "*" (except where AWS requires it) and grants on resources that are not the app's own.
func TestLeastPrivilege(t *testing.T) {
	for name, tp := range exampleTemplates(t) {
		statements := tp.allowStatements(t)
		if len(statements) == 0 {
			t.Errorf("%s: no IAM statements found; the walk is missing policies", name)
		}
		// Function roles (every example has one with grants) keep their grants inline.
		inline := 0
		for _, st := range statements {
			if tp.Resources[st.where].Type == "AWS::IAM::Role" {
				inline++
			}
		}
		if inline == 0 {
			t.Errorf("%s: no statement of a role's inline policy found; the walk is missing them", name)
		}
		for _, p := range leastPrivilegeProblems(tp, statements) {
			t.Errorf("%s %s", name, p)
		}
	}
}

// TestLeastPrivilegeChecksInlinePolicies: a wildcard action, Resource "*" and another bucket, added
// to a role's inline policy in a real template, are each reported.
func TestLeastPrivilegeChecksInlinePolicies(t *testing.T) {
	tp := parseTemplate(t, exampleTemplates(t)["photoshare"].raw)
	bucket := tp.ofType("AWS::S3::Bucket")[0]
	role := ""
	for _, id := range tp.ofType("AWS::IAM::Role") {
		if _, ok := tp.Resources[id].Properties["Policies"]; ok {
			role = id
			break
		}
	}
	if role == "" {
		t.Fatal("no role with an inline policy in photoshare")
	}
	doc := tp.Resources[role].Properties["Policies"].([]any)[0].(map[string]any)["PolicyDocument"].(map[string]any)
	doc["Statement"] = append(doc["Statement"].([]any),
		map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": map[string]any{"Fn::GetAtt": []any{bucket, "Arn"}}},
		map[string]any{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"},
		map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::someone-elses-bucket/*"},
	)
	got := strings.Join(leastPrivilegeProblems(tp, tp.allowStatements(t)), "\n")
	for _, want := range []string{
		role + `: wildcard action "s3:*"`,
		role + `: Resource "*" for [dynamodb:GetItem]`,
		role + `: s3:GetObject on "arn:aws:s3:::someone-elses-bucket/*", which is not one of the app's buckets`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want problem %q, got:\n%s", want, got)
		}
	}
}

// leastPrivilegeProblems lists what TestLeastPrivilege rejects in the statements of tp.
func leastPrivilegeProblems(tp *template, statements []statement) []string {
	ownBuckets := tp.ofType("AWS::S3::Bucket")
	// A bucket with a name known in advance (one that notifies functions) is granted by that name.
	var ownARNs []string
	for _, id := range ownBuckets {
		if name, ok := tp.Resources[id].Properties["BucketName"]; ok {
			ownARNs = append(ownARNs, "arn:<AWS::Partition>:s3:::"+render(name))
		}
	}
	ownAPIs := tp.ofType("AWS::ApiGateway::RestApi")
	var out []string
	for _, st := range statements {
		for _, a := range st.actions {
			if a == "*" || strings.HasSuffix(a, ":*") {
				out = append(out, fmt.Sprintf("%s: wildcard action %q", st.where, a))
			}
		}
		for _, r := range st.resources {
			if r == `"*"` {
				ok := true
				for _, a := range st.actions {
					if _, allowed := allowedStarResources[a]; !allowed {
						ok = false
					}
				}
				if !ok {
					out = append(out, fmt.Sprintf("%s: Resource \"*\" for %v", st.where, st.actions))
				}
				continue
			}
			for _, a := range st.actions {
				switch {
				case strings.HasPrefix(a, "s3:") && !refersToAny(r, ownBuckets) && !namesAny(r, ownARNs):
					out = append(out, fmt.Sprintf("%s: %s on %s, which is not one of the app's buckets", st.where, a, r))
				case strings.HasPrefix(a, "execute-api:") && !refersToAny(r, ownAPIs):
					out = append(out, fmt.Sprintf("%s: %s on %s, which is not one of the app's APIs", st.where, a, r))
				}
			}
		}
	}
	return out
}

type statement struct {
	where     string
	actions   []string
	resources []string // each rendered as JSON
}

// allowStatements collects the Allow statements of every identity-based policy in the template: the
// AWS::IAM::Policy and ManagedPolicy resources and the inline policies of every role (where is then
// the role's logical ID).
func (tp *template) allowStatements(t *testing.T) []statement {
	var docs []struct {
		where string
		doc   any
	}
	ids := make([]string, 0, len(tp.Resources))
	for id := range tp.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := tp.Resources[id]
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
			docs = append(docs, struct {
				where string
				doc   any
			}{id, r.Properties["PolicyDocument"]})
		case "AWS::IAM::Role":
			if pols, ok := r.Properties["Policies"].([]any); ok {
				for _, p := range pols {
					docs = append(docs, struct {
						where string
						doc   any
					}{id, p.(map[string]any)["PolicyDocument"]})
				}
			}
		}
	}
	var out []statement
	for _, d := range docs {
		for _, s := range d.doc.(map[string]any)["Statement"].([]any) {
			sm := s.(map[string]any)
			if sm["Effect"] != "Allow" {
				continue
			}
			st := statement{where: d.where}
			for _, a := range asList(sm["Action"]) {
				st.actions = append(st.actions, a.(string))
			}
			for _, r := range asList(sm["Resource"]) {
				st.resources = append(st.resources, string(mustJSON(t, r)))
			}
			out = append(out, st)
		}
	}
	return out
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// namesAny reports whether a resource (as JSON) is one of the ARNs (rendered) or inside one.
func namesAny(resource string, arns []string) bool {
	var v any
	if json.Unmarshal([]byte(resource), &v) != nil {
		return false
	}
	r := render(v)
	for _, arn := range arns {
		if r == arn || strings.HasPrefix(r, arn+"/") {
			return true
		}
	}
	return false
}

func refersToAny(resource string, ids []string) bool {
	for _, id := range ids {
		if strings.Contains(resource, `"`+id+`"`) {
			return true
		}
	}
	return false
}

// TestNoSecretsInTemplates scans every example template: OAuth secrets appear only as dynamic
// references resolved by CloudFormation at deploy time.
func TestNoSecretsInTemplates(t *testing.T) {
	names := make([]string, 0)
	for name := range exampleTemplates(t) {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, f := range secretscan.Scan(exampleTemplates(t)[name].raw) {
			t.Errorf("%s: template contains a %s at byte %d", name, f.Pattern, f.Offset)
		}
	}
	// The one provider secret in the examples is a Secrets Manager reference.
	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(exampleTemplates(t)["photoshare"].raw, &tpl); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range tpl.Resources {
		if r.Type == "AWS::Cognito::UserPoolIdentityProvider" {
			secret, _ := r.Properties["ProviderDetails"].(map[string]any)["client_secret"].(string)
			if !strings.HasPrefix(secret, "{{resolve:secretsmanager:photoshare/google:SecretString:clientSecret") {
				t.Errorf("google client_secret is %q, want a Secrets Manager dynamic reference", secret)
			}
			found = true
		}
	}
	if !found {
		t.Error("photoshare has no identity provider; the secret check checked nothing")
	}
}

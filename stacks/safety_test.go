package stacks_test

import (
	"encoding/json"
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
	nodeSource := map[string]string{"photoshare": "functions/welcome", "userpool-only": "functions/profile", "iam-guest": "functions/catalog"}
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
		ownBuckets := tp.ofType("AWS::S3::Bucket")
		ownAPIs := tp.ofType("AWS::ApiGateway::RestApi")
		statements := tp.allowStatements(t)
		if len(statements) == 0 {
			t.Errorf("%s: no IAM statements found; the walk is missing policies", name)
		}
		for _, st := range statements {
			where := name + " " + st.where
			for _, a := range st.actions {
				if a == "*" || strings.HasSuffix(a, ":*") {
					t.Errorf("%s: wildcard action %q", where, a)
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
						t.Errorf("%s: Resource \"*\" for %v", where, st.actions)
					}
					continue
				}
				for _, a := range st.actions {
					switch {
					case strings.HasPrefix(a, "s3:") && !refersToAny(r, ownBuckets):
						t.Errorf("%s: %s on %s, which is not one of the app's buckets", where, a, r)
					case strings.HasPrefix(a, "execute-api:") && !refersToAny(r, ownAPIs):
						t.Errorf("%s: %s on %s, which is not one of the app's APIs", where, a, r)
					}
				}
			}
		}
	}
}

type statement struct {
	where     string
	actions   []string
	resources []string // each rendered as JSON
}

// allowStatements collects the Allow statements of every identity-based policy in the template.
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

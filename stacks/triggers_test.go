package stacks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/secretscan"
	"github.com/underhood-dev/underhood/spec"
)

// The triggers app (testdata/triggers/app.yaml): a scheduled function, one reading secrets, and
// functions invoked by table streams and S3 object events; its prod stage references an existing
// bucket and an existing table with its stream ARN.

var triggersCache map[string]*template

func triggersTemplates(t *testing.T) map[string]*template {
	t.Helper()
	if triggersCache != nil {
		return triggersCache
	}
	dir := filepath.Join("testdata", "triggers")
	data, err := os.ReadFile(filepath.Join(dir, "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var apps []*spec.App
	for _, stage := range []string{"dev", "prod"} {
		app, err := spec.Parse("app.yaml", dir, data, stage)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, app)
	}
	raw := synthApps(t, apps) // cdk-nag on: any unaccepted finding fails the test
	triggersCache = map[string]*template{}
	for _, app := range apps {
		triggersCache[app.Stage] = parseTemplate(t, raw[app.StackName()])
	}
	return triggersCache
}

// render writes a CloudFormation value as one string: literals as they are, {"Ref": X} as <X>,
// {"Fn::GetAtt": [R, A]} as <R.A>, and Fn::Join concatenated, so tests compare ARNs built from
// pseudo parameters.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if r, ok := x["Ref"].(string); ok {
			return "<" + r + ">"
		}
		if g, ok := x["Fn::GetAtt"].([]any); ok {
			return fmt.Sprintf("<%s.%s>", g[0], g[1])
		}
		if j, ok := x["Fn::Join"].([]any); ok {
			var parts []string
			for _, p := range j[1].([]any) {
				parts = append(parts, render(p))
			}
			return strings.Join(parts, j[0].(string))
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// fnID is the logical ID of the spec function name.
func (tp *template) fnID(t *testing.T, name string) string {
	t.Helper()
	for _, id := range tp.ofType("AWS::Lambda::Function") {
		if tp.Resources[id].Properties["Description"] == "underhood shop function "+name {
			return id
		}
	}
	t.Fatalf("no function %s", name)
	return ""
}

// roleOf is the logical ID of a function's role.
func (tp *template) roleOf(t *testing.T, fnID string) string {
	t.Helper()
	role, _ := tp.Resources[fnID].Properties["Role"].(map[string]any)["Fn::GetAtt"].([]any)
	return role[0].(string)
}

// grants lists a role's statements as "ACTIONS on RESOURCE [if CONDITION]", rendered, in order.
func (tp *template) grants(t *testing.T, roleID string) []string {
	t.Helper()
	var out []string
	for _, pol := range tp.roleDocs(roleID) {
		for _, st := range pol.doc["Statement"].([]any) {
			s := st.(map[string]any)
			var acts []string
			for _, a := range asList(s["Action"]) {
				acts = append(acts, a.(string))
			}
			var res []string
			for _, r := range asList(s["Resource"]) {
				res = append(res, render(r))
			}
			g := strings.Join(acts, ",") + " on " + strings.Join(res, ",")
			if c, ok := s["Condition"].(map[string]any); ok {
				for op, kv := range c {
					for k, v := range kv.(map[string]any) {
						g += fmt.Sprintf(" if %s %s=%s", op, k, render(v))
					}
				}
			}
			out = append(out, g)
		}
	}
	return out
}

// logs is the grant every function has: writing to its own log group.
func (tp *template) logs(fnID string) string {
	lg, _ := tp.Resources[fnID].Properties["LoggingConfig"].(map[string]any)
	return "logs:CreateLogStream,logs:PutLogEvents on <" + refOf(lg["LogGroup"]) + ".Arn>"
}

func TestScheduleRule(t *testing.T) {
	tp := triggersTemplates(t)["dev"]
	fn := tp.fnID(t, "nightly")
	rules := tp.ofType("AWS::Events::Rule")
	if len(rules) != 1 {
		t.Fatalf("want one rule, have %v", rules)
	}
	rule := tp.Resources[rules[0]].Properties
	if rule["ScheduleExpression"] != "cron(0 3 * * ? *)" || rule["State"] != "ENABLED" {
		t.Errorf("rule %v", rule)
	}
	targets := rule["Targets"].([]any)
	if len(targets) != 1 || render(targets[0].(map[string]any)["Arn"]) != "<"+fn+".Arn>" {
		t.Errorf("targets %v, want the nightly function only", targets)
	}
	var perms []map[string]any
	for _, id := range tp.ofType("AWS::Lambda::Permission") {
		if p := tp.Resources[id].Properties; p["Principal"] == "events.amazonaws.com" {
			perms = append(perms, p)
		}
	}
	want := map[string]any{"Action": "lambda:InvokeFunction", "FunctionName": map[string]any{"Fn::GetAtt": []any{fn, "Arn"}},
		"Principal": "events.amazonaws.com", "SourceArn": map[string]any{"Fn::GetAtt": []any{rules[0], "Arn"}}}
	if len(perms) != 1 || !reflect.DeepEqual(perms[0], want) {
		t.Errorf("events permissions %v\nwant exactly %v", perms, want)
	}
}

func TestFunctionSecrets(t *testing.T) {
	for stage, tp := range triggersTemplates(t) {
		fn := tp.fnID(t, "pay")
		env := tp.Resources[fn].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		wantEnv := map[string]any{
			"MODE":        "live",
			"STRIPE_KEY":  "shop/stripe",
			"WEBHOOK_KEY": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/webhook-AbC123",
			"OPENAI_KEY":  "/shop/" + stage + "/openai",
		}
		if !reflect.DeepEqual(env, wantEnv) {
			t.Errorf("%s: environment %v, want %v (names, never values)", stage, env, wantEnv)
		}
		region := "<AWS::Region>"
		if stage == "prod" {
			region = "eu-west-1" // the stage's region: CDK writes it instead of the pseudo parameter
		}
		want := []string{
			tp.logs(fn),
			"ssm:GetParameter,ssm:GetParameters on arn:<AWS::Partition>:ssm:" + region + ":<AWS::AccountId>:parameter/shop/" + stage + "/openai",
			"kms:Decrypt on arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab if StringEquals kms:ViaService=ssm." + region + ".amazonaws.com",
			"secretsmanager:GetSecretValue on arn:<AWS::Partition>:secretsmanager:" + region + ":<AWS::AccountId>:secret:shop/stripe-??????",
			"secretsmanager:GetSecretValue on arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/webhook-AbC123",
		}
		if got := tp.grants(t, tp.roleOf(t, fn)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: pay's grants\n  %s\nwant exactly\n  %s", stage, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		// Values are never resolved into the template: no dynamic reference, nothing the scanner finds.
		if strings.Contains(string(tp.raw), "{{resolve:") {
			t.Errorf("%s: the template resolves a secret", stage)
		}
		for _, f := range secretscan.Scan(tp.raw) {
			t.Errorf("%s: template contains a %s at byte %d", stage, f.Pattern, f.Offset)
		}
	}
}

func TestStreamEventSources(t *testing.T) {
	const auditStream = "arn:aws:dynamodb:eu-west-1:123456789012:table/audit-prod/stream/2024-05-01T10:00:00.000"
	for stage, tp := range triggersTemplates(t) {
		fn := tp.fnID(t, "indexer")
		table := func(name string) string {
			for _, id := range tp.ofType("AWS::DynamoDB::Table") {
				if strings.HasPrefix(id, "Storage"+name+"Table") {
					return id
				}
			}
			return "no table " + name
		}
		streams := []string{"<" + table("audit") + ".StreamArn>", "<" + table("orders") + ".StreamArn>"}
		if stage == "prod" {
			streams[0] = auditStream // an existing table: the stream ARN the stage gives
		}
		var got []string
		for _, id := range tp.ofType("AWS::Lambda::EventSourceMapping") {
			p := tp.Resources[id].Properties
			if render(p["FunctionName"]) != "<"+fn+">" || p["StartingPosition"] != "LATEST" || p["Enabled"] != true {
				t.Errorf("%s: mapping %s: %v", stage, id, p)
			}
			got = append(got, render(p["EventSourceArn"]))
		}
		if !reflect.DeepEqual(got, streams) {
			t.Errorf("%s: mappings read %v, want %v", stage, got, streams)
		}
		want := []string{tp.logs(fn)}
		for _, s := range streams {
			want = append(want, "dynamodb:DescribeStream,dynamodb:GetRecords,dynamodb:GetShardIterator,dynamodb:ListStreams on "+s)
		}
		if g := tp.grants(t, tp.roleOf(t, fn)); !reflect.DeepEqual(g, want) {
			t.Errorf("%s: indexer's grants\n  %s\nwant exactly (each stream, nothing else)\n  %s", stage, strings.Join(g, "\n  "), strings.Join(want, "\n  "))
		}
	}
}

func TestS3Notifications(t *testing.T) {
	for stage, tp := range triggersTemplates(t) {
		// A destroy stage empties its buckets on delete (Custom::S3AutoDeleteObjects and its one provider
		// function, TestDestroyStagesEmptyBuckets); nothing else may be a custom resource or a function
		// the spec does not declare: the notifications need none.
		emptiers := 0
		for _, id := range sortedIDs(tp) {
			typ := tp.Resources[id].Type
			if typ == "Custom::S3AutoDeleteObjects" && stage == "dev" {
				emptiers++
				continue
			}
			if strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource" {
				t.Errorf("%s: %s is a custom resource (%s)", stage, id, typ)
			}
		}
		providers := 0
		if emptiers > 0 {
			providers = 1
		}
		if n := len(tp.ofType("AWS::Lambda::Function")); n != 4+providers {
			t.Errorf("%s: %d functions, want the spec's 4 (no notification handler) and %d bucket emptier", stage, n, providers)
		}
		indexer, thumbs := tp.fnID(t, "indexer"), tp.fnID(t, "thumbs")
		buckets := map[string]string{} // bucket logical ID -> rendered name
		for _, id := range tp.ofType("AWS::S3::Bucket") {
			buckets[id] = render(tp.Resources[id].Properties["BucketName"])
		}
		files := "shop-" + stage + "-files-<AWS::AccountId>-<AWS::Region>"
		archive := "shop-dev-archive-<AWS::AccountId>-<AWS::Region>"
		if stage == "prod" {
			archive = "shop-archive-prod" // existing: not in the stack
		}
		wantConfigs := map[string][]any{
			files: {
				map[string]any{"Event": "s3:ObjectRemoved:*", "Function": map[string]any{"Fn::GetAtt": []any{indexer, "Arn"}}},
				map[string]any{"Event": "s3:ObjectCreated:*", "Function": map[string]any{"Fn::GetAtt": []any{thumbs, "Arn"}},
					"Filter": map[string]any{"S3Key": map[string]any{"Rules": []any{map[string]any{"Name": "prefix", "Value": "public/"}}}}},
			},
			archive: {
				map[string]any{"Event": "s3:ObjectCreated:*", "Function": map[string]any{"Fn::GetAtt": []any{indexer, "Arn"}}},
				map[string]any{"Event": "s3:ObjectRemoved:*", "Function": map[string]any{"Fn::GetAtt": []any{indexer, "Arn"}}},
			},
		}
		var raw struct {
			Resources map[string]struct{ DependsOn []string }
		}
		if err := json.Unmarshal(tp.raw, &raw); err != nil {
			t.Fatal(err)
		}
		seen := 0
		for id, name := range buckets {
			want, ok := wantConfigs[name]
			if !ok {
				t.Errorf("%s: bucket %s is named %q, want one of the computed names", stage, id, name)
				continue
			}
			seen++
			got := tp.Resources[id].Properties["NotificationConfiguration"].(map[string]any)["LambdaConfigurations"]
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s notifications\n%v\nwant\n%v", stage, id, got, want)
			}
			// S3 checks the destination when the configuration is set: the bucket waits for every
			// permission that names it.
			deps := raw.Resources[id].DependsOn
			for _, perm := range tp.s3Permissions(t, name) {
				if !slices.Contains(deps, perm) {
					t.Errorf("%s: bucket %s does not depend on %s", stage, id, perm)
				}
			}
		}
		if want := len(wantConfigs) - map[string]int{"dev": 0, "prod": 1}[stage]; seen != want {
			t.Errorf("%s: %d buckets with notifications, want %d", stage, seen, want)
		}
		// One permission per function and bucket, scoped by account and the bucket's (known) name.
		wantPerms := map[string][]string{files: {indexer, thumbs}, archive: {indexer}}
		for name, fns := range wantPerms {
			var got []string
			for _, id := range tp.s3Permissions(t, name) {
				got = append(got, strings.TrimPrefix(strings.TrimSuffix(render(tp.Resources[id].Properties["FunctionName"]), ".Arn>"), "<"))
			}
			slices.Sort(got)
			if !reflect.DeepEqual(got, fns) {
				t.Errorf("%s: S3 may invoke %v for %s, want %v", stage, got, name, fns)
			}
		}
		// thumbs reads and writes the bucket that invokes it, by name: no reference to the bucket
		// (which depends on thumbs' permission), so no dependency cycle.
		env := tp.Resources[thumbs].Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		if got := render(env["STORAGE_FILES_BUCKETNAME"]); got != files {
			t.Errorf("%s: STORAGE_FILES_BUCKETNAME %s, want %s", stage, got, files)
		}
		if cycle := tp.dependencyCycle(); cycle != nil {
			t.Errorf("%s: dependency cycle %v", stage, cycle)
		}
		for _, p := range leastPrivilegeProblems(tp, tp.allowStatements(t)) {
			t.Errorf("%s %s", stage, p)
		}
	}
}

// TestExistingBucketNotifications: an existing bucket's notification configuration is not the
// stack's; the stack outputs the configuration to set on it, for the function's real ARN.
func TestExistingBucketNotifications(t *testing.T) {
	tp := triggersTemplates(t)["prod"]
	indexer := tp.fnID(t, "indexer")
	out, ok := tp.Outputs[spec.OutputBucketNotifications("archive")]
	if !ok {
		t.Fatalf("no %s output; outputs: %v", spec.OutputBucketNotifications("archive"), tp.Outputs)
	}
	const fakeArn = "arn:aws:lambda:eu-west-1:123456789012:function:indexer"
	var cfg struct {
		LambdaFunctionConfigurations []struct {
			LambdaFunctionArn string
			Events            []string
			Filter            any
		}
	}
	text := strings.ReplaceAll(render(out["Value"]), "<"+indexer+".Arn>", fakeArn)
	if err := json.Unmarshal([]byte(text), &cfg); err != nil {
		t.Fatalf("output is not JSON once deployed: %v\n%s", err, text)
	}
	c := cfg.LambdaFunctionConfigurations
	if len(c) != 1 || c[0].LambdaFunctionArn != fakeArn || !reflect.DeepEqual(c[0].Events, []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}) || c[0].Filter != nil {
		t.Errorf("configuration %+v", cfg)
	}
	if _, dev := triggersTemplates(t)["dev"].Outputs[spec.OutputBucketNotifications("archive")]; dev {
		t.Error("dev creates the bucket with its notifications, yet outputs a configuration to set by hand")
	}
}

// s3Permissions lists the AWS::Lambda::Permission resources that let S3 invoke a function for the
// bucket named name (rendered), checking each is scoped by account and bucket ARN.
func (tp *template) s3Permissions(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, id := range tp.ofType("AWS::Lambda::Permission") {
		p := tp.Resources[id].Properties
		if p["Principal"] != "s3.amazonaws.com" || render(p["SourceArn"]) != "arn:<AWS::Partition>:s3:::"+name {
			continue
		}
		if render(p["SourceAccount"]) != "<AWS::AccountId>" || p["Action"] != "lambda:InvokeFunction" {
			t.Errorf("permission %s: %v", id, p)
		}
		out = append(out, id)
	}
	return out
}

func sortedIDs(tp *template) []string {
	var ids []string
	for id := range tp.Resources {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// dependencyCycle returns a cycle of resources (through Ref, Fn::GetAtt and DependsOn), or nil:
// CloudFormation refuses a template with one.
func (tp *template) dependencyCycle() []string {
	var raw struct {
		Resources map[string]map[string]any
	}
	_ = json.Unmarshal(tp.raw, &raw)
	deps := map[string][]string{}
	var refs func(v any, out *[]string)
	refs = func(v any, out *[]string) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["Ref"].(string); ok {
				*out = append(*out, r)
			}
			if g, ok := x["Fn::GetAtt"].([]any); ok {
				*out = append(*out, g[0].(string))
			}
			for _, e := range x {
				refs(e, out)
			}
		case []any:
			for _, e := range x {
				refs(e, out)
			}
		}
	}
	for id, r := range raw.Resources {
		var d []string
		refs(r["Properties"], &d)
		for _, x := range asList(r["DependsOn"]) {
			d = append(d, x.(string))
		}
		deps[id] = d
	}
	state := map[string]int{} // 1 visiting, 2 done
	var path []string
	var visit func(id string) []string
	visit = func(id string) []string {
		if _, ok := deps[id]; !ok {
			return nil // a pseudo parameter or parameter
		}
		switch state[id] {
		case 1:
			return append(slices.Clone(path), id)
		case 2:
			return nil
		}
		state[id] = 1
		path = append(path, id)
		for _, d := range deps[id] {
			if c := visit(d); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		state[id] = 2
		return nil
	}
	for _, id := range sortedIDs(tp) {
		if c := visit(id); c != nil {
			return c
		}
	}
	return nil
}

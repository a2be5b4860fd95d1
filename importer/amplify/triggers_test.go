package amplify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// Schedules, secrets and S3/DynamoDB triggers of Gen 1 functions come across wired, and the format
// variants of cli-inputs.json (authTriggerConnections, repeated gsi entries) import without failing.

func function(t *testing.T, app *spec.App, name string) spec.Function {
	t.Helper()
	for _, f := range app.Functions {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no function %s", name)
	return spec.Function{}
}

func notes(r Resource) string { return strings.Join(r.Notes, "\n") }

// TestScheduleImported: the function's CloudWatchRule parameter (parameters.json, or the env's
// team-provider-info.json, which wins) becomes its schedule; one EventBridge would refuse is reported.
func TestScheduleImported(t *testing.T) {
	for _, c := range []struct {
		name, params, tpi string
		tmplDefault       string // the template's Parameters.CloudWatchRule.Default, with no parameters.json value
		want              string // "" = not in the spec
		note              string
	}{
		{name: "parameters.json cron", params: "cron(0 12 * * ? *)", want: "cron(0 12 * * ? *)"},
		{name: "parameters.json rate", params: "rate(5 minutes)", want: "rate(5 minutes)"},
		{name: "team-provider-info wins", params: "rate(5 minutes)", tpi: "rate(1 day)", want: "rate(1 day)"},
		{name: "NONE", params: "NONE"},
		{name: "template default", tmplDefault: "rate(2 hours)", want: "rate(2 hours)"},
		{name: "refused", params: "rate(1 days)", note: "EventBridge wants the singular unit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, "Scott0275__PHCare")
			if c.params != "" {
				writeJSON(t, filepath.Join(dir, "amplify/backend/function/patientsLambda/parameters.json"), map[string]any{"CloudWatchRule": c.params})
			}
			if c.tmplDefault != "" {
				file := filepath.Join(dir, "amplify/backend/function/patientsLambda/patientsLambda-cloudformation-template.json")
				var tmpl map[string]any
				readJSONFile(t, file, &tmpl)
				tmpl["Parameters"].(map[string]any)["CloudWatchRule"].(map[string]any)["Default"] = c.tmplDefault
				writeJSON(t, file, tmpl)
			}
			if c.tpi != "" {
				file := filepath.Join(dir, "amplify/team-provider-info.json")
				var tpi map[string]map[string]any
				readJSONFile(t, file, &tpi)
				fns := tpi["test"]["categories"].(map[string]any)["function"].(map[string]any)
				fns["patientsLambda"].(map[string]any)["CloudWatchRule"] = c.tpi
				writeJSON(t, file, tpi)
			}
			res := importProject(t, dir, Options{})
			fn := function(t, loadSpec(t, dir, res), "patientsLambda")
			if fn.Schedule != c.want {
				t.Errorf("schedule %q, want %q", fn.Schedule, c.want)
			}
			r := resource(t, res, "function", "patientsLambda")
			if c.note != "" && !strings.Contains(notes(r), c.note) {
				t.Errorf("notes lack %q:\n%s", c.note, notes(r))
			}
			if strings.Contains(notes(r), "schedule") != (c.note != "") {
				t.Errorf("a schedule note iff the schedule is refused:\n%s", notes(r))
			}
		})
	}
}

// TestSecretsImported: function-parameters.json secretNames become SSM parameter secrets at Gen 1's
// path, with the app id from team-provider-info.json (the function's secretsPathAmplifyAppId, else
// the env's AmplifyAppId); without an app id they are reported.
func TestSecretsImported(t *testing.T) {
	const project = "ExcitingTheory__amplify-homework-supply"
	var tpi map[string]struct {
		AWS struct {
			AmplifyAppID string `json:"AmplifyAppId"`
		} `json:"awscloudformation"`
		Categories struct {
			Function map[string]map[string]string `json:"function"`
		} `json:"categories"`
	}
	readJSONFile(t, filepath.Join(corpusDir(t), project, "amplify/team-provider-info.json"), &tpi)
	for _, env := range []string{"demo", "main"} {
		t.Run(env, func(t *testing.T) {
			res, app, _ := importApp(t, project, Options{Env: env})
			n := 0
			for _, fn := range []string{"editorChat", "openai"} {
				var params struct {
					SecretNames []string `json:"secretNames"`
				}
				readJSONFile(t, filepath.Join(corpusDir(t), project, "amplify/backend/function", fn, "function-parameters.json"), &params)
				appID := tpi[env].Categories.Function[fn]["secretsPathAmplifyAppId"]
				if appID == "" {
					appID = tpi[env].AWS.AmplifyAppID
				}
				var want []spec.FunctionSecret
				for _, s := range params.SecretNames {
					want = append(want, spec.FunctionSecret{Env: s, SSMParameter: "/amplify/" + appID + "/" + env + "/AMPLIFY_" + fn + "_" + s})
				}
				n += len(want)
				if got := function(t, app, fn).Secrets; !reflect.DeepEqual(got, want) {
					t.Errorf("%s: secrets %+v, want %+v", fn, got, want)
				}
				if r := resource(t, res, "function", fn); strings.Contains(notes(r), "is not in the spec") && strings.Contains(notes(r), "secret") {
					t.Errorf("%s: a secret is reported as not translated:\n%s", fn, notes(r))
				}
			}
			if n == 0 {
				t.Fatal("the corpus changed: no function secrets")
			}
		})
	}
	t.Run("no app id", func(t *testing.T) {
		dir := copyProject(t, project)
		file := filepath.Join(dir, "amplify/team-provider-info.json")
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		data = []byte(strings.NewReplacer(`"AmplifyAppId"`, `"NoAppId"`, `"secretsPathAmplifyAppId"`, `"noSecretsPath"`).Replace(string(data)))
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res := importProject(t, dir, Options{Env: "demo"})
		if s := function(t, loadSpec(t, dir, res), "openai").Secrets; len(s) != 0 {
			t.Errorf("secrets %+v without an app id", s)
		}
		if r := resource(t, res, "function", "openai"); r.Status != StatusApproximated || !strings.Contains(notes(r), "the Amplify app id is not in the project files") {
			t.Errorf("%s:\n%s", r.Status, notes(r))
		}
	})
}

// TestS3TriggersWired: every corpus bucket with a triggerFunction (read here from its cli-inputs.json
// or parameters.json) invokes that function on created and removed objects, as Amplify's
// notification configuration did.
func TestS3TriggersWired(t *testing.T) {
	n := 0
	for _, project := range corpusProjects(t) {
		dirs, _ := filepath.Glob(filepath.Join(corpusDir(t), project, "amplify/backend/storage/*"))
		for _, dir := range dirs {
			var in struct {
				TriggerFunction string `json:"triggerFunction"`
			}
			file := filepath.Join(dir, "cli-inputs.json")
			if _, err := os.Stat(file); err != nil {
				file = filepath.Join(dir, "parameters.json")
			}
			if data, err := os.ReadFile(file); err != nil || json.Unmarshal(data, &in) != nil || in.TriggerFunction == "" || in.TriggerFunction == "NONE" {
				continue
			}
			n++
			t.Run(project, func(t *testing.T) {
				res, app, _ := importApp(t, project, Options{})
				bucket := specName(filepath.Base(dir))
				want := []spec.Event{{S3: bucket, On: []string{spec.S3Created, spec.S3Removed}}}
				if got := function(t, app, specName(in.TriggerFunction)).Events; !reflect.DeepEqual(got, want) {
					t.Errorf("%s events %+v, want %+v", in.TriggerFunction, got, want)
				}
				if strings.Contains(notes(resource(t, res, "storage", filepath.Base(dir))), "not expressible") {
					t.Error("the trigger is still reported as not expressible")
				}
			})
		}
	}
	if n < 2 {
		t.Fatalf("only %d S3 triggers in the corpus", n)
	}
}

// addStreamTrigger makes patientsLambda a stream trigger of the patients table, as amplify-cli writes
// one: the table's triggerFunctions and an event source mapping in the function's template.
func addStreamTrigger(t *testing.T, dir string, eventSourceArn any, batch int) {
	t.Helper()
	file := filepath.Join(dir, "amplify/backend/storage/patients/cli-inputs.json")
	var in map[string]any
	readJSONFile(t, file, &in)
	in["triggerFunctions"] = []any{"patientsLambda"}
	writeJSON(t, file, in)
	file = filepath.Join(dir, "amplify/backend/function/patientsLambda/patientsLambda-cloudformation-template.json")
	var tmpl map[string]any
	readJSONFile(t, file, &tmpl)
	tmpl["Resources"].(map[string]any)["LambdaEventSourceMappingpatients"] = map[string]any{
		"Type": "AWS::Lambda::EventSourceMapping",
		"Properties": map[string]any{"BatchSize": batch, "Enabled": true, "EventSourceArn": eventSourceArn,
			"FunctionName": map[string]any{"Fn::GetAtt": []any{"LambdaFunction", "Arn"}}, "StartingPosition": "LATEST"},
	}
	writeJSON(t, file, tmpl)
}

// TestDynamoDBTriggerWired: a table's stream trigger becomes a dynamodb event; an existing table
// needs its stream ARN (--stream), which the import cannot know, and says so without it.
func TestDynamoDBTriggerWired(t *testing.T) {
	const arn = "arn:aws:dynamodb:us-east-2:040280606943:table/patients-test/stream/2025-09-01T10:00:00.000"
	storageRef := map[string]any{"Ref": "storagepatientsStreamArn"}
	for _, c := range []struct {
		name    string
		source  any
		batch   int
		opts    Options
		wired   bool
		note    string
		wantErr string
	}{
		{name: "existing table without its stream ARN", source: storageRef, batch: 100, note: "import again with --stream patients=ARN (aws dynamodb describe-table --table-name patients-test"},
		{name: "existing table with --stream", source: storageRef, batch: 100, opts: Options{Streams: map[string]string{"patients": arn}}, wired: true},
		{name: "other batch size", source: storageRef, batch: 10, opts: Options{Streams: map[string]string{"patients": arn}}, wired: true, note: "read batches of 10 from LATEST"},
		{name: "new table", source: storageRef, batch: 100, opts: Options{Existing: map[string]string{"patients": ""}}, wired: true},
		{name: "AppSync model stream", source: map[string]any{"Fn::ImportValue": map[string]any{"Fn::Sub": "${apiX}:GetAtt:PostTable:StreamArn"}}, batch: 100, note: "the stream of an AppSync @model table invoked it"},
		{name: "stream of another table", source: storageRef, batch: 100, opts: Options{Streams: map[string]string{"patients": strings.Replace(arn, "patients-test", "other", 1)}}, wantErr: "--stream patients="},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, "Scott0275__PHCare")
			addStreamTrigger(t, dir, c.source, c.batch)
			if c.wantErr != "" {
				if _, err := Import(dir, c.opts); err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one with %q", err, c.wantErr)
				}
				return
			}
			if v, ok := c.opts.Existing["patients"]; ok && v == "" {
				// No team-provider-info value derives the table's name: the spec creates the table.
				file := filepath.Join(dir, "amplify/backend/storage/patients/cli-inputs.json")
				var in map[string]any
				readJSONFile(t, file, &in)
				delete(in, "tableName")
				writeJSON(t, file, in)
				c.opts.Existing = nil
			}
			res := importProject(t, dir, c.opts)
			app := loadSpec(t, dir, res)
			fn := function(t, app, "patientsLambda")
			wired := slices.ContainsFunc(fn.Events, func(e spec.Event) bool { return e.DynamoDB == "patients" })
			if wired != c.wired {
				t.Errorf("events %+v, wired %v, want %v", fn.Events, wired, c.wired)
			}
			if tb := table(t, app, "patients"); tb.ExistingName != "" && wired && tb.ExistingStreamARN != arn {
				t.Errorf("existing table's stream ARN %q, want %q", tb.ExistingStreamARN, arn)
			}
			r := resource(t, res, "function", "patientsLambda")
			if c.note != "" && !strings.Contains(notes(r), c.note) {
				t.Errorf("notes lack %q:\n%s", c.note, notes(r))
			}
			if strings.Contains(notes(resource(t, res, "storage", "patients")), "not expressible") {
				t.Error("the stream trigger is still reported as not expressible")
			}
		})
	}
}

// TestAuthTriggerConnectionsShapes: cli-inputs.json authTriggerConnections as amplify-cli versions
// wrote it (a list, the list JSON-encoded, a list of JSON-encoded entries) names the trigger's
// function; an entry that is no connection is reported and the import goes on.
func TestAuthTriggerConnectionsShapes(t *testing.T) {
	const project = "ExcitingTheory__amplify-homework-supply"
	const authFile = "amplify/backend/auth/japanese46739ab6b/cli-inputs.json"
	var orig struct {
		CognitoConfig struct {
			AuthTriggerConnections any `json:"authTriggerConnections"`
		} `json:"cognitoConfig"`
	}
	readJSONFile(t, filepath.Join(corpusDir(t), project, authFile), &orig)
	if _, ok := orig.CognitoConfig.AuthTriggerConnections.(string); !ok {
		t.Fatalf("the corpus changed: authTriggerConnections is %#v, not one JSON-encoded string", orig.CognitoConfig.AuthTriggerConnections)
	}
	// manageSection is no function the import would pick for PostConfirmation by its name or by
	// the auth resource's dependencies: only the connection names it.
	conn := map[string]any{"triggerType": "PostConfirmation", "lambdaFunctionName": "manageSection"}
	connJSON, _ := json.Marshal(conn)
	listJSON, _ := json.Marshal([]any{conn})
	for _, c := range []struct {
		name  string
		value any
		note  string
	}{
		{"list of objects", []any{conn}, ""},
		{"JSON-encoded list", string(listJSON), ""},
		{"list of JSON-encoded strings", []any{string(connJSON)}, ""},
		{"with an entry that is no connection", []any{"not json", string(connJSON), 42}, "authTriggerConnections[0] is not a trigger connection"},
		{"an object", map[string]any{"x": 1}, "is not a list of trigger connections"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, project)
			file := filepath.Join(dir, authFile)
			var in map[string]any
			readJSONFile(t, file, &in)
			in["cognitoConfig"].(map[string]any)["authTriggerConnections"] = c.value
			writeJSON(t, file, in)
			res := importProject(t, dir, Options{Env: "demo"})
			app := loadSpec(t, dir, res)
			got := map[string]string{}
			for _, tr := range app.Auth.UserPool.Triggers {
				got[tr.Operation] = tr.Function
			}
			want := "manageSection"
			if c.note == "is not a list of trigger connections" {
				want = "japanese46739ab6bPostConfirmation" // found by name instead
			}
			if got["postConfirmation"] != want {
				t.Errorf("postConfirmation -> %q, want %q", got["postConfirmation"], want)
			}
			if r := resource(t, res, "auth", "japanese46739ab6b"); c.note != "" && !strings.Contains(notes(r), c.note) {
				t.Errorf("notes lack %q:\n%s", c.note, notes(r))
			}
		})
	}
}

// TestRepeatedGSI: an index listed twice identically is imported once; twice with different keys, the
// first is kept and the conflict reported. The import never fails on it.
func TestRepeatedGSI(t *testing.T) {
	byRoom := map[string]any{"name": "byRoom", "partitionKey": map[string]any{"fieldName": "room", "fieldType": "string"}}
	byRoomSorted := map[string]any{"name": "byRoom", "partitionKey": map[string]any{"fieldName": "room", "fieldType": "string"}, "sortKey": map[string]any{"fieldName": "timestamp", "fieldType": "number"}}
	bySender := map[string]any{"name": "bySender", "partitionKey": map[string]any{"fieldName": "sender", "fieldType": "string"}}
	for _, c := range []struct {
		name   string
		gsi    []any
		want   []string
		status Status
		note   string
	}{
		{"identical", []any{byRoom, bySender, byRoom}, []string{"byRoom room:string", "bySender sender:string"}, "", "index byRoom is listed twice, identically"},
		{"conflicting", []any{byRoom, byRoomSorted}, []string{"byRoom room:string"}, StatusApproximated, "index byRoom is listed twice with different keys"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, "Scott0275__PHCare")
			file := filepath.Join(dir, "amplify/backend/storage/chatmessages/cli-inputs.json")
			var in map[string]any
			readJSONFile(t, file, &in)
			in["gsi"] = c.gsi
			writeJSON(t, file, in)
			res := importProject(t, dir, Options{})
			if got := indexes(table(t, loadSpec(t, dir, res), "chatmessages")); !slices.Equal(got, c.want) {
				t.Errorf("indexes %q, want %q", got, c.want)
			}
			r := resource(t, res, "storage", "chatmessages")
			if !strings.Contains(notes(r), c.note) || (c.status != "" && r.Status != c.status) {
				t.Errorf("%s, notes:\n%s\nwant %q", r.Status, notes(r), c.note)
			}
		})
	}
}

package stacks_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/importer/amplify"
	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

// The Amplify Gen 1 corpus (real projects' amplify/ JSON files) is vendored with the importer's tests.
const corpusDir = "../importer/amplify/testdata/corpus"

// importedProject is one corpus project imported, loaded and synthesized.
type importedProject struct {
	name string
	src  string // the corpus project: its settings are read from here
	dir  string // the project copy, with the spec and stub function sources (gone after the first test)
	res  *amplify.Result
	app  *spec.App
	tpl  *template
}

var corpusCache []*importedProject

// importedCorpus imports every corpus project (its current env, or its first when it has several),
// writes the spec into a copy of the project, loads it, and synthesizes every app in one CDK app
// with cdk-nag on, failing on any error annotation. Done once per test binary.
func importedCorpus(t *testing.T) []*importedProject {
	t.Helper()
	if corpusCache != nil {
		return corpusCache
	}
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	var projects []*importedProject
	var apps []*spec.App
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		src := filepath.Join(corpusDir, e.Name())
		p := &importedProject{name: e.Name(), src: src, dir: spectest.CopyTree(t, src)}
		res, err := amplify.Import(p.dir, amplify.Options{})
		var envErr *amplify.EnvError
		if errors.As(err, &envErr) {
			res, err = amplify.Import(p.dir, amplify.Options{Env: envErr.Envs[0]})
		}
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		p.res = res
		// The corpus holds no function code (JSON only): a one-line handler stands in for each src folder.
		spectest.StubSources(t, p.dir, res.Sources)
		path := filepath.Join(p.dir, "app.yaml")
		if err := os.WriteFile(path, res.Spec, 0o644); err != nil {
			t.Fatal(err)
		}
		if p.app, err = spec.Load(path, res.Stage); err != nil {
			t.Fatalf("%s: the imported spec does not validate:\n%v", p.name, err)
		}
		projects = append(projects, p)
		apps = append(apps, p.app)
	}
	templates := synthApps(t, apps)
	for _, p := range projects {
		p.tpl = parseTemplate(t, templates[p.app.StackName()])
	}
	corpusCache = projects
	return projects
}

// readJSON reads a corpus project's JSON file into v; false when the file is not there.
func readJSON(t *testing.T, path string, v any) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return true
}

// TestCorpusImportsAndSynthesizes: every corpus project imports, validates and synthesizes (cdk-nag
// on, no error annotation), and the counts add up.
func TestCorpusImportsAndSynthesizes(t *testing.T) {
	projects := importedCorpus(t)
	var sum amplify.Counts
	for _, p := range projects {
		c := p.res.Counts()
		sum.Translated += c.Translated
		sum.Approximated += c.Approximated
		sum.OutOfScope += c.OutOfScope
		sum.Missing += c.Missing
		if len(p.tpl.Resources) == 0 {
			t.Errorf("%s: no resources: CloudFormation refuses a template without any", p.name)
		}
	}
	t.Logf("corpus: %d projects synthesized; resources: %d translated, %d approximated, %d out of scope, %d missing (total %d)",
		len(projects), sum.Translated, sum.Approximated, sum.OutOfScope, sum.Missing, sum.Total())
	if len(projects) < 30 {
		t.Errorf("only %d corpus projects", len(projects))
	}
}

// TestCorpusGroups: a project's user pool groups (userPoolGroups/user-pool-group-precedence.json)
// become AWS::Cognito::UserPoolGroup with their precedence, or, for a pool the stage references,
// group role rules on cognito:groups.
func TestCorpusGroups(t *testing.T) {
	checked := 0
	for _, p := range importedCorpus(t) {
		var groups []struct {
			GroupName  string `json:"groupName"`
			Precedence *int   `json:"precedence"`
		}
		if !readJSON(t, filepath.Join(p.src, "amplify/backend/auth/userPoolGroups/user-pool-group-precedence.json"), &groups) || len(groups) == 0 {
			continue
		}
		if p.app.Auth == nil || p.app.Auth.UserPool == nil {
			t.Errorf("%s: has groups but no user pool", p.name)
			continue
		}
		checked++
		if p.app.Auth.UserPool.Existing != nil {
			if len(p.tpl.ofType("AWS::Cognito::UserPoolGroup")) != 0 {
				t.Errorf("%s: creates groups on an existing pool", p.name)
			}
			continue
		}
		got := map[string]float64{}
		for _, id := range p.tpl.ofType("AWS::Cognito::UserPoolGroup") {
			props := p.tpl.Resources[id].Properties
			got[props["GroupName"].(string)], _ = props["Precedence"].(float64)
		}
		for _, g := range groups {
			prec, ok := got[g.GroupName]
			if !ok {
				t.Errorf("%s: group %q is not an AWS::Cognito::UserPoolGroup (have %v)", p.name, g.GroupName, got)
			} else if g.Precedence != nil && prec != float64(*g.Precedence) {
				t.Errorf("%s: group %q precedence %v, want %d", p.name, g.GroupName, prec, *g.Precedence)
			}
		}
		if len(got) != len(groups) {
			t.Errorf("%s: %d groups in the template, %d in the project", p.name, len(got), len(groups))
		}
	}
	t.Logf("%d projects with groups checked", checked)
	if checked < 10 {
		t.Errorf("only %d projects with groups checked", checked)
	}
}

// TestCorpusGuestReadableStorage: an S3 resource whose Amplify settings let guests read (v7 guestAccess
// READ, legacy s3:GetObject in the unauthenticated permissions) grants the guest role s3:GetObject on
// public/* of that bucket.
func TestCorpusGuestReadableStorage(t *testing.T) {
	checked := 0
	for _, p := range importedCorpus(t) {
		for _, b := range p.app.Buckets {
			folder := filepath.Join(p.src, "amplify/backend/storage", b.Name)
			var v7 struct {
				GuestAccess []string `json:"guestAccess"`
			}
			var legacy map[string]any
			guestRead := false
			if readJSON(t, filepath.Join(folder, "cli-inputs.json"), &v7) {
				guestRead = slices.Contains(v7.GuestAccess, "READ")
			} else if readJSON(t, filepath.Join(folder, "parameters.json"), &legacy) {
				// s3PermissionsGuestPublic (a comma list or DISALLOW) is what the template used; very old
				// projects only have selectedGuestPermissions.
				key := "s3PermissionsGuestPublic"
				if _, ok := legacy[key]; !ok {
					key = "selectedGuestPermissions"
				}
				s, _ := json.Marshal(legacy[key])
				guestRead = strings.Contains(string(s), "s3:GetObject")
			}
			// Guest permissions only mean something when the identity pool hands out guest credentials.
			if !guestRead || !guestsAllowed(t, p.src) {
				continue
			}
			checked++
			_, guest, _ := roles(t, p.tpl)
			if guest == "" {
				t.Errorf("%s: storage %s is guest-readable but there is no guest role", p.name, b.Name)
				continue
			}
			docs := policiesOf(t, p.tpl, guest)
			if !strings.Contains(docs, `"s3:GetObject"`) || !strings.Contains(docs, "/public/*") {
				t.Errorf("%s: guest role cannot s3:GetObject public/* of %s: %s", p.name, b.Name, docs)
			}
		}
	}
	t.Logf("%d guest-readable buckets checked", checked)
	if checked < 3 {
		t.Errorf("only %d guest-readable buckets checked", checked)
	}
}

// TestCorpusExistingResources: a resource the project imported from elsewhere (serviceType imported,
// its ids in team-provider-info.json) is referenced by its id, never created.
func TestCorpusExistingResources(t *testing.T) {
	checked := 0
	for _, p := range importedCorpus(t) {
		for _, r := range p.res.Resources {
			if !r.Imported || r.Existing == "" {
				continue
			}
			checked++
			switch r.Category {
			case "auth":
				if ids := p.tpl.ofType("AWS::Cognito::UserPool"); len(ids) != 0 {
					t.Errorf("%s: imported auth %s is created: %v", p.name, r.Name, ids)
				}
				if got := p.tpl.Outputs[spec.OutputUserPoolID]["Value"]; got != r.Existing {
					t.Errorf("%s: UserPoolId output %v, want the existing %s", p.name, got, r.Existing)
				}
			case "storage":
				if !strings.Contains(string(p.tpl.raw), r.Existing) {
					t.Errorf("%s: existing %s %s is not referenced", p.name, r.Name, r.Existing)
				}
				for _, typ := range []string{"AWS::S3::Bucket", "AWS::DynamoDB::Table"} {
					for _, id := range p.tpl.ofType(typ) {
						if strings.Contains(strings.ToLower(id), strings.ToLower(r.Name)) {
							t.Errorf("%s: existing %s is created as %s", p.name, r.Name, id)
						}
					}
				}
			}
		}
	}
	t.Logf("%d imported resources checked", checked)
	if checked < 4 {
		t.Errorf("only %d imported resources checked", checked)
	}
}

// TestCorpusRestPaths: every REST path's Amplify permission setting comes out: open paths are
// authorization NONE, private and protected ones AWS_IAM, and a protected path's guest methods are
// granted to the guest role.
func TestCorpusRestPaths(t *testing.T) {
	checked := 0
	for _, p := range importedCorpus(t) {
		for _, api := range p.app.APIs {
			var in struct {
				Paths map[string]struct {
					Permissions struct {
						Setting string `json:"setting"`
					} `json:"permissions"`
				} `json:"paths"`
			}
			if !readJSON(t, filepath.Join(p.src, "amplify/backend/api", api.Name, "cli-inputs.json"), &in) {
				continue
			}
			// AdminQueries says "private" in cli-inputs.json, but backend-config.json gives it a Cognito
			// authorizer: that is what Amplify deployed.
			var backend struct {
				API map[string]struct {
					AuthorizationType string `json:"authorizationType"`
				} `json:"api"`
			}
			readJSON(t, filepath.Join(p.src, "amplify/backend/backend-config.json"), &backend)
			protected := "AWS_IAM"
			if backend.API[api.Name].AuthorizationType == "AMAZON_COGNITO_USER_POOLS" {
				protected = "COGNITO_USER_POOLS"
			}
			methods := p.tpl.methods()
			paths := make([]string, 0, len(in.Paths))
			for path := range in.Paths {
				paths = append(paths, path)
			}
			sort.Strings(paths)
			for _, path := range paths {
				want := map[string]string{"open": "NONE", "private": protected, "protected": protected}[in.Paths[path].Permissions.Setting]
				if want == "" {
					continue
				}
				checked++
				found := false
				for _, m := range methods {
					if m.Verb != "OPTIONS" && (m.Path == path || strings.HasPrefix(m.Path, path+"/")) {
						found = true
						if m.AuthType != want {
							t.Errorf("%s: %s %s is %s, want %s (Amplify: %s)", p.name, m.Verb, m.Path, m.AuthType, want, in.Paths[path].Permissions.Setting)
						}
					}
				}
				if !found {
					t.Errorf("%s: path %s of API %s has no method", p.name, path, api.Name)
				}
			}
		}
	}
	t.Logf("%d REST paths checked", checked)
	if checked < 5 {
		t.Errorf("only %d REST paths checked", checked)
	}
}

// guestsAllowed reads allowUnauthenticatedIdentities from the project's auth resource (v7 cli-inputs.json
// cognitoConfig, or legacy parameters.json).
func guestsAllowed(t *testing.T, project string) bool {
	t.Helper()
	folders, _ := filepath.Glob(filepath.Join(project, "amplify/backend/auth/*"))
	for _, f := range folders {
		var v7 struct {
			CognitoConfig struct {
				Allow *bool `json:"allowUnauthenticatedIdentities"`
			} `json:"cognitoConfig"`
		}
		var legacy struct {
			Allow *bool `json:"allowUnauthenticatedIdentities"`
		}
		if readJSON(t, filepath.Join(f, "cli-inputs.json"), &v7) && v7.CognitoConfig.Allow != nil {
			return *v7.CognitoConfig.Allow
		}
		if readJSON(t, filepath.Join(f, "parameters.json"), &legacy) && legacy.Allow != nil {
			return *legacy.Allow
		}
	}
	return false
}

// TestCorpusTables: a DynamoDB resource's keys (v7 cli-inputs.json, legacy parameters.json) are the
// spec table's keys, and the template either creates the table with that key schema or, for an
// existing table, creates none and grants the functions that use it on its name.
func TestCorpusTables(t *testing.T) {
	checked := 0
	for _, p := range importedCorpus(t) {
		for _, tbl := range p.app.Tables {
			folder := filepath.Join(p.src, "amplify/backend/storage", tbl.Name)
			var v7 struct {
				PartitionKey struct{ FieldName string }  `json:"partitionKey"`
				SortKey      *struct{ FieldName string } `json:"sortKey"`
			}
			var legacy struct {
				PartitionKeyName, SortKeyName string
			}
			var pk, sk string
			switch {
			case readJSON(t, filepath.Join(folder, "cli-inputs.json"), &v7):
				pk = v7.PartitionKey.FieldName
				if v7.SortKey != nil {
					sk = v7.SortKey.FieldName
				}
			case readJSON(t, filepath.Join(folder, "parameters.json"), &legacy):
				pk, sk = legacy.PartitionKeyName, legacy.SortKeyName
			}
			if pk == "" {
				continue // an imported table: its keys are not in the project
			}
			checked++
			if tbl.PartitionKey.Name != pk || (sk != "") != (tbl.SortKey != nil) || (tbl.SortKey != nil && tbl.SortKey.Name != sk) {
				t.Errorf("%s: table %s keys %v/%v, Amplify's %s/%s", p.name, tbl.Name, tbl.PartitionKey, tbl.SortKey, pk, sk)
			}
			created := p.tpl.ofType("AWS::DynamoDB::Table")
			if tbl.ExistingName != "" {
				if len(created) != 0 {
					t.Errorf("%s: existing table %s, yet the template creates %v", p.name, tbl.ExistingName, created)
				}
				for _, fn := range p.app.Functions {
					for _, g := range fn.Access {
						if g.Storage == tbl.Name && !strings.Contains(string(p.tpl.raw), ":table/"+tbl.ExistingName+`"`) {
							t.Errorf("%s: function %s is not granted table %s", p.name, fn.Name, tbl.ExistingName)
						}
					}
				}
				continue
			}
			found := false
			for _, id := range created {
				if ks := string(mustJSON(t, p.tpl.Resources[id].Properties["KeySchema"])); strings.Contains(ks, `"AttributeName":"`+pk+`","KeyType":"HASH"`) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no table with partition key %s", p.name, pk)
			}
		}
	}
	t.Logf("%d tables checked", checked)
	if checked < 5 {
		t.Errorf("only %d tables checked", checked)
	}
}

// TestCorpusTriggersAndSecrets: what invoked a corpus function in Amplify invokes it in the stack, and
// its Gen 1 secrets are readable, read independently of the importer from the project files: a
// bucket's triggerFunction gets an S3 permission scoped to that bucket and the bucket's notification
// configuration (an existing bucket: the stack output to set on it); a function's secretNames give an
// ssm:GetParameter grant on exactly /amplify/<appId>/<env>/AMPLIFY_<function>_<NAME>.
func TestCorpusTriggersAndSecrets(t *testing.T) {
	triggers, secrets := 0, 0
	for _, p := range importedCorpus(t) {
		fnID := func(name string) string {
			for _, id := range p.tpl.ofType("AWS::Lambda::Function") {
				if p.tpl.Resources[id].Properties["Description"] == "underhood "+p.app.Name+" function "+amplifySpecName(name) {
					return id
				}
			}
			t.Fatalf("%s: no function %s", p.name, name)
			return ""
		}
		dirs, _ := filepath.Glob(filepath.Join(p.src, "amplify/backend/storage/*"))
		for _, dir := range dirs {
			var in struct {
				TriggerFunction string `json:"triggerFunction"`
			}
			if !readJSON(t, filepath.Join(dir, "cli-inputs.json"), &in) {
				readJSON(t, filepath.Join(dir, "parameters.json"), &in)
			}
			if in.TriggerFunction == "" || in.TriggerFunction == "NONE" {
				continue
			}
			triggers++
			fn := fnID(in.TriggerFunction)
			bucket := amplifySpecName(filepath.Base(dir))
			var perms []string
			for _, id := range p.tpl.ofType("AWS::Lambda::Permission") {
				pr := p.tpl.Resources[id].Properties
				if pr["Principal"] == "s3.amazonaws.com" && render(pr["FunctionName"]) == "<"+fn+".Arn>" && render(pr["SourceAccount"]) == "<AWS::AccountId>" {
					perms = append(perms, render(pr["SourceArn"]))
				}
			}
			if len(perms) != 1 {
				t.Errorf("%s: S3 permissions for %s: %v, want one", p.name, in.TriggerFunction, perms)
				continue
			}
			if out, ok := p.tpl.Outputs[spec.OutputBucketNotifications(bucket)]; ok {
				if !strings.Contains(render(out["Value"]), "<"+fn+".Arn>") || !strings.HasSuffix(perms[0], ":::"+bucketOf(p.app, bucket)) {
					t.Errorf("%s: existing bucket %s: output %v, permission for %s", p.name, bucket, out, perms[0])
				}
				continue
			}
			found := false
			for _, id := range p.tpl.ofType("AWS::S3::Bucket") {
				props := p.tpl.Resources[id].Properties
				if "arn:<AWS::Partition>:s3:::"+render(props["BucketName"]) != perms[0] {
					continue
				}
				found = true
				got, _ := json.Marshal(props["NotificationConfiguration"])
				for _, ev := range []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"} {
					if !strings.Contains(string(got), `{"Event":"`+ev+`","Function":{"Fn::GetAtt":["`+fn+`","Arn"]}}`) {
						t.Errorf("%s: bucket %s does not send %s to %s: %s", p.name, bucket, ev, in.TriggerFunction, got)
					}
				}
			}
			if !found {
				t.Errorf("%s: no bucket named as the permission %s says", p.name, perms[0])
			}
		}
		fnDirs, _ := filepath.Glob(filepath.Join(p.src, "amplify/backend/function/*"))
		for _, dir := range fnDirs {
			var params struct {
				SecretNames []string `json:"secretNames"`
			}
			if !readJSON(t, filepath.Join(dir, "function-parameters.json"), &params) || len(params.SecretNames) == 0 {
				continue
			}
			var tpi map[string]struct {
				AWS struct {
					AmplifyAppID string `json:"AmplifyAppId"`
				} `json:"awscloudformation"`
				Categories struct {
					Function map[string]map[string]string `json:"function"`
				} `json:"categories"`
			}
			readJSON(t, filepath.Join(p.src, "amplify/team-provider-info.json"), &tpi)
			env := p.res.Env
			appID := tpi[env].Categories.Function[filepath.Base(dir)]["secretsPathAmplifyAppId"]
			if appID == "" {
				appID = tpi[env].AWS.AmplifyAppID
			}
			fn := fnID(filepath.Base(dir))
			grants := strings.Join(p.tpl.grants(t, p.tpl.roleOf(t, fn)), "\n")
			for _, s := range params.SecretNames {
				secrets++
				want := "ssm:GetParameter,ssm:GetParameters on arn:<AWS::Partition>:ssm:" + p.app.Region + ":<AWS::AccountId>:parameter/amplify/" + appID + "/" + env + "/AMPLIFY_" + filepath.Base(dir) + "_" + s
				if !strings.Contains(grants+"\n", want+"\n") {
					t.Errorf("%s: %s lacks the grant\n  %s\nhas\n  %s", p.name, filepath.Base(dir), want, grants)
				}
			}
		}
	}
	t.Logf("%d S3 triggers and %d function secrets checked", triggers, secrets)
	if triggers < 2 || secrets < 1 {
		t.Errorf("only %d triggers and %d secrets in the corpus", triggers, secrets)
	}
}

// amplifySpecName is the importer's rule for spec names: the letters and digits of the Amplify name.
func amplifySpecName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func bucketOf(app *spec.App, name string) string {
	for _, b := range app.Buckets {
		if b.Name == name {
			return b.ExistingName
		}
	}
	return ""
}

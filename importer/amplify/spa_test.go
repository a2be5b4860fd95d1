package amplify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/internal/golden"
	"github.com/underhood-dev/underhood/spec"
)

// The real-SPA fixtures (testdata/spa, see its README): aws-exports.js files that corpus projects
// committed. Each project is imported with its file in place (so with the file's ids), the SPA's
// configuration is written from stack outputs that hold the file's original values under the
// output-key contract (spec/outputs.go), and every key of the original must come out with the same
// meaning. Only an empty oauth: {} and federationTarget may go.

var spaFixtures = []struct {
	project, env string
	localEnv     string // written to amplify/.config/local-env-info.json (the checked-out env)
}{
	{"CapgeminiNorway__techradar", "dev", "dev"},
	{"Chris-Gan__data-foundry-test", "dev", ""},
	{"Codemarket2__bizboostar", "dev", ""},
	{"DanePete__ConnectSmart", "main", ""},
	{"J2S2-Enterprise-Project-Group__micro-covid-counter", "dev", ""},
	{"Seconds-Technologies__seconds-client", "dev", ""},
	{"UBC-Meetable__code", "dev", ""},
	{"sysco-mini-project__web-app", "dev", ""},
}

// spaImport imports a corpus project with a fixture's aws-exports.js in place.
func spaImport(t *testing.T, project, env, localEnv string) (*Result, *spec.App, map[string]json.RawMessage) {
	t.Helper()
	original, err := os.ReadFile(filepath.Join("testdata", "spa", project, "aws-exports.js"))
	if err != nil {
		t.Fatal(err)
	}
	dir := copyProject(t, project)
	var pc struct {
		JavaScript struct {
			Config struct{ SourceDir string } `json:"config"`
		} `json:"javascript"`
	}
	readJSONFile(t, filepath.Join(dir, "amplify/.config/project-config.json"), &pc)
	src := filepath.Join(dir, filepath.FromSlash(pc.JavaScript.Config.SourceDir))
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "aws-exports.js"), original, 0o644); err != nil {
		t.Fatal(err)
	}
	if localEnv != "" {
		if err := os.WriteFile(filepath.Join(dir, "amplify/.config/local-env-info.json"), []byte(`{"envName":"`+localEnv+`"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Import(dir, Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	app := loadSpec(t, dir, res)
	obj, err := emit.ParseAWSExports(original)
	if err != nil {
		t.Fatal(err)
	}
	var orig map[string]json.RawMessage
	if err := json.Unmarshal(obj, &orig); err != nil {
		t.Fatal(err)
	}
	return res, app, orig
}

func jstr(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	if raw == nil {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is not a string", raw)
	}
	return s
}

func TestRealSPAConfigKeepsEveryKey(t *testing.T) {
	for _, fx := range spaFixtures {
		t.Run(fx.project, func(t *testing.T) {
			res, app, orig := spaImport(t, fx.project, fx.env, fx.localEnv)
			for _, w := range res.Warnings {
				if strings.HasPrefix(w, "NEW USER POOL") || strings.HasPrefix(w, "NEW IDENTITY POOL") || strings.HasPrefix(w, "NEW BUCKET") {
					t.Errorf("the file's ids were not used: %s", w)
				}
			}
			// The stage references the file's ids.
			up := app.Auth.UserPool.Existing
			if up == nil || up.ID != jstr(t, orig["aws_user_pools_id"]) || up.ClientID != jstr(t, orig["aws_user_pools_web_client_id"]) {
				t.Fatalf("existing user pool %+v, want the file's %s / %s", up, orig["aws_user_pools_id"], orig["aws_user_pools_web_client_id"])
			}
			if id := jstr(t, orig["aws_cognito_identity_pool_id"]); id != "" && (app.Auth.IdentityPool == nil || app.Auth.IdentityPool.ExistingID != id) {
				t.Errorf("existing identity pool %+v, want %s", app.Auth.IdentityPool, id)
			}

			// Stack outputs under the contract, holding the file's values.
			outputs := map[string]string{spec.OutputRegion: jstr(t, orig["aws_project_region"]),
				spec.OutputUserPoolID: up.ID, spec.OutputClientID: up.ClientID}
			if app.Auth.IdentityPool != nil {
				outputs[spec.OutputIdentityPoolID] = app.Auth.IdentityPool.ExistingID
			}
			if app.Auth.UserPool.HostedUI != nil {
				outputs[spec.OutputHostedUIDomain] = up.Domain
			}
			var rest []struct{ Name, Endpoint, Region string }
			_ = json.Unmarshal(orig["aws_cloud_logic_custom"], &rest)
			for _, api := range app.APIs {
				for _, r := range rest {
					if specName(r.Name) == api.Name {
						outputs[spec.OutputAPIURL(api.Name)] = r.Endpoint + "/"
					}
				}
			}
			for _, b := range app.Buckets {
				outputs[spec.OutputBucketName(b.Name)] = b.ExistingName
			}
			for _, tb := range app.Tables {
				outputs[spec.OutputTableName(tb.Name)] = tb.ExistingName
			}
			key := jstr(t, orig["aws_appsync_apiKey"])
			cfg, err := emit.NewWith(app, emit.StackOutputs{app.StackName(): outputs}, emit.Options{Source: "app.yaml",
				Secret: func(ref spec.ValueRef) (string, error) {
					if want := res.App + "/" + fx.env + "/graphql-api-key"; ref.SecretsManager != want || key == "" {
						return "", fmt.Errorf("unexpected secret %+v (want %s)", ref, want)
					}
					return key, nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			js, err := cfg.Render(emit.FormatAWSExports, "src/aws-exports.js")
			if err != nil {
				t.Fatal(err)
			}
			outputsJSON, err := cfg.Render(emit.FormatAmplifyOutputs, "amplify_outputs.json")
			if err != nil {
				t.Fatal(err)
			}
			obj, err := emit.ParseAWSExports(js)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal(obj, &got); err != nil {
				t.Fatal(err)
			}
			for _, problem := range compareGen1(t, orig, got) {
				t.Error(problem)
			}
			// underhood config would take the file over without complaint.
			if unknown, err := emit.UnknownKeys(emit.FormatAWSExports, mustRead(t, filepath.Join("testdata", "spa", fx.project, "aws-exports.js")), js, res.Stage); err != nil || len(unknown) > 0 {
				t.Errorf("config would refuse the SPA's file: %v %v", unknown, err)
			}

			// The generated files (the client test loads them with amplify-js) and the report.
			var report bytes.Buffer
			if err := res.WriteReport(&report); err != nil {
				t.Fatal(err)
			}
			for _, g := range []struct {
				name string
				data []byte
			}{{"generated/aws-exports.js", js}, {"generated/amplify_outputs.json", outputsJSON}, {"app.yaml", res.Spec}, {"report.txt", report.Bytes()}} {
				golden.Check(t, filepath.Join("testdata", "spa", fx.project, g.name), g.data)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// compareGen1 lists every key of orig that got lacks or holds with another meaning. Equal JSON is the
// same meaning; the exceptions are spelled out: Gen 1's empty oauth: {} and federationTarget configure
// nothing, REST APIs and tables are compared by name, and aws_cognito_mfa_types is ignored when
// aws_cognito_mfa_configuration is OFF in both (amplify-cli writes its default ["SMS"] for pools
// without MFA, and amplify-js asks for no second factor whatever the types; the spec has no MFA
// methods without MFA).
func compareGen1(t *testing.T, orig, got map[string]json.RawMessage) []string {
	t.Helper()
	var problems []string
	for _, k := range slices.Sorted(maps.Keys(orig)) {
		o, g := orig[k], got[k]
		switch {
		case k == "federationTarget":
			continue
		case k == "oauth" && string(bytes.TrimSpace(o)) == "{}":
			continue
		case g == nil:
			problems = append(problems, fmt.Sprintf("%s: missing (original %s)", k, o))
			continue
		case k == "aws_cloud_logic_custom":
			problems = append(problems, compareByName(t, k, "name", o, g)...)
			continue
		case k == "aws_dynamodb_table_schemas":
			problems = append(problems, compareByName(t, k, "tableName", o, g)...)
			continue
		case k == "aws_cognito_mfa_types" && jstr(t, orig["aws_cognito_mfa_configuration"]) == "OFF" && jstr(t, got["aws_cognito_mfa_configuration"]) == "OFF":
			continue
		}
		if !jsonEqual(t, o, g) {
			problems = append(problems, fmt.Sprintf("%s: %s, original %s", k, g, o))
		}
	}
	return problems
}

func compareByName(t *testing.T, key, id string, o, g json.RawMessage) []string {
	t.Helper()
	var ol, gl []map[string]any
	if err := json.Unmarshal(o, &ol); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(g, &gl); err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, oe := range ol {
		i := slices.IndexFunc(gl, func(ge map[string]any) bool { return ge[id] == oe[id] })
		if i < 0 {
			problems = append(problems, fmt.Sprintf("%s: no entry %s=%v", key, id, oe[id]))
			continue
		}
		ob, _ := json.Marshal(oe)
		gb, _ := json.Marshal(gl[i])
		if !bytes.Equal(ob, gb) {
			problems = append(problems, fmt.Sprintf("%s[%s=%v]: %s, original %s", key, id, oe[id], gb, ob))
		}
	}
	return problems
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		t.Fatalf("not JSON: %s / %s", a, b)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

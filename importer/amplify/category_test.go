package amplify

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

// These tests read the corpus' own settings with encoding/json, independently of the importer, and
// check that they come out in the spec model (spec.App from spec.Load).

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// importApp imports a copy of a corpus project (with opts) and loads its spec.
func importApp(t *testing.T, project string, opts Options) (*Result, *spec.App, string) {
	t.Helper()
	dir := copyProject(t, project)
	res := importProject(t, dir, opts)
	return res, loadSpec(t, dir, res), dir
}

func resource(t *testing.T, res *Result, cat, name string) Resource {
	t.Helper()
	for _, r := range res.Resources {
		if r.Category == cat && r.Name == name {
			return r
		}
	}
	t.Fatalf("no resource %s/%s in the result", cat, name)
	return Resource{}
}

func route(t *testing.T, app *spec.App, api, key string) spec.Route {
	t.Helper()
	for _, a := range app.APIs {
		if a.Name != api {
			continue
		}
		for _, r := range a.Routes {
			if r.Key() == key {
				return r
			}
		}
		t.Fatalf("API %s has no route %q", api, key)
	}
	t.Fatalf("no API %s", api)
	return spec.Route{}
}

func TestGroupsAndPrecedence(t *testing.T) {
	n := 0
	for _, project := range corpusProjects(t) {
		file := filepath.Join(corpusDir(t), project, "amplify/backend/auth/userPoolGroups/user-pool-group-precedence.json")
		if _, err := os.Stat(file); err != nil {
			continue
		}
		n++
		t.Run(project, func(t *testing.T) {
			var want []struct {
				GroupName  string `json:"groupName"`
				Precedence int    `json:"precedence"`
			}
			readJSONFile(t, file, &want)
			_, app, _ := importApp(t, project, Options{})
			got := map[string]int{}
			for _, g := range app.Auth.UserPool.Groups {
				got[g.Name] = -1 // the importer always writes one
				if g.Precedence != nil {
					got[g.Name] = *g.Precedence
				}
			}
			if len(got) != len(want) {
				t.Errorf("groups %v, want %v", got, want)
			}
			for _, g := range want {
				if p, ok := got[g.GroupName]; !ok || p != g.Precedence {
					t.Errorf("group %s: precedence %d (present %v), want %d", g.GroupName, p, ok, g.Precedence)
				}
			}
			if app.Auth.IdentityPool != nil && !app.Auth.IdentityPool.GroupRoles {
				t.Errorf("groups with an identity pool should get group roles")
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d projects with groups; the corpus has more", n)
	}
}

// TestUsernameAttributesCommaJoined: ["email, phone_number"] is one comma-joined entry meaning both.
func TestUsernameAttributesCommaJoined(t *testing.T) {
	for _, c := range []struct{ project, file string }{
		{"UBC-Meetable__code", "amplify/backend/auth/meetablea02db50ea02db50e/parameters.json"},
		{"VanquishDev__app-sls-applick-clientes", "amplify/backend/auth/AuthCognito/cli-inputs.json"},
	} {
		t.Run(c.project, func(t *testing.T) {
			var raw struct {
				UsernameAttributes []string `json:"usernameAttributes"`
				CognitoConfig      struct {
					UsernameAttributes []string `json:"usernameAttributes"`
				} `json:"cognitoConfig"`
			}
			readJSONFile(t, filepath.Join(corpusDir(t), c.project, c.file), &raw)
			attrs := append(raw.UsernameAttributes, raw.CognitoConfig.UsernameAttributes...)
			if len(attrs) != 1 || !strings.Contains(attrs[0], ",") {
				t.Fatalf("the corpus changed: usernameAttributes %q is no longer one comma-joined entry", attrs)
			}
			_, app, _ := importApp(t, c.project, Options{})
			if got := app.Auth.UserPool.SignInWith; !slices.Equal(got, []string{"email", "phone"}) {
				t.Errorf("signInWith %v, want [email phone]", got)
			}
		})
	}
}

// TestTriggersJSONString: parameters.json keeps triggers as a JSON-encoded string.
func TestTriggersJSONString(t *testing.T) {
	for _, c := range []struct {
		project, auth string
		want          map[string]string // operation -> function
	}{
		{"2020-fall-adv-cloud__ecommerceapp", "ecommerceapp20f30d45d4a", map[string]string{"postConfirmation": "ecommerceapp20f30d45d4aPostConfirmation"}},
		{"CapgeminiNorway__techradar", "techradar7713fa94", map[string]string{"postConfirmation": "techradar7713fa94PostConfirmation", "preSignUp": "techradar7713fa94PreSignup"}},
		{"Hardline-Software__covid-watch", "covidwatch", map[string]string{"customMessage": "covidwatchCustomMessage", "postConfirmation": "covidwatchPostConfirmation"}},
	} {
		t.Run(c.project, func(t *testing.T) {
			var raw struct {
				Triggers any `json:"triggers"`
			}
			readJSONFile(t, filepath.Join(corpusDir(t), c.project, "amplify/backend/auth", c.auth, "parameters.json"), &raw)
			s, ok := raw.Triggers.(string)
			var triggers map[string]any
			if !ok || json.Unmarshal([]byte(s), &triggers) != nil || len(triggers) != len(c.want) {
				t.Fatalf("the corpus changed: triggers is %#v", raw.Triggers)
			}
			_, app, _ := importApp(t, c.project, Options{Env: "dev"})
			got := map[string]string{}
			for _, tr := range app.Auth.UserPool.Triggers {
				got[tr.Operation] = tr.Function
			}
			if len(got) != len(c.want) {
				t.Errorf("triggers %v, want %v", got, c.want)
			}
			for op, fn := range c.want {
				if got[op] != fn {
					t.Errorf("trigger %s -> %q, want %q", op, got[op], fn)
				}
			}
		})
	}
}

// TestS3GuestRead: guestAccess READ (v7) and s3PermissionsGuestPublic s3:GetObject (legacy) become
// guest read on public/ (and on other users' protected/ objects, as Amplify's guest read policy
// allows), when the identity pool gives guests credentials.
func TestS3GuestRead(t *testing.T) {
	for _, c := range []struct{ project, bucket, file string }{
		{"DG-benj__amplify-react-sample", "amplifyimagestorage", "cli-inputs.json"},
		{"ExcitingTheory__amplify-homework-supply", "files", "cli-inputs.json"},
		{"VanquishDev__app-sls-applick-clientes", "S3Storage", "cli-inputs.json"},
		{"BrianWieder__dlp-access", "Collectionmap", "parameters.json"},
		{"Codemarket2__bizboostar", "unitabizmedia", "parameters.json"},
	} {
		t.Run(c.project, func(t *testing.T) {
			var raw struct {
				GuestAccess              []string `json:"guestAccess"`
				S3PermissionsGuestPublic string   `json:"s3PermissionsGuestPublic"`
			}
			readJSONFile(t, filepath.Join(corpusDir(t), c.project, "amplify/backend/storage", c.bucket, c.file), &raw)
			if !slices.Contains(raw.GuestAccess, "READ") && !strings.Contains(raw.S3PermissionsGuestPublic, "s3:GetObject") {
				t.Fatalf("the corpus changed: no guest read in %s", c.file)
			}
			_, app, _ := importApp(t, c.project, Options{})
			if !app.Auth.IdentityPool.GuestAccess {
				t.Fatalf("the project gives guests credentials, the spec does not")
			}
			var b *spec.Bucket
			for i := range app.Buckets {
				if app.Buckets[i].Name == c.bucket {
					b = &app.Buckets[i]
				}
			}
			if b == nil {
				t.Fatalf("no bucket %s", c.bucket)
			}
			has := func(level, who, action string) bool {
				return slices.ContainsFunc(b.Access, func(a spec.BucketAccess) bool {
					return a.Level == level && a.Who == who && slices.Contains(a.Actions, action)
				})
			}
			if !has("public", "guest", "read") {
				t.Errorf("no guest read on public/: %+v", b.Access)
			}
			if !has("protected", "guest", "read") {
				t.Errorf("no guest read on protected/: %+v", b.Access)
			}
		})
	}
}

// TestS3GuestWithoutGuestCredentials: Jabberwockiii lists guestAccess with storageAccess auth (Amplify's
// stack still grants it); GWR94 grants guest reads, but its identity pool gives guests nothing.
func TestS3GuestWithoutGuestCredentials(t *testing.T) {
	res, app, _ := importApp(t, "GWR94__francesca-jade-creates", Options{})
	for _, a := range app.Buckets[0].Access {
		if a.Who == "guest" {
			t.Errorf("guest access without guest credentials: %+v", a)
		}
	}
	if r := resource(t, res, "storage", "francescajadecreatesimages"); r.Status != StatusApproximated {
		t.Errorf("status %s, want approximated", r.Status)
	}
}

// TestRESTProtectedGuest: a protected path (IAM, guests may read) becomes IAM routes on P and
// P/{proxy+}, GET open to guests, the other verbs to signed-in users only.
func TestRESTProtectedGuest(t *testing.T) {
	for _, c := range []struct{ project, api, path string }{
		{"2020-fall-adv-cloud__ecommerceapp", "ecommerceapi20f", "/products"}, // api-params.json: unauth ["/GET"]
		{"DG-benj__amplify-react-sample", "NewDynamoDB", "/NewDynamoDBAPI"},   // cli-inputs.json: guest [read]
		{"junmin-Chang__serverless-CRUD", "ecommerceapi", "/products"},        // legacy
		{"IzWOP__ACND-Ecommerce", "newsletterAPI", "/subscribe"},              // legacy: unauth POST and GET
	} {
		t.Run(c.project, func(t *testing.T) {
			_, app, dir := importApp(t, c.project, Options{})
			guestVerbs := map[string]bool{}
			var legacy struct {
				Paths []struct {
					Name    string `json:"name"`
					Privacy struct {
						Unauth []string `json:"unauth"`
						Auth   []string `json:"auth"`
					} `json:"privacy"`
				} `json:"paths"`
			}
			var v7 struct {
				Paths map[string]struct {
					Permissions struct {
						Auth  []string `json:"auth"`
						Guest []string `json:"guest"`
					} `json:"permissions"`
				} `json:"paths"`
			}
			authVerbs := map[string]bool{}
			if p := filepath.Join(dir, "amplify/backend/api", c.api, "cli-inputs.json"); fileExists(p) {
				readJSONFile(t, p, &v7)
				perm := v7.Paths[c.path].Permissions
				for _, v := range crudVerbs(perm.Guest) {
					guestVerbs[v] = true
				}
				for _, v := range crudVerbs(perm.Auth) {
					authVerbs[v] = true
				}
			} else {
				readJSONFile(t, filepath.Join(dir, "amplify/backend/api", c.api, "api-params.json"), &legacy)
				for _, p := range legacy.Paths {
					if p.Name == c.path {
						for _, v := range p.Privacy.Unauth {
							guestVerbs[strings.TrimPrefix(v, "/")] = true
						}
						for _, v := range p.Privacy.Auth {
							authVerbs[strings.TrimPrefix(v, "/")] = true
						}
					}
				}
			}
			if len(guestVerbs) == 0 || len(authVerbs) == 0 {
				t.Fatalf("the corpus changed: %s is not a protected path", c.path)
			}
			for _, p := range []string{c.path, c.path + "/{proxy+}"} {
				for _, verb := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
					if !authVerbs[verb] {
						continue
					}
					r := route(t, app, c.api, verb+" "+p)
					if r.Authorization != spec.AuthIAM || r.Guest != guestVerbs[verb] || len(r.Groups) > 0 {
						t.Errorf("%s %s: %+v, want iam with guest %v", verb, p, r, guestVerbs[verb])
					}
				}
			}
		})
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestRESTUserPoolOnlyIAM: techradar's auth has no identity pool, but its REST paths are private
// (IAM): the spec adds an identity pool and says so.
func TestRESTUserPoolOnlyIAM(t *testing.T) {
	res, app, _ := importApp(t, "CapgeminiNorway__techradar", Options{Env: "prod"})
	if app.Auth.IdentityPool == nil || app.Auth.IdentityPool.GuestAccess {
		t.Fatalf("identity pool %+v, want one without guests", app.Auth.IdentityPool)
	}
	if r := route(t, app, "techradarREST", "GET /radar"); r.Authorization != spec.AuthIAM {
		t.Errorf("GET /radar: %+v", r)
	}
	if r := route(t, app, "techradarREST", "ANY /public-radar/{proxy+}"); r.Authorization != spec.AuthNone {
		t.Errorf("ANY /public-radar/{proxy+}: %+v", r)
	}
	if r := resource(t, res, "auth", "techradar7713fa94"); r.Status != StatusApproximated || !strings.Contains(strings.Join(r.Notes, "\n"), "adds an identity pool") {
		t.Errorf("auth: %s %q", r.Status, r.Notes)
	}
}

// TestAdminQueries: the legacy template's Cognito authorizer lists a scope, so the API takes access
// tokens; v7 projects (no template) get the same.
func TestAdminQueries(t *testing.T) {
	for _, project := range []string{"Hardline-Software__covid-watch", "ultrapotros__urlshortenerfront"} {
		t.Run(project, func(t *testing.T) {
			_, app, _ := importApp(t, project, Options{})
			r := route(t, app, "AdminQueries", "ANY /{proxy+}")
			if r.Authorization != spec.AuthAccessToken || !slices.Equal(r.Scopes, []string{spec.DefaultAccessTokenScope}) {
				t.Errorf("route %+v", r)
			}
		})
	}
}

// TestDynamoDBKeysAndIndexes reads the corpus' tables' keys. The corpus has no GSI, so the index case
// adds one to a copy of a v7 table (cli-inputs.json gsi) and of a legacy table (its template's
// GlobalSecondaryIndexes).
func TestDynamoDBKeysAndIndexes(t *testing.T) {
	t.Run("corpus keys", func(t *testing.T) {
		for _, c := range []struct{ project, table, pk, sk string }{
			{"Scott0275__PHCare", "chatmessages", "message:string", "timestamp:number"},
			{"Scott0275__PHCare", "patients", "PatientID:string", ""},
			{"JimStockwell__rebalance", "dynamo", "user:string", ""},
			{"2020-fall-adv-cloud__ecommerceapp", "producttable20f", "id:string", ""},
		} {
			_, app, _ := importApp(t, c.project, Options{})
			tb := table(t, app, c.table)
			if key(tb.PartitionKey) != c.pk || (c.sk == "") != (tb.SortKey == nil) || (tb.SortKey != nil && key(*tb.SortKey) != c.sk) {
				t.Errorf("%s/%s: keys %+v %+v, want %s %s", c.project, c.table, tb.PartitionKey, tb.SortKey, c.pk, c.sk)
			}
			if tb.Stream != "new-image" {
				t.Errorf("%s: stream %q, want new-image (Amplify's tables stream NEW_IMAGE)", c.table, tb.Stream)
			}
		}
	})
	t.Run("v7 gsi", func(t *testing.T) {
		dir := copyProject(t, "Scott0275__PHCare")
		file := filepath.Join(dir, "amplify/backend/storage/chatmessages/cli-inputs.json")
		var in map[string]any
		readJSONFile(t, file, &in)
		in["gsi"] = []any{
			map[string]any{"name": "byRoom", "partitionKey": map[string]any{"fieldName": "room", "fieldType": "string"}, "sortKey": map[string]any{"fieldName": "timestamp", "fieldType": "number"}},
			map[string]any{"name": "bySender", "partitionKey": map[string]any{"fieldName": "sender", "fieldType": "binary"}},
		}
		writeJSON(t, file, in)
		res := importProject(t, dir, Options{})
		tb := table(t, loadSpec(t, dir, res), "chatmessages")
		got := indexes(tb)
		want := []string{"byRoom room:string timestamp:number", "bySender sender:binary"}
		if !slices.Equal(got, want) {
			t.Errorf("indexes %q, want %q", got, want)
		}
	})
	t.Run("legacy gsi", func(t *testing.T) {
		dir := copyProject(t, "JimStockwell__rebalance")
		file := filepath.Join(dir, "amplify/backend/storage/dynamo/dynamo-cloudformation-template.json")
		var tmpl map[string]any
		readJSONFile(t, file, &tmpl)
		props := tmpl["Resources"].(map[string]any)["DynamoDBTable"].(map[string]any)["Properties"].(map[string]any)
		props["AttributeDefinitions"] = append(props["AttributeDefinitions"].([]any), map[string]any{"AttributeName": "symbol", "AttributeType": "S"}, map[string]any{"AttributeName": "at", "AttributeType": "N"})
		props["GlobalSecondaryIndexes"] = []any{map[string]any{"IndexName": "bySymbol", "KeySchema": []any{
			map[string]any{"AttributeName": "symbol", "KeyType": "HASH"}, map[string]any{"AttributeName": "at", "KeyType": "RANGE"}}}}
		writeJSON(t, file, tmpl)
		res := importProject(t, dir, Options{})
		tb := table(t, loadSpec(t, dir, res), "dynamo")
		if got := indexes(tb); !slices.Equal(got, []string{"bySymbol symbol:string at:number"}) {
			t.Errorf("indexes %q", got)
		}
	})
}

func table(t *testing.T, app *spec.App, name string) spec.Table {
	t.Helper()
	for _, tb := range app.Tables {
		if tb.Name == name {
			return tb
		}
	}
	t.Fatalf("no table %s", name)
	return spec.Table{}
}

func key(k spec.Key) string { return k.Name + ":" + k.Type }

func indexes(tb spec.Table) []string {
	var out []string
	for _, i := range tb.Indexes {
		s := i.Name + " " + key(i.PartitionKey)
		if i.SortKey != nil {
			s += " " + key(*i.SortKey)
		}
		out = append(out, s)
	}
	return out
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestImportedExisting: imported resources' ids come from team-provider-info.json into the stage's
// existing block, and the report names them.
func TestImportedExisting(t *testing.T) {
	tpi := func(t *testing.T, project string) map[string]tpiEnv {
		var m map[string]tpiEnv
		readJSONFile(t, filepath.Join(corpusDir(t), project, "amplify/team-provider-info.json"), &m)
		return m
	}
	str := func(raw json.RawMessage) string {
		s, _ := rawString(raw)
		return s
	}
	t.Run("user pool", func(t *testing.T) {
		const project, name = "Hampshire-Scouts-Rifle-Club__nationals-online-entry", "nationalsonlineentry3a09ba4d"
		ids := tpi(t, project)["prod"].Categories["auth"][name]
		res, app, _ := importApp(t, project, Options{})
		up := app.Auth.UserPool
		if up.Existing == nil || up.Existing.ID != str(ids["userPoolId"]) || up.Existing.ClientID != str(ids["webClientId"]) {
			t.Errorf("existing %+v, want %s/%s", up.Existing, ids["userPoolId"], ids["webClientId"])
		}
		if r := resource(t, res, "auth", name); r.Existing != up.Existing.ID || !r.Imported {
			t.Errorf("report: %+v", r)
		}
		if len(res.Retire) != 0 {
			t.Errorf("an imported pool has nothing to retire: %+v", res.Retire)
		}
	})
	t.Run("bucket", func(t *testing.T) {
		const project, name = "Seconds-Technologies__seconds-client", "secondsclient13641a53"
		want := str(tpi(t, project)["dev"].Categories["storage"][name]["bucketName"])
		res, app, _ := importApp(t, project, Options{})
		if len(app.Buckets) != 1 || app.Buckets[0].ExistingName != want || want == "" {
			t.Errorf("buckets %+v, want existing %q", app.Buckets, want)
		}
		if r := resource(t, res, "storage", name); r.Existing != want {
			t.Errorf("report existing %q", r.Existing)
		}
	})
	t.Run("tables", func(t *testing.T) {
		for _, c := range []struct{ project, name string }{
			{"DG-benj__amplify-react-sample", "WebsitePlayerDataSample"},
			{"EC463-Smart-Fridge__app-ui", "fridgebase"},
		} {
			res, app, _ := importApp(t, c.project, Options{})
			ids := tpi(t, c.project)[res.Env].Categories["storage"][c.name]
			tb := table(t, app, c.name)
			pk, _ := ddbType(str(ids["partitionKeyType"]))
			sk, _ := ddbType(str(ids["sortKeyType"]))
			if tb.ExistingName != str(ids["tableName"]) || key(tb.PartitionKey) != str(ids["partitionKeyName"])+":"+pk ||
				tb.SortKey == nil || key(*tb.SortKey) != str(ids["sortKeyName"])+":"+sk {
				t.Errorf("%s: table %+v, want %s", c.project, tb, ids)
			}
		}
	})
}

// TestManagedExisting: Amplify-created tables and buckets are named by rules the files fully
// determine; ids given as options bind the pool, client, identity pool and hosted UI domain.
func TestManagedExisting(t *testing.T) {
	t.Run("table and bucket names", func(t *testing.T) {
		_, app, _ := importApp(t, "Scott0275__PHCare", Options{})
		if got := table(t, app, "chatmessages").ExistingName; got != "chatmessages-test" {
			t.Errorf("table %q, want chatmessages-test (tableName-env)", got)
		}
		if got := app.Buckets[0].ExistingName; got != "phcare0669131fd0d14dada8f334d079a30267d97de-test" {
			t.Errorf("bucket %q, want bucketName + the 4th part of StackName amplify-phcare-test-d97de + -env", got)
		}
	})
	t.Run("ids from options", func(t *testing.T) {
		opts := Options{UserPoolID: "us-east-1_AbCdEf123", UserPoolClientID: "1h2j3k4l5m6n7o8p9q0r1s2t3u", IdentityPoolID: "us-east-1:0f3e5a7c-1111-2222-3333-444455556666"}
		res, app, _ := importApp(t, "Hardline-Software__covid-watch", opts)
		up := app.Auth.UserPool
		if up.Existing == nil || up.Existing.ID != opts.UserPoolID || up.Existing.ClientID != opts.UserPoolClientID ||
			up.Existing.Domain != "covidwatch-dev.auth.us-east-1.amazoncognito.com" {
			t.Errorf("existing user pool %+v", up.Existing)
		}
		if app.Auth.IdentityPool.ExistingID != opts.IdentityPoolID {
			t.Errorf("identity pool %+v", app.Auth.IdentityPool)
		}
		if len(res.Warnings) != 0 {
			t.Errorf("warnings with every id given: %q", res.Warnings)
		}
		_, app, _ = importApp(t, "Scott0275__PHCare", Options{Existing: map[string]string{"patients": "my-patients"}})
		if got := table(t, app, "patients").ExistingName; got != "my-patients" {
			t.Errorf("option did not override: %q", got)
		}
	})
	t.Run("no ids: a loud warning", func(t *testing.T) {
		res, app, _ := importApp(t, "Hardline-Software__covid-watch", Options{})
		if app.Auth.UserPool.Existing != nil || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "NEW USER POOL") || !strings.Contains(res.Warnings[0], FlagUserPoolID) {
			t.Errorf("warnings %q", res.Warnings)
		}
	})
	t.Run("bad ids", func(t *testing.T) {
		if _, err := Import(copyProject(t, "sysco-mini-project__web-app"), Options{UserPoolID: "us-east-1_AbC", IdentityPoolID: "us-east-1:0f3e5a7c-1111-2222-3333-444455556666"}); err == nil {
			t.Errorf("an identity pool id for a user-pool-only project: no error")
		}
		dir := copyProject(t, "Hardline-Software__covid-watch")
		for _, opts := range []Options{
			{UserPoolID: "not-a-pool"},
			{UserPoolID: "eu-west-1_AbC"}, // the env is in us-east-1
			{UserPoolID: "us-east-1_AbC", IdentityPoolID: "us-east-1:nope"},
			{UserPoolClientID: "abc"}, // a client without its pool
			{Existing: map[string]string{"nope": "bucket"}},
		} {
			if _, err := Import(dir, opts); err == nil {
				t.Errorf("%+v: no error", opts)
			}
		}
	})
}

// TestMissingFolder: backend-config.json lists UBC-Meetable's function periodicGrouping, whose folder
// is not in the repository: reported as missing; so is a storage folder removed from a copy.
func TestMissingFolder(t *testing.T) {
	res, _, _ := importApp(t, "UBC-Meetable__code", Options{})
	if r := resource(t, res, "function", "periodicGrouping"); r.Status != StatusMissing || r.SpecPath != "" {
		t.Errorf("periodicGrouping: %+v", r)
	}
	dir := copyProject(t, "Scott0275__PHCare")
	if err := os.RemoveAll(filepath.Join(dir, "amplify/backend/storage/patients")); err != nil {
		t.Fatal(err)
	}
	res = importProject(t, dir, Options{})
	app := loadSpec(t, dir, res)
	if r := resource(t, res, "storage", "patients"); r.Status != StatusMissing {
		t.Errorf("patients: %+v", r)
	}
	for _, tb := range app.Tables {
		if tb.Name == "patients" {
			t.Errorf("a missing table is in the spec")
		}
	}
	// patientsLambda had access to it: the grant goes, with a note.
	if r := resource(t, res, "function", "patientsLambda"); !strings.Contains(strings.Join(r.Notes, "\n"), "storage patients") {
		t.Errorf("patientsLambda notes %q", r.Notes)
	}
}

// TestBrokenJSON: a malformed file is an error naming the file, line and column.
func TestBrokenJSON(t *testing.T) {
	for _, c := range []struct {
		name, file string
		mutate     func(string) string
		want       string // regexp
	}{
		{"syntax", "amplify/backend/auth/phcareaba2983daba2983d/cli-inputs.json",
			func(s string) string {
				return strings.Replace(s, `"mfaConfiguration": "OFF",`, `"mfaConfiguration": "OFF"`, 1)
			},
			`^amplify/backend/auth/phcareaba2983daba2983d/cli-inputs\.json:12:5: JSON syntax error: invalid character '"' after object key:value pair$`},
		{"type", "amplify/backend/storage/chatmessages/cli-inputs.json",
			func(s string) string { return strings.Replace(s, `"fieldName": "message"`, `"fieldName": 42`, 1) },
			`^amplify/backend/storage/chatmessages/cli-inputs\.json:5:18: partitionKey\.fieldName: expected a string, found a JSON number$`},
		{"encoded string", "amplify/backend/auth/phcareaba2983daba2983d/cli-inputs.json",
			func(s string) string { return strings.Replace(s, `"triggers": {}`, `"triggers": "{not json"`, 1) },
			`^amplify/backend/auth/phcareaba2983daba2983d/cli-inputs\.json:\d+:\d+: cognitoConfig\.triggers: the JSON-encoded string does not hold the expected JSON`},
		{"backend-config", "amplify/backend/backend-config.json",
			func(s string) string { return s[:len(s)/2] },
			`^amplify/backend/backend-config\.json:\d+:\d+: JSON syntax error: unexpected end of JSON input$`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyProject(t, "Scott0275__PHCare")
			path := filepath.Join(dir, filepath.FromSlash(c.file))
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			broken := c.mutate(string(data))
			if broken == string(data) {
				t.Fatalf("the corpus changed: nothing to corrupt in %s", c.file)
			}
			if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = Import(dir, Options{})
			var fe *FileError
			if !errors.As(err, &fe) || !regexp.MustCompile(c.want).MatchString(err.Error()) {
				t.Fatalf("error %v, want %s", err, c.want)
			}
		})
	}
}

// TestBothRESTFormats: a REST API folder with both api-params.json and cli-inputs.json is read from
// cli-inputs.json, as amplify-cli does.
func TestBothRESTFormats(t *testing.T) {
	dir := copyProject(t, "Chris-Gan__data-foundry-test")
	legacy := `{"paths": [{"name": "/legacy", "lambdaFunction": "serviceFunction", "privacy": {"private": true, "auth": ["/GET"]}}]}`
	if err := os.WriteFile(filepath.Join(dir, "amplify/backend/api/servicesApi/api-params.json"), []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	res := importProject(t, dir, Options{})
	app := loadSpec(t, dir, res)
	route(t, app, "servicesApi", "ANY /services")
	for _, r := range app.APIs[0].Routes {
		if strings.Contains(r.Path, "legacy") {
			t.Errorf("route from api-params.json: %+v", r)
		}
	}
}

// TestEnvChoice: several envs and no choice is an error listing them; local-env-info.json chooses;
// an unknown env is an error.
func TestEnvChoice(t *testing.T) {
	dir := copyProject(t, "ExcitingTheory__amplify-homework-supply")
	_, err := Import(dir, Options{})
	var envErr *EnvError
	if !errors.As(err, &envErr) || !slices.Equal(envErr.Envs, []string{"demo", "main", "staging"}) || !strings.Contains(err.Error(), FlagEnv) {
		t.Fatalf("error %v", err)
	}
	if _, err := Import(dir, Options{Env: "nope"}); err == nil || !strings.Contains(err.Error(), "demo, main, staging") {
		t.Errorf("unknown env: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "amplify/.config/local-env-info.json"), []byte(`{"envName": "main"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Import(dir, Options{})
	if err != nil || res.Env != "main" || !strings.Contains(string(res.Spec), "\n  main:\n") {
		t.Errorf("local-env-info: %v %v", err, res)
	}
}

// TestRetireLogicalIDs checks the logical ids the report names against the corpus' own templates.
func TestRetireLogicalIDs(t *testing.T) {
	checked := 0
	for _, project := range corpusProjects(t) {
		res := importProject(t, filepath.Join(corpusDir(t), project), Options{})
		for _, step := range res.Retire {
			if !step.Legacy || strings.HasSuffix(step.Template, ".yml") {
				continue // generated (v7) templates and YAML auth templates are not in the corpus
			}
			var tmpl struct {
				Resources map[string]json.RawMessage `json:"Resources"`
			}
			data, err := os.ReadFile(filepath.Join(corpusDir(t), project, step.Template))
			if err != nil {
				t.Errorf("%s: %v", project, err)
				continue
			}
			if json.Unmarshal(data, &tmpl) != nil {
				continue // amplify-cli's userPoolGroups template.json is not always valid JSON (an EJS render)
			}
			for _, id := range step.LogicalIDs {
				checked++
				if _, ok := tmpl.Resources[id]; !ok {
					t.Errorf("%s: %s has no resource %s", project, step.Template, id)
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d logical ids checked", checked)
	}
}

// TestRuntimes: a Java function is out of scope and the API path that called it goes with a note; a
// Go function keeps underhood's handler.
func TestRuntimes(t *testing.T) {
	dir := copyProject(t, "Chris-Gan__data-foundry-test")
	state := filepath.Join(dir, "amplify/backend/function/serviceFunction/amplify.state")
	if err := os.WriteFile(state, []byte(`{"functionRuntime": "java"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res := importProject(t, dir, Options{})
	if r := resource(t, res, "function", "serviceFunction"); r.Status != StatusOutOfScope {
		t.Errorf("java function: %+v", r)
	}
	if r := resource(t, res, "api", "servicesApi"); r.Status != StatusOutOfScope || !strings.Contains(strings.Join(r.Notes, "\n"), "serviceFunction") {
		t.Errorf("API of a java function: %+v", r)
	}
	loadSpec(t, dir, res)

	if err := os.WriteFile(state, []byte(`{"functionRuntime": "go"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res = importProject(t, dir, Options{})
	app := loadSpec(t, dir, res)
	if f := app.Functions[0]; f.Runtime != "go" || f.Handler != "bootstrap" {
		t.Errorf("go function: %+v", f)
	}
}

// TestSpecDirElsewhere: function sources are relative to the spec's folder, wherever it is.
func TestSpecDirElsewhere(t *testing.T) {
	dir := copyProject(t, "aria-grande__dutchpay-fastcampus")
	specDir := filepath.Join(dir, "infra", "underhood")
	if err := os.MkdirAll(specDir, 0o755); err != nil {
		t.Fatal(err)
	}
	res := importProject(t, dir, Options{SpecDir: specDir})
	if !slices.Equal(res.Sources, []string{"../../amplify/backend/function/groupsLambda/src"}) {
		t.Fatalf("sources %q", res.Sources)
	}
	spectest.StubSources(t, specDir, res.Sources)
	path := filepath.Join(specDir, "app.yaml")
	if err := os.WriteFile(path, res.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := spec.Load(path, res.Env); err != nil {
		t.Fatal(err)
	}
}

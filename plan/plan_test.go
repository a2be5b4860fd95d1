package plan

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// res is a resource for a test template.
type res map[string]any

func tpl(t *testing.T, resources map[string]res) []byte {
	t.Helper()
	data, err := json.Marshal(map[string]any{"Resources": resources})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func props(typ string, p map[string]any, attrs ...string) res {
	r := res{"Type": typ, "Properties": p}
	for i := 0; i+1 < len(attrs); i += 2 {
		r[attrs[i]] = attrs[i+1]
	}
	return r
}

const (
	pool   = "AWS::Cognito::UserPool"
	client = "AWS::Cognito::UserPoolClient"
	group  = "AWS::Cognito::UserPoolGroup"
	domain = "AWS::Cognito::UserPoolDomain"
	idp    = "AWS::Cognito::UserPoolIdentityProvider"
	server = "AWS::Cognito::UserPoolResourceServer"
	idpool = "AWS::Cognito::IdentityPool"
	bucket = "AWS::S3::Bucket"
	table  = "AWS::DynamoDB::Table"
	fn     = "AWS::Lambda::Function"
)

func list(v ...any) []any { return v }

func userPool(mut func(p map[string]any)) res {
	p := map[string]any{
		"UserPoolName":          "app-pool",
		"UsernameAttributes":    list("email"),
		"UsernameConfiguration": map[string]any{"CaseSensitive": false},
		"MfaConfiguration":      "OFF",
		"Schema": list(
			map[string]any{"Name": "email", "Required": true, "Mutable": true},
			map[string]any{"Name": "plan", "AttributeDataType": "String", "Mutable": true},
		),
	}
	if mut != nil {
		mut(p)
	}
	return props(pool, p, "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain")
}

func ddbTable(mut func(p map[string]any)) res {
	p := map[string]any{
		"AttributeDefinitions": list(
			map[string]any{"AttributeName": "pk", "AttributeType": "S"},
			map[string]any{"AttributeName": "sk", "AttributeType": "S"},
		),
		"KeySchema": list(
			map[string]any{"AttributeName": "pk", "KeyType": "HASH"},
			map[string]any{"AttributeName": "sk", "KeyType": "RANGE"},
		),
		"BillingMode": "PAY_PER_REQUEST",
	}
	if mut != nil {
		mut(p)
	}
	return props(table, p)
}

func TestCompareRules(t *testing.T) {
	base := map[string]res{
		"Pool":     userPool(nil),
		"Client":   props(client, map[string]any{"UserPoolId": map[string]any{"Ref": "Pool"}, "GenerateSecret": false, "ClientName": "web"}),
		"Ids":      props(idpool, map[string]any{"AllowUnauthenticatedIdentities": false}, "DeletionPolicy", "Retain"),
		"Photos":   props(bucket, map[string]any{"VersioningConfiguration": map[string]any{"Status": "Suspended"}}),
		"Likes":    ddbTable(nil),
		"Function": props(fn, map[string]any{"MemorySize": 256}),
		"Admins": props(group, map[string]any{"UserPoolId": map[string]any{"Ref": "Pool"}, "GroupName": "admins", "Precedence": 1},
			"DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"),
		"Domain": props(domain, map[string]any{"UserPoolId": map[string]any{"Ref": "Pool"}, "Domain": "app-prod"},
			"DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"),
		"Google": props(idp, map[string]any{"UserPoolId": map[string]any{"Ref": "Pool"}, "ProviderName": "Google", "ProviderType": "Google",
			"ProviderDetails": map[string]any{"client_id": "c1"}}),
		"Api": props(server, map[string]any{"UserPoolId": map[string]any{"Ref": "Pool"}, "Identifier": "api", "Name": "api",
			"Scopes": list(map[string]any{"ScopeName": "read", "ScopeDescription": "Read"}, map[string]any{"ScopeName": "write", "ScopeDescription": "Write"})}),
	}
	type want struct {
		id     string
		kind   Kind
		action Action
	}
	tests := []struct {
		name     string
		mutate   func(m map[string]res)
		allow    []string
		blocked  bool
		findings []want // exactly these findings, in order
		actions  map[string]Action
		warning  string
	}{
		{name: "identical", mutate: func(map[string]res) {}, actions: map[string]Action{"Pool": Unchanged, "Likes": Unchanged}},
		// Passwordless settings update in place (the pool's registry schema has no create-only property);
		// only a changed passkey relying party breaks what users hold.
		{name: "passwordless turned on", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) {
				p["Policies"] = map[string]any{"SignInPolicy": map[string]any{"AllowedFirstAuthFactors": list("PASSWORD", "EMAIL_OTP", "WEB_AUTHN")}}
				p["WebAuthnRelyingPartyID"], p["WebAuthnUserVerification"], p["UserPoolTier"] = "example.com", "preferred", "ESSENTIALS"
			})
		}, actions: map[string]Action{"Pool": Modified}},
		{name: "stateless modified", mutate: func(m map[string]res) { m["Function"]["Properties"].(map[string]any)["MemorySize"] = 512 },
			actions: map[string]Action{"Function": Modified}},
		{name: "stateless deleted", mutate: func(m map[string]res) { delete(m, "Function") }, actions: map[string]Action{"Function": Deleted}},
		{name: "stateful added", mutate: func(m map[string]res) { m["Other"] = ddbTable(nil) }, actions: map[string]Action{"Other": Added}},
		{name: "number as string is unchanged", mutate: func(m map[string]res) { m["Function"]["Properties"].(map[string]any)["MemorySize"] = "256" },
			actions: map[string]Action{"Function": Unchanged}},
		{name: "metadata only", mutate: func(m map[string]res) { m["Photos"]["Metadata"] = map[string]any{"aws:cdk:path": "x/y"} },
			actions: map[string]Action{"Photos": Unchanged}},

		// Deletions and renames.
		{name: "bucket deleted", mutate: func(m map[string]res) { delete(m, "Photos") }, blocked: true,
			findings: []want{{"Photos", KindDeleted, Deleted}}},
		{name: "identity pool deleted although retained", mutate: func(m map[string]res) { delete(m, "Ids") }, blocked: true,
			findings: []want{{"Ids", KindDeleted, Deleted}}},
		{name: "bucket renamed", mutate: func(m map[string]res) { m["Photos2"] = m["Photos"]; delete(m, "Photos") }, blocked: true,
			findings: []want{{"Photos", KindRenamed, Deleted}}, actions: map[string]Action{"Photos2": Added}},
		{name: "bucket deleted, table added: no rename", mutate: func(m map[string]res) { delete(m, "Photos"); m["T2"] = ddbTable(nil) }, blocked: true,
			findings: []want{{"Photos", KindDeleted, Deleted}}},
		{name: "type changed", mutate: func(m map[string]res) { m["Photos"] = ddbTable(nil) }, blocked: true,
			findings: []want{{"Photos", KindReplaced, Replaced}}},

		// Buckets.
		{name: "bucket name", mutate: func(m map[string]res) { m["Photos"]["Properties"].(map[string]any)["BucketName"] = "new-name" }, blocked: true,
			findings: []want{{"Photos", KindReplaced, Replaced}}},
		{name: "object lock", mutate: func(m map[string]res) { m["Photos"]["Properties"].(map[string]any)["ObjectLockEnabled"] = true }, blocked: true,
			findings: []want{{"Photos", KindReplaced, Replaced}}},
		{name: "bucket versioning is fine", mutate: func(m map[string]res) {
			m["Photos"]["Properties"].(map[string]any)["VersioningConfiguration"] = map[string]any{"Status": "Enabled"}
		}, actions: map[string]Action{"Photos": Modified}},

		// Tables.
		{name: "table name", mutate: func(m map[string]res) { m["Likes"] = ddbTable(func(p map[string]any) { p["TableName"] = "likes" }) }, blocked: true,
			findings: []want{{"Likes", KindReplaced, Replaced}}},
		{name: "key schema", mutate: func(m map[string]res) {
			m["Likes"] = ddbTable(func(p map[string]any) {
				p["KeySchema"] = list(map[string]any{"AttributeName": "pk", "KeyType": "HASH"})
			})
		}, blocked: true, findings: []want{{"Likes", KindReplaced, Replaced}}},
		{name: "key attribute type", mutate: func(m map[string]res) {
			m["Likes"] = ddbTable(func(p map[string]any) {
				p["AttributeDefinitions"].([]any)[0] = map[string]any{"AttributeName": "pk", "AttributeType": "N"}
			})
		}, blocked: true, findings: []want{{"Likes", KindRefused, Modified}}},
		{name: "new index attribute and GSI are fine", mutate: func(m map[string]res) {
			m["Likes"] = ddbTable(func(p map[string]any) {
				p["AttributeDefinitions"] = append(p["AttributeDefinitions"].([]any), map[string]any{"AttributeName": "gk", "AttributeType": "S"})
				p["GlobalSecondaryIndexes"] = list(map[string]any{"IndexName": "byG", "KeySchema": list(map[string]any{"AttributeName": "gk", "KeyType": "HASH"})})
			})
		}, actions: map[string]Action{"Likes": Modified}},
		{name: "local secondary index", mutate: func(m map[string]res) {
			m["Likes"] = ddbTable(func(p map[string]any) {
				p["LocalSecondaryIndexes"] = list(map[string]any{"IndexName": "byX", "KeySchema": list(map[string]any{"AttributeName": "pk", "KeyType": "HASH"})})
			})
		}, blocked: true, findings: []want{{"Likes", KindRefused, Modified}}},
		{name: "billing mode is fine", mutate: func(m map[string]res) {
			m["Likes"] = ddbTable(func(p map[string]any) { p["BillingMode"] = "PROVISIONED" })
		}, actions: map[string]Action{"Likes": Modified}},

		// User pool clients.
		{name: "client secret", mutate: func(m map[string]res) { m["Client"]["Properties"].(map[string]any)["GenerateSecret"] = true }, blocked: true,
			findings: []want{{"Client", KindReplaced, Replaced}}},
		{name: "client moves to another pool", mutate: func(m map[string]res) {
			m["Client"]["Properties"].(map[string]any)["UserPoolId"] = map[string]any{"Ref": "Other"}
		}, blocked: true, findings: []want{{"Client", KindReplaced, Replaced}}},
		{name: "client name is updatable", mutate: func(m map[string]res) { m["Client"]["Properties"].(map[string]any)["ClientName"] = "spa" },
			actions: map[string]Action{"Client": Modified}},

		// User pools.
		{name: "pool name is updatable", mutate: func(m map[string]res) { m["Pool"] = userPool(func(p map[string]any) { p["UserPoolName"] = "x" }) },
			actions: map[string]Action{"Pool": Modified}},
		{name: "mfa is updatable", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { p["MfaConfiguration"] = "OPTIONAL" })
		},
			actions: map[string]Action{"Pool": Modified}},
		{name: "username attributes", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { p["UsernameAttributes"] = list("phone_number") })
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "username attributes removed", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { delete(p, "UsernameAttributes") })
		},
			blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "username attributes reordered", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { p["UsernameAttributes"] = list("email", "phone_number") })
			base := userPool(func(p map[string]any) { p["UsernameAttributes"] = list("phone_number", "email") })
			m["__base_Pool"] = base
		}, actions: map[string]Action{"Pool": Modified}},
		{name: "alias attributes", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { p["AliasAttributes"] = list("preferred_username") })
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "case sensitivity", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { p["UsernameConfiguration"] = map[string]any{"CaseSensitive": true} })
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "case sensitivity dropped means the default (true)", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { delete(p, "UsernameConfiguration") })
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "custom attribute added is fine", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) {
				p["Schema"] = append(p["Schema"].([]any), map[string]any{"Name": "tier", "AttributeDataType": "Number", "Mutable": true})
			})
		}, actions: map[string]Action{"Pool": Modified}},
		{name: "optional standard attribute added is fine", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) {
				p["Schema"] = append(p["Schema"].([]any), map[string]any{"Name": "given_name", "Mutable": true})
			})
		}, actions: map[string]Action{"Pool": Modified}},
		{name: "schema reordered is fine", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { s := p["Schema"].([]any); p["Schema"] = list(s[1], s[0]) })
		}, actions: map[string]Action{"Pool": Modified}},
		{name: "custom attribute removed", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { p["Schema"] = p["Schema"].([]any)[:1] })
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "custom attribute changed", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) {
				p["Schema"].([]any)[1] = map[string]any{"Name": "plan", "AttributeDataType": "Number", "Mutable": true}
			})
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "required attribute added", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) {
				p["Schema"] = append(p["Schema"].([]any), map[string]any{"Name": "phone_number", "Required": true, "Mutable": true})
			})
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "attribute no longer required", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) { p["Schema"].([]any)[0] = map[string]any{"Name": "email", "Mutable": true} })
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}}},
		{name: "two refusals on one pool", mutate: func(m map[string]res) {
			m["Pool"] = userPool(func(p map[string]any) {
				p["UsernameAttributes"] = list()
				p["Schema"] = p["Schema"].([]any)[:1]
			})
		}, blocked: true, findings: []want{{"Pool", KindRefused, Modified}, {"Pool", KindRefused, Modified}}},

		// Groups: Cognito cannot rename one, and a new group starts empty.
		{name: "group renamed", mutate: func(m map[string]res) {
			m["Staff"] = m["Admins"]
			m["Staff"]["Properties"].(map[string]any)["GroupName"] = "staff"
			delete(m, "Admins")
		}, blocked: true, findings: []want{{"Admins", KindRenamed, Deleted}}, actions: map[string]Action{"Staff": Added}},
		{name: "group deleted", mutate: func(m map[string]res) { delete(m, "Admins") }, blocked: true,
			findings: []want{{"Admins", KindDeleted, Deleted}}},
		{name: "group name changed in place", mutate: func(m map[string]res) { m["Admins"]["Properties"].(map[string]any)["GroupName"] = "staff" },
			blocked: true, findings: []want{{"Admins", KindReplaced, Replaced}}},
		{name: "group precedence is updatable", mutate: func(m map[string]res) { m["Admins"]["Properties"].(map[string]any)["Precedence"] = 2 },
			actions: map[string]Action{"Admins": Modified}},
		{name: "group added is fine", mutate: func(m map[string]res) {
			m["Readers"] = props(group, map[string]any{"UserPoolId": map[string]any{"Ref": "Pool"}, "GroupName": "readers"})
		}, actions: map[string]Action{"Readers": Added}},

		// Hosted UI domain: a new prefix is a new domain, created first; the pool refuses a second one.
		{name: "domain prefix changed", mutate: func(m map[string]res) { m["Domain"]["Properties"].(map[string]any)["Domain"] = "app-new" },
			blocked: true, findings: []want{{"Domain", KindRefused, Replaced}}},
		{name: "domain deleted", mutate: func(m map[string]res) { delete(m, "Domain") }, blocked: true,
			findings: []want{{"Domain", KindDeleted, Deleted}}},

		// App client: replacing it changes the client id.
		{name: "client renamed", mutate: func(m map[string]res) { m["Web"] = m["Client"]; delete(m, "Client") }, blocked: true,
			findings: []want{{"Client", KindRenamed, Deleted}}, actions: map[string]Action{"Web": Added}},

		// Identity providers.
		{name: "provider replaced", mutate: func(m map[string]res) { m["Google"]["Properties"].(map[string]any)["ProviderName"] = "Google2" },
			blocked: true, findings: []want{{"Google", KindReplaced, Replaced}}},
		{name: "provider deleted", mutate: func(m map[string]res) { delete(m, "Google") }, blocked: true,
			findings: []want{{"Google", KindDeleted, Deleted}}},
		{name: "provider details are updatable", mutate: func(m map[string]res) {
			m["Google"]["Properties"].(map[string]any)["ProviderDetails"] = map[string]any{"client_id": "c2"}
		}, actions: map[string]Action{"Google": Modified}},

		// Resource servers: tokens and API methods name their identifier and scopes.
		{name: "resource server renamed", mutate: func(m map[string]res) {
			m["Notes"] = m["Api"]
			m["Notes"]["Properties"].(map[string]any)["Identifier"] = "notes"
			delete(m, "Api")
		}, blocked: true, findings: []want{{"Api", KindRenamed, Deleted}}, actions: map[string]Action{"Notes": Added}},
		{name: "resource server identifier changed in place", mutate: func(m map[string]res) {
			m["Api"]["Properties"].(map[string]any)["Identifier"] = "notes"
		}, blocked: true, findings: []want{{"Api", KindReplaced, Replaced}}},
		{name: "scope renamed", mutate: func(m map[string]res) {
			m["Api"]["Properties"].(map[string]any)["Scopes"].([]any)[1] = map[string]any{"ScopeName": "edit", "ScopeDescription": "Write"}
		}, blocked: true, findings: []want{{"Api", KindBreaks, Modified}}},
		{name: "two scopes removed", mutate: func(m map[string]res) { m["Api"]["Properties"].(map[string]any)["Scopes"] = list() },
			blocked: true, findings: []want{{"Api", KindBreaks, Modified}, {"Api", KindBreaks, Modified}}},
		{name: "scope added and description changed are fine", mutate: func(m map[string]res) {
			m["Api"]["Properties"].(map[string]any)["Scopes"] = list(
				map[string]any{"ScopeName": "write", "ScopeDescription": "Write things"},
				map[string]any{"ScopeName": "read", "ScopeDescription": "Read"},
				map[string]any{"ScopeName": "admin", "ScopeDescription": "Admin"})
		}, actions: map[string]Action{"Api": Modified}},
		{name: "losing Retain on a group warns", mutate: func(m map[string]res) { delete(m["Admins"], "DeletionPolicy") },
			warning: "Admins (AWS::Cognito::UserPoolGroup) loses DeletionPolicy Retain", actions: map[string]Action{"Admins": Modified}},

		// Identity pools: only deletion and renames matter.
		{name: "identity pool guest access is updatable", mutate: func(m map[string]res) {
			m["Ids"]["Properties"].(map[string]any)["AllowUnauthenticatedIdentities"] = true
		}, actions: map[string]Action{"Ids": Modified}},

		// --allow and warnings.
		{name: "allowed deletion", mutate: func(m map[string]res) { delete(m, "Photos") }, allow: []string{"Photos"},
			findings: []want{{"Photos", KindDeleted, Deleted}}},
		{name: "allow covers only its own ID", mutate: func(m map[string]res) { delete(m, "Photos"); delete(m, "Likes") }, allow: []string{"Photos"},
			blocked: true, findings: []want{{"Likes", KindDeleted, Deleted}, {"Photos", KindDeleted, Deleted}}},
		{name: "allow matching nothing warns", mutate: func(map[string]res) {}, allow: []string{"Typo"}, warning: "--allow Typo matches no blocked change"},
		{name: "losing Retain warns", mutate: func(m map[string]res) { m["Ids"]["DeletionPolicy"] = "Delete" },
			warning: "Ids (AWS::Cognito::IdentityPool) loses DeletionPolicy Retain", actions: map[string]Action{"Ids": Modified}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldM, newM := clone(t, base), clone(t, base)
			tt.mutate(newM)
			if b, ok := newM["__base_Pool"]; ok {
				oldM["Pool"] = b
				delete(newM, "__base_Pool")
			}
			r, err := Compare(tpl(t, oldM), tpl(t, newM), Options{Allow: tt.allow})
			if err != nil {
				t.Fatal(err)
			}
			if r.Blocked != tt.blocked {
				t.Errorf("Blocked = %v, want %v\n%s", r.Blocked, tt.blocked, r)
			}
			var got []want
			for _, f := range r.Findings {
				got = append(got, want{f.LogicalID, f.Kind, actionOf(r, f.LogicalID)})
				if f.What == "" || f.Lost == "" || !strings.Contains(f.Proceed, "--allow "+f.LogicalID) {
					t.Errorf("finding %+v lacks an explanation or the --allow hint", f)
				}
				if f.Allowed != slices.Contains(tt.allow, f.LogicalID) {
					t.Errorf("finding %s: Allowed = %v", f.LogicalID, f.Allowed)
				}
			}
			if !slices.Equal(got, tt.findings) {
				t.Errorf("findings %v, want %v\n%s", got, tt.findings, r)
			}
			for id, a := range tt.actions {
				if g := actionOf(r, id); g != a {
					t.Errorf("%s: action %s, want %s", id, g, a)
				}
			}
			if tt.warning != "" && !strings.Contains(strings.Join(r.Warnings, "\n"), tt.warning) {
				t.Errorf("warnings %q lack %q", r.Warnings, tt.warning)
			}
			if tt.warning == "" && len(r.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", r.Warnings)
			}
		})
	}
}

func actionOf(r *Report, id string) Action {
	for _, c := range r.Changes {
		if c.LogicalID == id {
			return c.Action
		}
	}
	return ""
}

// clone deep-copies a resource map through JSON so each case mutates its own copy.
func clone(t *testing.T, m map[string]res) map[string]res {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]res
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFindingDetails(t *testing.T) {
	old := `{"Resources": {
	  "Pool": {"Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Retain", "Properties": {"UsernameAttributes": ["email"]}},
	  "Store": {"Type": "AWS::S3::Bucket", "Properties": {}},
	  "Ids": {"Type": "AWS::Cognito::IdentityPool", "DeletionPolicy": "Retain", "Properties": {}}}}`
	proposed := `{"Resources": {
	  "Pool2": {"Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Retain", "Properties": {"UsernameAttributes": ["email"]}},
	  "Store": {"Type": "AWS::S3::Bucket", "UpdateReplacePolicy": "Retain", "Properties": {"BucketName": "x"}}}}`
	r, err := Compare([]byte(old), []byte(proposed), Options{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Finding{}
	for _, f := range r.Findings {
		byID[f.LogicalID] = f
	}
	pool := byID["Pool"]
	if pool.Kind != KindRenamed || !slices.Equal(pool.RenamedTo, []string{"Pool2"}) || !pool.Retained {
		t.Errorf("pool finding %+v", pool)
	}
	for _, s := range []string{"looks like a changed logical ID", "Pool2", "DeletionPolicy Retain keeps it"} {
		if !strings.Contains(pool.What, s) {
			t.Errorf("pool What %q lacks %q", pool.What, s)
		}
	}
	for _, s := range []string{"password", "Cognito cannot export password hashes", "orphaned"} {
		if !strings.Contains(pool.Lost, s) {
			t.Errorf("pool Lost %q lacks %q", pool.Lost, s)
		}
	}
	if !strings.Contains(pool.Proceed, "keep the old logical ID") {
		t.Errorf("pool Proceed %q", pool.Proceed)
	}
	// The deployed bucket has no UpdateReplacePolicy: the old bucket is deleted, not retained.
	store := byID["Store"]
	if store.Kind != KindReplaced || store.Retained || !slices.Equal(store.Paths, []string{"Properties.BucketName"}) ||
		!strings.Contains(store.Lost, "every object") {
		t.Errorf("store finding %+v", store)
	}
	ids := byID["Ids"]
	if ids.Kind != KindDeleted || !strings.Contains(ids.Lost, "private/{identityId}/") || !strings.Contains(ids.Lost, "protected/{identityId}/") {
		t.Errorf("identity pool finding %+v", ids)
	}
}

func TestNewStack(t *testing.T) {
	proposed := `{"Resources": {"Pool": {"Type": "AWS::Cognito::UserPool"}, "Fn": {"Type": "AWS::Lambda::Function"}}}`
	for _, deployed := range [][]byte{nil, {}} {
		r, err := Compare(deployed, []byte(proposed), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Blocked || r.Summary.Added != 2 || len(r.Changes) != 2 {
			t.Errorf("new stack: %+v", r.Summary)
		}
	}
}

func TestYAMLDeployedTemplate(t *testing.T) {
	yamlTpl := `
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    DeletionPolicy: Retain
    Properties:
      UsernameAttributes: [email]
      Schema:
        - { Name: email, Required: true, Mutable: true }
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: !Sub "${AWS::StackName}-web"
      CallbackURLs: [!GetAtt Pool.ProviderURL]
`
	jsonTpl := `{"Resources": {
	  "Pool": {"Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Retain",
	    "Properties": {"UsernameAttributes": ["email"], "Schema": [{"Name": "email", "Required": true, "Mutable": true}]}},
	  "Client": {"Type": "AWS::Cognito::UserPoolClient", "Properties": {"UserPoolId": {"Ref": "Pool"},
	    "ClientName": {"Fn::Sub": "${AWS::StackName}-web"}, "CallbackURLs": [{"Fn::GetAtt": ["Pool", "ProviderURL"]}]}}}}`
	r, err := Compare([]byte(yamlTpl), []byte(jsonTpl), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Unchanged != 2 || r.Blocked {
		t.Errorf("YAML and JSON of one template differ:\n%s", r)
	}
	// And a YAML template still catches a refused change.
	r, err = Compare([]byte(yamlTpl), []byte(strings.Replace(jsonTpl, `["email"]`, `["phone_number"]`, 1)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Blocked {
		t.Errorf("UsernameAttributes change not blocked:\n%s", r)
	}
}

func TestBadTemplates(t *testing.T) {
	good := `{"Resources": {"A": {"Type": "AWS::SNS::Topic"}}}`
	tests := []struct{ deployed, proposed, want string }{
		{good, ``, "proposed template is empty"},
		{`{"Resources": `, good, "deployed template is not valid JSON"},
		{"key: [unclosed", good, "neither JSON nor YAML"},
		{`{"Outputs": {}}`, good, "deployed template has no Resources section"},
		{good, `{"Resources": {"A": {"Properties": {}}}}`, "proposed template: resource A has no Type"},
		{good, `{"Resources": []}`, "Resources is not an object"},
		{"- a\n- b\n", good, "not a CloudFormation template"},
	}
	for _, tt := range tests {
		_, err := Compare([]byte(tt.deployed), []byte(tt.proposed), Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Compare(%q, %q) = %v, want %q", tt.deployed, tt.proposed, err, tt.want)
		}
	}
}

// TestCognitoFindingTexts: the Cognito-specific findings say what is lost and how to proceed in their own
// words (a domain prefix cannot be swapped in place, a removed scope breaks what clients hold).
func TestCognitoFindingTexts(t *testing.T) {
	old := `{"Resources": {
	  "Domain": {"Type": "AWS::Cognito::UserPoolDomain", "DeletionPolicy": "Retain", "Properties": {"Domain": "app-prod", "UserPoolId": "p"}},
	  "Api": {"Type": "AWS::Cognito::UserPoolResourceServer", "Properties": {"Identifier": "api", "UserPoolId": "p",
	    "Scopes": [{"ScopeName": "read", "ScopeDescription": "r"}]}},
	  "Staff": {"Type": "AWS::Cognito::UserPoolGroup", "Properties": {"GroupName": "staff", "UserPoolId": "p"}}}}`
	proposed := `{"Resources": {
	  "Domain": {"Type": "AWS::Cognito::UserPoolDomain", "DeletionPolicy": "Retain", "Properties": {"Domain": "app-new", "UserPoolId": "p"}},
	  "Api": {"Type": "AWS::Cognito::UserPoolResourceServer", "Properties": {"Identifier": "api", "UserPoolId": "p",
	    "Scopes": [{"ScopeName": "list", "ScopeDescription": "r"}]}}}}`
	r, err := Compare([]byte(old), []byte(proposed), Options{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Finding{}
	for _, f := range r.Findings {
		byID[f.LogicalID] = f
	}
	tests := []struct {
		id    string
		kind  Kind
		texts []string // in What, Lost and Proceed together
	}{
		{"Domain", KindRefused, []string{"(app-prod -> app-new)", "a user pool holds one prefix domain", "frees the prefix app-prod for anyone",
			"deploy once without the domain", "--allow Domain only lets plan pass"}},
		{"Api", KindBreaks, []string{"scope api/read is removed (or renamed)", "tokens issued with the old scopes stop matching",
			"move every client to it", "--allow Api"}},
		{"Staff", KindDeleted, []string{"Cognito cannot rename a group, and a new group starts empty", "--allow Staff"}},
	}
	for _, tt := range tests {
		f, ok := byID[tt.id]
		if !ok || f.Kind != tt.kind {
			t.Errorf("%s: finding %+v, want kind %s", tt.id, f, tt.kind)
			continue
		}
		all := strings.Join(strings.Fields(f.What+" "+f.Lost+" "+f.Proceed), " ")
		for _, s := range tt.texts {
			if !strings.Contains(all, s) {
				t.Errorf("%s: lacks %q in %q", tt.id, s, all)
			}
		}
	}
	if text := r.String(); !strings.Contains(text, "Api (AWS::Cognito::UserPoolResourceServer): breaks what deployed clients hold") {
		t.Errorf("label:\n%s", text)
	}
}

package plan

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The photoshare golden template (prod stage: everything stateful is Retain) is what a real deployed
// stack looks like; each case mutates it the way a spec edit would.
const (
	goldenPool     = "UserPoolDAD9161D"
	goldenClient   = "UserPoolClient43258C81"
	goldenBucket   = "StoragephotoStoreBucketE3550972"
	goldenTable    = "StoragelikesTableF91615B6"
	goldenDomain   = "UserPoolDomainB9359F9B"
	goldenAdmins   = "UserPoolGroupadmins46FBF1B2"
	goldenEditors  = "UserPoolGroupeditorsE52BCD28"
	goldenGoogle   = "UserPoolProviderGoogle0114F25C"
	goldenPhotosRS = "UserPoolResourceServerphotos1EED9AA4"
)

func golden(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../stacks/testdata/photoshare.template.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mutateGolden decodes the golden template, lets mut edit its Resources, and encodes it again.
func mutateGolden(t *testing.T, mut func(resources map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(golden(t), &doc); err != nil {
		t.Fatal(err)
	}
	mut(doc["Resources"].(map[string]any))
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func propsOf(resources map[string]any, id string) map[string]any {
	return resources[id].(map[string]any)["Properties"].(map[string]any)
}

func TestGoldenUnchanged(t *testing.T) {
	r, err := Compare(golden(t), golden(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Blocked || r.Summary.Unchanged != len(r.Changes) || r.Summary.Unchanged < 40 {
		t.Errorf("golden vs itself: %+v\n%s", r.Summary, r)
	}
	if !strings.Contains(r.String(), "No resource changes.") {
		t.Errorf("text: %s", r)
	}
}

func TestGoldenMutations(t *testing.T) {
	type want struct {
		id   string
		kind Kind
		text string // in What
	}
	tests := []struct {
		name     string
		proposed func(t *testing.T) []byte
		findings []want
	}{
		{"rename the user pool's logical ID", func(t *testing.T) []byte {
			// What a renamed construct does: a new logical ID, and every reference follows it.
			return []byte(strings.ReplaceAll(string(golden(t)), goldenPool, "UserPoolRenamed0A1B2C3D"))
		}, []want{
			// Everything with the pool's UserPoolId now refers to the new pool: new ones of each too.
			{goldenClient, KindReplaced, "UserPoolId"},
			{goldenPool, KindRenamed, "UserPoolRenamed0A1B2C3D"},
			{goldenDomain, KindReplaced, "UserPoolId"},
			{goldenAdmins, KindReplaced, "UserPoolId"},
			{goldenEditors, KindReplaced, "UserPoolId"},
			{goldenGoogle, KindReplaced, "UserPoolId"},
			{goldenPhotosRS, KindReplaced, "UserPoolId"},
		}},
		{"rename a group", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) {
				g := rs[goldenEditors].(map[string]any)
				g["Properties"].(map[string]any)["GroupName"] = "curators"
				rs["UserPoolGroupcurators0A1B2C3D"] = g
				delete(rs, goldenEditors)
			})
		}, []want{{goldenEditors, KindRenamed, "UserPoolGroupcurators0A1B2C3D"}}},
		{"new hosted UI domain prefix", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) { propsOf(rs, goldenDomain)["Domain"] = "photoshare-new" })
		}, []want{{goldenDomain, KindRefused, "(photoshare-prod -> photoshare-new)"}}},
		{"rename the resource server", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) {
				r := rs[goldenPhotosRS].(map[string]any)
				r["Properties"].(map[string]any)["Identifier"] = "gallery"
				rs["UserPoolResourceServergallery0A1B2C3D"] = r
				delete(rs, goldenPhotosRS)
			})
		}, []want{{goldenPhotosRS, KindRenamed, "UserPoolResourceServergallery0A1B2C3D"}}},
		{"rename a scope", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) {
				propsOf(rs, goldenPhotosRS)["Scopes"].([]any)[1] = map[string]any{"ScopeName": "upload", "ScopeDescription": "Upload photos"}
			})
		}, []want{{goldenPhotosRS, KindBreaks, "scope photos/write is removed"}}},
		{"remove the identity provider", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) { delete(rs, goldenGoogle) })
		}, []want{{goldenGoogle, KindDeleted, "DeletionPolicy Retain keeps it"}}},
		{"sign in with phone instead of email", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) { propsOf(rs, goldenPool)["UsernameAttributes"] = []any{"phone_number"} })
		}, []want{{goldenPool, KindRefused, "UsernameAttributes"}}},
		{"remove the custom attribute", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) {
				p := propsOf(rs, goldenPool)
				p["Schema"] = slices.DeleteFunc(p["Schema"].([]any), func(a any) bool { return a.(map[string]any)["Name"] == "plan" })
			})
		}, []want{{goldenPool, KindRefused, "custom attribute plan is removed"}}},
		{"change the table's key schema", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) {
				p := propsOf(rs, goldenTable)
				p["KeySchema"] = []any{map[string]any{"AttributeName": "userId", "KeyType": "HASH"}, map[string]any{"AttributeName": "photoId", "KeyType": "RANGE"}}
			})
		}, []want{{goldenTable, KindReplaced, "KeySchema"}}},
		{"delete the bucket", func(t *testing.T) []byte {
			return mutateGolden(t, func(rs map[string]any) { delete(rs, goldenBucket) })
		}, []want{{goldenBucket, KindDeleted, "DeletionPolicy Retain keeps it"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Compare(golden(t), tt.proposed(t), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Blocked {
				t.Fatalf("not blocked:\n%s", r)
			}
			if len(r.Findings) != len(tt.findings) {
				t.Fatalf("%d findings, want %d:\n%s", len(r.Findings), len(tt.findings), r)
			}
			for i, w := range tt.findings {
				f := r.Findings[i]
				if f.LogicalID != w.id || f.Kind != w.kind || !strings.Contains(f.What, w.text) {
					t.Errorf("finding %d = %s %s %q, want %s %s containing %q", i, f.LogicalID, f.Kind, f.What, w.id, w.kind, w.text)
				}
			}
			text := r.String()
			for _, s := range []string{"Blocked (", "What:", "Lost:", "Proceed:", "--allow " + tt.findings[0].id, "BLOCKED"} {
				if !strings.Contains(text, s) {
					t.Errorf("text lacks %q:\n%s", s, text)
				}
			}
			// --allow accepts exactly the named IDs.
			var ids []string
			for _, w := range tt.findings {
				ids = append(ids, w.id)
			}
			allowed, err := Compare(golden(t), tt.proposed(t), Options{Allow: ids})
			if err != nil {
				t.Fatal(err)
			}
			if allowed.Blocked || allowed.Summary.Allowed != len(tt.findings) || !strings.Contains(allowed.String(), "these WILL happen") {
				t.Errorf("--allow %v did not unblock:\n%s", ids, allowed)
			}
			if len(ids) > 1 {
				partial, _ := Compare(golden(t), tt.proposed(t), Options{Allow: ids[:1]})
				if !partial.Blocked {
					t.Errorf("--allow %s unblocked %s too", ids[0], ids[1])
				}
			}
		})
	}
}

// TestGoldenText pins the rendering of one case: sorted, aligned, wrapped, deterministic.
func TestGoldenText(t *testing.T) {
	proposed := mutateGolden(t, func(rs map[string]any) {
		propsOf(rs, goldenPool)["UsernameAttributes"] = []any{"phone_number"}
		propsOf(rs, goldenTable)["BillingMode"] = "PROVISIONED"
		delete(rs, goldenBucket)
	})
	r, err := Compare(golden(t), proposed, Options{Allow: []string{goldenBucket}})
	if err != nil {
		t.Fatal(err)
	}
	want := `Resources:
  ~ StoragelikesTableF91615B6        AWS::DynamoDB::Table    modified: BillingMode
  - StoragephotoStoreBucketE3550972  AWS::S3::Bucket         deleted
  ~ UserPoolDAD9161D                 AWS::Cognito::UserPool  modified: UsernameAttributes[0]

Blocked (1):
  UserPoolDAD9161D (AWS::Cognito::UserPool): update refused by the service
    What:    Cognito cannot change what users sign in with (UsernameAttributes) of an existing user pool
             ([email] -> [phone_number])
    Lost:    nothing yet: the update fails and CloudFormation rolls the stack back, but the change can only be
             made with a new user pool, which would lose every user account and password (Cognito cannot
             export password hashes, so users cannot be moved to a new pool with their passwords: all of them
             would have to sign up or reset their password)
    Proceed: revert the change in the spec; to really change it, create a new user pool next to this one and
             migrate to it. --allow UserPoolDAD9161D only lets plan pass: the deployment itself would still
             fail

Allowed by --allow (1): these WILL happen
  StoragephotoStoreBucketE3550972 (AWS::S3::Bucket): deleted, retained but orphaned
    What:    it is removed from the template: CloudFormation would drop the bucket from the stack
             (DeletionPolicy Retain keeps it in the account)
    Lost:    DeletionPolicy is Retain, so the old bucket and its data stay in the account, but orphaned: the
             stack, the app and its configuration move to a new, empty one, so the app loses every object in
             the bucket

Summary: 0 added, 2 modified, 0 replaced, 1 deleted, UNCHANGED unchanged; BLOCKED: 1 change would lose data or fail (1 allowed by --allow)
`
	// Other resources may come and go with the golden template; only the count of unchanged ones may differ.
	want = strings.Replace(want, "UNCHANGED", strconv.Itoa(len(r.Changes)-3), 1)
	got := r.String()
	if got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
	again, _ := Compare(golden(t), proposed, Options{Allow: []string{goldenBucket}})
	if again.String() != got {
		t.Error("rendering is not deterministic")
	}
}

package plan

import (
	"strings"
	"testing"
)

// A hosted UI custom domain is Cognito state like the prefix domain: a new name is refused (replaced, and
// a pool holds one custom domain), deleting it is blocked; a new certificate is an update in place, and
// adding one beside the prefix domain deletes nothing.
func TestCustomDomainRules(t *testing.T) {
	const pool = `"Pool": {"Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": {}}`
	const prefix = `"Domain": {"Type": "AWS::Cognito::UserPoolDomain", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": {"Domain": "app-prod", "UserPoolId": {"Ref": "Pool"}}}`
	custom := func(name, cert string) string {
		return `"Custom": {"Type": "AWS::Cognito::UserPoolDomain", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": {"Domain": "` +
			name + `", "UserPoolId": {"Ref": "Pool"}, "CustomDomainConfig": {"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/` + cert + `"}}}`
	}
	tpl := func(resources ...string) []byte {
		return []byte(`{"Resources": {` + strings.Join(resources, ",") + `}}`)
	}
	for _, tc := range []struct {
		name      string
		old, new  []byte
		blocked   bool
		kind      Kind
		texts     []string
		action    Action
		actionFor string
	}{
		{name: "name changed", old: tpl(pool, prefix, custom("auth.example.com", "a")), new: tpl(pool, prefix, custom("login.example.com", "a")),
			blocked: true, kind: KindRefused, texts: []string{"the hosted UI custom domain changes (auth.example.com -> login.example.com)",
				"a user pool holds one custom domain", "names auth.example.com", "deploy once without customDomain", "--allow Custom only lets plan pass"}},
		{name: "custom domain deleted", old: tpl(pool, prefix, custom("auth.example.com", "a")), new: tpl(pool, prefix),
			blocked: true, kind: KindDeleted},
		{name: "new certificate is an update in place", old: tpl(pool, prefix, custom("auth.example.com", "a")), new: tpl(pool, prefix, custom("auth.example.com", "b")),
			action: Modified, actionFor: "Custom"},
		{name: "custom domain added beside the prefix", old: tpl(pool, prefix), new: tpl(pool, prefix, custom("auth.example.com", "a")),
			action: Added, actionFor: "Custom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Compare(tc.old, tc.new, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Blocked != tc.blocked {
				t.Fatalf("blocked %v, want %v:\n%s", r.Blocked, tc.blocked, r.String())
			}
			if tc.blocked {
				if len(r.Findings) != 1 || r.Findings[0].LogicalID != "Custom" || r.Findings[0].Kind != tc.kind {
					t.Fatalf("findings %+v, want one %s on Custom", r.Findings, tc.kind)
				}
				f := r.Findings[0]
				all := strings.Join(strings.Fields(f.What+" "+f.Lost+" "+f.Proceed), " ")
				for _, s := range tc.texts {
					if !strings.Contains(all, s) {
						t.Errorf("lacks %q in %q", s, all)
					}
				}
				return
			}
			if len(r.Findings) != 0 {
				t.Errorf("findings %+v, want none", r.Findings)
			}
			found := false
			for _, c := range r.Changes {
				if c.LogicalID == tc.actionFor {
					found = true
					if c.Action != tc.action {
						t.Errorf("%s: action %s, want %s", c.LogicalID, c.Action, tc.action)
					}
				}
			}
			if !found {
				t.Errorf("no change for %s", tc.actionFor)
			}
		})
	}
}

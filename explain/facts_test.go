package explain

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

// entry returns the bullet block of one route or storage level in the "Who can call what" section: the
// line starting with "- **<title>**" and its indented sub-bullets.
func entry(t *testing.T, md, api, title string) string {
	t.Helper()
	_, access, ok := strings.Cut(md, "\n## Who can call what\n")
	if !ok {
		t.Fatal("no Who can call what section")
	}
	_, sec, ok := strings.Cut(access, "\n### "+api+"\n")
	if !ok {
		t.Fatalf("no section %q", api)
	}
	sec, _, _ = strings.Cut(sec, "\n### ")
	start := strings.Index(sec, "- **"+title+"**")
	if start < 0 {
		t.Fatalf("section %q has no entry %q:\n%s", api, title, sec)
	}
	var out []string
	for i, l := range strings.Split(sec[start:], "\n") {
		if i > 0 && !strings.HasPrefix(l, "  ") {
			break
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// The plain-word facts a reader relies on, per route and storage level. Each want must appear in the
// entry; each not must not (a wrong credential or role named is as bad as a missing one).
func TestFacts(t *testing.T) {
	tests := []struct {
		example, section, entry string
		want, not               []string
	}{
		{"photoshare", "API `photos`", "`GET /photos`",
			[]string{"**access token**", "`scope` claim must hold `aws.cognito.signin.user.admin`", "`Authorization: <access token>`",
				"An id token is rejected", "through Amplify's `signIn` or the hosted UI"},
			// The hosted UI asks for aws.cognito.signin.user.admin, so its sign-ins are not refused.
			[]string{"SigV4", "X-Amz-Security-Token", "group role", "are refused here"}},
		{"photoshare", "API `photos`", "`DELETE /photos/{id}`",
			[]string{"only members of group `admins`", "SigV4", "`admins` group role", "`cognito:preferred_role`",
				"`Authorization: AWS4-HMAC-SHA256", "`X-Amz-Security-Token`", "`X-Amz-Date`",
				"arn:aws:execute-api:REGION:ACCOUNT:API_ID/dev/DELETE/photos/*", "guests are refused"},
			[]string{"access token", "`editors`", "authenticated role**"}},
		{"photoshare", "Bucket `photoStore`", "`public/`",
			[]string{"**Guests** (signed-out visitors) may read `public/` files, with the **guest role**",
				"**Any signed-in user** may read, write and delete `public/` files, with the **authenticated role** (or their group role"},
			[]string{"guests may write", "Guests** (signed-out visitors) may read, write"}},
		{"photoshare", "Bucket `photoStore`", "`private/{identityId}/`",
			[]string{"**The owner**", "read, write and delete their own files under `private/{identityId}/`"},
			[]string{"Guests", "Any signed-in user"}},
		{"photoshare", "Bucket `photoStore`", "group access (every level)",
			[]string{"**Members of `admins`** may read, write and delete `public/`, `protected/` and `private/` of every user, with the **`admins` group role** only"},
			[]string{"editors"}},
		{"userpool-only", "API `notes`", "`POST /notes`",
			[]string{"hosted UI (OAuth)", "`scope` claim must hold `notes/write`", "`Authorization: <access token>`",
				"Tokens from Amplify's `signIn` carry only `aws.cognito.signin.user.admin` and are refused"},
			[]string{"SigV4", "`notes/read`"}},
		{"userpool-only", "API `notes`", "`GET /notes`",
			[]string{"`scope` claim must hold `notes/read`"}, []string{"`notes/write`"}},
		{"userpool-only", "API `profile`", "`GET /me`",
			[]string{"**id token**", "The method has no scopes", "access token is rejected (401: it has no `aud` claim)", "`Authorization: <id token>`"},
			[]string{"scope claim must", "SigV4"}},
		{"userpool-only", "API `profile`", "`GET /health`",
			[]string{"anyone on the internet", "no credential is checked", "none needed"}, []string{"Authorization:"}},
		{"iam-guest", "API `catalog`", "`GET /items`",
			[]string{"any signed-in user and signed-out visitors (guests)", "**guest role**", "**authenticated role**",
				"group roles carry every authenticated-role grant", "`X-Amz-Security-Token`", "API_ID/dev/GET/items`"},
			[]string{"access token", "id token"}},
		{"iam-guest", "API `catalog`", "`GET /orders`",
			[]string{"any signed-in user.", "**authenticated role**"}, []string{"guest"}},
		{"iam-guest", "API `catalog`", "`ANY /admin/{proxy+}`",
			[]string{"only members of group `admins`", "`admins` group role", "API_ID/dev/*/admin/*`"}, []string{"editors", "guest role"}},
		{"iam-guest", "API `catalog`", "`POST /items`",
			[]string{"`admins` or `editors`", "`admins` group role or `editors` group role"}, []string{"guest role"}},
		{"iam-guest", "Bucket `media`", "`protected/{identityId}/`",
			[]string{"**Guests** (signed-out visitors) may read every user's `protected/` files, with the **guest role**",
				"**The owner**"}, nil},
	}
	docs := map[string]string{}
	for _, ex := range spectest.Examples(t) {
		app, path := load(t, ex)
		docs[ex] = string(Markdown(app, path))
	}
	for _, tt := range tests {
		t.Run(tt.example+" "+tt.entry, func(t *testing.T) {
			got := entry(t, docs[tt.example], tt.section, tt.entry)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q in:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("must not say %q in:\n%s", n, got)
				}
			}
		})
	}
}

// Whole-document facts: the identity pool rules and the diagrams per mode in use.
func TestDocumentFacts(t *testing.T) {
	tests := []struct {
		example   string
		want, not []string
	}{
		{"photoshare", []string{
			"every group role also carries all of the authenticated role's grants",
			"`cognito:preferred_role`",
			"**Guest role**: signed-out visitors (`guestAccess: true`)",
			"### Access token (Cognito authorizer with scopes)",
			"### IAM (SigV4 with identity pool credentials), signed-in user",
			"### S3 access levels",
			"No browser caller: the SPA never gets credentials for it. Reached by only function `photos`",
			"Resource server `photos` defines custom scopes `photos/read` and `photos/write`; the hosted UI asks for none of them",
		}, []string{"### Id token", "### IAM, signed-out visitor", "### No authorization"}},
		{"userpool-only", []string{
			"### Access token (Cognito authorizer with scopes)", "### Id token (Cognito authorizer without scopes)",
			"### No authorization", "/oauth2/authorize",
		}, []string{"### Cognito identity pool", "participant IP", "SigV4", "X-Amz-Security-Token", "### IAM"}},
		{"iam-guest", []string{
			"### IAM (SigV4 with identity pool credentials), signed-in user", "### IAM, signed-out visitor (guest role)",
			"SPA->>IP: GetId (no Logins)", "IP-->>SPA: temporary AWS credentials of the guest role",
		}, []string{"### Access token", "### Id token", "Authorization: access token"}},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			app, path := load(t, tt.example)
			md := string(Markdown(app, path))
			for _, w := range tt.want {
				if !strings.Contains(md, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(md, n) {
					t.Errorf("must not contain %q", n)
				}
			}
		})
	}
}

// Without an identity pool, guest access or group roles, explain must not invent them.
func TestNoGuestRoleWithoutGuestAccess(t *testing.T) {
	app, path := load(t, "photoshare")
	app.Auth.IdentityPool.GuestAccess = false
	for i := range app.Buckets {
		var kept = app.Buckets[i].Access[:0:0]
		for _, a := range app.Buckets[i].Access {
			if a.Who != "guest" {
				kept = append(kept, a)
			}
		}
		app.Buckets[i].Access = kept
	}
	md := string(Markdown(app, path))
	for _, l := range strings.Split(md, "\n") {
		if strings.Contains(strings.ToLower(l), "guest role") && !strings.HasPrefix(l, "- No guest role:") {
			t.Errorf("mentions a guest role without guestAccess: %s", l)
		}
	}
	if !strings.Contains(md, "signed-out visitors get no AWS credentials at all") {
		t.Errorf("does not say guests get no credentials")
	}
}

// TestHostedUIWithoutAdminScope: when the hosted UI does not ask for aws.cognito.signin.user.admin, its
// sign-ins carry access tokens the default access-token routes refuse, and explain must say so.
func TestHostedUIWithoutAdminScope(t *testing.T) {
	app, path := load(t, "photoshare")
	h := app.Auth.UserPool.HostedUI
	h.Scopes = []string{"email", "openid", "profile"}
	got := entry(t, string(Markdown(app, path)), "API `photos`", "`GET /photos`")
	for _, want := range []string{"Hosted UI sign-ins", "are refused here", "add it to `hostedUI.scopes`"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q in:\n%s", want, got)
		}
	}
}

// TestRetention: in a retain stage explain names every piece of Cognito state the stack keeps and how a
// deleted stack is recovered; in a destroy stage it says everything goes.
func TestRetention(t *testing.T) {
	tests := []struct {
		example, stage string
		want, not      []string
	}{
		{"photoshare", "prod", []string{
			"Retained (stage `prod`): deleting the stack, or a change that replaces one of them, leaves the user pool in the account with its users and passwords",
			"the groups and every membership", "the app client (its id is in every SPA build and refresh token)",
			"the hosted UI domain `photoshare-prod`", "the identity provider `google`", "the resource server `photos`",
			"`stages.prod.existing` naming what was kept, `userPool: { id, clientId, domain }`",
			"Its roles and role attachment are not kept: redeploying with `stages.prod.existing.identityPool`",
		}, []string{"removal: destroy"}},
		{"iam-guest", "prod", []string{"the groups and every membership", "`userPool: { id, clientId }`"},
			[]string{"hosted UI domain `", "identity provider", "resource server"}},
		{"photoshare", "dev", []string{"Stage `dev` says `removal: destroy`: deleting the stack deletes the user pool, its users and every Cognito resource of it"},
			[]string{"Retained", "existing"}},
	}
	for _, tt := range tests {
		t.Run(tt.example+"/"+tt.stage, func(t *testing.T) {
			app, err := spec.Load(filepath.Join("..", "examples", tt.example, "app.yaml"), tt.stage)
			if err != nil {
				t.Fatal(err)
			}
			md := string(Markdown(app, "app.yaml"))
			_, pool, _ := strings.Cut(md, "### Cognito user pool")
			pool, _, _ = strings.Cut(pool, "\n### ")
			_, ids, _ := strings.Cut(md, "### Cognito identity pool")
			ids, _, _ = strings.Cut(ids, "\n### ")
			for _, w := range tt.want {
				if !strings.Contains(pool+ids, w) {
					t.Errorf("lacks %q in:\n%s%s", w, pool, ids)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(pool+ids, n) {
					t.Errorf("must not say %q in:\n%s%s", n, pool, ids)
				}
			}
		})
	}
}

// TestVerificationAndImmutable: a required email stays verified with username sign-in, immutable
// custom attributes are named as such, and who may write each custom attribute is said.
func TestVerificationAndImmutable(t *testing.T) {
	app, err := spec.Parse("app.yaml", t.TempDir(), []byte(`version: 1
app: t
auth:
  userPool:
    signInWith: [username]
    standardAttributes: { email: required }
    customAttributes: { plan: string, tenant: { type: string, mutable: false }, bio: { type: string, userWritable: true } }
`), "dev")
	if err != nil {
		t.Fatal(err)
	}
	md := string(Markdown(app, "app.yaml"))
	for _, want := range []string{"- Verified: `email`.",
		"- Immutable `custom:tenant`: set once, when the user is created",
		"- Users may set `custom:bio` themselves",
		"- Only administrators and functions write `custom:plan` and `custom:tenant`:"} {
		if !strings.Contains(md, want) {
			t.Errorf("lacks %q", want)
		}
	}
}

// A stage that declares its region gets it in every ARN and host explain names; REGION stays only for
// environment-agnostic stages (the region then comes from the deploying credentials).
func TestStageRegion(t *testing.T) {
	tests := []struct {
		name, example, stage, region string
		want, not                    []string
	}{
		{"declared in the spec", "iam-guest", "prod", "",
			[]string{"arn:aws:execute-api:eu-west-1:ACCOUNT:API_ID/prod/GET/items", "region eu-west-1"}, []string{"REGION"}},
		{"hosted UI and ARN", "photoshare", "", "ap-southeast-2",
			[]string{"`photoshare-dev.auth.ap-southeast-2.amazoncognito.com`", "arn:aws:execute-api:ap-southeast-2:ACCOUNT:API_ID/dev/DELETE/photos/*"},
			[]string{"REGION"}},
		{"environment-agnostic", "photoshare", "", "",
			[]string{"`photoshare-dev.auth.REGION.amazoncognito.com`", "arn:aws:execute-api:REGION:ACCOUNT:"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, err := spec.Load(filepath.Join("..", "examples", tt.example, "app.yaml"), tt.stage)
			if err != nil {
				t.Fatal(err)
			}
			if tt.region != "" {
				app.Region = tt.region
			}
			md := string(Markdown(app, "app.yaml"))
			for _, w := range tt.want {
				if !strings.Contains(md, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(md, n) {
					t.Errorf("must not contain %q", n)
				}
			}
		})
	}
}

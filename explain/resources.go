package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// resources writes one entry per resource: what it is, then why this spec has it.
func (e *explainer) resources(w *writer) {
	w.line("## Resources")
	w.blank()
	w.line("What each resource is, and why it exists in this spec.")
	w.blank()
	if e.up != nil {
		e.userPool(w)
	}
	if e.ip != nil {
		e.identityPool(w)
	}
	for i := range e.app.APIs {
		e.apiResource(w, &e.app.APIs[i])
	}
	for _, f := range e.app.Functions {
		e.function(w, f)
	}
	for _, b := range e.app.Buckets {
		e.bucket(w, b)
	}
	for _, t := range e.app.Tables {
		e.table(w, t)
	}
}

func (e *explainer) userPool(w *writer) {
	u := e.up
	w.line("### Cognito user pool")
	w.blank()
	w.line("**What:** the user directory. It stores the users and their passwords, signs them in and issues "+
		"their JSON Web Tokens: an **id token** (who the user is: `sub`, `email`, `cognito:groups`; its `aud` is "+
		"the app client), an **access token** (what the token may do: its `scope` claim) and a refresh token. "+
		"The SPA gets one app client without a secret: sign-in with SRP (`USER_SRP_AUTH`, what Amplify's "+
		"`signIn` uses) and refresh tokens%s.", map[bool]string{true: ", plus the hosted UI's authorization code flow", false: ""}[u.HostedUI != nil])
	w.blank()
	w.line("**Why:** `auth.userPool` is in the spec.")
	if x := u.Existing; x != nil {
		client := "this stack creates a new app client on it"
		if x.ClientID != "" {
			client = fmt.Sprintf("the SPA keeps app client `%s`", x.ClientID)
		}
		w.line("- **Existing pool** `%s` (stage `%s`): its users stay where they are; %s and changes nothing else. "+
			"The settings below describe the pool (for the frontend config) and are not applied to it.", x.ID, e.app.Stage, client)
		if len(u.Triggers) > 0 {
			w.line("- Its Lambda triggers stay as the pool has them: this stack deploys the trigger functions but cannot attach them.")
		}
	}
	signUp := "administrators create users (self sign-up is off)"
	if u.SelfSignUp {
		signUp = "users sign themselves up"
	}
	w.line("- Sign-in with %s; %s.", andList(u.SignInWith), signUp)
	mfa := "MFA is off"
	if u.MFA.Mode != "off" {
		mfa = fmt.Sprintf("MFA is %s (%s)", u.MFA.Mode, andList(code(u.MFA.Methods)))
	}
	w.line("- Passwords of at least %d characters; %s.", u.PasswordPolicy.MinLength, mfa)
	if len(u.Groups) > 0 {
		gs := make([]string, len(u.Groups))
		for i, g := range u.Groups {
			gs[i] = fmt.Sprintf("`%s` (precedence %d)", g.Name, g.Precedence)
		}
		w.line("- Groups %s. Membership is in the tokens' `cognito:groups` claim. Token authorizers "+
			"(id or access token) never look at it: only IAM routes can be restricted to a group.", andList(gs))
	}
	for _, t := range u.Triggers {
		w.line("- Trigger `%s`: Cognito invokes function `%s`.", t.Operation, t.Function)
	}
	if h := u.HostedUI; h != nil {
		providers := make([]string, len(h.Providers))
		for i, p := range h.Providers {
			providers[i] = "`" + p.Name + "`"
		}
		pw := ""
		if len(providers) > 0 {
			pw = "; federated sign-in with " + andList(providers)
		}
		w.line("- Hosted UI at `%s`: OAuth 2.0 authorization code flow (with PKCE "+
			"in amplify-js' `signInWithRedirect`) back to %s, asking for scopes %s%s. Tokens from this flow carry "+
			"the requested scopes in the access token, and `aws.cognito.signin.user.admin` only if it is requested.",
			e.hostedUIDomain(), andList(code(h.CallbackURLs)), andList(code(h.Scopes)), pw)
		if !slices.Contains(h.Scopes, "openid") {
			w.line("- The hosted UI does not ask for `openid`: its sign-ins get no id token, so they cannot call " +
				"id-token routes or get identity pool credentials.")
		}
	}
	for _, rs := range u.ResourceServers {
		scopes := make([]string, len(rs.Scopes))
		for i, s := range rs.Scopes {
			scopes[i] = rs.Identifier + "/" + s.Name
		}
		requested := "the hosted UI asks for none of them, so no token of this app carries them"
		if intersects(scopes, e.hostedScopes()) {
			requested = "only tokens from the hosted UI's OAuth flow can carry them (Amplify's `signIn` tokens never do)"
		}
		w.line("- Resource server `%s` defines custom scopes %s; %s.", rs.Identifier, andList(code(scopes)), requested)
	}
	if u.Existing == nil {
		w.line("- %s", e.removal("user pool", "every user and password: Cognito cannot export password hashes"))
	}
	w.blank()
}

func (e *explainer) identityPool(w *writer) {
	ip := e.ip
	w.line("### Cognito identity pool and its IAM roles")
	w.blank()
	w.line("**What:** exchanges a user pool **id token** (or nothing, for a signed-out visitor) for temporary AWS " +
		"credentials (access key, secret key, session token) of one IAM role. amplify-js signs requests with " +
		"them (SigV4): IAM routes of the APIs and S3. The role's policy decides what the request may do.")
	w.blank()
	var needs []string
	if n := len(e.routesWith(spec.AuthIAM)); n > 0 {
		needs = append(needs, plural(n, "IAM route"))
	}
	if n := len(e.browserBuckets()); n > 0 {
		needs = append(needs, fmt.Sprintf("browser access to %s", plural(n, "bucket")))
	}
	why := "`auth.identityPool` is in the spec"
	if len(needs) > 0 {
		why += "; " + andList(needs) + " need its credentials"
	}
	w.line("**Why:** %s.", why)
	if ip.ExistingID != "" {
		w.line("- **Existing identity pool** `%s` (stage `%s`): identity ids, and so every user's `protected/` and "+
			"`private/` files, are kept. This stack creates the roles below and the pool's role attachment, which "+
			"replaces the roles the pool had; its providers and guest setting stay as they are.", ip.ExistingID, e.app.Stage)
	}
	w.line("- **Authenticated role**: every signed-in user who has no group role.")
	if ip.GuestAccess {
		w.line("- **Guest role**: signed-out visitors (`guestAccess: true`); the pool hands out unauthenticated identities.")
	} else {
		w.line("- No guest role: `guestAccess` is off, so signed-out visitors get no AWS credentials at all.")
	}
	if len(e.groups) > 0 {
		for _, g := range e.groups {
			w.line("- **`%s` group role**: members of `%s`.", g.Name, g.Name)
		}
		w.line("- Token-based role mapping: the group's role ARN is set on the user pool group, so the id token " +
			"carries it in `cognito:preferred_role` (for a user in several groups, the group with the lowest " +
			"precedence number) and the identity pool hands out that role instead of the authenticated role. " +
			"A token without `cognito:preferred_role` (no group, or tied precedences) gets the authenticated role. Because a group member never gets the " +
			"authenticated role, every group role also carries all of the authenticated role's grants.")
	} else if e.up != nil && len(e.up.Groups) > 0 {
		w.line("- `groupRoles` is off: groups get no roles, and every signed-in user gets the authenticated role.")
	}
	e.roleGrants(w)
	if ip.ExistingID == "" {
		w.line("- %s", e.removal("identity pool", "new identity ids orphan every user's `private/` and `protected/` files"))
	}
	w.blank()
}

// removal says what deleting the stack (or the resource from the spec) does to a stateful resource.
func (e *explainer) removal(what, loss string) string {
	if e.app.Removal == spec.RemovalDestroy {
		return fmt.Sprintf("Stage `%s` says `removal: destroy`: deleting the stack deletes the %s and its data.", e.app.Stage, what)
	}
	return fmt.Sprintf("Retained (stage `%s`): deleting the stack leaves the %s in the account, because losing it loses data (%s).", e.app.Stage, what, loss)
}

// roleGrants lists, per role, what its policy allows: the same facts as the access section, seen from
// the role's side.
func (e *explainer) roleGrants(w *writer) {
	type grant struct{ role, what string }
	var gs []grant
	add := func(role, what string) { gs = append(gs, grant{role, what}) }
	for _, rr := range e.routesWith(spec.AuthIAM) {
		what := fmt.Sprintf("invoke `%s` on API `%s`", rr.route.Key(), rr.api.Name)
		if len(rr.route.Groups) > 0 {
			for _, g := range rr.route.Groups {
				add(g, what)
			}
			continue
		}
		add("", what)
		if rr.route.Guest {
			add("guest", what)
		}
	}
	for _, b := range e.app.Buckets {
		for _, a := range b.Access {
			what := fmt.Sprintf("%s %s in bucket `%s`", andList(a.Actions), levelWords(a), b.Name)
			switch a.Who {
			case "guest":
				add("guest", what)
			case "group":
				add(a.Group, what)
			default:
				add("", what)
			}
		}
	}
	roles := []struct{ key, label string }{{"", "Authenticated role (and every group role) may"}}
	if len(e.groups) == 0 {
		roles[0].label = "Authenticated role may"
	}
	if e.ip.GuestAccess {
		roles = append(roles, struct{ key, label string }{"guest", "Guest role may"})
	}
	for _, g := range e.groups {
		roles = append(roles, struct{ key, label string }{g.Name, fmt.Sprintf("`%s` group role may, on top of every authenticated-role grant", g.Name)})
	}
	for _, r := range roles {
		var whats []string
		for _, g := range gs {
			if g.role == r.key {
				whats = append(whats, g.what)
			}
		}
		if len(whats) == 0 {
			whats = []string{"nothing"}
			if r.key != "" && r.key != "guest" {
				whats = []string{"nothing more"}
			}
		}
		w.line("- %s: %s.", r.label, strings.Join(whats, "; "))
	}
}

// levelWords names the object keys an access grant covers, as amplify-js builds them.
func levelWords(a spec.BucketAccess) string {
	switch {
	case a.Level == "all":
		return "`public/`, `protected/` and `private/` of every user"
	case a.Who == "owner":
		return "`" + a.Level + "/{identityId}/` (own files)"
	case a.Level == "protected":
		return "`protected/` of every user"
	}
	return "`" + a.Level + "/`"
}

func (e *explainer) apiResource(w *writer, api *spec.API) {
	w.line("### REST API `%s`", api.Name)
	w.blank()
	w.line("**What:** an API Gateway REST API (regional, stage `%s`) whose routes invoke Lambda functions "+
		"(proxy integration). API Gateway checks each request before the function runs.", e.app.Stage)
	w.blank()
	modes := api.Modes()
	w.line("**Why:** `api.%s` declares %s; default authorization `%s`, modes in use: %s.",
		api.Name, plural(len(api.Routes), "route"), api.Authorization, andList(code(modes)))
	if len(api.CorsOrigins) > 0 {
		w.line("- CORS for %s: preflight `OPTIONS` needs no credential, and API Gateway's own 4XX/5XX "+
			"errors carry `Access-Control-Allow-Origin`, so the browser sees a 401 or 403 as such. The "+
			"functions add CORS headers to their own replies (`UNDERHOOD_ALLOWED_ORIGINS`).", andList(code(api.CorsOrigins)))
	}
	if api.RateLimit > 0 {
		w.line("- Throttling: %d requests per second, bursts of %d.", api.RateLimit, api.BurstLimit)
	}
	if api.AccessLogs {
		w.line("- Access logs go to CloudWatch Logs.")
	}
	w.blank()
}

var runtimeWords = map[string]string{
	"go":     "Go, compiled for `provided.al2023` on arm64",
	"nodejs": "Node.js, `nodejs22.x` on arm64",
	"python": "Python, `python3.13` on arm64",
}

func (e *explainer) function(w *writer, f spec.Function) {
	w.line("### Lambda function `%s`", f.Name)
	w.blank()
	w.line("**What:** a Lambda function (%s) with the code in `%s`, %d MB, timeout %s. It runs with its own "+
		"execution role, never with a user's credentials.", runtimeWords[f.Runtime], f.Source, f.Memory, f.Timeout)
	w.blank()
	var why []string
	for i := range e.app.APIs {
		api := &e.app.APIs[i]
		var keys []string
		for _, r := range api.Routes {
			if r.Function == f.Name {
				keys = append(keys, "`"+r.Key()+"`")
			}
		}
		if len(keys) > 0 {
			why = append(why, fmt.Sprintf("serves %s of API `%s`", andList(keys), api.Name))
		}
	}
	if e.up != nil {
		for _, t := range e.up.Triggers {
			if t.Function == f.Name {
				why = append(why, fmt.Sprintf("is the user pool's `%s` trigger", t.Operation))
			}
		}
	}
	if len(why) == 0 {
		why = []string{"is declared under `functions`; no route or trigger invokes it"}
	}
	w.line("**Why:** it %s.", andList(why))
	for _, g := range f.Access {
		w.line("- Its role may %s `%s` (`functions.%s.access`).", andList(g.Actions), g.Storage, f.Name)
	}
	w.blank()
}

func (e *explainer) bucket(w *writer, b spec.Bucket) {
	w.line("### S3 bucket `%s`", b.Name)
	w.blank()
	w.line("**What:** file storage. Public access is blocked, requests must use TLS, objects are encrypted; " +
		"nobody reaches it without a signed request whose role allows it.")
	w.blank()
	why := fmt.Sprintf("`storage.%s` (type s3)", b.Name)
	w.line("**Why:** %s.", why)
	if b.ExistingName != "" {
		w.line("- **Existing bucket** `%s` (stage `%s`): referenced, not created; grants go to it, its own settings (CORS, versioning, policy) stay as they are.", b.ExistingName, e.app.Stage)
	}
	if len(b.Access) > 0 {
		w.line("- The browser reads and writes it directly with identity pool credentials, under the Amplify access levels (see below).")
	} else {
		w.line("- No browser access (no `access`): only functions reach it.")
	}
	e.storageUsers(w, b.Name)
	if b.Versioned {
		w.line("- Versioned: overwritten and deleted objects keep their old versions.")
	}
	if len(b.CorsOrigins) > 0 {
		w.line("- CORS for %s, exposing `ETag` for multipart uploads.", andList(code(b.CorsOrigins)))
	}
	if b.ExistingName == "" {
		w.line("- %s", e.removal("bucket", "every file"))
	}
	w.blank()
}

func (e *explainer) table(w *writer, t spec.Table) {
	w.line("### DynamoDB table `%s`", t.Name)
	w.blank()
	key := fmt.Sprintf("partition key `%s` (%s)", t.PartitionKey.Name, t.PartitionKey.Type)
	if t.SortKey != nil {
		key += fmt.Sprintf(", sort key `%s` (%s)", t.SortKey.Name, t.SortKey.Type)
	}
	w.line("**What:** an on-demand NoSQL table, %s.", key)
	w.blank()
	w.line("**Why:** `storage.%s` (type dynamodb).", t.Name)
	if t.ExistingName != "" {
		w.line("- **Existing table** `%s` (stage `%s`): referenced, not created; grants go to it and its indexes, its own settings stay as they are.", t.ExistingName, e.app.Stage)
	}
	if e.ip != nil {
		w.line("- No browser access: no identity pool role has any grant on it.")
	} else {
		w.line("- No browser access: without an identity pool the browser never holds AWS credentials.")
	}
	e.storageUsers(w, t.Name)
	for _, ix := range t.Indexes {
		k := fmt.Sprintf("`%s`", ix.PartitionKey.Name)
		if ix.SortKey != nil {
			k += fmt.Sprintf(", sorted by `%s`", ix.SortKey.Name)
		}
		w.line("- Index `%s`: query by %s.", ix.Name, k)
	}
	if t.Stream != "" {
		w.line("- Stream of changes: `%s`.", t.Stream)
	}
	if t.TTLAttribute != "" {
		w.line("- Items expire at the time in `%s`.", t.TTLAttribute)
	}
	if t.ExistingName == "" {
		w.line("- %s", e.removal("table", "every item"))
	}
	w.blank()
}

// storageUsers lists the functions granted access to one bucket or table.
func (e *explainer) storageUsers(w *writer, name string) {
	for _, f := range e.app.Functions {
		for _, g := range f.Access {
			if g.Storage == name {
				w.line("- Function `%s` may %s it (through its execution role).", f.Name, andList(g.Actions))
			}
		}
	}
}

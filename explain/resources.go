package explain

import (
	"cmp"
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
	for _, g := range e.app.GraphQL {
		e.graphQL(w, g)
	}
	if an := e.app.Analytics; an != nil {
		w.line("### Amazon Pinpoint project (referenced)")
		w.blank()
		w.line("**What:** the analytics project `%s` in %s, which the SPA's Amplify Analytics sends events to. "+
			"Referenced, not created: the stack neither creates nor changes it, and `underhood config` writes its id "+
			"for the SPA (stage `%s`, `existing.analytics`). Sending events needs identity pool credentials whose "+
			"role may call `mobiletargeting:PutEvents` and `UpdateEndpoint`; the stack grants none, so they stay "+
			"with the roles Amplify gave them.", an.AppID, an.Region, e.app.Stage)
		w.blank()
	}
}

var appSyncWords = map[string]string{
	spec.GraphQLAPIKey:   "an API key (the `x-api-key` header)",
	spec.GraphQLUserPool: "the user pool's tokens (`Authorization` header)",
	spec.GraphQLIAM:      "a SigV4 signature with identity pool credentials",
	spec.GraphQLOIDC:     "an OpenID Connect token",
	spec.GraphQLLambda:   "a token a Lambda authorizer checks",
}

func (e *explainer) graphQL(w *writer, g spec.GraphQLAPI) {
	w.line("### AppSync GraphQL API `%s` (referenced)", g.Name)
	w.blank()
	w.line("**What:** an AppSync GraphQL API at `%s`. Referenced, not created: it stays where it is (Amplify's "+
		"stack, typically) with its schema, resolvers and tables; the stack neither creates nor changes it, and "+
		"`underhood config` writes its endpoint for the SPA (stage `%s`, `existing.graphql.%s`).", g.Endpoint, e.app.Stage, g.Name)
	var modes []string
	for _, m := range g.Authorization {
		modes = append(modes, appSyncWords[m])
	}
	w.line("- **Callers authorize with** %s by default%s.", modes[0], map[bool]string{true: ", or " + orList(modes[1:]), false: ""}[len(modes) > 1])
	if g.APIKey != nil {
		w.line("- **API key:** not in the spec; `underhood config` reads it from %s and writes it into the SPA's configuration (API keys are meant to ship with the SPA, and they expire).", valueRefWords(g.APIKey))
	}
	for _, f := range e.app.Functions {
		for _, a := range f.GraphQLAccess {
			if a.API == g.Name {
				id, endpoint := spec.GraphQLEnv(g.Name)
				w.line("- Function `%s` may run %s on it (`appsync:GraphQL` on `types/%s/*`), signing with its execution role; it gets `%s` and `%s`.",
					f.Name, andList(a.Types), strings.Join(a.Types, "/*`, `types/"), id, endpoint)
			}
		}
	}
	w.blank()
}

func valueRefWords(r *spec.ValueRef) string {
	switch {
	case r.SecretsManager != "":
		return "the Secrets Manager secret `" + r.SecretsManager + "`"
	case r.SSM != "":
		return "the SSM parameter `" + r.SSM + "`"
	}
	return "output `" + r.Output + "` of stack `" + r.Stack + "`"
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
	if v := u.VerifiedAttributes(); len(v) > 0 {
		w.line("- Verified: %s. Cognito sends confirmation and password-reset codes only to a verified address, and a "+
			"changed one takes effect only once the user confirms it.", andList(code(v)))
	}
	var fixed, userSet, adminSet []string
	for _, a := range u.CustomAttributes {
		name := "`custom:" + a.Name + "`"
		if !a.Mutable {
			fixed = append(fixed, name)
		}
		if a.UserWritable {
			userSet = append(userSet, name)
		} else {
			adminSet = append(adminSet, name)
		}
	}
	if len(userSet) > 0 {
		w.line("- Users may set %s themselves (sign-up, `updateUserAttributes`): the app client may write it.", andList(userSet))
	}
	if len(adminSet) > 0 {
		w.line("- Only administrators and functions write %s: the app client may not (`userWritable: true` would let users set it).", andList(adminSet))
	}
	if len(fixed) > 0 {
		w.line("- Immutable %s: set once, when the user is created; nobody can change it afterwards.", andList(fixed))
	}
	if len(u.Groups) > 0 {
		gs := make([]string, len(u.Groups))
		for i, g := range u.Groups {
			gs[i] = fmt.Sprintf("`%s` (no precedence)", g.Name)
			if g.Precedence != nil {
				gs[i] = fmt.Sprintf("`%s` (precedence %d)", g.Name, *g.Precedence)
			}
		}
		w.line("- Groups %s. Membership is in the tokens' `cognito:groups` claim. Token authorizers "+
			"(id or access token) never look at it: only IAM routes can be restricted to a group.", andList(gs))
	}
	for _, t := range u.Triggers {
		w.line("- Trigger `%s`: Cognito invokes function `%s`.", t.Operation, t.Function)
	}
	e.passwordlessLines(w)
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
		e.hostedUICustomDomain(w)
		if x := u.Existing; x != nil && x.ResponseType == "token" {
			w.line("- **Implicit grant:** the existing app client `%s` allows only the OAuth implicit grant (stage `%s`, "+
				"`responseType: token`): Cognito returns the tokens in the redirect URL's fragment and no refresh token, "+
				"so users sign in again when they expire. Allow the code grant on the client and remove responseType "+
				"to use the code flow above.", x.ClientID, e.app.Stage)
		}
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
		if _, hosted := e.scopeSources(scopes); hosted {
			requested = "only tokens from the hosted UI's OAuth flow can carry them (Amplify's `signIn` tokens never do)"
		}
		if words := e.triggerScopeWords(scopes); words != "" {
			requested = words
		}
		w.line("- Resource server `%s` defines custom scopes %s; %s.", rs.Identifier, andList(code(scopes)), requested)
	}
	if u.Existing == nil {
		w.line("- %s", e.userPoolRemoval())
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
		if e.up.Existing != nil {
			names := make([]string, len(e.groups))
			for i, g := range slices.SortedStableFunc(slices.Values(e.groups), func(a, b spec.Group) int { return cmp.Compare(rank(a), rank(b)) }) {
				names[i] = "`" + g.Name + "`"
			}
			w.line("- Rule-based role mapping: the existing pool's groups are not this stack's, so their role ARN "+
				"cannot be set; the role attachment has one rule per group on the id token's `cognito:groups` claim, "+
				"in precedence order (%s; the first match wins, as Cognito's lowest precedence would). A user in no "+
				"group gets the authenticated role. Because a group member never gets the authenticated role, every "+
				"group role also carries all of the authenticated role's grants.", strings.Join(names, ", "))
		} else {
			w.line("- Token-based role mapping: the group's role ARN is set on the user pool group, so the id token " +
				"carries it in `cognito:preferred_role` (for a user in several groups, the group with the lowest " +
				"precedence number; every group has its own, so there is no tie) and the identity pool hands out that " +
				"role instead of the authenticated role. A user in no group gets the authenticated role. Because a " +
				"group member never gets the authenticated role, every group role also carries all of the " +
				"authenticated role's grants.")
		}
	} else if e.up != nil && len(e.up.Groups) > 0 {
		w.line("- `groupRoles` is off: groups get no roles, and every signed-in user gets the authenticated role.")
	}
	e.roleGrants(w)
	if ip.ExistingID == "" {
		line := e.removal("identity pool", "new identity ids orphan every user's `private/` and `protected/` files")
		if e.app.Removal != spec.RemovalDestroy {
			line += fmt.Sprintf(" Its roles and role attachment are not kept: redeploying with `stages.%s.existing.identityPool` "+
				"creates them again from the spec.", e.app.Stage)
		}
		w.line("- %s", line)
	}
	w.blank()
}

// userPoolRemoval says what deleting the stack (or replacing a resource) does to the user pool and the
// Cognito state around it, and how a retained stage gets it back.
func (e *explainer) userPoolRemoval() string {
	u := e.up
	if e.app.Removal == spec.RemovalDestroy {
		return fmt.Sprintf("Stage `%s` says `removal: destroy`: deleting the stack deletes the user pool, its users and every "+
			"Cognito resource of it (groups, app client, domain, providers, resource servers).", e.app.Stage)
	}
	kept := []string{"its users and passwords (Cognito cannot export password hashes)"}
	if len(u.Groups) > 0 {
		kept = append(kept, "the groups and every membership (a new group starts empty)")
	}
	kept = append(kept, "the app client (its id is in every SPA build and refresh token)")
	recovery := "`userPool: { id, clientId }`"
	if h := u.HostedUI; h != nil {
		kept = append(kept, fmt.Sprintf("the hosted UI domain `%s` (a freed prefix is anyone's to claim)", h.DomainPrefix))
		recovery = "`userPool: { id, clientId, domain }`"
		if len(h.Providers) > 0 {
			names := make([]string, len(h.Providers))
			for i, p := range h.Providers {
				names[i] = "`" + p.Name + "`"
			}
			kept = append(kept, pluralWord(len(names), "the identity provider", "the identity providers")+" "+andList(names)+
				" (federated users' accounts are keyed by provider)")
		}
	}
	if len(u.ResourceServers) > 0 {
		names := make([]string, len(u.ResourceServers))
		for i, rs := range u.ResourceServers {
			names[i] = "`" + rs.Identifier + "`"
		}
		kept = append(kept, pluralWord(len(names), "the resource server", "the resource servers")+" "+andList(names)+" (the scopes tokens carry)")
	}
	return fmt.Sprintf("Retained (stage `%s`): deleting the stack, or a change that replaces one of them, leaves the user "+
		"pool in the account with %s, all `DeletionPolicy` and `UpdateReplacePolicy` Retain (the pool also has deletion "+
		"protection). A deleted stack is recovered by deploying again with `stages.%s.existing` naming what was kept, %s.",
		e.app.Stage, andList(kept), e.app.Stage, recovery)
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
	e.apiCustomDomain(w, api)
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
	if f.Schedule != "" {
		why = append(why, fmt.Sprintf("runs on the schedule `%s` (an EventBridge rule, UTC)", f.Schedule))
	}
	for _, ev := range f.Events {
		if ev.DynamoDB != "" {
			why = append(why, fmt.Sprintf("processes the changes of table `%s` (its stream)", ev.DynamoDB))
		} else {
			why = append(why, fmt.Sprintf("is called when objects are %s in bucket `%s`%s", orList(ev.On), ev.S3, underPrefix(ev.Prefix)))
		}
	}
	if len(why) == 0 {
		why = []string{"is declared under `functions`; no route, trigger, schedule or event invokes it"}
	}
	w.line("**Why:** it %s.", andList(why))
	if f.Schedule != "" {
		w.line("- Schedule: EventBridge invokes it `%s`; the Lambda permission names exactly that rule, so no other rule can.", f.Schedule)
	}
	for _, ev := range f.Events {
		if ev.DynamoDB != "" {
			w.line("- Stream of `%s`: Lambda polls it from the newest record (batches of up to 100) and may read only that stream; a failing batch is retried in order until it succeeds or its records expire (24 hours).", ev.DynamoDB)
		} else {
			w.line("- Bucket `%s`: S3 invokes it on %s%s; the permission is for that bucket in this account only.", ev.S3, andList(s3EventWords(ev.On)), underPrefix(ev.Prefix))
		}
	}
	for _, s := range f.Secrets {
		kind, name, one, service := "Secrets Manager secret", s.SecretsManager, "secret", "Secrets Manager"
		if s.SSMParameter != "" {
			kind, name, one, service = "SSM parameter", s.SSMParameter, "parameter", "Parameter Store"
		}
		line := fmt.Sprintf("- Secret `%s`: the %s `%s`. The variable holds its name, never its value (the code reads the value at run time); the role may read that %s only", s.Env, kind, name, one)
		if s.KMSKey != "" {
			line += fmt.Sprintf(", and decrypt with key `%s` through %s only", s.KMSKey, service)
		}
		w.line("%s.", line)
	}
	for _, g := range f.Access {
		w.line("- Its role may %s `%s` (`functions.%s.access`).", andList(g.Actions), g.Storage, f.Name)
	}
	switch {
	case len(f.UserPoolAccess) > 0 && e.app.TriggersCreatedPool(f.Name):
		w.line("- Its role may call %s on the user pool (`functions.%s.access.userPool`, a policy of its own: the pool "+
			"invokes it, so an inline grant or a variable naming the pool would be a dependency cycle); it reads the pool id "+
			"from each trigger event (`userPoolId`).", andList(quoteAll(f.UserPoolAccess)), f.Name)
	case len(f.UserPoolAccess) > 0:
		w.line("- Its role may call %s on the user pool (`functions.%s.access.userPool`), and it gets the pool id in `%s`.",
			andList(quoteAll(f.UserPoolAccess)), f.Name, spec.UserPoolIDEnv(e.up.Name))
	}
	for _, g := range f.GraphQLAccess {
		w.line("- Its role may run %s on GraphQL API `%s` (referenced; `functions.%s.access.%s`).", andList(g.Types), g.API, f.Name, g.API)
	}
	w.blank()
}

func underPrefix(prefix string) string {
	if prefix == "" {
		return ""
	}
	return fmt.Sprintf(" under `%s`", prefix)
}

var s3EventPhrases = map[string]string{spec.S3Created: "every upload or copy (`s3:ObjectCreated:*`)", spec.S3Removed: "every delete (`s3:ObjectRemoved:*`)"}

func s3EventWords(on []string) []string {
	out := make([]string, len(on))
	for i, k := range on {
		out[i] = s3EventPhrases[k]
	}
	return out
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
	if evs := e.app.BucketEvents(b.Name); len(evs) > 0 {
		for _, fe := range evs {
			w.line("- Objects %s%s invoke function `%s`.", orList(fe.Event.On), underPrefix(fe.Event.Prefix), fe.Function)
		}
		if b.ExistingName != "" {
			w.line("- Its notifications belong to the existing bucket, so the stack only lets S3 invoke the functions: after deploying, set them once with `aws s3api put-bucket-notification-configuration --bucket %s --notification-configuration \"$(jq -r '.[\"%s\"].%s' outputs.json)\"` (this replaces the bucket's current notifications).", b.ExistingName, e.app.StackName(), spec.OutputBucketNotifications(b.Name))
		} else {
			w.line("- Named `%s-<account>-<region>`: S3 checks its notifications' permissions when they are set, so they must exist before the bucket and name it without referencing it. Declaring events on a bucket already deployed without them renames it, which replaces it (underhood plan blocks that).", spec.EventBucketPrefix(e.app.Name, e.app.Stage, b.Name))
		}
	}
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
	for _, f := range e.app.Functions {
		for _, ev := range f.Events {
			if ev.DynamoDB == t.Name {
				w.line("- Its stream invokes function `%s`.", f.Name)
			}
		}
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

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = "`" + s + "`"
	}
	return out
}

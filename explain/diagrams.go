package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// diagrams builds the architecture flowchart and one sequence diagram per authorization mode in use.
func (e *explainer) diagrams() []Diagram {
	ds := []Diagram{e.architecture()}
	if e.up != nil && e.up.Passwordless != nil {
		ds = append(ds, e.signInSequence())
	}
	if rs := e.routesWith(spec.AuthAccessToken); len(rs) > 0 {
		ds = append(ds, e.tokenSequence(spec.AuthAccessToken, rs))
	}
	if rs := e.routesWith(spec.AuthIDToken); len(rs) > 0 {
		ds = append(ds, e.tokenSequence(spec.AuthIDToken, rs))
	}
	if rs := e.routesWith(spec.AuthIAM); len(rs) > 0 {
		ds = append(ds, e.iamSequence(rs))
	}
	if rs := e.guestRoutes(); len(rs) > 0 {
		ds = append(ds, e.guestSequence(rs))
	}
	if rs := e.routesWith(spec.AuthNone); len(rs) > 0 {
		ds = append(ds, e.noneSequence(rs))
	}
	if bs := e.browserBuckets(); len(bs) > 0 {
		ds = append(ds, e.s3Sequence(bs))
	}
	return ds
}

// mm builds Mermaid source. Text from the spec goes through clean: Mermaid ends a statement at ';' and
// starts an entity at '#', and a '"' would end a quoted label, so generated text never carries them.
type mm struct{ b strings.Builder }

// l writes one statement; only the arguments are cleaned, the format carries the Mermaid syntax.
func (m *mm) l(format string, a ...any) {
	for i, v := range a {
		if s, ok := v.(string); ok {
			a[i] = clean(s)
		}
	}
	m.b.WriteString("  ")
	if len(a) == 0 {
		m.b.WriteString(format)
	} else {
		fmt.Fprintf(&m.b, format, a...)
	}
	m.b.WriteByte('\n')
}

func (m *mm) src(header string) string { return header + "\n" + m.b.String() }

var cleaner = strings.NewReplacer(";", ",", "#", "", `"`, "'")

func clean(s string) string { return cleaner.Replace(s) }

// Node ids get a kind prefix: spec names are [A-Za-z][A-Za-z0-9]*, and the prefix keeps them from
// clashing with each other and with Mermaid keywords (end) or edge syntax (ids starting with o or x).
func apiID(name string) string   { return "api_" + name }
func fnID(name string) string    { return "fn_" + name }
func bkID(name string) string    { return "bucket_" + name }
func tblID(name string) string   { return "table_" + name }
func roleID(group string) string { return "role_g_" + group }

func (e *explainer) architecture() Diagram {
	var m mm
	m.l(`spa["SPA in the browser (amplify-js)"]`)
	if e.up != nil || e.ip != nil {
		m.l(`subgraph cognito["Amazon Cognito"]`)
		if e.up != nil {
			label := "User pool"
			if e.hasHostedUI() {
				label += "<br/>+ hosted UI (OAuth)"
			}
			m.l(`  up["%s"]`, label)
		}
		if e.ip != nil {
			m.l(`  ip["Identity pool"]`)
		}
		m.l("end")
	}
	if e.ip != nil {
		m.l(`subgraph roles["IAM roles handed out by the identity pool"]`)
		m.l(`  role_authenticated["authenticated role"]`)
		if e.ip.GuestAccess {
			m.l(`  role_guest["guest role"]`)
		}
		for _, g := range e.groups {
			m.l(`  %s["%s group role"]`, roleID(g.Name), g.Name)
		}
		m.l("end")
	}
	for _, api := range e.app.APIs {
		m.l(`%s["REST API %s<br/>(API Gateway)"]`, apiID(api.Name), api.Name)
	}
	for _, f := range e.app.Functions {
		m.l(`%s["Lambda %s<br/>(%s)"]`, fnID(f.Name), f.Name, f.Runtime)
	}
	for _, b := range e.app.Buckets {
		m.l(`%s[("S3 bucket %s")]`, bkID(b.Name), b.Name)
	}
	for _, t := range e.app.Tables {
		m.l(`%s[("DynamoDB table %s")]`, tblID(t.Name), t.Name)
	}

	if e.up != nil {
		how := "sign in (SRP)"
		if e.hasHostedUI() {
			how = "sign in (SRP or hosted UI)"
		}
		m.l(`spa -->|"%s"| up`, how)
		m.l(`up -->|"id, access and refresh tokens"| spa`)
	}
	if e.ip != nil {
		what := "id token"
		if e.ip.GuestAccess {
			what = "id token, or nothing for guests"
		}
		m.l(`spa -->|"%s"| ip`, what)
		m.l(`ip -->|"temporary AWS credentials of one role"| roles`)
	}
	for i := range e.app.APIs {
		api := &e.app.APIs[i]
		for _, label := range e.apiEdgeLabels(api) {
			m.l(`spa -->|"%s"| %s`, label, apiID(api.Name))
		}
		if e.up != nil && (hasMode(api, spec.AuthAccessToken) || hasMode(api, spec.AuthIDToken)) {
			m.l(`%s -.->|"checks JWTs with the pool's keys"| up`, apiID(api.Name))
		}
		seen := map[string]bool{} // lookup only; edges follow the sorted route order
		for _, r := range api.Routes {
			if !seen[r.Function] {
				seen[r.Function] = true
				m.l(`%s -->|"invoke (Lambda proxy)"| %s`, apiID(api.Name), fnID(r.Function))
			}
		}
	}
	if e.up != nil {
		for _, t := range e.up.Triggers {
			m.l(`up -->|"%s trigger"| %s`, t.Operation, fnID(t.Function))
		}
	}
	for _, f := range e.app.Functions {
		for _, g := range f.Access {
			target := tblID(g.Storage)
			if e.isBucket(g.Storage) {
				target = bkID(g.Storage)
			}
			m.l(`%s -->|"%s (execution role)"| %s`, fnID(f.Name), strings.Join(g.Actions, ", "), target)
		}
	}
	for _, b := range e.browserBuckets() {
		m.l(`spa -->|"SigV4: %s"| %s`, strings.Join(e.bucketRoles(b), ", "), bkID(b.Name))
	}
	return Diagram{
		Name:   "architecture",
		Title:  "Architecture",
		Source: m.src("flowchart LR"),
	}
}

func hasMode(api *spec.API, mode string) bool { return slices.Contains(api.Modes(), mode) }

func (e *explainer) isBucket(name string) bool {
	for _, b := range e.app.Buckets {
		if b.Name == name {
			return true
		}
	}
	return false
}

// apiEdgeLabels names the credentials the SPA sends to one API, one label per mode.
func (e *explainer) apiEdgeLabels(api *spec.API) []string {
	var out []string
	for _, mode := range api.Modes() {
		switch mode {
		case spec.AuthAccessToken:
			var scopes []string
			for _, r := range api.Routes {
				if r.Authorization == mode {
					for _, s := range r.Scopes {
						if !slices.Contains(scopes, s) {
							scopes = append(scopes, s)
						}
					}
				}
			}
			out = append(out, fmt.Sprintf("access token in Authorization<br/>scope %s", strings.Join(scopes, " or ")))
		case spec.AuthIDToken:
			out = append(out, "id token in Authorization")
		case spec.AuthIAM:
			out = append(out, "SigV4: "+strings.Join(e.apiRoles(api), ", "))
		case spec.AuthNone:
			out = append(out, "no credential")
		}
	}
	return out
}

// apiRoles lists the roles that may call some IAM route of api, in a fixed order.
func (e *explainer) apiRoles(api *spec.API) []string {
	var auth, guest bool
	var groups []string
	for _, r := range api.Routes {
		if r.Authorization != spec.AuthIAM {
			continue
		}
		if len(r.Groups) > 0 {
			for _, g := range r.Groups {
				if !slices.Contains(groups, g) {
					groups = append(groups, g)
				}
			}
			continue
		}
		auth = true
		guest = guest || r.Guest
	}
	return e.roleNames(auth, guest, groups)
}

func (e *explainer) bucketRoles(b spec.Bucket) []string {
	var auth, guest bool
	var groups []string
	for _, a := range b.Access {
		switch a.Who {
		case "guest":
			guest = true
		case "group":
			if !slices.Contains(groups, a.Group) {
				groups = append(groups, a.Group)
			}
		default:
			auth = true
		}
	}
	return e.roleNames(auth, guest, groups)
}

// roleNames orders role names like the identity pool section: authenticated, guest, then groups by
// name. Authenticated grants reach every group role too, so with auth set all groups are named.
func (e *explainer) roleNames(auth, guest bool, groups []string) []string {
	var out []string
	if auth {
		out = append(out, "authenticated role")
	}
	if guest {
		out = append(out, "guest role")
	}
	for _, g := range e.groups {
		if auth || slices.Contains(groups, g.Name) {
			out = append(out, g.Name+" group role")
		}
	}
	return out
}

// participants declares the common cast of a sequence diagram.
func (e *explainer) participants(m *mm, actor string, withUP, withIP bool) {
	m.l("actor U as %s", actor)
	m.l("participant SPA as SPA (amplify-js)")
	if withUP && e.up != nil {
		m.l("participant UP as Cognito user pool")
	}
	if withIP && e.ip != nil {
		m.l("participant IP as Cognito identity pool")
	}
}

// routeParticipants adds the participants of a call to first's route: actor, the SPA, the pools asked
// for (when the app has them), API Gateway and the route's function.
func (e *explainer) routeParticipants(m *mm, actor string, withUP, withIP bool, first routeRef) {
	e.participants(m, actor, withUP, withIP)
	m.l("participant GW as API Gateway %s", first.api.Name)
	m.l("participant FN as Lambda %s", first.route.Function)
}

// authorizerOutcome draws API Gateway's two answers: the function is invoked when accepted holds,
// else the gateway refuses with status.
func (e *explainer) authorizerOutcome(m *mm, accepted, refused, status string) {
	m.l("alt %s", accepted)
	e.invoked(m)
	m.l("else %s", refused)
	m.l("  GW-->>SPA: %s (gateway response with CORS headers)", status)
	m.l("end")
}

// srpSignIn draws Amplify's signIn against the user pool API.
func (e *explainer) srpSignIn(m *mm, tokens string) {
	m.l("U->>SPA: %s + password%s", e.signInID(), e.mfaWords())
	m.l("SPA->>UP: signIn: SRP (InitiateAuth USER_SRP_AUTH, RespondToAuthChallenge)")
	m.l("UP-->>SPA: %s", tokens)
}

// hostedSignIn draws signInWithRedirect: the authorization code flow with PKCE.
func (e *explainer) hostedSignIn(m *mm, tokens string) {
	scopes := strings.Join(e.hostedScopes(), " ")
	m.l("U->>SPA: clicks sign in")
	m.l("SPA->>UP: redirect to %s (code flow + PKCE, scope %s)", e.hostedUIAuthorize(), scopes)
	m.l("U->>UP: signs in%s", e.mfaWords())
	m.l("UP-->>SPA: redirect back with an authorization code")
	m.l("SPA->>UP: POST /oauth2/token (code + PKCE verifier)")
	m.l("UP-->>SPA: %s", tokens)
}

func (e *explainer) signInID() string {
	if e.up == nil || len(e.up.SignInWith) == 0 {
		return "username"
	}
	return strings.Join(e.up.SignInWith, " or ")
}

// routeList is the Note listing every route a diagram stands for, with what each requires.
func routeList(m *mm, over string, rs []routeRef, detail func(routeRef) string) {
	items := make([]string, len(rs))
	for i, rr := range rs {
		items[i] = fmt.Sprintf("%s %s", rr.api.Name, rr.route.Key())
		if d := detail(rr); d != "" {
			items[i] += ": " + d
		}
	}
	m.l("Note over %s: routes in this mode<br/>%s", over, strings.Join(items, "<br/>"))
}

func (e *explainer) tokenSequence(mode string, rs []routeRef) Diagram {
	first := rs[0]
	var m mm
	e.routeParticipants(&m, "User", true, false, first)
	d := Diagram{Name: mode}
	if mode == spec.AuthAccessToken {
		scopes := first.route.Scopes
		if signIn, _ := e.scopeSources(scopes); signIn || !e.hasHostedUI() {
			e.srpSignIn(&m, e.signInTokens())
		} else {
			e.hostedSignIn(&m, fmt.Sprintf("id token, access token (scope %s), refresh token", strings.Join(e.hostedScopes(), " ")))
		}
		m.l("SPA->>GW: %s<br/>Authorization: access token", first.route.Key())
		m.l("GW->>GW: Cognito authorizer: signature (pool keys), expiry, scope holds %s", strings.Join(scopes, " or "))
		e.authorizerOutcome(&m, "access token with the scope", "id token (no scope claim), expired token or scope missing", "401 Unauthorized")
		routeList(&m, "SPA,GW", rs, func(rr routeRef) string { return "scope " + strings.Join(rr.route.Scopes, " or ") })
		d.Title = "Access token (Cognito authorizer with scopes)"
		d.Intro = "The SPA signs in with the user pool and sends the **access token** in the `Authorization` " +
			"header. API Gateway accepts it only if its `scope` claim holds one of the route's scopes; an id " +
			"token has no `scope` claim and is refused. Amplify's `signIn` gives an access token whose only " +
			"scope is `aws.cognito.signin.user.admin`; custom scopes come only from the hosted UI's OAuth flow. " +
			"No AWS credentials are involved."
		if t := e.up.TokenTrigger(); t != nil {
			d.Intro = strings.Replace(d.Intro, "custom scopes come only from the hosted UI's OAuth flow",
				fmt.Sprintf("function `%s` (pre token generation, version 2) may add custom scopes to it, and decides at run time which tokens get them; the hosted UI's OAuth flow also gives the scopes it requests", t.Function), 1)
		}
	} else {
		e.srpSignIn(&m, "id token (aud = app client), access token, refresh token")
		m.l("SPA->>GW: %s<br/>Authorization: id token", first.route.Key())
		m.l("GW->>GW: Cognito authorizer, no scopes: signature (pool keys), expiry, aud = app client")
		e.authorizerOutcome(&m, "valid id token", "access token (no aud claim), expired or forged token", "401 Unauthorized")
		routeList(&m, "SPA,GW", rs, func(routeRef) string { return "" })
		d.Title = "Id token (Cognito authorizer without scopes)"
		d.Intro = "The SPA signs in with the user pool and sends the **id token** in the `Authorization` header. " +
			"The methods have no scopes, so API Gateway validates an id token; an access token is refused (it " +
			"has no `aud` claim). No scopes are checked and no AWS credentials are involved."
	}
	d.Source = m.src("sequenceDiagram\n  autonumber")
	return d
}

// invoked draws the happy path after an authorizer accepted the request.
func (e *explainer) invoked(m *mm) {
	m.l("  GW->>FN: invoke (Lambda proxy) with the caller's identity")
	m.l("  FN-->>GW: response + CORS headers")
	m.l("  GW-->>SPA: 200")
}

// credentials draws GetId + GetCredentialsForIdentity (amplify-js' enhanced flow) for a signed-in user.
func (e *explainer) credentials(m *mm) {
	m.l("SPA->>IP: GetId (Logins: user pool = id token)")
	m.l("IP-->>SPA: identity id")
	m.l("SPA->>IP: GetCredentialsForIdentity (Logins: user pool = id token)")
	if len(e.groups) > 0 {
		m.l("IP->>IP: token-based role mapping: the role in cognito:preferred_role, else the authenticated role")
	} else {
		m.l("IP->>IP: the authenticated role")
	}
	m.l("IP-->>SPA: temporary AWS credentials of that role (access key, secret key, session token)")
}

func (e *explainer) iamSequence(rs []routeRef) Diagram {
	first := rs[0]
	for _, rr := range rs { // a group route shows role mapping best
		if len(rr.route.Groups) > 0 {
			first = rr
			break
		}
	}
	var m mm
	e.routeParticipants(&m, "User", true, true, first)
	tokens := "id token, access token, refresh token"
	if len(e.groups) > 0 {
		tokens = "id token (cognito:groups, cognito:preferred_role), access token, refresh token"
	}
	e.srpSignIn(&m, tokens)
	e.credentials(&m)
	m.l("SPA->>SPA: SigV4-sign the request with the secret key")
	m.l("SPA->>GW: %s<br/>Authorization: AWS4-HMAC-SHA256 signature<br/>X-Amz-Date, X-Amz-Security-Token", first.route.Key())
	m.l("GW->>GW: AWS_IAM: signature valid and the role may execute-api:Invoke %s", strings.TrimPrefix(e.executeAPIArn(first.api, first.route), "arn:aws:execute-api:"))
	who := strings.Join(e.routeRoles(first.route), " or ")
	e.authorizerOutcome(&m, "credentials of the "+who, "any other role, or no valid signature", "403 Forbidden")
	routeList(&m, "SPA,GW", rs, func(rr routeRef) string { return strings.Join(e.routeRoles(rr.route), ", ") })
	intro := "The SPA never sends a token to the API. It signs in, trades the **id token** for temporary AWS " +
		"credentials at the identity pool, and signs each request with them (SigV4: `Authorization`, " +
		"`X-Amz-Date`, `X-Amz-Security-Token`). API Gateway checks that the role's policy allows " +
		"`execute-api:Invoke` on the route."
	if len(e.groups) > 0 {
		intro += " Group members get their group's role through token-based role mapping " +
			"(`cognito:preferred_role`); group roles carry every grant of the authenticated role, so only " +
			"group-restricted routes tell them apart."
	}
	return Diagram{Name: "iam", Title: "IAM (SigV4 with identity pool credentials), signed-in user", Intro: intro,
		Source: m.src("sequenceDiagram\n  autonumber")}
}

// routeRoles names the roles that may call an IAM route.
func (e *explainer) routeRoles(r spec.Route) []string {
	if len(r.Groups) > 0 {
		out := make([]string, len(r.Groups))
		for i, g := range r.Groups {
			out[i] = g + " group role"
		}
		return out
	}
	out := []string{"authenticated role"}
	if len(e.groups) > 0 {
		out = append(out, "any group role")
	}
	if r.Guest {
		out = append(out, "guest role")
	}
	return out
}

func (e *explainer) guestSequence(rs []routeRef) Diagram {
	first := rs[0]
	var m mm
	e.routeParticipants(&m, "Visitor (signed out)", false, true, first)
	m.l("U->>SPA: opens the app without signing in")
	m.l("SPA->>IP: GetId (no Logins)")
	m.l("IP-->>SPA: unauthenticated identity id")
	m.l("SPA->>IP: GetCredentialsForIdentity (no Logins)")
	m.l("IP-->>SPA: temporary AWS credentials of the guest role")
	m.l("SPA->>SPA: SigV4-sign the request with the secret key")
	m.l("SPA->>GW: %s<br/>Authorization: AWS4-HMAC-SHA256 signature<br/>X-Amz-Date, X-Amz-Security-Token", first.route.Key())
	m.l("GW->>GW: AWS_IAM: the guest role may execute-api:Invoke %s", strings.TrimPrefix(e.executeAPIArn(first.api, first.route), "arn:aws:execute-api:"))
	e.authorizerOutcome(&m, "guest route", "any other route", "403 Forbidden")
	routeList(&m, "SPA,GW", rs, func(routeRef) string { return "" })
	return Diagram{Name: "iam-guest", Title: "IAM, signed-out visitor (guest role)",
		Intro: "With `guestAccess: true` the identity pool gives a signed-out visitor credentials of the **guest " +
			"role**, with no token at all. The guest role may call only routes marked `guest: true`.",
		Source: m.src("sequenceDiagram\n  autonumber")}
}

func (e *explainer) noneSequence(rs []routeRef) Diagram {
	first := rs[0]
	var m mm
	e.routeParticipants(&m, "Anyone", false, false, first)
	m.l("U->>SPA: opens the app")
	m.l("SPA->>GW: %s (no Authorization header)", first.route.Key())
	m.l("GW->>FN: invoke (Lambda proxy), no caller identity")
	m.l("FN-->>GW: response + CORS headers")
	m.l("GW-->>SPA: 200")
	routeList(&m, "SPA,GW", rs, func(routeRef) string { return "" })
	return Diagram{Name: "none", Title: "No authorization",
		Intro: "These routes check no credential: anyone who knows the URL may call them, and the function " +
			"sees no caller identity.",
		Source: m.src("sequenceDiagram\n  autonumber")}
}

func (e *explainer) s3Sequence(bs []spec.Bucket) Diagram {
	b := bs[0]
	ex := b.Access[0]
	for _, who := range []string{"owner", "authenticated", "group", "guest"} {
		if i := indexWho(b.Access, who); i >= 0 {
			ex = b.Access[i]
			break
		}
	}
	verb, key := "GET", ex.Level+"/photo.jpg"
	if slices.Contains(ex.Actions, "write") {
		verb = "PUT"
	}
	if ex.Who == "owner" {
		key = ex.Level + "/{identityId}/photo.jpg"
	} else if ex.Level == "all" {
		key = "private/{identityId}/photo.jpg"
	}
	var m mm
	guest := ex.Who == "guest"
	actor := "User"
	if guest {
		actor = "Visitor (signed out)"
	}
	e.participants(&m, actor, !guest, true)
	m.l("participant S3 as S3 bucket %s", b.Name)
	if guest {
		m.l("SPA->>IP: GetId + GetCredentialsForIdentity (no Logins)")
		m.l("IP-->>SPA: temporary AWS credentials of the guest role")
	} else {
		e.srpSignIn(&m, "id token, access token, refresh token")
		e.credentials(&m)
	}
	m.l("SPA->>S3: %s %s<br/>Authorization: AWS4-HMAC-SHA256 signature<br/>X-Amz-Date, X-Amz-Content-SHA256, X-Amz-Security-Token", verb, key)
	if ex.Who == "owner" {
		m.l("S3->>S3: role policy allows %s/ followed by the caller's identity id (cognito-identity.amazonaws.com:sub)", ex.Level)
	} else {
		m.l("S3->>S3: role policy allows %s", strings.TrimSuffix(strings.TrimPrefix(levelWords(ex), "`"), "`"))
	}
	m.l("alt allowed")
	m.l("  S3-->>SPA: 200")
	m.l("else not allowed for this role or prefix")
	m.l("  S3-->>SPA: 403 AccessDenied")
	m.l("end")
	var lines []string
	for _, bk := range bs {
		for _, a := range bk.Access {
			lines = append(lines, fmt.Sprintf("%s: %s %s %s", bk.Name, whoShort(a), strings.Join(a.Actions, ", "), strings.ReplaceAll(levelWords(a), "`", "")))
		}
	}
	m.l("Note over SPA,S3: access levels<br/>%s", strings.Join(lines, "<br/>"))
	return Diagram{Name: "s3", Title: "S3 access levels (SigV4 with identity pool credentials)",
		Intro: "amplify-js Storage calls S3 directly with identity pool credentials; the access levels are IAM " +
			"policies on the roles, matched against the object key prefix.",
		Source: m.src("sequenceDiagram\n  autonumber")}
}

func indexWho(as []spec.BucketAccess, who string) int {
	for i, a := range as {
		if a.Who == who {
			return i
		}
	}
	return -1
}

func whoShort(a spec.BucketAccess) string {
	switch a.Who {
	case "group":
		return a.Group + " group"
	case "authenticated":
		return "signed-in users"
	case "guest":
		return "guests"
	}
	return a.Who
}

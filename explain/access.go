package explain

import (
	"fmt"

	"github.com/underhood-dev/underhood/spec"
)

// Header wording shared by every SigV4 entry: what amplify-js puts on a signed request.
const (
	sigv4APIHeaders = "`Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`, plus " +
		"`X-Amz-Date` and `X-Amz-Security-Token` (the session token of the temporary credentials)"
	sigv4S3Headers = "`Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`, plus " +
		"`X-Amz-Date`, `X-Amz-Content-SHA256` and `X-Amz-Security-Token` (the session token of the temporary credentials)"
)

// routeAccess is who may call one route, with what, in which header, and who checks it.
type routeAccess struct {
	who, with, header, checked string
	notes                      []string
}

func (e *explainer) access(w *writer) {
	if len(e.app.APIs) == 0 && len(e.app.Buckets)+len(e.app.Tables) == 0 {
		return
	}
	w.line("## Who can call what")
	w.blank()
	for i := range e.app.APIs {
		api := &e.app.APIs[i]
		w.line("### API `%s`", api.Name)
		w.blank()
		for _, r := range api.Routes {
			a := e.routeAccess(api, r)
			w.line("- **`%s`** → function `%s` (`%s`)", r.Key(), r.Function, r.Authorization)
			w.line("  - **Who:** %s", a.who)
			w.line("  - **With:** %s", a.with)
			w.line("  - **Header:** %s", a.header)
			w.line("  - **Checked by:** %s", a.checked)
			for _, n := range a.notes {
				w.line("  - **Note:** %s", n)
			}
		}
		w.blank()
	}
	for _, b := range e.app.Buckets {
		e.bucketAccess(w, b)
	}
	for _, t := range e.app.Tables {
		w.line("### Table `%s`", t.Name)
		w.blank()
		var fns []string
		for _, f := range e.app.Functions {
			for _, g := range f.Access {
				if g.Storage == t.Name {
					fns = append(fns, fmt.Sprintf("`%s` (%s)", f.Name, andList(g.Actions)))
				}
			}
		}
		by := "no function either"
		if len(fns) > 0 {
			by = "only function " + andList(fns) + ", with its execution role"
		}
		w.line("No browser caller: the SPA never gets credentials for it. Reached by %s.", by)
		w.blank()
	}
}

func (e *explainer) routeAccess(api *spec.API, r spec.Route) routeAccess {
	switch r.Authorization {
	case spec.AuthAccessToken:
		return e.accessTokenRoute(r)
	case spec.AuthIDToken:
		return routeAccess{
			who: "any signed-in user of the user pool (any group or none: the authorizer does not check groups).",
			with: "the user pool **id token**. The method has no scopes, so API Gateway validates an id token; an " +
				"access token is rejected (401: it has no `aud` claim).",
			header:  "`Authorization: <id token>` (the JWT itself).",
			checked: "API Gateway's Cognito user pool authorizer (signature with the pool's keys, expiry, issuer, audience = app client); the function gets the claims in `requestContext.authorizer.claims`.",
		}
	case spec.AuthIAM:
		return e.iamRoute(api, r)
	}
	return routeAccess{
		who:     "anyone on the internet; signed in or not.",
		with:    "nothing: no credential is checked.",
		header:  "none needed.",
		checked: "nobody: API Gateway passes the request to the function, which must decide on its own.",
	}
}

func (e *explainer) accessTokenRoute(r spec.Route) routeAccess {
	a := routeAccess{
		with: fmt.Sprintf("the user pool **access token**; its `scope` claim must hold %s. An id token is "+
			"rejected (it has no `scope` claim).", orList(code(r.Scopes))),
		header:  "`Authorization: <access token>` (the JWT itself).",
		checked: "API Gateway's Cognito user pool authorizer (signature with the pool's keys, expiry, issuer, scope); the function gets the claims in `requestContext.authorizer.claims`.",
	}
	signIn, hosted := e.scopeSources(r.Scopes)
	switch {
	case signIn && hosted:
		a.who = "any signed-in user, through Amplify's `signIn` or the hosted UI (any group or none: the authorizer does not check groups)."
	case signIn:
		a.who = "any signed-in user who signed in with Amplify's `signIn` (any group or none: the authorizer does not check groups)."
	case hosted:
		a.who = "users who signed in through the hosted UI (OAuth) and were granted " + orList(code(r.Scopes)) + " (any group or none: the authorizer does not check groups)."
	default:
		a.who = "nobody in practice: no sign-in path of this app yields a token with " + orList(code(r.Scopes)) + "."
	}
	if e.triggerScopeAccess(&a, r.Scopes) {
		return a
	}
	if signIn {
		a.notes = append(a.notes, "`aws.cognito.signin.user.admin` is the only scope of the access token that "+
			"Amplify's `signIn` (SRP, the user pool API) returns.")
		if e.hasHostedUI() && !hosted {
			a.notes = append(a.notes, fmt.Sprintf("Hosted UI sign-ins (scopes %s) get an access token without "+
				"`aws.cognito.signin.user.admin` and are refused here; add it to `hostedUI.scopes` to let them in.",
				andList(code(e.hostedScopes()))))
		}
	} else {
		a.notes = append(a.notes, fmt.Sprintf("Tokens from Amplify's `signIn` carry only `%s` and are refused: "+
			"custom scopes come only from the hosted UI's OAuth flow.", spec.DefaultAccessTokenScope))
	}
	return a
}

func (e *explainer) iamRoute(api *spec.API, r spec.Route) routeAccess {
	a := routeAccess{
		header: sigv4APIHeaders + ".",
		checked: fmt.Sprintf("API Gateway (`AWS_IAM`): it verifies the signature and that the role's policy allows "+
			"`execute-api:Invoke` on `%s`; otherwise 403.", e.executeAPIArn(api, r)),
	}
	if len(r.Groups) > 0 {
		roles := make([]string, len(r.Groups))
		for i, g := range r.Groups {
			roles[i] = fmt.Sprintf("`%s` group role", g)
		}
		a.who = fmt.Sprintf("only members of group %s. Other signed-in users (authenticated role) and guests are refused.", orList(code(r.Groups)))
		a.with = fmt.Sprintf("a SigV4 signature made with identity pool credentials of the %s. The identity pool "+
			"hands out that role because the user's id token carries it in `cognito:preferred_role` (token-based "+
			"role mapping).", orList(roles))
		if out := e.outranking(r.Groups); len(out) > 0 {
			a.notes = append(a.notes, fmt.Sprintf("A member of %s who is also in %s gets that group's role (lower "+
				"precedence number wins) and is refused.", orList(code(r.Groups)), orList(code(out))))
		}
		return a
	}
	role := "the **authenticated role**"
	if len(e.groups) > 0 {
		role = "the **authenticated role**, or their group's role for group members (group roles carry every authenticated-role grant)"
	}
	a.who = "any signed-in user"
	a.with = "a SigV4 signature made with identity pool credentials of " + role
	if r.Guest {
		a.who += " and signed-out visitors (guests)"
		a.with += "; for a signed-out visitor, of the **guest role**"
	}
	a.who += "."
	a.with += "."
	return a
}

// bucketAccess lists each access level of one bucket: who, which actions, with which role.
func (e *explainer) bucketAccess(w *writer, b spec.Bucket) {
	w.line("### Bucket `%s`", b.Name)
	w.blank()
	if len(b.Access) == 0 {
		w.line("No browser caller: no access levels are declared, so no identity pool role has a grant on it.")
		w.blank()
		return
	}
	w.line("The SPA calls S3 directly (amplify-js `uploadData`, `getUrl`, `list`, `remove`), SigV4-signed with "+
		"identity pool credentials. **Header:** %s. S3 checks the role's policy: read is `s3:GetObject` plus "+
		"`s3:ListBucket` limited by `s3:prefix`, write is `s3:PutObject` and `s3:AbortMultipartUpload`, delete is "+
		"`s3:DeleteObject`. `{identityId}` is the caller's identity pool identity id, which the policy matches "+
		"with `${cognito-identity.amazonaws.com:sub}`.", sigv4S3Headers)
	w.blank()
	for _, lvl := range []struct{ level, title string }{
		{"public", "`public/`"},
		{"protected", "`protected/{identityId}/`"},
		{"private", "`private/{identityId}/`"},
		{"all", "group access (every level)"},
	} {
		var lines []string
		for _, a := range b.Access {
			if a.Level != lvl.level {
				continue
			}
			lines = append(lines, e.levelLine(a))
		}
		if len(lines) == 0 {
			continue
		}
		w.line("- **%s**", lvl.title)
		for _, l := range lines {
			w.line("  - %s", l)
		}
	}
	w.blank()
}

func (e *explainer) levelLine(a spec.BucketAccess) string {
	acts := andList(a.Actions)
	authRole := "the **authenticated role**"
	if len(e.groups) > 0 {
		authRole = "the **authenticated role** (or their group role, which carries the same grants)"
	}
	switch a.Who {
	case "guest":
		what := "`public/` files"
		if a.Level == "protected" {
			what = "every user's `protected/` files"
		}
		return fmt.Sprintf("**Guests** (signed-out visitors) may %s %s, with the **guest role**.", acts, what)
	case "owner":
		return fmt.Sprintf("**The owner** (the signed-in user whose identity id is in the key) may %s their own "+
			"files under `%s/{identityId}/`, with %s.", acts, a.Level, authRole)
	case "group":
		return fmt.Sprintf("**Members of `%s`** may %s %s, with the **`%s` group role** only.", a.Group, acts, levelWords(a), a.Group)
	}
	what := "`public/` files"
	if a.Level == "protected" {
		what = "every user's `protected/` files"
	}
	return fmt.Sprintf("**Any signed-in user** may %s %s, with %s.", acts, what, authRole)
}

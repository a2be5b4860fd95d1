package spec

// The api section: REST APIs, their routes and the IAM grants the routes imply.

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

var (
	authModes   = []string{AuthIAM, AuthIDToken, AuthAccessToken, AuthNone}
	httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ANY"}
	// API Gateway (and CDK) accept only these characters in a literal path part.
	pathSegmentLiteral = regexp.MustCompile(`^[a-zA-Z0-9._:$-]+$`)
	pathSegmentParam   = regexp.MustCompile(`^\{([a-zA-Z_][a-zA-Z0-9_]*)(\+?)\}$`)
	colonParam         = regexp.MustCompile(`^:([a-zA-Z_][a-zA-Z0-9_]*)$`)
)

func (v *validator) apis() []API {
	var out []API
	for _, name := range sectionEntries(v, "api", "API", v.raw.API, "is empty; give authorization and routes") {
		ap := child("api", name)
		raw := v.raw.API[name]
		api := API{Name: name, Authorization: raw.Authorization, RateLimit: 100, BurstLimit: 200, AccessLogs: raw.AccessLogs == nil || *raw.AccessLogs}
		if api.Authorization == "" {
			v.missing(ap, "authorization", "missing authorization: one of %s (iam: SigV4 with identity pool credentials; id-token / access-token: Cognito authorizer; none: public)", oneOf(authModes))
		} else {
			v.enum(child(ap, "authorization"), "authorization", raw.Authorization, authModes)
		}
		if len(raw.Scopes) > 0 && raw.Authorization != AuthAccessToken {
			v.errorf(child(ap, "scopes"), "scopes apply to access-token authorization only: an id token carries no scopes")
		}
		api.Scopes = v.scopes(child(ap, "scopes"), raw.Scopes, []string{DefaultAccessTokenScope}, raw.Authorization == AuthAccessToken)
		if raw.Cors != nil {
			api.CorsOrigins = v.origins(child(ap, "cors"), raw.Cors)
		}
		if t := raw.Throttle; t != nil {
			if t.RateLimit < 0 || t.BurstLimit < 0 {
				v.errorf(child(ap, "throttle"), "limits must be positive")
			}
			if t.RateLimit > 0 {
				api.RateLimit = t.RateLimit
			}
			if t.BurstLimit > 0 {
				api.BurstLimit = t.BurstLimit
			}
		}
		api.ResourceQuota = awsrules.QuotaAPIResources
		if q := raw.Quotas; q != nil && q.Resources != 0 {
			if q.Resources < awsrules.QuotaAPIResources {
				v.errorf(child(child(ap, "quotas"), "resources"), "%d is below API Gateway's default of %d resources per REST API; declare only a quota AWS has raised for this API, or remove it", q.Resources, awsrules.QuotaAPIResources)
			} else {
				api.ResourceQuota = q.Resources
			}
		}
		if len(raw.Routes) == 0 {
			v.errorf(ap, "no routes; add routes: { \"GET /items\": myFunction }")
		}
		api.Routes = v.routes(ap, &api, raw)
		v.iamOverreach(ap, &api)
		out = append(out, api)
	}
	return out
}

// scopes validates the scopes a route or API requires. With apply (the scopes are an access-token
// authorizer's), each must also be one a sign-in of this app can put in an access token: API Gateway
// would otherwise refuse every caller.
func (v *validator) scopes(path string, list, def []string, apply bool) []string {
	known := v.knownScopes()
	for i, s := range list {
		if !slices.Contains(known, s) {
			v.errorf(index(path, i), "unknown scope %q; use one of %s or declare it under auth.userPool.resourceServers%s", s, oneOf(known), didYouMean(s, known))
			continue
		}
		if signIn, hosted := v.up.ScopeSources(s); apply && v.up != nil && !signIn && !hosted {
			hostedWords := "there is no hosted UI, the only way to other scopes; add auth.userPool.hostedUI with it in scopes"
			if h := v.up.HostedUI; h != nil {
				hostedWords = fmt.Sprintf("the hosted UI requests only %s; add it to auth.userPool.hostedUI.scopes", oneOf(h.Scopes))
			}
			if t := v.up.TokenTrigger(); t != nil {
				v.errorf(index(path, i), "no sign-in of this app yields an access token with scope %q, so API Gateway would refuse "+
					"every caller: Amplify's signIn tokens carry %q and the scopes the preTokenGeneration trigger (%s) declares in addsScopes, "+
					"and %s; add it to the trigger's addsScopes (the function must then add it), or require a scope the app's sign-in gives",
					s, DefaultAccessTokenScope, t.Function, hostedWords)
				continue
			}
			v.errorf(index(path, i), "no sign-in of this app yields an access token with scope %q, so API Gateway would refuse "+
				"every caller: Amplify's signIn tokens carry only %q, and %s, or require a scope the app's sign-in gives",
				s, DefaultAccessTokenScope, hostedWords)
		}
	}
	if len(list) == 0 {
		return def
	}
	return slices.Compact(slices.Sorted(slices.Values(list)))
}

func (v *validator) routes(ap string, api *API, raw *rawAPI) []Route {
	var out []Route
	seen := map[string]string{}
	// API Gateway allows one variable name per path position: /photos/{id} and /photos/{photoId} collide.
	params := map[string]string{}
	for _, key := range nonEmptyKeys(v, child(ap, "routes"), raw.Routes, "is empty; give the function that handles the route") {
		rp := child(child(ap, "routes"), key)
		r := raw.Routes[key]
		method, path, ok := v.routeKey(rp, key, api, params)
		if !ok {
			continue
		}
		norm := method + " " + path
		if prev, dup := seen[norm]; dup {
			v.errorf(rp, "the same route as %q (verbs are case-insensitive and a trailing / is ignored); remove one", prev)
			continue
		}
		seen[norm] = key
		route := Route{Method: method, Path: path, Function: r.Function, Authorization: r.Authorization, Guest: r.Guest}
		v.functionRef(child(rp, "function"), r.Function)
		if route.Authorization == "" {
			route.Authorization = api.Authorization
		} else {
			v.enum(child(rp, "authorization"), "authorization", r.Authorization, authModes)
		}
		switch route.Authorization {
		case AuthIDToken, AuthAccessToken:
			if v.userPool == nil {
				v.errorf(v.authPath(rp, r), "%s authorization validates Cognito user pool tokens, and there is no auth.userPool; add one, or use iam or none", route.Authorization)
			}
			if len(r.Groups) > 0 {
				v.errorf(child(rp, "groups"), "a Cognito token authorizer cannot restrict a route by group: it checks the token's signature and scopes, not cognito:groups; only IAM can (each group's identity pool role gets execute-api:Invoke); use authorization: iam for this route, or check the group in the function")
			}
			if r.Guest {
				v.errorf(child(rp, "guest"), "guests have no user pool token; guest routes need authorization: iam (guest role) or none")
			}
		case AuthIAM:
			if v.identityPool == nil {
				v.errorf(v.authPath(rp, r), "iam authorization means the SPA signs requests (SigV4) with identity pool credentials, and there is no auth.identityPool; add auth.identityPool, or use id-token / access-token")
			}
			if r.Guest && v.identityPool != nil && !v.identityPool.GuestAccess {
				v.errorf(child(rp, "guest"), "guest routes need auth.identityPool.guestAccess: true (signed-out visitors get credentials of the guest role)")
			}
			if r.Guest && len(r.Groups) > 0 {
				v.errorf(child(rp, "guest"), "a route open to guests cannot also be restricted to groups")
			}
			for i, g := range r.Groups {
				v.groupRef(index(child(rp, "groups"), i), g)
			}
		case AuthNone:
			if len(r.Groups) > 0 || r.Guest {
				v.errorf(rp, "groups and guest only apply to iam routes; a route with authorization none is open to everyone")
			}
		}
		if len(r.Scopes) > 0 && route.Authorization != AuthAccessToken {
			v.errorf(child(rp, "scopes"), "scopes apply to access-token routes only")
		}
		if route.Authorization == AuthAccessToken {
			route.Scopes = v.scopes(child(rp, "scopes"), r.Scopes, api.Scopes, true)
		}
		route.Groups = slices.Compact(slices.Sorted(slices.Values(r.Groups)))
		out = append(out, route)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// authPath is where an authorization problem is reported: the route's own authorization, or the API's
// when the route inherits it (reported once there, not once per route).
func (v *validator) authPath(rp string, r *rawRoute) string {
	if r.Authorization != "" {
		return child(rp, "authorization")
	}
	return child(parentPath(parentPath(rp)), "authorization")
}

// routeKey parses "VERB /path" and checks the path against API Gateway's rules.
func (v *validator) routeKey(rp, key string, api *API, params map[string]string) (string, string, bool) {
	fields := strings.Fields(key)
	if len(fields) != 2 {
		v.errorf(rp, "%q is not a route; write \"VERB /path\", e.g. \"GET /photos/{id}\"", key)
		return "", "", false
	}
	method, path := strings.ToUpper(fields[0]), fields[1]
	ok := true
	if method == "OPTIONS" {
		v.errorf(rp, "OPTIONS routes are not declared: CORS preflight is answered by API Gateway when the API has cors")
		ok = false
	} else if !slices.Contains(httpMethods, method) {
		v.errorf(rp, "%q is not an HTTP method; use one of %s%s", fields[0], oneOf(httpMethods), didYouMean(method, httpMethods))
		ok = false
	}
	if !strings.HasPrefix(path, "/") {
		v.errorf(rp, "path %q must start with /", path)
		return "", "", false
	}
	if path != "/" {
		path = strings.TrimSuffix(path, "/")
		segs := strings.Split(path[1:], "/")
		prefix := ""
		for i, seg := range segs {
			prefix += "/"
			m := pathSegmentParam.FindStringSubmatch(seg)
			switch {
			case seg == "":
				v.errorf(rp, "path %q has an empty segment (//)", path)
				return "", "", false
			case m != nil:
				if m[2] == "+" && i != len(segs)-1 {
					v.errorf(rp, "{%s+} is a greedy parameter and must be the last segment", m[1])
					ok = false
				}
				if prev, clash := params[prefix]; clash && prev != seg {
					v.errorf(rp, "API Gateway allows one parameter name per path position: %s%s clashes with %s%s; use the same name", prefix, seg, prefix, prev)
					ok = false
				}
				params[prefix] = seg
			case colonParam.MatchString(seg):
				// Express-style routers write /notes/:id; API Gateway would match only the literal text ":id".
				fixed := slices.Clone(segs)
				for j, s := range fixed {
					fixed[j] = colonParam.ReplaceAllString(s, "{$1}")
				}
				v.errorf(rp, "path segment %q is a literal to API Gateway, which writes path parameters in braces; did you mean %q?",
					seg, method+" /"+strings.Join(fixed, "/"))
				return "", "", false
			case pathSegmentLiteral.MatchString(seg):
			default:
				v.errorf(rp, "path segment %q may contain only letters, digits and - . _ : $ (parameters are written {name})", seg)
				ok = false
			}
			prefix += seg
		}
	}
	return method, path, ok
}

// iamOverreach rejects IAM routes whose execute-api grant would also open a route meant for fewer
// callers. A grant names the request path with * for each {param}, and IAM's * also matches "/", so the
// grant for GET /x/{id} (.../GET/x/*) lets its callers call GET /x/{id}/y and GET /x/other too.
func (v *validator) iamOverreach(ap string, api *API) {
	for _, a := range api.Routes {
		if a.Authorization != AuthIAM {
			continue
		}
		// The very path the construct grants (restapi writes its ARN with RouteARNPath too).
		pattern := awsrules.RouteARNPath(a.Path)
		for _, b := range api.Routes {
			if b.Authorization != AuthIAM || b.Key() == a.Key() {
				continue
			}
			sameMethod := a.Method == b.Method || a.Method == "ANY" || b.Method == "ANY"
			if !sameMethod || !wildcardMatch(pattern, samplePath(b.Path)) || callersWithin(a, b) {
				continue
			}
			v.errorf(child(child(ap, "routes"), a.Key()),
				"its IAM grant (execute-api ARN path %s, where IAM's * also spans \"/\") would let %s call %s, which the spec gives only to %s; give both routes the same callers, or move %s off the path of %s",
				pattern, callersOf(a), b.Key(), callersOf(b), b.Key(), a.Key())
		}
	}
}

// samplePath is a request path the route answers: each parameter filled in.
func samplePath(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		switch {
		case strings.HasSuffix(s, "+}"):
			segs[i] = "p/q"
		case strings.HasPrefix(s, "{"):
			segs[i] = "p"
		}
	}
	return strings.Join(segs, "/")
}

// wildcardMatch matches IAM-style: * is any run of characters, "/" included.
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, part := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, part)
		}
		j := strings.Index(s, part)
		if j < 0 {
			return false
		}
		s = s[j+len(part):]
	}
	return s == ""
}

// callersWithin reports whether everyone who may call IAM route a may also call IAM route b.
func callersWithin(a, b Route) bool {
	switch {
	case a.Guest && !b.Guest:
		return false
	case len(a.Groups) == 0: // every signed-in user (and guests when a.Guest)
		return len(b.Groups) == 0
	case len(b.Groups) == 0: // b: every signed-in user, group members included
		return true
	}
	for _, g := range a.Groups {
		if !slices.Contains(b.Groups, g) {
			return false
		}
	}
	return true
}

func callersOf(r Route) string {
	switch {
	case r.Guest:
		return "guests and signed-in users"
	case len(r.Groups) > 0:
		return "group " + strings.Join(r.Groups, ", ")
	}
	return "signed-in users"
}

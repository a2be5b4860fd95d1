package amplify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// apiOut is one REST API on its way into the spec.
type apiOut struct {
	amp, name string
	res       *Resource
	authz     string // the API's default authorization
	scopes    []string
	routes    []routeOut
	comment   []string // explanation above authorization
}

type routeOut struct {
	method, path, fn string
	authz            string // the route's authorization (resolved)
	groups           []string
	guest            bool
	from             string
}

// v7 cli-inputs.json of a REST API.
type restInputs struct {
	Paths map[string]struct {
		Name           string `json:"name"`
		LambdaFunction string `json:"lambdaFunction"`
		Permissions    struct {
			Setting string             `json:"setting"`
			Auth    strList            `json:"auth"`
			Guest   strList            `json:"guest"`
			Groups  map[string]strList `json:"groups"`
		} `json:"permissions"`
	} `json:"paths"`
}

// legacy api-params.json.
type restLegacy struct {
	Paths []struct {
		Name           string `json:"name"`
		LambdaFunction string `json:"lambdaFunction"`
		Privacy        struct {
			Open           flexBool           `json:"open"`
			Private        flexBool           `json:"private"`
			Protected      flexBool           `json:"protected"`
			Auth           json.RawMessage    `json:"auth"`
			Unauth         json.RawMessage    `json:"unauth"`
			UserPoolGroups map[string]strList `json:"userPoolGroups"`
		} `json:"privacy"`
	} `json:"paths"`
}

// verbs in the order routes are written.
var verbOrder = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ANY"}

// crudVerbs maps Amplify's REST permissions to the HTTP methods its IAM policies allow
// (amplify-cli's own mapping; the legacy api-params.json lists the methods themselves).
func crudVerbs(ops []string) []string {
	var out []string
	for _, op := range ops {
		switch strings.ToLower(strings.TrimSpace(op)) {
		case "create":
			out = append(out, "POST")
		case "read":
			out = append(out, "GET")
		case "update":
			out = append(out, "PUT", "PATCH")
		case "delete":
			out = append(out, "DELETE")
		}
	}
	return sortVerbs(out)
}

func sortVerbs(vs []string) []string {
	var out []string
	for _, v := range verbOrder {
		if slices.Contains(vs, v) {
			out = append(out, v)
		}
	}
	return out
}

// legacyVerbs reads api-params.json's privacy lists: ["/POST", "/GET", ...], or the oldest "r"/"rw".
func legacyVerbs(raw json.RawMessage) ([]string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		var out []string
		for _, v := range list {
			out = append(out, strings.ToUpper(strings.TrimPrefix(strings.TrimSpace(v), "/")))
		}
		return sortVerbs(out), true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		var out []string
		if strings.Contains(s, "r") {
			out = append(out, "GET")
		}
		if strings.Contains(s, "w") {
			out = append(out, "POST", "PUT", "PATCH", "DELETE")
		}
		return sortVerbs(out), false
	}
	return nil, false
}

// readAPIs reads every API Gateway REST API.
func (b *builder) readAPIs() error {
	for _, ref := range b.refs("api") {
		res := b.resource(ref.Category, ref.Name)
		if ref.Service != "API Gateway" {
			continue // AppSync and others: reported as out of scope
		}
		if err := b.readAPI(ref, res); err != nil {
			return err
		}
	}
	return nil
}

// readAPI reads one REST API's paths from AdminQueries' template, cli-inputs.json (amplify-cli v7+) or
// api-params.json, then settles how its routes are authorized.
func (b *builder) readAPI(ref resourceRef, res *Resource) error {
	dir, ok := b.resourceDir(ref, res)
	if !ok {
		return nil
	}
	api := &apiOut{amp: ref.Name, name: specName(ref.Name), res: res}
	if api.name != ref.Name {
		res.approx("named %s in the spec: underhood names are letters and digits", api.name)
	}
	cli := dir + "/cli-inputs.json"
	legacyFile := dir + "/api-params.json"
	adminTmpl := dir + "/admin-queries-cloudformation-template.json"
	var err error
	switch {
	case ref.AuthorizationType == "AMAZON_COGNITO_USER_POOLS" || (b.p.exists(adminTmpl) && !b.p.exists(cli) && !b.p.exists(legacyFile)):
		err = b.adminQueries(api, ref, dir)
	case b.p.exists(cli):
		err = b.readRESTPaths(api, cli, legacyFile)
	case b.p.exists(legacyFile):
		err = b.readLegacyRESTPaths(api, legacyFile)
	default:
		res.outOfScope("neither cli-inputs.json nor api-params.json is in %s: the API's paths are unknown", dir)
		return nil
	}
	if err != nil {
		return err
	}
	if len(api.routes) == 0 {
		if res.Status != StatusOutOfScope {
			res.outOfScope("no route could be translated: the API is left out")
		}
		return nil
	}
	b.settleAuthorization(api)
	res.SpecPath = "api." + api.name
	b.apis = append(b.apis, api)
	return nil
}

// readRESTPaths reads the paths of cli-inputs.json and who may call them (permissions).
func (b *builder) readRESTPaths(api *apiOut, cli, legacyFile string) error {
	var in restInputs
	if err := b.p.readJSON(cli, &in); err != nil {
		return err
	}
	if b.p.exists(legacyFile) {
		api.res.note("the folder has both cli-inputs.json and api-params.json: amplify-cli reads cli-inputs.json, and so does the import")
	}
	for _, p := range slices.Sorted(maps.Keys(in.Paths)) {
		path := in.Paths[p]
		perm := path.Permissions
		src := from(cli, "paths."+p+".permissions")
		var auth, guest []string
		groups := map[string][]string{}
		switch perm.Setting {
		case "open", "":
		case "private", "protected":
			auth = crudVerbs(perm.Auth.items())
			guest = crudVerbs(perm.Guest.items())
			for _, g := range slices.Sorted(maps.Keys(perm.Groups)) {
				groups[g] = crudVerbs(perm.Groups[g].items())
			}
		default:
			api.res.approx("path %s has permissions setting %q, which the import does not know: left out", p, perm.Setting)
			continue
		}
		b.addPath(api, p, path.LambdaFunction, perm.Setting == "open" || perm.Setting == "", auth, guest, groups, src)
	}
	return nil
}

// readLegacyRESTPaths reads the paths of api-params.json and who may call them (privacy).
func (b *builder) readLegacyRESTPaths(api *apiOut, legacyFile string) error {
	var in restLegacy
	if err := b.p.readJSON(legacyFile, &in); err != nil {
		return err
	}
	for i, path := range in.Paths {
		pr := path.Privacy
		src := from(legacyFile, fmt.Sprintf("paths[%d].privacy (%s)", i, path.Name))
		if pr.Open.v {
			b.addPath(api, path.Name, path.LambdaFunction, true, nil, nil, nil, src)
			continue
		}
		auth, ok1 := legacyVerbs(pr.Auth)
		guest, ok2 := legacyVerbs(pr.Unauth)
		if !ok1 || !ok2 {
			api.res.approx("path %s lists its permissions as letters (r/w): read is GET, write is POST, PUT, PATCH and DELETE", path.Name)
		}
		groups := map[string][]string{}
		for _, g := range slices.Sorted(maps.Keys(pr.UserPoolGroups)) {
			v, _ := legacyVerbs(mustJSON(pr.UserPoolGroups[g].items()))
			groups[g] = v
		}
		b.addPath(api, path.Name, path.LambdaFunction, false, auth, guest, groups, src)
	}
	return nil
}

func mustJSON(v any) json.RawMessage {
	data, _ := json.Marshal(v)
	return data
}

// addPath turns one Amplify path into routes: the path itself and everything below it
// (P and P/{proxy+}), as Amplify's API did (its IAM policies name P and P/*).
func (b *builder) addPath(api *apiOut, path, fnAmp string, open bool, auth, guest []string, groups map[string][]string, src string) {
	res := api.res
	f := b.fn(fnAmp)
	if !f.inSpec() {
		res.approx("path %s: its function %s is not in the spec (see the function's entry); the path is left out", path, fnAmp)
		return
	}
	path = "/" + strings.Trim(path, "/")
	paths := []string{path}
	if !strings.HasSuffix(path, "+}") {
		if path == "/" {
			paths = append(paths, "/{proxy+}")
		} else {
			paths = append(paths, path+"/{proxy+}")
		}
	}
	if open {
		for _, p := range paths {
			api.routes = append(api.routes, routeOut{method: "ANY", path: p, fn: f.name, authz: "none", from: src + ": open"})
		}
		return
	}
	a := b.auth
	if a == nil {
		res.approx("path %s needs signed-in callers (IAM), and the project has no auth: the path is left out", path)
		return
	}
	if !a.identityPool {
		b.addIdentityPool("API " + api.amp)
		res.approx("its private paths are IAM-authorized, but the project had no identity pool, so no browser could sign requests to them; the spec adds one (see auth)")
	}
	groupNames := map[string]bool{}
	for _, g := range a.groups {
		groupNames[g.name] = true
	}
	for _, verb := range verbOrder {
		r := routeOut{method: verb, fn: f.name, authz: "iam", from: src}
		signedIn := slices.Contains(auth, verb)
		isGuest := slices.Contains(guest, verb)
		var gs []string
		for _, g := range slices.Sorted(maps.Keys(groups)) {
			if slices.Contains(groups[g], verb) {
				if !groupNames[g] {
					res.approx("path %s: group %s is not a user pool group of the project; its %s grant is left out", path, g, verb)
					continue
				}
				gs = append(gs, g)
			}
		}
		switch {
		case isGuest && !a.guest:
			res.approx("%s %s was granted to guests, but the identity pool gives guests no credentials (allowUnauthenticatedIdentities false): no guest access in the spec either", verb, path)
			isGuest = false
		case isGuest && !signedIn:
			res.approx("%s %s was granted to guests but not to signed-in users; an underhood guest route is open to signed-in users too", verb, path)
		}
		switch {
		case isGuest:
			r.guest = true
			if len(gs) > 0 && !signedIn {
				res.approx("%s %s: guests and groups %s may call it; the spec opens it to every signed-in user as well", verb, path, strings.Join(gs, ", "))
			}
		case signedIn:
		case len(gs) > 0:
			r.groups = gs
		default:
			continue
		}
		for _, p := range paths {
			x := r
			x.path = p
			api.routes = append(api.routes, x)
		}
	}
}

// adminQueries translates Amplify's AdminQueries API: one greedy path to the AdminQueries function,
// behind a Cognito user pools authorizer.
func (b *builder) adminQueries(api *apiOut, ref resourceRef, dir string) error {
	res := api.res
	var fnAmp string
	for _, d := range ref.DependsOn {
		if d.Category == "function" {
			fnAmp = d.ResourceName
		}
	}
	cli := dir + "/cli-inputs.json"
	var in restInputs
	if ok, err := b.p.readOptionalJSON(cli, &in); err != nil {
		return err
	} else if ok {
		for _, p := range slices.Sorted(maps.Keys(in.Paths)) {
			if fn := in.Paths[p].LambdaFunction; fn != "" {
				fnAmp = fn
			}
		}
	}
	if b.auth == nil || b.auth.res.Status == StatusMissing {
		res.outOfScope("the AdminQueries API authorizes with the user pool, and the project's auth is not translated")
		return nil
	}
	f := b.fn(fnAmp)
	if !f.inSpec() {
		res.outOfScope("its function %s is not in the spec", cmp.Or(fnAmp, "(none named)"))
		return nil
	}
	// Which token? The template's Cognito security requirement lists OAuth scopes, and API Gateway
	// validates an access token when a method has authorization scopes.
	tmplFile := dir + "/admin-queries-cloudformation-template.json"
	scopes, found, err := b.adminScopes(tmplFile)
	if err != nil {
		return err
	}
	api.authz = "access-token"
	switch {
	case found && len(scopes) == 0:
		api.authz = "id-token"
		api.comment = wrap("AdminQueries: "+tmplFile+" has a Cognito user pools authorizer and lists no OAuth scopes on its method, so API Gateway validates the id token: id-token.", 100, "")
	case found:
		api.scopes = scopes
		api.comment = wrap("AdminQueries: "+tmplFile+" has a Cognito user pools authorizer whose method lists the scope "+strings.Join(scopes, ", ")+
			", so API Gateway takes only an access token (an id token has no scope claim): access-token with that scope. The function checks the caller's group (its GROUP variable) from the token's cognito:groups claim.", 100, "")
	default:
		api.scopes = []string{"aws.cognito.signin.user.admin"}
		api.comment = []string{
			"AdminQueries (backend-config.json authorizationType AMAZON_COGNITO_USER_POOLS): amplify-cli v7+",
			"generates the same template as its legacy admin-queries-cloudformation-template.json, whose",
			"Cognito authorizer requires the scope aws.cognito.signin.user.admin, so API Gateway takes only an",
			"access token: access-token. The function checks the caller's group (its GROUP variable).",
		}
	}
	api.routes = append(api.routes, routeOut{method: "ANY", path: "/{proxy+}", fn: f.name, authz: api.authz, from: "Amplify's AdminQueries path /{proxy+}, any method"})
	return nil
}

// adminScopes reads the OAuth scopes of the Cognito security requirement in the AdminQueries
// template's swagger body. found is false when there is no template.
func (b *builder) adminScopes(file string) (scopes []string, found bool, err error) {
	var tmpl struct {
		Resources map[string]struct {
			Type       string `json:"Type"`
			Properties struct {
				Body struct {
					Paths map[string]map[string]json.RawMessage `json:"paths"`
				} `json:"Body"`
			} `json:"Properties"`
		} `json:"Resources"`
	}
	ok, err := b.p.readOptionalJSON(file, &tmpl)
	if err != nil || !ok {
		return nil, false, err
	}
	for _, id := range slices.Sorted(maps.Keys(tmpl.Resources)) {
		r := tmpl.Resources[id]
		if r.Type != "AWS::ApiGateway::RestApi" {
			continue
		}
		for _, p := range slices.Sorted(maps.Keys(r.Properties.Body.Paths)) {
			for _, m := range slices.Sorted(maps.Keys(r.Properties.Body.Paths[p])) {
				var op struct {
					Security []map[string][]string `json:"security"`
				}
				if json.Unmarshal(r.Properties.Body.Paths[p][m], &op) != nil {
					continue
				}
				for _, sec := range op.Security {
					for _, name := range slices.Sorted(maps.Keys(sec)) {
						found = true
						for _, s := range sec[name] {
							scopes = appendUnique(scopes, s)
						}
					}
				}
			}
		}
	}
	return scopes, found, nil
}

// settleAuthorization picks the API's default authorization: iam when any route is IAM, else the
// routes' common mode.
func (b *builder) settleAuthorization(api *apiOut) {
	if api.authz != "" {
		return
	}
	api.authz = "none"
	for _, r := range api.routes {
		if r.authz == "iam" {
			api.authz = "iam"
		}
	}
	switch api.authz {
	case "iam":
		api.comment = []string{"Amplify's private and protected paths: AWS_IAM, requests signed with identity pool credentials.",
			"Methods as Amplify's policies granted them: create POST, read GET, update PUT and PATCH, delete DELETE."}
	default:
		api.comment = []string{"Amplify's open paths: no authorization, any method."}
	}
}

func (api *apiOut) node() *yaml.Node {
	m := newMap()
	m.add("authorization", str(api.authz), "")
	if len(api.comment) > 0 {
		m.n.Content[0].HeadComment = commentLines(api.comment...)
	}
	if len(api.scopes) > 0 && api.authz == "access-token" {
		m.add("scopes", flowList(api.scopes...), "")
	}
	cors := newFlowMap()
	cors.add("allowOrigins", flowList("*"), "")
	m.add("cors", cors.n, "Amplify's REST APIs answer CORS for any origin ('*')")
	routes := newMap()
	slices.SortStableFunc(api.routes, func(x, y routeOut) int {
		if x.path != y.path {
			return strings.Compare(x.path, y.path)
		}
		return slices.Index(verbOrder, x.method) - slices.Index(verbOrder, y.method)
	})
	prevFrom := ""
	for _, r := range api.routes {
		key := r.method + " " + r.path
		var v *yaml.Node
		if r.authz == api.authz && !r.guest && len(r.groups) == 0 {
			v = str(r.fn)
		} else {
			x := newFlowMap()
			x.add("function", str(r.fn), "")
			if r.authz != api.authz {
				x.add("authorization", str(r.authz), "")
			}
			if r.guest {
				x.add("guest", boolean(true), "")
			}
			if len(r.groups) > 0 {
				x.add("groups", flowList(r.groups...), "")
			}
			v = x.n
		}
		c := r.from
		if c == prevFrom {
			c = ""
		} else {
			prevFrom = c
		}
		routes.add(key, v, c)
	}
	m.add("routes", routes.n, "")
	return m.n
}

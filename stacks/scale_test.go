package stacks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// Scale spec: 25 top-level segments of 40 routes (1000) over 50 functions. Segments cycle through the
// authorization mixes a real API has, so the grant compaction meets every case: whole subtrees for every
// signed-in user, group-only subtrees, subtrees where GET is for everyone and writes for groups, token
// subtrees, and one guest route.
const (
	scaleSegments  = 25
	scalePerSeg    = 40
	scaleFunctions = 50
)

type scaleRoute struct {
	verb, path string
	iam        bool
	groups     []string
	guest      bool
}

func scaleRoutes() []scaleRoute {
	var out []scaleRoute
	for s := 0; s < scaleSegments; s++ {
		top := fmt.Sprintf("/r%02d", s)
		paths := []string{top, top + "/{id}"}
		for k := 0; k < 9; k++ {
			paths = append(paths, fmt.Sprintf("%s/{id}/a%d", top, k))
		}
		n := 0
		for _, p := range paths {
			for _, v := range []string{"GET", "POST", "PUT", "DELETE"} {
				if n == scalePerSeg {
					break
				}
				n++
				r := scaleRoute{verb: v, path: p}
				switch s % 5 {
				case 1: // every signed-in user
					r.iam = true
				case 2: // admins only
					r.iam, r.groups = true, []string{"admins"}
				case 3: // reads for everyone signed in, writes for editors and admins
					r.iam = true
					if v != "GET" {
						r.groups = []string{"editors", "admins"}
					}
				case 4: // DELETE and the top path for editors only, the rest for everyone signed in
					// (no group-only route sits below a {param} route open to more roles: the exact ARN
					// of /x/{id} is /x/*, which IAM also matches against /x/1/y, a limit of execute-api ARNs)
					r.iam = true
					if v == "DELETE" || p == top {
						r.groups = []string{"editors"}
					}
				}
				out = append(out, r)
			}
		}
	}
	out[scalePerSeg].guest = true // GET /r01: guests too
	return out
}

// scaleYAML writes the scale spec: routes on API big, whose default authorization is auth (routes with
// iam set override it), with CORS or without.
func scaleYAML(routes []scaleRoute, auth string, cors bool) []byte {
	var b strings.Builder
	b.WriteString("version: 1\napp: scale\nstages:\n  prod: { removal: retain }\n")
	b.WriteString("auth:\n  userPool:\n    signInWith: [email]\n    groups: { admins: { precedence: 0 }, editors: { precedence: 1 } }\n")
	b.WriteString("  identityPool: { guestAccess: true, groupRoles: true }\nfunctions:\n")
	for f := 0; f < scaleFunctions; f++ {
		fmt.Fprintf(&b, "  fn%02d: { runtime: nodejs, source: functions/catalog }\n", f)
	}
	fmt.Fprintf(&b, "api:\n  big:\n    authorization: %s\n", auth)
	if cors {
		b.WriteString("    cors: { allowOrigins: [\"https://app.example\"] }\n")
	}
	b.WriteString("    routes:\n")
	for i, r := range routes {
		fmt.Fprintf(&b, "      %s %s: { function: fn%02d", r.verb, r.path, i%scaleFunctions)
		if r.iam {
			b.WriteString(", authorization: iam")
		}
		if len(r.groups) > 0 {
			fmt.Fprintf(&b, ", groups: [%s]", strings.Join(r.groups, ", "))
		}
		if r.guest {
			b.WriteString(", guest: true")
		}
		b.WriteString(" }\n")
	}
	return []byte(b.String())
}

// synthAll synthesizes app (nag on) in its own CDK app, fails on error annotations (nested stacks'
// included: their metadata is the parent's), and returns every template in the assembly by file name.
func synthAll(t *testing.T, app *spec.App) map[string]*template {
	t.Helper()
	out := t.TempDir()
	cdkApp := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	stacks.New(cdkApp, app, &stacks.Options{BuildDir: filepath.Join(out, "build")})
	asm := cdkApp.Synth(nil)
	for _, st := range *asm.Stacks() {
		for _, m := range *st.Messages() {
			if m.Level == cxapi.SynthesisMessageLevel_ERROR {
				t.Errorf("%s: %v", *m.Id, m.Entry.Data)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(out, "*.template.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates in %s: %v", out, err)
	}
	tpls := map[string]*template{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tpls[filepath.Base(f)] = parseTemplate(t, data)
	}
	return tpls
}

func parseScale(t *testing.T, routes []scaleRoute) *spec.App {
	t.Helper()
	return parseScaleSpec(t, scaleYAML(routes, "access-token", true))
}

func parseScaleSpec(t *testing.T, data []byte) *spec.App {
	t.Helper()
	app, err := spec.Parse("app.yaml", filepath.Join("..", "examples", "iam-guest"), data, "prod")
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestScale1000Routes(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes 1000 routes twice")
	}
	routes := scaleRoutes()
	start := time.Now()
	tpls := synthAll(t, parseScale(t, routes))
	t.Logf("1000 routes, %d functions: synth %.1fs", scaleFunctions, time.Since(start).Seconds())

	parent, methods, names := checkScaleAssembly(t, tpls)
	// 1000 route methods, one OPTIONS per path (10 per segment: 40 routes, 4 verbs each) and the root's OPTIONS.
	if want := 1000 + scaleSegments*10 + 1; methods != want {
		t.Errorf("%d methods across all stacks, want %d", methods, want)
	}

	checkScaleGrants(t, parent, routes)

	// Adding a route keeps every logical ID of every stack (the Deployment is new by design).
	grown := append(append([]scaleRoute(nil), routes...), scaleRoute{verb: "PATCH", path: "/r07/{id}/a3", iam: true, groups: []string{"admins"}})
	start = time.Now()
	after := synthAll(t, parseScale(t, grown))
	t.Logf("1001 routes, second synth in the same process: %.1fs", time.Since(start).Seconds())
	for _, n := range names {
		a := after[n]
		if a == nil {
			t.Errorf("%s disappeared after adding a route", n)
			continue
		}
		for id, r := range tpls[n].Resources {
			if r.Type == "AWS::ApiGateway::Deployment" {
				continue
			}
			if got, ok := a.Resources[id]; !ok || got.Type != r.Type {
				t.Errorf("%s: %s (%s) is gone after adding a route", n, id, r.Type)
			}
		}
	}
	// The added route is on an existing path: it costs its Method and nothing else.
	total := func(m map[string]*template) (n int) {
		for _, tp := range m {
			n += len(tp.Resources)
		}
		return n
	}
	if grew := total(after) - total(tpls); grew != 1 {
		t.Errorf("adding a route on an existing path added %d resources, want 1 (its Method)", grew)
	}
	if len(after) != len(tpls) {
		t.Errorf("%d templates after adding a route, %d before", len(after), len(tpls))
	}
	t.Run("cfn-lint", func(t *testing.T) { cfnLint(t, rawTemplates(tpls)) })
}

// TestScale1000RoutesWithoutCORS: an API without cors, split across nested stacks, synthesizes with
// cdk-nag in each authorization mode. IAM: the scale routes with every segment IAM (group-only subtrees,
// group-only writes, a guest route). Token modes and none: every route with the API's authorization. No
// route is on "/", so the root's one method is the closed OPTIONS CDK's RestApi needs (AWS_IAM, MOCK).
func TestScale1000RoutesWithoutCORS(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes 1000 routes four times")
	}
	tests := []struct {
		auth string
		iam  bool
	}{
		{"iam", true},
		{"id-token", false},
		{"access-token", false},
		{"none", false},
	}
	linted := map[string][]byte{}
	for _, tt := range tests {
		t.Run(tt.auth, func(t *testing.T) {
			routes := scaleRoutes()
			for i := range routes {
				routes[i].iam = tt.iam
				if !tt.iam {
					routes[i].groups, routes[i].guest = nil, false
				}
			}
			start := time.Now()
			tpls := synthAll(t, parseScaleSpec(t, scaleYAML(routes, tt.auth, false)))
			t.Logf("1000 %s routes without CORS: synth %.1fs, %d templates", tt.auth, time.Since(start).Seconds(), len(tpls))
			parent, methods, names := checkScaleAssembly(t, tpls)
			if want := 1000 + 1; methods != want {
				t.Errorf("%d methods across all stacks, want %d (the routes and the root's OPTIONS)", methods, want)
			}
			wantType := map[string]string{"iam": "AWS_IAM", "id-token": "COGNITO_USER_POOLS", "access-token": "COGNITO_USER_POOLS", "none": "NONE"}[tt.auth]
			for _, n := range names {
				tp := tpls[n]
				for _, id := range tp.ofType("AWS::ApiGateway::Method") {
					p := tp.Resources[id].Properties
					integ, _ := p["Integration"].(map[string]any)
					if p["HttpMethod"] == "OPTIONS" {
						if tp != parent || p["AuthorizationType"] != "AWS_IAM" || integ["Type"] != "MOCK" {
							t.Errorf("%s: OPTIONS method %s is not the root's closed one: %v", n, id, p)
						}
						continue
					}
					if p["AuthorizationType"] != wantType || integ["Type"] != "AWS_PROXY" {
						t.Errorf("%s: method %s is %v with a %v integration, want %s with AWS_PROXY", n, id, p["AuthorizationType"], integ["Type"], wantType)
					}
					_, scoped := p["AuthorizationScopes"]
					if scoped != (tt.auth == "access-token") {
						t.Errorf("%s: method %s has AuthorizationScopes %v (%s API)", n, id, p["AuthorizationScopes"], tt.auth)
					}
				}
			}
			if tt.iam {
				checkScaleGrants(t, parent, routes)
			}
			// cfn-lint takes about 2.5 s per template of this size: every template of the IAM variant,
			// and of the others the app stack and one nested stack (their methods differ from the IAM
			// variant's only in the authorization properties).
			nested := 0
			for _, n := range names {
				if strings.Contains(n, ".nested.") {
					nested++
				}
				if tt.iam || !strings.Contains(n, ".nested.") || nested == 1 {
					linted[tt.auth+"-"+n] = tpls[n].raw
				}
			}
		})
	}
	t.Run("cfn-lint", func(t *testing.T) { cfnLint(t, linted) })
}

// rawTemplates returns the JSON of each template by file name.
func rawTemplates(tpls map[string]*template) map[string][]byte {
	out := map[string][]byte{}
	for n, tp := range tpls {
		out[n] = tp.raw
	}
	return out
}

// checkScaleAssembly checks what holds for every scale app's assembly: CloudFormation's per-template
// limits, cdk-nag on the nested stacks, no helper functions or custom resources, one Lambda permission
// per function, IAM's policy size limits. It returns the app stack's template, the number of methods
// across all templates, and the template names sorted.
func checkScaleAssembly(t *testing.T, tpls map[string]*template) (parent *template, methods int, names []string) {
	t.Helper()
	parentName := "scale-prod.template.json"
	parent = tpls[parentName]
	if parent == nil {
		t.Fatalf("no %s among %d templates", parentName, len(tpls))
	}
	names = make([]string, 0, len(tpls))
	for n := range tpls {
		names = append(names, n)
	}
	sort.Strings(names)
	perms, fns, maxParams := 0, 0, 0
	for _, n := range names {
		tp := tpls[n]
		t.Logf("%-70s %3d resources", n, len(tp.Resources))
		if len(tp.Resources) > 500 {
			t.Errorf("%s: %d resources, CloudFormation accepts 500", n, len(tp.Resources))
		}
		methods += len(tp.ofType("AWS::ApiGateway::Method"))
		for _, id := range tp.ofType("AWS::Lambda::Permission") {
			if tp.Resources[id].Properties["Principal"] == "apigateway.amazonaws.com" {
				perms++
			}
		}
		fns += len(tp.ofType("AWS::Lambda::Function"))
		// Each function ARN a nested stack uses is one of its parameters; CloudFormation allows 200.
		var params struct{ Parameters map[string]any }
		if err := json.Unmarshal(tp.raw, &params); err != nil || len(params.Parameters) > 200 {
			t.Errorf("%s: %d parameters (%v), CloudFormation accepts 200", n, len(params.Parameters), err)
		}
		maxParams = max(maxParams, len(params.Parameters))
		// cdk-nag visits the nested stacks too: their IAM methods carry the accepted COG4 finding.
		if strings.Contains(n, ".nested.") && strings.Contains(string(tp.raw), `"AWS_IAM"`) &&
			!strings.Contains(string(tp.raw), "AwsSolutions-COG4") {
			t.Errorf("%s: IAM methods without cdk-nag metadata; nag did not check this nested stack", n)
		}
		if ids := tp.ofType("AWS::CloudFormation::CustomResource"); len(ids) > 0 {
			t.Errorf("%s: custom resources %v", n, ids)
		}
		for id, r := range tp.Resources {
			if strings.HasPrefix(r.Type, "Custom::") {
				t.Errorf("%s: custom resource %s (%s)", n, id, r.Type)
			}
		}
	}
	t.Logf("most parameters in one template: %d", maxParams)
	if len(tpls) < 2 {
		t.Errorf("1000 routes in %d template(s); the API should be split across nested stacks", len(tpls))
	}
	if fns != scaleFunctions {
		t.Errorf("%d Lambda functions, want the spec's %d (no CDK helper functions)", fns, scaleFunctions)
	}
	if perms != scaleFunctions {
		t.Errorf("%d API Gateway Lambda permissions, want one per function and API (%d)", perms, scaleFunctions)
	}

	// IAM size limits: each policy document, and the inline policies of each role together (10,240):
	// the role's own Policies and every AWS::IAM::Policy attached to it.
	perRole := map[string]int{}
	for _, role := range parent.ofType("AWS::IAM::Role") {
		for _, p := range parent.roleDocs(role) {
			if p.size >= 10240 {
				t.Errorf("role %s: policy in %s is %d bytes", role, p.where, p.size)
			}
			perRole[role] += p.size
		}
	}
	if len(perRole) == 0 {
		t.Error("no role policies found; the size check is missing them")
	}
	biggest := 0
	for _, size := range perRole {
		biggest = max(biggest, size)
	}
	t.Logf("largest inline policy total of a role: %d bytes of template JSON", biggest)
	for role, size := range perRole {
		if size >= 10240 {
			t.Errorf("role %s: inline policies total %d bytes, IAM allows 10,240", role, size)
		}
	}
	return parent, methods, names
}

// checkScaleGrants: every role's compacted grants reach exactly the IAM routes the spec allows it,
// expanding each granted pattern against the route list.
func checkScaleGrants(t *testing.T, parent *template, routes []scaleRoute) {
	t.Helper()
	authRole, guestRole, groups := roles(t, parent)
	allowed := func(who string, r scaleRoute) bool {
		if !r.iam {
			return false
		}
		switch who {
		case "guest":
			return r.guest
		case "authenticated":
			return len(r.groups) == 0
		}
		return len(r.groups) == 0 || contains(anySlice(r.groups), who)
	}
	for who, role := range map[string]string{"authenticated": authRole, "guest": guestRole, "admins": groups["admins"], "editors": groups["editors"]} {
		if role == "" {
			t.Fatalf("%s role not found", who)
		}
		grants := parent.invokeRoutes(role)
		var got, want []string
		for _, r := range routes {
			key := r.verb + " " + arnPath(r.path)
			if allowed(who, r) {
				want = append(want, key)
			}
			if !r.iam {
				continue // API Gateway checks no IAM permission on token routes
			}
			for _, g := range grants {
				if globMatch(g, key) {
					got = append(got, key)
					break
				}
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s role reaches %d IAM routes, the spec allows %d\ngrants: %v\nextra: %v\nmissing: %v",
				who, len(got), len(want), grants, minus(got, want), minus(want, got))
		}
		t.Logf("%s role: %d grants for %d routes: %v", who, len(grants), len(want), grants)
		// A group role holds the authenticated policy, so its own grants may reach those routes too and
		// need not split around them (grant.HoldingGrantee): 25 shared plus 10 of its own.
		if len(grants) > 40 {
			t.Errorf("%s role: %d grants; compaction did not use the routes it holds through the authenticated policy", who, len(grants))
		}
	}
}

func arnPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, "{") {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, "/")
}

// globMatch matches a granted "VERB /path" (with * wildcards, as IAM does) against a route key.
func globMatch(grant, key string) bool {
	g := strings.Replace(grant, " ", "", 1)
	k := strings.Replace(key, " ", "", 1)
	// path.Match's * stops at "/"; IAM's does not, so match on a slash-free alphabet.
	ok, err := path.Match(strings.ReplaceAll(g, "/", "|"), strings.ReplaceAll(k, "/", "|"))
	return err == nil && ok
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

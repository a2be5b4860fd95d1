package layering_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/underhood-dev/underhood"

// rules are README's import rules, one a line: the packages a rule governs, what they may not import,
// and why. Tests do not count: go list's Imports and Deps leave out test files.
var rules = []rule{
	{pkg("spec"), noCDK, "underhood validate loads and checks a spec without starting Node"},
	{pkg("spec"), onlyModule("internal/awsrules", "internal/restplan"), "the spec is the bottom layer; the others read its model"},
	{pkg("emit"), noCDK, "underhood config writes the SPA's configuration without starting Node"},
	{pkg("explain"), noCDK, "underhood explain describes a spec without starting Node"},
	{pkg("plan"), noCDK, "underhood plan compares templates in pure Go"},
	{tree("importer"), noCDK, "underhood import reads an Amplify project and its stacks without starting Node"},
	{pkg("internal/restplan"), noCDK, "spec plans REST routes with it to estimate the quotas"},
	{pkg("internal/awsrules"), noCDK, "every layer takes AWS's facts from it, spec included"},
	{pkg("internal/awsrules"), onlyModule(), "every layer imports it, so it imports none of them"},
	{later("internal/cfn"), noCDK, "plan, config and import reach CloudFormation through it without starting Node"},
	{later("internal/synthcache"), noCDK, "a synth cache hit is served without starting Node"},
	{later("cmd/underhood-synth"), noCDK, "the synth front serves cache hits without the cost of the CDK's package initialization"},
	{tree("constructs"), none("spec", "stacks", "emit", "explain", "plan", "importer/...", "internal/cli", "cmd/..."), "constructs are usable from plain CDK Go code"},
	{allBut("stacks"), notBoth("spec", "constructs/..."), "only stacks translates the spec into construct props"},
}

// cdkPrefixes are the CDK's Go bindings and the jsii runtime they run on: importing any of them starts
// Node at the first use.
var cdkPrefixes = []string{"github.com/aws/aws-cdk-go/", "github.com/aws/jsii-runtime-go", "github.com/aws/constructs-go/", "github.com/cdklabs/"}

// TestImportRules checks every rule against the module's import graph and names, for each broken rule,
// the forbidden package and the chain of imports that reaches it.
func TestImportRules(t *testing.T) {
	g := loadGraph(t)
	for _, r := range rules {
		governed := g.match(r.pkgs)
		if len(governed) == 0 && !r.pkgs.later {
			t.Errorf("%s: no package is named so; fix the rule", r.pkgs.name)
		}
		for _, p := range governed {
			if msg := g.breaks(p, r.check); msg != "" {
				t.Errorf("%s: the rule %q is broken (%s):\n  %s", short(p), r.pkgs.name+" "+r.check.text, r.why, msg)
			}
		}
	}
}

// TestChecksSeeTheGraph: each kind of check finds what the real graph holds where it is true, so the
// rules cannot pass because go list's output was misread.
func TestChecksSeeTheGraph(t *testing.T) {
	g := loadGraph(t)
	tests := []struct {
		pkg   string
		check check
	}{
		{"stacks", noCDK},                             // stacks builds the constructs
		{"constructs/auth", noCDK},                    // a construct is CDK code
		{"emit", onlyModule()},                        // emit reads spec's model
		{"stacks", none("spec")},                      // stacks translates the spec
		{"stacks", notBoth("spec", "constructs/...")}, // ... into construct props
	}
	for _, tt := range tests {
		if g.breaks(module+"/"+tt.pkg, tt.check) == "" {
			t.Errorf("%s %s: holds, but the graph says otherwise", tt.pkg, tt.check.text)
		}
	}
}

// A rule is one line of the table: the packages it governs, the check they must pass, and why.
type rule struct {
	pkgs  scope
	check check
	why   string
}

// A scope names the governed packages (relative to the module).
type scope struct {
	name  string
	match func(rel string) bool
	later bool // the package is on another branch: the rule governs it once it is merged
}

func pkg(rel string) scope { return scope{rel, func(r string) bool { return r == rel }, false} }

func later(rel string) scope { s := pkg(rel); s.later = true; return s }

func tree(rel string) scope {
	return scope{rel + "/...", func(r string) bool { return matches(rel+"/...", r) }, false}
}

func allBut(rel string) scope {
	return scope{"every package but " + rel, func(r string) bool { return r != rel }, false}
}

// A check is what a package may not import: bad returns the offending packages among its direct
// imports (direct) or among all its dependencies.
type check struct {
	text   string
	direct bool
	bad    func(imports []string) []string
}

var noCDK = check{"imports no CDK package", false, func(deps []string) []string {
	return filter(deps, func(d string) bool {
		return slices.ContainsFunc(cdkPrefixes, func(p string) bool { return strings.HasPrefix(d, p) })
	})
}}

// onlyModule: of the module's packages, only the allowed ones.
func onlyModule(allowed ...string) check {
	text := "imports no underhood package"
	if len(allowed) > 0 {
		text = "imports no underhood package but " + strings.Join(allowed, ", ")
	}
	return check{text, false, func(deps []string) []string {
		return filter(deps, func(d string) bool {
			rel, ok := relative(d)
			return ok && !slices.ContainsFunc(allowed, func(a string) bool { return matches(a, rel) })
		})
	}}
}

// none: none of the patterns ("x" or "x/...", relative to the module).
func none(patterns ...string) check {
	return check{"imports no " + strings.Join(patterns, ", "), false, func(deps []string) []string {
		return filter(deps, func(d string) bool {
			rel, ok := relative(d)
			return ok && slices.ContainsFunc(patterns, func(p string) bool { return matches(p, rel) })
		})
	}}
}

// notBoth: not a match of a and a match of b among the direct imports.
func notBoth(a, b string) check {
	return check{"imports " + a + " or " + b + ", not both", true, func(imports []string) []string {
		as, bs := none(a).bad(imports), none(b).bad(imports)
		if len(as) == 0 || len(bs) == 0 {
			return nil
		}
		return append(as, bs...)
	}}
}

// matches reports whether the module-relative path rel matches pattern: equal, or below x for "x/...".
func matches(pattern, rel string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return rel == base || strings.HasPrefix(rel, base+"/")
	}
	return rel == pattern
}

func relative(path string) (string, bool) { return strings.CutPrefix(path, module+"/") }

func short(path string) string {
	if rel, ok := relative(path); ok {
		return rel
	}
	return path
}

func filter(s []string, keep func(string) bool) []string {
	var out []string
	for _, x := range s {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// graph is the module's packages and every package they depend on, by import path.
type graph map[string]*listed

// listed is the part of go list -json this test reads.
type listed struct {
	ImportPath string
	Dir        string
	Imports    []string // direct imports, test files excluded
	Deps       []string // every dependency, sorted
	Module     *struct{ Path, Dir string }
}

var loaded graph

// loadGraph runs go list -deps -json on the whole module, once per test binary.
func loadGraph(t *testing.T) graph {
	t.Helper()
	if loaded != nil {
		return loaded
	}
	cmd := exec.Command("go", "list", "-deps", "-json", module+"/...")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	g := graph{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		g[p.ImportPath] = &p
	}
	if g[module+"/spec"] == nil || g[module+"/stacks"] == nil {
		t.Fatalf("go list listed %d packages, spec and stacks not among them", len(g))
	}
	watch(t, g)
	loaded = g
	return g
}

// watch opens the folders of the module's packages, their parents up to the module root, and go.mod:
// go test reuses a cached pass until a file or folder the test opened changes, and what go list read
// is not the test's own reading. With each folder's listing (names, sizes, times) in the cache key, an
// edited or added Go file, or a new package, runs the test again.
func watch(t *testing.T, g graph) {
	t.Helper()
	root := g[module+"/spec"].Module.Dir
	seen := map[string]bool{}
	open := func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	for _, p := range g {
		if p.Module == nil || p.Module.Path != module {
			continue
		}
		for dir := p.Dir; strings.HasPrefix(dir, root); dir = filepath.Dir(dir) {
			open(dir)
		}
	}
	open(filepath.Join(root, "go.mod"))
	open(filepath.Join(root, "go.sum"))
}

// match lists the module's packages in the scope, sorted.
func (g graph) match(s scope) []string {
	var out []string
	for path := range g {
		if rel, ok := relative(path); ok && s.match(rel) {
			out = append(out, path)
		}
	}
	slices.Sort(out)
	return out
}

// breaks returns "" when the package passes the check, else what it imports that it may not: the
// nearest offender with its chain of imports, and how many more there are.
func (g graph) breaks(path string, c check) string {
	p := g[path]
	if p == nil {
		return "not in go list's output"
	}
	if c.direct {
		if bad := c.bad(p.Imports); len(bad) > 0 {
			return short(path) + " imports " + strings.Join(mapShort(bad), " and ")
		}
		return ""
	}
	bad := c.bad(p.Deps)
	if len(bad) == 0 {
		return ""
	}
	chain := g.chain(path, bad)
	msg := strings.Join(mapShort(chain), " -> ")
	others := mapShort(slices.DeleteFunc(slices.Clone(bad), func(b string) bool { return b == chain[len(chain)-1] }))
	switch {
	case len(others) > 3:
		msg += fmt.Sprintf(" (and %d more forbidden packages)", len(others))
	case len(others) > 0:
		msg += " (also " + strings.Join(others, ", ") + ")"
	}
	return msg
}

// chain is a shortest import chain from path to one of targets (breadth first, imports in order).
func (g graph) chain(path string, targets []string) []string {
	prev := map[string]string{path: ""}
	queue := []string{path}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if slices.Contains(targets, cur) {
			var out []string
			for p := cur; p != ""; p = prev[p] {
				out = append(out, p)
			}
			slices.Reverse(out)
			return out
		}
		if p := g[cur]; p != nil {
			for _, imp := range p.Imports {
				if _, seen := prev[imp]; !seen {
					prev[imp] = cur
					queue = append(queue, imp)
				}
			}
		}
	}
	return []string{path, targets[0]}
}

func mapShort(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = short(p)
	}
	return out
}

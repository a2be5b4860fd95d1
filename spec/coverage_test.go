package spec_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRuleCoverage: every message the loader can print has a golden invalid spec showing it. The
// messages are read from the package's source (see loaderMessages), so a message added without a
// fixture fails here, listing it. Each golden line is credited to the most specific message matching it
// (a message made only of literal text beats "must be %s, not %s%s"), and every golden line must be
// credited to some message, which proves the source scan misses no way of reporting.
func TestRuleCoverage(t *testing.T) {
	msgs, tables := loaderMessages(t, ".")
	goldens, _ := filepath.Glob("testdata/invalid/*.golden")
	large, _ := filepath.Glob("testdata/large/*.golden") // generated at test time (TestTenMegabyteSpec)
	type line struct{ file, text string }
	var lines []line
	for _, g := range append(goldens, large...) {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			lines = append(lines, line{g, l})
		}
	}
	// best returns the most specific messages matching a line, among those reachable or not.
	best := func(text string, reachable bool) []int {
		var out []int
		bestLen := -1
		for i, m := range msgs {
			if _, u := unreachableMessages[m.format]; u == reachable || !m.re.MatchString(text) {
				continue
			}
			switch {
			case m.literal > bestLen:
				out, bestLen = []int{i}, m.literal
			case m.literal == bestLen:
				out = append(out, i)
			}
		}
		return out
	}
	covered := make([]int, len(msgs))
	for _, l := range lines {
		found := best(l.text, true)
		if found == nil {
			if u := best(l.text, false); u != nil {
				t.Errorf("%s: line shows %q, listed in unreachableMessages; remove it from there:\n  %s", l.file, msgs[u[0]].format, l.text)
				continue
			}
			t.Errorf("%s: line matches no message found in the source (does a new reporting helper take a non-literal format?):\n  %s", l.file, l.text)
		}
		for _, i := range found {
			covered[i]++
		}
	}
	var uncovered []string
	for i, m := range msgs {
		if m.literal == 0 {
			t.Errorf("%s: the format %q has no text of its own, so no golden line can be told apart as its; write the message in the format", m.pos, m.format)
		}
		if _, u := unreachableMessages[m.format]; !u && covered[i] == 0 {
			uncovered = append(uncovered, fmt.Sprintf("%s: %s", m.pos, m.format))
		}
	}
	for format := range unreachableMessages {
		if !slices.ContainsFunc(msgs, func(m message) bool { return m.format == format }) {
			t.Errorf("unreachableMessages lists %q, which the source no longer has; remove it", format)
		}
	}
	for _, name := range hintTables {
		for _, v := range tables[name] {
			if !slices.ContainsFunc(lines, func(l line) bool { return strings.Contains(l.text, v) }) {
				uncovered = append(uncovered, fmt.Sprintf("%s value: %s", name, v))
			}
		}
	}
	t.Logf("%d messages from the source (+%d table texts), %d golden invalid specs (%d lines), %d uncovered", len(msgs), countValues(tables), len(goldens), len(lines), len(uncovered))
	if len(uncovered) > 0 {
		t.Errorf("%d messages have no golden invalid spec in testdata/invalid (add NN-name.yaml, run go test ./spec -run TestInvalidSpecs -update, read the .golden):\n  %s", len(uncovered), strings.Join(uncovered, "\n  "))
	}
}

// unreachableMessages are messages the scan finds but no input can produce, each with the reason. They
// come from code shared with reachable uses. A golden line that only they match fails the test (then
// the message is reachable and belongs in a fixture).
var unreachableMessages = map[string]string{
	// decoder.scalar serves routes too (rawRoute.decodeScalar), but decode has returned on a null before
	// it calls decodeScalar (the validator then says the route is empty), and calls it for scalars only.
	"is empty; give a function name or a route mapping or remove the key": "null route: decode returns first",
	"must be a function name or a route mapping, not %s":                  "decodeScalar gets scalars only",
	// The same holds for a custom attribute's short form (rawCustomAttr.decodeScalar): the validator says
	// a null attribute is empty (fixture 73).
	"is empty; give an attribute type or a mapping { type, mutable, userWritable } or remove the key": "null attribute: decode returns first",
	// And for a trigger's short form (rawTrigger.decodeScalar): the validator says a null trigger is empty
	// (fixture 256).
	"is empty; give a function name or a mapping { function, version, addsScopes } or remove the key": "null trigger: decode returns first",
	"must be a function name or a mapping { function, version, addsScopes }, not %s":                  "decodeScalar gets scalars only",
	// decode goes only as deep as the raw types (six levels: stages.NAME.existing.storage.NAME); each
	// alias adds one, and YAML has no alias of an alias, so a spec reaches about twelve. maxDepth (64)
	// guards against a future recursive raw type.
	"nested more than %d levels deep; no app spec field nests this far": "at most about twelve levels",
	// restplan.ShardCapacity keeps each nested stack of a split API at most 400 resources (tested in
	// internal/restplan and TestNestedStacksStayUnderTheQuota); the check guards a change there.
	"the nested stack of the routes under %s would hold %d resources; CloudFormation allows %d per stack: spread these routes over more path segments": "nested stacks hold at most 400",
}

func countValues(tables map[string][]string) int {
	n := 0
	for _, v := range tables {
		n += len(v)
	}
	return n
}

// TestRuleCoverageSeesNewMessages: the scan finds a message however it is reported: directly, through
// a helper that passes its format on (validator.missing), and through a helper that fills a message from
// its arguments (validator.enum: one message per call site).
func TestRuleCoverageSeesNewMessages(t *testing.T) {
	dir := t.TempDir()
	src := `package spec

import "fmt"

type Diagnostic struct{ Msg string }

type reporter struct{ diags []Diagnostic }

func (r *reporter) at(line int, format string, args ...any) {
	r.diags = append(r.diags, Diagnostic{Msg: fmt.Sprintf(format, args...)})
}

func (r *reporter) errorf(format string, args ...any) { r.at(1, format, args...) }

func (r *reporter) missing(field, format string, args ...any) { r.errorf(format, args...) }

func (r *reporter) enum(what, got string) { r.errorf("%q is not a valid %s", got, what) }

func check(r *reporter) {
	s := "v"
	r.errorf("direct %d", 1)
	r.missing("x", "passed on %s", s)
	r.enum("color", s)
	r.enum("size", s)
	fail := func(format string, args ...any) { r.at(2, format, args...) }
	fail("through a closure")
	_ = Diagnostic{Msg: fmt.Sprintf("composite %v", s)}
	msg := "built " + s
	r.errorf(msg) // not a literal: reported as such
}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	msgs, _ := loaderMessages(t, dir)
	var got []string
	for _, m := range msgs {
		got = append(got, m.format)
	}
	want := []string{"composite %v", "direct %d", "passed on %s", `%q is not a valid color`, `%q is not a valid size`, "through a closure", "NOT A LITERAL: msg"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("messages\n got %q\nwant %q", got, want)
	}
	for _, tt := range []struct {
		format, line string
		match        bool
	}{
		{`%q is not a valid color`, `a.yaml:1:1: x: "re\"d" is not a valid color`, true},
		{`%q is not a valid color`, `a.yaml:1:1: x: "red" is not a valid size`, false},
		{"direct %d", "a.yaml:1:1: direct 12", true},
		{"direct %d", "a.yaml:1:1: direct x", false},
	} {
		for _, m := range msgs {
			if m.format == tt.format && m.re.MatchString(tt.line) != tt.match {
				t.Errorf("%s against %q: match %v, want %v", tt.format, tt.line, !tt.match, tt.match)
			}
		}
	}
}

// message is one message format the loader can print.
type message struct {
	pos     string // where it is written
	format  string // the format with helper arguments filled in where they are literal
	re      *regexp.Regexp
	literal int // characters of literal text: the larger, the more specific
}

// loaderMessages reads the non-test Go files of dir and returns every message they can report, plus
// the string tables (hint texts) appended to messages.
//
// A reporting function is one that builds a Diagnostic's Msg with fmt.Sprintf from its format
// parameter, or passes its format parameter on to a reporting function (found to a fixed point: at,
// errorf, missing, mismatch, fail...). Each call of one with a literal format is a message. When the
// format's arguments include a parameter of the enclosing named function (validator.enum's what), that
// function is a message template: each of its call sites is a message of its own, with literal
// arguments filled in. A format that is not a literal is itself reported as a message that no golden
// can match, so the test fails until it is written out.
func loaderMessages(t *testing.T, dir string) ([]message, map[string][]string) {
	t.Helper()
	fset := token.NewFileSet()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}

	// Every function: declarations, and function literals (named when assigned to a variable).
	type fn struct {
		name   string
		decl   bool
		params []string
		body   *ast.BlockStmt
	}
	var fns []*fn
	params := func(ft *ast.FuncType) []string {
		var out []string
		for _, f := range ft.Params.List {
			for _, n := range f.Names {
				out = append(out, n.Name)
			}
			if len(f.Names) == 0 {
				out = append(out, "_")
			}
		}
		return out
	}
	tables := map[string][]string{}
	for _, f := range files {
		litNames := map[*ast.FuncLit]string{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body != nil {
					fns = append(fns, &fn{name: n.Name.Name, decl: true, params: params(n.Type), body: n.Body})
				}
			case *ast.AssignStmt:
				for i, rhs := range n.Rhs {
					if lit, ok := rhs.(*ast.FuncLit); ok && i < len(n.Lhs) {
						if id, ok := n.Lhs[i].(*ast.Ident); ok {
							litNames[lit] = id.Name
						}
					}
				}
			case *ast.FuncLit:
				fns = append(fns, &fn{name: litNames[n], params: params(n.Type), body: n.Body})
			case *ast.ValueSpec:
				// The hint tables: texts appended to messages, each of which must be shown too.
				for i, name := range n.Names {
					if !slices.Contains(hintTables, name.Name) || i >= len(n.Values) {
						continue
					}
					for _, e := range n.Values[i].(*ast.CompositeLit).Elts {
						if s, ok := stringConst(e.(*ast.KeyValueExpr).Value); ok {
							tables[name.Name] = append(tables[name.Name], s)
						}
					}
				}
			}
			return true
		})
	}
	for _, name := range hintTables {
		if len(tables[name]) == 0 && dir == "." {
			t.Fatalf("hint table %s not found in the source; update hintTables", name)
		}
	}

	// inspect visits the calls and composite literals of one function's own body (not of the function
	// literals inside it, which are functions of their own).
	inspect := func(f *fn, visit func(ast.Node)) {
		ast.Inspect(f.body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if n != nil {
				visit(n)
			}
			return true
		})
	}
	calleeName := func(c *ast.CallExpr) string {
		switch e := c.Fun.(type) {
		case *ast.Ident:
			return e.Name
		case *ast.SelectorExpr:
			return e.Sel.Name
		}
		return ""
	}
	// sprintfMsg returns the fmt.Sprintf call that fills a Msg field, if n is one.
	sprintfMsg := func(n ast.Node) *ast.CallExpr {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return nil
		}
		if k, ok := kv.Key.(*ast.Ident); !ok || k.Name != "Msg" {
			return nil
		}
		c, ok := kv.Value.(*ast.CallExpr)
		if !ok {
			return nil
		}
		if sel, ok := c.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Sprintf" || len(c.Args) == 0 {
			return nil
		}
		return c
	}
	paramIndex := func(f *fn, e ast.Expr) int {
		if id, ok := e.(*ast.Ident); ok {
			return slices.Index(f.params, id.Name)
		}
		return -1
	}

	// Reporting functions, by name, and the index of their format parameter.
	reporters := map[string]int{}
	addReporter := func(f *fn, i int) bool {
		if f.name == "" {
			return false
		}
		if prev, ok := reporters[f.name]; ok {
			if prev != i {
				t.Fatalf("two reporting functions named %s take their format at different positions", f.name)
			}
			return false
		}
		reporters[f.name] = i
		return true
	}
	for changed := true; changed; {
		changed = false
		for _, f := range fns {
			inspect(f, func(n ast.Node) {
				if c := sprintfMsg(n); c != nil {
					if i := paramIndex(f, c.Args[0]); i >= 0 && addReporter(f, i) {
						changed = true
					}
				}
				if c, ok := n.(*ast.CallExpr); ok {
					if fi, ok := reporters[calleeName(c)]; ok && fi < len(c.Args) {
						if i := paramIndex(f, c.Args[fi]); i >= 0 && addReporter(f, i) {
							changed = true
						}
					}
				}
			})
		}
	}
	if len(reporters) == 0 {
		t.Fatal("no reporting function found (nothing builds a Diagnostic's Msg with fmt.Sprintf)")
	}

	// Messages. A piece is literal text or an argument: a parameter of a named function (a hole its
	// call sites fill) or anything else (unknown text).
	type piece struct {
		text string
		verb byte // 0: literal text
		hole int  // parameter index, or -1
	}
	type tmpl struct {
		pos    string
		pieces []piece
	}
	var direct []tmpl
	templates := map[string][]tmpl{} // named function -> the messages whose arguments it fills
	build := func(f *fn, format ast.Expr, args []ast.Expr) {
		pos := fset.Position(format.Pos())
		where := fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)
		s, ok := stringConst(format)
		if !ok {
			if fi := paramIndex(f, format); fi >= 0 && reporters[f.name] == fi {
				return // a reporting function passing its own format on
			}
			direct = append(direct, tmpl{where, []piece{{text: "NOT A LITERAL: " + types(format), hole: -1}}})
			return
		}
		var ps []piece
		holes := false
		arg := 0
		for i := 0; i < len(s); i++ {
			if s[i] != '%' {
				ps = append(ps, piece{text: s[i : i+1], hole: -1})
				continue
			}
			j := i + 1
			for j < len(s) && strings.IndexByte("+-# 0123456789.", s[j]) >= 0 {
				j++
			}
			if j == len(s) {
				break
			}
			if s[j] == '%' {
				ps = append(ps, piece{text: "%", hole: -1})
				i = j
				continue
			}
			p := piece{text: s[i : j+1], verb: s[j], hole: -1}
			if arg < len(args) && f.decl {
				p.hole = paramIndex(f, args[arg])
				holes = holes || p.hole >= 0
			}
			ps = append(ps, p)
			arg++
			i = j
		}
		if holes {
			templates[f.name] = append(templates[f.name], tmpl{where, ps})
		} else {
			direct = append(direct, tmpl{where, ps})
		}
	}
	for _, f := range fns {
		inspect(f, func(n ast.Node) {
			if c := sprintfMsg(n); c != nil {
				build(f, c.Args[0], c.Args[1:])
			}
			if c, ok := n.(*ast.CallExpr); ok {
				if fi, ok := reporters[calleeName(c)]; ok && fi < len(c.Args) {
					build(f, c.Args[fi], c.Args[fi+1:])
				}
			}
		})
	}
	// Each call of a message template is a message, with its literal arguments filled in.
	var out []tmpl
	out = append(out, direct...)
	for _, f := range fns {
		inspect(f, func(n ast.Node) {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return
			}
			for _, tm := range templates[calleeName(c)] {
				call := fset.Position(c.Pos())
				filled := tmpl{pos: fmt.Sprintf("%s via %s:%d", tm.pos, filepath.Base(call.Filename), call.Line), pieces: slices.Clone(tm.pieces)}
				for i, p := range filled.pieces {
					if p.hole < 0 || p.hole >= len(c.Args) {
						continue
					}
					if s, ok := stringConst(c.Args[p.hole]); ok {
						switch p.verb {
						case 's', 'v':
							filled.pieces[i] = piece{text: s, hole: -1}
						case 'q':
							filled.pieces[i] = piece{text: strconv.Quote(s), hole: -1}
						}
					}
				}
				out = append(out, filled)
			}
		})
	}

	var msgs []message
	seen := map[string]bool{}
	for _, tm := range out {
		var format, re strings.Builder
		literal := 0
		re.WriteString(`: `)
		for _, p := range tm.pieces {
			switch {
			case p.verb == 0:
				format.WriteString(p.text)
				re.WriteString(regexp.QuoteMeta(p.text))
				literal += len(p.text)
			case p.verb == 'q':
				format.WriteString(p.text)
				re.WriteString(`"(?:[^"\\]|\\.)*"`)
			case p.verb == 'd':
				format.WriteString(p.text)
				re.WriteString(`-?[0-9]+`)
			default:
				format.WriteString(p.text)
				re.WriteString(`.*`)
			}
		}
		re.WriteString(`$`)
		if seen[format.String()] {
			continue // the same message reported from two places (authorization of an API and of a route)
		}
		seen[format.String()] = true
		msgs = append(msgs, message{pos: tm.pos, format: format.String(), re: regexp.MustCompile(re.String()), literal: literal})
	}
	return msgs, tables
}

// hintTables are the string tables whose texts the loader appends to messages.
var hintTables = []string{"syntaxHints", "levelHelp"}

// stringConst evaluates a string literal or a concatenation of them.
func stringConst(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := stringConst(e.X)
			b, ok2 := stringConst(e.Y)
			return a + b, ok1 && ok2
		}
	case *ast.ParenExpr:
		return stringConst(e.X)
	}
	return "", false
}

// types names an expression briefly for the report of a non-literal format.
func types(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return types(e.X) + "." + e.Sel.Name
	}
	return fmt.Sprintf("%T", e)
}

package synthcache

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/underhood-dev/underhood/spec"
)

// testProject is a spec with a nodejs function (own node_modules, parent lock file and node_modules), a
// Go function that is its own module, and a Go function inside a bigger module with a local replace;
// the underhood, node and go "binaries" are files on the request's PATH.
type testProject struct {
	dir string
	req Request
}

const testSpec = `version: 1
app: keyt
functions:
  api: { runtime: nodejs, source: functions/api }
  worker: { runtime: go, source: functions/worker }
  jobs: { runtime: go, source: backend/cmd/jobs }
`

func writeFile(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
}

func newTestProject(t *testing.T) *testProject {
	t.Helper()
	dir := t.TempDir()
	files := []struct{ path, content string }{
		{"app.yaml", testSpec},
		{"package-lock.json", `{"lockfileVersion": 3}`},
		{"node_modules/shared/package.json", `{"name": "shared", "version": "1.0.0"}`},
		{"node_modules/@scope/pkg/package.json", `{"name": "@scope/pkg", "version": "2.0.0"}`},
		{"functions/api/index.mjs", "import dep from 'dep';\nexport const handler = async () => dep;\n"},
		{"functions/api/package.json", `{"name": "api", "dependencies": {"dep": "1.0.0"}}`},
		{"functions/api/package-lock.json", `{"lockfileVersion": 3, "packages": {"node_modules/dep": {"version": "1.0.0"}}}`},
		{"functions/api/node_modules/dep/package.json", `{"name": "dep", "version": "1.0.0"}`},
		{"functions/api/node_modules/dep/index.js", "module.exports = 1;\n"},
		{"functions/worker/go.mod", "module worker\n\ngo 1.26\n"},
		{"functions/worker/go.sum", "example.com/a v1.0.0 h1:aaa=\n"},
		{"functions/worker/main.go", "package main\n\nfunc main() {}\n"},
		{"backend/go.mod", "module example.com/backend\n\ngo 1.26\n\nreplace example.com/x => ../vendored/x\n"},
		{"backend/cmd/jobs/main.go", "package main\n\nimport _ \"example.com/backend/internal/lib\"\n\nfunc main() {}\n"},
		{"backend/internal/lib/lib.go", "package lib\n"},
		{"backend/testdata/fixture.txt", "fixture\n"},
		{"vendored/x/go.mod", "module example.com/x\n"},
		{"vendored/x/x.go", "package x\n"},
		{"goenv", ""},
		{"overflow/context-overflow.json", `{"big": "context"}`},
	}
	for _, f := range files {
		writeFile(t, filepath.Join(dir, f.path), f.content, 0o644)
	}
	for _, b := range []string{"underhood", "node", "go"} {
		writeFile(t, filepath.Join(dir, "bin", b), "#!/bin/sh\n# "+b+" v1\n", 0o755)
	}
	return &testProject{dir: dir, req: Request{
		Spec:   filepath.Join(dir, "app.yaml"),
		Engine: filepath.Join(dir, "bin", "underhood"),
		Env: []string{
			"PATH=" + filepath.Join(dir, "bin"),
			"HOME=" + dir,
			"GOENV=" + filepath.Join(dir, "goenv"),
			`CDK_CONTEXT_JSON={"stage":"dev"}`,
			"CONTEXT_OVERFLOW_LOCATION_ENV=" + filepath.Join(dir, "overflow", "context-overflow.json"),
		},
	}}
}

func (p *testProject) path(rel string) string { return filepath.Join(p.dir, filepath.FromSlash(rel)) }

func (p *testProject) key(t *testing.T) Key {
	t.Helper()
	app, err := spec.Load(p.req.Spec, p.req.EffectiveStage())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Open(DirFor(p.req.Spec, p.req.getenv), p.req.getenv)
	if err != nil {
		t.Fatal(err)
	}
	k, err := c.Key(&p.req, app)
	if err != nil {
		t.Fatal(err)
	}
	c.SaveMemo()
	return k
}

func (p *testProject) setEnv(name, value string) {
	p.req.Env = slices.DeleteFunc(p.req.Env, func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
	p.req.Env = append(p.req.Env, name+"="+value)
}

func (p *testProject) appendTo(t *testing.T, rel, text string) {
	t.Helper()
	f, err := os.OpenFile(p.path(rel), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// TestKeyInputs changes one thing at a time and checks whether the key changes: every input that can
// change the assembly or the output must, and nothing else may (or the cache would never hit).
func TestKeyInputs(t *testing.T) {
	cases := []struct {
		name    string
		change  func(t *testing.T, p *testProject)
		changes bool
	}{
		{"spec bytes", func(t *testing.T, p *testProject) { p.appendTo(t, "app.yaml", "# a comment\n") }, true},
		{"nodejs source", func(t *testing.T, p *testProject) { p.appendTo(t, "functions/api/index.mjs", "// v2\n") }, true},
		{"new file in a function", func(t *testing.T, p *testProject) {
			writeFile(t, p.path("functions/api/util.mjs"), "export {};\n", 0o644)
		}, true},
		{"file made executable", func(t *testing.T, p *testProject) { os.Chmod(p.path("functions/api/index.mjs"), 0o755) }, true},
		{"function's node_modules", func(t *testing.T, p *testProject) {
			p.appendTo(t, "functions/api/node_modules/dep/index.js", "// patched\n")
		}, true},
		{"function's lock file", func(t *testing.T, p *testProject) { p.appendTo(t, "functions/api/package-lock.json", " ") }, true},
		{"parent folder's lock file", func(t *testing.T, p *testProject) { p.appendTo(t, "package-lock.json", " ") }, true},
		{"parent node_modules package", func(t *testing.T, p *testProject) {
			writeFile(t, p.path("node_modules/shared/package.json"), `{"name": "shared", "version": "1.0.1"}`, 0o644)
		}, true},
		{"parent scoped package", func(t *testing.T, p *testProject) { p.appendTo(t, "node_modules/@scope/pkg/package.json", " ") }, true},
		{"tsconfig.json appears above", func(t *testing.T, p *testProject) { writeFile(t, p.path("tsconfig.json"), "{}", 0o644) }, true},
		{"Go source", func(t *testing.T, p *testProject) { p.appendTo(t, "functions/worker/main.go", "// v2\n") }, true},
		{"go.sum", func(t *testing.T, p *testProject) {
			p.appendTo(t, "functions/worker/go.sum", "example.com/b v1.0.0 h1:bbb=\n")
		}, true},
		{"Go package of the module outside the function", func(t *testing.T, p *testProject) { p.appendTo(t, "backend/internal/lib/lib.go", "// v2\n") }, true},
		{"module replaced with a local folder", func(t *testing.T, p *testProject) { p.appendTo(t, "vendored/x/x.go", "// v2\n") }, true},
		{"go env file", func(t *testing.T, p *testProject) { p.appendTo(t, "goenv", "GOFLAGS=-tags=x\n") }, true},
		{"GOFLAGS", func(t *testing.T, p *testProject) { p.setEnv("GOFLAGS", "-tags=x") }, true},
		{"stage in the CDK context", func(t *testing.T, p *testProject) { p.setEnv("CDK_CONTEXT_JSON", `{"stage":"prod"}`) }, true},
		{"path metadata in the CDK context", func(t *testing.T, p *testProject) {
			p.setEnv("CDK_CONTEXT_JSON", `{"stage":"dev","aws:cdk:enable-path-metadata":true}`)
		}, true},
		{"context overflow file content", func(t *testing.T, p *testProject) {
			writeFile(t, p.path("overflow/context-overflow.json"), `{"big": "other"}`, 0o644)
		}, true},
		{"CDK_OUTDIR", func(t *testing.T, p *testProject) { p.setEnv("CDK_OUTDIR", "other.out") }, true},
		{"CDK_VALIDATION", func(t *testing.T, p *testProject) { p.setEnv("CDK_VALIDATION", "false") }, true},
		{"CDK_DEFAULT_ACCOUNT", func(t *testing.T, p *testProject) { p.setEnv("CDK_DEFAULT_ACCOUNT", "123456789012") }, true},
		{"CDK_DEFAULT_REGION", func(t *testing.T, p *testProject) { p.setEnv("CDK_DEFAULT_REGION", "eu-west-1") }, true},
		{"NODE_OPTIONS", func(t *testing.T, p *testProject) { p.setEnv("NODE_OPTIONS", "--max-old-space-size=100") }, true},
		{"underhood binary", func(t *testing.T, p *testProject) { p.appendTo(t, "bin/underhood", "x") }, true},
		{"node binary", func(t *testing.T, p *testProject) { p.appendTo(t, "bin/node", "x") }, true},
		{"go binary", func(t *testing.T, p *testProject) { p.appendTo(t, "bin/go", "x") }, true},
		{"--stage", func(t *testing.T, p *testProject) { p.req.Stage = "dev" }, true},
		{"--out", func(t *testing.T, p *testProject) { p.req.Out = "elsewhere" }, true},
		{"--quiet", func(t *testing.T, p *testProject) { p.req.Quiet = true }, true},
		{"--no-nag", func(t *testing.T, p *testProject) { p.req.NoNag = true }, true},

		{"file touched, same content", func(t *testing.T, p *testProject) {
			old := time.Now().Add(-time.Hour)
			os.Chtimes(p.path("functions/api/index.mjs"), old, old)
		}, false},
		{"file rewritten with the same content", func(t *testing.T, p *testProject) {
			data, _ := os.ReadFile(p.path("functions/worker/main.go"))
			writeFile(t, p.path("functions/worker/main.go"), string(data), 0o644)
		}, false},
		{"output folder", func(t *testing.T, p *testProject) { writeFile(t, p.path("cdk.out/manifest.json"), "{}", 0o644) }, false},
		{"cache folder", func(t *testing.T, p *testProject) { writeFile(t, p.path(".underhood-cache/x"), "x", 0o644) }, false},
		{"Go module's testdata", func(t *testing.T, p *testProject) { p.appendTo(t, "backend/testdata/fixture.txt", "more\n") }, false},
		{"unrelated environment variable", func(t *testing.T, p *testProject) { p.setEnv("EDITOR", "vi") }, false},
		{"underhood binary named through a symlink", func(t *testing.T, p *testProject) {
			link := p.path("elsewhere/underhood")
			os.MkdirAll(filepath.Dir(link), 0o755)
			if err := os.Symlink(p.req.Engine, link); err != nil {
				t.Fatal(err)
			}
			p.req.Engine = link
		}, false},
		{"context overflow file moved, same content", func(t *testing.T, p *testProject) {
			data, _ := os.ReadFile(p.path("overflow/context-overflow.json"))
			writeFile(t, p.path("overflow2/context-overflow.json"), string(data), 0o644)
			p.setEnv("CONTEXT_OVERFLOW_LOCATION_ENV", p.path("overflow2/context-overflow.json"))
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestProject(t)
			before := p.key(t)
			if again := p.key(t); again.Sum != before.Sum {
				t.Fatalf("key not stable without a change: %s then %s", before.Sum, again.Sum)
			}
			tc.change(t, p)
			after := p.key(t)
			if changed := after.Sum != before.Sum; changed != tc.changes {
				t.Errorf("key changed: %v, want %v\nbefore: %v\nafter:  %v", changed, tc.changes, before.Inputs, after.Inputs)
			}
		})
	}
}

// TestKeyStableAcrossProcesses: the key is a pure function of the inputs, whatever the memo holds (a
// fresh cache folder computes the same key as a warm one).
func TestKeyStableAcrossProcesses(t *testing.T) {
	p := newTestProject(t)
	warm := p.key(t)
	p.setEnv("UNDERHOOD_CACHE_DIR", filepath.Join(t.TempDir(), "fresh"))
	if fresh := p.key(t); fresh.Sum != warm.Sum {
		t.Errorf("a fresh cache folder gives key %s, the warm one %s", fresh.Sum, warm.Sum)
	}
}

// TestMemo: a settled file's hash comes from the memo; a file rewritten with the same size and mtime is
// still hashed again (its change time differs).
func TestMemo(t *testing.T) {
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = 0
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	writeFile(t, path, "aaaa", 0o644)
	mtime := time.Now().Add(-time.Hour)
	os.Chtimes(path, mtime, mtime)
	m := loadMemo(filepath.Join(dir, "memo"))
	first, err := m.fileSum(path)
	if err != nil {
		t.Fatal(err)
	}
	m.save()
	m = loadMemo(filepath.Join(dir, "memo"))
	abs, _ := filepath.Abs(path)
	if e, ok := m.entries[abs]; !ok || e.sum != first {
		t.Fatalf("memo after save and load: %v %v, want the file's hash", e, ok)
	}
	// Past the file system's timestamp granularity, so the change time moves.
	time.Sleep(20 * time.Millisecond)
	writeFile(t, path, "bbbb", 0o644)
	os.Chtimes(path, mtime, mtime)
	second, err := m.fileSum(path)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Error("a rewritten file with the same size and mtime kept its old hash")
	}
}

func TestLocalPaths(t *testing.T) {
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	writeFile(t, gomod, "module m\n\nreplace example.com/a => ../a // local\nreplace example.com/b v1.0.0 => example.com/c v1.0.0\n"+
		"replace (\n\texample.com/d => ./d\n\texample.com/e => /abs/e\n)\n", 0o644)
	gowork := filepath.Join(dir, "go.work")
	writeFile(t, gowork, "go 1.26\n\nuse ./one\nuse (\n\t./two\n\t../three\n)\n", 0o644)
	for _, tc := range []struct {
		file, verb string
		want       []string
	}{
		{gomod, "replace", []string{filepath.Join(dir, "../a"), filepath.Join(dir, "d"), "/abs/e"}},
		{gowork, "use", []string{filepath.Join(dir, "one"), filepath.Join(dir, "two"), filepath.Join(dir, "../three")}},
	} {
		if got := localPaths(tc.file, tc.verb); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s: %q, want %q", filepath.Base(tc.file), tc.verb, got, tc.want)
		}
	}
}

func TestParseSynthArgs(t *testing.T) {
	cases := []struct {
		args []string
		want Request
		ok   bool
	}{
		{[]string{"app.yaml"}, Request{Spec: "app.yaml"}, true},
		{[]string{"-q", "--no-nag", "--stage", "prod", "--out=o", "app.yaml"}, Request{Spec: "app.yaml", Quiet: true, NoNag: true, Stage: "prod", Out: "o"}, true},
		{[]string{"app.yaml", "--quiet", "--stage=dev"}, Request{Spec: "app.yaml", Quiet: true, Stage: "dev"}, true},
		{[]string{"--", "-odd.yaml"}, Request{Spec: "-odd.yaml"}, true},
		{[]string{"--no-cache", "app.yaml"}, Request{}, false},
		{[]string{"--help"}, Request{}, false},
		{[]string{"--quiet=false", "app.yaml"}, Request{}, false},
		{[]string{"--stage"}, Request{}, false},
		{[]string{"a.yaml", "b.yaml"}, Request{}, false},
		{nil, Request{}, false},
		{[]string{"--unknown", "app.yaml"}, Request{}, false},
	}
	for _, tc := range cases {
		got, ok := ParseSynthArgs(tc.args)
		if ok != tc.ok || (ok && (got.Spec != tc.want.Spec || got.Stage != tc.want.Stage || got.Out != tc.want.Out ||
			got.Quiet != tc.want.Quiet || got.NoNag != tc.want.NoNag)) {
			t.Errorf("ParseSynthArgs(%q) = %+v, %v; want %+v, %v", tc.args, got, ok, tc.want, tc.ok)
		}
	}
}

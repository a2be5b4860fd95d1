package nodecache

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEnvNodeOptions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), `a "quoted" dir\x`)
	for _, tc := range []struct {
		name, caller string
		want         func(require string) string
	}{
		{"no options of the caller: jsii's default heap", "", func(r string) string { return r + " --max-old-space-size=4069" }},
		{"the caller's options stay, after the preload", "--max-old-space-size=8192 --trace-warnings", func(r string) string { return r + " --max-old-space-size=8192 --trace-warnings" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, err := Env(dir, tc.caller)
			if err != nil {
				t.Fatal(err)
			}
			script := preloadPath(t, dir)
			require := `--require "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(script) + `"`
			if want := "NODE_OPTIONS=" + tc.want(require); env[0] != want {
				t.Errorf("got %s\nwant %s", env[0], want)
			}
			if want := "UNDERHOOD_NODE_CODE_CACHE_DIR=" + dir; env[1] != want {
				t.Errorf("got %s, want %s", env[1], want)
			}
			// A second call (another synth in the same process) adds nothing.
			again, err := Env(dir, strings.TrimPrefix(env[0], "NODE_OPTIONS="))
			if err != nil {
				t.Fatal(err)
			}
			if again[0] != env[0] {
				t.Errorf("second call: got %s, want %s", again[0], env[0])
			}
		})
	}
}

func preloadPath(t *testing.T, dir string) string {
	t.Helper()
	var matches []string
	entries, err := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "preload-") {
			matches = append(matches, filepath.Join(dir, e.Name()))
		}
	}
	if err != nil || len(matches) != 1 {
		t.Fatalf("want one preload script in %s, got %v (%v)", dir, matches, err)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, preload) {
		t.Fatal("the preload script on disk is not the embedded one")
	}
	return matches[0]
}

// modules is a small CommonJS tree that uses what CDK's libraries use of a module's scope.
var modules = map[string]string{
	"main.js": `const lib = require('./lib');
const esm = require('./esm-syntax.js');
console.log(JSON.stringify({
  sum: lib.add(2, 3),
  self: lib.selfIsExports,
  dirname: __dirname === require('path').dirname(__filename),
  resolved: require.resolve('./lib') === require('path').join(__dirname, 'lib.js'),
  paths: Array.isArray(require.resolve.paths('x')),
  cached: require.cache[require.resolve('./lib')].exports === lib,
  json: require('./data.json').name,
  main: require.main === module,
  esm: esm.default ?? esm.value,
  stack: lib.where().split('\n')[1].includes('lib.js:'),
}));
`,
	"lib.js": `'use strict';
exports.add = (a, b) => a + b;
exports.selfIsExports = this === module.exports;
exports.where = () => new Error('here').stack;
`,
	"data.json":     `{"name": "data"}`,
	"esm-syntax.js": "export const value = 'esm';\n",
}

// node runs main.js of dir with the code cache in cache and returns its output and what the preload
// script did with each module.
func node(t *testing.T, dir, cache string) (string, map[string]int) {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH; run the tests with scripts/test, which installs the pinned Node")
	}
	env, err := Env(cache, "")
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "counts")
	cmd := exec.Command(bin, filepath.Join(dir, "main.js"))
	cmd.Env = append(append(os.Environ(), env...), "UNDERHOOD_NODE_CODE_CACHE_DEBUG="+log)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	return string(out), counts(t, log)
}

// counts reads the log the preload script writes with UNDERHOOD_NODE_CODE_CACHE_DEBUG (a line per module:
// what happened, then the file) as counts by what happened.
func counts(t *testing.T, log string) map[string]int {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	byWhat := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if what, _, ok := strings.Cut(line, " "); ok {
			byWhat[what]++
		}
	}
	return byWhat
}

func TestPreloadServesCompiledModules(t *testing.T) {
	// NODE_OPTIONS must carry the script's path through spaces, quotes and backslashes.
	dir, cache := t.TempDir(), filepath.Join(t.TempDir(), `code "cache" \x`)
	for name, src := range modules {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const want = `{"sum":5,"self":true,"dirname":true,"resolved":true,"paths":true,"cached":true,"json":"data","main":true,"esm":"esm","stack":true}` + "\n"
	entries := func() []string {
		t.Helper()
		var names []string
		folders, err := os.ReadDir(cache)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range folders {
			if !f.IsDir() {
				continue
			}
			files, err := os.ReadDir(filepath.Join(cache, f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range files {
				names = append(names, filepath.Join(cache, f.Name(), e.Name()))
			}
		}
		return names
	}
	for _, step := range []struct {
		name   string
		before func()
		want   map[string]int
	}{
		// The ES module syntax file takes Node's own path; JSON is not JavaScript.
		{"first run compiles and stores", func() {}, map[string]int{"miss": 2, "fallback": 1}},
		{"second run reads the compiled code", func() {}, map[string]int{"hit": 2, "fallback": 1}},
		{"a damaged entry is compiled again and replaced", func() {
			for _, e := range entries() {
				if err := os.WriteFile(e, []byte("not V8 code"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}, map[string]int{"rejected": 2, "fallback": 1}},
		{"the replaced entries serve again", func() {}, map[string]int{"hit": 2, "fallback": 1}},
		{"a changed module is not served stale", func() {
			src := strings.Replace(modules["lib.js"], "a + b", "a * b", 1)
			if err := os.WriteFile(filepath.Join(dir, "lib.js"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"hit": 1, "miss": 1, "fallback": 1}},
	} {
		t.Run(step.name, func(t *testing.T) {
			step.before()
			out, counts := node(t, dir, cache)
			wantOut := want
			if step.name == "a changed module is not served stale" {
				wantOut = strings.Replace(want, `"sum":5`, `"sum":6`, 1)
			}
			if out != wantOut {
				t.Errorf("output:\n got %s\nwant %s", out, wantOut)
			}
			for _, k := range []string{"hit", "miss", "rejected", "fallback"} {
				if counts[k] != step.want[k] {
					t.Errorf("%s: got %d, want %d (all: %v)", k, counts[k], step.want[k], counts)
				}
			}
		})
	}
	if n := len(entries()); n != 3 {
		t.Errorf("cache holds %d entries, want 3 (main.js, and lib.js before and after its change)", n)
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	mk := func(name string, size int, age time.Duration) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if size > 0 {
			if err := os.WriteFile(filepath.Join(p, "entry"), make([]byte, size), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	mk("v22.23.3-x64", 1000, time.Hour)
	mk("v20.20.2-x64", 1000, unusedAfter+time.Hour)
	mk("v24.1.0-x64", maxBytes+1, time.Minute)
	old := filepath.Join(dir, "preload-0000000000000000.js")
	if err := os.WriteFile(old, []byte("//"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(old, now.Add(-2*unusedAfter), now.Add(-2*unusedAfter)); err != nil {
		t.Fatal(err)
	}
	prune(dir, now)
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if got, want := strings.Join(left, " "), "preload-0000000000000000.js v22.23.3-x64"; got != want {
		t.Errorf("left %q, want %q (a stale and an oversized Node folder removed; preload scripts kept)", got, want)
	}
}

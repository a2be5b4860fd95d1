package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// binDir holds underhood and underhood-synth built from this checkout, side by side as go install puts them.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "underhood-synth-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	for _, pkg := range []string{"../underhood", "."} {
		name := "underhood"
		if pkg == "." {
			name = "underhood-synth"
		}
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build %s: %v\n%s", pkg, err, out)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const e2eSpec = `version: 1
app: cachet
stages: { dev: { removal: destroy }, prod: { removal: destroy } }
auth:
  userPool: { signInWith: [email] }
functions:
  hello: { runtime: nodejs, source: functions/hello }
api:
  main:
    authorization: id-token
    routes:
      GET /hello: hello
`

// e2e is a project and the binaries that synthesize it. Node is reached through a wrapper script on
// PATH that logs every start, so a test sees whether a synth ran the CDK or was served from the cache.
type e2e struct {
	dir     string // the project
	bin     string // copies of underhood and underhood-synth
	nodeLog string
	env     []string
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	realNode, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH; run the tests with scripts/test, which installs the pinned Node")
	}
	e := &e2e{dir: t.TempDir(), bin: t.TempDir()}
	e.nodeLog = filepath.Join(e.bin, "node.log")
	// Copies, so a test can replace the underhood binary without touching the other tests'.
	for _, b := range []string{"underhood", "underhood-synth"} {
		data, err := os.ReadFile(filepath.Join(binDir, b))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(e.bin, b), string(data), 0o755)
	}
	nodeDir := filepath.Join(e.bin, "node-wrapper")
	write(t, filepath.Join(nodeDir, "node"), fmt.Sprintf("#!/bin/sh\necho started >> %q\nexec %q \"$@\"\n", e.nodeLog, realNode), 0o755)
	write(t, filepath.Join(e.dir, "app.yaml"), e2eSpec, 0o644)
	write(t, filepath.Join(e.dir, "functions/hello/index.mjs"),
		"import dep from 'dep';\nexport const handler = async () => ({ statusCode: 200, body: String(dep) });\n", 0o644)
	write(t, filepath.Join(e.dir, "functions/hello/node_modules/dep/index.js"), "module.exports = 1;\n", 0o644)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k != "PATH" && !strings.HasPrefix(k, "CDK_") && !strings.HasPrefix(k, "UNDERHOOD_") && !strings.HasPrefix(k, "JSII_") {
			e.env = append(e.env, kv)
		}
	}
	e.env = append(e.env, "PATH="+nodeDir+":/usr/bin:/bin", "CDK_VALIDATION=false", `CDK_CONTEXT_JSON={"stage":"dev"}`)
	return e
}

func write(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
}

func (e *e2e) setEnv(kv string) {
	k, _, _ := strings.Cut(kv, "=")
	e.env = append(slices.DeleteFunc(e.env, func(s string) bool { return strings.HasPrefix(s, k+"=") }), kv)
}

type result struct {
	stdout, stderr string
	nodeStarted    bool
}

// synth runs binary (underhood-synth, or underhood with "synth" first) the way cdk.json does, in the
// project folder; a non-zero exit fails t (with Errorf: synth also runs on other goroutines).
func (e *e2e) synth(t *testing.T, binary string, args ...string) result {
	t.Helper()
	os.Remove(e.nodeLog)
	if binary == "underhood" {
		args = append([]string{"synth"}, args...)
	}
	cmd := exec.Command(filepath.Join(e.bin, binary), append(args, "app.yaml")...)
	cmd.Dir, cmd.Env = e.dir, e.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("%s %s: %v\n%s", binary, strings.Join(args, " "), err, stderr.String())
	}
	_, err := os.Stat(e.nodeLog)
	return result{stdout.String(), stderr.String(), err == nil}
}

// readTree reads a folder as path -> mode and content (or symlink target).
func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			out[rel] = "link " + target
			return err
		case d.IsDir():
			out[rel] = "dir"
		default:
			data, err := os.ReadFile(path)
			out[rel] = fmt.Sprintf("%v %s", fi.Mode().Perm(), data)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var diffs []string
	for k, v := range want {
		if got[k] != v {
			diffs = append(diffs, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, k+" (extra)")
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s: differs in %s", what, strings.Join(diffs, ", "))
	}
}

func (e *e2e) template(stack string) string {
	data, _ := os.ReadFile(filepath.Join(e.dir, "cdk.out", stack+".template.json"))
	return string(data)
}

func (e *e2e) entries() int {
	files, _ := os.ReadDir(filepath.Join(e.dir, ".underhood-cache", "v1", "entries"))
	return len(files)
}

// TestCacheEndToEnd runs the real binaries as the CDK CLI runs its app: two cold synths at once, the
// uncached synth they must equal, a hit that starts no Node and writes the same bytes and output, a
// corrupted entry, and each key input changed once (a fresh synthesis each time, then a hit).
func TestCacheEndToEnd(t *testing.T) {
	e := newE2E(t)
	args := []string{"--no-nag", "--out", "cdk.out"}
	// The steps build on each other (one project, one cache); each is a subtest so a report names it.
	var first result
	var cold map[string]string
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"two cold synths at once leave one entry", func(t *testing.T) {
			var wg sync.WaitGroup
			results := make([]result, 2)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = e.synth(t, "underhood-synth", args...)
				}()
			}
			wg.Wait()
			first = results[0]
			if !first.nodeStarted {
				t.Error("the cold synths did not start Node")
			}
			if results[0].stdout != results[1].stdout || !strings.Contains(first.stdout, "cachet-dev (stage dev, removal destroy)") {
				t.Errorf("the two cold synths printed:\n%s\n---\n%s", results[0].stdout, results[1].stdout)
			}
			if n := e.entries(); n != 1 {
				t.Errorf("%d cache entries after two synths of the same inputs, want 1", n)
			}
			cold = readTree(t, filepath.Join(e.dir, "cdk.out"))
		}},
		{"the cached path writes what --no-cache writes", func(t *testing.T) {
			e.synth(t, "underhood", "--no-nag", "--no-cache", "--out", "uncached.out")
			sameTree(t, "cdk.out against uncached.out", cold, readTree(t, filepath.Join(e.dir, "uncached.out")))
		}},
		{"unchanged: underhood-synth hits without Node, same bytes and output", func(t *testing.T) { e.checkHit(t, "underhood-synth", args, first, cold) }},
		{"unchanged: underhood synth hits without Node, same bytes and output", func(t *testing.T) { e.checkHit(t, "underhood", args, first, cold) }},
		{"a corrupted entry is synthesized again", func(t *testing.T) {
			blob := templateBlob(t, e, "cachet-dev")
			data, _ := os.ReadFile(blob)
			data[10] ^= 0x20
			os.Chmod(blob, 0o644)
			write(t, blob, string(data), 0o644)
			// A template that already holds its bytes is not rewritten (nor read from the cache): the
			// output folder must lack it for the corrupted copy to matter.
			os.RemoveAll(filepath.Join(e.dir, "cdk.out"))
			if r := e.synth(t, "underhood-synth", args...); !r.nodeStarted {
				t.Error("a corrupted entry was served")
			}
			sameTree(t, "cdk.out after the corrupted entry", readTree(t, filepath.Join(e.dir, "cdk.out")), cold)
		}},
	}
	for _, st := range steps {
		t.Run(st.name, st.run)
	}

	// Each input changed once: a fresh synthesis (Node starts) whose assembly shows the change, then a hit.
	changes := []struct {
		name   string
		change func(t *testing.T)
		check  func(prev string) (stack string, ok bool)
	}{
		{"spec", func(t *testing.T) {
			write(t, filepath.Join(e.dir, "app.yaml"), strings.Replace(e2eSpec, "source: functions/hello }", "source: functions/hello, memory: 512 }", 1), 0o644)
		}, func(prev string) (string, bool) {
			return "cachet-dev", strings.Contains(e.template("cachet-dev"), `"MemorySize": 512`)
		}},
		{"function source", func(t *testing.T) {
			write(t, filepath.Join(e.dir, "functions/hello/index.mjs"), "import dep from 'dep';\nexport const handler = async () => ({ statusCode: 204, body: String(dep) });\n", 0o644)
		}, func(prev string) (string, bool) {
			return "cachet-dev", assetHash(e.template("cachet-dev")) != assetHash(prev)
		}},
		{"dependency file", func(t *testing.T) {
			write(t, filepath.Join(e.dir, "functions/hello/node_modules/dep/index.js"), "module.exports = 2;\n", 0o644)
		}, func(prev string) (string, bool) {
			return "cachet-dev", assetHash(e.template("cachet-dev")) != assetHash(prev)
		}},
		{"stage in the CDK context", func(t *testing.T) { e.setEnv(`CDK_CONTEXT_JSON={"stage":"prod"}`) }, func(string) (string, bool) {
			_, err := os.Stat(filepath.Join(e.dir, "cdk.out", "cachet-prod.template.json"))
			return "cachet-prod", err == nil
		}},
		{"path metadata in the CDK context", func(t *testing.T) {
			e.setEnv(`CDK_CONTEXT_JSON={"stage":"prod","aws:cdk:enable-path-metadata":true}`)
		}, func(prev string) (string, bool) {
			return "cachet-prod", !strings.Contains(prev, "aws:cdk:path") && strings.Contains(e.template("cachet-prod"), "aws:cdk:path")
		}},
		{"underhood's build", func(t *testing.T) {
			// The same program with one more byte: another build of underhood (it runs the same).
			if f, err := os.OpenFile(filepath.Join(e.bin, "underhood"), os.O_APPEND|os.O_WRONLY, 0); err == nil {
				f.Write([]byte{0})
				f.Close()
			}
		}, func(prev string) (string, bool) {
			return "cachet-prod", e.template("cachet-prod") == prev
		}},
	}
	stack := "cachet-dev"
	for _, c := range changes {
		t.Run("changed: "+c.name, func(t *testing.T) {
			prev := e.template(stack)
			c.change(t)
			r := e.synth(t, "underhood-synth", args...)
			if !r.nodeStarted {
				t.Fatalf("served from the cache")
			}
			var ok bool
			if stack, ok = c.check(prev); !ok {
				t.Errorf("the new assembly does not show the change")
			}
			after := readTree(t, filepath.Join(e.dir, "cdk.out"))
			if r := e.synth(t, "underhood-synth", args...); r.nodeStarted {
				t.Errorf("the synth after the fresh one started Node")
			}
			sameTree(t, "hit after the fresh synth", readTree(t, filepath.Join(e.dir, "cdk.out")), after)
		})
	}
}

// checkHit runs an unchanged synth: no Node, the cold synth's bytes and output.
func (e *e2e) checkHit(t *testing.T, binary string, args []string, first result, cold map[string]string) {
	hit := e.synth(t, binary, args...)
	if hit.nodeStarted {
		t.Error("an unchanged second synth started Node")
	}
	if hit.stdout != first.stdout || hit.stderr != first.stderr {
		t.Errorf("a hit printed\n%s%s\nthe synth printed\n%s%s", hit.stdout, hit.stderr, first.stdout, first.stderr)
	}
	sameTree(t, "cdk.out after a hit", readTree(t, filepath.Join(e.dir, "cdk.out")), cold)
}

// templateBlob finds the cache's blob holding the stack's template.
func templateBlob(t *testing.T, e *e2e, stack string) string {
	t.Helper()
	want := e.template(stack)
	var found string
	filepath.WalkDir(filepath.Join(e.dir, ".underhood-cache", "v1", "blobs"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if data, _ := os.ReadFile(path); string(data) == want {
				found = path
			}
		}
		return err
	})
	if found == "" {
		t.Fatal("no blob holds the template")
	}
	return found
}

// assetHash is the S3 key of the function's code asset in a template.
func assetHash(template string) string {
	i := strings.Index(template, `.zip"`)
	if i < 64 {
		return ""
	}
	return template[i-64 : i]
}

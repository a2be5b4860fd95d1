package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ---- warm cache: the second synth into the same output folder ----

// warmTimes primes the synth cache with one synth per app, then times interleaved re-synths into the
// same output folder through underhood-synth (cdk.json's app command) and underhood synth, checking
// after each run that the folder holds exactly the bytes the priming synth wrote.
func (e *env) warmTimes(w *strings.Builder) {
	type warmCase struct {
		app, side, spec, out, cache string
		argv                        []string
		want                        map[string]string
		samples                     []sample
		same                        int
	}
	var cases []*warmCase
	for _, a := range e.benchApps() {
		out := filepath.Join(e.tmp, "warm", a.name)
		cache := filepath.Join(e.tmp, "cache", "warm-"+a.name)
		progress("warm: priming %s", a.name)
		if _, err := e.measure([]string{"CDK_OUTDIR=" + out, "UNDERHOOD_CACHE_DIR=" + cache, "CDK_VALIDATION="}, e.front, "-q", a.spec); err != nil {
			fatal(err)
		}
		want := treeSums(out)
		sides := []struct {
			name string
			argv []string
		}{
			{"`underhood-synth`", []string{e.front, "-q", a.spec}},
			{"`underhood synth`", []string{e.underhood, "synth", "-q", a.spec}},
		}
		if a.name == "photoshare" {
			// For scale: the underhood binary's start (Go initialization of the CDK bindings) with the
			// least work after it; it writes nothing, so "same bytes" holds trivially.
			sides = append(sides, struct {
				name string
				argv []string
			}{"`underhood validate` (not a synth: the underhood binary's start)", []string{e.underhood, "validate", a.spec}})
		}
		for _, side := range sides {
			cases = append(cases, &warmCase{app: a.name, side: side.name, spec: a.spec, out: out, cache: cache, argv: side.argv, want: want})
		}
	}
	for rep := 0; rep < e.n; rep++ {
		for i := range cases {
			c := cases[(i+rep)%len(cases)]
			s, err := e.measure([]string{"CDK_OUTDIR=" + c.out, "UNDERHOOD_CACHE_DIR=" + c.cache, "CDK_VALIDATION="}, c.argv...)
			if err != nil {
				fatal(err)
			}
			c.samples = append(c.samples, s)
			if sameSums(treeSums(c.out), c.want) {
				c.same++
			}
			progress("warm %d/%d %s %s %6.1f ms", rep+1, e.n, c.app, c.side, float64(s.wall.Microseconds())/1000)
		}
	}
	fmt.Fprintf(w, "### Warm cache: the same synth again into the same output folder (whole process, median of %d interleaved runs)\n\n", e.n)
	fmt.Fprintln(w, "Each app is synthesized once (cdk-nag on, validation on, `CDK_OUTDIR` set as the CDK CLI sets it), then")
	fmt.Fprintln(w, "synthesized again with nothing changed. \"Same bytes\" compares every file of the output folder after")
	fmt.Fprintln(w, "each run with what the first synth wrote.")
	fmt.Fprintln(w)
	tableHead(w, "app", "command", "median:", "min – max:", "peak RSS:", "same bytes as the first synth")
	for _, c := range cases {
		ws := make([]time.Duration, len(c.samples))
		for i, s := range c.samples {
			ws[i] = s.wall
		}
		slices.Sort(ws)
		sc := &synthCase{samples: c.samples}
		fmt.Fprintf(w, "| %s | %s | %s | %s – %s | %s | %d of %d runs |\n", c.app, c.side, dur(ws[len(ws)/2]), dur(ws[0]), dur(ws[len(ws)-1]),
			mib(medianRSS(sc)), c.same, len(c.samples))
	}
	fmt.Fprintln(w)
}

// treeSums maps every file under root (relative path) to its mode and SHA-256.
func treeSums(root string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out[rel] = fmt.Sprintf("%v %x", fi.Mode(), sha256.Sum256(data))
		return nil
	})
	return out
}

func sameSums(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// ---- synth cache correctness (the tests) ----

// cacheTests runs the synth cache's tests and reports every case with its result.
func (e *env) cacheTests(w *strings.Builder) {
	progress("synth cache tests")
	suites := []struct {
		pkg, run, what string
	}{
		{"./internal/synthcache", "TestKeyInputs", "the key changes exactly when something that can change the assembly or the output changes (one change per case, against a fresh project)"},
		{"./internal/synthcache", "TestRestore|TestCorruptEntries|TestEviction|TestConcurrentSynths|TestMemo|TestKeyStableAcrossProcesses", "entries: restore, corrupt entries, eviction, concurrency, the file hash memo"},
		{"./internal/cli", "TestSynthCacheLeavesWhatSynthLeaves", "synth dev, prod, dev into one folder with and without the cache: byte-identical folders, the last one a hit"},
		{"./cmd/underhood-synth", "TestCacheEndToEnd", "the real binaries, as the CDK CLI runs the app; Node is reached through a wrapper that logs each start"},
	}
	fmt.Fprintln(w, "### Synth cache: hit and miss correctness (`go test`, run by the bench)")
	fmt.Fprintln(w)
	tableHead(w, "test", "what it checks", "cases")
	for _, s := range suites {
		c := exec.Command("go", "test", "-count=1", "-v", "-run", "^("+s.run+")$", s.pkg)
		c.Dir = e.root
		out, err := c.CombinedOutput()
		var cases []string
		for _, line := range strings.Split(string(out), "\n") {
			line = strings.TrimSpace(line)
			for _, verdict := range []string{"--- PASS: ", "--- FAIL: "} {
				if rest, ok := strings.CutPrefix(line, verdict); ok {
					name := rest[:strings.LastIndex(rest, " (")]
					mark := "pass"
					if verdict == "--- FAIL: " {
						mark = "**FAIL**"
					}
					cases = append(cases, fmt.Sprintf("%s: %s", strings.ReplaceAll(name, "_", " "), mark))
				}
			}
		}
		if err != nil && len(cases) == 0 {
			cases = []string{"**did not run**: " + lastLines(string(out), 3)}
		}
		fmt.Fprintf(w, "| `%s` (%s) | %s | %s |\n", s.run, s.pkg, s.what, strings.Join(cases, "; "))
	}
	fmt.Fprintln(w)
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ---- synth: underhood vs JavaScript ----

type synthCase struct {
	app, side  string // app: photoshare | routes300 | empty; side: underhood | underhood --no-nag | underhood in-process | js
	validation bool
	env        []string // added to the run's environment
	argv       []string
	outDir     string
	samples    []sample
}

func (c *synthCase) key() string {
	v := "off"
	if c.validation {
		v = "on"
	}
	return c.app + "|" + c.side + "|" + v
}

func (e *env) synthTimes(w *strings.Builder) {
	apps := e.benchApps()
	jsApp := filepath.Join(e.root, "bench", "jsapp", "app.js")
	var cases []*synthCase
	addCase := func(app, side string, v bool, env, argv []string) {
		out := filepath.Join(e.tmp, "out", fmt.Sprintf("%s-%d-%v", app, len(cases), v))
		cases = append(cases, &synthCase{app: app, side: side, validation: v, env: env, argv: argv, outDir: out})
	}
	add := func(app, side string, argv ...string) {
		for _, v := range []bool{true, false} {
			addCase(app, side, v, nil, argv)
		}
	}
	for _, a := range apps {
		// underhood-synth is cdk.json's app command; on these misses it runs underhood synth.
		add(a.name, "underhood", e.front, "-q", a.spec)
		if a.js && e.hasValidator {
			// The same with aws-cdk-lib's validation in the synth's own process (validation on only: with
			// it off there is no validator process either).
			addCase(a.name, "underhood in-process", true, []string{"UNDERHOOD_VALIDATOR=off"}, []string{e.front, "-q", a.spec})
		}
		if e.hasNoNag {
			add(a.name, "underhood --no-nag", e.front, "-q", "--no-nag", a.spec)
		}
		if a.js {
			add(a.name, "js", append([]string{"node", jsApp}, a.jsArgs...)...)
		}
	}
	add("empty", "js", "node", jsApp, "--empty")

	// Interleaved: every repetition runs every case once, starting at a different case each time, so a
	// burst of load from other jobs spreads over all cases instead of hitting one.
	for rep := 0; rep < e.n; rep++ {
		for i := range cases {
			c := cases[(i+rep)%len(cases)]
			os.RemoveAll(c.outDir)
			// A cold synth: no entry for these inputs (a changed spec, say), the file hash memo warm.
			os.RemoveAll(filepath.Join(e.coldCache, "v1", "entries"))
			os.RemoveAll(filepath.Join(e.coldCache, "v1", "blobs"))
			os.MkdirAll(filepath.Join(e.coldCache, "v1", "entries"), 0o755)
			extra := append([]string{"CDK_OUTDIR=" + c.outDir, "UNDERHOOD_CACHE_DIR=" + e.coldCache}, c.env...)
			if !c.validation {
				extra = append(extra, "CDK_VALIDATION=false")
			} else {
				extra = append(extra, "CDK_VALIDATION=")
			}
			s, err := e.measure(extra, c.argv...)
			if err != nil {
				fatal(err)
			}
			c.samples = append(c.samples, s)
			progress("synth %d/%d %-40s %6.2f s %4d MiB", rep+1, e.n, c.key(), s.wall.Seconds(), s.rss/1024)
		}
	}
	byKey := map[string]*synthCase{}
	for _, c := range cases {
		byKey[c.key()] = c
	}

	fmt.Fprintf(w, "### Synth: wall time and peak RSS (median of %d interleaved runs)\n\n", e.n)
	tableHead(w, "app", "command", "validation on: time:", "RSS:", "validation off: time:", "RSS:")
	seen := map[string]bool{}
	for _, c := range cases {
		k := c.app + "|" + c.side
		if seen[k] {
			continue
		}
		seen[k] = true
		on, off := byKey[k+"|on"], byKey[k+"|off"]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", c.app, sideLabel(c.side),
			secs(medianWall(on)), mib(medianRSS(on)), secs(medianWall(off)), mib(medianRSS(off)))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Ratios underhood / JavaScript: the ratio of the medians, and in brackets the lowest and highest ratio")
	fmt.Fprintln(w, "of one repetition's two runs (run back to back in the same repetition):")
	fmt.Fprintln(w)
	tableHead(w, "app", "command", "validation on:", "validation off:")
	for _, a := range apps {
		if !a.js {
			continue
		}
		for _, side := range []string{"underhood", "underhood --no-nag", "underhood in-process"} {
			if byKey[a.name+"|"+side+"|on"] == nil {
				continue
			}
			ratio := func(v string) string {
				uc, jc := byKey[a.name+"|"+side+"|"+v], byKey[a.name+"|js|"+v]
				if uc == nil {
					return "–"
				}
				u, j := medianWall(uc), medianWall(jc)
				var per []float64
				for i := range uc.samples {
					per = append(per, uc.samples[i].wall.Seconds()/jc.samples[i].wall.Seconds())
				}
				sort.Float64s(per)
				return fmt.Sprintf("%.2f [%.2f–%.2f]", u.Seconds()/j.Seconds(), per[0], per[len(per)-1])
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", a.name, sideLabel(side), ratio("on"), ratio("off"))
		}
	}
	fmt.Fprintln(w)
	// The resource counts of the two sides, to show the comparison is like with like.
	fmt.Fprintln(w, "Resources in the synthesized templates (underhood / JavaScript):")
	fmt.Fprintln(w)
	for _, a := range apps {
		u := countDir(byKey[a.name+"|underhood|off"].outDir)
		if !a.js {
			fmt.Fprintf(w, "- %s: %d / none: the JavaScript app, which does not split an API into nested stacks, fails with "+
				"TooManyResourcesInStack (more than 500 resources)\n", a.name, total(u))
			continue
		}
		j := countDir(byKey[a.name+"|js|off"].outDir)
		fmt.Fprintf(w, "- %s: %d / %d%s\n", a.name, total(u), total(j), typeDiff(u, j))
	}
	fmt.Fprintln(w)
}

func sideLabel(side string) string {
	switch side {
	case "js":
		return "`node bench/jsapp/app.js` (JavaScript)"
	case "underhood --no-nag":
		return "`underhood-synth --no-nag` (a miss)"
	case "underhood in-process":
		return "`UNDERHOOD_VALIDATOR=off underhood-synth` (cdk-nag on; validation in the synth's own process, as before the validator process)"
	}
	return "`underhood-synth` (cdk-nag on, the default; a miss)"
}

// medianWall and medianRSS are 0 for a case not run (nil).
func medianWall(c *synthCase) time.Duration {
	if c == nil {
		return 0
	}
	ws := make([]time.Duration, len(c.samples))
	for i, s := range c.samples {
		ws[i] = s.wall
	}
	slices.Sort(ws)
	return ws[len(ws)/2]
}

func medianRSS(c *synthCase) int64 {
	if c == nil {
		return 0
	}
	rs := make([]int64, len(c.samples))
	for i, s := range c.samples {
		rs[i] = s.rss
	}
	slices.Sort(rs)
	return rs[len(rs)/2]
}

// secs and mib print "–" for a case not run.
func secs(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mib(kib int64) string {
	if kib == 0 {
		return "–"
	}
	return fmt.Sprintf("%d MiB", kib/1024)
}

// ---- generated specs ----

// routesSpec writes the generated spec of spec/bench_test.go (one nodejs function, id-token API with
// CORS, n routes, five verbs per path over /rK, /rK/{id}, /rK/{id}/items/{itemId}) and returns its path.
func (e *env) routesSpec(name string, n int) string {
	var routes []string
	verbs := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	for i := 0; i < n; i++ {
		r := i / len(verbs)
		path := fmt.Sprintf("/r%d", r/3)
		switch r % 3 {
		case 1:
			path += "/{id}"
		case 2:
			path += "/{id}/items/{itemId}"
		}
		routes = append(routes, fmt.Sprintf("%s %s: catalog", verbs[i%len(verbs)], path))
	}
	return e.writeSpec(name, []string{"catalog"}, routes)
}

// writeSpec writes a spec with a user pool, the given nodejs functions and one id-token API with CORS
// and the given routes ("VERB /path: function").
func (e *env) writeSpec(name string, functions, routes []string) string {
	dir := filepath.Join(e.tmp, "specs", name)
	var s strings.Builder
	s.WriteString("version: 1\napp: bench\nauth:\n  userPool: { signInWith: [email] }\nfunctions:\n")
	for _, f := range functions {
		fmt.Fprintf(&s, "  %s: { runtime: nodejs, source: functions/%s }\n", f, f)
		src := filepath.Join(dir, "functions", f)
		if err := os.MkdirAll(src, 0o755); err != nil {
			fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, "index.mjs"), []byte("export const handler = async () => ({ statusCode: 200 });\n"), 0o644); err != nil {
			fatal(err)
		}
	}
	s.WriteString("api:\n  bench:\n    authorization: id-token\n    cors: { allowOrigins: [https://app.example.com] }\n    routes:\n")
	for _, r := range routes {
		fmt.Fprintf(&s, "      %s\n", r)
	}
	path := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
		fatal(err)
	}
	return path
}

// ---- go test benchmarks ----

func (e *env) goBenchmarks(w *strings.Builder) {
	progress("go test -bench Load ./spec, -bench Config ./emit")
	fmt.Fprintf(w, "### Load + validate and config (in process, `go test -bench`, median of %d)\n\n", e.n)
	tableHead(w, "benchmark", "time/op:", "allocs/op:")
	for _, b := range []struct{ pkg, re string }{{"./spec", "Load"}, {"./emit", "Config"}} {
		out, err := e.cmd("go", "test", b.pkg, "-run", "^$", "-bench", b.re, "-benchtime", "1s", "-count", strconv.Itoa(e.n)).Output()
		if err != nil {
			fatal(fmt.Errorf("go test %s -bench %s: %v", b.pkg, b.re, err))
		}
		ns, allocs := map[string][]float64{}, map[string]float64{}
		var order []string
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
				continue
			}
			name := strings.TrimSuffix(f[0], fmt.Sprintf("-%d", runtime.NumCPU()))
			for i := 1; i+1 < len(f); i++ {
				v, _ := strconv.ParseFloat(f[i], 64)
				switch f[i+1] {
				case "ns/op":
					if ns[name] == nil {
						order = append(order, name)
					}
					ns[name] = append(ns[name], v)
				case "allocs/op":
					allocs[name] = v
				}
			}
		}
		for _, name := range order {
			v := ns[name]
			sort.Float64s(v)
			fmt.Fprintf(w, "| %s (%s) | %s | %.0f |\n", name, b.pkg, dur(time.Duration(v[len(v)/2])), allocs[name])
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "BenchmarkConfig renders all three formats (aws-exports, amplify-outputs, amplify-config) of photoshare per op.")
	fmt.Fprintln(w)
}

func dur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", float64(d.Nanoseconds())/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(d.Nanoseconds())/1e6)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

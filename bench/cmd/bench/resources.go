package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ---- underhood config, as a process ----

func (e *env) configTimes(w *strings.Builder) {
	spec := filepath.Join(e.root, "examples", "photoshare", "app.yaml")
	outputs := filepath.Join(e.root, "examples", "photoshare", "outputs.sample.json")
	// amplify-config imports amplify_outputs.json, so underhood refuses to write it alone.
	formats := []struct {
		format string
		files  []string
	}{
		{"aws-exports", []string{"aws-exports", "aws-exports.js"}},
		{"amplify-outputs", []string{"amplify-outputs", "amplify_outputs.json"}},
		{"amplify-config (+ the amplify-outputs it imports)", []string{"amplify-outputs", "amplify_outputs.json", "amplify-config", "amplify-config.ts"}},
		{"all three", []string{"aws-exports", "aws-exports.js", "amplify-outputs", "amplify_outputs.json", "amplify-config", "amplify-config.ts"}},
	}
	times := map[string][]time.Duration{}
	for rep := 0; rep < e.n; rep++ {
		for _, f := range formats {
			argv := []string{e.underhood, "config", "--outputs-file", outputs}
			for i := 0; i < len(f.files); i += 2 {
				argv = append(argv, "--format", f.files[i], "--out", filepath.Join(e.tmp, "config", f.files[i+1]))
			}
			s, err := e.measure(nil, append(argv, spec)...)
			if err != nil {
				fatal(err)
			}
			times[f.format] = append(times[f.format], s.wall)
		}
	}
	fmt.Fprintf(w, "### `underhood config` as a process (photoshare, wall time, median of %d)\n\n", e.n)
	tableHead(w, "format", "time:")
	for _, f := range formats {
		t := times[f.format]
		slices.Sort(t)
		fmt.Fprintf(w, "| %s | %s |\n", f.format, dur(t[len(t)/2]))
	}
	fmt.Fprintln(w)
}

// ---- resource counts ----

type counts map[string]int

func countDir(dir string) counts {
	c := counts{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.template.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fatal(err)
		}
		var t struct {
			Resources map[string]struct{ Type string }
		}
		if err := json.Unmarshal(data, &t); err != nil {
			fatal(fmt.Errorf("%s: %v", f, err))
		}
		for _, r := range t.Resources {
			c[r.Type]++
		}
	}
	return c
}

func total(c counts) int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// typeDiff lists the types whose counts differ, as " (differs: T a/b, ...)", or "" when none do.
func typeDiff(a, b counts) string {
	var d []string
	for _, t := range unionKeys(a, b) {
		if a[t] != b[t] {
			d = append(d, fmt.Sprintf("%s %d/%d", short(t), a[t], b[t]))
		}
	}
	if len(d) == 0 {
		return ", the same count of every type"
	}
	return " (differs: " + strings.Join(d, ", ") + ")"
}

func unionKeys(a, b counts) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func short(t string) string { return strings.TrimPrefix(t, "AWS::") }

// synthCount synthesizes spec (validation off: it does not change the template) and counts its resources.
func (e *env) synthCount(spec string) counts {
	out := filepath.Join(e.tmp, "count", strconv.Itoa(int(time.Now().UnixNano())))
	args := []string{e.underhood, "synth", "-q", "--out", out}
	if e.hasNoNag {
		// cdk-nag only annotates; it adds no resources, and a finding must not stop the count.
		args = append(args, "--no-nag")
	}
	if _, err := e.measure([]string{"CDK_VALIDATION=false"}, append(args, spec)...); err != nil {
		fatal(err)
	}
	return countDir(out)
}

func (e *env) resourceCounts(w *strings.Builder) {
	progress("resource counts")
	fmt.Fprintln(w, "### Resources per example")
	fmt.Fprintln(w)
	examples, _ := filepath.Glob(filepath.Join(e.root, "examples", "*", "app.yaml"))
	examples = append(examples, filepath.Join(e.root, "bench", "photoshare-bench", "app.yaml"))
	tableHead(w, "spec", "resources:", "by type")
	for _, ex := range examples {
		c := e.synthCount(ex)
		var parts []string
		for _, t := range unionKeys(c, nil) {
			parts = append(parts, fmt.Sprintf("%d %s", c[t], short(t)))
		}
		rel, _ := filepath.Rel(e.root, ex)
		fmt.Fprintf(w, "| %s | %d | %s |\n", rel, total(c), strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)

	// Deltas: one spec and the same spec grown by one thing; the difference by type is its cost.
	base := []string{"GET /a: f0"}
	deltas := []struct {
		what      string
		functions []string
		routes    []string
	}{
		{"route, new verb on an existing path (`POST /a`)", []string{"f0"}, append(slices.Clone(base), "POST /a: f0")},
		{"route on a new top-level path (`GET /b`)", []string{"f0"}, append(slices.Clone(base), "GET /b: f0")},
		{"route two segments deep on a new path (`GET /c/{id}`)", []string{"f0"}, append(slices.Clone(base), "GET /c/{id}: f0")},
		{"function with no route", []string{"f0", "f1"}, base},
		{"function with one route on a new path (`GET /b` on it)", []string{"f0", "f1"}, append(slices.Clone(base), "GET /b: f1")},
	}
	b := e.synthCount(e.writeSpec("delta-base", []string{"f0"}, base))
	fmt.Fprintf(w, "### Cost of one more route or function (a 1-function, 1-route id-token API with CORS: %d resources)\n\n", total(b))
	tableHead(w, "added", "resources:", "by type")
	for i, d := range deltas {
		c := e.synthCount(e.writeSpec(fmt.Sprintf("delta-%d", i), d.functions, d.routes))
		var parts []string
		for _, t := range unionKeys(c, b) {
			if n := c[t] - b[t]; n != 0 {
				parts = append(parts, fmt.Sprintf("%+d %s", n, short(t)))
			}
		}
		fmt.Fprintf(w, "| %s | %+d | %s |\n", d.what, total(c)-total(b), strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
}

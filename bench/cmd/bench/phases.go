package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ---- where synth time goes ----

type phase struct {
	Name string  `json:"name"`
	Ms   float64 `json:"ms"`
}

func (e *env) breakdown(w *strings.Builder) {
	specs := []struct{ name, path string }{
		{"bench photoshare (nodejs)", filepath.Join(e.root, "bench", "photoshare-bench", "app.yaml")},
		{"examples/photoshare (Go function)", filepath.Join(e.root, "examples", "photoshare", "app.yaml")},
		{"routes300", filepath.Join(e.tmp, "specs", "routes300", "app.yaml")},
	}
	if e.baseline != "" {
		e.breakdownBeforeAfter(w, specs[:2])
	}
	type run struct{ name, nag, validation string }
	var runs []run
	for _, s := range specs {
		runs = append(runs, run{s.name, "on", "on"}, run{s.name, "off", "on"}, run{s.name, "off", "off"})
	}
	results := map[run][][]phase{}
	var names []string
	for rep := 0; rep < e.n; rep++ {
		for _, r := range runs {
			var path string
			for _, s := range specs {
				if s.name == r.name {
					path = s.path
				}
			}
			ps := e.runPhases(e.phases, path, r.nag == "off", r.validation == "on")
			if names == nil {
				for _, p := range ps {
					names = append(names, p.Name)
				}
			}
			results[r] = append(results[r], ps)
			progress("phases %d/%d %s nag %s validation %s: %.2f s", rep+1, e.n, r.name, r.nag, r.validation, ps[len(ps)-1].Ms/1000)
		}
	}
	fmt.Fprintf(w, "### Where underhood's synth time goes (bench/cmd/synthphases, median ms of %d runs)\n\n", e.n)
	var headings []string
	var cols [][][]phase
	for _, r := range runs {
		headings = append(headings, fmt.Sprintf("%s, nag %s, validation %s", r.name, r.nag, r.validation))
		cols = append(cols, results[r])
	}
	phaseTable(w, names, headings, cols)
}

// ---- before/after breakdown ----

// breakdownBeforeAfter runs the baseline synthphases (older code) and the current one interleaved, nag
// and validation on, and prints each phase's median side by side.
func (e *env) breakdownBeforeAfter(w *strings.Builder, specs []struct{ name, path string }) {
	type key struct{ spec, bin string }
	results := map[key][][]phase{}
	var names []string
	bins := []struct{ name, path string }{{"before", e.baseline}, {"after", e.phases}}
	for rep := 0; rep < e.n; rep++ {
		for _, s := range specs {
			for i := range bins {
				b := bins[(i+rep)%len(bins)]
				ps := e.runPhases(b.path, s.path, false, true)
				if names == nil && b.name == "after" {
					for _, p := range ps {
						names = append(names, p.Name)
					}
				}
				results[key{s.name, b.name}] = append(results[key{s.name, b.name}], ps)
				progress("phases before/after %d/%d %s %s", rep+1, e.n, s.name, b.name)
			}
		}
	}
	fmt.Fprintf(w, "### Before and after this change (bench/cmd/synthphases, cdk-nag and validation on, median ms of %d interleaved runs)\n\n", e.n)
	// Phases are matched by position: the baseline names the stacks.New phase slightly differently.
	var headings []string
	var cols [][][]phase
	for _, s := range specs {
		headings = append(headings, s.name+" before", "after")
		for _, b := range bins {
			cols = append(cols, results[key{s.name, b.name}])
		}
	}
	phaseTable(w, names, headings, cols)
}

// phaseTable prints a Markdown table with a row per phase name and a column per heading: the median ms
// of that phase over the column's runs, empty where no run has it (the baseline may have fewer phases).
func phaseTable(w *strings.Builder, names, headings []string, cols [][][]phase) {
	columns := []string{"phase"}
	for _, h := range headings {
		columns = append(columns, h+":")
	}
	tableHead(w, columns...)
	for i, name := range names {
		line := "| " + name + " |"
		for _, runs := range cols {
			var v []float64
			for _, ps := range runs {
				if i < len(ps) {
					v = append(v, ps[i].Ms)
				}
			}
			if len(v) == 0 {
				line += " |"
				continue
			}
			sort.Float64s(v)
			line += fmt.Sprintf(" %.0f |", v[len(v)/2])
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
}

// runPhases runs one synthphases binary and returns its phases plus process start/exit and total wall.
func (e *env) runPhases(bin, spec string, noNag, validation bool) []phase {
	args := []string{bin, "-out", filepath.Join(e.tmp, "phases-out")}
	if noNag {
		args = append(args, "-no-nag")
	}
	extra := []string{"CDK_VALIDATION="}
	if !validation {
		extra = []string{"CDK_VALIDATION=false"}
	}
	c := exec.Command(args[0], append(args[1:], spec)...)
	c.Dir = e.root
	c.Env = envWith(extra)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	start := time.Now()
	out, err := c.Output()
	wall := time.Since(start)
	if err != nil {
		fatal(fmt.Errorf("synthphases %s: %v\n%s", spec, err, lastLines(stderr.String(), 15)))
	}
	var ps []phase
	if err := json.Unmarshal(out, &ps); err != nil {
		fatal(err)
	}
	sum := 0.0
	for _, p := range ps {
		sum += p.Ms
	}
	// What the process spent outside the timed phases: Go runtime start, exit, waits.
	return append(ps, phase{"process start + exit (wall minus the phases)", float64(wall.Microseconds())/1000 - sum},
		phase{"total wall time", float64(wall.Microseconds()) / 1000})
}

package amplify

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/golden"
	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

// corpusDir is the corpus of real Amplify Gen 1 projects, vendored in testdata/corpus (a copy of the
// JSON files of public repositories; see its README.md and REPOS.tsv), or $UNDERHOOD_AMPLIFY_CORPUS.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("UNDERHOOD_AMPLIFY_CORPUS")
	if dir == "" {
		dir = filepath.Join("testdata", "corpus")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("the Amplify Gen 1 corpus is not at %s; set UNDERHOOD_AMPLIFY_CORPUS to its folder", dir)
	}
	return dir
}

// corpusProjects lists the corpus' projects, sorted.
func corpusProjects(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(corpusDir(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatal("the corpus has no projects")
	}
	return out
}

// copyProject copies a corpus project into a temporary folder, so tests can add source folders and
// corrupt files without touching the corpus.
func copyProject(t testing.TB, project string) string {
	t.Helper()
	return spectest.CopyTree(t, filepath.Join(corpusDir(t), project))
}

// importProject imports a project copy. A project with several envs and no choice imports its first
// env (sorted), after checking the error lists them all.
func importProject(t testing.TB, dir string, opts Options) *Result {
	t.Helper()
	res, _ := importOpts(t, dir, opts)
	return res
}

// importOpts is importProject that also returns the options that worked.
func importOpts(t testing.TB, dir string, opts Options) (*Result, Options) {
	t.Helper()
	res, err := Import(dir, opts)
	var envErr *EnvError
	if errors.As(err, &envErr) && opts.Env == "" {
		if len(envErr.Envs) < 2 || !sort.StringsAreSorted(envErr.Envs) {
			t.Fatalf("EnvError lists %v", envErr.Envs)
		}
		opts.Env = envErr.Envs[0]
		res, err = Import(dir, opts)
	}
	if err != nil {
		t.Fatalf("import %s: %v", filepath.Base(dir), err)
	}
	return res, opts
}

// loadSpec writes the spec next to the project copy and loads it with spec.Load. The corpus holds no
// function source code (JSON files only), so the source folders the spec names are created first with
// a stand-in for their handler file, as the project's own src folders would hold it.
func loadSpec(t testing.TB, dir string, res *Result) *spec.App {
	t.Helper()
	spectest.StubSources(t, dir, res.Sources)
	path := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(path, res.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	app, err := spec.Load(path, res.Stage)
	if err != nil {
		t.Fatalf("the generated spec does not load:\n%v\n--- spec:\n%s", err, res.Spec)
	}
	return app
}

// TestCorpusGolden imports every corpus project, loads the spec with spec.Load, and compares the spec
// and the report with testdata/<project>.app.yaml and .report.txt.
func TestCorpusGolden(t *testing.T) {
	for _, project := range corpusProjects(t) {
		t.Run(project, func(t *testing.T) {
			dir := copyProject(t, project)
			res, opts := importOpts(t, dir, Options{})
			again := importProject(t, dir, opts)
			if !bytes.Equal(again.Spec, res.Spec) {
				t.Errorf("two imports differ")
			}
			loadSpec(t, dir, res)
			var report bytes.Buffer
			if err := res.WriteReport(&report); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", project+".app.yaml"), res.Spec)
			golden.Check(t, filepath.Join("testdata", project+".report.txt"), report.Bytes())
		})
	}
}

// TestCorpusCounts checks that every backend-config.json resource is reported exactly once, and logs
// the corpus totals.
func TestCorpusCounts(t *testing.T) {
	var total, backend int
	var sum Counts
	for _, project := range corpusProjects(t) {
		dir := filepath.Join(corpusDir(t), project)
		res := importProject(t, dir, Options{})
		c := res.Counts()
		sum.Translated += c.Translated
		sum.Approximated += c.Approximated
		sum.OutOfScope += c.OutOfScope
		sum.Missing += c.Missing
		total += len(res.Resources)

		// Count backend-config.json's resources independently of the importer.
		var cfg map[string]map[string]json.RawMessage
		data, err := os.ReadFile(filepath.Join(dir, "amplify", "backend", "backend-config.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &cfg); err != nil {
			t.Fatal(err)
		}
		n := 0
		for cat, rs := range cfg {
			if cat != "parameters" {
				n += len(rs)
			}
		}
		backend += n
		// Schedules, secrets and S3/DynamoDB triggers are wired now: no note may call them unwired.
		for _, r := range res.Resources {
			for _, note := range r.Notes {
				if strings.Contains(note, "not expressible") || strings.Contains(note, "grants no SSM access") || strings.Contains(note, "the spec has no schedules") {
					t.Errorf("%s: %s/%s: %s", project, r.Category, r.Name, note)
				}
			}
		}
		if c.Total() != n || len(res.Resources) != n {
			t.Errorf("%s: backend-config.json has %d resources, the report %d (%+v)", project, n, len(res.Resources), c)
		}
	}
	t.Logf("corpus: %d projects, %d resources: %d translated, %d approximated, %d out of scope, %d missing",
		len(corpusProjects(t)), total, sum.Translated, sum.Approximated, sum.OutOfScope, sum.Missing)
	if sum.Total() != backend {
		t.Errorf("the statuses add up to %d, backend-config.json files list %d resources", sum.Total(), backend)
	}
	if sum.Translated == 0 || sum.Approximated == 0 || sum.OutOfScope == 0 || sum.Missing == 0 {
		t.Errorf("every status should occur in the corpus: %+v", sum)
	}
}

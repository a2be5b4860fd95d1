package spec_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// FuzzParse feeds arbitrary bytes to the loader. It must never panic, its work must stay within the
// loader's bounds (checkWork), every problem must carry a position, and the same input must always give
// the same result. Seeds: every example and every spec under testdata (crashers found by fuzzing are
// added to testdata/invalid with their golden).
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../examples/*/app.yaml")
	more, _ := filepath.Glob("testdata/invalid/*.yaml")
	for _, path := range append(seeds, more...) {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // the unreadable-spec fixtures: a folder and a symlink loop
		}
		if len(data) < 4<<10 { // the generated deep-nesting seeds (20-50 KB) make minimizing take minutes
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The iam-guest folder has functions/catalog, so specs that name an existing source validate.
		const dir = "../examples/iam-guest"
		app, w, err := spec.ParseWork("fuzz.yaml", dir, data, "")
		app2, err2 := spec.Parse("fuzz.yaml", dir, data, "")
		// No input makes loading slow: its work stays within the loader's bounds (counted, not timed).
		checkWork(t, data, w)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(app, app2) {
			t.Fatalf("two loads of the same input differ")
		}
		if err == nil {
			if app.Name == "" || app.Stage != spec.DefaultStage {
				t.Fatalf("valid spec without name or stage: %+v", app)
			}
			return
		}
		if err.Error() != err2.Error() {
			t.Fatalf("errors differ between loads:\n%v\n---\n%v", err, err2)
		}
		ds, ok := err.(spec.Diagnostics)
		if !ok || len(ds) == 0 {
			t.Fatalf("error is %T, want non-empty spec.Diagnostics: %v", err, err)
		}
		for _, d := range ds {
			if d.Pos.Line < 1 || d.Pos.Col < 1 || d.File != "fuzz.yaml" || d.Msg == "" {
				t.Fatalf("diagnostic without a position or message: %#v", d)
			}
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(line, "fuzz.yaml:") {
				t.Fatalf("diagnostic line without FILE:LINE:COL: %q", line)
			}
		}
	})
}

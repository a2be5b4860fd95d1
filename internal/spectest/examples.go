package spectest

import (
	"os"
	"path/filepath"
	"testing"
)

// Examples returns the names of the bundled example apps, sorted: every folder of the module root's
// examples/ that holds an app.yaml. Tests loop over it rather than over a list of their own, so a new
// example is synthesized, explained and configured by every package's tests (whose goldens then ask for
// -update). It fails the test when it finds none.
func Examples(t testing.TB) []string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(root) == root {
			t.Fatalf("no go.mod in %s or above it", wd)
		}
		root = filepath.Dir(root)
	}
	files, err := filepath.Glob(filepath.Join(root, "examples", "*", "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no example app in %s", filepath.Join(root, "examples"))
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(filepath.Dir(f))
	}
	return names // Glob sorts its matches
}

// Package golden compares test output with committed golden files. It defines the -update flag once for
// every package whose tests import it: `go test ./stacks -update` rewrites the goldens instead of
// comparing; review the change with git diff before committing it.
package golden

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Update reports whether the test run was given -update, for a test that must do more than Check when
// it rewrites its goldens.
func Update() bool { return *update }

// Check compares got with the golden file at path (relative to the package's folder). On a mismatch it
// fails the test with a line diff of the first differences and the command that rewrites the file; with
// -update it writes got to path instead, creating its folder.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if msg := check(path, got, *update); msg != "" {
		t.Errorf("%s\n(review the change, then run %s)", msg, updateCommand(t))
	}
}

// check is Check without testing.TB: the failure message, or "" when the file matches or was written.
func check(path string, got []byte, update bool) string {
	want, err := os.ReadFile(path)
	if update {
		if err == nil && bytes.Equal(got, want) {
			return ""
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err.Error()
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			return err.Error()
		}
		return ""
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("golden file %s does not exist", path)
	}
	if err != nil {
		return err.Error()
	}
	if bytes.Equal(got, want) {
		return ""
	}
	return fmt.Sprintf("%s differs from the golden file (- golden, + got):\n%s", path, Diff(want, got))
}

// updateCommand is the command that rewrites the goldens of the running test: go test ./PKG -run
// '^TestX$' -update, PKG found from the module root (the nearest folder above with a go.mod).
func updateCommand(t testing.TB) string {
	pkg := "."
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				if rel, err := filepath.Rel(dir, wd); err == nil && rel != "." {
					pkg = "./" + filepath.ToSlash(rel)
				}
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	test, _, _ := strings.Cut(t.Name(), "/")
	return fmt.Sprintf("go test %s -run '^%s$' -update", pkg, test)
}

package function

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrebuildGo: BuildGo after a PrebuildGo of the same folders returns that build's result instead of
// compiling again (shown by changing the source in between), once; the next BuildGo compiles.
func TestPrebuildGo(t *testing.T) {
	src := t.TempDir()
	write := func(code string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module prebuild\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write("package main\n\nfunc main() { undefinedName() }\n")
	out := filepath.Join(t.TempDir(), "out")
	PrebuildGo(src, out)
	v, ok := prebuilds.Load(src + "\x00" + out)
	if !ok {
		t.Fatal("PrebuildGo registered no build")
	}
	<-v.(*prebuild).done
	write("package main\n\nfunc main() {}\n")
	if err := BuildGo(src, out); err == nil || !strings.Contains(err.Error(), "undefinedName") {
		t.Errorf("BuildGo after PrebuildGo: %v, want the prebuild's compile error", err)
	}
	if err := BuildGo(src, out); err != nil {
		t.Errorf("the second BuildGo did not compile the fixed source: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "bootstrap")); err != nil {
		t.Error(err)
	}
}

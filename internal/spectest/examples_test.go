package spectest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestExamples: from any package folder of a module, Examples lists the folders of the root's examples/
// that hold an app.yaml, and nothing else.
func TestExamples(t *testing.T) {
	root := t.TempDir()
	for path, data := range map[string]string{
		"go.mod":                       "module example.com/m\n",
		"examples/notes/app.yaml":      "version: 1\n",
		"examples/shop/app.yaml":       "version: 1\n",
		"examples/assets/logo.svg":     "<svg/>\n", // a folder without app.yaml is no example
		"examples/README.md":           "examples\n",
		"internal/tool/x.go":           "package tool\n",
		"internal/tool/examples/x.txt": "not the root's examples\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{".", "internal/tool", "examples/notes"} {
		t.Run(dir, func(t *testing.T) {
			t.Chdir(filepath.Join(root, dir))
			if got, want := Examples(t), []string{"notes", "shop"}; !slices.Equal(got, want) {
				t.Errorf("Examples = %v, want %v", got, want)
			}
		})
	}
}

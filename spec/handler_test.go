package spec_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// TestHandlerFiles: a handler is accepted when Lambda's runtime would find its code, and refused
// otherwise (the refusals' exact messages are golden, testdata/invalid/80 to 83).
func TestHandlerFiles(t *testing.T) {
	tests := []struct {
		name    string
		runtime string
		handler string            // "" : the default
		files   map[string]string // path in the source folder -> content
		wantErr string            // "" : valid
	}{
		{"nodejs default index.js", "nodejs", "", map[string]string{"index.js": ""}, ""},
		{"nodejs default index.mjs", "nodejs", "", map[string]string{"index.mjs": ""}, ""},
		{"nodejs .cjs in a subfolder", "nodejs", "src/app.handler", map[string]string{"src/app.cjs": ""}, ""},
		{"nodejs nested export", "nodejs", "app.handlers.get", map[string]string{"app.mjs": ""}, ""},
		{"nodejs folder module", "nodejs", "app.handler", map[string]string{"app/index.js": ""}, ""},
		{"nodejs package in node_modules", "nodejs", "server.handler", map[string]string{"node_modules/server/index.js": ""}, ""},
		{"nodejs .ts is not run", "nodejs", "", map[string]string{"index.ts": ""}, `needs index.js, index.mjs or index.cjs`},
		{"nodejs wrong folder", "nodejs", "src/app.handler", map[string]string{"app.js": ""}, `needs src/app.js`},
		{"python module", "python", "app.handler", map[string]string{"app.py": ""}, ""},
		{"python package module", "python", "api.views.handler", map[string]string{"api/views.py": ""}, ""},
		{"python namespace package", "python", "api.handler", map[string]string{"api/views.py": ""}, ""},
		{"python slash form", "python", "api/views.handler", map[string]string{"api/views.py": ""}, ""},
		{"python missing", "python", "", map[string]string{"main.py": ""}, `needs index.py`},
		{"go package main", "go", "", map[string]string{
			"main.go":      "package main\n\nfunc main() {}\n",
			"main_test.go": "package main_test\n",                  // tests are not built
			"gen.go":       "//go:build ignore\n\npackage tools\n", // excluded by its constraint
			"win.go":       "//go:build windows\n\npackage other\n",
		}, ""},
		{"go library", "go", "", map[string]string{"lib.go": "package lib\n"}, "is package lib, not package main"},
		{"go only for another platform", "go", "", map[string]string{"main.go": "//go:build windows\n\npackage main\n"}, "has no Go files to build for Lambda"},
		{"go only tests", "go", "", map[string]string{"main_test.go": "package main\n"}, "has no Go files to build for Lambda"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, content := range tt.files {
				path := filepath.Join(dir, "fn", filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			src := "version: 1\napp: hello\nfunctions:\n  hello: { runtime: " + tt.runtime + ", source: fn"
			if tt.handler != "" {
				src += ", handler: " + tt.handler
			}
			src += " }\n"
			_, err := spec.Parse("app.yaml", dir, []byte(src), "")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

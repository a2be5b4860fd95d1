package spec_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// Frontend paths may leave the spec's folder as long as they stay inside the repository (the folder
// holding .git above the spec); ${stage} in a path gives each stage its own file.
func TestFrontendPaths(t *testing.T) {
	tests := []struct {
		name    string
		git     string // "dir", "file" (a git worktree) or "" (no repository)
		path    string
		stage   string
		want    string // the resolved path; "" when refused
		wantErr string
	}{
		{"sibling folder in the repository", "dir", "../web/src/aws-exports.js", "", "../web/src/aws-exports.js", ""},
		{"git worktree", "file", "../web/src/aws-exports.js", "", "../web/src/aws-exports.js", ""},
		{"inside the spec's folder without a repository", "", "src/aws-exports.js", "", "src/aws-exports.js", ""},
		{"per stage", "dir", "../web/src/aws-exports.${stage}.js", "prod", "../web/src/aws-exports.prod.js", ""},
		{"out of the repository", "dir", "../../aws-exports.js", "", "", `"../../aws-exports.js" leads out of the repository`},
		{"no repository: the spec's folder bounds it", "", "../web/src/aws-exports.js", "", "", `"../web/src/aws-exports.js" leads out of the repository`},
		{"absolute", "dir", "/srv/web/aws-exports.js", "", "", "must be relative to the spec's folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := t.TempDir()
			switch tt.git {
			case "dir":
				if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
					t.Fatal(err)
				}
			case "file":
				if err := os.WriteFile(filepath.Join(repo, ".git"), []byte("gitdir: /elsewhere/.git/worktrees/x\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			infra := filepath.Join(repo, "infra")
			if err := os.Mkdir(infra, 0o755); err != nil {
				t.Fatal(err)
			}
			src := "version: 1\napp: shop\nstages: { dev: {}, prod: {} }\nfrontend:\n  - { format: aws-exports, path: \"" + tt.path + "\" }\n"
			app, err := spec.Parse("app.yaml", infra, []byte(src), tt.stage)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := app.Frontend[0].Path; got != tt.want {
				t.Errorf("path %q, want %q", got, tt.want)
			}
		})
	}
}

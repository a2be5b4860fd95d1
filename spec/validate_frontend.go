package spec

// The frontend section: the configuration files written for the SPA.

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

var frontendKinds = []string{"aws-exports", "amplify-outputs", "amplify-config"}

// insideRepository reports whether rel, relative to the spec's folder, stays inside the repository: the
// nearest folder above the spec holding .git (a folder, or a file in a git worktree), else the spec's
// folder itself. So infra/app.yaml may write ../web/src/aws-exports.js, but nothing outside the repository.
func (v *validator) insideRepository(rel string) bool {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if clean != ".." && !strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return true
	}
	if v.repoRoot == "" {
		v.repoRoot = "."
		if abs, err := filepath.Abs(v.dir); err == nil {
			for d := abs; ; d = filepath.Dir(d) {
				if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
					v.repoRoot = d
					break
				}
				if filepath.Dir(d) == d {
					break
				}
			}
		}
	}
	if v.repoRoot == "." {
		return false
	}
	abs, err := filepath.Abs(filepath.Join(v.dir, clean))
	if err != nil {
		return false
	}
	r, err := filepath.Rel(v.repoRoot, abs)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

func (v *validator) frontend() []FrontendFile {
	var out []FrontendFile
	seen := map[string]bool{}
	for i, f := range v.raw.Frontend {
		fp := index("frontend", i)
		if f == nil {
			v.errorf(fp, "is empty; give format and path")
			continue
		}
		if f.Format == "" {
			v.missing(fp, "format", "missing format: one of %s", oneOf(frontendKinds))
		} else {
			v.enum(child(fp, "format"), "frontend format", f.Format, frontendKinds)
		}
		switch {
		case f.Path == "":
			v.missing(fp, "path", "missing path, relative to this file")
		case filepath.IsAbs(f.Path) || filepath.VolumeName(f.Path) != "":
			v.errorf(child(fp, "path"), "must be relative to the spec's folder (such as web/src/aws-exports.js or ../web/src/aws-exports.js): an absolute path is another place on every machine")
		case !v.insideRepository(f.Path):
			v.errorf(child(fp, "path"), "%q leads out of the repository (the folder holding .git above the spec; the spec's own folder when there is none): frontend files must stay inside it", f.Path)
		case seen[filepath.Clean(f.Path)]:
			v.errorf(child(fp, "path"), "%q is written twice", f.Path)
		}
		seen[filepath.Clean(f.Path)] = true
		out = append(out, FrontendFile{Format: f.Format, Path: f.Path})
	}
	formats := map[string]int{}
	for i, f := range out {
		formats[f.Format] = i + 1
	}
	if i := formats["amplify-config"]; i > 0 && formats["amplify-outputs"] == 0 {
		v.errorf(index("frontend", i-1), "amplify-config imports amplify_outputs.json; add { format: amplify-outputs, path: ... } to frontend")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

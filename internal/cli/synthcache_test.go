package cli_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSynthCacheLeavesWhatSynthLeaves synthesizes stage dev, then prod, then dev again into one folder,
// once without the cache and once with it (the last synth a hit): both folders end up byte-identical,
// stale files of the other stage included, and the hit prints what the synth printed.
func TestSynthCacheLeavesWhatSynthLeaves(t *testing.T) {
	t.Setenv("CDK_VALIDATION", "false")
	t.Setenv("UNDERHOOD_CACHE_DEBUG", "1")
	dir := t.TempDir()
	if code, _, errs := run("init", "--app", "shop", dir); code != 0 {
		t.Fatal(errs)
	}
	spec := filepath.Join(dir, "app.yaml")
	uncached, cached := filepath.Join(dir, "uncached.out"), filepath.Join(dir, "cached.out")
	var lastUncached, lastCached string
	for i, stage := range []string{"dev", "prod", "dev"} {
		code, stdout, errs := run("synth", "--no-nag", "--no-cache", "--stage", stage, "--out", uncached, spec)
		if code != 0 {
			t.Fatalf("synth --no-cache --stage %s: exit %d\n%s", stage, code, errs)
		}
		lastUncached = strings.ReplaceAll(stdout, uncached, "OUT")
		code, stdout, errs = run("synth", "--no-nag", "--stage", stage, "--out", cached, spec)
		if code != 0 {
			t.Fatalf("synth --stage %s: exit %d\n%s", stage, code, errs)
		}
		lastCached = strings.ReplaceAll(stdout, cached, "OUT")
		if hit := strings.Contains(errs, "synth cache hit"); hit != (i == 2) {
			t.Errorf("synth %d (stage %s): hit %v\n%s", i+1, stage, hit, errs)
		}
	}
	u, c := readTree(t, uncached), readTree(t, cached)
	for _, stack := range []string{"shop-dev", "shop-prod"} {
		if _, ok := u[stack+".template.json"]; !ok {
			t.Errorf("%s.template.json is not in the uncached folder: the test does not leave a stale stage", stack)
		}
	}
	var diffs []string
	for k := range u {
		if u[k] != c[k] {
			diffs = append(diffs, k)
		}
	}
	for k := range c {
		if _, ok := u[k]; !ok {
			diffs = append(diffs, k+" (only with the cache)")
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 0 {
		t.Errorf("the cached folder differs from the uncached one in %s", strings.Join(diffs, ", "))
	}
	if lastCached != lastUncached || !strings.Contains(lastCached, "shop-dev") {
		t.Errorf("the hit printed\n%s\nthe synth printed\n%s", lastCached, lastUncached)
	}
}

func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		out[rel] = fmt.Sprintf("%v %s", fi.Mode(), data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

package synthcache

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// tree reads a folder as path -> "file MODE CONTENT", "dir" or "link TARGET".
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if _, err := os.Stat(root); os.IsNotExist(err) {
		return out
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			out[rel] = "link " + target
			return err
		case d.IsDir():
			out[rel] = "dir"
		default:
			fi, err := d.Info()
			if err != nil {
				return err
			}
			data, err := os.ReadFile(path)
			out[rel] = fmt.Sprintf("file %v %s", fi.Mode().Perm(), data)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffTrees(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s is %q, want %q", what, k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected %s", what, k)
		}
	}
}

// stageAssembly fills a staging folder like a synth: JSON files, an asset folder with an executable
// and a nested folder, a symlink.
func stageAssembly(t *testing.T, c *Cache, variant string) string {
	t.Helper()
	dir, err := c.Stage()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "manifest.json"), `{"version":"1","v":"`+variant+`"}`, 0o644)
	writeFile(t, filepath.Join(dir, "app-dev.template.json"), `{"Resources":{"`+variant+`":{}}}`, 0o644)
	writeFile(t, filepath.Join(dir, "asset.abc", "bootstrap"), "binary "+variant, 0o755)
	writeFile(t, filepath.Join(dir, "asset.abc", "lib", "x.js"), "x", 0o644)
	if err := os.Symlink("lib/x.js", filepath.Join(dir, "asset.abc", "link.js")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func openTestCache(t *testing.T) *Cache {
	t.Helper()
	c, err := Open(filepath.Join(t.TempDir(), "cache"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func publish(t *testing.T, c *Cache, key Key, variant string, out Output) map[string]string {
	t.Helper()
	staged := stageAssembly(t, c, variant)
	want := tree(t, staged)
	p, err := c.Prepare(key, staged)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(out); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(staged)
	return want
}

// TestRestore: what Restore writes is what the synth staged, byte for byte, with modes and symlinks, and
// the recorded output replays in order.
func TestRestore(t *testing.T) {
	c := openTestCache(t)
	key := Key{Sum: strings.Repeat("a", 64)}
	out := Output{{Data: []byte("summary\n")}, {Stderr: true, Data: []byte("warning: x\n")}, {Data: []byte("more\n")}}
	want := publish(t, c, key, "one", out)
	dest := filepath.Join(t.TempDir(), "cdk.out")
	got, ok := c.Restore(key, dest)
	if !ok {
		t.Fatal("no hit after Publish")
	}
	diffTrees(t, "restored", tree(t, dest), want)
	var stdout, stderr, both bytes.Buffer
	got.Replay(&stdout, &stderr)
	if stdout.String() != "summary\nmore\n" || stderr.String() != "warning: x\n" {
		t.Errorf("replay: stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	got.Replay(&both, &both)
	if both.String() != "summary\nwarning: x\nmore\n" {
		t.Errorf("replay order: %q", both.String())
	}
	if _, ok := c.Restore(Key{Sum: strings.Repeat("b", 64)}, dest); ok {
		t.Error("hit for a key that was never stored")
	}
	// Restored again over itself: files that hold their bytes are left alone (same inode), an edited
	// one is written again.
	template := filepath.Join(dest, "app-dev.template.json")
	before, _ := os.Stat(template)
	writeFile(t, filepath.Join(dest, "manifest.json"), `{"version":"1","v":"two"}`, 0o644) // same size
	if _, ok := c.Restore(key, dest); !ok {
		t.Fatal("no hit the second time")
	}
	if after, _ := os.Stat(template); !os.SameFile(before, after) {
		t.Error("a file that already held its bytes was rewritten")
	}
	diffTrees(t, "restored over itself", tree(t, dest), want)
}

// TestRestoreOverExistingFolder: like a synth into an existing folder, Restore rewrites the assembly's
// files (a modified template is replaced), keeps files that are not the assembly's (an older stage's
// template, the CDK CLI's lock files), and keeps an existing asset folder as the CDK does.
func TestRestoreOverExistingFolder(t *testing.T) {
	c := openTestCache(t)
	key := Key{Sum: strings.Repeat("a", 64)}
	want := publish(t, c, key, "one", nil)
	dest := t.TempDir()
	writeFile(t, filepath.Join(dest, "app-dev.template.json"), "edited by hand", 0o644)
	writeFile(t, filepath.Join(dest, "app-prod.template.json"), "another stage", 0o644)
	writeFile(t, filepath.Join(dest, "manifest.json"), "x", 0o600)
	if err := os.MkdirAll(filepath.Join(dest, "app-dev.assets.json"), 0o755); err != nil { // a folder where a file goes
		t.Fatal(err)
	}
	if _, ok := c.Restore(key, dest); !ok {
		t.Fatal("no hit")
	}
	want["app-prod.template.json"] = "file -rw-r--r-- another stage"
	want["app-dev.assets.json"] = "dir"
	diffTrees(t, "restored over an existing folder", tree(t, dest), want)
}

// TestCorruptEntries: an entry that cannot be served is a miss (and is removed), never a wrong assembly
// or a file outside the output folder.
func TestCorruptEntries(t *testing.T) {
	key := Key{Sum: strings.Repeat("c", 64)}
	cases := []struct {
		name    string
		corrupt func(t *testing.T, c *Cache)
	}{
		{"entry is not JSON", func(t *testing.T, c *Cache) { writeFile(t, c.entryPath(key.Sum), `{"format": "underhood synth`, 0o644) }},
		{"entry of another format", func(t *testing.T, c *Cache) {
			editEntry(t, c, key, `"format":"underhood synth cache 1"`, `"format":"underhood synth cache 0"`)
		}},
		{"entry under another key's name", func(t *testing.T, c *Cache) {
			editEntry(t, c, key, `"sum":"`+key.Sum+`"`, `"sum":"`+strings.Repeat("d", 64)+`"`)
		}},
		{"path leaving the output folder", func(t *testing.T, c *Cache) {
			editEntry(t, c, key, `"path":"manifest.json"`, `"path":"../escaped.json"`)
		}},
		{"file below one of the entry's symlinks", func(t *testing.T, c *Cache) {
			// asset.abc/link.js is a symlink; a file "inside" it would be written wherever it points.
			editEntry(t, c, key, `"path":"asset.abc/lib/x.js"`, `"path":"asset.abc/link.js/x.js"`)
		}},
		{"blob missing", func(t *testing.T, c *Cache) { forEachBlob(t, c, func(p string) { os.Remove(p) }) }},
		{"blob truncated", func(t *testing.T, c *Cache) {
			forEachBlob(t, c, func(p string) { os.Chmod(p, 0o644); os.Truncate(p, 3) })
		}},
		{"blob content changed, same size", func(t *testing.T, c *Cache) {
			forEachBlob(t, c, func(p string) {
				data, _ := os.ReadFile(p)
				data[len(data)-1] ^= 1
				os.Chmod(p, 0o644)
				os.WriteFile(p, data, 0o644)
			})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := openTestCache(t)
			publish(t, c, key, "one", Output{{Data: []byte("out")}})
			tc.corrupt(t, c)
			parent := t.TempDir()
			dest := filepath.Join(parent, "cdk.out")
			if _, ok := c.Restore(key, dest); ok {
				t.Fatal("a corrupt entry was served")
			}
			if _, err := os.Stat(c.entryPath(key.Sum)); err == nil {
				t.Error("the corrupt entry is still there")
			}
			if _, err := os.Stat(filepath.Join(parent, "escaped.json")); err == nil {
				t.Error("a file was written outside the output folder")
			}
			// Nothing the entry holds was left half-written: every file in dest is a whole original.
			for rel, v := range tree(t, dest) {
				if strings.HasPrefix(v, "file") && !strings.Contains(v, "one") && rel != filepath.Join("asset.abc", "lib", "x.js") {
					t.Errorf("%s: %q", rel, v)
				}
			}
		})
	}
}

func editEntry(t *testing.T, c *Cache, key Key, old, new string) {
	t.Helper()
	data, err := os.ReadFile(c.entryPath(key.Sum))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("entry lacks %s:\n%s", old, data)
	}
	writeFile(t, c.entryPath(key.Sum), strings.Replace(string(data), old, new, 1), 0o644)
}

func forEachBlob(t *testing.T, c *Cache, f func(path string)) {
	t.Helper()
	n := 0
	filepath.WalkDir(filepath.Join(c.root, "blobs"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			f(path)
			n++
		}
		return err
	})
	if n == 0 {
		t.Fatal("no blobs")
	}
}

// TestEviction: past MaxEntries the least recently used entries go, with the blobs only they used
// (once those are older than the grace period); a hit counts as a use.
func TestEviction(t *testing.T) {
	c := openTestCache(t)
	c.MaxEntries = 2
	keys := []Key{{Sum: strings.Repeat("1", 64)}, {Sum: strings.Repeat("2", 64)}, {Sum: strings.Repeat("3", 64)}}
	publish(t, c, keys[0], "one", nil)
	publish(t, c, keys[1], "two", nil)
	// Entry one was used long ago, entry two a little less long ago; then one is hit again.
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(c.entryPath(keys[0].Sum), old, old)
	os.Chtimes(c.entryPath(keys[1].Sum), old.Add(time.Minute), old.Add(time.Minute))
	if _, ok := c.Restore(keys[0], t.TempDir()); !ok {
		t.Fatal("no hit for entry one")
	}
	forEachBlob(t, c, func(p string) { os.Chtimes(p, old, old) })
	publish(t, c, keys[2], "three", nil) // over MaxEntries: two is the least recently used
	for i, want := range []bool{true, false, true} {
		if _, err := os.Stat(c.entryPath(keys[i].Sum)); (err == nil) != want {
			t.Errorf("entry %d present: %v, want %v", i+1, err == nil, want)
		}
	}
	// Two's own blobs (its template, manifest and bootstrap mention "two") are gone; shared ones stay.
	forEachBlob(t, c, func(p string) {
		if data, _ := os.ReadFile(p); strings.Contains(string(data), "two") {
			t.Errorf("blob of the evicted entry kept: %q", data)
		}
	})
	for _, k := range []Key{keys[0], keys[2]} {
		if _, ok := c.Restore(k, t.TempDir()); !ok {
			t.Errorf("entry %s lost a blob to eviction", k.Sum[:4])
		}
	}

	// MaxBytes: a bound below two entries' size keeps only the newest.
	c.MaxBytes = 1
	publish(t, c, Key{Sum: strings.Repeat("4", 64)}, "four", nil)
	entries, _ := os.ReadDir(filepath.Join(c.root, "entries"))
	if len(entries) != 1 || entries[0].Name() != strings.Repeat("4", 64)+".json" {
		t.Errorf("entries past MaxBytes: %v, want only the newest", entries)
	}
}

// TestConcurrentSynths: synths that store and restore the same key and other keys at the same time
// (with eviction on) never see a torn entry: every hit restores a complete, correct assembly.
func TestConcurrentSynths(t *testing.T) {
	c := openTestCache(t)
	c.MaxEntries = 2
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			variant := []string{"same", "same", "other"}[i%3]
			key := Key{Sum: strings.Repeat(map[string]string{"same": "5", "other": "6"}[variant], 64)}
			for range 5 {
				staged, err := c.Stage()
				if err != nil {
					errs <- err.Error()
					return
				}
				writeFile(t, filepath.Join(staged, "manifest.json"), `{"v":"`+variant+`"}`, 0o644)
				writeFile(t, filepath.Join(staged, "asset.abc", "bootstrap"), "binary "+variant, 0o755)
				p, err := c.Prepare(key, staged)
				if err != nil {
					errs <- err.Error()
					return
				}
				dest := filepath.Join(t.TempDir(), "out")
				if err := p.Restore(dest); err != nil {
					errs <- "pending restore: " + err.Error()
				}
				if err := p.Publish(Output{{Data: []byte(variant)}}); err != nil {
					errs <- err.Error()
				}
				os.RemoveAll(staged)
				hit := filepath.Join(t.TempDir(), "hit")
				if out, ok := c.Restore(key, hit); ok {
					data, _ := os.ReadFile(filepath.Join(hit, "manifest.json"))
					bin, _ := os.ReadFile(filepath.Join(hit, "asset.abc", "bootstrap"))
					if string(data) != `{"v":"`+variant+`"}` || string(bin) != "binary "+variant || string(out[0].Data) != variant {
						errs <- fmt.Sprintf("torn hit: %s %s %s", data, bin, out[0].Data)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

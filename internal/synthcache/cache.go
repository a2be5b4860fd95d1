// Package synthcache is underhood's content-addressed synth cache. A synth whose inputs did not change
// (the key: see Cache.Key) writes the cloud assembly it wrote last time, byte for byte, and prints what
// it printed, without starting Node. The package imports no CDK package, so underhood-synth, the
// lightweight app command, can serve a hit without the Go initialization of the CDK bindings.
//
// Layout of the cache folder (default: .underhood-cache next to the spec; UNDERHOOD_CACHE_DIR moves it):
//
//	.gitignore, CACHEDIR.TAG    so git and backup tools skip the folder
//	v1/entries/KEY.json         one entry: the assembly's files (path, mode, SHA-256) and the recorded output
//	v1/blobs/AB/SHA256          file contents, shared by every entry that holds them
//	v1/memo                     SHA-256 of input files by path and file metadata, so warm runs do not reread them
//	v1/tmp/                     staging folders and temporary files; everything is renamed into place
//
// Entries are published by renaming a complete file, so a reader sees a whole entry or none; a blob
// whose content does not match its name makes the entry a miss. The cache is bounded (entries and
// bytes, least recently used first) and can be deleted at any time.
package synthcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults for the cache's bounds; UNDERHOOD_CACHE_MAX_MB and UNDERHOOD_CACHE_MAX_ENTRIES override them.
const (
	DefaultMaxBytes   = 512 << 20
	DefaultMaxEntries = 64
)

// blobGrace protects a blob written (or found and touched) by a synth that has not published its entry
// yet from a concurrent eviction.
const blobGrace = 10 * time.Minute

// tmpGrace: a staging folder older than this belongs to a synth that crashed.
const tmpGrace = time.Hour

// Cache is one cache folder.
type Cache struct {
	dir        string
	root       string // dir/v1
	memo       *memo
	MaxBytes   int64
	MaxEntries int
}

// DirFor is the cache folder for a spec: $UNDERHOOD_CACHE_DIR, else .underhood-cache beside the spec.
func DirFor(specPath string, getenv func(string) string) string {
	if d := getenv("UNDERHOOD_CACHE_DIR"); d != "" {
		return d
	}
	return filepath.Join(filepath.Dir(specPath), ".underhood-cache")
}

// Open opens (creating it if needed) the cache folder dir.
func Open(dir string, getenv func(string) string) (*Cache, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cache{dir: abs, root: filepath.Join(abs, "v1"), MaxBytes: DefaultMaxBytes, MaxEntries: DefaultMaxEntries}
	if n, err := strconv.ParseInt(getenv("UNDERHOOD_CACHE_MAX_MB"), 10, 64); err == nil && n > 0 {
		c.MaxBytes = n << 20
	}
	if n, err := strconv.Atoi(getenv("UNDERHOOD_CACHE_MAX_ENTRIES")); err == nil && n > 0 {
		c.MaxEntries = n
	}
	if _, err := os.Stat(filepath.Join(c.root, "tmp")); err != nil {
		for _, d := range []string{"entries", "blobs", "tmp"} {
			if err := os.MkdirAll(filepath.Join(c.root, d), 0o755); err != nil {
				return nil, err
			}
		}
		// Like pytest's cache: the folder ignores itself, so no project needs a .gitignore line for it.
		writeAtomic(filepath.Join(abs, ".gitignore"), []byte("# written by underhood: the synth cache can be deleted at any time\n*\n"), 0o644)
		writeAtomic(filepath.Join(abs, "CACHEDIR.TAG"), []byte("Signature: 8a477f597d28d172789f06886806bc55\n# underhood synth cache (https://bford.info/cachedir/)\n"), 0o644)
	}
	c.memo = loadMemo(filepath.Join(c.root, "memo"))
	return c, nil
}

// Dir is the cache folder (absolute).
func (c *Cache) Dir() string { return c.dir }

// excludes are the absolute paths no key input may include: the cache and the output folder.
func (c *Cache) excludes(req *Request) []string {
	out := []string{c.dir}
	if o, err := filepath.Abs(req.OutDir()); err == nil {
		out = append(out, o)
	}
	return out
}

// SaveMemo writes the file hash memo if it changed.
func (c *Cache) SaveMemo() { c.memo.save() }

// entry is one cached synthesis.
type entry struct {
	Format string `json:"format"`
	Key    Key    `json:"key"`
	Items  []item `json:"items"`
	Output Output `json:"output"`
	Bytes  int64  `json:"bytes"` // total size of the assembly's files
}

// item is one file, folder or symlink of the assembly.
type item struct {
	Path   string      `json:"path"` // slash-separated, relative to the assembly folder
	Kind   string      `json:"kind"` // dir, file or link
	Mode   fs.FileMode `json:"mode,omitempty"`
	Size   int64       `json:"size,omitempty"`
	Sum    string      `json:"sum,omitempty"`
	Target string      `json:"target,omitempty"`
}

func (c *Cache) entryPath(sum string) string { return filepath.Join(c.root, "entries", sum+".json") }

func (c *Cache) blobPath(sum string) string {
	return filepath.Join(c.root, "blobs", sum[:2], sum)
}

// errCorrupt marks an entry that cannot be served; it is removed.
var errCorrupt = errors.New("corrupt cache entry")

func (c *Cache) readEntry(key Key) (*entry, error) {
	data, err := os.ReadFile(c.entryPath(key.Sum))
	if err != nil {
		return nil, err
	}
	var e entry
	if err := json.Unmarshal(data, &e); err != nil || e.Format != formatVersion || e.Key.Sum != key.Sum || !validItems(e.Items) {
		return nil, errCorrupt
	}
	return &e, nil
}

// validItems refuses paths that would leave the output folder: absolute, with "..", or below one of the
// entry's own symlinks (which may point anywhere).
func validItems(items []item) bool {
	links := map[string]bool{}
	for _, it := range items {
		if it.Kind == "link" {
			links[it.Path] = true
		}
	}
	for _, it := range items {
		p := it.Path
		parts := strings.Split(p, "/")
		if p == "" || strings.HasPrefix(p, "/") || slices.Contains(parts, "..") || strings.ContainsRune(p, '\\') {
			return false
		}
		for i := 1; i < len(parts); i++ {
			if links[strings.Join(parts[:i], "/")] {
				return false
			}
		}
		switch it.Kind {
		case "dir", "link":
		case "file":
			if len(it.Sum) != 64 {
				return false
			}
			if _, err := hex.DecodeString(it.Sum); err != nil {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Restore writes the assembly of key's entry into outDir and returns what the synth that made it
// printed. ok is false when there is no entry or it cannot be served (a corrupt entry is removed); the
// output folder may then hold some of the entry's files, which the synthesis that follows rewrites.
func (c *Cache) Restore(key Key, outDir string) (out Output, ok bool) {
	e, err := c.readEntry(key)
	if errors.Is(err, errCorrupt) {
		os.Remove(c.entryPath(key.Sum))
	}
	if err != nil {
		return nil, false
	}
	// Every blob must be there before the output folder is touched (content is checked while copying).
	for _, it := range e.Items {
		if it.Kind != "file" {
			continue
		}
		if fi, err := os.Stat(c.blobPath(it.Sum)); err != nil || fi.Size() != it.Size {
			os.Remove(c.entryPath(key.Sum))
			return nil, false
		}
	}
	if err := c.writeItems(e.Items, outDir); err != nil {
		if errors.Is(err, errCorrupt) {
			os.Remove(c.entryPath(key.Sum))
		}
		return nil, false
	}
	now := time.Now()
	os.Chtimes(c.entryPath(key.Sum), now, now) // least recently used goes first
	return e.Output, true
}

// writeItems writes items into outDir the way a synthesis into an existing folder leaves it: every file
// of the assembly that does not hold its bytes already is (re)written, each atomically (temp file +
// rename), and nothing else is touched. As the CDK does, an asset folder (asset.HASH, named by its
// content's hash) that is already there is kept: its files are only rewritten when their size differs.
func (c *Cache) writeItems(items []item, outDir string) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for _, it := range items {
		dest := filepath.Join(outDir, filepath.FromSlash(it.Path))
		switch it.Kind {
		case "dir":
			if fi, err := os.Lstat(dest); err == nil && !fi.IsDir() {
				os.Remove(dest)
			}
			if err := os.MkdirAll(dest, 0o755); err != nil {
				return err
			}
		case "link":
			if t, err := os.Readlink(dest); err == nil && t == it.Target {
				continue
			}
			os.RemoveAll(dest)
			if err := os.Symlink(it.Target, dest); err != nil {
				return err
			}
		case "file":
			fi, err := os.Lstat(dest)
			if err == nil && fi.Mode().IsRegular() && fi.Size() == it.Size {
				if strings.HasPrefix(it.Path, "asset.") && strings.Contains(it.Path, "/") {
					continue
				}
				// The same bytes already (the usual case when nothing changed): the file is left as it
				// is. The memo answers for a file it has seen with this metadata, else it is read.
				if sum, err := c.memo.fileSum(dest); err == nil && fi.Mode().Perm() == it.Mode.Perm() && hex.EncodeToString(sum[:]) == it.Sum {
					continue
				}
			}
			if err := c.copyBlob(it, dest); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyBufs are copyFile's buffers.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// copyFile copies f to w in 1 MiB reads; io.Copy would read 32 KiB at a time.
func copyFile(w io.Writer, f *os.File) error {
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	_, err := io.CopyBuffer(w, struct{ io.Reader }{f}, *buf)
	return err
}

// copyBlob writes the blob of it to dest (temp file + rename), checking its content against its name.
func (c *Cache) copyBlob(it item, dest string) error {
	src, err := os.Open(c.blobPath(it.Sum))
	if err != nil {
		return errCorrupt
	}
	defer src.Close()
	if fi, err := os.Lstat(dest); err == nil && fi.IsDir() {
		os.RemoveAll(dest)
	}
	return replaceFile(dest, it.Mode.Perm(), func(w io.Writer) error {
		h := sha256.New()
		if err := copyFile(io.MultiWriter(w, h), src); err != nil {
			return err
		}
		if hex.EncodeToString(h.Sum(nil)) != it.Sum {
			return errCorrupt
		}
		return nil
	})
}

// Stage makes a fresh folder for a synthesis to write its assembly to. It is inside the cache, so
// Prepare links the files into the cache instead of copying them.
func (c *Cache) Stage() (string, error) {
	return os.MkdirTemp(filepath.Join(c.root, "tmp"), "synth-")
}

// Pending is a synthesis whose files are in the cache but whose entry is not published yet.
type Pending struct {
	c     *Cache
	entry entry
}

// Prepare adds the assembly synthesized into staged (from Stage) to the cache's blobs and returns
// the entry for key, unpublished: Restore then writes it to the output folder exactly as a hit would,
// and Publish makes it a hit for the next synth once the synthesis turned out successful.
func (c *Cache) Prepare(key Key, staged string) (*Pending, error) {
	p := &Pending{c: c, entry: entry{Format: formatVersion, Key: key}}
	err := filepath.WalkDir(staged, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == staged {
			return nil
		}
		rel, err := filepath.Rel(staged, path)
		if err != nil {
			return err
		}
		it := item{Path: filepath.ToSlash(rel)}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			it.Kind = "link"
			if it.Target, err = os.Readlink(path); err != nil {
				return err
			}
		case d.IsDir():
			it.Kind = "dir"
		case d.Type().IsRegular():
			it.Kind, it.Mode, it.Size = "file", fi.Mode().Perm(), fi.Size()
			if it.Sum, err = c.storeBlob(path, fi.Size()); err != nil {
				return err
			}
			p.entry.Bytes += fi.Size()
		default:
			return fmt.Errorf("%s: not a file, folder or symlink", path)
		}
		p.entry.Items = append(p.entry.Items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// storeBlob adds the file at path to the blobs (or, when the blob exists, marks it as just used) and
// returns its SHA-256.
func (c *Cache) storeBlob(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dest := c.blobPath(sum)
	now := time.Now()
	if fi, err := os.Stat(dest); err == nil && fi.Size() == size && os.Chtimes(dest, now, now) == nil {
		return sum, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", err
	}
	// A hard link into tmp/, renamed into place: no copy, the staged file stays usable (WriteDir falls
	// back on it), and a reader never sees a partial blob. Copy where links are not supported.
	tmp := filepath.Join(c.root, "tmp", "blob-"+sum+"-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatInt(now.UnixNano(), 36))
	if err := os.Link(path, tmp); err != nil {
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			return "", rerr
		}
		if err := os.WriteFile(tmp, data, 0o444); err != nil {
			os.Remove(tmp)
			return "", err
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return sum, nil
}

// WriteDir writes the assembly in src into outDir the way Restore does, straight from a folder: the
// fallback when the cache cannot take a synthesis.
func WriteDir(src, outDir string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == src {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		dest := filepath.Join(outDir, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			t, err := os.Readlink(path)
			if err != nil {
				return err
			}
			os.RemoveAll(dest)
			return os.Symlink(t, dest)
		case d.IsDir():
			return os.MkdirAll(dest, 0o755)
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		return copyTo(path, dest, fi.Mode().Perm())
	})
}

// copyTo copies the file src to dest (temp file + rename), in copyFile's large reads.
func copyTo(src, dest string, perm fs.FileMode) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	return replaceFile(dest, perm, func(w io.Writer) error { return copyFile(w, f) })
}

// Restore writes the pending assembly into outDir, as Cache.Restore does for a published one.
func (p *Pending) Restore(outDir string) error { return p.c.writeItems(p.entry.Items, outDir) }

// Publish records the entry with what the synth printed, then evicts what exceeds the bounds.
func (p *Pending) Publish(out Output) error {
	p.entry.Output = out
	data, err := json.Marshal(p.entry)
	if err != nil {
		return err
	}
	if err := writeAtomic(p.c.entryPath(p.entry.Key.Sum), data, 0o644); err != nil {
		return err
	}
	p.c.evict(p.entry.Key.Sum)
	return nil
}

// evict removes the least recently used entries past MaxEntries or MaxBytes (never keep, the entry
// just published), then the blobs no entry references, and staging folders left by crashed synths.
func (c *Cache) evict(keep string) {
	type ent struct {
		sum   string
		used  time.Time
		blobs []string
	}
	dir := filepath.Join(c.root, "entries")
	files, _ := os.ReadDir(dir)
	var ents []ent
	for _, f := range files {
		sum, ok := strings.CutSuffix(f.Name(), ".json")
		if !ok {
			continue
		}
		fi, err := f.Info()
		if err != nil {
			continue
		}
		e := ent{sum: sum, used: fi.ModTime()}
		if data, err := os.ReadFile(filepath.Join(dir, f.Name())); err == nil {
			var en entry
			if json.Unmarshal(data, &en) == nil {
				for _, it := range en.Items {
					if it.Kind == "file" {
						e.blobs = append(e.blobs, it.Sum)
					}
				}
			}
		}
		ents = append(ents, e)
	}
	// Most recently used first; ties by key so the order never depends on the directory listing.
	slices.SortFunc(ents, func(a, b ent) int {
		if c := b.used.Compare(a.used); c != 0 {
			return c
		}
		return strings.Compare(a.sum, b.sum)
	})
	if i := slices.IndexFunc(ents, func(e ent) bool { return e.sum == keep }); i > 0 {
		k := ents[i]
		ents = append([]ent{k}, slices.Delete(ents, i, i+1)...)
	}
	blobSizes := c.blobSizes()
	for {
		referenced := map[string]bool{}
		var total int64
		for _, e := range ents {
			for _, b := range e.blobs {
				if !referenced[b] {
					referenced[b] = true
					total += blobSizes[b]
				}
			}
		}
		if len(ents) > 1 && (len(ents) > c.MaxEntries || total > c.MaxBytes) {
			last := ents[len(ents)-1]
			os.Remove(c.entryPath(last.sum))
			ents = ents[:len(ents)-1]
			continue
		}
		// Unreferenced blobs go, unless a synth may be about to publish an entry that uses them.
		cutoff := time.Now().Add(-blobGrace)
		for _, b := range slices.Sorted(maps.Keys(blobSizes)) {
			if referenced[b] {
				continue
			}
			if fi, err := os.Stat(c.blobPath(b)); err == nil && fi.ModTime().Before(cutoff) {
				os.Remove(c.blobPath(b))
			}
		}
		break
	}
	tmps, _ := os.ReadDir(filepath.Join(c.root, "tmp"))
	for _, t := range tmps {
		if fi, err := t.Info(); err == nil && time.Since(fi.ModTime()) > tmpGrace {
			os.RemoveAll(filepath.Join(c.root, "tmp", t.Name()))
		}
	}
}

func (c *Cache) blobSizes() map[string]int64 {
	sizes := map[string]int64{}
	dirs, _ := os.ReadDir(filepath.Join(c.root, "blobs"))
	for _, d := range dirs {
		files, _ := os.ReadDir(filepath.Join(c.root, "blobs", d.Name()))
		for _, f := range files {
			if fi, err := f.Info(); err == nil {
				sizes[f.Name()] = fi.Size()
			}
		}
	}
	return sizes
}

// writeAtomic writes data to path through a temporary file and a rename. Unlike fsutil.WriteFileAtomic
// it does not fsync: everything here can be regenerated, and a torn file fails its checksum.
func writeAtomic(path string, data []byte, perm fs.FileMode) error {
	return replaceFile(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// replaceFile writes path through a temporary file beside it, filled by write, and a rename, so a
// reader sees the old file or the whole new one; when write fails, path is left as it was.
func replaceFile(path string, perm fs.FileMode, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	err = write(tmp)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

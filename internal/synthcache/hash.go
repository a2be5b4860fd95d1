package synthcache

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// digest accumulates key material unambiguously: every field is length-prefixed, so no two different
// sequences of fields produce the same bytes.
type digest struct{ h hash.Hash }

func newDigest() *digest { return &digest{h: sha256.New()} }

func (d *digest) field(s string) {
	var n [binary.MaxVarintLen64]byte
	d.h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
	d.h.Write([]byte(s))
}

func (d *digest) fields(ss ...string) {
	for _, s := range ss {
		d.field(s)
	}
}

func (d *digest) sum() string { return fmt.Sprintf("%x", d.h.Sum(nil)) }

// hasher hashes files and folders for the key, through the memo.
type hasher struct {
	memo *memo
	// exclude holds absolute paths that are never inputs: the output folder and the cache folder (a
	// function whose source is the project root must not see its own previous output).
	exclude []string
}

func (h *hasher) excluded(abs string) bool {
	return slices.Contains(h.exclude, abs)
}

// walkOpts says how tree walks a folder.
type walkOpts struct {
	// follow hashes what symlinks point to (files and folders), as bundlers and compilers read them.
	follow bool
	// skipDir leaves out a sub-folder (rel is slash-separated, relative to the root).
	skipDir func(abs, rel, name string) bool
	// keepFile, when set, leaves out the files it rejects.
	keepFile func(rel, name string) bool
}

// tree adds every entry under root to d, in sorted order: its relative path, its kind, whether it is
// executable, and its content hash (or a symlink's target). A missing root is recorded as missing.
func (h *hasher) tree(d *digest, root string, o walkOpts) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	fi, err := statOrRecord(d, abs, "missing", root)
	if fi == nil {
		return err
	}
	if !fi.IsDir() {
		return h.file(d, abs, ".", fi)
	}
	return h.dir(d, abs, "", o, nil)
}

func (h *hasher) dir(d *digest, abs, rel string, o walkOpts, stack []string) error {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return err
	}
	if slices.Contains(stack, real) {
		d.fields("cycle", rel)
		return nil
	}
	stack = append(stack, real)
	entries, err := os.ReadDir(abs) // sorted by name
	if err != nil {
		return err
	}
	d.fields("dir", rel)
	for _, e := range entries {
		name := e.Name()
		childAbs := filepath.Join(abs, name)
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		if h.excluded(childAbs) {
			continue
		}
		// A followed link counts as what it points to (its fi); a link's target is never "special".
		var fi os.FileInfo
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(childAbs)
			if err != nil {
				return err
			}
			d.fields("link", childRel, target)
			if !o.follow {
				continue
			}
			if fi, err = os.Stat(childAbs); err != nil {
				d.fields("dangling")
				continue
			}
			isDir = fi.IsDir()
		} else if !isDir && !e.Type().IsRegular() {
			d.fields("special", childRel) // sockets, fifos: never content
			continue
		}
		if isDir {
			if o.skipDir != nil && o.skipDir(childAbs, childRel, name) {
				continue
			}
			if err := h.dir(d, childAbs, childRel, o, stack); err != nil {
				return err
			}
			continue
		}
		if o.keepFile != nil && !o.keepFile(childRel, name) {
			continue
		}
		if fi == nil {
			var err error
			if fi, err = e.Info(); err != nil {
				return err
			}
		}
		if err := h.file(d, childAbs, childRel, fi); err != nil {
			return err
		}
	}
	return nil
}

func (h *hasher) file(d *digest, abs, rel string, fi os.FileInfo) error {
	sum, err := h.memo.fileSum(abs)
	if err != nil {
		return err
	}
	exec := "-"
	if fi.Mode().Perm()&0o111 != 0 {
		exec = "x"
	}
	d.fields("file", rel, exec, fmt.Sprintf("%x", sum))
	return nil
}

// optional adds the file at path if it exists, and records its absence otherwise.
func (h *hasher) optional(d *digest, path string) error {
	fi, err := statOrRecord(d, path, "absent", path)
	if fi == nil {
		return err
	}
	if fi.IsDir() {
		d.fields("folder", path)
		return nil
	}
	sum, err := h.memo.fileSum(path)
	if err != nil {
		return err
	}
	d.fields("present", path, fmt.Sprintf("%x", sum))
	return nil
}

// statOrRecord stats path. A path that does not exist is part of the digest, not an error: it adds
// fields to d and returns a nil FileInfo and a nil error; any other error comes with a nil FileInfo.
func statOrRecord(d *digest, path string, fields ...string) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		d.fields(fields...)
		return nil, nil
	}
	return fi, err
}

// ancestors lists dir's parent folders, nearest first, up to the file system root.
func ancestors(dir string) []string {
	var out []string
	for {
		parent := filepath.Dir(dir)
		if parent == dir {
			return out
		}
		out = append(out, parent)
		dir = parent
	}
}

func hasPrefixDir(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator))
}

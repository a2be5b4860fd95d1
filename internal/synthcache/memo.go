package synthcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// statID identifies one version of a file by its metadata.
type statID struct {
	Size, Mtime, Ctime int64
	Ino, Dev           uint64
}

// memo remembers the SHA-256 of files by path and statID, so a warm run stats files instead of reading
// them (underhood's own binary is over 100 MB). Like git's index it trusts a file's metadata only once
// the file is older than racyWindow: a file written twice within the file system's timestamp granularity
// could otherwise keep the first version's metadata and hash.
type memo struct {
	path    string
	mu      sync.Mutex
	entries map[string]memoEntry
	dirty   bool
}

type memoEntry struct {
	id  statID
	sum [32]byte
}

// racyWindow: files changed more recently than this are hashed again on every run until they settle.
// A variable so tests can exercise the memo without waiting.
var racyWindow = 2 * time.Second

// maxMemoEntries bounds the memo file; past it the oldest-inserted half is dropped (it is only a cache).
const maxMemoEntries = 200000

func loadMemo(path string) *memo {
	m := &memo{path: path, entries: map[string]memoEntry{}}
	data, err := os.ReadFile(path)
	if err != nil {
		return m
	}
	// One line per file: sha256 size mtime ctime ino dev path. A malformed line is skipped.
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		f := strings.SplitN(string(line), " ", 7)
		if len(f) != 7 {
			continue
		}
		var e memoEntry
		sum, err := hex.DecodeString(f[0])
		if err != nil || len(sum) != len(e.sum) {
			continue
		}
		copy(e.sum[:], sum)
		var errs [5]error
		e.id.Size, errs[0] = strconv.ParseInt(f[1], 10, 64)
		e.id.Mtime, errs[1] = strconv.ParseInt(f[2], 10, 64)
		e.id.Ctime, errs[2] = strconv.ParseInt(f[3], 10, 64)
		e.id.Ino, errs[3] = strconv.ParseUint(f[4], 10, 64)
		e.id.Dev, errs[4] = strconv.ParseUint(f[5], 10, 64)
		if slices.ContainsFunc(errs[:], func(err error) bool { return err != nil }) {
			continue
		}
		m.entries[f[6]] = e
	}
	return m
}

// save writes the memo when it changed (temp file + rename; concurrent writers: the last one wins,
// which only costs the other's hashes a recomputation).
func (m *memo) save() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.dirty || m.path == "" {
		return
	}
	paths := make([]string, 0, len(m.entries))
	for p := range m.entries {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if len(paths) > maxMemoEntries {
		paths = paths[len(paths)-maxMemoEntries/2:]
	}
	var b bytes.Buffer
	for _, p := range paths {
		e := m.entries[p]
		fmt.Fprintf(&b, "%x %d %d %d %d %d %s\n", e.sum, e.id.Size, e.id.Mtime, e.id.Ctime, e.id.Ino, e.id.Dev, p)
	}
	if err := writeAtomic(m.path, b.Bytes(), 0o644); err == nil {
		m.dirty = false
	}
}

// fileSum returns the SHA-256 of the file at path (symlinks followed), from the memo when the file's
// statID matches and the file is old enough to be trusted.
func (m *memo) fileSum(path string) ([32]byte, error) {
	var zero [32]byte
	abs, err := filepath.Abs(path)
	if err != nil {
		return zero, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return zero, err
	}
	id, idOK := fileID(fi)
	if idOK {
		m.mu.Lock()
		e, ok := m.entries[abs]
		m.mu.Unlock()
		if ok && e.id == id {
			return e.sum, nil
		}
	}
	f, err := os.Open(abs)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return zero, err
	}
	var sum [32]byte
	h.Sum(sum[:0])
	// Remember it only if the file did not change while it was read and has settled.
	if fi2, err := f.Stat(); err == nil && idOK {
		id2, _ := fileID(fi2)
		settled := time.Now().Add(-racyWindow).UnixNano()
		if id2 == id && id.Mtime < settled && id.Ctime < settled && !strings.ContainsAny(abs, "\n\r") {
			m.mu.Lock()
			m.entries[abs] = memoEntry{id: id, sum: sum}
			m.dirty = true
			m.mu.Unlock()
		}
	}
	return sum, nil
}

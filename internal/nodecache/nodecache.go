// Package nodecache gives the Node process underhood starts for the CDK (the jsii kernel) a V8 code
// cache: every CommonJS module the kernel compiles (aws-cdk-lib, constructs, cdk-nag, the jsii runtime)
// is stored compiled, keyed by its content, and the next synth reads it back instead of compiling the
// same libraries again. It changes how fast Node starts working, never what a synth writes.
//
// The cache is a folder of its own inside the synth cache's (.underhood-cache/node): one subfolder per
// Node version and CPU, written by preload.js (embedded below) with atomic renames, so concurrent synths
// share it safely. It imports nothing of the CDK.
package nodecache

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

//go:embed preload.js
var preload []byte

// Bounds: a Node version's folder nobody used for unusedAfter, or grown past maxBytes (old library
// versions pile up in it), is removed; the next synth fills it again.
const (
	unusedAfter = 30 * 24 * time.Hour
	maxBytes    = 256 << 20
)

// Env is what to add to the environment of the Node process so that it uses the code cache in dir: its
// NODE_OPTIONS (the caller's own, with preload.js required first) and the folder. It writes preload.js
// into dir (once per content) and prunes the folder. An error leaves the environment as it was: the
// synth then runs without the cache.
func Env(dir, nodeOptions string) ([]string, error) {
	// Node reads a relative --require as a package name, and the kernel runs in another folder.
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	prune(dir, time.Now())
	// Named by content: builds that embed the same script share it, and it is never rewritten in place.
	sum := sha256.Sum256(preload)
	script := filepath.Join(dir, "preload-"+hex.EncodeToString(sum[:8])+".js")
	if _, err := os.Stat(script); err != nil {
		if err := writeAtomic(script, preload); err != nil {
			return nil, err
		}
	}
	options := "--require " + quoteNodeOption(script)
	switch {
	case strings.Contains(nodeOptions, options):
		options = nodeOptions // already set up, by an earlier call in this process
	case nodeOptions != "":
		options += " " + nodeOptions
	default:
		// jsii-runtime-go's own NODE_OPTIONS, which it sets only when the environment has none.
		options += " --max-old-space-size=4069"
	}
	return []string{"NODE_OPTIONS=" + options, "UNDERHOOD_NODE_CODE_CACHE_DIR=" + dir}, nil
}

// quoteNodeOption quotes a value as Node's NODE_OPTIONS parser reads it: it splits on spaces outside
// double quotes, and a backslash inside them escapes the next character.
func quoteNodeOption(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".preload-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
	}
	return werr
}

// prune removes the Node-version folders that are stale or too large. The preload scripts stay: a few
// kilobytes each, one per version of the script, and a running synth may be about to start Node with one.
func prune(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if e.IsDir() && (now.Sub(info.ModTime()) > unusedAfter || folderSize(path) > maxBytes) {
			os.RemoveAll(path)
		}
	}
}

func folderSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// Enable sets the environment of this process from Env, so the Node processes it starts from now on
// use the code cache in dir. changed reports whether the environment was changed: jsii-runtime-go
// reads the environment for its kernel when the CDK packages register their types (at package init),
// so the caller must then discard that unstarted kernel (jsii.Close) before its first CDK call.
func Enable(dir string) (changed bool, err error) {
	env, err := Env(dir, os.Getenv("NODE_OPTIONS"))
	if err != nil {
		return false, err
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if os.Getenv(k) == v {
			continue
		}
		if err := os.Setenv(k, v); err != nil {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}

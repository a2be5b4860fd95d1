package synthcache

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// formatVersion names the key derivation and the entry layout; change it whenever either changes, so an
// older underhood never reads a newer entry as its own (or the other way round).
const formatVersion = "underhood synth cache 1"

// Request is one synth invocation, as `underhood synth` and `underhood-synth` both see it.
type Request struct {
	Spec  string // the spec path, as given
	Stage string // --stage ("" = the CDK context's stage, else the spec's default)
	Out   string // --out, as given
	Quiet bool
	NoNag bool
	// Engine is the underhood binary that synthesizes on a miss; its content is part of the key, and so
	// are the aws-cdk-lib, cdk-nag and jsii runtime embedded in it.
	Engine string
	// Env is the environment synth runs with (KEY=VALUE, as os.Environ returns it).
	Env []string
}

func (r *Request) getenv(name string) string {
	for i := len(r.Env) - 1; i >= 0; i-- { // the last setting wins, as in os/exec
		if k, v, ok := strings.Cut(r.Env[i], "="); ok && k == name {
			return v
		}
	}
	return ""
}

// OutDir is the cloud assembly folder as the user named it: --out, else $CDK_OUTDIR (set by the CDK
// CLI), else cdk.out.
func (r *Request) OutDir() string {
	switch {
	case r.Out != "":
		return r.Out
	case r.getenv("CDK_OUTDIR") != "":
		return r.getenv("CDK_OUTDIR")
	}
	return "cdk.out"
}

// EffectiveStage is --stage, else the stage in the CDK context (cdk synth -c stage=NAME), else "" (the
// spec's default).
func (r *Request) EffectiveStage() string {
	if r.Stage != "" {
		return r.Stage
	}
	return ContextStage(r.getenv("CDK_CONTEXT_JSON"))
}

// ContextStage reads -c stage=NAME from the context the CDK CLI hands its app in CDK_CONTEXT_JSON.
func ContextStage(contextJSON string) string {
	if contextJSON == "" {
		return ""
	}
	var ctx map[string]any
	if json.Unmarshal([]byte(contextJSON), &ctx) != nil {
		return ""
	}
	s, _ := ctx["stage"].(string)
	return s
}

// Key addresses one cache entry. Inputs name everything that went into Sum, in order (for
// UNDERHOOD_CACHE_DEBUG and the entry's record); each input's Sum is a SHA-256.
type Key struct {
	Sum    string  `json:"sum"`
	Inputs []Input `json:"inputs"`
}

// Input is one named part of a key.
type Input struct {
	Name string `json:"name"`
	Sum  string `json:"sum"`
}

// Key computes the key of req for app (the spec as loaded for req's stage). It covers everything that can
// change the cloud assembly or what synth prints: the spec's bytes, every function's source tree and what
// building it reads (lock files, node_modules, go.mod/go.sum and the Go module, requirements), the
// underhood binary (and so aws-cdk-lib, cdk-nag and jsii), the Node and Go toolchains, the CDK context
// and the relevant environment, and the flags. The order is fixed and no map is ranged over.
func (c *Cache) Key(req *Request, app *spec.App) (Key, error) {
	h := &hasher{memo: c.memo, exclude: c.excludes(req)}
	var k Key
	add := func(name string, fill func(d *digest) error) error {
		d := newDigest()
		if err := fill(d); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		k.Inputs = append(k.Inputs, Input{Name: name, Sum: d.sum()})
		return nil
	}
	steps := []struct {
		name string
		fill func(d *digest) error
	}{
		{"format", func(d *digest) error { d.field(formatVersion); return nil }},
		// Its content only: underhood-synth names it by the path it found, underhood synth by
		// os.Executable, which resolves symlinks.
		{"underhood binary", func(d *digest) error {
			sum, err := h.memo.fileSum(req.Engine)
			d.field(fmt.Sprintf("%x", sum))
			return err
		}},
		{"node", func(d *digest) error { return h.tool(d, req, "node", req.getenv("JSII_NODE")) }},
		{"spec", func(d *digest) error {
			abs, err := filepath.Abs(req.Spec)
			if err != nil {
				return err
			}
			d.field(abs)
			return h.optional(d, abs)
		}},
		{"flags", func(d *digest) error {
			d.fields("stage", req.Stage, "out", req.Out, "quiet", strconv.FormatBool(req.Quiet), "no-nag", strconv.FormatBool(req.NoNag))
			return nil
		}},
		{"environment", func(d *digest) error { return h.env(d, req, app) }},
	}
	for _, s := range steps {
		if err := add(s.name, s.fill); err != nil {
			return Key{}, err
		}
	}
	for _, fn := range app.Functions {
		if err := add("function "+fn.Name, func(d *digest) error { return h.function(d, req, fn) }); err != nil {
			return Key{}, err
		}
	}
	d := newDigest()
	for _, in := range k.Inputs {
		d.fields(in.Name, in.Sum)
	}
	k.Sum = d.sum()
	return k, nil
}

// envPrefixes are the variables synth (the CDK app, the jsii kernel, Node) reads; Go and Python builds
// add theirs when the spec has such functions. Changing any of them gives a new key.
var envPrefixes = []string{"CDK_", "JSII_", "NODE_"}

func (h *hasher) env(d *digest, req *Request, app *spec.App) error {
	prefixes := slices.Clone(envPrefixes)
	for _, fn := range app.Functions {
		switch fn.Runtime {
		case "go":
			prefixes = append(prefixes, "GO", "CGO_")
		case "python":
			prefixes = append(prefixes, "PIP_", "PYTHON", "UV_")
		}
	}
	var vars []string
	for _, kv := range req.Env {
		k, _, _ := strings.Cut(kv, "=")
		if slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			vars = append(vars, k)
		}
	}
	slices.Sort(vars)
	vars = slices.Compact(vars)
	for _, k := range vars {
		d.fields(k, req.getenv(k))
	}
	// The CDK CLI moves context that does not fit in the environment to a temporary file whose name
	// changes on every run: its content is the input, not its name.
	if p := req.getenv("CONTEXT_OVERFLOW_LOCATION_ENV"); p != "" {
		sum, err := h.memo.fileSum(p)
		if err != nil {
			return err
		}
		d.fields("context overflow", fmt.Sprintf("%x", sum))
	}
	return nil
}

// tool adds the identity of the program name as the environment resolves it (override, when set, is a
// path or a name that replaces name): the content of the binary, so an upgraded Node or Go is a new key.
func (h *hasher) tool(d *digest, req *Request, name, override string) error {
	if override != "" {
		name = override
	}
	path := lookPath(name, req.getenv("PATH"))
	if path == "" {
		d.fields("not found", name)
		return nil
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	d.field(real)
	return h.optional(d, real)
}

// lookPath is exec.LookPath against the given PATH rather than the process's.
func lookPath(name, pathEnv string) string {
	if strings.ContainsRune(name, filepath.Separator) {
		if isExecutable(name) {
			abs, _ := filepath.Abs(name)
			return abs
		}
		return ""
	}
	names := []string{name}
	if runtime.GOOS == "windows" && filepath.Ext(name) == "" {
		names = []string{name + ".exe", name + ".cmd"}
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		for _, n := range names {
			if p := filepath.Join(dir, n); isExecutable(p) {
				abs, _ := filepath.Abs(p)
				return abs
			}
		}
	}
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0 // Windows has no execute bits
}

// function adds one function: its runtime and source tree, and what building it reads besides.
func (h *hasher) function(d *digest, req *Request, fn spec.Function) error {
	src, err := filepath.Abs(filepath.Join(fn.SourceRoot, fn.Source))
	if err != nil {
		return err
	}
	d.fields(fn.Runtime, src)
	// The whole folder, node_modules included, symlinks followed: whatever the build or the bundler can
	// read from it.
	if err := h.tree(d, src, walkOpts{follow: true}); err != nil {
		return err
	}
	switch fn.Runtime {
	case "go":
		return h.goBuild(d, req, src)
	case "nodejs":
		return h.nodeResolution(d, src)
	case "python":
		return h.tool(d, req, "python3", "")
	}
	return nil
}

// Files in the folders above a nodejs function that decide how its imports resolve.
var (
	nodeManifests = []string{
		"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
		"pnpm-workspace.yaml", "bun.lock", "bun.lockb", "tsconfig.json", "jsconfig.json", ".npmrc", ".yarnrc.yml",
	}
	// What package managers write into node_modules on every install.
	nodeInstallMarkers = []string{".package-lock.json", ".modules.yaml", ".yarn-state.yml", ".yarn-integrity"}
)

// nodeResolution adds what Node's resolution can read above the function's folder: the manifests and
// lock files of every parent folder, and of each parent's node_modules the package managers' install
// records and every top-level package's package.json (name, version, entry points). The files of
// packages in a parent's node_modules are not hashed one by one: a change there without a reinstall
// (hand-patching an installed package) is not seen; the function's own node_modules is hashed in full.
func (h *hasher) nodeResolution(d *digest, src string) error {
	for _, dir := range ancestors(src) {
		if h.excluded(dir) {
			continue
		}
		for _, name := range nodeManifests {
			if err := h.optional(d, filepath.Join(dir, name)); err != nil {
				return err
			}
		}
		nm := filepath.Join(dir, "node_modules")
		if fi, err := os.Stat(nm); err != nil || !fi.IsDir() {
			continue
		}
		for _, name := range nodeInstallMarkers {
			if err := h.optional(d, filepath.Join(nm, name)); err != nil {
				return err
			}
		}
		pkgs, err := os.ReadDir(nm)
		if err != nil {
			return err
		}
		for _, p := range pkgs {
			if strings.HasPrefix(p.Name(), "@") {
				scoped, err := os.ReadDir(filepath.Join(nm, p.Name()))
				if err != nil {
					continue // a file named @something: not a scope
				}
				for _, s := range scoped {
					if err := h.optional(d, filepath.Join(nm, p.Name(), s.Name(), "package.json")); err != nil {
						return err
					}
				}
				continue
			}
			if !strings.HasPrefix(p.Name(), ".") {
				if err := h.optional(d, filepath.Join(nm, p.Name(), "package.json")); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// goBuild adds what `go build` in src reads besides src: the Go toolchain, the go env file, and the
// module the function belongs to (its go.mod and go.sum, and the module's other folders a package main
// may import), the modules its go.mod replaces with local folders, and the workspace (go.work) if any.
func (h *hasher) goBuild(d *digest, req *Request, src string) error {
	if err := h.tool(d, req, "go", ""); err != nil {
		return err
	}
	goenv := req.getenv("GOENV")
	if goenv == "" {
		if cfg, err := os.UserConfigDir(); err == nil {
			goenv = filepath.Join(cfg, "go", "env")
		}
	}
	if goenv != "" && goenv != "off" {
		if err := h.optional(d, goenv); err != nil {
			return err
		}
	}
	root := ""
	for _, dir := range append([]string{src}, ancestors(src)...) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			root = dir
			break
		}
	}
	if root == "" {
		d.field("no go.mod") // GOPATH mode: the build fails, and nothing is cached
		return nil
	}
	done := map[string]bool{}
	if err := h.goModule(d, root, done); err != nil {
		return err
	}
	work := req.getenv("GOWORK")
	if work == "" {
		for _, dir := range append([]string{root}, ancestors(root)...) {
			if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
				work = filepath.Join(dir, "go.work")
				break
			}
		}
	}
	if work != "" && work != "off" {
		if err := h.optional(d, work); err != nil {
			return err
		}
		h.optional(d, work+".sum")
		for _, use := range localPaths(work, "use") {
			if err := h.goModule(d, use, done); err != nil {
				return err
			}
		}
	}
	return nil
}

// goModule adds the module rooted at root (once): every file in it except in folders the go command
// ignores (names starting with . or _, testdata), nested modules, node_modules and cdk.out; then the
// local folders its go.mod replaces modules with.
func (h *hasher) goModule(d *digest, root string, done map[string]bool) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	if done[abs] {
		return nil
	}
	done[abs] = true
	d.fields("module", abs)
	err = h.tree(d, abs, walkOpts{skipDir: func(dirAbs, _, name string) bool {
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" ||
			name == "node_modules" || name == "cdk.out" {
			return true
		}
		_, err := os.Stat(filepath.Join(dirAbs, "go.mod"))
		return err == nil
	}})
	if err != nil {
		return err
	}
	for _, dir := range localPaths(filepath.Join(abs, "go.mod"), "replace") {
		if err := h.goModule(d, dir, done); err != nil {
			return err
		}
	}
	return nil
}

// localPaths reads the local folders named by a go.mod's replace directives (verb "replace") or a
// go.work's use directives (verb "use"), in both the one-line and the block form, resolved against the
// file's folder. Module paths (not starting with . or /) are not folders and are left out.
func localPaths(file, verb string) []string {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []string
	inBlock := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case inBlock && line == ")":
			inBlock = false
			continue
		case line == verb+" (":
			inBlock = true
			continue
		case inBlock:
		case strings.HasPrefix(line, verb+" "):
			line = strings.TrimSpace(strings.TrimPrefix(line, verb))
		default:
			continue
		}
		target := line
		if verb == "replace" {
			_, after, ok := strings.Cut(line, "=>")
			if !ok {
				continue
			}
			target = strings.TrimSpace(after)
		}
		if f := strings.Fields(target); len(f) > 0 {
			target = strings.Trim(f[0], `"`)
		}
		if strings.HasPrefix(target, ".") || filepath.IsAbs(target) {
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(file), target)
			}
			out = append(out, target)
		}
	}
	return out
}

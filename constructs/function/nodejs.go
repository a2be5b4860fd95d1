package function

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// NodeBundle configures how a nodejs function's handler is bundled. The zero value is the default: the
// runtime's AWS SDK left out, no source map, not minified.
type NodeBundle struct {
	// External lists the imports left out of the bundle and loaded at run time (a layer or the
	// runtime must provide them); "*" is a wildcard, as in esbuild's --external. nil means
	// AWSSDKExternal only; an empty, non-nil slice bundles everything.
	External []string
	// SourceMap writes <module>.mjs.map next to the bundle and adds --enable-source-maps to
	// NODE_OPTIONS, so stack traces name the original files and lines.
	SourceMap bool
	Minify    bool
}

// AWSSDKExternal is the AWS SDK for JavaScript v3, which the nodejs22.x runtime provides: left out of
// bundles by default.
const AWSSDKExternal = "@aws-sdk/*"

// NodeEntryExtensions are the extensions the handler's module may have, in the order they are looked
// for: TypeScript before the JavaScript a compiler may have left next to it.
var NodeEntryExtensions = []string{".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"}

// entryName is the name esbuild gives the generated entry that re-exports the handler; it shows up in
// the source map's sources, never as a file.
const entryName = "underhood-entry.js"

// The bundle is an ES module (Lambda loads .mjs files as ES modules). CommonJS code in it calls
// require for Node's built-in modules and the externals: a require made for the bundle's URL
// serves those calls. esbuild never names a symbol of the bundle "require", so this cannot collide.
const requireBanner = `import { createRequire as __underhoodCreateRequire } from "node:module"; const require = __underhoodCreateRequire(import.meta.url);`

// Lambda's Node.js runtime splits a handler at the first dot of its last path element: the module
// (a path relative to the code root, without extension) and the export (which may go on with dots).
var nodeHandlerRE = regexp.MustCompile(`^((?:[^/]+/)*[^/.]+)\.([A-Za-z_$][A-Za-z0-9_$]*)((?:\.[A-Za-z_$][A-Za-z0-9_$]*)*)$`)

// BundleError is everything esbuild refused, one problem per line: "FILE:LINE:COL: what is wrong and
// how to fix it", FILE relative to the current folder when the source folder was given that way.
type BundleError struct{ Problems []string }

func (e *BundleError) Error() string { return strings.Join(e.Problems, "\n") }

// NodeEntry returns the handler's module file in source (relative to it) and the name of its export.
func NodeEntry(source, handler string) (entry, export string, err error) {
	m := nodeHandlerRE.FindStringSubmatch(handler)
	if m == nil || slices.ContainsFunc(strings.Split(m[1], "/"), func(dir string) bool { return dir == "." || dir == ".." }) {
		return "", "", fmt.Errorf("handler %q must be MODULE.EXPORT, such as index.handler or src/api.main (the module's path is relative to the source folder, without extension)", handler)
	}
	for _, ext := range NodeEntryExtensions {
		if st, err := os.Stat(filepath.Join(source, filepath.FromSlash(m[1]+ext))); err == nil && st.Mode().IsRegular() {
			return m[1] + ext, m[2], nil
		}
	}
	return "", "", fmt.Errorf("handler %q: no %s in %s", handler, strings.Join(withExts(m[1]), ", "), source)
}

func withExts(module string) []string {
	out := make([]string, len(NodeEntryExtensions))
	for i, ext := range NodeEntryExtensions {
		out[i] = module + ext
	}
	return out
}

// BundleNode bundles the handler's module in source and everything it imports, resolved the way Node
// resolves them (node_modules), into one ES module, outDir/<module>.mjs (plus its .map with
// SourceMap), for nodejs22.x. outDir is emptied first and then holds only the bundle: the handler
// string stays as it is. TypeScript is compiled (types are not checked: run tsc for that).
//
// The output is the same bytes for the same inputs wherever source and outDir are: esbuild works
// relative to source, and the comments and source map name files relative to it. warnings are
// esbuild's, in the same FILE:LINE:COL form as errors. A failed bundle is a *BundleError.
func BundleNode(source, handler, outDir string, opts NodeBundle) (warnings []string, err error) {
	absSrc, err := filepath.Abs(source)
	if err != nil {
		return nil, err
	}
	entry, export, err := NodeEntry(source, handler)
	if err != nil {
		return nil, err
	}
	if err := resetBuildDir(absSrc, outDir); err != nil {
		return nil, err
	}
	external := opts.External
	if external == nil {
		external = []string{AWSSDKExternal}
	}
	module := strings.TrimSuffix(entry, filepath.Ext(entry))
	build := api.BuildOptions{
		// A generated entry re-exports the handler by name: an ES module without that export is an
		// error here rather than at the first invocation, and a CommonJS module's exports.handler
		// becomes a named export of the bundle (esbuild alone would only export it as default).
		Stdin: &api.StdinOptions{
			Contents:   fmt.Sprintf("export { %s } from %q;\n", export, "./"+entry),
			ResolveDir: absSrc,
			Sourcefile: entryName,
			Loader:     api.LoaderJS,
		},
		Bundle:        true,
		Platform:      api.PlatformNode,
		Format:        api.FormatESModule,
		Engines:       []api.Engine{{Name: api.EngineNode, Version: "22"}},
		External:      external,
		AbsWorkingDir: absSrc,
		// Never written there (Write is false): naming the output inside source makes esbuild's
		// comments and source map paths relative to source, so they do not depend on outDir.
		Outfile:        filepath.Join(absSrc, filepath.FromSlash(module+".mjs")),
		AllowOverwrite: true,
		Write:          false,
		Banner:         map[string]string{"js": requireBanner},
		// CommonJS code may read __dirname and __filename, which ES modules do not have; only
		// free uses are replaced (a module's own const __dirname stays).
		Define:            map[string]string{"__dirname": "import.meta.dirname", "__filename": "import.meta.filename"},
		MinifyWhitespace:  opts.Minify,
		MinifyIdentifiers: opts.Minify,
		MinifySyntax:      opts.Minify,
		LogLevel:          api.LogLevelSilent,
		Color:             api.ColorNever,
	}
	if opts.SourceMap {
		build.Sourcemap = api.SourceMapLinked
	}
	res := api.Build(build)
	for _, m := range res.Warnings {
		warnings = append(warnings, nodeProblem(source, entry, export, m))
	}
	sort.Strings(warnings)
	if len(res.Errors) > 0 {
		problems := make([]string, 0, len(res.Errors))
		for _, m := range res.Errors {
			problems = append(problems, nodeProblem(source, entry, export, m))
		}
		sort.Strings(problems)
		return warnings, &BundleError{Problems: slices.Compact(problems)}
	}
	for _, f := range res.OutputFiles {
		rel, err := filepath.Rel(absSrc, f.Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			return warnings, fmt.Errorf("esbuild wrote %s outside %s", f.Path, absSrc)
		}
		dst := filepath.Join(outDir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return warnings, err
		}
		if err := os.WriteFile(dst, f.Contents, 0o644); err != nil {
			return warnings, err
		}
	}
	return warnings, nil
}

// nodeProblem turns one esbuild message into "FILE:LINE:COL: message" (column counted from 1), with a
// fix for the two mistakes everyone makes: a package that is not installed, and a handler that names
// no export.
func nodeProblem(source, entry, export string, m api.Message) string {
	text := m.Text
	loc := m.Location
	switch {
	case loc != nil && loc.File == entryName:
		// The generated entry: only the handler's export can be wrong there.
		if strings.HasPrefix(text, "No matching export") {
			return fmt.Sprintf("%s: the handler's module has no export named %q; export it (export const %s = async (event) => ...) or fix the handler", filepath.Join(source, entry), export, export)
		}
		loc = nil
	case loc != nil && strings.HasPrefix(text, "Could not resolve \""):
		if spec, ok := strings.CutPrefix(text, "Could not resolve "); ok {
			if path, err := unquote(spec); err == nil && isPackagePath(path) {
				text = missingPackage(source, loc.File, path)
			}
		}
	}
	if loc == nil {
		return fmt.Sprintf("%s: %s", filepath.Join(source, entry), text)
	}
	return fmt.Sprintf("%s:%d:%d: %s", filepath.Join(source, filepath.FromSlash(loc.File)), loc.Line, loc.Column+1, text)
}

func unquote(s string) (string, error) {
	var out string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// isPackagePath is true for a bare import ("left-pad", "@scope/pkg/sub"), false for a relative or
// absolute path.
func isPackagePath(path string) bool {
	return path != "" && !strings.HasPrefix(path, ".") && !strings.HasPrefix(path, "/") && !filepath.IsAbs(path)
}

// packageName is the package an import path names: "@scope/name" or "name", without a subpath.
func packageName(path string) string {
	parts := strings.SplitN(path, "/", 3)
	if strings.HasPrefix(path, "@") && len(parts) > 1 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// missingPackage says which package is missing and the command that installs it: the lockfile's
// install command when package.json lists the package (a fresh clone that was never installed, the
// usual case in CI), else how to add it.
func missingPackage(source, importer, path string) string {
	pkg := packageName(path)
	var manifest struct {
		Dependencies, DevDependencies, OptionalDependencies, PeerDependencies map[string]any
	}
	data, err := os.ReadFile(filepath.Join(source, "package.json"))
	if err != nil {
		return fmt.Sprintf("cannot find package %q: %s has no package.json; add one with the package: cd %s && npm install %s", pkg, source, source, pkg)
	}
	_ = json.Unmarshal(data, &manifest)
	listed := false
	for _, deps := range []map[string]any{manifest.Dependencies, manifest.DevDependencies, manifest.OptionalDependencies, manifest.PeerDependencies} {
		_, ok := deps[pkg]
		listed = listed || ok
	}
	if !listed && !strings.Contains(filepath.ToSlash(importer), "node_modules/") {
		return fmt.Sprintf("cannot find package %q: it is not in %s; add it: cd %s && npm install %s", pkg, filepath.Join(source, "package.json"), source, pkg)
	}
	return fmt.Sprintf("cannot find package %q: it is not installed in %s; install the packages first: cd %s && %s", pkg, filepath.Join(source, "node_modules"), source, installCommand(source))
}

// installCommand is the clean-install command for the lockfile in source.
func installCommand(source string) string {
	for _, lf := range []struct{ file, cmd string }{
		{"package-lock.json", "npm ci"},
		{"npm-shrinkwrap.json", "npm ci"},
		{"pnpm-lock.yaml", "pnpm install --frozen-lockfile"},
		{"yarn.lock", "yarn install --frozen-lockfile"},
	} {
		if _, err := os.Stat(filepath.Join(source, lf.file)); err == nil {
			return lf.cmd
		}
	}
	return "npm install"
}

// resetBuildDir empties outDir (it becomes the asset: nothing stale may stay in it), after checking
// it is not the source folder or inside it, or the other way round.
func resetBuildDir(absSrc, outDir string) error {
	absOut, err := filepath.Abs(outDir)
	if err != nil {
		return err
	}
	if within(absOut, absSrc) || within(absSrc, absOut) {
		return fmt.Errorf("build folder %s and source folder %s overlap; build outside the source", outDir, absSrc)
	}
	if err := os.RemoveAll(absOut); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.MkdirAll(absOut, 0o755)
}

// within is true when path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

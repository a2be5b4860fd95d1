package spec

import (
	"errors"
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// handlerFile reports a function whose code Lambda could not start: a nodejs or python handler naming a
// file that is not in the source folder, or a go source folder that is not one package main. src is the
// source folder on disk (it exists); handler is the resolved handler. A problem is the handler's when the
// spec sets it, else the source folder's.
func (v *validator) handlerFile(fp string, raw *rawFunction, handler, src string) {
	at, what := child(fp, "source"), "the default handler"
	if raw.Handler != "" {
		at, what = child(fp, "handler"), "handler"
	}
	rel := raw.Source
	switch raw.Runtime {
	case "nodejs":
		root, module, ok := nodeHandler(handler)
		if !ok {
			v.errorf(at, "handler %q is not FILE.EXPORT: Lambda's Node.js runtime loads FILE (.js, .mjs or .cjs) from the source folder and calls its export EXPORT, e.g. index.handler or src/app.handler", handler)
			return
		}
		base := filepath.Join(src, filepath.FromSlash(root), module)
		// The runtime's order: the name as is (a file, or a folder with an index.js), then .js, .mjs, .cjs,
		// then a package in node_modules.
		for _, p := range []string{base, base + ".js", base + ".mjs", base + ".cjs", filepath.Join(src, "node_modules", module)} {
			if exists(p) {
				return
			}
		}
		name := root + module
		v.errorf(at, "%s %q needs %s.js, %s.mjs or %s.cjs in %s, and there is none: add the file, or set handler to FILE.EXPORT of a file that is there", what, handler, name, name, name, rel)
	case "python":
		i := strings.LastIndexByte(handler, '.')
		if i <= 0 || i == len(handler)-1 || strings.Contains(handler, "..") {
			v.errorf(at, "handler %q is not MODULE.FUNCTION: Lambda's Python runtime imports MODULE from the source folder and calls FUNCTION, e.g. index.handler for index.py, or app.main.handler for app/main.py", handler)
			return
		}
		module := strings.ReplaceAll(handler[:i], ".", "/")
		base := filepath.Join(src, filepath.FromSlash(module))
		// A module file, a package folder, or a compiled module (.pyc, or an extension module .so).
		if exists(base+".py") || isDir(base) || exists(base+".pyc") || exists(base+".so") || globAny(base+".*.so") {
			return
		}
		v.errorf(at, "%s %q needs %s.py (or a package folder %s) in %s, and there is none: add the file, or set handler to MODULE.FUNCTION of a module that is there", what, handler, module, module, rel)
	case "go":
		// What go build sees when the construct compiles the folder for Lambda.
		ctx := build.Default
		ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "linux", "arm64", false
		ctx.BuildTags = []string{"lambda.norpc"}
		pkg, err := ctx.ImportDir(src, 0)
		var noGo *build.NoGoError
		var multi *build.MultiplePackageError
		switch {
		case errors.As(err, &noGo), err == nil && len(pkg.GoFiles)+len(pkg.CgoFiles) == 0: // only tests
			v.errorf(child(fp, "source"), "%s has no Go files to build for Lambda (linux/arm64): a go function's source folder is a package main; add main.go, or fix runtime or source", rel)
		case errors.As(err, &multi):
			v.errorf(child(fp, "source"), "%s mixes Go packages %s: a go function's source folder is one package main", rel, strings.Join(slices.Compact(slices.Sorted(slices.Values(multi.Packages))), " and "))
		case err != nil:
			v.errorf(child(fp, "source"), "%s cannot be read as a Go package: %v", rel, oneLineErr(err))
		case pkg.Name != "main":
			v.errorf(child(fp, "source"), "%s is package %s, not package main: Lambda runs the binary go build makes of it, and only a package main builds one; make it package main with a func main that calls lambda.Start", rel, pkg.Name)
		}
	}
}

// nodeHandler splits a Node.js handler as Lambda's runtime does: the folder part up to the last "/", the
// module up to the first "." after it, and the export after that. ".." is refused by the runtime.
func nodeHandler(handler string) (root, module string, ok bool) {
	if strings.Contains(handler, "..") {
		return "", "", false
	}
	i := strings.LastIndexByte(handler, '/')
	root, base := handler[:i+1], handler[i+1:]
	module, export, found := strings.Cut(base, ".")
	if !found || module == "" || export == "" {
		return "", "", false
	}
	return root, module, true
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func globAny(pattern string) bool {
	m, err := filepath.Glob(pattern)
	return err == nil && len(m) > 0
}

func oneLineErr(err error) string {
	return strings.Join(strings.Fields(fmt.Sprint(err)), " ")
}

package function_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/function"
	"github.com/underhood-dev/underhood/internal/spectest"
)

const (
	tsSrc  = "testdata/tsapp"
	cjsSrc = "testdata/cjsapp"
	pyReq  = "testdata/pyreq"
)

// built is one function synthesized on its own stack: its asset folder in the cloud assembly.
type built struct {
	stack awscdk.Stack
	key   string // S3Key: the asset hash + ".zip"
	asset string // cdk.out/asset.<hash>
	errs  []string
}

// synthFunctions puts each props on a stack of its own in one app (CDK wants the whole tree before the
// first synth), synthesizes it and finds each function's staged asset.
func synthFunctions(t *testing.T, props []function.Props) []built {
	t.Helper()
	out := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	res := make([]built, len(props))
	for i := range props {
		res[i].stack = awscdk.NewStack(app, jsii.String(fmt.Sprintf("S%d", i)), nil)
		function.NewFunction(res[i].stack, "Fn", &props[i])
	}
	app.Synth(nil)
	for i := range res {
		res[i].errs = errorsOf(res[i].stack)
		if len(res[i].errs) == 0 {
			res[i].key = codeKey(t, res[i].stack)
			res[i].asset = filepath.Join(out, "asset."+strings.TrimSuffix(res[i].key, ".zip"))
		}
	}
	return res
}

// files lists the regular files under dir, relative and slash-separated, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// node22 is the Node 22 binary of tools/ (the Lambda runtime's major version).
func node22(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs("../../tools/node_modules/node/bin/node")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("%s: %v (run npm ci --prefix tools)", bin, err)
	}
	if !strings.HasPrefix(string(out), "v22.") {
		t.Fatalf("%s is %s, want Node 22 (nodejs22.x)", bin, out)
	}
	return bin
}

// invokeNode loads file as Lambda's runtime does (an .mjs file is an ES module), calls its export with
// event and returns the JSON of what it returned. It runs in an empty folder with no NODE_PATH: only
// the bundle's own content can be imported.
func invokeNode(t *testing.T, file, export, event string) string {
	t.Helper()
	const script = `const { pathToFileURL } = await import("node:url");
const m = await import(pathToFileURL(process.argv[1]).href);
process.stdout.write(JSON.stringify(await m[process.argv[2]](JSON.parse(process.argv[3]), {})));`
	cmd := exec.Command(node22(t), "--input-type=module", "-e", script, file, export, event)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "NODE_PATH=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", file, err, out)
	}
	return string(out)
}

// position returns "LINE:COL" (both from 1) of the first needle in file.
func position(t *testing.T, file, needle string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if col := strings.Index(line, needle); col >= 0 {
			return fmt.Sprintf("%d:%d", i+1, col+1)
		}
	}
	t.Fatalf("%q is not in %s", needle, file)
	return ""
}

// TestNodeBundle: a nodejs function's asset is only its bundle, and the bundle runs in Node 22 on its
// own: TypeScript with a CommonJS package from node_modules (which requires a Node built-in and reads
// __dirname), a Gen 1 style CommonJS handler, a handler in another module, a source map, minified.
func TestNodeBundle(t *testing.T) {
	greeting := `{"message":"HELLO, ADA!","dirname":"string"}` // tinycase's shout and typeof __dirname
	cases := []struct {
		name      string
		props     function.Props
		wantFiles []string
		export    string
		event     string
		want      string // the handler's JSON reply; "" = not invoked
		contains  string // in the bundle
	}{
		{"TypeScript", function.Props{Runtime: function.RuntimeNodejs, Source: tsSrc},
			[]string{"index.mjs"}, "handler", `{"name":"ada"}`, greeting, "// node_modules/tinycase/index.js"},
		{"SourceMap", function.Props{Runtime: function.RuntimeNodejs, Source: tsSrc, Bundle: function.NodeBundle{SourceMap: true}},
			[]string{"index.mjs", "index.mjs.map"}, "handler", `{"name":"ada"}`, greeting, "//# sourceMappingURL=index.mjs.map"},
		{"Minify", function.Props{Runtime: function.RuntimeNodejs, Source: tsSrc, Bundle: function.NodeBundle{Minify: true}},
			[]string{"index.mjs"}, "handler", `{"name":"ada"}`, greeting, ""},
		{"CommonJS", function.Props{Runtime: function.RuntimeNodejs, Source: cjsSrc},
			[]string{"index.mjs"}, "handler", `{"ping":7}`, `{"statusCode":200,"body":"{\"platform\":\"string\",\"got\":7}"}`, ""},
		{"OtherModule", function.Props{Runtime: function.RuntimeNodejs, Source: tsSrc, Handler: "sdk.main"},
			[]string{"sdk.mjs"}, "", "", "", `from "@aws-sdk/client-s3"`},
		{"ESM", function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, Handler: "app.main"},
			[]string{"app.mjs"}, "main", `{}`, `{"statusCode":200,"body":"app"}`, ""},
	}
	props := make([]function.Props, len(cases))
	for i, tc := range cases {
		props[i] = tc.props
	}
	res := synthFunctions(t, props)
	sizes := map[string]int{}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := res[i]
			if len(r.errs) != 0 {
				t.Fatalf("unexpected errors: %v", r.errs)
			}
			// Only the bundle: no .env, test/, node_modules, package.json or sources.
			if got := files(t, r.asset); !slices.Equal(got, tc.wantFiles) {
				t.Fatalf("asset holds %v, want %v", got, tc.wantFiles)
			}
			bundle := filepath.Join(r.asset, tc.wantFiles[0])
			data, err := os.ReadFile(bundle)
			if err != nil {
				t.Fatal(err)
			}
			sizes[tc.name] = len(data)
			if !bytes.Contains(data, []byte(tc.contains)) {
				t.Errorf("bundle lacks %q", tc.contains)
			}
			if tc.want != "" {
				if got := invokeNode(t, bundle, tc.export, tc.event); got != tc.want {
					t.Errorf("handler returned %s, want %s", got, tc.want)
				}
			}
			// The handler string stays as written: Lambda finds <module>.mjs.
			handler := tc.props.Handler
			if handler == "" {
				handler = "index.handler"
			}
			var env any = assertions.Match_Absent()
			if tc.props.Bundle.SourceMap {
				env = map[string]any{"Variables": map[string]any{"NODE_OPTIONS": "--enable-source-maps"}}
			}
			assertions.Template_FromStack(r.stack, nil).HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
				"Handler": handler, "Runtime": "nodejs22.x", "Environment": env,
			})
		})
	}
	if sizes["Minify"] == 0 || sizes["Minify"] >= sizes["TypeScript"] {
		t.Errorf("minified bundle is %d bytes, the plain one %d", sizes["Minify"], sizes["TypeScript"])
	}

	// The source map names the original files relative to the bundle, which sits where the handler's
	// module sat: paths that mean the same on every machine.
	var sm struct {
		Sources []string `json:"sources"`
	}
	data, err := os.ReadFile(filepath.Join(res[1].asset, "index.mjs.map"))
	if err == nil {
		err = json.Unmarshal(data, &sm)
	}
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"node_modules/tinycase/index.js", "index.ts"}; !slices.Equal(sm.Sources, want) {
		t.Errorf("source map sources %q, want %q", sm.Sources, want)
	}
}

// TestNodeSourceMapsOption: sourceMap adds --enable-source-maps to the caller's NODE_OPTIONS, once.
func TestNodeSourceMapsOption(t *testing.T) {
	cases := []struct{ name, have, want string }{
		{"Appended", "--max-old-space-size=200", "--max-old-space-size=200 --enable-source-maps"},
		{"AlreadyThere", "--enable-source-maps", "--enable-source-maps"},
	}
	props := make([]function.Props, len(cases))
	for i, tc := range cases {
		props[i] = function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, Bundle: function.NodeBundle{SourceMap: true},
			Environment: []function.EnvVar{{Name: "NODE_OPTIONS", Value: tc.have}}}
	}
	res := synthFunctions(t, props)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertions.Template_FromStack(res[i].stack, nil).HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
				"Environment": map[string]any{"Variables": assertions.Match_Exact(map[string]any{"NODE_OPTIONS": tc.want})},
			})
			if props[i].Environment[0].Value != tc.have {
				t.Errorf("caller's environment changed to %q", props[i].Environment[0].Value)
			}
		})
	}
}

// TestNodeBundleErrors: what esbuild refuses is a synth error with the file, line and column and the
// fix: a package not installed (a fresh clone), a package not in package.json, a handler naming no
// export or no file, a syntax error.
func TestNodeBundleErrors(t *testing.T) {
	noModules := spectest.CopyTree(t, tsSrc)
	if err := os.RemoveAll(filepath.Join(noModules, "node_modules")); err != nil {
		t.Fatal(err)
	}
	unlisted := spectest.CopyTree(t, tsSrc)
	if err := os.WriteFile(filepath.Join(unlisted, "package.json"), []byte(`{"name": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	noLock := spectest.CopyTree(t, tsSrc)
	if err := os.Remove(filepath.Join(noLock, "package-lock.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(noLock, "node_modules")); err != nil {
		t.Fatal(err)
	}
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "index.ts"), []byte("export const handler = async () => {\n  return { a: 1 ;\n};\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idx := func(dir string) string { return filepath.Join(dir, "index.ts") }

	cases := []struct {
		name  string
		props function.Props
		want  string // one error annotation, exactly
	}{
		{"NotInstalled", function.Props{Runtime: function.RuntimeNodejs, Source: noModules},
			fmt.Sprintf(`function "Fn": %s:%s: cannot find package "tinycase": it is not installed in %s; install the packages first: cd %s && npm ci`,
				idx(noModules), position(t, idx(noModules), `"tinycase"`), filepath.Join(noModules, "node_modules"), noModules)},
		{"NoLockfile", function.Props{Runtime: function.RuntimeNodejs, Source: noLock},
			fmt.Sprintf(`function "Fn": %s:%s: cannot find package "tinycase": it is not installed in %s; install the packages first: cd %s && npm install`,
				idx(noLock), position(t, idx(noLock), `"tinycase"`), filepath.Join(noLock, "node_modules"), noLock)},
		{"NotInPackageJSON", function.Props{Runtime: function.RuntimeNodejs, Source: unlisted, Handler: "sdk.main", Bundle: function.NodeBundle{External: []string{}}},
			fmt.Sprintf(`function "Fn": %s:%s: cannot find package "@aws-sdk/client-s3": it is not in %s; add it: cd %s && npm install @aws-sdk/client-s3`,
				filepath.Join(unlisted, "sdk.ts"), position(t, filepath.Join(unlisted, "sdk.ts"), `"@aws-sdk/client-s3"`), filepath.Join(unlisted, "package.json"), unlisted)},
		{"NoExport", function.Props{Runtime: function.RuntimeNodejs, Source: tsSrc, Handler: "index.main"},
			fmt.Sprintf(`function "Fn": %s: the handler's module has no export named "main"; export it (export const main = async (event) => ...) or fix the handler`, idx(tsSrc))},
		{"NoModule", function.Props{Runtime: function.RuntimeNodejs, Source: tsSrc, Handler: "api.handler"},
			`function "Fn": handler "api.handler": no api.ts, api.mts, api.cts, api.js, api.mjs, api.cjs in ` + tsSrc},
		{"BadHandler", function.Props{Runtime: function.RuntimeNodejs, Source: tsSrc, Handler: "../index.handler"},
			`function "Fn": handler "../index.handler" must be MODULE.EXPORT, such as index.handler or src/api.main (the module's path is relative to the source folder, without extension)`},
		{"SyntaxError", function.Props{Runtime: function.RuntimeNodejs, Source: broken},
			fmt.Sprintf(`function "Fn": %s:%s: Expected "}" but found ";"`, idx(broken), position(t, idx(broken), ";"))},
	}
	props := make([]function.Props, len(cases))
	for i, tc := range cases {
		props[i] = tc.props
	}
	res := synthFunctions(t, props)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !slices.Equal(res[i].errs, []string{tc.want}) {
				t.Errorf("errors:\n%q\nwant:\n%q", res[i].errs, tc.want)
			}
		})
	}
}

// TestNodeBundleReproducible: the same function copied to two folders, built into two build folders
// in two synths, gives byte-identical bundles (source map included) and asset hashes, and no path of
// this machine is in them.
func TestNodeBundleReproducible(t *testing.T) {
	var keys []string
	var bundles [][]byte
	var paths []string
	for range 2 {
		src, buildDir := spectest.CopyTree(t, tsSrc), t.TempDir()
		paths = append(paths, src, buildDir)
		r := synthFunctions(t, []function.Props{{Runtime: function.RuntimeNodejs, Source: src, BuildDir: buildDir, Bundle: function.NodeBundle{SourceMap: true}}})[0]
		if len(r.errs) != 0 {
			t.Fatal(r.errs)
		}
		var all []byte
		for _, f := range files(t, r.asset) {
			data, err := os.ReadFile(filepath.Join(r.asset, f))
			if err != nil {
				t.Fatal(err)
			}
			all = append(append(all, f+"\n"...), data...)
		}
		keys, bundles = append(keys, r.key), append(bundles, all)
	}
	if keys[0] != keys[1] {
		t.Errorf("asset hashes differ: %v", keys)
	}
	if !bytes.Equal(bundles[0], bundles[1]) {
		t.Errorf("bundles differ:\n%s\n---\n%s", bundles[0], bundles[1])
	}
	for _, p := range append(paths, os.TempDir(), mustAbs(t, ".")) {
		if bytes.Contains(bundles[0], []byte(p)) {
			t.Errorf("the bundle contains the path %s", p)
		}
	}
	// Guard: a different function has another hash.
	other := synthFunctions(t, []function.Props{{Runtime: function.RuntimeNodejs, Source: tsSrc, Bundle: function.NodeBundle{Minify: true}}})[0]
	if other.key == keys[0] {
		t.Errorf("a minified bundle has the same asset hash %s", other.key)
	}
}

// writeWheel builds a wheel of a package name (double(n) = 2n, and a console script) tagged tag, in
// dir, the way pip receives one from an index. pip here cannot reach PyPI.
func writeWheel(t testing.TB, dir, name, tag string) {
	t.Helper()
	info := name + "-1.0.0.dist-info/"
	files := []struct{ name, body string }{
		{name + "/__init__.py", "def double(n):\n    return 2 * n\n\n\ndef main():\n    print(double(1))\n"},
		{info + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: 1.0.0\n"},
		{info + "WHEEL", fmt.Sprintf("Wheel-Version: 1.0\nGenerator: underhood-test\nRoot-Is-Purelib: %v\nTag: %s\n", tag == "py3-none-any", tag)},
		{info + "entry_points.txt", "[console_scripts]\n" + name + " = " + name + ":main\n"},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var record strings.Builder
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.body))
		sum := sha256.Sum256([]byte(f.body))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", f.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.body))
	}
	record.WriteString(info + "RECORD,,\n")
	w, err := zw.Create(info + "RECORD")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(record.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-1.0.0-"+tag+".whl"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// offlinePip points pip at a local wheel folder through its own environment variables.
func offlinePip(t *testing.T) {
	t.Helper()
	wheels := t.TempDir()
	writeWheel(t, wheels, "tinycalc", "py3-none-any")
	t.Setenv("PIP_NO_INDEX", "1")
	t.Setenv("PIP_FIND_LINKS", wheels)
}

// TestPythonWheelPlatforms: pip takes binary wheels Lambda's python3.13 on arm64 can load (CPython 3.13,
// aarch64, glibc up to Amazon Linux 2023's 2.34) and refuses the others.
func TestPythonWheelPlatforms(t *testing.T) {
	wheels := t.TempDir()
	cases := []struct {
		pkg, tag string
		ok       bool
	}{
		{"legacy", "cp313-cp313-manylinux2014_aarch64", true},
		{"glibc228", "cp313-cp313-manylinux_2_28_aarch64", true},
		{"glibc234", "cp313-abi3-manylinux_2_34_aarch64", true},
		{"glibc235", "cp313-cp313-manylinux_2_35_aarch64", false},
		{"intel", "cp313-cp313-manylinux2014_x86_64", false},
		{"python312", "cp312-cp312-manylinux2014_aarch64", false},
	}
	for _, tc := range cases {
		writeWheel(t, wheels, tc.pkg, tc.tag)
	}
	t.Setenv("PIP_NO_INDEX", "1")
	t.Setenv("PIP_FIND_LINKS", wheels)
	for _, tc := range cases {
		t.Run(tc.pkg, func(t *testing.T) {
			src := t.TempDir()
			if err := os.WriteFile(filepath.Join(src, "requirements.txt"), []byte(tc.pkg+"==1.0.0\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			err := function.BuildPython(src, out)
			_, statErr := os.Stat(filepath.Join(out, tc.pkg, "__init__.py"))
			if tc.ok && (err != nil || statErr != nil) {
				t.Errorf("%s not installed: %v, %v", tc.tag, err, statErr)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "pip install -r")) {
				t.Errorf("%s installed, want pip's refusal: %v", tc.tag, err)
			}
		})
	}
}

// TestPythonRequirements: requirements.txt is installed by pip into the build folder for the Lambda
// platform, the asset holds the package next to the handler (and no .env, tests, bytecode, virtual
// environment or console script), python imports the handler from the asset alone, the source
// folder is untouched, and two builds from different folders give the same asset hash.
func TestPythonRequirements(t *testing.T) {
	offlinePip(t)
	var srcs []string
	for range 2 {
		src := spectest.CopyTree(t, pyReq)
		for _, f := range []string{"__pycache__/index.cpython-313.pyc", ".venv/pyvenv.cfg", "venv/pyvenv.cfg", "venv/lib/site.py"} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(src, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(src, f), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		srcs = append(srcs, src)
	}
	before := files(t, srcs[0])
	res := synthFunctions(t, []function.Props{
		{Runtime: function.RuntimePython, Source: srcs[0]},
		{Runtime: function.RuntimePython, Source: srcs[1], BuildDir: t.TempDir()},
	})
	for _, r := range res {
		if len(r.errs) != 0 {
			t.Fatalf("unexpected errors: %v", r.errs)
		}
	}
	if res[0].key != res[1].key {
		t.Errorf("asset hashes differ: %s, %s", res[0].key, res[1].key)
	}
	got := files(t, res[0].asset)
	for _, want := range []string{"index.py", "requirements.txt", "tinycalc/__init__.py", "tinycalc-1.0.0.dist-info/METADATA", "tinycalc-1.0.0.dist-info/RECORD"} {
		if !slices.Contains(got, want) {
			t.Errorf("asset lacks %s: %v", want, got)
		}
	}
	for _, f := range got {
		for _, bad := range []string{".env", "tests/", "__pycache__", "venv/", "bin/", ".pyc"} {
			if strings.Contains(f, bad) {
				t.Errorf("asset holds %s", f)
			}
		}
	}
	record, err := os.ReadFile(filepath.Join(res[0].asset, "tinycalc-1.0.0.dist-info/RECORD"))
	if err != nil || bytes.Contains(record, []byte("bin/")) || !bytes.Contains(record, []byte("tinycalc/__init__.py")) {
		t.Errorf("RECORD (%v):\n%s", err, record)
	}
	if after := files(t, srcs[0]); !slices.Equal(before, after) {
		t.Errorf("the source folder changed:\n%v\n%v", before, after)
	}

	// Import the handler from the asset alone (-I: no user site, no PYTHON* variables) and call it.
	const n = 21
	script := fmt.Sprintf("import json, sys; sys.path.insert(0, sys.argv[1]); import index; print(json.dumps(index.handler({'n': %d}, None)))", n)
	cmd := exec.Command("python3", "-I", "-c", script, res[0].asset)
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)), fmt.Sprintf(`{"doubled": %d}`, 2*n); got != want {
		t.Errorf("handler returned %s, want %s", got, want)
	}
}

// TestPythonErrors: a package pip cannot install, no python3, and python3 without pip are synth errors
// that say what to do; each names the function.
func TestPythonErrors(t *testing.T) {
	offlinePip(t)
	src := spectest.CopyTree(t, pyReq)
	if err := os.WriteFile(filepath.Join(src, "requirements.txt"), []byte("nosuchpackage==1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := synthFunctions(t, []function.Props{{Runtime: function.RuntimePython, Source: src}})[0]
	want := fmt.Sprintf(`function "Fn": pip install -r %s failed: `, filepath.Join(src, "requirements.txt"))
	if len(r.errs) != 1 || !strings.HasPrefix(r.errs[0], want) || !strings.Contains(r.errs[0], "nosuchpackage==1.0") {
		t.Errorf("errors %q, want one starting %q naming the requirement", r.errs, want)
	}

	// BuildPython directly: the jsii kernel must keep its PATH.
	noPip := t.TempDir()
	if err := os.WriteFile(filepath.Join(noPip, "python3"), []byte("#!/bin/sh\necho '/usr/bin/python3: No module named pip' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, path, want string }{
		{"NoPython", t.TempDir(), "requirements.txt needs pip, and python3 is not on PATH: install Python 3 with pip (Debian: apt-get install python3-pip)"},
		{"NoPip", noPip, fmt.Sprintf("requirements.txt needs pip, and %s has no pip module: install pip (Debian: apt-get install python3-pip)", filepath.Join(noPip, "python3"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PATH", tc.path)
			err := function.BuildPython(pyReq, t.TempDir())
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestBuildDirOverlap: a build folder in the source folder (or the other way round) is refused before
// anything is deleted or installed.
func TestBuildDirOverlap(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		build func(src, out string) error
	}{
		{"Python", spectest.CopyTree(t, pyReq), function.BuildPython},
		{"Node", spectest.CopyTree(t, tsSrc), func(src, out string) error {
			_, err := function.BundleNode(src, "index.handler", out, function.NodeBundle{})
			return err
		}},
	}
	for _, tc := range cases {
		before := files(t, tc.src)
		for _, out := range []string{tc.src, filepath.Join(tc.src, "build"), filepath.Dir(tc.src)} {
			if err := tc.build(tc.src, out); err == nil || !strings.Contains(err.Error(), "overlap") {
				t.Errorf("%s into %s: error %v, want the overlap refused", tc.name, out, err)
			}
		}
		if after := files(t, tc.src); !slices.Equal(before, after) {
			t.Errorf("%s: the source folder changed: %v, %v", tc.name, before, after)
		}
	}
}

// TestNodeEntry: a handler string names a module (looked up by extension, TypeScript first) and an
// export, the way Lambda's Node.js runtime splits it; anything else is refused.
func TestNodeEntry(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"index.ts", "index.js", "app.mjs", "app.cjs", "src/v1.2/api.cts", "only.cjs"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		handler, entry, export string
		err                    bool
	}{
		{"index.handler", "index.ts", "handler", false},
		{"app.main", "app.mjs", "main", false},
		{"only.handler", "only.cjs", "handler", false},
		{"index.handlers.main", "index.ts", "handlers", false},
		{"src/v1.2/api.$run", "src/v1.2/api.cts", "$run", false},
		{"missing.handler", "", "", true},
		{"index", "", "", true},
		{"index.", "", "", true},
		{"index.1x", "", "", true},
		{"./index.handler", "", "", true},
		{"src/../index.handler", "", "", true},
		{"/index.handler", "", "", true},
		{"", "", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.handler, func(t *testing.T) {
			entry, export, err := function.NodeEntry(dir, tc.handler)
			if (err != nil) != tc.err || entry != tc.entry || export != tc.export {
				t.Errorf("NodeEntry(%q) = %q, %q, %v; want %q, %q, error %v", tc.handler, entry, export, err, tc.entry, tc.export, tc.err)
			}
		})
	}
}

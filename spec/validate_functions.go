package spec

// The functions section.

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

var (
	runtimes       = []string{"go", "nodejs", "python"}
	envNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
)

func (v *validator) functionRef(path, name string) bool {
	if name == "" {
		v.errorf(path, "missing function name")
		return false
	}
	if _, ok := v.raw.Functions[name]; ok {
		return true
	}
	names := slices.Sorted(maps.Keys(v.raw.Functions))
	if len(names) == 0 {
		v.errorf(path, "function %q is not defined: there is no functions section; add functions: { %s: { runtime: go, source: functions/%s } }", name, name, name)
		return false
	}
	v.errorf(path, "function %q is not defined under functions%s (defined: %s)", name, didYouMean(name, names), strings.Join(names, ", "))
	return false
}

func (v *validator) functions() []Function {
	var out []Function
	for _, name := range sectionEntries(v, "functions", "function", v.raw.Functions, "is empty; give at least runtime and source") {
		fp := child("functions", name)
		raw := v.raw.Functions[name]
		fn := Function{Name: name, Runtime: raw.Runtime, Source: raw.Source, SourceRoot: v.dir, Handler: raw.Handler, Memory: 256, Timeout: 10 * time.Second}
		if raw.Runtime == "" {
			v.missing(fp, "runtime", "missing runtime: one of %s", oneOf(runtimes))
		} else {
			v.enum(child(fp, "runtime"), "runtime", raw.Runtime, runtimes)
		}
		if fn.Handler == "" {
			fn.Handler = "index.handler"
			if raw.Runtime == "go" {
				fn.Handler = "bootstrap"
			}
		}
		switch {
		case raw.Source == "":
			v.missing(fp, "source", "missing source: the folder with the function's code, relative to this file")
		case filepath.IsAbs(raw.Source):
			v.errorf(child(fp, "source"), "must be relative to the spec file so the repo builds anywhere")
		default:
			src := filepath.Join(v.dir, raw.Source)
			if st, err := os.Stat(src); err != nil || !st.IsDir() {
				v.errorf(child(fp, "source"), "folder %q does not exist next to the spec; create it or fix the path", raw.Source)
			} else {
				v.handlerFile(fp, raw, fn.Handler, src)
			}
		}
		if raw.Bundle != nil {
			fn.Bundle = v.bundle(child(fp, "bundle"), raw.Runtime, raw.Bundle)
		}
		if raw.Memory != 0 {
			if raw.Memory < awsrules.LambdaMemoryLowest || raw.Memory > awsrules.LambdaMemoryHighest {
				v.errorf(child(fp, "memory"), "%d MB is outside what Lambda allows (128 to 10240)", raw.Memory)
			}
			fn.Memory = raw.Memory
		}
		if raw.Timeout != "" {
			d, err := time.ParseDuration(raw.Timeout)
			switch {
			case err != nil:
				v.errorf(child(fp, "timeout"), "%q is not a duration; write it like 10s, 90s or 2m", raw.Timeout)
			case d < awsrules.LambdaTimeoutLowest*time.Second || d > awsrules.LambdaTimeoutHighest*time.Second || d%time.Second != 0:
				v.errorf(child(fp, "timeout"), "%s is outside what Lambda allows: whole seconds from 1s to 15m", raw.Timeout)
			default:
				fn.Timeout = d
			}
		}
		for _, k := range slices.Sorted(maps.Keys(raw.Environment)) {
			if !envNamePattern.MatchString(k) {
				v.errorf(child(child(fp, "environment"), k), "%q is not a valid environment variable name", k)
			}
			if reservedEnvPrefix(k) {
				v.errorf(child(child(fp, "environment"), k), "names starting with AWS_, UNDERHOOD_ or STORAGE_ are reserved (Lambda and underhood set them)")
			}
			fn.Environment = append(fn.Environment, EnvVar{Name: k, Value: raw.Environment[k]})
		}
		v.functionAccess(fp, &fn, raw.Access)
		if raw.Schedule != "" {
			fn.Schedule = v.schedule(child(fp, "schedule"), raw.Schedule)
		}
		fn.Secrets = v.functionSecrets(fp, raw)
		fn.Events = v.functionEvents(fp, raw)
		out = append(out, fn)
	}
	return out
}

// bundle checks a nodejs function's bundle settings; esbuild takes one "*" per external path.
func (v *validator) bundle(path, runtime string, raw *rawBundle) Bundle {
	if runtime == "go" || runtime == "python" {
		v.errorf(path, "only nodejs functions are bundled (go is compiled, python ships its folder with its requirements.txt installed); remove bundle")
	}
	b := Bundle{SourceMap: raw.SourceMap, Minify: raw.Minify}
	if raw.External == nil {
		return b
	}
	b.External = []string{}
	for i, e := range *raw.External {
		ep := index(child(path, "external"), i)
		switch {
		case strings.TrimSpace(e) == "":
			v.errorf(ep, "is empty; give a package name such as sharp, or a pattern such as @aws-sdk/*")
		case strings.ContainsFunc(e, unicode.IsSpace):
			v.errorf(ep, "%q contains a space; give a package name such as sharp, or a pattern such as @aws-sdk/*", e)
		case strings.Count(e, "*") > 1:
			v.errorf(ep, "%q has more than one * wildcard; esbuild allows one (@scope/*, *.node)", e)
		default:
			b.External = append(b.External, e)
		}
	}
	return b
}

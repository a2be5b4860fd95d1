package synthcache

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/underhood-dev/underhood/plan"
	"github.com/underhood-dev/underhood/spec"
)

// ParseSynthArgs reads the arguments of `underhood synth` (after "synth"). It knows the flags a cache hit
// depends on and nothing else: ok is false for --no-cache, --help, any other flag or a wrong argument
// count, which underhood synth itself then handles.
func ParseSynthArgs(args []string) (req Request, ok bool) {
	var specs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			specs = append(specs, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			specs = append(specs, a)
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		switch name {
		case "-q", "--quiet", "--no-nag":
			if hasValue {
				return req, false // --quiet=false and the like: leave them to the real flag parser
			}
			if name == "--no-nag" {
				req.NoNag = true
			} else {
				req.Quiet = true
			}
		case "--stage", "--out":
			if !hasValue {
				if i+1 == len(args) {
					return req, false
				}
				i++
				value = args[i]
			}
			if name == "--stage" {
				req.Stage = value
			} else {
				req.Out = value
			}
		default:
			return req, false
		}
	}
	if len(specs) != 1 {
		return req, false
	}
	req.Spec = specs[0]
	return req, true
}

// FindEngine is the underhood binary that synthesizes for underhood-synth: the one installed beside it
// (go install puts both in the same folder), else the first on PATH; "" when there is none.
func FindEngine(self, pathEnv string) string {
	name := "underhood"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self != "" {
		if p := filepath.Join(filepath.Dir(self), name); isExecutable(p) {
			return p
		}
	}
	return lookPath(name, pathEnv)
}

// ServeHit is underhood-synth's cache hit: when req's inputs have an entry, it writes the assembly to the
// output folder, prints what the synth that made it printed, warns like synth does about a previous
// template it replaced, and returns true. It returns false, having printed nothing, for anything it
// cannot serve (no entry, a spec with errors, a cache it cannot open): underhood synth then runs.
func ServeHit(req *Request, stdout, stderr io.Writer) bool {
	getenv := req.getenv
	app, err := spec.Load(req.Spec, req.EffectiveStage())
	if err != nil {
		return false
	}
	c, err := Open(DirFor(req.Spec, getenv), getenv)
	if err != nil {
		return false
	}
	key, err := c.Key(req, app)
	if err != nil {
		return false
	}
	defer c.SaveMemo() // Restore adds the output folder's files to it
	outDir := req.OutDir()
	template := filepath.Join(outDir, app.StackName()+".template.json")
	previous, prevErr := os.ReadFile(template)
	out, ok := c.Restore(key, outDir)
	if !ok {
		return false
	}
	out.Replay(stdout, stderr)
	if prevErr == nil {
		if current, err := os.ReadFile(template); err == nil && string(current) != string(previous) {
			plan.WarnDangerous(stderr, previous, current, template)
		}
	}
	return true
}

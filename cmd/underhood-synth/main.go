// Command underhood-synth is `underhood synth` for the app command of cdk.json, built for the case where
// nothing changed: it serves a synth cache hit (internal/synthcache) itself, in a few milliseconds,
// because it does not link the CDK's Go bindings (their package initialization alone takes about
// 0.1 s of CPU in the underhood binary). Everything else (a miss, --no-cache, --help, a spec with errors)
// it hands to `underhood synth` with the same arguments: the underhood binary installed beside it, else
// the first on PATH.
//
//	underhood-synth [--stage S] [--out DIR] [-q] [--no-nag] [--no-cache] SPEC
package main

import (
	"fmt"
	"os"

	"github.com/underhood-dev/underhood/internal/synthcache"
)

func main() {
	self, _ := os.Executable()
	engine := synthcache.FindEngine(self, os.Getenv("PATH"))
	if engine == "" {
		fmt.Fprintln(os.Stderr, "underhood-synth: cannot find the underhood binary beside it or on PATH; install both with\n"+
			"  go install github.com/underhood-dev/underhood/cmd/...@latest")
		os.Exit(1)
	}
	args := os.Args[1:]
	if req, ok := synthcache.ParseSynthArgs(args); ok {
		req.Engine, req.Env = engine, os.Environ()
		if synthcache.ServeHit(&req, os.Stdout, os.Stderr) {
			os.Exit(0)
		}
	}
	if err := execEngine(engine, append([]string{engine, "synth"}, args...)); err != nil {
		fmt.Fprintf(os.Stderr, "underhood-synth: %s: %v\n", engine, err)
		os.Exit(1)
	}
}

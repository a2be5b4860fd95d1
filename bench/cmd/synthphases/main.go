// Command synthphases runs what `underhood synth` runs, in the same order, and prints how long each phase
// took as JSON. It exists so the benchmark can say where synth time goes without timestamps in product
// code: it calls spec.Load, stacks.Prebuild, stacks.New and App.Synth exactly as internal/cli/synth.go
// does, and splits the first jsii call in two (a constructs-only call starts Node and the jsii kernel;
// awscdk.NewApp then loads aws-cdk-lib into it).
//
//	go run ./bench/cmd/synthphases [-no-nag] [-stage S] -out DIR SPEC
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// Phase is one timed step; Ms is its duration in milliseconds.
type Phase struct {
	Name string  `json:"name"`
	Ms   float64 `json:"ms"`
}

func main() {
	stage := flag.String("stage", "dev", "stage to synthesize")
	out := flag.String("out", "", "cloud assembly folder")
	noNag := flag.Bool("no-nag", false, "skip the cdk-nag checks, as underhood synth --no-nag")
	flag.Parse()
	if flag.NArg() != 1 || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: synthphases [-no-nag] [-stage S] -out DIR SPEC")
		os.Exit(2)
	}
	var phases []Phase
	last := time.Now()
	mark := func(name string) {
		now := time.Now()
		phases = append(phases, Phase{name, float64(now.Sub(last).Microseconds()) / 1000})
		last = now
	}

	app, err := spec.Load(flag.Arg(0), *stage)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mark("spec load + validate")

	// As synth does: Go functions compile in the background from here on, while Node starts.
	buildDir, err := os.MkdirTemp("", "synthphases-build-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(buildDir)
	opts := &stacks.Options{BuildDir: buildDir, SkipNag: *noNag}
	stacks.Prebuild(app, opts)

	// The first jsii call starts node, boots @jsii/runtime and loads the constructs library (small).
	constructs.NewRootConstruct(jsii.String("probe"))
	mark("jsii kernel start (node + @jsii/runtime + constructs)")

	// NewApp needs aws-cdk-lib: the Go side writes its 38 MB embedded tarball to a temp file, the kernel
	// hashes it, finds it in (or extracts it to) its package cache and requires it.
	cdkApp := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(*out)})
	mark("load aws-cdk-lib + new App")

	stacks.New(cdkApp, app, opts)
	mark("stacks.New (construct calls, what is left of function builds)")

	cdkApp.Synth(nil)
	mark("app.Synth (aspects incl. cdk-nag, validation, template write)")

	jsii.Close()
	mark("jsii.Close (kernel shutdown; underhood skips it and exits)")

	if err := json.NewEncoder(os.Stdout).Encode(phases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

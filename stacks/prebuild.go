package stacks

import (
	"path/filepath"

	"github.com/underhood-dev/underhood/constructs/function"
	"github.com/underhood-dev/underhood/spec"
)

// Prebuild starts compiling the app's Go functions in the background, into the folders New builds them
// in, so the compiles overlap the jsii kernel's start. Call it before the first jsii call (awscdk.NewApp)
// with the Options New will get; without a BuildDir it does nothing (New then compiles as before).
func Prebuild(app *spec.App, opts *Options) {
	if opts == nil || opts.BuildDir == "" {
		return
	}
	for _, fn := range app.Functions {
		if function.Runtime(fn.Runtime) == function.RuntimeGo {
			function.PrebuildGo(functionSource(fn), functionBuildDir(fn, opts))
		}
	}
}

// functionSource is the function's source folder.
func functionSource(fn spec.Function) string { return filepath.Join(fn.SourceRoot, fn.Source) }

// functionBuildDir is where the function is built ("" for a temporary folder).
func functionBuildDir(fn spec.Function, opts *Options) string {
	if opts.BuildDir == "" {
		return ""
	}
	return filepath.Join(opts.BuildDir, fn.Name)
}

package function

import (
	"path/filepath"
	"sync"
)

// prebuilds are the Go builds PrebuildGo started, by source and output folder (absolute).
var prebuilds sync.Map

type prebuild struct {
	done chan struct{}
	err  error
}

// PrebuildGo starts BuildGo(source, outDir) in the background and returns at once, so a Go function
// compiles while the jsii kernel starts (about 0.8 s of Node and aws-cdk-lib loading that would
// otherwise come first). The BuildGo that NewFunction then runs for the same folders waits for this
// build and returns its result instead of compiling again. Call it before the first jsii call, with the
// Source and BuildDir the function's Props will have.
func PrebuildGo(source, outDir string) {
	src, err := filepath.Abs(source)
	if err != nil {
		return
	}
	out, err := filepath.Abs(outDir)
	if err != nil {
		return
	}
	p := &prebuild{done: make(chan struct{})}
	if _, running := prebuilds.LoadOrStore(src+"\x00"+out, p); running {
		return
	}
	go func() {
		p.err = buildGo(src, out)
		close(p.done)
	}()
}

// waitPrebuild waits for the PrebuildGo of these folders, if there is one, and takes its result (once:
// a later BuildGo compiles again).
func waitPrebuild(source, outDir string) (err error, ok bool) {
	v, ok := prebuilds.LoadAndDelete(source + "\x00" + outDir)
	if !ok {
		return nil, false
	}
	p := v.(*prebuild)
	<-p.done
	return p.err, true
}

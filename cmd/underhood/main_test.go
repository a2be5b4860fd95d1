package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// underhoodBinary builds this command once for the package's tests (a go test binary carries no module
// versions in its build information, and the CDK CLI needs a program to run) and returns its path.
func underhoodBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "underhood-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "underhood")
		// underhood-synth beside it, as go install ./cmd/... puts them: init's cdk.json runs it.
		buildOut, buildErr = exec.Command("go", "build", "-o", dir, ".", "../underhood-synth").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

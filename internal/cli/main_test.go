package cli

import (
	"os"
	"testing"
)

// TestMain turns the Node code cache off for the in-process tests: they run many synths in one process,
// each in a temporary folder removed after its test, while the process's one jsii kernel keeps the
// environment of the first. The code cache is tested where it runs, in the built binaries
// (cmd/underhood-synth's TestNodeCodeCacheEndToEnd).
func TestMain(m *testing.M) {
	os.Setenv("UNDERHOOD_NODE_CODE_CACHE", "off")
	os.Exit(m.Run())
}

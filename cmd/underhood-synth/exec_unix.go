//go:build unix

package main

import (
	"os"
	"syscall"
)

// execEngine replaces this process with the engine: same pid, stdio, signals and exit code, as the CDK
// CLI expects of its app. It returns only on failure.
func execEngine(path string, argv []string) error {
	return syscall.Exec(path, argv, os.Environ())
}

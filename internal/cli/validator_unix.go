//go:build unix

package cli

import (
	"errors"
	"os"
	"syscall"
)

// validatorSupported: the validator's replies come on a third file, which exec passes on Unix only.
const validatorSupported = true

// validatorReplies is the file the validator answers on: the one synth passed it as fd 3, and said so
// in validatorRepliesEnv. Node, which the validator's jsii runtime starts, must not inherit it: the
// synth would then wait for Node's exit to see a crashed validator's end.
func validatorReplies() (*os.File, error) {
	if os.Getenv(validatorRepliesEnv) != "3" {
		return nil, errors.New("it has no reply pipe (fd 3)")
	}
	syscall.CloseOnExec(3)
	return os.NewFile(3, "replies"), nil
}

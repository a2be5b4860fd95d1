//go:build !unix

package cli

import (
	"errors"
	"os"
)

// validatorSupported: the validator's replies come on a third file, which exec passes on Unix only;
// elsewhere synth validates in its own process.
const validatorSupported = false

func validatorReplies() (*os.File, error) {
	return nil, errors.New("the validator process needs Unix")
}

package plan

import (
	"fmt"
	"io"
)

// WarnDangerous prints one warning per change from previous to current (two versions of the template at
// path) that plan would block: what synth says when it overwrites a previous cloud assembly. It is
// silent when there is none or when a template cannot be read.
func WarnDangerous(w io.Writer, previous, current []byte, path string) {
	report, err := Compare(previous, current, Options{})
	if err != nil || !report.Blocked {
		return
	}
	fmt.Fprintf(w, "warning: compared with the previous %s, this template would lose data or fail to deploy:\n", path)
	for _, f := range report.Findings {
		fmt.Fprintf(w, "warning:   %s (%s): %s\n", f.LogicalID, f.Type, f.What)
	}
	fmt.Fprintln(w, "warning: run 'underhood plan' against the deployed stack for what would be lost and how to proceed")
}

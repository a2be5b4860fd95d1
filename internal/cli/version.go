package cli

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/templates"
)

type versionOptions struct{}

func newVersionCmd(stdout io.Writer) *cobra.Command {
	opts := &versionOptions{}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the versions of underhood, the CDK libraries it synthesizes with, and the aws-cdk CLI it is tested with",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			return runVersion(opts, stdout)
		},
	}
}

func runVersion(_ *versionOptions, stdout io.Writer) error {
	_, err := fmt.Fprint(stdout, versionText())
	return err
}

// versionLibraries are the Go modules whose versions decide what synth writes, with the names their
// JavaScript packages go by (aws-cdk-go v2.X.Y wraps aws-cdk-lib X.Y, jsii-runtime-go the jsii kernel).
var versionLibraries = []struct{ module, name string }{
	{"github.com/aws/aws-cdk-go/awscdk/v2", "aws-cdk-lib"},
	{"github.com/aws/jsii-runtime-go", "jsii"},
	{"github.com/aws/constructs-go/constructs/v10", "constructs"},
	{"github.com/cdklabs/cdk-nag-go/cdknag/v2", "cdk-nag"},
}

// versionText is what `underhood version` and `underhood --version` print, read from the binary's own
// build information (go install records the module versions it built with).
func versionText() string {
	var b strings.Builder
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "underhood (no build information)\n"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = ", modified"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			v += " (" + rev + dirty + ")"
		}
	}
	fmt.Fprintf(&b, "underhood %s\n", v)
	for _, lib := range versionLibraries {
		for _, d := range bi.Deps {
			if d.Path == lib.module {
				if d.Replace != nil {
					d = d.Replace
				}
				fmt.Fprintf(&b, "%s %s\n", lib.name, strings.TrimPrefix(d.Version, "v"))
			}
		}
	}
	fmt.Fprintf(&b, "aws-cdk CLI %s (tested with; underhood init pins it in package.json)\n", templates.CDKCLI.Version)
	fmt.Fprintf(&b, "%s\n", bi.GoVersion)
	return b.String()
}

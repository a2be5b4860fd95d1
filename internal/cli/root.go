// Package cli implements the underhood command line. Each command lives in its own file with an
// options struct; Run is the only entry point, so tests drive the CLI exactly as a user does.
package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/internal/cfn"
)

// The exit codes every command uses, as README and each command's help state them.
const (
	exitOK      = 0 // success (for plan: nothing stateful is lost)
	exitFailure = 1 // any failure: an invalid spec, a blocked plan, stale files, an AWS or file error
	exitUsage   = 2 // a usage error: a wrong flag, flag combination or argument count
)

// exitError carries an exit code through cobra; its message has already been printed when empty.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// errFailed reports an already-printed failure.
var errFailed = &exitError{code: exitFailure}

// Run executes underhood with args (without the program name) and returns the exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := &cobra.Command{
		Use:   "underhood",
		Short: "Explicit AWS backends for SPAs: one app spec, CDK stacks, frontend config",
		Long: "underhood turns one declarative app spec (app.yaml) into CDK stacks that cdk deploy handles as\n" +
			"usual, and writes the SPA's Amplify configuration from the deployed stack's outputs.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newValidateCmd(stdout, stderr),
		newSynthCmd(stdout, stderr),
		newInitCmd(stdout, stderr),
		newConfigCmd(stdout, stderr),
		newPlanCmd(stdout, stderr),
		newExplainCmd(stdout, stderr),
		newImportCmd(stdout, stderr),
		newVersionCmd(stdout),
		newValidatorCmd(stdin),
	)
	root.Version = strings.TrimSuffix(versionText(), "\n")
	root.SetVersionTemplate("{{.Version}}\n")
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "underhood: "+ee.msg)
		}
		return ee.code
	}
	// cobra's own errors: unknown command or flag, wrong argument count.
	fmt.Fprintf(stderr, "underhood: %v\nRun 'underhood --help' for usage.\n", err)
	return exitUsage
}

// specArg requires the one SPEC argument of a command and names it when it is missing (cobra's own
// message only counts arguments).
func specArg(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 1:
		return nil
	case 0:
		return fmt.Errorf("%s needs SPEC, the app spec file (e.g. app.yaml; underhood init writes one)", cmd.Name())
	}
	return fmt.Errorf("%s takes one SPEC, got %d arguments: %s", cmd.Name(), len(args), strings.Join(args, " "))
}

// specOptions are the SPEC argument and --stage flag of every command that reads one stage of a spec.
type specOptions struct {
	spec  string
	stage string
}

// command builds a command whose one argument is SPEC (checked by specArg), stored before run, with
// the --stage flag; stageHelp says what the stage is for.
func (o *specOptions) command(use, short, long, stageHelp string, run func() error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  specArg,
		RunE: func(_ *cobra.Command, args []string) error {
			o.spec = args[0]
			return run()
		},
	}
	cmd.Flags().StringVar(&o.stage, "stage", "", stageHelp)
	return cmd
}

// awsOptions are the --profile and --region flags of the commands that call AWS.
type awsOptions struct {
	profile string
	region  string
}

// addFlags adds --profile and --region to cmd, with help that says what they are for there.
func (o *awsOptions) addFlags(cmd *cobra.Command, profileHelp, regionHelp string) {
	cmd.Flags().StringVar(&o.profile, "profile", "", profileHelp)
	cmd.Flags().StringVar(&o.region, "region", "", regionHelp)
}

// given says whether --profile or --region is set (each command says which other flags they need).
func (o awsOptions) given() bool { return o.profile != "" || o.region != "" }

// session is the AWS session's options; stageRegion is the region when --region is not given.
func (o awsOptions) session(stageRegion string) cfn.Options {
	return cfn.Options{Profile: o.profile, Region: o.region, StageRegion: stageRegion}
}

// dirCommand builds a command whose one optional argument is a folder, stored in *dir (the current
// folder when omitted) before run.
func dirCommand(use, short, long string, dir *string, run func() error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			*dir = "."
			if len(args) == 1 {
				*dir = args[0]
			}
			return run()
		},
	}
}

package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/spec"
)

func newValidateCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &specOptions{}
	return opts.command("validate [--stage S] SPEC",
		"Check an app spec and report every problem at once",
		"",
		"stage to validate (default dev)",
		func() error { return runValidate(opts, stdout, stderr) })
}

func runValidate(opts *specOptions, stdout, stderr io.Writer) error {
	app, ok := loadSpec(opts.spec, opts.stage, stderr)
	if !ok {
		return errFailed
	}
	fmt.Fprintf(stdout, "%s: valid (app %s, stage %s, stack %s): %s\n", opts.spec, app.Name, app.Stage, app.StackName(), inventory(app))
	stageFlag := ""
	if opts.stage != "" {
		stageFlag = "--stage " + opts.stage + " "
	}
	fmt.Fprintf(stdout, "See who may call what, with which token or signature: underhood explain %s%s\n", stageFlag, opts.spec)
	return nil
}

// loadSpec loads a spec and prints its problems, one per line, to stderr.
func loadSpec(path, stage string, stderr io.Writer) (*spec.App, bool) {
	app, err := spec.Load(path, stage)
	if err != nil {
		fmt.Fprintln(stderr, err)
		if ds, ok := err.(spec.Diagnostics); ok && len(ds) > 1 {
			fmt.Fprintf(stderr, "%d problems\n", len(ds))
		}
		return nil, false
	}
	return app, true
}

// inventory summarizes what the spec declares in one line.
func inventory(app *spec.App) string {
	routes := 0
	for _, a := range app.APIs {
		routes += len(a.Routes)
	}
	parts := []string{}
	if app.Auth != nil && app.Auth.UserPool != nil {
		parts = append(parts, "user pool")
	}
	if app.Auth != nil && app.Auth.IdentityPool != nil {
		parts = append(parts, "identity pool")
	}
	parts = append(parts,
		plural(len(app.Functions), "function"),
		fmt.Sprintf("%s (%s)", plural(len(app.APIs), "API"), plural(routes, "route")),
		plural(len(app.Buckets), "bucket"),
		plural(len(app.Tables), "table"))
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/explain"
	"github.com/underhood-dev/underhood/internal/fsutil"
)

type explainOptions struct {
	specOptions
	format  string
	out     string
	diagram string
}

func newExplainCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &explainOptions{}
	cmd := opts.command("explain [--stage S] SPEC [--format markdown|mermaid] [-o FILE]",
		"Explain the architecture and who may call what, with which token or signature, in which header",
		"explain describes in plain words what each resource is and why the spec has it, who may call\n"+
			"each API route and storage level (guest, any signed-in user, owner, group) with which credential\n"+
			"(id token, access token and scopes, SigV4 with which identity pool role) in which header, and\n"+
			"draws Mermaid diagrams: the architecture and the life of authentication and authorization per\n"+
			"mode in use. Markdown (the default) renders on GitHub; --format mermaid prints only the diagrams,\n"+
			"and --diagram NAME one of them as a standalone .mmd. Pure Go: it never starts Node.",
		"stage to explain (default dev)",
		func() error { return runExplain(opts, stdout, stderr) })
	cmd.Flags().StringVar(&opts.format, "format", "markdown", "markdown or mermaid")
	cmd.Flags().StringVarP(&opts.out, "output", "o", "", "write to FILE (atomically) instead of standard output")
	cmd.Flags().StringVar(&opts.diagram, "diagram", "", "with --format mermaid: only this diagram (architecture, access-token, id-token, iam, iam-guest, none, s3)")
	return cmd
}

func runExplain(opts *explainOptions, stdout, stderr io.Writer) error {
	// Flag mistakes are usage errors (exit 2), reported before the spec is read.
	switch {
	case opts.format != "markdown" && opts.format != "mermaid":
		return &exitError{code: exitUsage, msg: fmt.Sprintf("--format %q: want markdown or mermaid", opts.format)}
	case opts.diagram != "" && opts.format != "mermaid":
		return &exitError{code: exitUsage, msg: "--diagram needs --format mermaid (Markdown always holds every diagram)"}
	}
	app, ok := loadSpec(opts.spec, opts.stage, stderr)
	if !ok {
		return errFailed
	}
	var data []byte
	switch {
	case opts.format == "markdown":
		data = explain.Markdown(app, opts.spec)
	case opts.diagram != "":
		var err error
		if data, err = explain.MermaidDiagram(app, opts.spec, opts.diagram); err != nil {
			return &exitError{code: exitFailure, msg: err.Error()}
		}
	default:
		data = explain.Mermaid(app, opts.spec)
	}
	if opts.out == "" {
		_, err := stdout.Write(data)
		return err
	}
	if err := fsutil.WriteFileAtomic(opts.out, data, 0o644); err != nil {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("cannot write %s: %v", opts.out, err)}
	}
	fmt.Fprintf(stderr, "wrote %s (%s of %s, stage %s)\n", opts.out, opts.format, app.Name, app.Stage)
	return nil
}

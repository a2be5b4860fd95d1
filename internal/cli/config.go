package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/internal/fsutil"
	"github.com/underhood-dev/underhood/spec"
)

type configOptions struct {
	stage       string
	spec        string
	outputsFile string
	fromStack   bool
	profile     string
	region      string
	check       bool
	formats     []string
	outs        []string
}

func newConfigCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &configOptions{}
	cmd := &cobra.Command{
		Use:   "config [--stage S] SPEC (--outputs-file FILE | --from-stack) [--check] [--format F --out PATH]...",
		Short: "Write the SPA's Amplify configuration from the deployed stack's outputs",
		Long: "config writes every file listed under the spec's frontend: (paths relative to the spec's folder),\n" +
			"or the files given by --format/--out pairs, from the stack outputs in a `cdk deploy --outputs-file`\n" +
			"file or read from CloudFormation. Formats: aws-exports (.js, or .json for amplifyconfiguration.json),\n" +
			"amplify-outputs, amplify-config (.ts or .js). Nothing is written unless every file renders.",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.spec = args[0]
			return runConfig(opts, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.stage, "stage", "", "stage (default dev)")
	f.StringVar(&opts.outputsFile, "outputs-file", "", "stack outputs written by cdk deploy --outputs-file")
	f.BoolVar(&opts.fromStack, "from-stack", false, "read the outputs with CloudFormation DescribeStacks")
	f.StringVar(&opts.profile, "profile", "", "AWS profile for --from-stack")
	f.StringVar(&opts.region, "region", "", "AWS region for --from-stack (default: the stage's region, else the SDK's)")
	f.BoolVar(&opts.check, "check", false, "write nothing; exit 1 when a file on disk differs")
	f.StringArrayVar(&opts.formats, "format", nil, "format of the file given by the matching --out (repeatable)")
	f.StringArrayVar(&opts.outs, "out", nil, "path of a file to write, with the matching --format (repeatable)")
	return cmd
}

type configFile struct {
	path string
	data []byte
}

func runConfig(opts *configOptions, stdout, stderr io.Writer) error {
	switch {
	case opts.outputsFile != "" && opts.fromStack:
		return &exitError{code: 2, msg: "give either --outputs-file or --from-stack, not both"}
	case opts.outputsFile == "" && !opts.fromStack:
		return &exitError{code: 2, msg: "give the stack outputs: --outputs-file FILE or --from-stack"}
	case !opts.fromStack && (opts.profile != "" || opts.region != ""):
		return &exitError{code: 2, msg: "--profile and --region need --from-stack"}
	case len(opts.formats) != len(opts.outs):
		return &exitError{code: 2, msg: fmt.Sprintf("every --format needs one --out (got %d --format, %d --out)", len(opts.formats), len(opts.outs))}
	}
	app, ok := loadSpec(opts.spec, opts.stage, stderr)
	if !ok {
		return errFailed
	}
	targets := make([]spec.FrontendFile, 0, len(opts.outs))
	for i := range opts.outs {
		targets = append(targets, spec.FrontendFile{Format: opts.formats[i], Path: opts.outs[i]})
	}
	if len(targets) == 0 {
		if len(app.Frontend) == 0 {
			return &exitError{code: 1, msg: opts.spec + ": no frontend: files listed; add some or use --format and --out"}
		}
		dir := filepath.Dir(opts.spec)
		for _, f := range app.Frontend {
			targets = append(targets, spec.FrontendFile{Format: f.Format, Path: filepath.Join(dir, filepath.FromSlash(f.Path))})
		}
	}

	var outputs emit.StackOutputs
	var err error
	if opts.fromStack {
		outputs, err = stackOutputs(opts, app)
	} else {
		outputs, err = readOutputsFile(opts.outputsFile)
	}
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	cfg, err := emit.New(app, outputs, filepath.ToSlash(opts.spec))
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	// A stack deployed from another spec (stale, or another stage) would give the SPA the wrong auth.
	if err := emit.CheckOutputs(app, outputs); err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}

	// The wiring module imports amplify_outputs.json, so that file must be written too.
	hasModule := false
	for _, t := range targets {
		switch t.Format {
		case emit.FormatAmplifyOutputs:
			cfg.OutputsFile = t.Path
		case emit.FormatAmplifyConfig:
			hasModule = true
		}
	}
	if hasModule && cfg.OutputsFile == "" {
		return &exitError{code: 1, msg: "amplify-config imports amplify_outputs.json, which no target writes; add { format: amplify-outputs, path: ... } to frontend (or --format amplify-outputs --out PATH)"}
	}

	// Render everything before writing anything.
	files := make([]configFile, 0, len(targets))
	for _, t := range targets {
		data, err := cfg.Render(t.Format, t.Path)
		if err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("%s: %v", t.Path, err)}
		}
		files = append(files, configFile{t.Path, data})
	}

	if opts.check {
		stale := 0
		for _, f := range files {
			old, err := os.ReadFile(f.path)
			switch {
			case errors.Is(err, os.ErrNotExist):
				fmt.Fprintf(stderr, "%s: missing\n", f.path)
				stale++
			case err != nil:
				fmt.Fprintf(stderr, "%s: %v\n", f.path, err)
				stale++
			case !bytes.Equal(old, f.data):
				fmt.Fprintf(stderr, "%s: differs from what underhood config writes\n", f.path)
				stale++
			}
		}
		if stale > 0 {
			return &exitError{code: 1, msg: fmt.Sprintf("%d of %d frontend files are out of date; run underhood config without --check", stale, len(files))}
		}
		fmt.Fprintf(stdout, "%d frontend files up to date\n", len(files))
		return nil
	}
	for _, f := range files {
		if err := fsutil.WriteFileAtomic(f.path, f.data, 0o644); err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("write %s: %v", f.path, err)}
		}
		fmt.Fprintf(stdout, "wrote %s\n", f.path)
	}
	return nil
}

func readOutputsFile(path string) (emit.StackOutputs, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("outputs file: %w", unwrapPath(err))
	}
	out, err := emit.ParseOutputsFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// stackOutputs reads the app's stack outputs with CloudFormation DescribeStacks.
func stackOutputs(opts *configOptions, app *spec.App) (emit.StackOutputs, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, where, err := cloudFormationClient(ctx, opts.profile, opts.region, app.Region)
	if err != nil {
		return nil, err
	}
	stack := app.StackName()
	res, err := client.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			switch {
			case ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), "does not exist"):
				return nil, fmt.Errorf("stack %s: not found in %s (%s); deploy it first or check --stage and --region", stack, where, ae.ErrorMessage())
			case ae.ErrorCode() == "AccessDenied" || ae.ErrorCode() == "AccessDeniedException":
				return nil, fmt.Errorf("stack %s: access denied to cloudformation:DescribeStacks in %s: %s", stack, where, ae.ErrorMessage())
			}
		}
		return nil, fmt.Errorf("stack %s: DescribeStacks in %s: %w", stack, where, err)
	}
	out := emit.StackOutputs{}
	for _, s := range res.Stacks {
		if aws.ToString(s.StackName) != stack {
			continue
		}
		m := map[string]string{}
		for _, o := range s.Outputs {
			m[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		}
		out[stack] = m
	}
	return out, nil
}

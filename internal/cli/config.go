package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/internal/cfn"
	"github.com/underhood-dev/underhood/internal/fsutil"
	"github.com/underhood-dev/underhood/spec"
)

type configOptions struct {
	specOptions
	awsOptions
	outputsFile string
	fromStack   bool
	check       bool
	formats     []string
	outs        []string
	// dropUnknown lets config overwrite files holding keys the spec does not account for.
	dropUnknown bool
}

func newConfigCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &configOptions{}
	cmd := opts.command("config [--stage S] SPEC (--outputs-file FILE | --from-stack) [--check] [--format F --out PATH]...",
		"Write the SPA's Amplify configuration from the deployed stack's outputs",
		"config writes every file listed under the spec's frontend: (paths relative to the spec's folder),\n"+
			"or the files given by --format/--out pairs, from the stack outputs in a `cdk deploy --outputs-file`\n"+
			"file or read from CloudFormation. Formats: aws-exports (.js, or .json for amplifyconfiguration.json),\n"+
			"amplify-outputs, amplify-config (.ts or .js). Nothing is written unless every file renders, and an\n"+
			"aws-exports or amplify_outputs file on disk that holds keys the spec does not account for (an\n"+
			"Amplify Gen 1 aws-exports.js with its GraphQL API, say) is never overwritten: config exits 1 listing\n"+
			"them and the spec change that keeps them, unless --drop-unknown-keys. A GraphQL API key referenced\n"+
			"as a stack output is read from the outputs file (or with --from-stack, from that stack); one in\n"+
			"Secrets Manager or SSM is read with the default credentials (or --profile, --region).",
		"stage (default dev)",
		func() error { return runConfig(opts, stdout, stderr) })
	f := cmd.Flags()
	f.StringVar(&opts.outputsFile, "outputs-file", "", "stack outputs written by cdk deploy --outputs-file")
	f.BoolVar(&opts.fromStack, "from-stack", false, "read the outputs with CloudFormation DescribeStacks")
	opts.awsOptions.addFlags(cmd, "AWS profile for --from-stack",
		"AWS region for --from-stack (default: the stage's region, else the SDK's)")
	f.BoolVar(&opts.check, "check", false, "write nothing; exit 1 when a file on disk differs")
	f.StringArrayVar(&opts.formats, "format", nil, "format of the file given by the matching --out (repeatable)")
	f.StringArrayVar(&opts.outs, "out", nil, "path of a file to write, with the matching --format (repeatable)")
	f.BoolVar(&opts.dropUnknown, "drop-unknown-keys", false, "overwrite files whose keys the spec does not account for (those keys are lost)")
	return cmd
}

type configFile struct {
	path string
	data []byte
}

func runConfig(opts *configOptions, stdout, stderr io.Writer) error {
	switch {
	case opts.outputsFile != "" && opts.fromStack:
		return &exitError{code: exitUsage, msg: "give either --outputs-file or --from-stack, not both"}
	case opts.outputsFile == "" && !opts.fromStack:
		return &exitError{code: exitUsage, msg: "give the stack outputs: --outputs-file FILE or --from-stack"}
	case len(opts.formats) != len(opts.outs):
		return &exitError{code: exitUsage, msg: fmt.Sprintf("every --format needs one --out (got %d --format, %d --out)", len(opts.formats), len(opts.outs))}
	}
	app, ok := loadSpec(opts.spec, opts.stage, stderr)
	if !ok {
		return errFailed
	}
	if !opts.fromStack && opts.awsOptions.given() && !readsSecrets(app) {
		return &exitError{code: exitUsage, msg: "--profile and --region need --from-stack (or a GraphQL API key in Secrets Manager or SSM)"}
	}
	targets, err := configTargets(opts, app)
	if err != nil {
		return err
	}

	var outputs emit.StackOutputs
	if opts.fromStack {
		outputs, err = stackOutputs(opts, app)
	} else {
		outputs, err = readOutputsFile(opts.outputsFile)
	}
	if err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	cfg, err := emit.NewWith(app, outputs, emit.Options{Source: filepath.ToSlash(opts.spec), Secret: (&secretReader{opts: opts, app: app}).read})
	if err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	// A stack deployed from another spec (stale, or another stage) would give the SPA the wrong auth.
	if err := emit.CheckOutputs(app, outputs); err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}

	files, err := renderFiles(cfg, targets)
	if err != nil {
		return err
	}
	if opts.check {
		return checkFiles(files, stdout, stderr)
	}
	if !opts.dropUnknown {
		if err := refuseUnknownKeys(targets, files, app.Stage, stderr); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := fsutil.WriteFileAtomic(f.path, f.data, 0o644); err != nil {
			return &exitError{code: exitFailure, msg: fmt.Sprintf("write %s: %v", f.path, err)}
		}
		fmt.Fprintf(stdout, "wrote %s\n", f.path)
	}
	return nil
}

// renderFiles renders every target, before anything is written.
func renderFiles(cfg *emit.Config, targets []spec.FrontendFile) ([]configFile, error) {
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
		return nil, &exitError{code: exitFailure, msg: "amplify-config imports amplify_outputs.json, which no target writes; add { format: amplify-outputs, path: ... } to frontend (or --format amplify-outputs --out PATH)"}
	}

	// Render everything before writing anything.
	files := make([]configFile, 0, len(targets))
	for _, t := range targets {
		data, err := cfg.Render(t.Format, t.Path)
		if err != nil {
			return nil, &exitError{code: exitFailure, msg: fmt.Sprintf("%s: %v", t.Path, err)}
		}
		files = append(files, configFile{t.Path, data})
	}
	return files, nil
}

// configTargets are the files to write: the --format/--out pairs, else the spec's frontend files
// (relative to the spec's folder).
func configTargets(opts *configOptions, app *spec.App) ([]spec.FrontendFile, error) {
	targets := make([]spec.FrontendFile, 0, len(opts.outs))
	for i := range opts.outs {
		targets = append(targets, spec.FrontendFile{Format: opts.formats[i], Path: opts.outs[i]})
	}
	if len(targets) > 0 {
		return targets, nil
	}
	if len(app.Frontend) == 0 {
		return nil, &exitError{code: exitFailure, msg: opts.spec + ": no frontend: files listed; add some or use --format and --out"}
	}
	dir := filepath.Dir(opts.spec)
	for _, f := range app.Frontend {
		targets = append(targets, spec.FrontendFile{Format: f.Format, Path: filepath.Join(dir, filepath.FromSlash(f.Path))})
	}
	return targets, nil
}

// checkFiles (--check) compares the rendered files with those on disk and fails when one differs.
func checkFiles(files []configFile, stdout, stderr io.Writer) error {
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
		return &exitError{code: exitFailure, msg: fmt.Sprintf("%d of %d frontend files are out of date; run underhood config without --check", stale, len(files))}
	}
	fmt.Fprintf(stdout, "%d frontend files up to date\n", len(files))
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
	client, where, err := cfn.NewClient(ctx, opts.awsOptions.session(app.Region))
	if err != nil {
		return nil, err
	}
	stack := app.StackName()
	m, err := cfn.Outputs(ctx, client, stack)
	if err != nil {
		return nil, describeStacksError(stack, where, err)
	}
	out := emit.StackOutputs{}
	if m != nil {
		out[stack] = m
	}
	// A GraphQL API key kept as another stack's output (Amplify's API stack): read that stack too.
	for _, g := range app.GraphQL {
		ref := g.APIKey
		if ref == nil || ref.Stack == "" || out[ref.Stack] != nil {
			continue
		}
		m, err := cfn.Outputs(ctx, client, ref.Stack)
		if err != nil {
			return nil, fmt.Errorf("GraphQL API %s: its API key is an output of stack %s: DescribeStacks in %s: %w", g.Name, ref.Stack, where, err)
		}
		if m == nil {
			m = map[string]string{}
		}
		out[ref.Stack] = m
	}
	return out, nil
}

// describeStacksError says why DescribeStacks of the app's stack failed and what to do.
func describeStacksError(stack, where string, err error) error {
	f := cfn.Classify(err)
	switch f.Kind {
	case cfn.ErrStackNotFound:
		return fmt.Errorf("stack %s: not found in %s (%s); deploy it first or check --stage and --region", stack, where, f.Message)
	case cfn.ErrAccessDenied:
		return fmt.Errorf("stack %s: access denied to cloudformation:DescribeStacks in %s: %s", stack, where, f.Message)
	case cfn.ErrCredentials:
		return fmt.Errorf("stack %s: the AWS credentials were refused by cloudformation:DescribeStacks in %s (%s: %s): they have expired "+
			"or are not valid; refresh them (aws sso login, or --profile), or give the outputs with --outputs-file FILE", stack, where, f.Code, f.Message)
	case cfn.ErrNoCredentials:
		return fmt.Errorf("stack %s: no AWS credentials found for cloudformation:DescribeStacks in %s: use --profile or AWS_PROFILE, "+
			"or give the outputs with --outputs-file FILE", stack, where)
	}
	return fmt.Errorf("stack %s: DescribeStacks in %s: %w", stack, where, err)
}

// refuseUnknownKeys fails, writing nothing, when a file config would overwrite holds keys the new one
// lacks: it lists them, with the spec change that keeps each.
func refuseUnknownKeys(targets []spec.FrontendFile, files []configFile, stage string, stderr io.Writer) error {
	var report strings.Builder
	n := 0
	for i, f := range files {
		old, err := os.ReadFile(f.path)
		if err != nil {
			continue // nothing there (or unreadable: the write reports it)
		}
		keys, err := emit.UnknownKeys(targets[i].Format, old, f.data, stage)
		if err != nil {
			fmt.Fprintf(&report, "%s: %v, so its keys are unknown; move it aside, or pass --drop-unknown-keys to replace it\n", f.path, err)
			n++
			continue
		}
		if len(keys) == 0 {
			continue
		}
		fmt.Fprintf(&report, "%s holds keys the spec does not account for; writing it would drop them:\n", f.path)
		for _, k := range keys {
			fmt.Fprintf(&report, "  %s: %s\n", k.Key, k.Keep)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	fmt.Fprint(stderr, report.String())
	return &exitError{code: exitFailure, msg: "nothing written: change the spec to keep those keys, or pass --drop-unknown-keys to drop them"}
}

// readsSecrets reports whether config reads a value from Secrets Manager or SSM for app.
func readsSecrets(app *spec.App) bool {
	for _, g := range app.GraphQL {
		if r := g.APIKey; r != nil && (r.SecretsManager != "" || r.SSM != "") {
			return true
		}
	}
	return false
}

// secretReader reads referenced values from Secrets Manager and SSM, with --profile and --region (else
// the stage's region). Endpoints follow the SDK's configuration (AWS_ENDPOINT_URL_SECRETS_MANAGER,
// AWS_ENDPOINT_URL_SSM), which is how tests point them at a loopback server.
type secretReader struct {
	opts *configOptions
	app  *spec.App
}

func (r *secretReader) read(ref spec.ValueRef) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sess, err := cfn.Load(ctx, r.opts.awsOptions.session(r.app.Region))
	if err != nil {
		return "", err
	}
	where := sess.Where
	switch {
	case ref.SecretsManager != "":
		out, err := sess.SecretsManager().GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(ref.SecretsManager)})
		if err != nil {
			return "", fmt.Errorf("Secrets Manager secret %s in %s: %w", ref.SecretsManager, where, err)
		}
		v := aws.ToString(out.SecretString)
		if ref.JSONField == "" {
			return v, nil
		}
		var fields map[string]any
		if err := json.Unmarshal([]byte(v), &fields); err != nil {
			return "", fmt.Errorf("Secrets Manager secret %s: jsonField %s, but the secret is not a JSON object", ref.SecretsManager, ref.JSONField)
		}
		s, ok := fields[ref.JSONField].(string)
		if !ok {
			return "", fmt.Errorf("Secrets Manager secret %s has no string field %s", ref.SecretsManager, ref.JSONField)
		}
		return s, nil
	case ref.SSM != "":
		out, err := sess.SSM().GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(ref.SSM), WithDecryption: aws.Bool(true)})
		if err != nil {
			return "", fmt.Errorf("SSM parameter %s in %s: %w", ref.SSM, where, err)
		}
		return aws.ToString(out.Parameter.Value), nil
	}
	return "", fmt.Errorf("no secret referenced")
}

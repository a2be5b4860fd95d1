package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/internal/cfn"
	"github.com/underhood-dev/underhood/plan"
)

type planOptions struct {
	specOptions
	awsOptions
	against string
	allow   []string
}

func newPlanCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &planOptions{}
	cmd := opts.command("plan [--stage S] [--against FILE | --profile P --region R] [--allow LOGICAL_ID]... SPEC",
		"Compare the template synth would deploy with the deployed one; refuse changes that lose users' data",
		"plan synthesizes the stage's template in memory and compares it with the deployed stack's template\n"+
			"(CloudFormation GetTemplate with the default AWS credential chain, or --against FILE). It lists each\n"+
			"resource as added, modified, replaced or deleted, and exits 1 when a user pool, user pool client,\n"+
			"identity pool, bucket or table would be deleted, renamed (a changed logical ID), replaced, or changed\n"+
			"in a way Cognito or DynamoDB refuse. --allow LOGICAL_ID accepts one such change after a backup.\n"+
			"A stack that does not exist yet is all added. Exit 0: nothing stateful is lost; 1: blocked or error.",
		"stage to plan (default dev)",
		func() error { return runPlan(opts, stdout, stderr) })
	f := cmd.Flags()
	f.StringVar(&opts.against, "against", "", "compare with this template file (JSON or YAML) instead of the deployed stack")
	f.StringArrayVar(&opts.allow, "allow", nil, "accept the blocked change to this logical ID (repeatable); take a backup first")
	opts.awsOptions.addFlags(cmd, "AWS profile for GetTemplate (default: the default credential chain)",
		"AWS region of the stack (default: the stage's region, else the SDK's default)")
	return cmd
}

func runPlan(opts *planOptions, stdout, stderr io.Writer) error {
	if opts.against != "" && opts.awsOptions.given() {
		return &exitError{code: exitUsage, msg: "--against compares with a file; --profile and --region are for the deployed stack"}
	}
	app, ok := loadSpec(opts.spec, opts.stage, stderr)
	if !ok {
		return errFailed
	}
	var deployed []byte
	var source string
	if opts.against != "" {
		data, err := os.ReadFile(opts.against)
		if err != nil {
			return &exitError{code: exitFailure, msg: fmt.Sprintf("cannot read the template to compare with: %v", err)}
		}
		deployed, source = data, opts.against
	} else {
		body, where, err := deployedTemplate(context.Background(), app.StackName(), opts.awsOptions.session(app.Region))
		if err != nil {
			return &exitError{code: exitFailure, msg: err.Error()}
		}
		if body == nil {
			fmt.Fprintf(stdout, "Stack %s does not exist in %s yet: every resource is new.\n", app.StackName(), where)
		} else {
			source = "stack " + app.StackName() + " in " + where
		}
		deployed = body
	}
	proposed, err := synthTemplate(app, opts.spec)
	if err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	report, err := plan.Compare(deployed, proposed, plan.Options{Allow: opts.allow})
	if err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	if source != "" {
		fmt.Fprintf(stdout, "Plan for %s (stage %s): %s -> the template synth would deploy\n\n", app.StackName(), app.Stage, source)
	}
	if err := report.WriteText(stdout); err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	if report.Blocked {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("plan blocked: %s would lose users' data or fail to deploy",
			plural(report.Summary.Blocked, "change"))}
	}
	return nil
}

// deployedTemplate fetches the stack's current template with GetTemplate. It returns a nil body when
// the stack does not exist, and where describes the region (and profile) asked.
func deployedTemplate(ctx context.Context, stack string, session cfn.Options) (body []byte, where string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	client, where, err := cfn.NewClient(ctx, session)
	if err != nil {
		return nil, "", fmt.Errorf("%v (use --profile, or --against FILE to compare with a template file)", err)
	}
	return getTemplate(ctx, client, stack, where)
}

func getTemplate(ctx context.Context, client cfn.TemplateAPI, stack, where string) ([]byte, string, error) {
	body, err := cfn.Template(ctx, client, stack, "")
	if err == nil {
		return []byte(body), where, nil
	}
	f := cfn.Classify(err)
	switch f.Kind {
	case cfn.ErrStackNotFound:
		return nil, where, nil
	case cfn.ErrAccessDenied:
		return nil, "", fmt.Errorf("access denied reading stack %s's template in %s: the credentials need cloudformation:GetTemplate "+
			"on it (%s); use --profile for other credentials, or --against FILE", stack, where, f.Message)
	case cfn.ErrCredentials:
		return nil, "", fmt.Errorf("the AWS credentials were refused (%s: %s): refresh them (aws sso login, or --profile)", f.Code, f.Message)
	case cfn.ErrNoCredentials:
		return nil, "", fmt.Errorf("no AWS credentials found for GetTemplate in %s: use --profile or AWS_PROFILE, or compare with a file "+
			"with --against FILE", where)
	}
	if f.Code != "" {
		return nil, "", fmt.Errorf("cannot read stack %s's template in %s: %s: %s", stack, where, f.Code, f.Message)
	}
	return nil, "", fmt.Errorf("cannot read stack %s's template in %s: %v", stack, where, err)
}

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/internal/synthcache"
	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

type synthOptions struct {
	specOptions
	out     string
	quiet   bool
	noNag   bool
	noCache bool
	// addToStack adds constructs to the stack before synthesis: tests provoke CDK errors with it.
	addToStack func(*stacks.AppStack)
}

func newSynthCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &synthOptions{}
	cmd := opts.command("synth [--stage S] [--out DIR] SPEC",
		"Synthesize the app's CloudFormation (the cloud assembly); also the app command in cdk.json",
		"synth writes the cloud assembly for one stage and prints a summary. cdk.json runs it as the CDK\n"+
			"app, so cdk synth, diff and deploy work as usual: the stage then comes from -c stage=NAME.",
		"stage to synthesize (default: cdk context \"stage\", else dev)",
		func() error { return runSynth(opts, stdout, stderr) })
	cmd.Flags().StringVar(&opts.out, "out", "", "cloud assembly folder (default: $CDK_OUTDIR when run by the CDK CLI, else cdk.out)")
	cmd.Flags().BoolVarP(&opts.quiet, "quiet", "q", false, "print no summary")
	cmd.Flags().BoolVar(&opts.noNag, "no-nag", false, "skip the cdk-nag AwsSolutions checks (on by default; unaccepted findings fail synth)")
	cmd.Flags().BoolVar(&opts.noCache, "no-cache", false, "synthesize even when the synth cache (.underhood-cache beside the spec) holds this assembly")
	return cmd
}

func runSynth(opts *synthOptions, stdout, stderr io.Writer) error {
	stage := opts.stage
	if stage == "" {
		stage = contextStage()
	}
	// Validate before starting Node: a bad spec fails in milliseconds.
	app, ok := loadSpec(opts.spec, stage, stderr)
	if !ok {
		return errFailed
	}
	// The CDK CLI passes CDK_OUTDIR; only an explicit --out overrides it.
	appProps := &awscdk.AppProps{}
	switch {
	case opts.out != "":
		appProps.Outdir = jsii.String(opts.out)
	case os.Getenv("CDK_OUTDIR") == "":
		appProps.Outdir = jsii.String("cdk.out")
	}
	// Compare with the previous cloud assembly, if any, and warn about anything plan would block.
	defer previousAssemblyGuard(appProps, app.StackName(), stderr)()
	// Unchanged inputs: the cached assembly, without starting Node (internal/synthcache).
	cache, hit := openSynthCache(opts, app, stdout, stderr)
	if hit {
		return nil
	}
	defer cache.close()
	direct := stderr
	stdout, stderr = cache.record(stdout, stderr)
	res, err := cache.synthesize(app, opts.spec, appProps, opts.noNag, opts.addToStack)
	for _, n := range res.notes {
		fmt.Fprintln(direct, "note:", n)
	}
	var failure *synthFailure
	if errors.As(err, &failure) {
		for _, l := range failure.lines {
			fmt.Fprintln(stderr, l)
		}
		return &exitError{code: exitFailure, msg: fmt.Sprintf("synthesis of %s failed: CDK raised the error above; nothing can be deployed", app.StackName())}
	}
	if err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	problems, nagFindings, outDir := res.problems, res.nagFindings, res.dir
	for _, w := range res.warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "error:", p)
		}
		if nagFindings > 0 {
			fmt.Fprintf(stderr, "%d cdk-nag finding(s): fix the spec setting that causes each, or synthesize with --no-nag "+
				"(README, Security posture: what underhood accepts and why)\n", nagFindings)
		}
		return &exitError{code: exitFailure, msg: fmt.Sprintf("%s has %d error(s); nothing can be deployed", app.StackName(), len(problems))}
	}
	if opts.quiet || os.Getenv("CDK_OUTDIR") != "" {
		return cache.publish(nil)
	}
	return cache.publish(printSummary(stdout, app, filepath.Join(outDir, app.StackName()+".template.json")))
}

// contextStage reads -c stage=NAME from the context the CDK CLI hands its app.
func contextStage() string {
	return synthcache.ContextStage(os.Getenv("CDK_CONTEXT_JSON"))
}

// printSummary shows what the template holds: resources by kind, and every route with its authorization.
func printSummary(w io.Writer, app *spec.App, templatePath string) error {
	data, err := os.ReadFile(templatePath)
	if err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	var tpl struct {
		Resources map[string]struct{ Type string } `json:"Resources"`
	}
	if err := json.Unmarshal(data, &tpl); err != nil {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("%s: %v", templatePath, err)}
	}
	counts := map[string]int{}
	for _, r := range tpl.Resources {
		counts[r.Type]++
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "%s (stage %s, removal %s): %d resources -> %s\n", app.StackName(), app.Stage, app.Removal, len(tpl.Resources), templatePath)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %4d  %s\n", counts[k], k)
	}
	for _, api := range app.APIs {
		fmt.Fprintf(w, "API %s\n", api.Name)
		for _, r := range api.Routes {
			fmt.Fprintf(w, "  %-28s -> %-12s %s\n", r.Key(), r.Function, describeAuth(r))
		}
	}
	printChecklist(w, app)
	return nil
}

func describeAuth(r spec.Route) string {
	switch r.Authorization {
	case spec.AuthAccessToken:
		return "access token, scopes " + strings.Join(r.Scopes, " ")
	case spec.AuthIDToken:
		return "id token"
	case spec.AuthIAM:
		switch {
		case len(r.Groups) > 0:
			return "IAM (SigV4), groups " + strings.Join(r.Groups, ", ")
		case r.Guest:
			return "IAM (SigV4), guests and signed-in users"
		}
		return "IAM (SigV4), signed-in users"
	}
	return "none (public)"
}

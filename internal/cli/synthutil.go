package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/plan"
	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// synthResult is what one in-process synthesis produced.
type synthResult struct {
	dir         string   // the cloud assembly folder
	problems    []string // error annotations as "path: message"
	nagFindings int      // how many of them are cdk-nag findings
	warnings    []string // warning annotations as "path: message"
	notes       []string // how this synthesis ran, not what it made (never recorded by the synth cache)
}

// synthesize runs the CDK app for one stack in-process; specPath is the spec file app was loaded from,
// where problems are placed. Error annotations (construct errors and cdk-nag findings) are returned, not
// printed: Synth itself does not fail on them, the CDK CLI would. A JavaScript error CDK raises is a
// *synthFailure. addToStack, when set, adds constructs to the stack before synthesis (tests).
func synthesize(app *spec.App, specPath string, appProps *awscdk.AppProps, skipNag bool, addToStack func(*stacks.AppStack)) (res synthResult, err error) {
	// The CloudFormation validator's engine starts in its own process while this one builds the stack.
	v := startValidator()
	defer v.stop()
	props := awscdk.AppProps{}
	if appProps != nil {
		props = *appProps
	}
	if v != nil && v.err != nil {
		res.notes = append(res.notes, v.fallbackNote())
		v = nil
	}
	if v != nil {
		props.BuiltinCloudFormationValidation = jsii.Bool(false)
	}
	buildDir, err := os.MkdirTemp("", "underhood-build-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(buildDir)
	where := newLocator(app, specPath)
	// jsii reports JavaScript errors as Go panics; turn them into an error, never a stack trace.
	defer func() {
		if r := recover(); r != nil {
			err = &synthFailure{lines: cdkErrorLines(r, where)}
		}
	}()
	opts := &stacks.Options{BuildDir: buildDir, SkipNag: skipNag}
	// Go functions compile while NewApp starts Node and loads aws-cdk-lib (the first jsii call).
	stacks.Prebuild(app, opts)
	cdkApp := awscdk.NewApp(&props)
	if v != nil {
		awscdk.Validations_Of(cdkApp).AddPlugins(&validatorPlugin{v: v, notes: &res.notes})
	}
	st := stacks.New(cdkApp, app, opts)
	if addToStack != nil {
		addToStack(st)
	}
	assembly := cdkApp.Synth(nil)
	res.dir = *assembly.Directory()
	for _, st := range *assembly.Stacks() {
		for _, m := range *st.Messages() {
			msg := strings.TrimSpace(fmt.Sprint(m.Entry.Data))
			if m.Level == cxapi.SynthesisMessageLevel_WARNING {
				res.warnings = append(res.warnings, fmt.Sprintf("%s: %s", strings.TrimPrefix(*m.Id, "/"), msg))
			}
			if m.Level != cxapi.SynthesisMessageLevel_ERROR {
				continue
			}
			// cdk-nag findings read "AwsSolutions-RULE[finding]: message"; the id is the resource's path.
			if strings.HasPrefix(msg, "AwsSolutions-") {
				res.nagFindings++
			}
			res.problems = append(res.problems, where.prefix(*m.Id)+fmt.Sprintf("%s: %s", strings.TrimPrefix(*m.Id, "/"), msg))
		}
	}
	return res, nil
}

// synthTemplate synthesizes app's stack (loaded from specPath), cdk-nag included, into a temporary cloud
// assembly and returns its template: the template synth (and so cdk deploy) would produce. Nothing else
// is written.
func synthTemplate(app *spec.App, specPath string) ([]byte, error) {
	outDir, err := os.MkdirTemp("", "underhood-plan-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(outDir)
	// As the CDK CLI synthesizes for cdk deploy (its default --path-metadata): Metadata alone is no change
	// to plan, but the nested stacks of a split API are named in the parent by a hash of their templates,
	// Metadata included. CDK_CONTEXT_JSON, when set, overrides this.
	props := &awscdk.AppProps{
		Outdir:  jsii.String(outDir),
		Context: &map[string]interface{}{"aws:cdk:enable-path-metadata": true},
	}
	res, err := synthesize(app, specPath, props, false, nil)
	if err != nil {
		return nil, err
	}
	if len(res.problems) > 0 {
		return nil, fmt.Errorf("%s has %d synthesis error(s):\n%s", app.StackName(), len(res.problems), strings.Join(res.problems, "\n"))
	}
	return os.ReadFile(filepath.Join(res.dir, app.StackName()+".template.json"))
}

// previousAssemblyGuard is synth's replacement guard. Called before synthesis, it reads the stack's
// template from the previous cloud assembly in the output folder (appProps.Outdir, else $CDK_OUTDIR,
// else nothing); the function it returns compares it with the freshly written one and prints a warning
// to stderr for every change plan would block. It never fails synth. One line in runSynth, anywhere
// before cdkApp.Synth:
//
//	defer previousAssemblyGuard(appProps, app.StackName(), stderr)()
func previousAssemblyGuard(appProps *awscdk.AppProps, stackName string, stderr io.Writer) func() {
	dir := os.Getenv("CDK_OUTDIR")
	if appProps != nil && appProps.Outdir != nil {
		dir = *appProps.Outdir
	}
	if dir == "" {
		return func() {}
	}
	path := filepath.Join(dir, stackName+".template.json")
	previous, err := os.ReadFile(path)
	if err != nil {
		return func() {} // no previous assembly: nothing to compare
	}
	return func() {
		current, err := os.ReadFile(path)
		if err != nil || string(current) == string(previous) {
			return
		}
		warnDangerous(stderr, previous, current, path)
	}
}

// warnDangerous prints one warning per change plan would block (plan.WarnDangerous, which
// underhood-synth's cache hits share).
func warnDangerous(stderr io.Writer, previous, current []byte, path string) {
	plan.WarnDangerous(stderr, previous, current, path)
}

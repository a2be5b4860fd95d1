// Package function builds AWS Lambda functions from a source folder, locally and without Docker or
// Node: Go sources are compiled for linux/arm64 into a "bootstrap" binary, nodejs handlers are
// bundled with their node_modules into one ES module by esbuild's Go API, and python sources are
// copied with their requirements.txt installed by pip for the Lambda platform. Each build goes to a
// build folder that becomes the asset and is reproducible, so an unchanged function keeps its asset
// hash and is not redeployed. Every function gets its own explicit CloudWatch log group, which avoids
// CDK's Custom::LogRetention resource (and the extra Lambda it brings).
package function

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/internal/inlinerole"
	"github.com/underhood-dev/underhood/internal/awsrules"
)

// Runtime selects the language of the source folder.
type Runtime string

const (
	// RuntimeGo compiles the source folder (a package main) to a bootstrap
	// binary and runs it on provided.al2023.
	RuntimeGo Runtime = "go"
	// RuntimeNodejs bundles the handler's module and its imports (BundleNode) for nodejs22.x.
	RuntimeNodejs Runtime = "nodejs"
	// RuntimePython ships the source folder and its requirements.txt packages (BuildPython) on
	// python3.13.
	RuntimePython Runtime = "python"
)

// EnvVar is one environment variable; a slice keeps the caller's order.
type EnvVar struct{ Name, Value string }

// Props configure a Function. The zero value of every field except Runtime
// and Source means "use the default".
type Props struct {
	Runtime      Runtime
	Source       string                // folder; relative paths are relative to the process working dir
	Handler      string                // "" -> nodejs "index.handler", python "index.handler", go "bootstrap"
	MemorySize   int                   // MB; 0 -> 256
	Timeout      time.Duration         // 0 -> 10s; whole seconds within Lambda's bounds (awsrules.LambdaTimeout*)
	Environment  []EnvVar              // caller order; duplicate names are an error
	LogRetention awslogs.RetentionDays // "" -> ONE_MONTH
	Description  string
	// BuildDir is the folder the build writes and the asset is made of; nodejs and python builds
	// empty it first. "" -> a fresh os.MkdirTemp folder.
	BuildDir string
	Bundle   NodeBundle // nodejs only
}

// Function is a Lambda function with its own log group and execution role. The role starts with no
// managed policy: only logs:CreateLogStream and logs:PutLogEvents on LogGroup, in the role's inline
// policy (RolePolicyName), where every later grant to Fn or Role goes too. It is a construct of its own
// (its children are the log group, the role and the function), so callers may add theirs under it.
type Function struct {
	constructs.Construct
	Fn       awslambda.Function
	LogGroup awslogs.LogGroup
	Role     awsiam.Role

	id string
}

// RolePolicyName names the inline policy of the function's role that holds its grants.
const RolePolicyName = "Grants"

const (
	defaultMemory  = 256
	defaultTimeout = 10 * time.Second
)

// Lambda refuses to deploy a function that sets one of these.
var reservedEnv = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_REGION": true, "AWS_EXECUTION_ENV": true,
	"AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true,
	"AWS_LAMBDA_LOG_GROUP_NAME": true, "AWS_LAMBDA_LOG_STREAM_NAME": true,
	"AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true,
	"AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// The Lambda API's pattern for environment variable keys.
var envNameRE = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9_])+$`)

// The values jsii accepts for awslogs.RetentionDays; anything else would
// panic inside the jsii marshaller instead of producing an annotation.
var validRetention = map[awslogs.RetentionDays]bool{
	awslogs.RetentionDays_ONE_DAY: true, awslogs.RetentionDays_THREE_DAYS: true,
	awslogs.RetentionDays_FIVE_DAYS: true, awslogs.RetentionDays_ONE_WEEK: true,
	awslogs.RetentionDays_TWO_WEEKS: true, awslogs.RetentionDays_ONE_MONTH: true,
	awslogs.RetentionDays_TWO_MONTHS: true, awslogs.RetentionDays_THREE_MONTHS: true,
	awslogs.RetentionDays_FOUR_MONTHS: true, awslogs.RetentionDays_FIVE_MONTHS: true,
	awslogs.RetentionDays_SIX_MONTHS: true, awslogs.RetentionDays_ONE_YEAR: true,
	awslogs.RetentionDays_THIRTEEN_MONTHS: true, awslogs.RetentionDays_EIGHTEEN_MONTHS: true,
	awslogs.RetentionDays_TWO_YEARS: true, awslogs.RetentionDays_THREE_YEARS: true,
	awslogs.RetentionDays_FIVE_YEARS: true, awslogs.RetentionDays_SIX_YEARS: true,
	awslogs.RetentionDays_SEVEN_YEARS: true, awslogs.RetentionDays_EIGHT_YEARS: true,
	awslogs.RetentionDays_NINE_YEARS: true, awslogs.RetentionDays_TEN_YEARS: true,
	awslogs.RetentionDays_INFINITE: true,
}

// NewFunction creates the log group and the function. Bad props and failed Go
// builds are reported as error annotations (synth fails with the message); a
// placeholder empty asset is used then so callers can still wire Fn.
func NewFunction(scope constructs.Construct, id string, props *Props) *Function {
	var p Props
	if props != nil {
		p = *props // copy: defaults must never leak back into the caller's props
	}
	p.Environment = append([]EnvVar(nil), p.Environment...)

	f := &Function{id: id}
	constructs.NewConstruct_Override(f, scope, jsii.String(id))
	runtime, handler := f.runtime(p)
	f.checkLimits(&p)
	env := f.environment(p.Environment)
	codeDir := f.build(p, handler)
	if p.Runtime == RuntimeNodejs && p.Bundle.SourceMap {
		env = withSourceMaps(env)
	}

	// An explicit log group replaces the LogRetention custom resource; logs
	// are not worth keeping after the function is gone, hence DESTROY.
	f.LogGroup = awslogs.NewLogGroup(f, jsii.String("LogGroup"), &awslogs.LogGroupProps{
		Retention:     p.LogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})

	// Instead of CDK's default role with AWSLambdaBasicExecutionRole (logs on every log group in the
	// account): the function writes to its own log group only, which exists before it runs. Every
	// grant to the role or the function (the log group's, storage grants) goes into the role's inline
	// policy, not a separate AWS::IAM::Policy.
	f.Role = inlinerole.New(f, "ServiceRole", RolePolicyName, &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	f.LogGroup.GrantWrite(f.Role)

	fnProps := &awslambda.FunctionProps{
		Runtime:      runtime,
		Handler:      jsii.String(handler),
		Code:         awslambda.Code_FromAsset(jsii.String(codeDir), nil),
		Architecture: awslambda.Architecture_ARM_64(),
		MemorySize:   jsii.Number(float64(p.MemorySize)),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(p.Timeout.Seconds())),
		LogGroup:     f.LogGroup,
		Role:         f.Role,
	}
	if p.Description != "" {
		fnProps.Description = jsii.String(p.Description)
	}
	f.Fn = awslambda.NewFunction(f, jsii.String("Function"), fnProps)
	// One by one in the caller's order: a Go map would reach jsii in random order.
	for _, e := range env {
		f.Fn.AddEnvironment(jsii.String(e.Name), jsii.String(e.Value), nil)
	}
	return f
}

// errorf reports a problem as an error annotation on the construct (synth fails).
func (f *Function) errorf(format string, a ...any) {
	awscdk.Annotations_Of(f).AddError(jsii.String(fmt.Sprintf(format, a...)))
}

// runtime is the Lambda runtime of p.Runtime and the handler ("" takes the runtime's default).
func (f *Function) runtime(p Props) (awslambda.Runtime, string) {
	handler := p.Handler
	switch p.Runtime {
	case RuntimeGo:
		if handler == "" {
			handler = "bootstrap"
		}
		return awslambda.Runtime_PROVIDED_AL2023(), handler
	case RuntimeNodejs:
		if handler == "" {
			handler = "index.handler"
		}
		// Pinned on purpose: nodejs24.x drops callback-style handlers, which
		// code migrated from Amplify Gen 1 still uses.
		return awslambda.Runtime_NODEJS_22_X(), handler
	case RuntimePython:
		if handler == "" {
			handler = "index.handler"
		}
		return awslambda.Runtime_PYTHON_3_13(), handler
	default:
		f.errorf("function %q: runtime %q is not supported (want %q, %q or %q)", f.id, p.Runtime, RuntimeGo, RuntimeNodejs, RuntimePython)
		if handler == "" {
			handler = "index.handler"
		}
		return awslambda.Runtime_NODEJS_22_X(), handler // placeholder so the tree stays complete
	}
}

// checkLimits applies the defaults of memory, timeout and log retention, and replaces a value Lambda
// or CloudWatch would refuse by the default after reporting it.
func (f *Function) checkLimits(p *Props) {
	if p.MemorySize == 0 {
		p.MemorySize = defaultMemory
	}
	if p.MemorySize < awsrules.LambdaMemoryLowest || p.MemorySize > awsrules.LambdaMemoryHighest {
		f.errorf("function %q: memory size %d MB is outside %d..%d", f.id, p.MemorySize, awsrules.LambdaMemoryLowest, awsrules.LambdaMemoryHighest)
		p.MemorySize = defaultMemory
	}

	if p.Timeout == 0 {
		p.Timeout = defaultTimeout
	}
	if p.Timeout%time.Second != 0 || p.Timeout < awsrules.LambdaTimeoutLowest*time.Second || p.Timeout > awsrules.LambdaTimeoutHighest*time.Second {
		f.errorf("function %q: timeout %s must be whole seconds between %ds and %ds", f.id, p.Timeout, awsrules.LambdaTimeoutLowest, awsrules.LambdaTimeoutHighest)
		p.Timeout = defaultTimeout
	}

	if p.LogRetention == "" {
		p.LogRetention = awslogs.RetentionDays_ONE_MONTH
	}
	if !validRetention[p.LogRetention] {
		f.errorf("function %q: log retention %q is not a valid awslogs.RetentionDays", f.id, p.LogRetention)
		p.LogRetention = awslogs.RetentionDays_ONE_MONTH
	}
}

// environment is the variables Lambda accepts, in the caller's order; the others are reported.
func (f *Function) environment(vars []EnvVar) []EnvVar {
	seen := map[string]bool{}
	var env []EnvVar
	for _, e := range vars {
		switch {
		case !envNameRE.MatchString(e.Name):
			f.errorf("function %q: environment variable name %q is invalid (letters, digits, _; starting with a letter; at least 2 characters)", f.id, e.Name)
		case reservedEnv[e.Name]:
			f.errorf("function %q: environment variable %q is reserved by Lambda", f.id, e.Name)
		case seen[e.Name]:
			f.errorf("function %q: environment variable %q is set more than once", f.id, e.Name)
		default:
			env = append(env, e)
		}
		seen[e.Name] = true
	}
	return env
}

// build builds the source and returns the folder to upload; after a failed build, which it reports,
// an empty placeholder folder.
func (f *Function) build(p Props, handler string) string {
	dir, warnings, err := codeDir(p, handler)
	for _, w := range warnings {
		awscdk.Annotations_Of(f).AddWarning(jsii.String(fmt.Sprintf("function %q: %s", f.id, w)))
	}
	var bundleErr *BundleError
	switch {
	case errors.As(err, &bundleErr):
		for _, problem := range bundleErr.Problems {
			f.errorf("function %q: %s", f.id, problem)
		}
	case err != nil:
		f.errorf("function %q: %v", f.id, err)
	}
	if err != nil {
		return placeholderDir()
	}
	return dir
}

// codeDir returns the folder to upload as the function's code: the build folder, after building the
// source into it.
func codeDir(p Props, handler string) (string, []string, error) {
	if p.Source == "" {
		return "", nil, errors.New("source folder is required")
	}
	// Absolute, so the jsii kernel (a separate node process) resolves it the
	// same way this process does; the path never reaches the template.
	src, err := filepath.Abs(p.Source)
	if err != nil {
		return "", nil, fmt.Errorf("source folder %q: %v", p.Source, err)
	}
	st, err := os.Stat(src)
	if err != nil {
		return "", nil, fmt.Errorf("source folder %q: %v", p.Source, err)
	}
	if !st.IsDir() {
		return "", nil, fmt.Errorf("source %q is not a folder", p.Source)
	}
	if p.Runtime != RuntimeGo && p.Runtime != RuntimeNodejs && p.Runtime != RuntimePython {
		return src, nil, nil // already reported; the source folder keeps the tree complete
	}
	out := p.BuildDir
	if out == "" {
		if out, err = os.MkdirTemp("", "underhood-build-"); err != nil {
			return "", nil, fmt.Errorf("build dir: %v", err)
		}
	} else if out, err = filepath.Abs(out); err != nil {
		return "", nil, fmt.Errorf("build dir %q: %v", p.BuildDir, err)
	}
	var warnings []string
	switch p.Runtime {
	case RuntimeGo:
		err = BuildGo(src, out)
	case RuntimeNodejs:
		// p.Source as given: error messages name files the way the caller named the folder.
		warnings, err = BundleNode(p.Source, handler, out, p.Bundle)
	case RuntimePython:
		err = BuildPython(p.Source, out)
	}
	return out, warnings, err
}

// withSourceMaps makes Node read the bundle's source map for stack traces: --enable-source-maps is
// added to NODE_OPTIONS, or appended to the caller's.
func withSourceMaps(env []EnvVar) []EnvVar {
	const flag = "--enable-source-maps"
	for i, e := range env {
		if e.Name == "NODE_OPTIONS" {
			if !slices.Contains(strings.Fields(e.Value), flag) {
				env[i].Value = strings.TrimSpace(e.Value + " " + flag)
			}
			return env
		}
	}
	return append(env, EnvVar{Name: "NODE_OPTIONS", Value: flag})
}

// placeholderDir is an empty folder used as code when the real one cannot be
// made: synth fails on the error annotation anyway, but the construct tree
// (and Fn) stays usable until then instead of panicking in jsii. One folder
// per process is enough since it is never written to.
var placeholderDir = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "underhood-placeholder-")
	if err != nil {
		return os.TempDir()
	}
	return dir
})

// BuildGo compiles the Go package main in source into outDir/bootstrap for
// linux/arm64, the way provided.al2023 expects it. The build is reproducible
// (trimmed paths, no VCS stamp, empty build ID), so the asset hash only
// changes when the code or toolchain does. The error carries the compiler's
// output.
func BuildGo(source, outDir string) error {
	if err, ok := waitPrebuild(source, outDir); ok {
		return err
	}
	return buildGo(source, outDir)
}

// buildGo is BuildGo without looking for a PrebuildGo of the same folders.
func buildGo(source, outDir string) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("go build dir %q: %v", outDir, err)
	}
	bin := filepath.Join(outDir, "bootstrap")
	// go build writes nothing on failure; a stale binary must not pass for a fresh one.
	if err := os.Remove(bin); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove old %s: %v", bin, err)
	}
	cmd := exec.Command("go", "build",
		"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc",
		"-ldflags=-s -w -buildid=",
		"-o", bin, ".")
	cmd.Dir = source
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("go build in %s failed: %s", source, msg)
	}
	return nil
}

package function_test

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/function"
)

const (
	goSrc     = "testdata/goapp"
	brokenSrc = "testdata/gobroken"
	nodeSrc   = "testdata/nodeapp"
	pySrc     = "testdata/pyapp"
)

func newApp(t *testing.T) awscdk.App {
	t.Helper()
	return awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
}

// errorsOf returns the error annotations of the stack's tree.
func errorsOf(stack awscdk.Stack) []string {
	var out []string
	for _, m := range *assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_AnyValue()) {
		out = append(out, fmt.Sprint(m.Entry.Data))
	}
	return out
}

// codeKey returns the S3Key of the stack's only Lambda function.
func codeKey(t *testing.T, stack awscdk.Stack) string {
	t.Helper()
	fns := *assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::Lambda::Function"), nil)
	if len(fns) != 1 {
		t.Fatalf("%s: want 1 function, got %d", *stack.StackName(), len(fns))
	}
	for _, r := range fns {
		key, _ := (*r)["Properties"].(map[string]any)["Code"].(map[string]any)["S3Key"].(string)
		if !strings.HasSuffix(key, ".zip") {
			t.Fatalf("%s: S3Key %q is not a zip asset key", *stack.StackName(), key)
		}
		return key
	}
	return ""
}

func TestRuntimes(t *testing.T) {
	app := newApp(t)
	cases := []struct {
		name        string
		props       function.Props
		wantRuntime string
		wantHandler string
	}{
		{"Go", function.Props{Runtime: function.RuntimeGo, Source: goSrc}, "provided.al2023", "bootstrap"},
		{"Node", function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc}, "nodejs22.x", "index.handler"},
		{"Python", function.Props{Runtime: function.RuntimePython, Source: pySrc}, "python3.13", "index.handler"},
		{"NodeCustomHandler", function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, Handler: "app.main"}, "nodejs22.x", "app.main"},
	}
	// The whole tree must exist before the first synth (CDK refuses changes after it).
	stacks := make([]awscdk.Stack, len(cases))
	fns := make([]*function.Function, len(cases))
	for i, tc := range cases {
		stacks[i] = awscdk.NewStack(app, jsii.String("Runtime"+tc.name), nil)
		fns[i] = function.NewFunction(stacks[i], "Fn", &tc.props)
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack, fn := stacks[i], fns[i]
			if fn.Fn == nil || fn.LogGroup == nil {
				t.Fatal("Fn and LogGroup must be set")
			}
			tpl := assertions.Template_FromStack(stack, nil)
			if errs := errorsOf(stack); len(errs) != 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
				"Runtime":       tc.wantRuntime,
				"Handler":       tc.wantHandler,
				"Architectures": []any{"arm64"},
				"MemorySize":    256,
				"Timeout":       10,
				"Description":   assertions.Match_Absent(),
				"Environment":   assertions.Match_Absent(),
				"LoggingConfig": map[string]any{"LogGroup": stack.Resolve(fn.LogGroup.LogGroupName())},
			})
			// The explicit log group replaces CDK's LogRetention custom resource
			// and its singleton Lambda: exactly one function, no custom resource.
			tpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(1))
			tpl.ResourceCountIs(jsii.String("Custom::LogRetention"), jsii.Number(0))
			tpl.ResourceCountIs(jsii.String("AWS::Logs::LogGroup"), jsii.Number(1))
			tpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
				"Properties":     map[string]any{"RetentionInDays": 30},
				"DeletionPolicy": "Delete",
			})
			codeKey(t, stack)
		})
	}
}

func TestProps(t *testing.T) {
	app := newApp(t)
	props := &function.Props{
		Runtime:    function.RuntimeNodejs,
		Source:     nodeSrc,
		MemorySize: 1024,
		Timeout:    30 * time.Second,
		Environment: []function.EnvVar{
			{Name: "TABLE", Value: "todos"},
			{Name: "API_URL", Value: "https://api.example"},
			{Name: "STAGE", Value: "dev"},
		},
		LogRetention: awslogs.RetentionDays_ONE_WEEK,
		Description:  "todo handler",
	}
	before := *props
	beforeEnv := append([]function.EnvVar(nil), props.Environment...)

	stack := awscdk.NewStack(app, jsii.String("Props"), nil)
	function.NewFunction(stack, "Fn", props)
	// A zero-value-plus-defaults path must not touch the caller's props either.
	zero := &function.Props{Runtime: function.RuntimePython, Source: pySrc}
	function.NewFunction(awscdk.NewStack(app, jsii.String("Zero"), nil), "Fn", zero)

	if errs := errorsOf(stack); len(errs) != 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"MemorySize":  1024,
		"Timeout":     30,
		"Description": "todo handler",
		"Environment": map[string]any{"Variables": assertions.Match_Exact(map[string]any{
			"TABLE": "todos", "API_URL": "https://api.example", "STAGE": "dev",
		})},
	})
	tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 7})
	// The role may only write to the function's own log group: no AWSLambdaBasicExecutionRole.
	// That grant is the role's inline policy: no separate AWS::IAM::Policy.
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
		"ManagedPolicyArns": assertions.Match_Absent(),
		"Policies": assertions.Match_Exact([]any{map[string]any{
			"PolicyName": function.RolePolicyName,
			"PolicyDocument": map[string]any{
				"Version": "2012-10-17",
				"Statement": []any{map[string]any{
					"Action":   []any{"logs:CreateLogStream", "logs:PutLogEvents"},
					"Effect":   "Allow",
					"Resource": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^FnLogGroup")), "Arn"}},
				}},
			},
		}}),
	})
	tpl.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(1))
	tpl.ResourceCountIs(jsii.String("AWS::IAM::Policy"), jsii.Number(0))

	if !reflect.DeepEqual(*props, before) || !reflect.DeepEqual(props.Environment, beforeEnv) {
		t.Errorf("caller's props were modified: %+v", *props)
	}
	if !reflect.DeepEqual(*zero, function.Props{Runtime: function.RuntimePython, Source: pySrc}) {
		t.Errorf("defaults were written back into props: %+v", *zero)
	}
}

// TestDeterministicTemplate synthesizes the same function in two apps and
// compares the template files byte for byte (key order included).
// TestGrantsAreInline: grants to the function (as storage grants it, through awsiam.IGrantable) and
// to its role join the log statement in the role's inline policy.
func TestGrantsAreInline(t *testing.T) {
	app := newApp(t)
	stack := awscdk.NewStack(app, jsii.String("Grants"), nil)
	f := function.NewFunction(stack, "Fn", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc})
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee: f.Fn, Actions: jsii.Strings("s3:GetObject"), ResourceArns: jsii.Strings("arn:aws:s3:::b/*"),
	})
	f.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("dynamodb:GetItem"), Resources: jsii.Strings("arn:aws:dynamodb:eu-west-1:123456789012:table/t"),
	}))
	if errs := errorsOf(stack); len(errs) != 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::IAM::Policy"), jsii.Number(0))
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
		"Policies": assertions.Match_Exact([]any{map[string]any{
			"PolicyName": function.RolePolicyName,
			"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
				assertions.Match_ObjectLike(&map[string]any{"Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"}}),
				map[string]any{"Action": "s3:GetObject", "Effect": "Allow", "Resource": "arn:aws:s3:::b/*"},
				map[string]any{"Action": "dynamodb:GetItem", "Effect": "Allow", "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/t"},
			}},
		}}),
	})
}

func TestDeterministicTemplate(t *testing.T) {
	synth := func() []byte {
		app := newApp(t)
		stack := awscdk.NewStack(app, jsii.String("Det"), nil)
		function.NewFunction(stack, "Fn", &function.Props{
			Runtime: function.RuntimePython,
			Source:  pySrc,
			Environment: []function.EnvVar{
				{Name: "ZED", Value: "1"}, {Name: "ALPHA", Value: "2"}, {Name: "MID", Value: "3"},
				{Name: "BETA", Value: "4"}, {Name: "OMEGA", Value: "5"}, {Name: "GAMMA", Value: "6"},
			},
		})
		asm := app.Synth(nil)
		b, err := os.ReadFile(filepath.Join(*asm.Directory(), *asm.GetStackByName(jsii.String("Det")).TemplateFile()))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := synth(), synth()
	if !bytes.Equal(a, b) {
		t.Errorf("templates differ:\n%s\n---\n%s", a, b)
	}
	if bytes.Contains(a, []byte(mustAbs(t, pySrc))) {
		t.Errorf("template contains the absolute source path")
	}
}

// TestReproducibleGoBuild builds the same Go source into different folders
// and expects the same asset hash, i.e. the same S3Key.
func TestReproducibleGoBuild(t *testing.T) {
	app := newApp(t)
	ids := []string{"GoA", "GoB", "GoC", "NodeK", "PyK"}
	props := []function.Props{
		{Runtime: function.RuntimeGo, Source: goSrc},
		{Runtime: function.RuntimeGo, Source: goSrc},
		{Runtime: function.RuntimeGo, Source: goSrc, BuildDir: t.TempDir()},
		{Runtime: function.RuntimeNodejs, Source: nodeSrc},
		{Runtime: function.RuntimePython, Source: pySrc},
	}
	stacks := make([]awscdk.Stack, len(ids))
	for i := range ids {
		stacks[i] = awscdk.NewStack(app, jsii.String(ids[i]), nil)
		function.NewFunction(stacks[i], "Fn", &props[i])
	}
	keys := make([]string, len(ids))
	for i, stack := range stacks {
		if errs := errorsOf(stack); len(errs) != 0 {
			t.Fatalf("%s: unexpected errors: %v", ids[i], errs)
		}
		keys[i] = codeKey(t, stack)
	}
	if keys[0] != keys[1] || keys[0] != keys[2] {
		t.Errorf("Go asset not reproducible: %v", keys[:3])
	}
	// Guard that the comparison can fail: different code, different key.
	if keys[3] == keys[4] || keys[3] == keys[0] || keys[4] == keys[0] {
		t.Errorf("different sources share an asset key: %v", keys)
	}
}

func TestErrors(t *testing.T) {
	app := newApp(t)
	cases := []struct {
		name  string
		props *function.Props
		want  string // substring of one error annotation
	}{
		{"NilProps", nil, "runtime \"\" is not supported"},
		{"NilPropsSource", nil, "source folder is required"},
		{"UnknownRuntime", &function.Props{Runtime: "ruby", Source: nodeSrc}, "runtime \"ruby\" is not supported"},
		{"MissingSource", &function.Props{Runtime: function.RuntimeNodejs, Source: "testdata/nope"}, "testdata/nope"},
		{"MissingGoSource", &function.Props{Runtime: function.RuntimeGo, Source: "testdata/nope"}, "testdata/nope"},
		{"SourceIsFile", &function.Props{Runtime: function.RuntimePython, Source: pySrc + "/index.py"}, "is not a folder"},
		{"GoCompileError", &function.Props{Runtime: function.RuntimeGo, Source: brokenSrc}, "cannot use \"not an int\""},
		{"DuplicateEnv", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc,
			Environment: []function.EnvVar{{Name: "A1", Value: "x"}, {Name: "A1", Value: "y"}}}, "\"A1\" is set more than once"},
		{"ReservedEnv", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc,
			Environment: []function.EnvVar{{Name: "AWS_REGION", Value: "x"}}}, "reserved"},
		{"BadEnvName", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc,
			Environment: []function.EnvVar{{Name: "my-var", Value: "x"}}}, "\"my-var\" is invalid"},
		{"FractionalTimeout", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, Timeout: 1500 * time.Millisecond}, "whole seconds"},
		{"TimeoutTooLong", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, Timeout: 901 * time.Second}, "whole seconds"},
		{"NegativeTimeout", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, Timeout: -time.Second}, "whole seconds"},
		{"MemoryTooSmall", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, MemorySize: 64}, "memory size 64"},
		{"BadRetention", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, LogRetention: "FOREVER"}, "log retention \"FOREVER\""},
	}
	stacks := make([]awscdk.Stack, len(cases))
	for i, tc := range cases {
		stacks[i] = awscdk.NewStack(app, jsii.String("Err"+tc.name), nil)
		if fn := function.NewFunction(stacks[i], "Fn", tc.props); fn.Fn == nil || fn.LogGroup == nil {
			t.Fatalf("%s: Fn and LogGroup must be usable even when props are bad", tc.name)
		}
	}
	// Boundaries that must be accepted.
	ok := awscdk.NewStack(app, jsii.String("ErrNone"), nil)
	function.NewFunction(ok, "Max", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, Timeout: 900 * time.Second, MemorySize: 10240})
	function.NewFunction(ok, "Min", &function.Props{Runtime: function.RuntimeNodejs, Source: nodeSrc, Timeout: time.Second, MemorySize: 128})

	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := errorsOf(stacks[i])
			found := false
			for _, e := range errs {
				found = found || strings.Contains(e, tc.want)
			}
			if !found {
				t.Errorf("want an error containing %q, got %q", tc.want, errs)
			}
		})
	}

	if errs := errorsOf(ok); len(errs) != 0 {
		t.Errorf("boundary values rejected: %v", errs)
	}

	// app.Synth does not panic on error annotations (the cdk CLI refuses the
	// assembly); the error must be in the synthesized stack's messages.
	bad := newApp(t)
	function.NewFunction(awscdk.NewStack(bad, jsii.String("Bad"), nil), "Fn",
		&function.Props{Runtime: function.RuntimeGo, Source: brokenSrc})
	found := false
	for _, m := range *bad.Synth(nil).GetStackByName(jsii.String("Bad")).Messages() {
		found = found || (m.Level == cxapi.SynthesisMessageLevel_ERROR && strings.Contains(fmt.Sprint(m.Entry.Data), "cannot use"))
	}
	if !found {
		t.Error("synthesized assembly lacks the compiler error")
	}
}

func TestBuildGo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "nested", "out")
	if err := function.BuildGo(goSrc, out); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(out, "bootstrap")
	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o111 == 0 {
		t.Errorf("bootstrap is not executable: %v", st.Mode())
	}
	ef, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("bootstrap is not a Linux ELF binary: %v", err)
	}
	defer ef.Close()
	if ef.Machine != elf.EM_AARCH64 {
		t.Errorf("bootstrap is built for %v, want arm64", ef.Machine)
	}

	// A failed build must not leave the previous binary behind.
	err = function.BuildGo(brokenSrc, out)
	if err == nil || !strings.Contains(err.Error(), "cannot use \"not an int\"") {
		t.Errorf("want the compiler message, got %v", err)
	}
	if _, err := os.Stat(bin); !os.IsNotExist(err) {
		t.Errorf("stale bootstrap left after a failed build: %v", err)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestMain points TMPDIR at a private folder so the temporary build folders
// NewFunction makes (BuildDir "") are removed after the run.
func TestMain(m *testing.M) {
	if spec := os.Getenv(benchEnv); spec != "" { // BenchmarkBuild's fresh process: one build, no tests
		runOnceAndExit(spec)
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "function-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("TMPDIR", dir)
	code := m.Run()
	jsii.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

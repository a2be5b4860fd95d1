package cli

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// failing is a construct validation that always fails with its messages.
type failing struct{ msgs []string }

func (f *failing) Validate() *[]*string { return jsii.Strings(f.msgs...) }

// TestCDKErrorsKeepTheirCause provokes real CDK errors during synth (validations that fail, a construct
// CDK refuses to create) and checks that synth prints every line of them, with each problem's construct
// path and, where it was built for a spec element, that element's FILE:LINE:COL; never a stack trace.
func TestCDKErrorsKeepTheirCause(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes the example")
	}
	const specPath = "../../examples/photoshare/app.yaml"
	tests := []struct {
		name string
		add  func(st *stacks.AppStack)
		want []string // whole lines of stderr, in this order (CDK's: construct tree order)
	}{
		{
			name: "validation errors",
			add: func(st *stacks.AppStack) {
				st.APIs["photos"].Method("GET", "/photos").Node().AddValidation(&failing{[]string{"the route's method is wrong"}})
				st.UserPool.Node().AddValidation(&failing{[]string{"the pool is wrong\nin two ways"}})
				constructs.NewConstruct(st.Stack, jsii.String("Extra")).Node().AddValidation(&failing{[]string{"not from the spec"}})
			},
			want: []string{
				"error: ValidationFailedWithErrors: Validation failed with the following errors:",
				"error: " + specPath + ":14:3: auth.userPool: photoshare-prod/UserPool: the pool is wrong",
				"  in two ways",
				"error: " + specPath + `:58:7: api.photos.routes["GET /photos"]: photoshare-prod/Apis/photos/Api/Default/photos/GET: the route's method is wrong`,
				"error: photoshare-prod/Extra: not from the spec",
				"underhood: synthesis of photoshare-prod failed: CDK raised the error above; nothing can be deployed",
			},
		},
		{
			name: "a construct CDK refuses",
			add: func(st *stacks.AppStack) {
				awss3.NewBucket(st.Stack, jsii.String("Bad"), &awss3.BucketProps{BucketName: jsii.String("Bad_Name")})
			},
			want: []string{
				"error: Invalid S3 bucket name (value: Bad_Name)",
				"  Bucket name must only contain lowercase characters and the symbols, period (.) and dash (-) (offset: 0)",
				"  Bucket name must start with a lowercase character or number (offset: 0)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			opts := &synthOptions{specOptions: specOptions{spec: specPath, stage: "prod"}, out: t.TempDir(), addToStack: tt.add}
			err := runSynth(opts, &stdout, &stderr)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 1 {
				t.Fatalf("runSynth: %v, want exit 1\n%s", err, stderr.String())
			}
			// As Run prints it.
			stderr.WriteString("underhood: " + ee.msg + "\n")
			lines := strings.Split(stderr.String(), "\n")
			next := 0
			for _, w := range tt.want {
				for next < len(lines) && lines[next] != w {
					next++
				}
				if next == len(lines) {
					t.Errorf("stderr lacks the line (in this order)\n%s\n--- stderr:\n%s", w, stderr.String())
					break
				}
			}
			for _, bad := range []string{"goroutine ", "panic", ".go:", "    at "} {
				if strings.Contains(stderr.String(), bad) {
					t.Errorf("stderr has %q (a stack trace):\n%s", bad, stderr.String())
				}
			}
		})
	}
}

// TestCDKErrorLinesForElements: a CDK error raised while a spec element was built (stacks.ElementError)
// is printed at the element's place in the spec, with every line of CDK's message.
func TestCDKErrorLinesForElements(t *testing.T) {
	if testing.Short() {
		t.Skip("starts jsii")
	}
	const specPath = "../../examples/photoshare/app.yaml"
	app, err := spec.Load(specPath, "prod")
	if err != nil {
		t.Fatal(err)
	}
	// A real CDK error: what jsii panics with when CDK throws.
	var cdkErr error
	func() {
		defer func() { cdkErr, _ = recover().(error) }()
		stack := awscdk.NewStack(awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(t.TempDir(), "out"))}), jsii.String("S"), nil)
		awss3.NewBucket(stack, jsii.String("B"), &awss3.BucketProps{BucketName: jsii.String("Bad_Name")})
	}()
	if cdkErr == nil {
		t.Fatal("CDK accepted the bucket name Bad_Name")
	}
	got := cdkErrorLines(&stacks.ElementError{Path: "storage.photoStore", Construct: "photoshare-prod/Storage/photoStore", Err: cdkErr},
		newLocator(app, specPath))
	want := []string{
		"error: " + specPath + ":64:3: storage.photoStore: photoshare-prod/Storage/photoStore: Invalid S3 bucket name (value: Bad_Name)",
		"  Bucket name must only contain lowercase characters and the symbols, period (.) and dash (-) (offset: 0)",
		"  Bucket name must start with a lowercase character or number (offset: 0)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

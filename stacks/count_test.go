package stacks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

// jsResources is the count stackResources replaces, asked of the CDK itself: CfnResource.isCfnResource
// for every construct under the stack, not descending into nested stacks.
func jsResources(c constructs.IConstruct) int {
	n := 0
	for _, child := range *c.Node().Children() {
		switch {
		case *awscdk.NestedStack_IsNestedStack(child):
		case *awscdk.CfnResource_IsCfnResource(child):
			n++
		default:
			n += jsResources(child)
		}
	}
	return n
}

// TestStackResourcesMatchesCDK: the Go-side count equals the CDK's own answer, for the examples' stacks
// and for a stack with L1 and L2 resources, plain constructs and a nested stack with resources of its own.
func TestStackResourcesMatchesCDK(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	var all []awscdk.Stack
	for _, name := range spectest.Examples(t) {
		dir := filepath.Join("..", "examples", name)
		data, err := os.ReadFile(filepath.Join(dir, "app.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := spec.Parse("app.yaml", dir, data, "prod")
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, New(app, a, &Options{BuildDir: t.TempDir(), SkipNag: true}).Stack)
	}
	mixed := awscdk.NewStack(app, jsii.String("Mixed"), nil)
	awscdk.NewCfnWaitConditionHandle(mixed, jsii.String("L1"), nil)
	awss3.NewBucket(constructs.NewConstruct(mixed, jsii.String("Group")), jsii.String("L2"), nil)
	nested := awscdk.NewNestedStack(mixed, jsii.String("Nested"), nil)
	awscdk.NewCfnWaitConditionHandle(nested, jsii.String("Inside"), nil)
	awss3.NewBucket(nested, jsii.String("InsideToo"), nil)
	all = append(all, mixed)
	empty := awscdk.NewStack(app, jsii.String("Empty"), nil)
	constructs.NewConstruct(empty, jsii.String("NoResources"))
	all = append(all, empty)
	for _, st := range all {
		got, want := stackResources(st), jsResources(st)
		if got != want {
			t.Errorf("%s: stackResources %d, the CDK counts %d", *st.StackName(), got, want)
		}
		if has := hasResource(st); has != (want > 0) {
			t.Errorf("%s: hasResource %v with %d resources", *st.StackName(), has, want)
		}
	}
	if n := jsResources(mixed); n != 3 { // L1, the bucket, the nested stack's AWS::CloudFormation::Stack
		t.Errorf("the mixed stack has %d resources of its own, want 3: the test stack is not what it claims", n)
	}
}

package inlinerole_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/internal/inlinerole"
)

type obj = map[string]any

func lambdaRole() *awsiam.RoleProps {
	return &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)}
}

func stmt(action, resource string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{Actions: jsii.Strings(action), Resources: jsii.Strings(resource)})
}

// synth returns the stack's template as JSON values.
func synth(t *testing.T, app awscdk.App, stack awscdk.Stack) obj {
	t.Helper()
	asm := app.Synth(nil)
	raw := asm.GetStackByName(stack.StackName()).Template()
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	var tpl obj
	if err := json.Unmarshal(b, &tpl); err != nil {
		t.Fatal(err)
	}
	return tpl
}

func ofType(tpl obj, typ string) map[string]obj {
	out := map[string]obj{}
	for id, r := range tpl["Resources"].(obj) {
		if r.(obj)["Type"] == typ {
			out[id] = r.(obj)
		}
	}
	return out
}

func TestGrantsBecomeTheInlinePolicy(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("S"), nil)
	empty := inlinerole.New(stack, "Empty", "Grants", lambdaRole())
	granted := inlinerole.New(stack, "Granted", "Grants", lambdaRole())

	// Every way a grant reaches a role: the TypeScript side (a log group's grant, a Lambda function's
	// grant and AddToRolePolicy, which go to its role), the Go side, and the deprecated AddToPolicy.
	logs := awslogs.NewLogGroup(stack, jsii.String("Logs"), &awslogs.LogGroupProps{RemovalPolicy: awscdk.RemovalPolicy_DESTROY})
	logs.GrantWrite(granted)
	fn := awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(), Handler: jsii.String("index.handler"),
		Code: awslambda.Code_FromInline(jsii.String("exports.handler = async () => {}")), Role: granted, LogGroup: logs,
	})
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{Grantee: fn, Actions: jsii.Strings("s3:GetObject"), ResourceArns: jsii.Strings("arn:aws:s3:::b/*")})
	fn.AddToRolePolicy(stmt("dynamodb:GetItem", "arn:aws:dynamodb:eu-west-1:123456789012:table/t"))
	granted.AddToPrincipalPolicy(stmt("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:q"))
	if added := granted.AddToPolicy(stmt("sns:Publish", "arn:aws:sns:eu-west-1:123456789012:t")); added == nil || !*added {
		t.Error("AddToPolicy did not add the statement")
	}

	tpl := synth(t, app, stack)
	if ps := ofType(tpl, "AWS::IAM::Policy"); len(ps) != 0 {
		t.Errorf("grants made %d AWS::IAM::Policy resources, want none: %v", len(ps), ps)
	}
	roles := ofType(tpl, "AWS::IAM::Role")
	emptyID := *stack.GetLogicalId(empty.Node().DefaultChild().(awscdk.CfnElement))
	grantedID := *stack.GetLogicalId(granted.Node().DefaultChild().(awscdk.CfnElement))
	if p, ok := roles[emptyID]["Properties"].(obj)["Policies"]; ok {
		t.Errorf("a role without grants has Policies %v; an empty policy fails deployment", p)
	}
	pols, _ := roles[grantedID]["Properties"].(obj)["Policies"].([]any)
	if len(pols) != 1 {
		t.Fatalf("granted role: Policies %v, want one inline policy", pols)
	}
	pol := pols[0].(obj)
	if pol["PolicyName"] != "Grants" {
		t.Errorf("inline policy name %v, want Grants", pol["PolicyName"])
	}
	var actions []string
	for _, s := range pol["PolicyDocument"].(obj)["Statement"].([]any) {
		b, _ := json.Marshal(s.(obj)["Action"])
		actions = append(actions, string(b))
	}
	want := `["logs:CreateLogStream","logs:PutLogEvents"] "s3:GetObject" "dynamodb:GetItem" "sqs:SendMessage" "sns:Publish"`
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("inline statements' actions\n got %s\nwant %s", got, want)
	}
	// The function waits for its role, which now carries the grants.
	fns := ofType(tpl, "AWS::Lambda::Function")
	if len(fns) != 1 {
		t.Errorf("%d AWS::Lambda::Function resources, want the one function", len(fns))
	}
	for id, f := range fns {
		if deps, _ := json.Marshal(f["DependsOn"]); !strings.Contains(string(deps), grantedID) {
			t.Errorf("function %s DependsOn %s, want its role %s", id, deps, grantedID)
		}
	}
}

func TestInlinePolicyIsValidated(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("S"), nil)
	r := inlinerole.New(stack, "Role", "Grants", lambdaRole())
	r.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{Actions: jsii.Strings("s3:GetObject")}))
	defer func() {
		if e := recover(); e == nil || !strings.Contains(e.(error).Error(), "at least one resource") {
			t.Errorf("synth of a statement without resources: %v, want a validation error", e)
		}
	}()
	app.Synth(nil)
}

package function_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/function"
)

// TestTriggersFromPlainCDK: the trigger methods used from plain CDK code, and their refusals.
func TestTriggersFromPlainCDK(t *testing.T) {
	app := newApp(t)
	stack := awscdk.NewStack(app, jsii.String("Triggers"), nil)
	f := function.NewFunction(stack, "Job", &function.Props{Runtime: function.RuntimePython, Source: pySrc})
	rule := f.AddSchedule("Schedule", "rate(1 hour)")
	f.AddSecret(function.Secret{Env: "TOKEN", SSMParameter: "/app/token"})
	f.AddStreamSource("Stream", jsii.String("arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2024-01-01T00:00:00.000"))

	bad := awscdk.NewStack(app, jsii.String("Bad"), nil)
	g := function.NewFunction(bad, "Job", &function.Props{Runtime: function.RuntimePython, Source: pySrc})
	g.AddStreamSource("NoStream", nil)
	g.AddSecret(function.Secret{Env: "BOTH", SecretsManager: "s", SSMParameter: "/p"})
	g.AddSecret(function.Secret{Env: "PARTIAL", SecretsManager: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:name"})

	tmpl := assertions.Template_FromStack(stack, nil)
	tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "rate(1 hour)", "State": "ENABLED"})
	ruleID := *stack.GetLogicalId(rule)
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"Principal": "events.amazonaws.com", "SourceArn": map[string]any{"Fn::GetAtt": []any{ruleID, "Arn"}},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
		"EventSourceArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2024-01-01T00:00:00.000", "StartingPosition": "LATEST", "BatchSize": 100,
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Environment": map[string]any{"Variables": map[string]any{"TOKEN": "/app/token"}},
	})
	if errs := errorsOf(stack); len(errs) != 0 {
		t.Errorf("errors %v", errs)
	}
	errs := strings.Join(errorsOf(bad), "\n")
	for _, want := range []string{
		"function: stream source NoStream has no stream ARN (a table without a stream?)",
		"function: secret BOTH names both a Secrets Manager secret and an SSM parameter",
		"function: secret PARTIAL: \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:name\" is not a full secret ARN",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
}

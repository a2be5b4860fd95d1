package function

import (
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// What invokes a function besides API Gateway and Cognito (schedules, DynamoDB streams), and the
// secrets it reads. S3 notifications belong to the bucket (storage.BucketProps.Notifications): S3
// keeps them in the bucket's own configuration.

// AddSchedule makes an EventBridge rule invoke the function on expression (rate(...) or cron(...),
// which the caller has checked), and lets exactly that rule invoke it. id names the rule's construct.
func (f *Function) AddSchedule(id, expression string) awsevents.CfnRule {
	rule := awsevents.NewCfnRule(f.Construct, jsii.String(id), &awsevents.CfnRuleProps{
		Description:        jsii.String("Runs the function on " + expression),
		ScheduleExpression: jsii.String(expression),
		State:              jsii.String("ENABLED"),
		Targets: &[]any{&awsevents.CfnRule_TargetProperty{
			Arn: f.Fn.FunctionArn(),
			Id:  jsii.String("Function"),
		}},
	})
	awslambda.NewCfnPermission(f.Construct, jsii.String(id+"Permission"), &awslambda.CfnPermissionProps{
		Action:       jsii.String("lambda:InvokeFunction"),
		FunctionName: f.Fn.FunctionArn(),
		Principal:    jsii.String("events.amazonaws.com"),
		SourceArn:    rule.AttrArn(),
	})
	return rule
}

// StreamReadActions are what Lambda needs on a DynamoDB stream to poll it for a function, granted on
// that stream's ARN only (the AWS DynamoDB guide's policy for Lambda triggers).
var StreamReadActions = []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}

// AddStreamSource makes a DynamoDB stream invoke the function: an event source mapping that starts at
// the newest record (as Amplify Gen 1 did) with Lambda's default batches of 100, and the function's
// role may read exactly that stream. A failing batch is retried until it succeeds or its records
// expire (24 hours), in order. id names the mapping's construct.
func (f *Function) AddStreamSource(id string, streamArn *string) awslambda.CfnEventSourceMapping {
	if streamArn == nil || *streamArn == "" {
		f.errorf("function: stream source %s has no stream ARN (a table without a stream?)", id)
		return nil
	}
	f.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(StreamReadActions...),
		Resources: jsii.Strings(*streamArn),
	}))
	return awslambda.NewCfnEventSourceMapping(f.Construct, jsii.String(id), &awslambda.CfnEventSourceMappingProps{
		FunctionName:     f.Fn.FunctionName(),
		EventSourceArn:   streamArn,
		StartingPosition: jsii.String("LATEST"),
		BatchSize:        jsii.Number(100),
		Enabled:          jsii.Bool(true),
	})
}

// Secret is a secret the function reads at run time. The function gets its name (or ARN), never its
// value, in the environment variable Env, and may read exactly that secret. Set one of
// SecretsManager and SSMParameter.
type Secret struct {
	Env string
	// SecretsManager is a secret's name, or its full ARN (ending in -<6 characters>).
	SecretsManager string
	// SSMParameter is a Parameter Store parameter's name (String or SecureString).
	SSMParameter string
	// KMSKey is the ARN of a customer managed key that encrypts the secret; the function may decrypt
	// with it through that service only. "" for the AWS managed key, whose key policy already lets
	// the account's principals use it through the service.
	KMSKey string
}

// secretFullARN: a Secrets Manager ARN with its random 6-character suffix.
var secretFullARN = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:.+-[A-Za-z0-9]{6}$`)

// AddSecret sets s.Env to the secret's name and grants read access to exactly that secret.
func (f *Function) AddSecret(s Secret) {
	stack := awscdk.Stack_Of(f.Construct)
	var actions []string
	var resource, service, region string
	switch {
	case s.SecretsManager != "" && s.SSMParameter != "":
		f.errorf("function: secret %s names both a Secrets Manager secret and an SSM parameter", s.Env)
		return
	case s.SecretsManager != "":
		actions, service = []string{"secretsmanager:GetSecretValue"}, "secretsmanager"
		if m := secretFullARN.FindStringSubmatch(s.SecretsManager); m != nil {
			resource, region = s.SecretsManager, m[1]
		} else if strings.HasPrefix(s.SecretsManager, "arn:") {
			f.errorf("function: secret %s: %q is not a full secret ARN (…:secret:NAME-XXXXXX); give the full ARN or the name", s.Env, s.SecretsManager)
			return
		} else {
			// A secret's ARN is its name plus "-" and six random characters; "?" matches exactly
			// one character, so this names this secret and no other (CDK's Secret.fromSecretNameV2).
			resource = *stack.FormatArn(&awscdk.ArnComponents{
				Service: jsii.String("secretsmanager"), Resource: jsii.String("secret"),
				ResourceName: jsii.String(s.SecretsManager + "-??????"), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
			})
		}
	case s.SSMParameter != "":
		// GetParameters too: Amplify Gen 1's generated code reads its secrets with it.
		actions, service = []string{"ssm:GetParameter", "ssm:GetParameters"}, "ssm"
		resource = *stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("ssm"), Resource: jsii.String("parameter"),
			ResourceName: jsii.String(strings.TrimPrefix(s.SSMParameter, "/")), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
		})
	default:
		f.errorf("function: secret %s names neither a Secrets Manager secret nor an SSM parameter", s.Env)
		return
	}
	f.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(resource),
	}))
	if s.KMSKey != "" {
		if region == "" {
			region = *stack.Region()
		}
		f.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("kms:Decrypt"),
			Resources: jsii.Strings(s.KMSKey),
			Conditions: &map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": service + "." + region + ".amazonaws.com"},
			},
		}))
	}
	name := s.SecretsManager + s.SSMParameter
	f.Fn.AddEnvironment(jsii.String(s.Env), jsii.String(name), nil)
}

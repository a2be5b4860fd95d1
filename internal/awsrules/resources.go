package awsrules

import "regexp"

var (
	// AccountPattern is a 12-digit AWS account ID.
	AccountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// RegionPattern is a region name such as eu-west-1, us-gov-west-1 or us-isob-east-1.
	RegionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	// BucketNamePattern is an S3 general purpose bucket name.
	BucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// TableNamePattern is a DynamoDB table name.
	TableNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)
)

// LogRetentionDays are the retention periods CloudWatch Logs accepts (RetentionInDays), in days.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// TemplateResourceTypes are the CloudFormation resource types underhood's templates can hold. synth's
// validator process starts aws-cdk-lib's CloudFormation validator on a template of all of them while the
// stack is built: the validator keeps its engine for any template whose types are a subset of the ones it
// started with, and starts again (about a second) for any other. The stacks tests check every template
// they synthesize against this list.
var TemplateResourceTypes = []string{
	"AWS::ApiGateway::Authorizer",
	"AWS::ApiGateway::BasePathMapping",
	"AWS::ApiGateway::Deployment",
	"AWS::ApiGateway::DomainName",
	"AWS::ApiGateway::GatewayResponse",
	"AWS::ApiGateway::Method",
	"AWS::ApiGateway::RequestValidator",
	"AWS::ApiGateway::Resource",
	"AWS::ApiGateway::RestApi",
	"AWS::ApiGateway::Stage",
	"AWS::CDK::Metadata",
	"AWS::CloudFormation::Stack",
	"AWS::CloudFormation::WaitConditionHandle",
	"AWS::Cognito::IdentityPool",
	"AWS::Cognito::IdentityPoolRoleAttachment",
	"AWS::Cognito::UserPool",
	"AWS::Cognito::UserPoolClient",
	"AWS::Cognito::UserPoolDomain",
	"AWS::Cognito::UserPoolGroup",
	"AWS::Cognito::UserPoolIdentityProvider",
	"AWS::Cognito::UserPoolResourceServer",
	"AWS::DynamoDB::Table",
	"AWS::Events::Rule",
	"AWS::IAM::Policy",
	"AWS::IAM::Role",
	"AWS::Lambda::EventSourceMapping",
	"AWS::Lambda::Function",
	"AWS::Lambda::Permission",
	"AWS::Logs::LogGroup",
	"AWS::S3::Bucket",
	"AWS::S3::BucketPolicy",
	"Custom::S3AutoDeleteObjects",
}

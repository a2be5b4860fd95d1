package awsrules

// AWS service quotas a spec can run into. spec checks a spec against them with its footprint estimate;
// stacks plans its nested-stack split around the resource quota. Each says whether AWS raises it.
const (
	// QuotaAPIResources is API Gateway's default of resources (path parts, the root / included) per REST
	// API. AWS raises it per API (Service Quotas, "Resources per API"); api.<name>.quotas.resources
	// declares a raised value.
	QuotaAPIResources = 300
	// QuotaStackResources is CloudFormation's resources per stack (template); not raisable.
	QuotaStackResources = 500
	// QuotaStackOutputs is CloudFormation's outputs per stack; not raisable.
	QuotaStackOutputs = 200
	// QuotaTemplateBytes is CloudFormation's template body size passed through S3, which the CDK CLI
	// does above 50 KB: 1 MB. Not raisable.
	QuotaTemplateBytes = 1 << 20
	// QuotaLambdaPolicyBytes is Lambda's resource-based policy size per function: 20 KB. Not raisable.
	QuotaLambdaPolicyBytes = 20 << 10
	// QuotaRolePolicyChars is IAM's aggregate size of a role's inline policies, in characters without
	// whitespace. Not raisable (managed policies are the other way, and underhood uses none).
	QuotaRolePolicyChars = 10240
)

// Quotas only the constructs check (the spec's validator has no setting that reaches them).
const (
	// QuotaRoleMappingRules is how many rules an identity pool's rule-based role mapping takes per
	// identity provider (RulesConfigurationType.Rules); not raisable.
	QuotaRoleMappingRules = 25
	// QuotaTableGSIs is DynamoDB's default of global secondary indexes per table; AWS raises it on request.
	QuotaTableGSIs = 20
)

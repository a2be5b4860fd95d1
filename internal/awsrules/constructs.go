package awsrules

// Limits only the constructs check (the spec's validator has no setting that reaches them).
const (
	// QuotaRoleMappingRules is how many rules an identity pool's rule-based role mapping takes per
	// identity provider (RulesConfigurationType.Rules); not raisable.
	QuotaRoleMappingRules = 25
	// QuotaTableGSIs is DynamoDB's default of global secondary indexes per table; AWS raises it on request.
	QuotaTableGSIs = 20
	// TempPasswordValidityDaysHighest is the longest a user pool's temporary passwords stay valid
	// (PasswordPolicy TemporaryPasswordValidityDays, 0 to 365; 0 leaves Cognito's default of 7).
	TempPasswordValidityDaysHighest = 365
	// ScopeDescriptionMaxLength is the longest description of a resource server's custom scope.
	ScopeDescriptionMaxLength = 256
)

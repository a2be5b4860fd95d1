package awsrules

import (
	"regexp"
	"slices"
)

// StandardAttributes are Cognito's standard (OpenID Connect) attributes a user pool can declare, sorted.
var StandardAttributes = []string{"address", "birthdate", "email", "family_name", "gender", "given_name", "locale",
	"middle_name", "name", "nickname", "phone_number", "picture", "preferred_username", "profile",
	"updated_at", "website", "zoneinfo"}

// ManagedStandardAttributes are the standard attributes Cognito itself sets: they appear in a pool's
// Schema but cannot be declared.
var ManagedStandardAttributes = []string{"email_verified", "phone_number_verified", "sub"}

// IsStandardAttribute says whether name is a declarable standard attribute.
func IsStandardAttribute(name string) bool { return slices.Contains(StandardAttributes, name) }

// IsSchemaStandardAttribute says whether a pool Schema entry named name is a standard attribute (declared
// or managed); every other entry is a custom attribute (custom:NAME).
func IsSchemaStandardAttribute(name string) bool {
	return IsStandardAttribute(name) || slices.Contains(ManagedStandardAttributes, name)
}

// VerifiableAttributes are the attributes Cognito can verify (AutoVerifiedAttributes), in this order.
var VerifiableAttributes = []string{"email", "phone_number"}

// StandardScopes are the OAuth scopes Cognito's hosted UI grants without a resource server.
var StandardScopes = []string{"openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"}

// Cognito's password policy bounds (MinimumLength) and the default underhood applies.
const (
	PasswordMinLengthLowest  = 6
	PasswordMinLengthHighest = 99
	PasswordMinLengthDefault = 8
)

var (
	// GroupNamePattern is a user pool group name (Cognito allows up to 128 characters).
	GroupNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,127}$`)
	// CustomAttributeNamePattern is a custom attribute name without "custom:" (up to 20 characters).
	CustomAttributeNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,19}$`)
	// DomainPrefixPattern is a hosted UI domain prefix on amazoncognito.com.
	DomainPrefixPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	// UserPoolIDPattern is REGION_ID; the first group is the region.
	UserPoolIDPattern = regexp.MustCompile(`^([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9])_[0-9a-zA-Z]+$`)
	// IdentityPoolIDPattern is REGION:UUID; the first group is the region.
	IdentityPoolIDPattern = regexp.MustCompile(`^([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9]):[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$`)
	// AppClientIDPattern is a user pool app client ID.
	AppClientIDPattern = regexp.MustCompile(`^[\w+]{1,128}$`)
	// ScopeNamePattern is the characters an OAuth scope name may have (RFC 6749 scope-token).
	ScopeNamePattern = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$`)
)

// TriggerOperations are the Cognito Lambda trigger operations, as CDK's UserPoolOperation names them.
var TriggerOperations = []string{"createAuthChallenge", "customMessage", "defineAuthChallenge",
	"postAuthentication", "postConfirmation", "preAuthentication", "preSignUp", "preTokenGeneration",
	"userMigration", "verifyAuthChallengeResponse"}

// DomainPrefixHost is the host of a user pool's prefix domain (DomainPrefixPattern) in region:
// PREFIX.auth.REGION.amazoncognito.com, the hosted UI's address.
func DomainPrefixHost(prefix, region string) string {
	return prefix + ".auth." + region + ".amazoncognito.com"
}

// OIDCProviderNamePattern is the name of a user pool's OIDC identity provider as underhood accepts it:
// Cognito takes up to 32 characters (ProviderName); underhood takes the characters of a group name
// (letters, digits, _ and -, starting with a letter).
var OIDCProviderNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,31}$`)

// DomainPrefixReservedWords are the words Cognito refuses in a hosted UI domain prefix.
var DomainPrefixReservedWords = []string{"aws", "amazon", "cognito"}

// UserPoolAPIScope is the only scope an access token from the user pool API's sign-in (SRP, as
// Amplify's signIn does it) carries; it is one of StandardScopes.
const UserPoolAPIScope = "aws.cognito.signin.user.admin"

// Limits only the constructs check (the spec's validator has no setting that reaches them).
const (
	// TempPasswordValidityDaysHighest is the longest a user pool's temporary passwords stay valid
	// (PasswordPolicy TemporaryPasswordValidityDays, 0 to 365; 0 leaves Cognito's default of 7).
	TempPasswordValidityDaysHighest = 365
	// ScopeDescriptionMaxLength is the longest description of a resource server's custom scope.
	ScopeDescriptionMaxLength = 256
)

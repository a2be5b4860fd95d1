package awsrules

import "regexp"

// Facts the spec validator needs besides those in the other files of this package.

// OIDCProviderNamePattern is the name of a user pool's OIDC identity provider as underhood accepts it:
// Cognito takes up to 32 characters (ProviderName); underhood takes the characters of a group name
// (letters, digits, _ and -, starting with a letter).
var OIDCProviderNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,31}$`)

// DomainPrefixReservedWords are the words Cognito refuses in a hosted UI domain prefix.
var DomainPrefixReservedWords = []string{"aws", "amazon", "cognito"}

// LogRetentionDays are the retention periods CloudWatch Logs accepts (RetentionInDays), in days.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// UserPoolAPIScope is the only scope an access token from the user pool API's sign-in (SRP, as
// Amplify's signIn does it) carries; it is one of StandardScopes.
const UserPoolAPIScope = "aws.cognito.signin.user.admin"

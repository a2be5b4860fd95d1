// Package grant holds what the constructs share about receiving IAM statements: a construct that grants
// (a bucket's access rules, a REST API's route invokers) takes a Grantee, and the identity pool hands
// out Grantees. It imports no spec and no other construct package.
package grant

import "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"

// Grantee is anything that can receive an IAM statement: an awsiam.Role, or the identity pool
// construct's grantees (every signed-in user, the guests, one group).
type Grantee interface {
	AddToPrincipalPolicy(statement awsiam.PolicyStatement) *awsiam.AddToPrincipalPolicyResult
}

// HoldingGrantee is a Grantee whose grants also reach other grantees (the identity pool's authenticated
// grantee reaches every group role). A construct may then leave out of a grant to one of those what it
// already holds through the HoldingGrantee, which keeps their policies short.
type HoldingGrantee interface {
	Grantee
	// GrantsReach reports whether a statement given to this grantee also lands on other.
	GrantsReach(other Grantee) bool
}

// Package awsrules holds the AWS facts underhood's correctness depends on, each written once: ARN shapes,
// Cognito's attribute lists and limits, name patterns AWS enforces, and service quotas. spec validates
// against them, constructs and stacks build with them, and plan, explain and the importer read with them,
// so a validator and the grant it promises can never disagree. It imports nothing from underhood and no
// CDK package.
package awsrules

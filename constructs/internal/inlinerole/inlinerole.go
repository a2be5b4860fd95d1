// Package inlinerole makes IAM roles that keep their own grants in one inline policy of the role
// (AWS::IAM::Role Policies) instead of CDK's DefaultPolicy, a separate AWS::IAM::Policy resource:
// one resource fewer per role, and the grants are created and deleted with the role itself.
package inlinerole

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Role is an awsiam.Role whose AddToPrincipalPolicy adds the statement to the role's inline policy.
// It overrides the method of the jsii class, so every grant reaches it, including those made on the
// TypeScript side (Grant.addToPrincipal, LogGroup.grantWrite, a Lambda function's grants, which go
// to its role): no grant creates a DefaultPolicy.
type Role struct {
	awsiam.Role
	doc      awsiam.PolicyDocument
	policy   string
	cfn      awsiam.CfnRole
	rendered bool
}

// New creates the role. policyName names its inline policy (keep it stable: a new name replaces the
// policy); props.InlinePolicies must be nil. The policy is rendered from its first statement on,
// never empty: CloudFormation rejects a policy document without statements.
func New(scope constructs.Construct, id, policyName string, props *awsiam.RoleProps) *Role {
	var p awsiam.RoleProps
	if props != nil {
		p = *props
	}
	if p.InlinePolicies != nil {
		awscdk.Annotations_Of(scope).AddError(jsii.String(fmt.Sprintf("inlinerole: role %s: InlinePolicies must be nil (the role's grants are its inline policy)", id)))
		p.InlinePolicies = nil
	}
	r := &Role{doc: awsiam.NewPolicyDocument(nil), policy: policyName}
	awsiam.NewRole_Override(r, scope, jsii.String(id), &p)
	r.cfn = r.Node().DefaultChild().(awsiam.CfnRole)
	// What awsiam.Policy checks in its document: every statement has resources and no principal.
	r.Node().AddValidation(&validation{r.doc})
	return r
}

// AddToPrincipalPolicy adds the statement to the role's inline policy. The role is the dependable:
// whatever must wait for the grant waits for the role, which carries it.
func (r *Role) AddToPrincipalPolicy(statement awsiam.PolicyStatement) *awsiam.AddToPrincipalPolicyResult {
	r.doc.AddStatements(statement)
	if !r.rendered {
		r.rendered = true
		// The document resolves at synth, with every statement added until then.
		r.cfn.SetPolicies(&[]interface{}{&awsiam.CfnRole_PolicyProperty{PolicyName: jsii.String(r.policy), PolicyDocument: r.doc}})
	}
	return &awsiam.AddToPrincipalPolicyResult{StatementAdded: jsii.Bool(true), PolicyDependable: r}
}

// AddToPolicy is the deprecated form of AddToPrincipalPolicy, overridden as well so that it cannot
// create a DefaultPolicy either.
func (r *Role) AddToPolicy(statement awsiam.PolicyStatement) *bool {
	return r.AddToPrincipalPolicy(statement).StatementAdded
}

// PolicyName is the name of the role's inline policy.
func (r *Role) PolicyName() string { return r.policy }

// Document is the role's inline policy document (empty until the first grant).
func (r *Role) Document() awsiam.PolicyDocument { return r.doc }

// validation reports the identity-policy errors of the inline policy at synth.
type validation struct{ doc awsiam.PolicyDocument }

func (v *validation) Validate() *[]*string { return v.doc.ValidateForIdentityPolicy() }

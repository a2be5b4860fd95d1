package auth

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/grant"
	"github.com/underhood-dev/underhood/constructs/internal/inlinerole"
	"github.com/underhood-dev/underhood/internal/awsrules"
)

// GroupRole asks for one IAM role for a user pool group.
type GroupRole struct {
	Name  string
	Group awscognito.CfnUserPoolGroup // gets RoleArn = the new role; nil with MapGroupsByClaim
}

// IdentityPoolProps configures NewIdentityPool.
type IdentityPoolProps struct {
	UserPool    awscognito.IUserPool       // required
	Client      awscognito.IUserPoolClient // required
	GuestAccess bool                       // guest role and unauthenticated identities only when true
	Groups      []GroupRole                // one role per group, token-based role mapping
	// Removal applies to the identity pool (identity ids are state). The roles and the role attachment
	// are not retained: they are recreated from the spec, and a retained attachment would only point at
	// roles deleted with the stack.
	Removal *awscdk.RemovalPolicy // nil: RETAIN

	// MapGroupsByClaim chooses group roles with rules on the id token's cognito:groups claim, in the
	// order of Groups (the first match wins), instead of the groups' RoleArn: for a user pool whose
	// groups this stack does not own. At most 25 groups (the identity pool's rule limit).
	MapGroupsByClaim bool
	// ExistingID references an identity pool created elsewhere: only the roles and the role
	// attachment are created, and the attachment replaces the pool's current role settings.
	ExistingID string
}

// IdentityPool is a Cognito identity pool (L1) federated with one user pool client. It is a construct
// of its own (its children are the pool, the roles and the role attachment), so callers may add theirs
// under it.
type IdentityPool struct {
	constructs.Construct
	Pool              awscognito.CfnIdentityPool // nil for an existing pool
	AuthenticatedRole awsiam.Role
	GuestRole         awsiam.Role // nil without GuestAccess

	id         *string     // the pool's id: Ref, or ExistingID
	groupRoles []namedRole // caller's order
	auth       *authenticatedGrantee
}

type namedRole struct {
	name string
	role awsiam.Role
}

const (
	cognitoIdentity = "cognito-identity.amazonaws.com"
	// Key of the single RoleMappings entry; CloudFormation takes the provider
	// from IdentityProvider when present, so the key can be a plain literal.
	roleMappingKey = "userpool"
)

// NewIdentityPool creates the identity pool, an authenticated role, an
// optional guest role, one role per group, and the role attachment.
func NewIdentityPool(scope constructs.Construct, id string, props *IdentityPoolProps) *IdentityPool {
	var p IdentityPoolProps
	if props != nil {
		p = *props
	}
	ip := &IdentityPool{}
	constructs.NewConstruct_Override(ip, scope, jsii.String(id))
	ip.auth = &authenticatedGrantee{pool: ip}

	var providerName *string
	if p.UserPool == nil || p.Client == nil {
		ip.errorf("auth: IdentityPool needs UserPool and Client")
	} else {
		// cognito-idp.<region>.amazonaws.com/<poolId> (Fn::GetAtt ProviderName for a pool of this stack).
		providerName = p.UserPool.UserPoolProviderName()
	}
	ip.createPool(&p, providerName)

	ip.AuthenticatedRole = ip.newRole("AuthenticatedRole", "authenticated", "Identity pool authenticated users")
	roles := map[string]interface{}{"authenticated": ip.AuthenticatedRole.RoleArn()}
	if p.GuestAccess {
		ip.GuestRole = ip.newRole("GuestRole", "unauthenticated", "Identity pool guests")
		roles["unauthenticated"] = ip.GuestRole.RoleArn()
	}
	ip.addGroupRoles(&p)

	attach := &awscognito.CfnIdentityPoolRoleAttachmentProps{
		IdentityPoolId: ip.id,
		Roles:          &roles,
	}
	if len(ip.groupRoles) > 0 && providerName != nil {
		mapping := &awscognito.CfnIdentityPoolRoleAttachment_RoleMappingProperty{
			Type:                    jsii.String("Token"),
			AmbiguousRoleResolution: jsii.String("AuthenticatedRole"),
			IdentityProvider:        jsii.String(*providerName + ":" + *p.Client.UserPoolClientId()),
		}
		if p.MapGroupsByClaim {
			mapping.Type = jsii.String("Rules")
			mapping.RulesConfiguration = ip.groupRules()
		}
		attach.RoleMappings = &map[string]interface{}{roleMappingKey: mapping}
	}
	awscognito.NewCfnIdentityPoolRoleAttachment(ip, jsii.String("RoleAttachment"), attach)
	return ip
}

// createPool creates the identity pool federated with the user pool client, or references ExistingID
// (whose providers, guest setting and name stay as they are).
func (ip *IdentityPool) createPool(p *IdentityPoolProps, providerName *string) {
	if p.ExistingID != "" {
		ip.id = jsii.String(p.ExistingID)
		return
	}
	poolProps := &awscognito.CfnIdentityPoolProps{
		AllowUnauthenticatedIdentities: jsii.Bool(p.GuestAccess),
	}
	if providerName != nil {
		poolProps.CognitoIdentityProviders = &[]interface{}{
			&awscognito.CfnIdentityPool_CognitoIdentityProviderProperty{
				ProviderName:         providerName,
				ClientId:             p.Client.UserPoolClientId(),
				ServerSideTokenCheck: jsii.Bool(true),
			},
		}
	}
	ip.Pool = awscognito.NewCfnIdentityPool(ip, jsii.String("Pool"), poolProps)
	removal := awscdk.RemovalPolicy_RETAIN
	if p.Removal != nil {
		removal = *p.Removal
	}
	ip.Pool.ApplyRemovalPolicy(removal, nil)
	ip.id = ip.Pool.Ref()
}

// addGroupRoles creates one role per group, in the caller's order; with token-based mapping each
// group's RoleArn names its role.
func (ip *IdentityPool) addGroupRoles(p *IdentityPoolProps) {
	if !p.MapGroupsByClaim && len(p.Groups) > 1 {
		checkPrecedence(p.Groups, ip.errorf)
	}
	seen := map[string]bool{}
	for _, g := range p.Groups {
		if !newName(ip.errorf, "group role", "name", g.Name, seen[g.Name]) {
			continue
		}
		if g.Group == nil && !p.MapGroupsByClaim {
			// Token-based mapping reads the role from the group's RoleArn.
			ip.errorf("auth: group role %q needs its CfnUserPoolGroup (or MapGroupsByClaim)", g.Name)
			continue
		}
		seen[g.Name] = true
		role := ip.newRole("GroupRole"+g.Name, "authenticated", fmt.Sprintf("Identity pool users in group %s", g.Name))
		if !p.MapGroupsByClaim {
			// The id token then carries cognito:preferred_role for token-based mapping.
			g.Group.SetRoleArn(role.RoleArn())
		}
		ip.groupRoles = append(ip.groupRoles, namedRole{name: g.Name, role: role})
	}
}

// newName says whether name may name one more item of a list whose names must be set and unique,
// reporting with errorf an empty name ("auth: a group has no name") or a taken one ("auth: group "x"
// listed twice").
func newName(errorf func(format string, a ...any), item, field, name string, taken bool) bool {
	switch {
	case name == "":
		errorf("auth: a %s has no %s", item, field)
	case taken:
		errorf("auth: %s %q listed twice", item, name)
	default:
		return true
	}
	return false
}

// errorf reports a problem in the props as an error annotation on the construct (synth fails).
func (ip *IdentityPool) errorf(format string, a ...any) {
	awscdk.Annotations_Of(ip).AddError(jsii.String(fmt.Sprintf(format, a...)))
}

// checkPrecedence: token-based mapping hands out the role in cognito:preferred_role, which Cognito sets
// from the member's group with the lowest precedence; groups without precedence or with equal ones tie,
// and a member of tied groups gets no preferred role, only the authenticated role.
func checkPrecedence(groups []GroupRole, errf func(string, ...any)) {
	byPrecedence := map[float64]string{}
	for _, g := range groups {
		if g.Group == nil {
			continue // reported below
		}
		pr := g.Group.Precedence()
		switch {
		case pr == nil:
			errf("auth: group role %q: its group has no Precedence; with several group roles each group needs its own, or members of two groups get only the authenticated role", g.Name)
		case byPrecedence[*pr] != "":
			errf("auth: groups %q and %q have the same Precedence %v; a member of both gets no cognito:preferred_role, only the authenticated role", byPrecedence[*pr], g.Name, *pr)
		default:
			byPrecedence[*pr] = g.Name
		}
	}
}

// RolePolicyName names the inline policy of each role of the pool that holds the role's own grants
// (Guest, GroupGrantee); the grants to every signed-in user are the shared AuthenticatedPolicy.
const RolePolicyName = "Grants"

// newRole creates a role that identities of this pool with the given amr
// ("authenticated" or "unauthenticated") may assume. Grants to the role itself
// become its inline policy (no separate AWS::IAM::Policy).
func (ip *IdentityPool) newRole(id, amr, description string) awsiam.Role {
	principal := awsiam.NewFederatedPrincipal(jsii.String(cognitoIdentity), &map[string]interface{}{
		"StringEquals":           map[string]interface{}{cognitoIdentity + ":aud": ip.id},
		"ForAnyValue:StringLike": map[string]interface{}{cognitoIdentity + ":amr": amr},
	}, jsii.String("sts:AssumeRoleWithWebIdentity"))
	return inlinerole.New(ip, id, RolePolicyName, &awsiam.RoleProps{AssumedBy: principal, Description: jsii.String(description)})
}

// IdentityPoolId returns the identity pool id (Ref).
func (ip *IdentityPool) IdentityPoolId() *string { return ip.id }

// groupRules maps each group to its role by the cognito:groups claim, first match wins. Contains
// matches substrings, so a group whose name holds another group's name must come first, or its
// members would get the other group's role.
func (ip *IdentityPool) groupRules() *awscognito.CfnIdentityPoolRoleAttachment_RulesConfigurationTypeProperty {
	if len(ip.groupRoles) > awsrules.QuotaRoleMappingRules {
		ip.errorf("auth: %d group roles, but an identity pool takes at most %d role mapping rules", len(ip.groupRoles), awsrules.QuotaRoleMappingRules)
	}
	rules := make([]interface{}, 0, len(ip.groupRoles))
	for i, g := range ip.groupRoles {
		for _, later := range ip.groupRoles[i+1:] {
			if strings.Contains(later.name, g.name) {
				ip.errorf("auth: group %q must come before group %q: the rule for %q (cognito:groups contains %q) would also match members of %q", later.name, g.name, g.name, g.name, later.name)
			}
		}
		rules = append(rules, &awscognito.CfnIdentityPoolRoleAttachment_MappingRuleProperty{
			Claim: jsii.String("cognito:groups"), MatchType: jsii.String("Contains"), Value: jsii.String(g.name), RoleArn: g.role.RoleArn(),
		})
	}
	return &awscognito.CfnIdentityPoolRoleAttachment_RulesConfigurationTypeProperty{Rules: &rules}
}

// GroupRole returns the role created for group name, or nil.
func (ip *IdentityPool) GroupRole(name string) awsiam.Role {
	for _, g := range ip.groupRoles {
		if g.name == name {
			return g.role
		}
	}
	return nil
}

// Authenticated grants to every signed-in user: the authenticated role and
// every group role (with token mapping a group member gets the group role
// instead of the authenticated role, so it must carry the same permissions).
func (ip *IdentityPool) Authenticated() grant.Grantee { return ip.auth }

// AuthenticatedPolicy is the policy that holds the grants to Authenticated(), attached to the
// authenticated role and every group role; nil until the first grant.
func (ip *IdentityPool) AuthenticatedPolicy() awsiam.Policy { return ip.auth.policy }

// Guest grants to unauthenticated identities (the guest role's inline policy); nil without GuestAccess.
func (ip *IdentityPool) Guest() grant.Grantee {
	if ip.GuestRole == nil {
		return nil
	}
	return ip.GuestRole
}

// GroupGrantee grants to one group's role only (its inline policy); nil if the group is unknown.
func (ip *IdentityPool) GroupGrantee(name string) grant.Grantee {
	if r := ip.GroupRole(name); r != nil {
		return r
	}
	return nil
}

// authenticatedGrantee puts statements into one shared policy attached to the
// authenticated role and every group role, created on the first statement so
// an empty policy is never synthesized.
type authenticatedGrantee struct {
	pool   *IdentityPool
	policy awsiam.Policy
}

func (a *authenticatedGrantee) AddToPrincipalPolicy(statement awsiam.PolicyStatement) *awsiam.AddToPrincipalPolicyResult {
	if a.policy == nil {
		roles := []awsiam.IRole{a.pool.AuthenticatedRole}
		for _, g := range a.pool.groupRoles {
			roles = append(roles, g.role)
		}
		a.policy = awsiam.NewPolicy(a.pool, jsii.String("AuthenticatedPolicy"), &awsiam.PolicyProps{Roles: &roles})
	}
	a.policy.AddStatements(statement)
	return &awsiam.AddToPrincipalPolicyResult{StatementAdded: jsii.Bool(true), PolicyDependable: a.policy}
}

// GrantsReach reports whether a statement given to every signed-in user also lands on other: the
// authenticated role and every group role hold the shared policy.
func (a *authenticatedGrantee) GrantsReach(other grant.Grantee) bool {
	if other == nil {
		return false
	}
	if r, ok := other.(awsiam.Role); ok {
		if r == a.pool.AuthenticatedRole {
			return true
		}
		for _, g := range a.pool.groupRoles {
			if r == g.role {
				return true
			}
		}
	}
	return false
}

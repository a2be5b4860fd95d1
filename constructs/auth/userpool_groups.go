package auth

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"
)

// addGroups creates the groups as L1s, so that callers (the identity pool) can set their RoleArn later.
func (b *poolBuild) addGroups() {
	u := b.u
	for _, g := range b.p.Groups {
		if _, taken := u.groups[g.Name]; !newName(b.errorf, "group", "name", g.Name, taken) {
			continue
		}
		gp := &awscognito.CfnUserPoolGroupProps{
			UserPoolId: u.Pool.UserPoolId(),
			GroupName:  jsii.String(g.Name),
		}
		if g.Precedence != nil {
			if *g.Precedence < 0 {
				b.errorf("auth: group %q has negative precedence %d", g.Name, *g.Precedence)
			}
			gp.Precedence = jsii.Number(float64(*g.Precedence))
		}
		if g.Description != "" {
			gp.Description = jsii.String(g.Description)
		}
		u.groups[g.Name] = awscognito.NewCfnUserPoolGroup(u, jsii.String("Group"+g.Name), gp)
	}
}

// triggerOps are the operations Trigger.Operation takes (awsrules.TriggerOperations), as CDK names
// them. customEmailSender and customSmsSender are left out: they need a KMS key this construct
// doesn't manage.
var triggerOps = map[string]func() awscognito.UserPoolOperation{
	"preSignUp":                   awscognito.UserPoolOperation_PRE_SIGN_UP,
	"postConfirmation":            awscognito.UserPoolOperation_POST_CONFIRMATION,
	"preTokenGeneration":          awscognito.UserPoolOperation_PRE_TOKEN_GENERATION,
	"customMessage":               awscognito.UserPoolOperation_CUSTOM_MESSAGE,
	"preAuthentication":           awscognito.UserPoolOperation_PRE_AUTHENTICATION,
	"postAuthentication":          awscognito.UserPoolOperation_POST_AUTHENTICATION,
	"defineAuthChallenge":         awscognito.UserPoolOperation_DEFINE_AUTH_CHALLENGE,
	"createAuthChallenge":         awscognito.UserPoolOperation_CREATE_AUTH_CHALLENGE,
	"verifyAuthChallengeResponse": awscognito.UserPoolOperation_VERIFY_AUTH_CHALLENGE_RESPONSE,
	"userMigration":               awscognito.UserPoolOperation_USER_MIGRATION,
}

// addTriggers attaches the triggers through the L2, which also adds each function's invoke permission.
func (b *poolBuild) addTriggers() {
	seenOps := map[string]bool{}
	for _, t := range b.p.Triggers {
		op, ok := triggerOps[t.Operation]
		switch {
		case !ok:
			b.errorf("auth: unsupported trigger operation %q", t.Operation)
		case t.Function == nil:
			b.errorf("auth: trigger %q has no function", t.Operation)
		case seenOps[t.Operation]:
			b.errorf("auth: trigger %q listed twice", t.Operation)
		default:
			seenOps[t.Operation] = true
			addTrigger(b.pool, t, op, b.errorf)
		}
	}
}

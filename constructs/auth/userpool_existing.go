package auth

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"
)

// referenceExisting imports the pool and its client, or creates only the client. Group roles for such
// a pool cannot use the groups' RoleArn (the groups are not this stack's): IdentityPoolProps.MapGroupsByClaim.
func (u *UserPool) referenceExisting(p *UserPoolProps) {
	e := p.Existing
	u.Existing = true
	u.existingDomain = e.Domain
	existingCustomDomain(p, u.errorf)
	if e.ID == "" {
		u.errorf("auth: Existing.ID (the user pool id) is required")
		return
	}
	u.Pool = awscognito.UserPool_FromUserPoolId(u, jsii.String("Pool"), jsii.String(e.ID))
	for _, t := range p.Triggers {
		// The pool's LambdaConfig belongs to the stack that created the pool.
		awscdk.Annotations_Of(u).AddWarning(jsii.String(fmt.Sprintf(
			"auth: trigger %s is not attached to existing user pool %s: the pool's Lambda triggers belong to whoever created it; point the trigger at this stack's function there", t.Operation, e.ID)))
	}
	if e.ClientID != "" {
		u.Client = awscognito.UserPoolClient_FromUserPoolClientId(u, jsii.String("Client"), jsii.String(e.ClientID))
		return
	}
	removal := awscdk.RemovalPolicy_RETAIN
	if p.Removal != nil {
		removal = *p.Removal
	}
	supported, scopes := u.existingClientOAuth(p)
	// WriteAttributes stay Cognito's default: the pool's providers map attributes this stack cannot see,
	// and a client that may not write a mapped attribute breaks federated sign-in.
	u.Client = awscognito.NewUserPoolClient(u, jsii.String("Client"), withUserAuth(spaClientProps(u.Pool, supported, p.HostedUI, scopes), p.Passwordless))
	applyRemoval(u, removal)
}

// existingClientOAuth is what the client on an existing pool names: its identity providers and OAuth
// scopes, by name, since the pool has them already.
func (u *UserPool) existingClientOAuth(p *UserPoolProps) ([]awscognito.UserPoolClientIdentityProvider, []awscognito.OAuthScope) {
	supported := []awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()}
	h := p.HostedUI
	if h == nil {
		return supported, nil
	}
	if p.Existing.Domain == "" {
		u.errorf("auth: HostedUI on an existing pool needs Existing.Domain: the pool has its domain already, and a pool takes only one")
	}
	if len(h.CallbackURLs) == 0 {
		u.errorf("auth: HostedUI needs at least one CallbackURL for the authorization code grant")
	}
	for _, ip := range p.Providers {
		if !slices.Contains(providerKinds, ip.Kind) {
			u.errorf("auth: unknown identity provider kind %q (want google, facebook, amazon, apple or oidc)", ip.Kind)
			continue
		}
		supported = append(supported, clientProvider(ip))
	}
	in := h.Scopes
	if len(in) == 0 {
		in = defaultScopes
	}
	var scopes []awscognito.OAuthScope
	for _, s := range in {
		// The pool's resource servers exist already, so custom scopes go by name.
		scopes = append(scopes, awscognito.OAuthScope_Custom(jsii.String(s)))
	}
	return supported, scopes
}

package auth

import (
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// The OAuth side of the pool: resource servers and their scopes, the hosted UI domain, and the SPA's
// app client.

// addResourceServers creates the resource servers and keeps them and their scopes by identifier, for
// the hosted UI's scopes.
func (b *poolBuild) addResourceServers() {
	b.servers = map[string]awscognito.UserPoolResourceServer{}
	b.serverScopes = map[string]map[string]awscognito.ResourceServerScope{}
	for _, rs := range b.p.ResourceServers {
		if _, taken := b.servers[rs.Identifier]; !newName(b.errorf, "resource server", "identifier", rs.Identifier, taken) {
			continue
		}
		scopes := []awscognito.ResourceServerScope{}
		byName := map[string]awscognito.ResourceServerScope{}
		for _, s := range rs.Scopes {
			desc := s.Description
			if desc == "" {
				desc = s.Name
			}
			if !awsrules.ScopeNamePattern.MatchString(s.Name) || len(desc) > awsrules.ScopeDescriptionMaxLength {
				b.errorf("auth: resource server %q has an invalid scope %q", rs.Identifier, s.Name)
				continue
			}
			if _, dup := byName[s.Name]; dup {
				b.errorf("auth: resource server %q lists scope %q twice", rs.Identifier, s.Name)
				continue
			}
			sc := awscognito.NewResourceServerScope(&awscognito.ResourceServerScopeProps{ScopeName: jsii.String(s.Name), ScopeDescription: jsii.String(desc)})
			byName[s.Name] = sc
			scopes = append(scopes, sc)
		}
		opts := &awscognito.UserPoolResourceServerOptions{Identifier: jsii.String(rs.Identifier), Scopes: &scopes}
		if rs.Name != "" {
			opts.UserPoolResourceServerName = jsii.String(rs.Name)
		}
		b.servers[rs.Identifier] = b.pool.AddResourceServer(jsii.String("ResourceServer"+rs.Identifier), opts)
		b.serverScopes[rs.Identifier] = byName
	}
}

// addHostedUIDomain creates the hosted UI's Cognito domain and returns the OAuth settings of the
// client: nil (OAuth off) without HostedUI or when it has a problem.
func (b *poolBuild) addHostedUIDomain() (*HostedUI, []awscognito.OAuthScope) {
	h := b.p.HostedUI
	if h == nil {
		return nil, nil
	}
	ok := true
	if !awsrules.DomainPrefixPattern.MatchString(h.DomainPrefix) {
		b.errorf("auth: HostedUI.DomainPrefix %q must be 1-63 lowercase letters, digits or hyphens", h.DomainPrefix)
		ok = false
	} else if strings.Contains(h.DomainPrefix, "aws") || strings.Contains(h.DomainPrefix, "amazon") || strings.Contains(h.DomainPrefix, "cognito") {
		b.errorf("auth: HostedUI.DomainPrefix %q must not contain the reserved words aws, amazon or cognito", h.DomainPrefix)
		ok = false
	}
	if len(h.CallbackURLs) == 0 {
		b.errorf("auth: HostedUI needs at least one CallbackURL for the authorization code grant")
		ok = false
	}
	scopes := b.oauthScopes(h.Scopes)
	if !ok {
		return nil, nil
	}
	b.u.Domain = b.pool.AddDomain(jsii.String("Domain"), &awscognito.UserPoolDomainOptions{
		CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: jsii.String(h.DomainPrefix)},
	})
	b.u.addCustomDomain(b.pool, h.CustomDomain, b.errorf)
	return h, scopes
}

// defaultScopes are the hosted UI's scopes when HostedUI.Scopes is empty.
var defaultScopes = []string{"openid", "email", "profile"}

// oauthScopes maps HostedUI scope strings to CDK scopes. Resource-server
// scopes go through OAuthScope_ResourceServer so the client depends on the server.
func (b *poolBuild) oauthScopes(in []string) []awscognito.OAuthScope {
	if len(in) == 0 {
		in = defaultScopes
	}
	var out []awscognito.OAuthScope
	hasOpenID := false
	for _, s := range in {
		switch s {
		case "openid":
			hasOpenID = true
			out = append(out, awscognito.OAuthScope_OPENID())
		case "email":
			out = append(out, awscognito.OAuthScope_EMAIL())
		case "profile":
			out = append(out, awscognito.OAuthScope_PROFILE())
		case "phone":
			out = append(out, awscognito.OAuthScope_PHONE())
		case "aws.cognito.signin.user.admin":
			out = append(out, awscognito.OAuthScope_COGNITO_ADMIN())
		default:
			if sc := b.serverScope(s); sc != nil {
				out = append(out, sc)
			}
		}
	}
	for _, s := range in {
		if (s == "email" || s == "profile" || s == "phone") && !hasOpenID {
			b.errorf("auth: OAuth scope %q can only be requested together with openid", s)
			break
		}
	}
	return out
}

// serverScope is the scope "<resourceServer>/<scope>" of one of the pool's resource servers, or nil
// after reporting why not.
func (b *poolBuild) serverScope(s string) awscognito.OAuthScope {
	i := strings.LastIndex(s, "/")
	if i <= 0 || i == len(s)-1 {
		b.errorf("auth: unknown OAuth scope %q (want openid, email, profile, phone, aws.cognito.signin.user.admin or <resourceServer>/<scope>)", s)
		return nil
	}
	srv, ok := b.servers[s[:i]]
	if !ok {
		b.errorf("auth: OAuth scope %q names resource server %q, which is not in ResourceServers", s, s[:i])
		return nil
	}
	sc, ok := b.serverScopes[s[:i]][s[i+1:]]
	if !ok {
		b.errorf("auth: OAuth scope %q is not a scope of resource server %q", s, s[:i])
		return nil
	}
	return awscognito.OAuthScope_ResourceServer(srv, sc)
}

// addClient creates the SPA's app client, after the identity providers it names.
func (b *poolBuild) addClient(oauth *HostedUI, scopes []awscognito.OAuthScope) {
	u := b.u
	u.Client = awscognito.NewUserPoolClient(u, jsii.String("Client"), withUserAuth(spaClientProps(u.Pool, b.supported, oauth, scopes), b.p.Passwordless))
	// The client names the providers in SupportedIdentityProviders by plain
	// string, so CloudFormation must create them first.
	for _, prov := range b.providers {
		u.Client.Node().AddDependency(prov)
	}
	u.Client.Node().DefaultChild().(awscognito.CfnUserPoolClient).SetWriteAttributes(writeAttributes(b.p, b.email, b.phone))
}

// spaClientProps is the SPA's app client: no secret, SRP sign-in, and with oauth (the hosted UI) the
// authorization code flow only. Without it OAuth is disabled, so CDK's defaults (implicit grant,
// example.com callback) never reach the template.
func spaClientProps(pool awscognito.IUserPool, supported []awscognito.UserPoolClientIdentityProvider, oauth *HostedUI, scopes []awscognito.OAuthScope) *awscognito.UserPoolClientProps {
	props := &awscognito.UserPoolClientProps{
		UserPool:                   pool,
		GenerateSecret:             jsii.Bool(false),
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)}, // CDK adds ALLOW_REFRESH_TOKEN_AUTH
		PreventUserExistenceErrors: jsii.Bool(true),
		SupportedIdentityProviders: &supported,
		DisableOAuth:               jsii.Bool(oauth == nil),
	}
	if oauth != nil {
		props.OAuth = &awscognito.OAuthSettings{
			Flows: &awscognito.OAuthFlows{
				AuthorizationCodeGrant: jsii.Bool(true),
				ImplicitCodeGrant:      jsii.Bool(false),
				ClientCredentials:      jsii.Bool(false),
			},
			CallbackUrls: jsii.Strings(oauth.CallbackURLs...),
			Scopes:       &scopes,
		}
		if len(oauth.LogoutURLs) > 0 {
			props.OAuth.LogoutUrls = jsii.Strings(oauth.LogoutURLs...)
		}
	}
	return props
}

// writeAttributes are the attributes a signed-in user may set through the app client: the sign-in
// attributes, the declared mutable standard ones, the custom ones declared user-writable, and every
// attribute an identity provider maps (Cognito rewrites those at each federated sign-in and fails
// when the client may not write them). Without the list Cognito lets the client write every
// standard attribute, declared or not.
func writeAttributes(p UserPoolProps, email, phone bool) *[]*string {
	set := map[string]bool{"email": email, "phone_number": phone}
	for _, a := range p.StandardAttributes {
		set[a.Name] = set[a.Name] || a.Mutable
	}
	for _, a := range p.CustomAttributes {
		set["custom:"+a.Name] = a.UserWritable
	}
	if p.HostedUI != nil {
		for _, ip := range p.Providers {
			if len(ip.AttributeMapping) == 0 {
				set["email"] = true // newProvider's default mapping
			}
			for _, m := range ip.AttributeMapping {
				set[m.UserPoolAttribute] = true
			}
		}
	}
	var out []string
	for name, ok := range set {
		if ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return jsii.Strings(out...)
}

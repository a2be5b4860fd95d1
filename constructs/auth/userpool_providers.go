package auth

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"
)

// Social and OIDC identity providers of the hosted UI.

// mappingSetters set a user pool attribute (a standard one, by its Cognito name, or email_verified) on
// CDK's provider attribute mapping, whose field names differ.
var mappingSetters = map[string]func(*awscognito.AttributeMapping, awscognito.ProviderAttribute){
	"address":            func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Address = p },
	"birthdate":          func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Birthdate = p },
	"email":              func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Email = p },
	"email_verified":     func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.EmailVerified = p },
	"family_name":        func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.FamilyName = p },
	"gender":             func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Gender = p },
	"given_name":         func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.GivenName = p },
	"locale":             func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Locale = p },
	"middle_name":        func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.MiddleName = p },
	"name":               func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Fullname = p },
	"nickname":           func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Nickname = p },
	"phone_number":       func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.PhoneNumber = p },
	"picture":            func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.ProfilePicture = p },
	"preferred_username": func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.PreferredUsername = p },
	"profile":            func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.ProfilePage = p },
	"updated_at":         func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.LastUpdateTime = p },
	"website":            func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Website = p },
	"zoneinfo":           func(m *awscognito.AttributeMapping, p awscognito.ProviderAttribute) { m.Timezone = p },
}

var providerKinds = []string{"google", "facebook", "amazon", "apple", "oidc"}

// addProviders creates the identity providers (only with HostedUI: federated sign-in goes through it)
// and names each in the client's supported providers.
func (b *poolBuild) addProviders() {
	if len(b.p.Providers) > 0 && b.p.HostedUI == nil {
		b.errorf("auth: identity providers need HostedUI (federated sign-in goes through the hosted UI)")
	}
	b.supported = []awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()}
	if b.p.HostedUI == nil {
		return
	}
	seen := map[string]bool{}
	for _, ip := range b.p.Providers {
		if prov := b.newProvider(ip, seen); prov != nil {
			b.providers = append(b.providers, prov)
			b.supported = append(b.supported, clientProvider(ip))
		}
	}
}

// newProvider creates one identity provider; it returns nil after reporting
// an error so the template never carries a half-configured provider.
func (b *poolBuild) newProvider(ip IdentityProvider, seen map[string]bool) awscognito.IUserPoolIdentityProvider {
	key := ip.Kind
	if ip.Kind == "oidc" {
		key = "oidc:" + ip.Name
	}
	if seen[key] {
		b.errorf("auth: identity provider %q listed twice", key)
		return nil
	}
	seen[key] = true
	if ip.ClientID == "" {
		b.errorf("auth: identity provider %q needs ClientID", key)
		return nil
	}
	return b.createProvider(ip, key, b.providerMapping(ip, key))
}

// providerMapping maps the provider's attributes to the pool's (email by default). Cognito rewrites
// mapped attributes at every federated sign-in, so each must be mutable.
func (b *poolBuild) providerMapping(ip IdentityProvider, key string) *awscognito.AttributeMapping {
	mapping := &awscognito.AttributeMapping{}
	if len(ip.AttributeMapping) == 0 {
		mapping.Email = awscognito.ProviderAttribute_Other(jsii.String("email"))
	}
	custom := map[string]awscognito.ProviderAttribute{}
	for _, m := range ip.AttributeMapping {
		if m.ProviderAttribute == "" {
			b.errorf("auth: identity provider %q maps %q from an empty provider attribute", key, m.UserPoolAttribute)
			continue
		}
		pa := awscognito.ProviderAttribute_Other(jsii.String(m.ProviderAttribute))
		if mut, declared := b.attrMutable[m.UserPoolAttribute]; declared && !mut {
			b.errorf("auth: identity provider %q maps %q, which must then be Mutable", key, m.UserPoolAttribute)
		}
		if strings.HasPrefix(m.UserPoolAttribute, "custom:") {
			if _, declared := b.attrMutable[m.UserPoolAttribute]; !declared {
				b.errorf("auth: identity provider %q maps %q, which is not in CustomAttributes", key, m.UserPoolAttribute)
				continue
			}
			custom[m.UserPoolAttribute] = pa // CDK expects the full "custom:" name as key
			continue
		}
		set, ok := mappingSetters[m.UserPoolAttribute]
		if !ok {
			b.errorf("auth: identity provider %q maps unknown user pool attribute %q", key, m.UserPoolAttribute)
			continue
		}
		set(mapping, pa)
	}
	if len(custom) > 0 {
		mapping.Custom = &custom
	}
	if mut, declared := b.attrMutable["email"]; declared && !mut && len(ip.AttributeMapping) == 0 {
		b.errorf("auth: identity provider %q maps email, which must then be Mutable", key)
	}
	return mapping
}

// createProvider creates the provider of ip's kind, or returns nil after reporting what it lacks.
func (b *poolBuild) createProvider(ip IdentityProvider, key string, mapping *awscognito.AttributeMapping) awscognito.IUserPoolIdentityProvider {
	if !b.providerKindSettings(ip, key) {
		return nil
	}
	secret, what := ip.ClientSecret, fmt.Sprintf("identity provider %q secret", key)
	if ip.Kind == "apple" {
		secret, what = ip.PrivateKey, fmt.Sprintf("identity provider %q private key", key)
	}
	sv := b.secretValue(secret, what)
	if sv == nil {
		return nil
	}
	scopes := func(def ...string) *[]*string {
		if len(ip.Scopes) > 0 {
			return jsii.Strings(ip.Scopes...)
		}
		return jsii.Strings(def...)
	}
	// Construct IDs come from the kind (one provider per social kind) or the OIDC name.
	id := jsii.String("Provider" + map[string]string{"google": "Google", "facebook": "Facebook", "amazon": "Amazon", "apple": "Apple"}[ip.Kind])
	u, pool, clientID := b.u, b.u.Pool, jsii.String(ip.ClientID)

	switch ip.Kind {
	case "google":
		return awscognito.NewUserPoolIdentityProviderGoogle(u, id, &awscognito.UserPoolIdentityProviderGoogleProps{
			UserPool: pool, ClientId: clientID, ClientSecretValue: sv,
			Scopes: scopes("openid", "email", "profile"), AttributeMapping: mapping,
		})
	case "facebook":
		// The L2 takes a string here; UnsafeUnwrap yields the dynamic reference, not the secret.
		return awscognito.NewUserPoolIdentityProviderFacebook(u, id, &awscognito.UserPoolIdentityProviderFacebookProps{
			UserPool: pool, ClientId: clientID, ClientSecret: sv.UnsafeUnwrap(),
			Scopes: scopes("public_profile", "email"), AttributeMapping: mapping,
		})
	case "amazon":
		return awscognito.NewUserPoolIdentityProviderAmazon(u, id, &awscognito.UserPoolIdentityProviderAmazonProps{
			UserPool: pool, ClientId: clientID, ClientSecret: sv.UnsafeUnwrap(),
			Scopes: scopes("profile"), AttributeMapping: mapping,
		})
	case "apple":
		return awscognito.NewUserPoolIdentityProviderApple(u, id, &awscognito.UserPoolIdentityProviderAppleProps{
			UserPool: pool, ClientId: clientID, TeamId: jsii.String(ip.TeamID), KeyId: jsii.String(ip.KeyID),
			PrivateKeyValue: sv, Scopes: scopes("name", "email"), AttributeMapping: mapping,
		})
	default: // oidc, the one kind providerKindSettings leaves
		return awscognito.NewUserPoolIdentityProviderOidc(u, jsii.String("ProviderOidc"+ip.Name), &awscognito.UserPoolIdentityProviderOidcProps{
			UserPool: pool, Name: jsii.String(ip.Name), ClientId: clientID, ClientSecret: sv.UnsafeUnwrap(),
			IssuerUrl: jsii.String(ip.IssuerURL), Scopes: scopes("openid", "email"), AttributeMapping: mapping,
		})
	}
}

// providerKindSettings checks that ip's kind is known and has the settings that kind needs besides
// its secret, reporting what is wrong.
func (b *poolBuild) providerKindSettings(ip IdentityProvider, key string) bool {
	switch ip.Kind {
	case "google", "facebook", "amazon":
		return true
	case "apple":
		if ip.TeamID == "" || ip.KeyID == "" {
			b.errorf("auth: identity provider %q needs TeamID and KeyID", key)
			return false
		}
		return true
	case "oidc":
		if n := len(ip.Name); n < 3 || n > 32 || strings.HasPrefix(ip.Name, "_") || strings.ContainsAny(ip.Name, " \t") {
			b.errorf("auth: OIDC provider name %q must be 3-32 characters without spaces (it is the name the client uses)", ip.Name)
			return false
		}
		if !strings.HasPrefix(ip.IssuerURL, "https://") {
			b.errorf("auth: OIDC provider %q needs an https IssuerURL", ip.Name)
			return false
		}
		return true
	}
	b.errorf("auth: unknown identity provider kind %q (want google, facebook, amazon, apple or oidc)", ip.Kind)
	return false
}

// secretValue turns a SecretRef into a Secrets Manager dynamic reference.
func (b *poolBuild) secretValue(ref SecretRef, what string) awscdk.SecretValue {
	switch {
	case ref.SSMParameter != "":
		// CloudFormation resolves ssm-secure references only for a fixed list of
		// resource properties; Cognito identity providers are not on it, so the
		// deploy would fail.
		b.errorf("auth: %s uses SSM parameter %q, but CloudFormation does not support SSM SecureString (ssm-secure) dynamic references in AWS::Cognito::UserPoolIdentityProvider ProviderDetails; store the secret in Secrets Manager and set SecretsManager instead", what, ref.SSMParameter)
		return nil
	case ref.SecretsManager == "":
		b.errorf("auth: %s needs a Secrets Manager secret (SecretRef.SecretsManager)", what)
		return nil
	}
	opts := &awscdk.SecretsManagerSecretOptions{}
	if ref.JSONField != "" {
		opts.JsonField = jsii.String(ref.JSONField)
	}
	return awscdk.SecretValue_SecretsManager(jsii.String(ref.SecretsManager), opts)
}

// clientProvider is how the app client names an identity provider in SupportedIdentityProviders.
func clientProvider(ip IdentityProvider) awscognito.UserPoolClientIdentityProvider {
	switch ip.Kind {
	case "google":
		return awscognito.UserPoolClientIdentityProvider_GOOGLE()
	case "facebook":
		return awscognito.UserPoolClientIdentityProvider_FACEBOOK()
	case "amazon":
		return awscognito.UserPoolClientIdentityProvider_AMAZON()
	case "apple":
		return awscognito.UserPoolClientIdentityProvider_APPLE()
	default: // oidc, by its name
		return awscognito.UserPoolClientIdentityProvider_Custom(jsii.String(ip.Name))
	}
}

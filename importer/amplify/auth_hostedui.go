package amplify

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

type hostedOut struct {
	domainPrefix, domainFrom string
	callbacks, logouts       []string
	scopes                   []string
	oauthFrom                string
	providers                []providerOut
	fromSPA                  []string // what the SPA's aws-exports.js gave (callback URLs, ...)
}

type providerOut struct {
	name                 string // google, facebook, amazon, apple
	clientID, clientFrom string
	scopes               []string
	scopesFrom           string
	secret               string
}

// readHostedUI reads the hosted UI: amplify-cli's domain, the web client's OAuth settings and the
// social providers that sign users in through it.
func (b *builder) readHostedUI(a *authOut, in authParams) error {
	if in.HostedUIDomainName == "" || (in.HostedUI.set && !in.HostedUI.v) {
		return nil
	}
	a.hostedUIDomainName = in.HostedUIDomainName
	h := &hostedOut{
		domainPrefix: in.HostedUIDomainName + "-${stage}",
		domainFrom:   a.src("hostedUIDomainName") + " + \"-\" + env: amplify-cli's domain (HostedUICustomResourceInputs)",
	}
	if err := a.readOAuthMetadata(h, in); err != nil {
		return err
	}
	var meta []providerMeta
	if in.HostedUIProviderMeta.present() {
		if err := in.HostedUIProviderMeta.decode(a.file, a.data, fieldPath(a.prefix, "hostedUIProviderMeta"), &meta); err != nil {
			return err
		}
	}
	creds := b.hostedUIProviderCreds(a)
	for _, name := range in.AuthProvidersUserPool.items() {
		b.readHostedUIProvider(a, h, name, creds, meta)
	}
	a.hosted = h
	return nil
}

// readOAuthMetadata reads the web client's OAuth flows, redirect URLs and scopes (oAuthMetadata).
func (a *authOut) readOAuthMetadata(h *hostedOut, in authParams) error {
	var meta struct {
		AllowedOAuthFlows  []string `json:"AllowedOAuthFlows"`
		AllowedOAuthScopes []string `json:"AllowedOAuthScopes"`
		CallbackURLs       []string `json:"CallbackURLs"`
		LogoutURLs         []string `json:"LogoutURLs"`
	}
	if in.OAuthMetadata.present() {
		if err := in.OAuthMetadata.decode(a.file, a.data, fieldPath(a.prefix, "oAuthMetadata"), &meta); err != nil {
			return err
		}
	}
	h.oauthFrom = a.src("oAuthMetadata")
	if strings.HasPrefix(strings.TrimSpace(string(in.OAuthMetadata.raw)), `"`) {
		h.oauthFrom += " (a JSON-encoded string)"
	}
	h.callbacks, h.logouts, h.scopes = dedupe(meta.CallbackURLs), dedupe(meta.LogoutURLs), dedupe(meta.AllowedOAuthScopes)
	// The flows decide what a kept client answers: the implicit grant returns tokens (responseType
	// token), the code grant a code. Which client the spec uses is settled with the ids (authIDs).
	a.implicitOnly = slices.Contains(meta.AllowedOAuthFlows, "implicit") && !slices.Contains(meta.AllowedOAuthFlows, "code")
	a.flowsFrom = fmt.Sprintf("%s AllowedOAuthFlows %v", h.oauthFrom, meta.AllowedOAuthFlows)
	if len(h.callbacks) == 0 {
		h.callbacks = []string{"http://localhost:3000/"}
		a.res.approx("oAuthMetadata has no CallbackURLs: the spec uses http://localhost:3000/; set your app's URLs")
	}
	return nil
}

// providerMeta is one entry of hostedUIProviderMeta: a provider's scopes and attribute mapping.
type providerMeta struct {
	ProviderName     string            `json:"ProviderName"`
	AuthorizeScopes  string            `json:"authorize_scopes"`
	AttributeMapping map[string]string `json:"AttributeMapping"`
}

// hostedUIProviderCreds reads the client ids per provider from team-provider-info.json's
// hostedUIProviderCreds (older amplify-cli), and warns loudly when the file holds client secrets too.
func (b *builder) hostedUIProviderCreds(a *authOut) map[string]string {
	creds := map[string]string{}
	raw, ok := b.p.params["auth"][a.amp]["hostedUIProviderCreds"]
	if !ok {
		return creds
	}
	var list []struct {
		ProviderName string `json:"ProviderName"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	if json.Unmarshal(raw, &list) != nil {
		return creds
	}
	var plain []string
	for _, c := range list {
		creds[c.ProviderName] = c.ClientID
		if c.ClientSecret != "" {
			plain = append(plain, c.ProviderName)
		}
	}
	if len(plain) > 0 {
		// Never copied anywhere: the spec references Secrets Manager, and the report names only the providers.
		b.warnings = append(b.warnings, fmt.Sprintf("PLAINTEXT SECRETS: %s holds the OAuth client secrets of %s in plaintext (%s.categories.auth.%s.hostedUIProviderCreds). Anyone with the repository has them: rotate them at each provider, then remove them from the file and from the repository's history (amplify-cli can keep them in deployment-secrets.json outside the repository).",
			teamProviderFile, strings.Join(plain, ", "), b.p.env, a.amp))
	}
	return creds
}

// readHostedUIProvider reads one social provider of the hosted UI: its client id, scopes and secret.
// One whose credentials are not in the project files becomes a commented-out snippet to fill in.
func (b *builder) readHostedUIProvider(a *authOut, h *hostedOut, name string, creds map[string]string, meta []providerMeta) {
	var sp struct{ amplify, spec, tpiKey, federation, display string }
	for _, x := range socialProviders {
		if x.amplify == name {
			sp = x
		}
	}
	if sp.spec == "" {
		a.res.approx("hosted UI provider %s is not one the import knows; add it under hostedUI.providers by hand", name)
		return
	}
	p := providerOut{name: sp.spec, secret: b.app + "/" + b.p.env + "/" + sp.spec}
	switch {
	case creds[name] != "":
		p.clientID, p.clientFrom = creds[name], b.p.tpiPath("auth", a.amp, "hostedUIProviderCreds")+" "+name+".client_id"
	case sp.spec != "apple":
		if id, ok := b.p.param("auth", a.amp, sp.tpiKey); ok && id != "" {
			p.clientID, p.clientFrom = id, b.p.tpiPath("auth", a.amp, sp.tpiKey)
			a.res.note("%s's client id comes from %s, which amplify-cli asks for identity-pool federation; the hosted UI's own %s credentials live in amplify/team-provider-info.json's hostedUIProviderCreds or deployment-secrets.json outside the repository: check they are the same app", name, sp.tpiKey, name)
		}
	}
	for _, m := range meta {
		if m.ProviderName == name {
			a.readProviderMeta(&p, m)
		}
	}
	if p.clientID == "" || sp.spec == "apple" {
		what := "client id is"
		if sp.spec == "apple" {
			what = "services id, team id, key id and private key are"
		}
		a.res.approx("hosted UI provider %s: its %s not in the project files (amplify-cli keeps provider credentials outside the repository), so it is commented out in the spec; fill it in", name, what)
		a.providerComment = append(a.providerComment, providerSnippet(p))
		return
	}
	b.secrets = append(b.secrets, Secret{Name: p.secret, For: name + " client secret (the hosted UI's " + name + " app)", provider: true})
	h.providers = append(h.providers, p)
}

// readProviderMeta takes a provider's scopes (authorize_scopes, space- or comma-separated) and
// reports the attributes it mapped beyond email.
func (a *authOut) readProviderMeta(p *providerOut, m providerMeta) {
	name := m.ProviderName
	sep := " "
	if strings.Contains(m.AuthorizeScopes, ",") {
		sep = ","
	}
	for _, s := range strings.Split(m.AuthorizeScopes, sep) {
		if s = strings.TrimSpace(s); s != "" {
			p.scopes = append(p.scopes, s)
		}
	}
	p.scopesFrom = a.src("hostedUIProviderMeta " + name + ".authorize_scopes")
	for _, attr := range slices.Sorted(maps.Keys(m.AttributeMapping)) {
		if attr != "username" && !(attr == "email" && m.AttributeMapping[attr] == "email") {
			a.res.approx("%s maps its %s to the user pool's %s (hostedUIProviderMeta AttributeMapping): the spec maps only email; other attributes stay empty for %s users", name, m.AttributeMapping[attr], attr, name)
		}
	}
}

func providerSnippet(p providerOut) string {
	if p.name == "apple" {
		return fmt.Sprintf("apple: { clientId: SERVICES_ID, teamId: TEAM_ID, keyId: KEY_ID, privateKey: { secretsManager: %s-private-key }, scopes: [%s] }", p.secret, strings.Join(p.scopes, ", "))
	}
	id := p.clientID
	if id == "" {
		id = "CLIENT_ID"
	}
	return fmt.Sprintf("%s: { clientId: %s, clientSecret: { secretsManager: %s }, scopes: [%s] }", p.name, id, p.secret, strings.Join(p.scopes, ", "))
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		out = appendUnique(out, s)
	}
	return out
}

// oauthFromSPA takes the redirect URLs and scopes of a kept app client from the SPA's aws-exports.js
// when the project files say otherwise: amplify-cli wrote that file from the deployed client, which
// the spec keeps unchanged, and the SPA must keep sending what the client allows.
func (b *builder) oauthFromSPA() {
	a := b.auth
	if a.hosted == nil || a.existingClient == "" || b.spa == nil {
		return
	}
	var oauth struct {
		Scope           []string `json:"scope"`
		RedirectSignIn  string   `json:"redirectSignIn"`
		RedirectSignOut string   `json:"redirectSignOut"`
	}
	if json.Unmarshal(b.spa.v["oauth"], &oauth) != nil || oauth.RedirectSignIn == "" {
		return
	}
	split := func(s string) []string {
		var out []string
		for _, u := range strings.Split(s, ",") {
			if u = strings.TrimSpace(u); u != "" {
				out = appendUnique(out, u)
			}
		}
		return out
	}
	h := a.hosted
	for _, f := range []struct {
		what      string
		have      *[]string
		spa       []string
		key, from string
	}{
		{"callback URLs", &h.callbacks, split(oauth.RedirectSignIn), "oauth.redirectSignIn", h.oauthFrom + " CallbackURLs"},
		{"logout URLs", &h.logouts, split(oauth.RedirectSignOut), "oauth.redirectSignOut", h.oauthFrom + " LogoutURLs"},
		{"scopes", &h.scopes, dedupe(oauth.Scope), "oauth.scope", h.oauthFrom + " AllowedOAuthScopes"},
	} {
		if len(f.spa) == 0 || slices.Equal(*f.have, f.spa) {
			continue
		}
		a.res.approx("the kept client's %s in the SPA's configuration (%s: %s) differ from the project files' (%s: %s): the spec follows the SPA's, which amplify-cli wrote from the deployed client", f.what, b.spa.from(f.key), strings.Join(f.spa, ", "), f.from, strings.Join(*f.have, ", "))
		*f.have = f.spa
		h.fromSPA = append(h.fromSPA, f.what)
	}
}

// oauthFlow settles the OAuth response type: an implicit-only web client that the spec keeps (its
// clientId) answers with tokens, so the SPA's configuration says token; a client underhood creates
// allows the code flow only.
func (b *builder) oauthFlow() {
	a := b.auth
	if a.hosted == nil || !a.implicitOnly {
		return
	}
	if a.existingPool != "" && a.existingClient != "" {
		b.warnings = append(b.warnings, fmt.Sprintf("IMPLICIT GRANT: the kept app client %s allows only the OAuth implicit grant (%s), so the SPA's configuration keeps responseType token (stages.%s.existing.userPool.responseType). The implicit grant returns tokens in the URL and no refresh token; switch to the code flow (with PKCE, what amplify-js uses) when you can: allow the code grant on the client, then remove responseType.", a.existingClient, a.flowsFrom, stageName(b.p.env)))
		a.res.approx("the kept app client allows only the implicit grant: the SPA's configuration says responseType token (see the warning)")
		return
	}
	a.res.approx("the app client allowed only the OAuth implicit grant (%s): the client underhood creates allows the authorization code flow only (with PKCE, what amplify-js uses), so an app that reads tokens from the URL fragment must switch to the code flow", a.flowsFrom)
}

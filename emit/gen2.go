package emit

import (
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// amplify_outputs.json, schema version 1.5 (/work/shared/schemas/amplify-outputs-v1.5.json).
type amplifyOutputs struct {
	Version   string         `json:"version"`
	Auth      *gen2Auth      `json:"auth,omitempty"`
	Storage   *gen2Storage   `json:"storage,omitempty"`
	Data      *gen2Data      `json:"data,omitempty"`
	Analytics *gen2Analytics `json:"analytics,omitempty"`
	Custom    *gen2Custom    `json:"custom,omitempty"`
}

// gen2Data is an AppSync API underhood does not create: amplify-js configures API.GraphQL from it.
type gen2Data struct {
	Region      string   `json:"aws_region"`
	URL         string   `json:"url"`
	APIKey      string   `json:"api_key,omitempty"`
	DefaultAuth string   `json:"default_authorization_type"`
	AuthTypes   []string `json:"authorization_types"` // the other modes, as Gen 2's backend writes them
}

type gen2Analytics struct {
	Pinpoint gen2Pinpoint `json:"amazon_pinpoint"`
}

type gen2Pinpoint struct {
	Region string `json:"aws_region"`
	AppID  string `json:"app_id"`
}

type gen2Auth struct {
	Region                     string            `json:"aws_region"`
	UserPoolID                 string            `json:"user_pool_id"`
	UserPoolClientID           string            `json:"user_pool_client_id"`
	IdentityPoolID             string            `json:"identity_pool_id,omitempty"`
	PasswordPolicy             gen2Password      `json:"password_policy"`
	OAuth                      *gen2OAuth        `json:"oauth,omitempty"`
	StandardRequiredAttributes []string          `json:"standard_required_attributes"`
	UsernameAttributes         []string          `json:"username_attributes,omitempty"`
	UserVerificationTypes      []string          `json:"user_verification_types"`
	UnauthenticatedIdentities  bool              `json:"unauthenticated_identities_enabled"`
	MFAConfiguration           string            `json:"mfa_configuration"`
	MFAMethods                 []string          `json:"mfa_methods"`
	Passwordless               *gen2Passwordless `json:"passwordless,omitempty"`
	Groups                     []object          `json:"groups"`
}

type gen2Password struct {
	MinLength        int  `json:"min_length"`
	RequireNumbers   bool `json:"require_numbers"`
	RequireLowercase bool `json:"require_lowercase"`
	RequireUppercase bool `json:"require_uppercase"`
	RequireSymbols   bool `json:"require_symbols"`
}

type gen2OAuth struct {
	IdentityProviders  []string `json:"identity_providers"`
	Domain             string   `json:"domain"`
	Scopes             []string `json:"scopes"`
	RedirectSignInURI  []string `json:"redirect_sign_in_uri"`
	RedirectSignOutURI []string `json:"redirect_sign_out_uri"`
	ResponseType       string   `json:"response_type"`
}

type gen2Group struct {
	Precedence *int `json:"precedence,omitempty"` // unset in Cognito when the spec gives none
}

type gen2Storage struct {
	Region     string       `json:"aws_region"`
	BucketName string       `json:"bucket_name"`
	Buckets    []gen2Bucket `json:"buckets"`
}

type gen2Bucket struct {
	Name       string `json:"name"`
	BucketName string `json:"bucket_name"`
	Region     string `json:"aws_region"`
	Paths      object `json:"paths"`
}

// gen2Custom is what underhood adds under custom: amplify-js ignores it, the amplify-config module and
// teams' own code read it.
type gen2Custom struct {
	API object `json:"API"`
}

type gen2API struct {
	Endpoint      string `json:"endpoint"`
	Region        string `json:"region"`
	APIName       string `json:"apiName"`
	Authorization string `json:"authorization"`
}

var gen2Providers = map[string]string{"google": "GOOGLE", "facebook": "FACEBOOK", "amazon": "LOGIN_WITH_AMAZON", "apple": "SIGN_IN_WITH_APPLE"}

var gen2MFA = map[string]string{"off": "NONE", "optional": "OPTIONAL", "required": "REQUIRED"}

func (c *Config) amplifyOutputs() *amplifyOutputs {
	o := &amplifyOutputs{Version: "1.5"}
	if a := c.Auth; a != nil {
		up := a.UserPool
		pp := up.PasswordPolicy
		g := &gen2Auth{
			Region:           c.Region,
			UserPoolID:       a.UserPoolID,
			UserPoolClientID: a.ClientID,
			IdentityPoolID:   a.IdentityPoolID,
			PasswordPolicy: gen2Password{
				MinLength: pp.MinLength, RequireNumbers: pp.RequireDigits, RequireLowercase: pp.RequireLowercase,
				RequireUppercase: pp.RequireUppercase, RequireSymbols: pp.RequireSymbols,
			},
			StandardRequiredAttributes: signUpAttributes(up, a.Verify),
			UsernameAttributes:         gen2UsernameAttributes(up),
			UserVerificationTypes:      nonNil(a.Verify),
			UnauthenticatedIdentities:  a.IdentityPoolID != "" && a.GuestAccess,
			MFAConfiguration:           gen2MFA[up.MFA.Mode],
			MFAMethods:                 upper(up.MFA.Methods),
			Groups:                     []object{},
			Passwordless:               gen2PasswordlessOf(up.Passwordless),
		}
		for _, gr := range up.Groups {
			g.Groups = append(g.Groups, object{{gr.Name, gen2Group{Precedence: gr.Precedence}}})
		}
		if h := up.HostedUI; h != nil {
			oa := &gen2OAuth{
				IdentityProviders:  []string{},
				Domain:             a.HostedUIDomain,
				Scopes:             nonNil(h.Scopes),
				RedirectSignInURI:  nonNil(h.CallbackURLs),
				RedirectSignOutURI: nonNil(h.LogoutURLs),
				ResponseType:       a.ResponseType,
			}
			for _, p := range h.Providers {
				if name, ok := gen2Providers[p.Kind]; ok {
					oa.IdentityProviders = append(oa.IdentityProviders, name)
				}
			}
			g.OAuth = oa
		}
		o.Auth = g
	}
	if len(c.Buckets) > 0 {
		s := &gen2Storage{Region: c.Region, BucketName: c.Buckets[0].BucketName}
		for _, b := range c.Buckets {
			s.Buckets = append(s.Buckets, gen2Bucket{Name: b.Name, BucketName: b.BucketName, Region: c.Region, Paths: storagePaths(b.Access)})
		}
		o.Storage = s
	}
	if len(c.GraphQL) > 0 {
		q := c.GraphQL[0]
		o.Data = &gen2Data{Region: q.Region, URL: q.Endpoint, APIKey: q.APIKey, DefaultAuth: q.Modes[0], AuthTypes: nonNil(q.Modes[1:])}
	}
	if an := c.Analytics; an != nil {
		o.Analytics = &gen2Analytics{Pinpoint: gen2Pinpoint{Region: an.Region, AppID: an.AppID}}
	}
	if len(c.APIs) > 0 {
		cu := &gen2Custom{API: object{}}
		for _, api := range c.APIs {
			cu.API = append(cu.API, field{api.Name, gen2API{
				Endpoint: api.Endpoint, Region: c.Region, APIName: api.Name, Authorization: joinModes(api.Modes),
			}})
		}
		o.Custom = cu
	}
	return o
}

// AmplifyOutputsJSON is amplify_outputs.json (schema version 1.5).
func (c *Config) AmplifyOutputsJSON() ([]byte, error) {
	return marshal(c.amplifyOutputs(), "")
}

// identityVar is the key segment amplify-js (6.x) substitutes with the signed-in identity id; it is also
// the IAM policy variable in the synthesized grants, so the paths below equal the policies' prefixes.
const identityVar = "${cognito-identity.amazonaws.com:sub}"

// The Amplify access levels in amplify_outputs' storage paths. Like Gen 2's own backend, a level with an
// owner rule gets a second key for the owner's own prefix: amplify-js only resolves the literal
// ${cognito-identity.amazonaws.com:sub}, not {entity_id}.
var levelPaths = []struct{ level, path, ownerPath string }{
	{"public", "public/*", ""},
	{"protected", "protected/*", "protected/" + identityVar + "/*"},
	{"private", "private/*", "private/" + identityVar + "/*"},
}

// storagePaths turns the spec's access rules into Gen 2 path rules: guest, authenticated and
// groups<Name> on the level's prefix, entityidentity (the owner) on the owner's prefix; a level-"all"
// group rule applies to every prefix. Prefixes nobody may access are left out.
func storagePaths(access []spec.BucketAccess) object {
	paths := object{}
	for _, lp := range levelPaths {
		var guest, authed, owner []string
		var groups object
		for _, a := range access {
			if a.Level != lp.level && a.Level != "all" {
				continue
			}
			switch a.Who {
			case "guest":
				guest = mergeActions(guest, a.Actions)
			case "authenticated":
				authed = mergeActions(authed, a.Actions)
			case "owner":
				owner = mergeActions(owner, a.Actions)
			case "group":
				groups = append(groups, field{"groups" + a.Group, gen2Actions(a.Actions)})
			}
		}
		rule := object{}
		for _, f := range []field{{"guest", guest}, {"authenticated", authed}} {
			if acts := f.Value.([]string); len(acts) > 0 {
				rule = append(rule, f)
			}
		}
		rule = append(rule, groups...)
		if len(rule) > 0 {
			paths = append(paths, field{lp.path, rule})
		}
		if len(owner) > 0 && lp.ownerPath != "" {
			paths = append(paths, field{lp.ownerPath, object{{"entityidentity", owner}}})
		}
	}
	return paths
}

// gen2Actions maps spec actions to Gen 2 ones: read is get and list.
func gen2Actions(actions []string) []string {
	return mergeActions(nil, actions)
}

func mergeActions(have, actions []string) []string {
	set := map[string]bool{}
	for _, a := range have {
		set[a] = true
	}
	for _, a := range actions {
		switch a {
		case "read":
			set["get"], set["list"] = true, true
		default:
			set[a] = true
		}
	}
	var out []string
	for _, a := range []string{"get", "list", "write", "delete"} {
		if set[a] {
			out = append(out, a)
		}
	}
	return out
}

func joinModes(modes []string) string { return strings.Join(modes, ",") }

// signUpAttributes are the attributes a sign-up form must ask for: the required ones and those Cognito
// verifies (it sends their code at sign-up). amplify-js reads Gen 1's aws-exports the same way (its
// verification mechanisms are required user attributes), so both files configure one sign-up form.
func signUpAttributes(up *spec.UserPool, verify []string) []string {
	out := requiredAttributes(up)
	for _, v := range verify {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// gen2UsernameAttributes are amplify_outputs' username_attributes: email and phone_number as sign-in
// attributes, or username for a pool that signs in with usernames only (amplify-js then offers a
// username field, as it does for Gen 1's aws-exports without username attributes).
func gen2UsernameAttributes(up *spec.UserPool) []string {
	if out := spec.SignInAttributes(up.SignInWith); len(out) > 0 {
		return out
	}
	if slices.Contains(up.SignInWith, "username") {
		return []string{"username"}
	}
	return nil
}

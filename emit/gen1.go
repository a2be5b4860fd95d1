package emit

import (
	"strings"

	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/templates"
)

// Gen 1 aws-exports (DESIGN.md §3): the keys amplify-js v6's parseAWSExports reads.
type awsExports struct {
	ProjectRegion string `json:"aws_project_region"`
	*gen1Auth
	CloudLogic []gen1API `json:"aws_cloud_logic_custom,omitempty"`
	*gen1AppSync
	*gen1Analytics
	*gen1Storage
	*gen1Tables
}

type gen1AppSync struct {
	Endpoint string `json:"aws_appsync_graphqlEndpoint"`
	Region   string `json:"aws_appsync_region"`
	AuthType string `json:"aws_appsync_authenticationType"`
	APIKey   string `json:"aws_appsync_apiKey,omitempty"`
}

type gen1Analytics struct {
	AppID  string `json:"aws_mobile_analytics_app_id"`
	Region string `json:"aws_mobile_analytics_app_region"`
}

type gen1Auth struct {
	CognitoRegion          string              `json:"aws_cognito_region"`
	UserPoolsID            string              `json:"aws_user_pools_id"`
	WebClientID            string              `json:"aws_user_pools_web_client_id"`
	IdentityPoolID         string              `json:"aws_cognito_identity_pool_id,omitempty"`
	MandatorySignIn        string              `json:"aws_mandatory_sign_in,omitempty"`
	OAuth                  *gen1OAuth          `json:"oauth,omitempty"`
	UsernameAttributes     []string            `json:"aws_cognito_username_attributes"`
	SocialProviders        []string            `json:"aws_cognito_social_providers"`
	SignupAttributes       []string            `json:"aws_cognito_signup_attributes"`
	MFAConfiguration       string              `json:"aws_cognito_mfa_configuration"`
	MFATypes               []string            `json:"aws_cognito_mfa_types"`
	PasswordProtection     gen1PasswordSetting `json:"aws_cognito_password_protection_settings"`
	VerificationMechanisms []string            `json:"aws_cognito_verification_mechanisms"`
}

type gen1OAuth struct {
	Domain          string   `json:"domain"`
	Scope           []string `json:"scope"`
	RedirectSignIn  string   `json:"redirectSignIn"`
	RedirectSignOut string   `json:"redirectSignOut"`
	ResponseType    string   `json:"responseType"`
}

type gen1PasswordSetting struct {
	MinLength  int      `json:"passwordPolicyMinLength"`
	Characters []string `json:"passwordPolicyCharacters"`
}

type gen1API struct {
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
	Region   string `json:"region"`
}

type gen1Storage struct {
	Bucket string `json:"aws_user_files_s3_bucket"`
	Region string `json:"aws_user_files_s3_bucket_region"`
}

type gen1Tables struct {
	Region  string      `json:"aws_dynamodb_all_tables_region"`
	Schemas []gen1Table `json:"aws_dynamodb_table_schemas"`
}

type gen1Table struct {
	TableName string `json:"tableName"`
	Region    string `json:"region"`
}

var gen1Providers = map[string]string{"google": "GOOGLE", "facebook": "FACEBOOK", "amazon": "AMAZON", "apple": "APPLE"}

var gen1MFA = map[string]string{"off": "OFF", "optional": "OPTIONAL", "required": "ON"}

func (c *Config) awsExports() *awsExports {
	x := &awsExports{ProjectRegion: c.Region}
	if a := c.Auth; a != nil {
		up := a.UserPool
		g := &gen1Auth{
			CognitoRegion:          c.Region,
			UserPoolsID:            a.UserPoolID,
			WebClientID:            a.ClientID,
			IdentityPoolID:         a.IdentityPoolID,
			UsernameAttributes:     upper(spec.SignInAttributes(up.SignInWith)),
			SocialProviders:        []string{},
			SignupAttributes:       upper(requiredAttributes(up)),
			MFAConfiguration:       gen1MFA[up.MFA.Mode],
			MFATypes:               upper(up.MFA.Methods),
			PasswordProtection:     gen1PasswordSetting{MinLength: up.PasswordPolicy.MinLength, Characters: []string{}},
			VerificationMechanisms: upper(a.Verify),
		}
		if a.IdentityPoolID != "" && !a.GuestAccess {
			g.MandatorySignIn = "enable"
		}
		pp := up.PasswordPolicy
		for _, c := range []struct {
			on   bool
			name string
		}{
			{pp.RequireLowercase, "REQUIRES_LOWERCASE"},
			{pp.RequireUppercase, "REQUIRES_UPPERCASE"},
			{pp.RequireDigits, "REQUIRES_NUMBERS"},
			{pp.RequireSymbols, "REQUIRES_SYMBOLS"},
		} {
			if c.on {
				g.PasswordProtection.Characters = append(g.PasswordProtection.Characters, c.name)
			}
		}
		if h := up.HostedUI; h != nil {
			for _, p := range h.Providers {
				if name, ok := gen1Providers[p.Kind]; ok {
					g.SocialProviders = append(g.SocialProviders, name)
				}
			}
			g.OAuth = &gen1OAuth{
				Domain:          a.HostedUIDomain,
				Scope:           nonNil(h.Scopes),
				RedirectSignIn:  strings.Join(h.CallbackURLs, ","),
				RedirectSignOut: strings.Join(h.LogoutURLs, ","),
				ResponseType:    a.ResponseType,
			}
		}
		x.gen1Auth = g
	}
	for _, api := range c.APIs {
		x.CloudLogic = append(x.CloudLogic, gen1API{Name: api.Name, Endpoint: api.Endpoint, Region: c.Region})
	}
	if len(c.GraphQL) > 0 {
		q := c.GraphQL[0]
		x.gen1AppSync = &gen1AppSync{Endpoint: q.Endpoint, Region: q.Region, AuthType: q.Modes[0], APIKey: q.APIKey}
	}
	if an := c.Analytics; an != nil {
		x.gen1Analytics = &gen1Analytics{AppID: an.AppID, Region: an.Region}
	}
	if len(c.Buckets) > 0 {
		x.gen1Storage = &gen1Storage{Bucket: c.Buckets[0].BucketName, Region: c.Region}
	}
	if len(c.Tables) > 0 {
		t := &gen1Tables{Region: c.Region}
		for _, tb := range c.Tables {
			t.Schemas = append(t.Schemas, gen1Table{TableName: tb.TableName, Region: c.Region})
		}
		x.gen1Tables = t
	}
	return x
}

// AmplifyConfigurationJSON is the aws-exports object as amplifyconfiguration.json.
func (c *Config) AmplifyConfigurationJSON() ([]byte, error) {
	return marshal(c.awsExports(), "")
}

// awsExportsData fills templates/config/aws-exports.js.tmpl.
type awsExportsData struct {
	Header string
	Object string // the aws-exports object as indented JSON, without the final newline
}

// AWSExportsJS is the Gen 1 aws-exports.js ES module.
func (c *Config) AWSExportsJS() ([]byte, error) {
	obj, err := marshal(c.awsExports(), "")
	if err != nil {
		return nil, err
	}
	return templates.RenderConfig("aws-exports.js.tmpl", awsExportsData{Header: c.Header(), Object: strings.TrimSuffix(string(obj), "\n")})
}

func requiredAttributes(up *spec.UserPool) []string {
	out := []string{}
	for _, a := range up.StandardAttributes {
		if a.Required {
			out = append(out, a.Name)
		}
	}
	return out
}

func upper(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToUpper(s)
	}
	return out
}

func nonNil(in []string) []string {
	if in == nil {
		return []string{}
	}
	return in
}

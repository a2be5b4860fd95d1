// Package emit writes the SPA's Amplify configuration (aws-exports, amplify_outputs.json and the
// amplify-config wiring module) from a resolved app spec and its deployed stack's outputs.
//
// It is pure Go: it imports spec, never a CDK package, so `underhood config` starts fast and never
// needs Node or jsii.
package emit

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// Formats of the frontend files (the spec's frontend[].format values).
const (
	FormatAWSExports     = "aws-exports"
	FormatAmplifyOutputs = "amplify-outputs"
	FormatAmplifyConfig  = "amplify-config"
)

// Formats lists every format, in a stable order.
var Formats = []string{FormatAWSExports, FormatAmplifyOutputs, FormatAmplifyConfig}

// StackOutputs is what `cdk deploy --outputs-file` writes: stack name to output key to value.
type StackOutputs map[string]map[string]string

// ParseOutputsFile decodes an outputs file. Every value must be a string.
func ParseOutputsFile(data []byte) (StackOutputs, error) {
	var out StackOutputs
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("outputs file: want {\"<stack>\": {\"<key>\": \"<value>\"}}: %w", err)
	}
	if out == nil {
		return nil, fmt.Errorf("outputs file: want {\"<stack>\": {\"<key>\": \"<value>\"}}, got null")
	}
	return out, nil
}

// MissingStackError says the outputs hold no entry for the app's stack.
type MissingStackError struct {
	Stack string
	Found []string // stacks present, sorted
}

func (e *MissingStackError) Error() string {
	found := "none"
	if len(e.Found) > 0 {
		found = strings.Join(e.Found, ", ")
	}
	return fmt.Sprintf("stack %s: no outputs for it (stacks found: %s); deploy it first or check --stage", e.Stack, found)
}

// MissingOutputError says the app's stack lacks output keys the spec needs.
type MissingOutputError struct {
	Stack string
	Keys  []string // in the order they were needed
}

func (e *MissingOutputError) Error() string {
	return fmt.Sprintf("stack %s: missing output %s; is the deployed stack older than the spec?", e.Stack, strings.Join(e.Keys, ", "))
}

// Config is the resolved frontend configuration: the spec's settings joined with the stack's values.
type Config struct {
	Source string // the spec path as given, for the generated-file header
	Stack  string
	Region string
	Auth   *Auth // nil: no user pool
	APIs   []API
	// Buckets and Tables are sorted by name, like the spec.
	Buckets []Bucket
	Tables  []Table
	// GraphQL are the GraphQL APIs the app uses (underhood does not create them), in spec order; Gen 1's
	// aws-exports and amplify_outputs' data take the first.
	GraphQL []GraphQL
	// Analytics is the Pinpoint project; nil: none.
	Analytics *spec.Analytics
	// OutputsFile is where amplify_outputs.json is written, in the same terms as the paths given to
	// Render; the amplify-config module imports it by its relative path. Empty: beside the module.
	OutputsFile string
}

// Auth is the Cognito part.
type Auth struct {
	UserPoolID, ClientID, IdentityPoolID string // IdentityPoolID empty: no identity pool
	GuestAccess                          bool
	UserPool                             *spec.UserPool
	HostedUIDomain                       string // empty: no hosted UI
	// ResponseType is the OAuth response type of the SPA's app client: code, or token for an existing
	// implicit-grant client.
	ResponseType string
	// Verify are the attributes Cognito verifies (email, phone_number), as aws_cognito_verification_mechanisms.
	Verify []string
}

// GraphQL is one AppSync API.
type GraphQL struct {
	Name, Endpoint, Region string
	// Modes are AppSync's authentication types (API_KEY, AMAZON_COGNITO_USER_POOLS, ...), the default first.
	Modes  []string
	APIKey string // "" when the API has no api-key mode
}

// Options are what New needs besides the spec and the outputs.
type Options struct {
	// Source is the spec path as given, for the generated files' header.
	Source string
	// Secret returns a value the spec references in Secrets Manager or SSM (an API key). Values in stack
	// outputs are read from the outputs given to New. nil: such a reference is an error.
	Secret func(ref spec.ValueRef) (string, error)
}

// API is one REST API.
type API struct {
	Name     string
	Endpoint string // invoke URL without the trailing slash
	// Modes are the distinct authorization modes of the API's routes, sorted (as the stack output).
	Modes  []string
	Routes []spec.Route
}

// HeaderMode is the token mode every call to the API can carry in a global Authorization header:
// the single token mode when no route is IAM and the token routes all use one mode (routes without
// authorization ignore the header). Empty for IAM-only APIs and for mixed APIs, which need per-call
// headers.
func (a *API) HeaderMode() string {
	token := ""
	for _, m := range a.Modes {
		switch m {
		case spec.AuthIAM:
			return ""
		case spec.AuthAccessToken, spec.AuthIDToken:
			if token != "" {
				return ""
			}
			token = m
		}
	}
	return token
}

// Mixed reports whether calls to the API need per-call headers (authHeaders) to be authorized right.
func (a *API) Mixed() bool {
	if a.HeaderMode() != "" {
		return false
	}
	for _, m := range a.Modes {
		if m == spec.AuthAccessToken || m == spec.AuthIDToken {
			return true
		}
	}
	return false
}

// Bucket is one S3 bucket.
type Bucket struct {
	Name, BucketName string
	Access           []spec.BucketAccess
}

// Table is one DynamoDB table.
type Table struct {
	Name, TableName string
}

// New joins the app with its stack's outputs. It fails when the stack or any needed key is missing,
// naming the stack and every missing key.
func New(app *spec.App, outputs StackOutputs, source string) (*Config, error) {
	return NewWith(app, outputs, Options{Source: source})
}

// NewWith is New with the means to read referenced secrets.
func NewWith(app *spec.App, outputs StackOutputs, opts Options) (*Config, error) {
	source := opts.Source
	stack := app.StackName()
	out, ok := outputs[stack]
	if !ok {
		return nil, &MissingStackError{Stack: stack, Found: slices.Sorted(maps.Keys(outputs))}
	}
	var missing []string
	get := func(key string) string {
		v, ok := out[key]
		if !ok {
			missing = append(missing, key)
		}
		return v
	}
	c := &Config{Source: source, Stack: stack, Region: get(spec.OutputRegion)}
	if app.Auth != nil && app.Auth.UserPool != nil {
		a := &Auth{UserPoolID: get(spec.OutputUserPoolID), ClientID: get(spec.OutputClientID), UserPool: app.Auth.UserPool}
		if ip := app.Auth.IdentityPool; ip != nil {
			a.IdentityPoolID = get(spec.OutputIdentityPoolID)
			a.GuestAccess = ip.GuestAccess
		}
		if app.Auth.UserPool.HostedUI != nil {
			a.HostedUIDomain = get(spec.OutputHostedUIDomain)
		}
		a.ResponseType, a.Verify = "code", app.Auth.UserPool.VerifiedAttributes()
		if e := app.Auth.UserPool.Existing; e != nil {
			if e.ResponseType != "" {
				a.ResponseType = e.ResponseType
			}
			if e.AutoVerify != nil {
				a.Verify = e.AutoVerify
			}
		}
		c.Auth = a
	}
	for i := range app.APIs {
		api := &app.APIs[i]
		c.APIs = append(c.APIs, API{
			Name:     api.Name,
			Endpoint: strings.TrimRight(get(apiURLKey(api)), "/"),
			Modes:    api.Modes(),
			Routes:   api.Routes,
		})
	}
	for _, b := range app.Buckets {
		c.Buckets = append(c.Buckets, Bucket{Name: b.Name, BucketName: get(spec.OutputBucketName(b.Name)), Access: b.Access})
	}
	for _, t := range app.Tables {
		c.Tables = append(c.Tables, Table{Name: t.Name, TableName: get(spec.OutputTableName(t.Name))})
	}
	if len(missing) > 0 {
		return nil, &MissingOutputError{Stack: stack, Keys: missing}
	}
	for _, g := range app.GraphQL {
		q := GraphQL{Name: g.Name, Endpoint: g.Endpoint, Region: cmp.Or(g.Region, c.Region)}
		for _, m := range g.Authorization {
			q.Modes = append(q.Modes, spec.AppSyncAuthType(m))
		}
		if g.APIKey != nil && slices.Contains(g.Authorization, spec.GraphQLAPIKey) {
			key, err := resolve(*g.APIKey, outputs, opts.Secret)
			if err != nil {
				return nil, fmt.Errorf("GraphQL API %s: its API key: %w", g.Name, err)
			}
			q.APIKey = key
		}
		c.GraphQL = append(c.GraphQL, q)
	}
	if an := app.Analytics; an != nil {
		c.Analytics = &spec.Analytics{AppID: an.AppID, Region: cmp.Or(an.Region, c.Region)}
	}
	return c, nil
}

// resolve reads a referenced value: a stack output from outputs, a secret through secret.
func resolve(ref spec.ValueRef, outputs StackOutputs, secret func(spec.ValueRef) (string, error)) (string, error) {
	if ref.Stack != "" {
		v, ok := outputs[ref.Stack][ref.Output]
		if !ok {
			return "", &MissingOutputError{Stack: ref.Stack, Keys: []string{ref.Output}}
		}
		return v, nil
	}
	if secret == nil {
		return "", fmt.Errorf("it is in %s, which this run cannot read", refString(ref))
	}
	v, err := secret(ref)
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", fmt.Errorf("%s is empty", refString(ref))
	}
	return v, nil
}

// refString names where a referenced value lives, for messages.
func refString(ref spec.ValueRef) string {
	switch {
	case ref.SecretsManager != "" && ref.JSONField != "":
		return "Secrets Manager secret " + ref.SecretsManager + " (field " + ref.JSONField + ")"
	case ref.SecretsManager != "":
		return "Secrets Manager secret " + ref.SecretsManager
	case ref.SSM != "":
		return "SSM parameter " + ref.SSM
	}
	return "output " + ref.Output + " of stack " + ref.Stack
}

// Render produces one frontend file. The file extension picks the variant: aws-exports with .json
// is amplifyconfiguration.json content, amplify-config with .js is JavaScript (otherwise TypeScript).
func (c *Config) Render(format, file string) ([]byte, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(file, "\\", "/")))
	switch format {
	case FormatAWSExports:
		if ext == ".json" {
			return c.AmplifyConfigurationJSON()
		}
		return c.AWSExportsJS()
	case FormatAmplifyOutputs:
		return c.AmplifyOutputsJSON()
	case FormatAmplifyConfig:
		return c.amplifyConfigModule(ext != ".js" && ext != ".mjs", outputsImport(file, c.OutputsFile))
	}
	return nil, fmt.Errorf("unknown frontend format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Header is the first line of every generated JS/TS file.
func (c *Config) Header() string {
	return "// Code generated by underhood config from " + c.Source + ". DO NOT EDIT."
}

// outputsImport is the module specifier of amplify_outputs.json as seen from the module at file.
func outputsImport(file, outputs string) string {
	if outputs == "" {
		return "./amplify_outputs.json"
	}
	from := path.Dir(strings.ReplaceAll(file, "\\", "/"))
	to := strings.ReplaceAll(outputs, "\\", "/")
	rel, err := filepath.Rel(filepath.FromSlash(from), filepath.FromSlash(to))
	if err != nil {
		return "./" + path.Base(to)
	}
	rel = filepath.ToSlash(rel)
	if !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}

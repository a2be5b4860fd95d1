// Package amplify imports an Amplify Gen 1 project (the amplify/ folder amplify-cli keeps in a
// repository) into an underhood app spec, with a per-resource report of what was translated, what was
// approximated and how, what is out of scope, and how to retire the Amplify stack without losing data.
//
// It reads only the project's JSON files (backend-config.json, team-provider-info.json, each
// resource's cli-inputs.json or older parameters.json files, function templates); it never calls AWS
// and never writes into the project. The format is detected per resource: amplify-cli v7 and later
// keep cli-inputs.json, older versions parameters.json / api-params.json / storage-params.json, and
// one project may hold both.
//
// Env choice: Options.Env when given; else the env in amplify/.config/local-env-info.json when
// team-provider-info.json has it; else the only env of team-provider-info.json; several envs and no
// choice is an *EnvError listing them. A project without team-provider-info.json takes the env from
// amplify/backend/amplify-meta.json's root stack name, else "dev".
package amplify

import (
	"cmp"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Flags the report names for the ids the project files do not hold. The CLI command should use these
// names (Options carries their values).
const (
	FlagEnv              = "--env"
	FlagUserPoolID       = "--user-pool-id"
	FlagUserPoolClientID = "--user-pool-client-id"
	FlagIdentityPoolID   = "--identity-pool-id"
	FlagHostedUIDomain   = "--hosted-ui-domain"
	FlagExisting         = "--existing" // NAME=BUCKET_OR_TABLE, repeatable
	FlagStream           = "--stream"   // NAME=STREAM_ARN, repeatable
)

// Options tune an import.
type Options struct {
	// Env is the Amplify env (a key of team-provider-info.json) to import; see the package comment for
	// the rule when it is empty. The spec gets one stage named after it.
	Env string
	// SpecDir is the folder the app.yaml will be written to: function source folders in the spec are
	// relative to it. Empty means the project folder.
	SpecDir string
	// Ids of the env's existing Cognito resources, for a project whose files do not hold them (an
	// auth resource amplify-cli created, as opposed to an imported one). They override the files.
	// HostedUIDomain is the hosted UI's domain prefix or full host.
	UserPoolID, UserPoolClientID, IdentityPoolID, HostedUIDomain string
	// Existing maps a storage resource name to its bucket or table name, or an AppSync API resource
	// name to its API id, overriding what the files give (or supplying what they cannot).
	Existing map[string]string
	// Streams maps a table's storage resource name to the stream ARN of the existing table, so the
	// functions its stream invoked in Amplify are wired (the project files never hold it).
	Streams map[string]string
	// GraphQL and Analytics are what the deployed Amplify stack says about the AppSync APIs (by API
	// resource name) and the Pinpoint projects (analytics resource name to app id), for --from-stack.
	GraphQL   map[string]GraphQLIDs
	Analytics map[string]string
}

// Status says how a resource came across.
type Status string

const (
	// StatusTranslated: the spec says what the Amplify resource was.
	StatusTranslated Status = "translated"
	// StatusApproximated: in the spec, with differences its Notes explain.
	StatusApproximated Status = "approximated"
	// StatusOutOfScope: a category or service underhood does not cover; not in the spec.
	StatusOutOfScope Status = "out of scope"
	// StatusMissing: listed in backend-config.json but its folder is not in the project; not in the spec.
	StatusMissing Status = "missing"
)

// Resource is one entry of backend-config.json and what became of it.
type Resource struct {
	Category, Name string
	Service        string // backend-config.json's service: Cognito, API Gateway, S3, DynamoDB, Lambda, AppSync...
	Imported       bool   // serviceType imported: Amplify referenced it, another stack or person created it
	Status         Status
	// SpecPath is where the resource is in the spec (auth.userPool, storage.files, api.items,
	// functions.fn), "" when it is not.
	SpecPath string
	// Existing is the physical id the spec's stage references (user pool id, bucket or table name);
	// "" means underhood creates the resource anew.
	Existing string
	Notes    []string // how it was approximated, why it is out of scope, what to check
}

// RetireStep is one Amplify-managed stateful resource that must be retained before the Amplify stack
// is deleted.
type RetireStep struct {
	Resource   string   // category/name
	What       string   // user pool, DynamoDB table, ...
	LogicalIDs []string // in Amplify's template for the resource
	Legacy     bool     // a parameters.json resource (amplify-cli before v7): edit the template file
	Template   string   // the template to change (legacy), or the folder whose override.ts to write
	Override   []string // override.ts statements (cli-inputs.json resources)
	Done       bool     // already DeletionPolicy Retain in Amplify's template: nothing to do
	Why        string
}

// Result is an import's output.
type Result struct {
	Spec   []byte // the app.yaml text
	App    string // the spec's app name
	Env    string // the Amplify env
	Stage  string // the spec's stage: the env's name (made a valid stage name if it is not one)
	Region string // "" when the project does not say
	// StackName is the env's Amplify root stack (team-provider-info.json, or amplify-meta.json), ""
	// when the project does not say.
	StackName string
	// Resources: one per backend-config.json entry, sorted by category, name.
	Resources []Resource
	// Warnings are project-level findings the report prints first (a new user pool, missing ids).
	Warnings []string
	// Secrets lists the Secrets Manager secrets the spec references and the user must create.
	Secrets []Secret
	// Retire lists what to retain before deleting the Amplify stack.
	Retire []RetireStep
	// Sources lists the function source folders the spec names, relative to SpecDir (slash-separated).
	Sources []string
	// Project and EnvFrom describe the input for the report header.
	Project, EnvFrom string
	// Plan are the migration plan's steps after the first (retain, from Retire).
	Plan []PlanStep
	// SpecFile and ProjectArg are the spec's path and the project folder as the plan's commands name
	// them; the caller sets them (default app.yaml and .).
	SpecFile, ProjectArg string
}

// Secret is a Secrets Manager secret the spec references.
type Secret struct {
	Name string // secret name
	For  string // what it holds
	// provider: an identity provider's secret, read only when underhood creates the provider (on a
	// pool it creates).
	provider bool
}

// Import reads the Amplify Gen 1 project in projectDir (the folder holding amplify/) and translates
// the chosen env. Unreadable or malformed files are errors naming the file (and line and column for
// JSON); unsupported resources are never errors, they are reported.
func Import(projectDir string, opts Options) (*Result, error) {
	p, err := loadProject(projectDir, opts)
	if err != nil {
		return nil, err
	}
	specDir := opts.SpecDir
	if specDir == "" {
		specDir = projectDir
	}
	b := &builder{p: p, opts: opts, specDir: specDir}
	if err := b.run(); err != nil {
		return nil, err
	}
	return b.result()
}

// builder holds one import's state.
type builder struct {
	p       *project
	opts    Options
	specDir string

	app       string
	region    string
	resources []*Resource
	warnings  []string
	secrets   []Secret
	retire    []RetireStep

	fns       []*fnOut      // by Amplify name
	storages  []*storageOut // by Amplify name
	auth      *authOut
	apis      []*apiOut
	spa       *spaExports // the SPA's aws-exports.js; nil when absent or another env's
	graphql   []*graphQLOut
	analytics *analyticsOut
}

// ampResource is a resource of the project on its way into the spec, known by its Amplify name (a
// key of backend-config.json's category, so unique within its kind).
type ampResource interface{ ampName() string }

// byAmpName returns the resource of list with Amplify name amp, or nil.
func byAmpName[R ampResource](list []R, amp string) R {
	for _, r := range list {
		if r.ampName() == amp {
			return r
		}
	}
	var none R
	return none
}

func (b *builder) run() error {
	b.app = appName(b.p.projectName)
	b.region = b.p.aws.Region
	for _, r := range b.p.resources {
		res := &Resource{Category: r.Category, Name: r.Name, Service: r.Service, Imported: r.ServiceType == "imported", Status: StatusTranslated}
		b.resources = append(b.resources, res)
	}
	steps := []func() error{b.readSPA, b.readFunctions, b.readStorage, b.readAuth, b.readAPIs, b.readGraphQL, b.readAnalytics, b.finishStorage, b.outOfScope}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return b.finishFunctions()
}

// resource returns the report entry of a backend-config.json resource.
func (b *builder) resource(cat, name string) *Resource {
	for _, r := range b.resources {
		if r.Category == cat && r.Name == name {
			return r
		}
	}
	return nil
}

// refs returns the backend-config.json entries of a category.
func (b *builder) refs(cat string) []resourceRef {
	var out []resourceRef
	for _, r := range b.p.resources {
		if r.Category == cat {
			out = append(out, r)
		}
	}
	return out
}

// approx records a difference and marks the resource approximated.
func (r *Resource) approx(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
	if r.Status == StatusTranslated {
		r.Status = StatusApproximated
	}
}

// note records something to know that is not a difference.
func (r *Resource) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *Resource) outOfScope(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
	r.Status = StatusOutOfScope
}

// resourceDir is the folder of a backend-config.json resource, amplify/backend/<category>/<name>; ok
// is false, and res says so, when the project lacks it.
func (b *builder) resourceDir(ref resourceRef, res *Resource) (dir string, ok bool) {
	dir = "amplify/backend/" + ref.Category + "/" + ref.Name
	if !b.p.isDir(dir) {
		res.missing(dir)
		return dir, false
	}
	return dir, true
}

func (r *Resource) missing(dir string) {
	r.Notes = append(r.Notes, fmt.Sprintf("backend-config.json lists it, but its folder %s is not in the project: nothing to translate", dir))
	r.Status = StatusMissing
}

// outOfScope reports every resource of a category or service underhood does not cover.
func (b *builder) outOfScope() error {
	for _, r := range b.resources {
		if r.Status != StatusTranslated || r.SpecPath != "" {
			continue
		}
		switch {
		case r.Category == "api" && r.Service == "AppSync":
			r.outOfScope("AppSync GraphQL APIs are out of scope: underhood covers REST APIs (API Gateway). Its @model tables stay where they are; keep the API in Amplify or move it by hand")
		case r.Category == "hosting":
			r.outOfScope("hosting is out of scope: keep deploying the site with Amplify Hosting (or any static host); underhood config writes the frontend configuration")
		default:
			r.outOfScope("category %s (service %s) is out of scope: underhood covers auth, REST APIs, functions, S3 and DynamoDB", r.Category, cmp.Or(r.Service, "unknown"))
		}
	}
	return nil
}

func (b *builder) result() (*Result, error) {
	spec, err := b.render()
	if err != nil {
		return nil, err
	}
	b.dropUnusedSecrets()
	plan := b.plan()
	res := &Result{Spec: spec, App: b.app, Env: b.p.env, Stage: stageName(b.p.env), Region: b.region, StackName: b.p.aws.StackName, Warnings: b.warnings, Secrets: b.secrets, Retire: b.retire, Plan: plan,
		Project: cmp.Or(b.p.projectName, filepath.Base(b.p.dir)), EnvFrom: b.p.envFrom}
	for _, r := range b.resources {
		res.Resources = append(res.Resources, *r)
	}
	slices.SortStableFunc(res.Resources, func(a, c Resource) int {
		return cmp.Or(cmp.Compare(a.Category, c.Category), cmp.Compare(a.Name, c.Name))
	})
	for _, f := range b.fns {
		if f.inSpec() {
			res.Sources = append(res.Sources, f.source)
		}
	}
	slices.Sort(res.Sources)
	slices.SortStableFunc(res.Secrets, func(a, c Secret) int { return cmp.Compare(a.Name, c.Name) })
	rank := func(s RetireStep) int {
		if strings.HasPrefix(s.Resource, "auth/") {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(res.Retire, func(a, c RetireStep) int {
		return cmp.Or(rank(a)-rank(c), cmp.Compare(a.Resource, c.Resource))
	})
	return res, nil
}

// appName turns an Amplify project name into an underhood app name: lowercase letters, digits and
// hyphens, starting with a letter, at most 40 characters.
func appName(project string) string {
	var sb strings.Builder
	for _, c := range strings.ToLower(project) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			sb.WriteRune(c)
		default:
			sb.WriteByte('-')
		}
	}
	s := strings.Trim(collapseHyphens(sb.String()), "-")
	if s == "" {
		s = "app"
	}
	if s[0] < 'a' || s[0] > 'z' {
		s = "app-" + s
	}
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	return s
}

func collapseHyphens(s string) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return s
}

// stageName turns an Amplify env name into an underhood stage name.
func stageName(env string) string {
	s := appName(env)
	if len(s) > 20 {
		s = strings.TrimRight(s[:20], "-")
	}
	return s
}

// specName turns an Amplify resource name into an underhood name (letters and digits, starting with a
// letter, at most 64).
func specName(amplify string) string {
	var sb strings.Builder
	for _, c := range amplify {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			sb.WriteRune(c)
		}
	}
	s := sb.String()
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		s = "r" + s
	}
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// relSource is the source folder of an Amplify function relative to the spec's folder.
func (b *builder) relSource(fn string) (string, error) {
	abs, err := filepath.Abs(b.p.abs("amplify/backend/function/" + fn + "/src"))
	if err != nil {
		return "", err
	}
	dir, err := filepath.Abs(b.specDir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil {
		return "", fmt.Errorf("the function folder %s cannot be reached from the spec folder %s with a relative path: %w", abs, dir, err)
	}
	return filepath.ToSlash(rel), nil
}

// hostPattern is a domain prefix or a host name (no scheme, no path): what --hosted-ui-domain and the
// SPA's oauth.domain hold.
var hostPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$`)

// from formats a comment naming a project file and the field a value came from.
func from(file, field string) string {
	if field == "" {
		return file
	}
	return file + ": " + field
}

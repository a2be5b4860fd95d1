package amplify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/spec"
)

// What the app uses and underhood does not create: Amplify's AppSync GraphQL API and Pinpoint
// analytics stay in the Amplify stack; the spec references them (graphql, stages.<s>.existing), so
// underhood config keeps writing them for the SPA. Their ids come from the SPA's aws-exports.js, the
// project's files and --from-stack.

// GraphQLIDs is what the deployed Amplify stack says about one AppSync API (--from-stack).
type GraphQLIDs struct {
	APIID string // the AppSync API id
	// Stack is the nested stack of the API (amplify-<project>-<env>-<n>-api<name>-<id>), whose outputs
	// hold GraphQLAPIKeyOutput.
	Stack string
	// Endpoint is the stack's GraphQLAPIEndpointOutput, "" when not read.
	Endpoint string
}

// spaExports is the SPA's current aws-exports.js, read (never executed) when it belongs to the
// imported env.
type spaExports struct {
	file string
	v    map[string]json.RawMessage
}

// str is a top-level string value, "" when absent.
func (s *spaExports) str(key string) string {
	if s == nil {
		return ""
	}
	var v string
	_ = json.Unmarshal(s.v[key], &v)
	return v
}

func (s *spaExports) from(key string) string {
	if s == nil {
		return ""
	}
	return from(s.file, key)
}

// awsExportsFile is where amplify-cli writes the SPA's aws-exports.js (javascript.config.SourceDir).
func (p *project) awsExportsFile() string {
	dir := strings.Trim(path.Clean("/"+cmp.Or(p.sourceDir, "src")), "/")
	if dir == "" {
		return "aws-exports.js"
	}
	return dir + "/aws-exports.js"
}

// readSPA reads the SPA's aws-exports.js. amplify-cli writes it for the checked-out env
// (amplify/.config/local-env-info.json), so it is used only for that env, or when the project has one
// env and no checked-out env recorded.
func (b *builder) readSPA() error {
	if b.p.frontend != "javascript" {
		return nil
	}
	file := b.p.awsExportsFile()
	if !b.p.exists(file) {
		return nil
	}
	switch {
	case b.p.localEnv != "" && b.p.localEnv != b.p.env:
		b.warnings = append(b.warnings, fmt.Sprintf("%s is the configuration of env %s (the checked-out env in %s), not of env %s: its ids are not used. Check out env %s (amplify env checkout %s) and import again to use them.",
			file, b.p.localEnv, localEnvFile, b.p.env, b.p.env, b.p.env))
		return nil
	case b.p.localEnv == "" && b.p.envCount > 1:
		b.warnings = append(b.warnings, fmt.Sprintf("%s does not say which of the project's %d envs it configures (%s is not in the project): its ids are not used.", file, b.p.envCount, localEnvFile))
		return nil
	}
	data, err := b.p.read(file)
	if err != nil {
		return err
	}
	obj, err := emit.ParseAWSExports(data)
	if err != nil {
		b.warnings = append(b.warnings, fmt.Sprintf("%s cannot be read as Amplify's generated configuration (%v): its ids are not used.", file, err))
		return nil
	}
	s := &spaExports{file: file}
	if err := json.Unmarshal(obj, &s.v); err != nil {
		b.warnings = append(b.warnings, fmt.Sprintf("%s does not hold a configuration object: its ids are not used.", file))
		return nil
	}
	b.spa = s
	return nil
}

// graphQLOut is an AppSync API the spec references.
type graphQLOut struct {
	amp, name string
	res       *Resource // nil: only the SPA's aws-exports.js knows it
	modes     []string  // spec modes, the default first
	modesFrom string
	endpoint  string
	endFrom   string
	id        string
	idFrom    string
	key       *spec.ValueRef // api-key mode only
	keyFrom   string
}

func (q *graphQLOut) ampName() string { return q.amp }

// appSyncAuth is the authConfig amplify-cli keeps in backend-config.json's output of an AppSync API
// (securityType in the oldest projects).
type appSyncAuth struct {
	SecurityType string `json:"securityType"`
	AuthConfig   struct {
		Default struct {
			Type string `json:"authenticationType"`
		} `json:"defaultAuthentication"`
		Additional []struct {
			Type string `json:"authenticationType"`
		} `json:"additionalAuthenticationProviders"`
	} `json:"authConfig"`
}

// readGraphQL references the project's AppSync API (Amplify keeps it; underhood never builds one).
func (b *builder) readGraphQL() error {
	var backend map[string]map[string]struct {
		Service string      `json:"service"`
		Output  appSyncAuth `json:"output"`
	}
	if err := b.p.readJSON(backendConfigFile, &backend); err != nil {
		return err
	}
	var refs []resourceRef
	for _, r := range b.refs("api") {
		if r.Service == "AppSync" {
			refs = append(refs, r)
		}
	}
	spaEndpoint := b.spa.str("aws_appsync_graphqlEndpoint")
	if spaEndpoint == "" && len(refs) > 0 && b.opts.GraphQL[refs[0].Name].Endpoint != "" {
		spaEndpoint = b.opts.GraphQL[refs[0].Name].Endpoint
	}
	if len(refs) == 0 && spaEndpoint != "" {
		// The SPA talks to an AppSync API this project does not define (another project's, or one the
		// project's files at this commit do not list): reference it all the same.
		b.graphql = append(b.graphql, b.graphQLFromSPA("graphql", nil, nil))
		return nil
	}
	for i, ref := range refs {
		res := b.resource(ref.Category, ref.Name)
		auth := backend["api"][ref.Name].Output
		var types []string
		var typesFrom string
		switch {
		case auth.AuthConfig.Default.Type != "":
			types = append(types, auth.AuthConfig.Default.Type)
			for _, a := range auth.AuthConfig.Additional {
				types = append(types, a.Type)
			}
			typesFrom = from(backendConfigFile, "api."+ref.Name+".output.authConfig")
		case auth.SecurityType != "":
			types, typesFrom = []string{auth.SecurityType}, from(backendConfigFile, "api."+ref.Name+".output.securityType")
		}
		if i > 0 || spaEndpoint == "" {
			if i > 0 {
				res.outOfScope("a second AppSync API: the SPA's configuration holds one GraphQL endpoint (aws_appsync_graphqlEndpoint), that of %s; keep this one in Amplify and configure it by hand", refs[0].Name)
			} else {
				res.outOfScope("kept in Amplify (underhood does not build AppSync APIs), but its endpoint is not known: %s is not in the project (or not for env %s), so the spec cannot reference it and underhood config would not write it; import again with the SPA's aws-exports.js in place, or add graphql.%s and stages.%s.existing.graphql.%s by hand", b.p.awsExportsFile(), b.p.env, specName(ref.Name), stageName(b.p.env), specName(ref.Name))
			}
			continue
		}
		q := b.graphQLFromSPA(ref.Name, res, types)
		if typesFrom != "" {
			q.modesFrom = typesFrom
		}
		b.graphql = append(b.graphql, q)
	}
	return nil
}

// graphQLFromSPA builds the reference from the SPA's aws-exports.js and what the project knows.
func (b *builder) graphQLFromSPA(amp string, res *Resource, types []string) *graphQLOut {
	q := &graphQLOut{amp: amp, name: specName(amp), res: res,
		endpoint: b.spa.str("aws_appsync_graphqlEndpoint"), endFrom: b.spa.from("aws_appsync_graphqlEndpoint")}
	if e := b.opts.GraphQL[amp].Endpoint; q.endpoint == "" && e != "" {
		q.endpoint, q.endFrom = e, "output GraphQLAPIEndpointOutput of Amplify's API stack (--from-stack)"
	}
	note := func(format string, args ...any) {
		if res != nil {
			res.approx(format, args...)
		} else {
			b.warnings = append(b.warnings, fmt.Sprintf(format, args...))
		}
	}
	if len(types) == 0 {
		if t := b.spa.str("aws_appsync_authenticationType"); t != "" {
			types, q.modesFrom = []string{t}, b.spa.from("aws_appsync_authenticationType")+" (the default mode; the project's files do not list others)"
		}
	}
	for _, t := range types {
		m := spec.GraphQLMode(t)
		switch {
		case m == "":
			note("AppSync authentication type %s is not one underhood knows: left out of graphql.%s.authorization", t, q.name)
		case m == spec.GraphQLUserPool && b.auth == nil:
			note("its %s mode takes the tokens of a user pool the spec does not have: left out of graphql.%s.authorization", t, q.name)
		case m == spec.GraphQLIAM && (b.auth == nil || !b.auth.identityPool):
			note("its AWS_IAM mode takes identity pool credentials, and the spec has no identity pool: left out of graphql.%s.authorization (functions are granted access by their role all the same)", q.name)
		case !slices.Contains(q.modes, m):
			q.modes = append(q.modes, m)
		}
	}
	if len(q.modes) == 0 {
		q.modes, q.modesFrom = []string{spec.GraphQLIAM}, "no usable mode is known; iam assumed: check the API's settings in the AppSync console"
		if b.auth != nil && b.auth.identityPool {
			note("its authorization modes are not in the project files: the spec assumes iam; check the AppSync console")
		} else {
			q.modes = []string{spec.GraphQLAPIKey}
			note("its authorization modes are not in the project files: the spec assumes api-key; check the AppSync console")
		}
	}
	if r := b.spa.str("aws_appsync_region"); r != "" && b.region != "" && r != b.region {
		note("the SPA's aws_appsync_region is %s and the env's region %s: the spec writes the stage's region", r, b.region)
	}
	if ids, ok := b.opts.GraphQL[amp]; ok && ids.APIID != "" {
		q.id, q.idFrom = ids.APIID, "read from the deployed Amplify stack (AWS::AppSync::GraphQLApi)"
	}
	if v, ok := b.opts.Existing[amp]; ok && v != "" {
		q.id, q.idFrom = v, "given with "+FlagExisting+" "+amp+"="+v
	}
	if slices.Contains(q.modes, spec.GraphQLAPIKey) {
		switch ids := b.opts.GraphQL[amp]; {
		case ids.Stack != "":
			q.key = &spec.ValueRef{Stack: ids.Stack, Output: "GraphQLAPIKeyOutput"}
			q.keyFrom = "Amplify's API stack outputs the key; underhood config reads it there (never the spec)"
		default:
			name := b.app + "/" + b.p.env + "/graphql-api-key"
			q.key = &spec.ValueRef{SecretsManager: name}
			q.keyFrom = "underhood config reads the key from this secret; create it (see SECRETS TO CREATE), or import with --from-stack to read it from Amplify's API stack"
			what := "the GraphQL API key: the value of aws_appsync_apiKey in " + b.p.awsExportsFile()
			if b.spa.str("aws_appsync_apiKey") == "" {
				what = "the GraphQL API key (the AppSync console, API settings)"
			}
			b.secrets = append(b.secrets, Secret{Name: name, For: what + "; it expires, so rotate it here when Amplify's does"})
		}
	}
	if res != nil {
		res.SpecPath = "graphql." + q.name
		res.Existing = q.endpoint
		res.note("kept in Amplify: underhood does not build AppSync APIs. The spec references it (graphql.%s), so underhood config writes its endpoint for the SPA and functions keep their grants; its schema, resolvers and @model tables stay in the Amplify stack, which must stay deployed while the API is used", q.name)
	}
	return q
}

func (q *graphQLOut) node() *yaml.Node {
	m := newFlowMap()
	m.add("authorization", flowList(q.modes...), "")
	return m.n
}

func (q *graphQLOut) existingNode() *yaml.Node {
	m := newMap()
	if q.id != "" {
		m.add("id", str(q.id), q.idFrom)
	}
	m.add("endpoint", str(q.endpoint), q.endFrom)
	if k := q.key; k != nil {
		r := newFlowMap()
		if k.Stack != "" {
			r.add("stack", str(k.Stack), "")
			r.add("output", str(k.Output), "")
		} else {
			r.add("secretsManager", str(k.SecretsManager), "")
		}
		m.add("apiKey", r.n, q.keyFrom)
	}
	return m.n
}

// analyticsOut is the Pinpoint project the SPA reports to.
type analyticsOut struct {
	res                   *Resource
	appID, region, idFrom string
}

// readAnalytics references the project's Pinpoint analytics (kept in Amplify).
func (b *builder) readAnalytics() error {
	var refs []resourceRef
	for _, r := range b.refs("analytics") {
		if r.Service == "Pinpoint" {
			refs = append(refs, r)
		}
	}
	appID, region := b.spa.str("aws_mobile_analytics_app_id"), b.spa.str("aws_mobile_analytics_app_region")
	idFrom := b.spa.from("aws_mobile_analytics_app_id")
	for _, r := range slices.Sorted(maps.Keys(b.opts.Analytics)) {
		if len(refs) > 0 && r == refs[0].Name && b.opts.Analytics[r] != "" {
			appID, idFrom = b.opts.Analytics[r], "read from the deployed Amplify stack (AWS::Pinpoint::App)"
		}
	}
	if len(refs) == 0 {
		if appID != "" {
			b.analytics = &analyticsOut{appID: appID, region: region, idFrom: idFrom}
		}
		return nil
	}
	for i, ref := range refs {
		res := b.resource(ref.Category, ref.Name)
		if i > 0 {
			res.outOfScope("a second Pinpoint project: the SPA's configuration holds one (aws_mobile_analytics_app_id), that of %s", refs[0].Name)
			continue
		}
		if appID == "" {
			res.outOfScope("kept in Amplify, but its Pinpoint app id is not known (%s is not in the project, and no --from-stack): add stages.%s.existing.analytics: { appId } by hand so underhood config keeps writing it", b.p.awsExportsFile(), stageName(b.p.env))
			continue
		}
		res.SpecPath = "stages." + stageName(b.p.env) + ".existing.analytics"
		res.Existing = appID
		res.note("kept in Amplify: underhood does not build Pinpoint projects. The spec references it, so underhood config writes its id for the SPA; the Amplify stack that holds it (and the identity pool roles' mobiletargeting permissions, which underhood's roles do not have) must stay while the app sends analytics")
		b.analytics = &analyticsOut{res: res, appID: appID, region: region, idFrom: idFrom}
	}
	return nil
}

func (a *analyticsOut) node(b *builder) *yaml.Node {
	m := newFlowMap()
	m.add("appId", str(a.appID), "")
	if a.region != "" && a.region != b.region {
		m.add("region", str(a.region), "")
	}
	return m.n
}

// spaID is an id from the SPA's aws-exports.js, and where it came from, for a value the project files
// and the options leave empty.
func (b *builder) spaID(key string) (string, string) {
	v := b.spa.str(key)
	if v == "" {
		return "", ""
	}
	return v, b.spa.from(key) + " (the SPA's configuration for this env)"
}

// spaOAuthDomain is the hosted UI domain in the SPA's aws-exports.js.
func (b *builder) spaOAuthDomain() (string, string) {
	if b.spa == nil {
		return "", ""
	}
	var oauth struct {
		Domain string `json:"domain"`
	}
	_ = json.Unmarshal(b.spa.v["oauth"], &oauth)
	if oauth.Domain == "" {
		return "", ""
	}
	return oauth.Domain, b.spa.from("oauth.domain")
}

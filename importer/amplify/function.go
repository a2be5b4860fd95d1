package amplify

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/spec"
)

// fnOut is one Amplify function on its way into the spec.
type fnOut struct {
	amp, name string // Amplify resource name, spec name
	res       *Resource
	dir       string // amplify/backend/function/<name>
	tmplFile  string

	runtime, runtimeFrom string // go, nodejs, python; "" = not in the spec
	amplifyRuntime       string // the template's Runtime, e.g. nodejs14.x
	handler, handlerFrom string // "" = the spec's default
	source               string
	memory               int
	memoryFrom           string
	timeout              int
	timeoutFrom          string

	envVars  map[string]json.RawMessage // the template's Environment.Variables
	params   map[string]json.RawMessage // parameters.json
	fnParams fnParams

	env    []kv
	access map[string]grant // by spec storage name

	schedule, scheduleFrom string
	secrets                []secretOut
	streams                []streamRef // the template's event source mappings
	events                 []eventOut
	policies               []policyStatement // the template's IAM statements (AWS::IAM::Policy resources)
	// cognito are the user pool actions the function gets (access.userPool), and where they came from.
	cognito     []string
	cognitoFrom []string
	// graphql are the GraphQL types it may call per API resource name (access.<api>).
	graphql map[string]grant
	// hand are the statements the spec cannot express, for the team to add to the function's role.
	hand []handPolicy
}

// secretOut is an Amplify function secret: an SSM parameter whose path the function gets in env.
type secretOut struct{ env, param, from string }

// streamRef is an AWS::Lambda::EventSourceMapping of the function's template.
type streamRef struct {
	table       string // Amplify storage resource name; "" when the stream is not a storage table's
	what        string // the EventSourceArn, for the report
	batch       int
	start, from string
}

// eventOut is one entry of the function's events.
type eventOut struct {
	dynamodb, s3 string // spec storage names
	on           []string
	from         string
}

// policyStatement is one Allow statement of a function template's IAM policy.
type policyStatement struct {
	policy   string // the policy's logical id
	actions  []string
	resource json.RawMessage
}

// handPolicy is IAM the spec cannot express, as a statement to add to the function's role by hand.
type handPolicy struct {
	Statement string // JSON, with the ids known to the import filled in
	Why       string
}

type kv struct{ key, value, from string }

type grant struct {
	actions []string
	from    string
}

func (f *fnOut) inSpec() bool { return f != nil && f.runtime != "" }

type fnParams struct {
	Permissions  map[string]map[string]strList `json:"permissions"`
	LambdaLayers []json.RawMessage             `json:"lambdaLayers"`
	SecretNames  []string                      `json:"secretNames"`
}

// lambdaTemplate is the part of a function's CloudFormation template the import reads.
type lambdaTemplate struct {
	Parameters map[string]struct {
		Default json.RawMessage `json:"Default"`
	} `json:"Parameters"`
	Resources map[string]struct {
		Type       string           `json:"Type"`
		Properties lambdaProperties `json:"Properties"`
	} `json:"Resources"`
}

// lambdaProperties are the properties the import reads of the template's resources.
type lambdaProperties struct {
	// AWS::Lambda::EventSourceMapping
	EventSourceArn   json.RawMessage `json:"EventSourceArn"`
	BatchSize        flexInt         `json:"BatchSize"`
	StartingPosition string          `json:"StartingPosition"`

	PolicyDocument struct {
		Statement []struct {
			Effect   string          `json:"Effect"`
			Action   strList         `json:"Action"`
			Resource json.RawMessage `json:"Resource"`
		} `json:"Statement"`
	} `json:"PolicyDocument"`
	Runtime     json.RawMessage `json:"Runtime"`
	Handler     json.RawMessage `json:"Handler"`
	Timeout     json.RawMessage `json:"Timeout"`
	MemorySize  json.RawMessage `json:"MemorySize"`
	Environment struct {
		Variables map[string]json.RawMessage `json:"Variables"`
	} `json:"Environment"`
}

// readFunctions reads every Lambda function (runtime, handler, source, timeout, memory); environment
// and access come later, once storage and auth are known.
func (b *builder) readFunctions() error {
	for _, ref := range b.refs("function") {
		res := b.resource(ref.Category, ref.Name)
		switch ref.Service {
		case "Lambda":
			if err := b.readFunction(ref, res); err != nil {
				return err
			}
		case "LambdaLayer":
			res.outOfScope("Lambda layers are out of scope: put the layer's code into each function's source folder")
		}
	}
	return nil
}

// readFunction reads one function's folder, one setting after the other (in the order the report
// lists what each approximates).
func (b *builder) readFunction(ref resourceRef, res *Resource) error {
	dir, ok := b.resourceDir(ref, res)
	f := &fnOut{amp: ref.Name, name: specName(ref.Name), res: res, dir: dir, access: map[string]grant{}, graphql: map[string]grant{}}
	b.fns = append(b.fns, f)
	if !ok {
		return nil
	}
	if f.name != ref.Name {
		res.approx("named %s in the spec: underhood names are letters and digits", f.name)
	}
	fl, err := b.readFunctionFiles(f)
	if err != nil {
		return err
	}
	if !f.readRuntime(fl) {
		return nil
	}
	if !fl.hasTmpl {
		res.approx("%s is not in the project: handler, timeout and environment are underhood's defaults", f.tmplFile)
	}
	f.readHandler(fl)
	if err := b.readSource(f); err != nil {
		return err
	}
	f.readLimits(fl)
	res.SpecPath = "functions." + f.name
	if len(f.fnParams.LambdaLayers) > 0 {
		res.approx("it uses %d Lambda layer(s) (function-parameters.json lambdaLayers): underhood has no layers; put their code into the source folder", len(f.fnParams.LambdaLayers))
	}
	b.functionSecrets(f)
	b.readSchedule(f, fl.tmpl)
	for _, id := range slices.Sorted(maps.Keys(fl.tmpl.Resources)) {
		if r := fl.tmpl.Resources[id]; r.Type == "AWS::Lambda::EventSourceMapping" {
			f.streams = append(f.streams, b.streamRef(f, id, r.Properties.EventSourceArn, r.Properties.BatchSize, r.Properties.StartingPosition))
		}
	}
	return b.readCustomPolicies(f)
}

// fnFiles is what a function's folder says about it besides its code and parameters.
type fnFiles struct {
	stateFile    string
	stateRuntime string // amplify.state functionRuntime: the runtime family
	tmpl         lambdaTemplate
	hasTmpl      bool
	props        lambdaProperties // the template's AWS::Lambda::Function
	propPath     string           // "Resources.<its logical id>.Properties."
}

// readFunctionFiles reads amplify.state, the function's CloudFormation template (its function and IAM
// statements), parameters.json and function-parameters.json.
func (b *builder) readFunctionFiles(f *fnOut) (*fnFiles, error) {
	fl := &fnFiles{stateFile: f.dir + "/amplify.state"}
	var state struct {
		FunctionRuntime string `json:"functionRuntime"`
	}
	if _, err := b.p.readOptionalJSON(fl.stateFile, &state); err != nil {
		return nil, err
	}
	fl.stateRuntime = state.FunctionRuntime
	f.tmplFile = f.dir + "/" + f.amp + "-cloudformation-template.json"
	var err error
	if fl.hasTmpl, err = b.p.readOptionalJSON(f.tmplFile, &fl.tmpl); err != nil {
		return nil, err
	}
	logical := ""
	for _, id := range slices.Sorted(maps.Keys(fl.tmpl.Resources)) {
		if fl.tmpl.Resources[id].Type == "AWS::Lambda::Function" {
			logical = id
			break
		}
	}
	f.policies = fl.tmpl.allowStatements()
	fl.props, fl.propPath = fl.tmpl.Resources[logical].Properties, "Resources."+logical+".Properties."
	f.amplifyRuntime, _ = rawString(fl.props.Runtime)
	if _, err := b.p.readOptionalJSON(f.dir+"/parameters.json", &f.params); err != nil {
		return nil, err
	}
	if _, err := b.p.readOptionalJSON(f.dir+"/function-parameters.json", &f.fnParams); err != nil {
		return nil, err
	}
	f.envVars = fl.props.Environment.Variables
	return fl, nil
}

// allowStatements are the Allow statements of the template's IAM policies.
func (t *lambdaTemplate) allowStatements() []policyStatement {
	var out []policyStatement
	for _, id := range slices.Sorted(maps.Keys(t.Resources)) {
		r := t.Resources[id]
		if r.Type != "AWS::IAM::Policy" {
			continue
		}
		for _, st := range r.Properties.PolicyDocument.Statement {
			if st.Effect == "Allow" {
				out = append(out, policyStatement{policy: id, actions: st.Action.items(), resource: st.Resource})
			}
		}
	}
	return out
}

// readRuntime reads the runtime: amplify.state names the runtime family, the template has the version.
// It is false for a runtime underhood does not build, which leaves the function out of the spec.
func (f *fnOut) readRuntime(fl *fnFiles) bool {
	family := fl.stateRuntime
	f.runtimeFrom = from(fl.stateFile, "functionRuntime")
	if family == "" {
		family, f.runtimeFrom = runtimeFamily(f.amplifyRuntime), from(f.tmplFile, fl.propPath+"Runtime")
	}
	switch {
	case family == "nodejs", family == "python", family == "go":
		f.runtime = family
	case family == "java" || strings.HasPrefix(family, "dotnet"):
		f.res.outOfScope("runtime %s is out of scope: underhood builds go, nodejs and python functions", family)
		return false
	case family == "":
		f.runtime, f.runtimeFrom = "nodejs", "assumed: neither amplify.state nor the template names the runtime"
		f.res.approx("the runtime is not in the project files; the spec assumes nodejs")
	default:
		f.res.outOfScope("runtime %q is out of scope: underhood builds go, nodejs and python functions", family)
		return false
	}
	if f.amplifyRuntime != "" {
		f.runtimeFrom += "; Amplify ran " + f.amplifyRuntime + " on x86_64, underhood runs " + underhoodRuntime(f.runtime) + " on arm64"
	}
	return true
}

// readHandler keeps a handler other than the spec's default; a Go function gets underhood's.
func (f *fnOut) readHandler(fl *fnFiles) {
	handler, _ := rawString(fl.props.Handler)
	switch {
	case f.runtime == "go":
		if handler != "" {
			f.res.note("Amplify's Go handler %q is replaced by underhood's: it compiles src for provided.al2023 (the binary is bootstrap)", handler)
		}
	case handler != "" && handler != "index.handler":
		f.handler, f.handlerFrom = handler, from(f.tmplFile, fl.propPath+"Handler")
	}
}

// readSource points the spec at the function's code, src in its folder.
func (b *builder) readSource(f *fnOut) error {
	src, err := b.relSource(f.amp)
	if err != nil {
		return err
	}
	f.source = src
	if !b.p.isDir(f.dir + "/src") {
		f.res.note("%s/src is not in the project (it holds the function's code); create it or point source at the code", f.dir)
	}
	return nil
}

// readLimits reads memory and timeout; a value Lambda would refuse leaves Lambda's default.
func (f *fnOut) readLimits(fl *fnFiles) {
	f.memory, f.memoryFrom = awsrules.LambdaMemoryDefault, from(f.tmplFile, fl.propPath+"MemorySize is not set: Lambda's default 128 MB")
	if m, ok := rawString(fl.props.MemorySize); ok {
		if n, err := strconv.Atoi(m); err == nil && n >= awsrules.LambdaMemoryLowest && n <= awsrules.LambdaMemoryHighest {
			f.memory, f.memoryFrom = n, from(f.tmplFile, fl.propPath+"MemorySize")
		}
	}
	f.timeout, f.timeoutFrom = awsrules.LambdaTimeoutDefault, from(f.tmplFile, fl.propPath+"Timeout is not set: Lambda's default 3 seconds")
	if t, ok := rawString(fl.props.Timeout); ok {
		if n, err := strconv.Atoi(t); err == nil && n >= awsrules.LambdaTimeoutLowest && n <= awsrules.LambdaTimeoutHighest {
			f.timeout, f.timeoutFrom = n, from(f.tmplFile, fl.propPath+"Timeout")
		}
	}
}

// readSchedule reads Amplify's CloudWatchRule (an EventBridge rule invoking the function): the
// parameter, else the template's default.
func (b *builder) readSchedule(f *fnOut, tmpl lambdaTemplate) {
	rule, ruleFrom := b.fnParam(f, "CloudWatchRule")
	if def, ok := rawString(tmpl.Parameters["CloudWatchRule"].Default); ok && ruleFrom == "" {
		rule, ruleFrom = def, from(f.tmplFile, "Parameters.CloudWatchRule.Default")
	}
	if rule == "" || strings.EqualFold(rule, "NONE") {
		return
	}
	if norm, problem := spec.CheckSchedule(rule); problem != "" {
		f.res.approx("its schedule is not in the spec (%s): %s; fix it and add schedule: to the function", ruleFrom, problem)
	} else {
		f.schedule, f.scheduleFrom = norm, ruleFrom+" (Amplify's CloudWatchRule: an EventBridge rule invoking the function)"
	}
}

// readCustomPolicies reports custom-policies.json's statements, which the spec cannot express.
func (b *builder) readCustomPolicies(f *fnOut) error {
	var policies []struct {
		Action   strList         `json:"Action"`
		Resource json.RawMessage `json:"Resource"`
	}
	if _, err := b.p.readOptionalJSON(f.dir+"/custom-policies.json", &policies); err != nil {
		return err
	}
	var actions []string
	for _, pol := range policies {
		actions = append(actions, pol.Action.items()...)
	}
	if len(actions) > 0 {
		f.res.approx("custom-policies.json grants %s: the spec has no custom IAM statements; grant them outside underhood", strings.Join(actions, ", "))
	}
	return nil
}

// functionSecrets turns function-parameters.json secretNames into secrets: Gen 1 keeps each in SSM
// Parameter Store at /amplify/<appId>/<env>/AMPLIFY_<function>_<NAME> (a SecureString under the AWS
// managed key) and gives the function that path in the variable NAME.
func (b *builder) functionSecrets(f *fnOut) {
	if len(f.fnParams.SecretNames) == 0 {
		return
	}
	appID, appFrom := b.fnParam(f, "secretsPathAmplifyAppId")
	if appID == "" && b.p.aws.AmplifyAppID != "" {
		appID, appFrom = b.p.aws.AmplifyAppID, b.p.awsFrom+".AmplifyAppId"
	}
	file := f.dir + "/function-parameters.json"
	for _, name := range f.fnParams.SecretNames {
		switch {
		case appID == "":
			f.res.approx("its secret %s (SSM parameter /amplify/<appId>/%s/AMPLIFY_%s_%s) is not in the spec: the Amplify app id is not in the project files (team-provider-info.json awscloudformation.AmplifyAppId); add secrets: { %s: { ssmParameter: PATH } } by hand", name, b.p.env, f.amp, name, name)
		case !envName.MatchString(name) || strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "UNDERHOOD_") || strings.HasPrefix(name, "STORAGE_"):
			f.res.approx("its secret %s is not in the spec: %s cannot be an underhood environment variable name; add it under another name by hand", name, name)
		default:
			param := "/amplify/" + appID + "/" + b.p.env + "/AMPLIFY_" + f.amp + "_" + name
			f.secrets = append(f.secrets, secretOut{name, param, from(file, "secretNames "+name) + "; Amplify's path: /amplify/<app id " + appFrom + ">/<env>/AMPLIFY_<function>_<NAME>"})
		}
	}
	if len(f.secrets) > 0 {
		f.res.note("its secrets stay where amplify-cli put them (SSM Parameter Store, outside the Amplify stack); amplify env remove and amplify delete remove them, so keep the env until the secrets have moved")
	}
}

// envName is the spec's rule for environment variable names.
var envName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)

// streamRef reads an event source mapping of the function's template: a storage table's stream is
// Ref storage<table>StreamArn, an AppSync model's an Fn::ImportValue of the API's export.
func (b *builder) streamRef(f *fnOut, id string, arn json.RawMessage, batch flexInt, start string) streamRef {
	r := streamRef{what: strings.TrimSpace(string(arn)), start: start, from: from(f.tmplFile, "Resources."+id)}
	if batch.set {
		r.batch = batch.n
	}
	var ref struct {
		Ref string `json:"Ref"`
	}
	if json.Unmarshal(arn, &ref) == nil && strings.HasPrefix(ref.Ref, "storage") && strings.HasSuffix(ref.Ref, "StreamArn") {
		r.table = strings.TrimSuffix(strings.TrimPrefix(ref.Ref, "storage"), "StreamArn")
	}
	return r
}

// runtimeFamily maps a Lambda runtime identifier to Amplify's runtime family.
func runtimeFamily(rt string) string {
	switch {
	case strings.HasPrefix(rt, "nodejs"):
		return "nodejs"
	case strings.HasPrefix(rt, "python"):
		return "python"
	case rt == "go1.x":
		return "go"
	case strings.HasPrefix(rt, "java"):
		return "java"
	case strings.HasPrefix(rt, "dotnet"):
		return "dotnet"
	}
	return rt
}

func underhoodRuntime(family string) string {
	switch family {
	case "nodejs":
		return "nodejs22.x"
	case "python":
		return "python3.13"
	}
	return "provided.al2023"
}

// fnParam resolves a function template parameter: the env's team-provider-info.json value, else the
// function's parameters.json. It returns the value and where it came from.
func (b *builder) fnParam(f *fnOut, name string) (string, string) {
	if v, ok := b.p.param("function", f.amp, name); ok {
		return v, b.p.tpiPath("function", f.amp, name)
	}
	if raw, ok := f.params[name]; ok {
		if v, ok := rawString(raw); ok {
			return v, from(f.dir+"/parameters.json", name)
		}
	}
	return "", ""
}

// fn returns the function with Amplify name amp, or nil.
func (b *builder) fn(amp string) *fnOut { return byAmpName(b.fns, amp) }

func (f *fnOut) ampName() string { return f.amp }

// finishFunctions works out each function's environment and storage access, which need the storage,
// auth and existing ids.
func (b *builder) finishFunctions() error {
	for _, f := range b.fns {
		if !f.inSpec() {
			continue
		}
		b.functionAccess(f)
		b.functionEnv(f)
		b.functionEvents(f)
	}
	b.unwiredTriggers()
	return nil
}

// functionEvents wires what invoked the function in Amplify: S3 notifications of a bucket whose
// triggerFunction it is, and the streams of the tables its template maps (or whose triggerFunctions
// list it).
func (b *builder) functionEvents(f *fnOut) {
	for _, s := range b.storages {
		if s.inSpec() && s.kind == "s3" && s.trigger == f.amp {
			f.events = append(f.events, eventOut{s3: s.name, on: []string{"created", "removed"},
				from: from(s.triggerFile, "triggerFunction") + " (Amplify's bucket invoked it on s3:ObjectCreated:* and s3:ObjectRemoved:*)"})
			if s.physical != "" {
				s.res.approx("its objects invoke function %s (functions.%s.events): the stack lets S3 invoke it, but the existing bucket's notification configuration still names Amplify's function; after deploying, set it once from the stack output %s (aws s3api put-bucket-notification-configuration; underhood explain prints the command)", f.amp, f.name, spec.OutputBucketNotifications(s.name))
			} else {
				s.res.note("its objects invoke function %s (functions.%s.events); a bucket with events gets a name underhood computes (%s-<account>-<region>)", f.amp, f.name, spec.EventBucketPrefix(b.app, stageName(b.p.env), s.name))
			}
		}
	}
	streams := slices.Clone(f.streams)
	for _, s := range b.storages {
		if s.kind == "dynamodb" && slices.Contains(s.triggerFns, f.amp) && !slices.ContainsFunc(streams, func(r streamRef) bool { return r.table == s.amp }) {
			streams = append(streams, streamRef{table: s.amp, from: from(s.dir+"/cli-inputs.json", "triggerFunctions")})
		}
	}
	for _, r := range streams {
		s := b.storage(r.table)
		switch {
		case r.table == "" && strings.Contains(r.what, "Fn::ImportValue"):
			f.res.approx("the stream of an AppSync @model table invoked it (%s): AppSync is out of scope, so nothing invokes it in the spec", r.from)
			continue
		case r.table == "" || s == nil:
			f.res.approx("an event source mapping invoked it (%s, EventSourceArn %s): not a stream of the project's storage, so nothing invokes it in the spec", r.from, r.what)
			continue
		case !s.inSpec() || s.kind != "dynamodb":
			f.res.approx("the stream of table %s invoked it (%s), but the table is not in the spec: nothing invokes it", r.table, r.from)
			continue
		case s.stream == "":
			f.res.approx("the stream of imported table %s invoked it (%s): the project files do not say the table streams; add stream: to storage.%s, its stream ARN under existing.streams and events: [{ dynamodb: %s }] by hand", r.table, r.from, s.name, s.name)
			continue
		case s.physical != "" && s.streamArn == "":
			f.res.approx("the stream of table %s invoked it (%s), but an existing table's stream ARN is not in the project files: import again with %s %s=ARN (aws dynamodb describe-table --table-name %s --query Table.LatestStreamArn) to wire it", r.table, r.from, FlagStream, s.amp, s.physical)
			continue
		}
		if (r.batch != 0 && r.batch != 100) || (r.start != "" && r.start != "LATEST") {
			f.res.approx("Amplify's mapping of table %s read batches of %d from %s; underhood's reads batches of 100 from LATEST", r.table, r.batch, r.start)
		}
		f.events = append(f.events, eventOut{dynamodb: s.name, from: r.from + " (the table's stream invoked it)"})
	}
}

// unwiredTriggers reports trigger functions named by storage that are not in the spec.
func (b *builder) unwiredTriggers() {
	for _, s := range b.storages {
		if !s.inSpec() {
			continue
		}
		if s.kind == "s3" && s.trigger != "" && !b.fn(s.trigger).inSpec() {
			s.res.approx("its Lambda trigger %s is not in the spec (see its entry): nothing is notified of its objects", s.trigger)
		}
		for _, fn := range s.triggerFns {
			if !b.fn(fn).inSpec() {
				s.res.approx("its stream trigger %s is not in the spec (see its entry): nothing processes its stream", fn)
			}
		}
	}
}

// crudActions maps Amplify's create/read/update/delete to underhood's read/write/delete.
func crudActions(ops []string) []string {
	return accessActions(ops, crudAction, func(op string) string { return strings.ToLower(strings.TrimSpace(op)) })
}

// crudAction is underhood's action for each of Amplify's function permission operations, lower case.
var crudAction = map[string]string{
	"create": "write", "update": "write", "create_and_update": "write", "create/update": "write",
	"read":   "read",
	"delete": "delete",
}

// accessActions maps each item of list, normalized, to underhood's action with table (unknown items to
// none), and returns those actions once each, in the order read, write, delete.
func accessActions(list []string, table map[string]string, normalize func(string) string) []string {
	set := map[string]bool{}
	for _, item := range list {
		set[table[normalize(item)]] = true
	}
	var out []string
	for _, a := range []string{"read", "write", "delete"} {
		if set[a] {
			out = append(out, a)
		}
	}
	return out
}

func (b *builder) functionAccess(f *fnOut) {
	file := f.dir + "/function-parameters.json"
	perms := f.fnParams.Permissions
	for _, cat := range slices.Sorted(maps.Keys(perms)) {
		for _, name := range slices.Sorted(maps.Keys(perms[cat])) {
			ops := perms[cat][name].items()
			field := "permissions." + cat + "." + name
			switch {
			case cat == "storage" && strings.Contains(name, ":@model("):
				f.res.approx("%s (%s) is an AppSync @model table: AppSync is out of scope, so the spec grants nothing on it", name, strings.Join(ops, ", "))
			case cat == "storage":
				s := b.storage(name)
				if s == nil || !s.inSpec() {
					f.res.approx("storage %s (%s) is not in the spec: no grant", name, strings.Join(ops, ", "))
					continue
				}
				acts := crudActions(ops)
				if len(acts) == 0 {
					continue
				}
				f.access[s.name] = grant{actions: acts, from: from(file, field+" ["+strings.Join(ops, ", ")+"]")}
			case cat == "auth":
				if !b.hasCognitoStatement(f) {
					f.res.approx("it may %s the user pool (%s: %s), and its template has no cognito-idp statement saying which actions that was: the spec grants none; list them under access.userPool", strings.Join(ops, "/"), file, field)
				}
			case cat == "api":
				b.functionGraphQLParam(f, name, ops, from(file, field))
			default:
				f.res.approx("its %s permissions on %s (%s) are not expressible in the spec", cat, name, strings.Join(ops, ", "))
			}
		}
	}
	b.functionPolicies(f)
	// An S3 trigger's role may read, write and delete every object of its bucket (Amplify's
	// S3TriggerBucketPolicy).
	for _, s := range b.storages {
		if s.inSpec() && s.trigger == f.amp {
			if _, ok := f.access[s.name]; !ok {
				f.access[s.name] = grant{actions: []string{"read", "write", "delete"}, from: "the S3 trigger of storage " + s.amp + ": Amplify grants it s3:PutObject, GetObject, ListBucket and DeleteObject on the bucket"}
			}
		}
	}
}

// node renders the function.
func (f *fnOut) node() *yaml.Node {
	m := newMap()
	m.add("runtime", str(f.runtime), f.runtimeFrom)
	m.add("source", str(f.source), "the function's folder; amplify-cli built it from here (the code is not read by the import)")
	if f.handler != "" {
		m.add("handler", str(f.handler), f.handlerFrom)
	}
	m.add("memory", num(f.memory), f.memoryFrom)
	m.add("timeout", str(strconv.Itoa(f.timeout)+"s"), f.timeoutFrom)
	if len(f.env) > 0 {
		env := newMap()
		for _, e := range f.env {
			env.add(e.key, str(e.value), e.from)
		}
		m.add("environment", env.n, "")
	}
	if len(f.access)+len(f.cognito)+len(f.graphql) > 0 {
		acc := newMap()
		for _, s := range slices.Sorted(maps.Keys(f.access)) {
			g := f.access[s]
			acc.add(s, flowList(g.actions...), g.from)
		}
		for _, amp := range slices.Sorted(maps.Keys(f.graphql)) {
			g := f.graphql[amp]
			acc.add(specName(amp), flowList(g.actions...), g.from)
		}
		if len(f.cognito) > 0 {
			acc.add(spec.UserPoolAccessKey, flowList(f.cognito...), strings.Join(f.cognitoFrom, "; "))
		}
		m.add("access", acc.n, "what the function may do (underhood sets Gen 1's STORAGE_, AUTH_ and API_ variables for each, as Amplify did)")
	}
	if f.schedule != "" {
		m.add("schedule", str(f.schedule), f.scheduleFrom)
	}
	if len(f.secrets) > 0 {
		sec := newMap()
		for _, s := range f.secrets {
			ref := newFlowMap()
			ref.add("ssmParameter", str(s.param), "")
			sec.add(s.env, ref.n, s.from)
		}
		m.add("secrets", sec.n, "the function gets each parameter's path in the variable, as in Amplify, and may read exactly that parameter")
	}
	if len(f.events) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range f.events {
			ev := newFlowMap()
			if e.dynamodb != "" {
				ev.add("dynamodb", str(e.dynamodb), "")
			} else {
				ev.add("s3", str(e.s3), "")
				ev.add("on", flowList(e.on...), "")
			}
			ev.n.LineComment = e.from
			seq.Content = append(seq.Content, ev.n)
		}
		m.add("events", seq, "what else invoked the function in Amplify")
	}
	return m.n
}

func hasString(list []string, s string) bool { return slices.Contains(list, s) }

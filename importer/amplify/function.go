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
		Type       string `json:"Type"`
		Properties struct {
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
		} `json:"Properties"`
	} `json:"Resources"`
}

// readFunctions reads every Lambda function (runtime, handler, source, timeout, memory); environment
// and access come later, once storage and auth are known.
func (b *builder) readFunctions() error {
	for _, ref := range b.refs("function") {
		res := b.resource(ref.Category, ref.Name)
		if ref.Service != "Lambda" {
			if ref.Service == "LambdaLayer" {
				res.outOfScope("Lambda layers are out of scope: put the layer's code into each function's source folder")
			}
			continue
		}
		dir := "amplify/backend/function/" + ref.Name
		f := &fnOut{amp: ref.Name, name: specName(ref.Name), res: res, dir: dir, access: map[string]grant{}, graphql: map[string]grant{}}
		b.fns = append(b.fns, f)
		if !b.p.isDir(dir) {
			res.missing(dir)
			continue
		}
		if f.name != ref.Name {
			res.approx("named %s in the spec: underhood names are letters and digits", f.name)
		}
		var state struct {
			FunctionRuntime string `json:"functionRuntime"`
		}
		stateFile := dir + "/amplify.state"
		if _, err := b.p.readOptionalJSON(stateFile, &state); err != nil {
			return err
		}
		f.tmplFile = dir + "/" + ref.Name + "-cloudformation-template.json"
		var tmpl lambdaTemplate
		hasTmpl, err := b.p.readOptionalJSON(f.tmplFile, &tmpl)
		if err != nil {
			return err
		}
		logical := ""
		for _, id := range slices.Sorted(maps.Keys(tmpl.Resources)) {
			if tmpl.Resources[id].Type == "AWS::Lambda::Function" {
				logical = id
				break
			}
		}
		for _, id := range slices.Sorted(maps.Keys(tmpl.Resources)) {
			r := tmpl.Resources[id]
			if r.Type != "AWS::IAM::Policy" {
				continue
			}
			for _, st := range r.Properties.PolicyDocument.Statement {
				if st.Effect == "Allow" {
					f.policies = append(f.policies, policyStatement{policy: id, actions: st.Action.items(), resource: st.Resource})
				}
			}
		}
		props := tmpl.Resources[logical].Properties
		propPath := "Resources." + logical + ".Properties."
		f.amplifyRuntime, _ = rawString(props.Runtime)
		if _, err := b.p.readOptionalJSON(dir+"/parameters.json", &f.params); err != nil {
			return err
		}
		if _, err := b.p.readOptionalJSON(dir+"/function-parameters.json", &f.fnParams); err != nil {
			return err
		}
		f.envVars = props.Environment.Variables

		// Runtime: amplify.state names the runtime family; the template has the version.
		family := state.FunctionRuntime
		f.runtimeFrom = from(stateFile, "functionRuntime")
		if family == "" {
			family, f.runtimeFrom = runtimeFamily(f.amplifyRuntime), from(f.tmplFile, propPath+"Runtime")
		}
		switch {
		case family == "nodejs", family == "python", family == "go":
			f.runtime = family
		case family == "java" || strings.HasPrefix(family, "dotnet"):
			res.outOfScope("runtime %s is out of scope: underhood builds go, nodejs and python functions", family)
			continue
		case family == "":
			f.runtime, f.runtimeFrom = "nodejs", "assumed: neither amplify.state nor the template names the runtime"
			res.approx("the runtime is not in the project files; the spec assumes nodejs")
		default:
			res.outOfScope("runtime %q is out of scope: underhood builds go, nodejs and python functions", family)
			continue
		}
		if f.amplifyRuntime != "" {
			f.runtimeFrom += "; Amplify ran " + f.amplifyRuntime + " on x86_64, underhood runs " + underhoodRuntime(f.runtime) + " on arm64"
		}
		if !hasTmpl {
			res.approx("%s is not in the project: handler, timeout and environment are underhood's defaults", f.tmplFile)
		}

		handler, _ := rawString(props.Handler)
		switch {
		case f.runtime == "go":
			if handler != "" {
				res.note("Amplify's Go handler %q is replaced by underhood's: it compiles src for provided.al2023 (the binary is bootstrap)", handler)
			}
		case handler != "" && handler != "index.handler":
			f.handler, f.handlerFrom = handler, from(f.tmplFile, propPath+"Handler")
		}

		if src, err := b.relSource(ref.Name); err != nil {
			return err
		} else {
			f.source = src
		}
		if !b.p.isDir(dir + "/src") {
			res.note("%s/src is not in the project (it holds the function's code); create it or point source at the code", dir)
		}

		f.memory, f.memoryFrom = awsrules.LambdaMemoryDefault, from(f.tmplFile, propPath+"MemorySize is not set: Lambda's default 128 MB")
		if m, ok := rawString(props.MemorySize); ok {
			if n, err := strconv.Atoi(m); err == nil && n >= awsrules.LambdaMemoryLowest && n <= awsrules.LambdaMemoryHighest {
				f.memory, f.memoryFrom = n, from(f.tmplFile, propPath+"MemorySize")
			}
		}
		f.timeout, f.timeoutFrom = awsrules.LambdaTimeoutDefault, from(f.tmplFile, propPath+"Timeout is not set: Lambda's default 3 seconds")
		if t, ok := rawString(props.Timeout); ok {
			if n, err := strconv.Atoi(t); err == nil && n >= awsrules.LambdaTimeoutLowest && n <= awsrules.LambdaTimeoutHighest {
				f.timeout, f.timeoutFrom = n, from(f.tmplFile, propPath+"Timeout")
			}
		}
		res.SpecPath = "functions." + f.name

		if len(f.fnParams.LambdaLayers) > 0 {
			res.approx("it uses %d Lambda layer(s) (function-parameters.json lambdaLayers): underhood has no layers; put their code into the source folder", len(f.fnParams.LambdaLayers))
		}
		b.functionSecrets(f)
		rule, ruleFrom := b.fnParam(f, "CloudWatchRule")
		if def, ok := rawString(tmpl.Parameters["CloudWatchRule"].Default); ok && ruleFrom == "" {
			rule, ruleFrom = def, from(f.tmplFile, "Parameters.CloudWatchRule.Default")
		}
		if rule != "" && !strings.EqualFold(rule, "NONE") {
			if norm, problem := spec.CheckSchedule(rule); problem != "" {
				res.approx("its schedule is not in the spec (%s): %s; fix it and add schedule: to the function", ruleFrom, problem)
			} else {
				f.schedule, f.scheduleFrom = norm, ruleFrom+" (Amplify's CloudWatchRule: an EventBridge rule invoking the function)"
			}
		}
		for _, id := range slices.Sorted(maps.Keys(tmpl.Resources)) {
			if r := tmpl.Resources[id]; r.Type == "AWS::Lambda::EventSourceMapping" {
				f.streams = append(f.streams, b.streamRef(f, id, r.Properties.EventSourceArn, r.Properties.BatchSize, r.Properties.StartingPosition))
			}
		}
		var policies []struct {
			Action   strList         `json:"Action"`
			Resource json.RawMessage `json:"Resource"`
		}
		if _, err := b.p.readOptionalJSON(dir+"/custom-policies.json", &policies); err != nil {
			return err
		}
		var actions []string
		for _, pol := range policies {
			actions = append(actions, pol.Action.items()...)
		}
		if len(actions) > 0 {
			res.approx("custom-policies.json grants %s: the spec has no custom IAM statements; grant them outside underhood", strings.Join(actions, ", "))
		}
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
func (b *builder) fn(amp string) *fnOut {
	for _, f := range b.fns {
		if f.amp == amp {
			return f
		}
	}
	return nil
}

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
	set := map[string]bool{}
	for _, op := range ops {
		switch strings.ToLower(strings.TrimSpace(op)) {
		case "create", "update", "create_and_update", "create/update":
			set["write"] = true
		case "read":
			set["read"] = true
		case "delete":
			set["delete"] = true
		}
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

// functionEnv translates the template's environment variables.
func (b *builder) functionEnv(f *fnOut) {
	propPath := "Environment.Variables."
	for _, name := range slices.Sorted(maps.Keys(f.envVars)) {
		raw := f.envVars[name]
		field := from(f.tmplFile, propPath+name)
		if strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "UNDERHOOD_") {
			f.res.approx("environment variable %s is reserved in underhood and not set", name)
			continue
		}
		if s, ok := rawString(raw); ok {
			if strings.HasPrefix(name, "STORAGE_") {
				f.res.approx("environment variable %s=%s is not set: STORAGE_ names are underhood's (it sets them for the storage in access)", name, s)
				continue
			}
			f.env = append(f.env, kv{name, s, field})
			continue
		}
		var ref struct {
			Ref string `json:"Ref"`
		}
		if json.Unmarshal(raw, &ref) != nil || ref.Ref == "" {
			if slices.Contains(f.fnParams.SecretNames, name) {
				continue // under secrets (or reported there)
			}
			what := "a CloudFormation expression"
			if strings.Contains(string(raw), "/amplify/") && strings.Contains(string(raw), "AMPLIFY_") {
				what = "the SSM path of an Amplify function secret"
			} else if strings.Contains(string(raw), "Fn::ImportValue") {
				what = "a value another Amplify stack exports (an AppSync table)"
			}
			f.res.approx("environment variable %s held %s: not translated", name, what)
			continue
		}
		b.envRef(f, name, ref.Ref, field)
	}
}

// storageRefSuffixes are the outputs of Amplify storage stacks that functions receive.
var storageRefSuffixes = []string{"BucketName", "StreamArn", "Name", "Arn"}

// envRef translates an environment variable that is a Ref.
func (b *builder) envRef(f *fnOut, name, ref, field string) {
	switch ref {
	case "env":
		f.env = append(f.env, kv{name, "${stage}", field + " (Ref env: the Amplify env, the spec's stage)"})
		return
	case "AWS::Region":
		if b.region != "" {
			f.env = append(f.env, kv{name, b.region, field + " (Ref AWS::Region)"})
		} else {
			f.res.approx("environment variable %s (the region) is not set: the project does not say its region; Lambda sets AWS_REGION", name)
		}
		return
	case "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::URLSuffix", "AWS::Partition":
		f.res.approx("environment variable %s (Ref %s) is not set: the spec cannot express it", name, ref)
		return
	}
	// Storage outputs: storage<resource><Output>.
	for _, s := range b.storages {
		for _, suffix := range storageRefSuffixes {
			if ref != "storage"+s.amp+suffix {
				continue
			}
			if _, ok := f.access[s.name]; ok && suffix != "StreamArn" && s.inSpec() {
				// underhood sets STORAGE_<NAME>_BUCKETNAME/_NAME/_ARN, Amplify's names, from access.
				if name != "STORAGE_"+strings.ToUpper(s.name)+"_"+strings.ToUpper(suffix) {
					f.res.approx("environment variable %s (the %s of storage %s) is not set: underhood sets STORAGE_%s_%s instead", name, suffix, s.amp, strings.ToUpper(s.name), strings.ToUpper(suffix))
				}
				return
			}
			if suffix == "StreamArn" {
				f.res.approx("environment variable %s (the stream ARN of table %s) is not set: underhood passes no stream ARN", name, s.amp)
			} else {
				f.res.approx("environment variable %s (the %s of storage %s) is not set: the function has no access to it in the spec", name, suffix, s.amp)
			}
			return
		}
	}
	if a := b.auth; a != nil && strings.HasPrefix(ref, "auth"+a.amp) {
		attr := strings.TrimPrefix(ref, "auth"+a.amp)
		if attr == "UserPoolId" && len(f.cognito) > 0 && name == spec.UserPoolIDEnv(specName(a.amp)) {
			return // set by access.userPool
		}
		if attr == "UserPoolId" && a.existingPool != "" {
			f.env = append(f.env, kv{name, a.existingPool, field + " (Ref " + ref + ": the existing user pool's id, as under stages.existing)"})
			return
		}
		f.res.approx("environment variable %s (the %s of auth %s) is not set: the spec has no reference to it; set it by hand once the pool exists", name, attr, a.amp)
		return
	}
	for _, q := range b.graphql {
		attr, ok := strings.CutPrefix(ref, "api"+q.amp)
		if !ok {
			continue
		}
		idVar, endpointVar := spec.GraphQLEnv(q.name)
		_, granted := f.graphql[q.amp]
		switch {
		case attr == "GraphQLAPIIdOutput" && granted && name == idVar, attr == "GraphQLAPIEndpointOutput" && granted && name == endpointVar:
			return // set by access.<api>
		case attr == "GraphQLAPIIdOutput" && q.id != "":
			f.env = append(f.env, kv{name, q.id, field + " (Ref " + ref + ": the id of the GraphQL API kept in Amplify)"})
		case attr == "GraphQLAPIEndpointOutput":
			f.env = append(f.env, kv{name, q.endpoint, field + " (Ref " + ref + ": the endpoint of the GraphQL API kept in Amplify)"})
		case attr == "GraphQLAPIKeyOutput":
			f.res.approx("environment variable %s (the GraphQL API key) is not set: the spec holds no secret value; read the key in the function from where config reads it (%s), or call the API with the function's role (IAM)", name, q.keyWhere())
		default:
			f.res.approx("environment variable %s (Ref %s) is not set: its value is not known to the import (pass %s %s=API_ID or --from-stack)", name, ref, FlagExisting, q.amp)
		}
		return
	}
	switch {
	case strings.HasPrefix(ref, "api"):
		f.res.approx("environment variable %s (Ref %s, an API output) is not set: the API is not referenced by the spec", name, ref)
		return
	case strings.HasPrefix(ref, "function"):
		f.res.approx("environment variable %s (Ref %s, another function) is not set: the spec has no function references", name, ref)
		return
	}
	if v, src := b.fnParam(f, ref); src != "" {
		f.env = append(f.env, kv{name, v, field + " (Ref " + ref + " = " + src + ")"})
		return
	}
	f.res.approx("environment variable %s (Ref %s) is not set: its value is not in the project files (amplify-cli keeps it in team-provider-info.json for the env)", name, ref)
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

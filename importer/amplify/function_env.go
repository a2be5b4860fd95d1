package amplify

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

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

// envRef translates an environment variable that is a Ref: a pseudo parameter, an output of the
// project's storage, auth or GraphQL API, or a parameter of the function.
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
	if b.envRefStorage(f, name, ref) || b.envRefAuth(f, name, ref, field) || b.envRefGraphQL(f, name, ref, field) {
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

// envRefStorage handles a Ref to a storage output, storage<resource><Output>; false when ref is none.
func (b *builder) envRefStorage(f *fnOut, name, ref string) bool {
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
				return true
			}
			if suffix == "StreamArn" {
				f.res.approx("environment variable %s (the stream ARN of table %s) is not set: underhood passes no stream ARN", name, s.amp)
			} else {
				f.res.approx("environment variable %s (the %s of storage %s) is not set: the function has no access to it in the spec", name, suffix, s.amp)
			}
			return true
		}
	}
	return false
}

// envRefAuth handles a Ref to an auth output, auth<resource><Attribute>; false when ref is none.
func (b *builder) envRefAuth(f *fnOut, name, ref, field string) bool {
	a := b.auth
	if a == nil || !strings.HasPrefix(ref, "auth"+a.amp) {
		return false
	}
	attr := strings.TrimPrefix(ref, "auth"+a.amp)
	switch {
	case attr == "UserPoolId" && len(f.cognito) > 0 && name == spec.UserPoolIDEnv(specName(a.amp)):
		// set by access.userPool
	case attr == "UserPoolId" && a.existingPool != "":
		f.env = append(f.env, kv{name, a.existingPool, field + " (Ref " + ref + ": the existing user pool's id, as under stages.existing)"})
	default:
		f.res.approx("environment variable %s (the %s of auth %s) is not set: the spec has no reference to it; set it by hand once the pool exists", name, attr, a.amp)
	}
	return true
}

// envRefGraphQL handles a Ref to an output of a GraphQL API kept in Amplify, api<resource><Output>;
// false when ref is none.
func (b *builder) envRefGraphQL(f *fnOut, name, ref, field string) bool {
	for _, q := range b.graphql {
		attr, ok := strings.CutPrefix(ref, "api"+q.amp)
		if !ok {
			continue
		}
		idVar, endpointVar := spec.GraphQLEnv(q.name)
		_, granted := f.graphql[q.amp]
		switch {
		case attr == "GraphQLAPIIdOutput" && granted && name == idVar, attr == "GraphQLAPIEndpointOutput" && granted && name == endpointVar:
			return true // set by access.<api>
		case attr == "GraphQLAPIIdOutput" && q.id != "":
			f.env = append(f.env, kv{name, q.id, field + " (Ref " + ref + ": the id of the GraphQL API kept in Amplify)"})
		case attr == "GraphQLAPIEndpointOutput":
			f.env = append(f.env, kv{name, q.endpoint, field + " (Ref " + ref + ": the endpoint of the GraphQL API kept in Amplify)"})
		case attr == "GraphQLAPIKeyOutput":
			f.res.approx("environment variable %s (the GraphQL API key) is not set: the spec holds no secret value; read the key in the function from where config reads it (%s), or call the API with the function's role (IAM)", name, q.keyWhere())
		default:
			f.res.approx("environment variable %s (Ref %s) is not set: its value is not known to the import (pass %s %s=API_ID or --from-stack)", name, ref, FlagExisting, q.amp)
		}
		return true
	}
	return false
}

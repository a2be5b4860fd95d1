package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// rule is what plan knows about a stateful type.
type rule struct {
	// replacement lists the top-level properties CloudFormation documents as "Update requires:
	// Replacement" (the registry schema's createOnlyProperties).
	replacement []string
	// refused finds changes the service cannot make in place.
	refused func(old, new map[string]any) []refusal
	// breaking finds changes the service makes that break what deployed clients hold.
	breaking func(old, new map[string]any) []refusal
}

type refusal struct {
	paths []string
	what  string
	// lost and proceed replace the kind's usual texts when set; proceed is a format whose %s is the
	// logical ID (it must offer --allow).
	lost, proceed string
	// replaces: CloudFormation would attempt the change as a replacement.
	replaces bool
}

// rules per stateful type. Sources: the CloudFormation template reference and the registry schemas
// (as bundled in the aws-cdk CLI's service database), Cognito's "Settings you can't change"
// (cognito-user-pool-updating) and UpdateUserPoolDomain ("doesn't change the name of your user pool
// domain": a new prefix is a new domain). Deliberately absent: UserPoolName and ClientName, which are updatable
// today, and AttributeDefinitions, which is updatable except for the key attributes' types.
var rules = map[string]*rule{
	"AWS::Cognito::UserPool":       {refused: userPoolRefused, breaking: passkeysOrphaned},
	"AWS::Cognito::UserPoolClient": {replacement: []string{"GenerateSecret", "UserPoolId"}},
	"AWS::Cognito::UserPoolGroup":  {replacement: []string{"GroupName", "UserPoolId"}},
	// Domain is replacement-only too, but CloudFormation creates the replacement first and a pool holds
	// one prefix domain, so the replacement is refused: domainRefused explains it.
	"AWS::Cognito::UserPoolDomain":           {replacement: []string{"UserPoolId"}, refused: domainRefused},
	"AWS::Cognito::UserPoolIdentityProvider": {replacement: []string{"ProviderName", "ProviderType", "UserPoolId"}},
	"AWS::Cognito::UserPoolResourceServer":   {replacement: []string{"Identifier", "UserPoolId"}, breaking: scopesRemoved},
	"AWS::Cognito::IdentityPool":             {},
	"AWS::S3::Bucket":                        {replacement: []string{"BucketName", "BucketNamePrefix", "BucketNamespace", "ObjectLockEnabled"}},
	"AWS::DynamoDB::Table":                   {replacement: []string{"TableName", "KeySchema", "ImportSourceSpecification"}, refused: tableRefused},
}

func userPoolRefused(old, new map[string]any) []refusal {
	var out []refusal
	for _, p := range []struct{ prop, what string }{
		{"AliasAttributes", "the sign-in aliases (AliasAttributes)"},
		{"UsernameAttributes", "what users sign in with (UsernameAttributes)"},
	} {
		o, n := stringSet(old[p.prop]), stringSet(new[p.prop])
		if !slices.Equal(o, n) {
			out = append(out, refusal{paths: []string{"Properties." + p.prop}, what: fmt.Sprintf(
				"Cognito cannot change %s of an existing user pool ([%s] -> [%s])", p.what, strings.Join(o, ", "), strings.Join(n, ", "))})
		}
	}
	if o, n := caseSensitive(old), caseSensitive(new); o != n {
		out = append(out, refusal{paths: []string{"Properties.UsernameConfiguration.CaseSensitive"}, what: fmt.Sprintf(
			"Cognito cannot change whether usernames are case sensitive (%s -> %s)", o, n)})
	}
	out = append(out, schemaRefused(old["Schema"], new["Schema"])...)
	return out
}

// caseSensitive is UsernameConfiguration.CaseSensitive; without it a pool created through the API is
// case sensitive.
func caseSensitive(props map[string]any) string {
	v := lookup(props, "UsernameConfiguration", "CaseSensitive")
	if v == nil {
		return "true (default)"
	}
	s, _ := scalar(v)
	return s
}

// schemaRefused applies Cognito's attribute rules: required attributes are fixed at creation, custom
// attributes can be added but never changed or removed, and no attribute's mutability can change.
func schemaRefused(oldV, newV any) []refusal {
	oldA, newA := schemaByName(oldV), schemaByName(newV)
	var out []refusal
	names := slices.AppendSeq(slices.Collect(maps.Keys(oldA)), maps.Keys(newA))
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		o, inOld := oldA[name]
		n, inNew := newA[name]
		path := "Properties.Schema[" + name + "]"
		custom := strings.HasPrefix(name, "custom:") || !awsrules.IsSchemaStandardAttribute(name)
		if custom {
			switch {
			case inOld && !inNew:
				out = append(out, refusal{paths: []string{path}, what: fmt.Sprintf("custom attribute %s is removed: Cognito cannot remove a custom attribute", name)})
			case inOld && inNew && !equal(o, n):
				var d []string
				diff(path, o, n, &d)
				out = append(out, refusal{paths: d, what: fmt.Sprintf("custom attribute %s changes: Cognito cannot change a custom attribute once created (adding a new one is fine)", name)})
			}
			continue
		}
		oReq, nReq := required(o), required(n)
		switch {
		case oReq != nReq:
			verb := "becomes required"
			if oReq {
				verb = "is no longer required"
			}
			out = append(out, refusal{paths: []string{path + ".Required"}, what: fmt.Sprintf("standard attribute %s %s: Cognito fixes required attributes when the pool is created", name, verb)})
		case oReq && inOld && inNew && !equal(o, n):
			var d []string
			diff(path, o, n, &d)
			out = append(out, refusal{paths: d, what: fmt.Sprintf("required attribute %s changes: Cognito fixes required attributes when the pool is created", name)})
		case inOld && inNew && !equal(o["Mutable"], n["Mutable"]):
			out = append(out, refusal{paths: []string{path + ".Mutable"}, what: fmt.Sprintf("attribute %s changes mutability: Cognito cannot change it after creation", name)})
		}
	}
	return out
}

func schemaByName(v any) map[string]map[string]any {
	out := map[string]map[string]any{}
	l, _ := v.([]any)
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		name, _ := scalar(m["Name"])
		out[name] = m
	}
	return out
}

func required(attr map[string]any) bool {
	if attr == nil {
		return false
	}
	s, _ := scalar(attr["Required"])
	return s == "true"
}

// domainRefused: a new domain name (prefix or custom domain) means a new domain resource, created before
// the old one is deleted; a user pool holds one domain of each kind, so Cognito refuses it and the stack
// rolls back. The words for each kind are prefixDomainChange and customDomainChange (customdomain.go).
func domainRefused(old, new map[string]any) []refusal {
	if equal(old["Domain"], new["Domain"]) {
		return nil
	}
	change := prefixDomainChange
	if isCustomDomain(old) || isCustomDomain(new) {
		change = customDomainChange
	}
	o, _ := scalar(old["Domain"])
	n, _ := scalar(new["Domain"])
	return []refusal{{
		replaces: true,
		paths:    []string{"Properties.Domain"},
		what:     fmt.Sprintf(change.what, o, n),
		lost:     fmt.Sprintf(change.lost, o),
		proceed:  change.proceed,
	}}
}

// scopesRemoved: a scope removed from a resource server (or renamed, which removes the old name) is gone
// from new tokens at once, while tokens, clients and API methods still name it.
func scopesRemoved(old, new map[string]any) []refusal {
	identifier, _ := scalar(old["Identifier"])
	have := map[string]bool{}
	for _, name := range scopeNames(new) {
		have[name] = true
	}
	var out []refusal
	for _, name := range scopeNames(old) {
		if !have[name] {
			out = append(out, refusal{
				paths: []string{"Properties.Scopes[" + name + "]"},
				what: fmt.Sprintf("scope %s/%s is removed (or renamed): Cognito stops issuing it, while access tokens "+
					"already issued, app clients and API methods outside this stack still name it", identifier, name),
			})
		}
	}
	return out
}

func scopeNames(props map[string]any) []string {
	out := listField(props, "Scopes", "ScopeName")
	slices.Sort(out)
	return out
}

// tableRefused: DynamoDB cannot change a key attribute's type, and local secondary indexes exist only
// from the table's creation (CloudFormation: "Updates are not supported").
func tableRefused(old, new map[string]any) []refusal {
	var out []refusal
	oldTypes, newTypes := attributeTypes(old), attributeTypes(new)
	// With a new key schema the table is replaced anyway (a replacement finding covers it).
	sameKeys := equal(old["KeySchema"], new["KeySchema"])
	for _, k := range keyAttributes(old) {
		if !sameKeys {
			break
		}
		o, n := oldTypes[k], newTypes[k]
		if n != "" && o != n {
			out = append(out, refusal{paths: []string{"Properties.AttributeDefinitions[" + k + "]"}, what: fmt.Sprintf(
				"key attribute %s changes type (%s -> %s): DynamoDB cannot change a key's type; every item would have to be rewritten into a new table", k, o, n)})
		}
	}
	if !equal(lsiByName(old), lsiByName(new)) {
		out = append(out, refusal{paths: []string{"Properties.LocalSecondaryIndexes"},
			what: "local secondary indexes change: they can only be created with the table (CloudFormation: \"Updates are not supported\")"})
	}
	return out
}

func attributeTypes(props map[string]any) map[string]string {
	names := listField(props, "AttributeDefinitions", "AttributeName")
	types := listField(props, "AttributeDefinitions", "AttributeType")
	out := map[string]string{}
	for i, name := range names {
		out[name] = types[i]
	}
	return out
}

func keyAttributes(props map[string]any) []string {
	return listField(props, "KeySchema", "AttributeName")
}

// listField lists one field of each element of the list property key, in the template's order.
func listField(props map[string]any, key, field string) []string {
	var out []string
	l, _ := props[key].([]any)
	for _, e := range l {
		v, _ := scalar(lookup(e, field))
		out = append(out, v)
	}
	return out
}

// lsiByName makes the index list order-insensitive.
func lsiByName(props map[string]any) any {
	l, _ := props["LocalSecondaryIndexes"].([]any)
	if len(l) == 0 {
		return nil
	}
	m := map[string]any{}
	for _, e := range l {
		name, _ := scalar(lookup(e, "IndexName"))
		m[name] = e
	}
	return m
}

func shortType(typ string) string {
	switch typ {
	case "AWS::Cognito::UserPool":
		return "user pool"
	case "AWS::Cognito::UserPoolClient":
		return "user pool client"
	case "AWS::Cognito::UserPoolGroup":
		return "user pool group"
	case "AWS::Cognito::UserPoolDomain":
		return "user pool domain"
	case "AWS::Cognito::UserPoolIdentityProvider":
		return "identity provider"
	case "AWS::Cognito::UserPoolResourceServer":
		return "resource server"
	case "AWS::Cognito::IdentityPool":
		return "identity pool"
	case "AWS::S3::Bucket":
		return "bucket"
	case "AWS::DynamoDB::Table":
		return "table"
	}
	return typ
}

func listPaths(paths []string) string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = strings.TrimPrefix(p, "Properties.")
	}
	return strings.Join(out, ", ")
}

func listIDs(ids []string) string { return strings.Join(ids, ", ") }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

package amplifystack

import (
	"fmt"
	"strings"
)

// stateful names the resource types whose loss loses users' data or identity (sign-ins, ids baked
// into apps, stored objects and items), by what to call them.
var stateful = map[string]string{
	"AWS::Cognito::UserPool":                   "user pool",
	"AWS::Cognito::UserPoolClient":             "user pool app client",
	"AWS::Cognito::IdentityPool":               "identity pool",
	"AWS::Cognito::IdentityPoolRoleAttachment": "identity pool role attachment",
	"AWS::Cognito::UserPoolGroup":              "user pool group",
	"AWS::Cognito::UserPoolDomain":             "hosted UI domain",
	"AWS::Cognito::UserPoolIdentityProvider":   "identity provider",
	"AWS::S3::Bucket":                          "S3 bucket",
	"AWS::DynamoDB::Table":                     "DynamoDB table",
	"AWS::DynamoDB::GlobalTable":               "DynamoDB table",
}

// Retained reports whether CloudFormation keeps the resource when it leaves its stack (or the stack is
// deleted): DeletionPolicy Retain or RetainExceptOnCreate. Snapshot does not apply to the types
// checked here, and the default is Delete.
func (r Resource) Retained() bool {
	return r.DeletionPolicy == "Retain" || r.DeletionPolicy == "RetainExceptOnCreate"
}

// what is how a finding names r, or "" when r is not checked: the root's own resources (Amplify's
// deployment bucket and roles) and the hosting category (a redeployable site) are not the app's
// state. Amplify's hosted UI domain custom resource is checked: its Lambda deletes the domain when
// CloudFormation deletes the resource.
func what(r Resource) string {
	if r.Category == "" && r.Name == "" || r.Category == "hosting" {
		return ""
	}
	if r.LogicalID == hostedUIResource && strings.HasPrefix(r.Type, "Custom::") {
		return "hosted UI domain (its custom resource deletes the domain)"
	}
	return stateful[r.Type]
}

// Unretained returns the stateful resources that CloudFormation would delete with their stack, in
// tree order. With physicalIDs, only those resources: pass the ids taken from IDs(); a hosted UI
// domain prefix or host stands for the custom resource that manages it.
func (t *Tree) Unretained(physicalIDs ...string) []Resource {
	var want map[string]bool
	if len(physicalIDs) > 0 {
		want = map[string]bool{}
		for _, id := range physicalIDs {
			want[id] = true
		}
	}
	domains := t.hostedUIDomains()
	var out []Resource
	for _, r := range t.Resources {
		if what(r) == "" || r.Retained() {
			continue
		}
		if want != nil && !want[r.PhysicalID] {
			d, ok := domains[r.Stack+"\x00"+r.LogicalID]
			if !ok || !(want[d.DomainPrefix] || want[d.Domain]) {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// hostedUIDomains maps each hosted UI custom resource (stack, logical id) to its auth resource's ids.
func (t *Tree) hostedUIDomains() map[string]AuthIDs {
	out := map[string]AuthIDs{}
	var ids *Existing
	for _, r := range t.Resources {
		if r.Category != "auth" || r.LogicalID != hostedUIResource {
			continue
		}
		if ids == nil {
			x := t.IDs()
			ids = &x
		}
		out[r.Stack+"\x00"+r.LogicalID] = ids.Auth[r.Name]
	}
	return out
}

// Format is how an Amplify resource's template is kept in the project, which decides the fix.
type Format int

const (
	// FormatUnknown: the fix names both ways.
	FormatUnknown Format = iota
	// FormatLegacy: a parameters.json resource (amplify-cli before v7): the template in
	// amplify/backend/<category>/<name>/ is the source; edit it.
	FormatLegacy
	// FormatOverride: a cli-inputs.json resource (amplify-cli v7 and later): the template is generated
	// into build/; change it with amplify override <category> (override.ts).
	FormatOverride
)

// Finding is a stateful resource without DeletionPolicy Retain.
type Finding struct {
	Resource
	What string // "user pool", "DynamoDB table", ...
	Fix  string // one line: which template and logical id to change, and how
}

func (f Finding) String() string {
	return fmt.Sprintf("%s %s (%s/%s, %s %s in stack %s): %s", f.What, f.PhysicalID, f.Category, f.Name, f.Type, f.LogicalID,
		StackName(f.Stack), f.Fix)
}

// CheckRetained returns a finding per stateful resource that CloudFormation would delete with its
// stack (see Unretained), each with its fix. format says how each Amplify resource is kept in the
// project (cli-inputs.json: FormatOverride, parameters.json: FormatLegacy); nil, or FormatUnknown,
// and the fix names both.
func (t *Tree) CheckRetained(format func(category, name string) Format) []Finding {
	var out []Finding
	for _, r := range t.Unretained() {
		f := FormatUnknown
		if format != nil {
			f = format(r.Category, r.Name)
		}
		out = append(out, Finding{Resource: r, What: what(r), Fix: fix(r, f)})
	}
	return out
}

// fix is the one-line change that gives r DeletionPolicy Retain, then amplify push.
func fix(r Resource, f Format) string {
	if r.Category == "" {
		return fmt.Sprintf("add DeletionPolicy: Retain to %s in the template of nested stack %s (%s), then amplify push",
			r.LogicalID, r.Name, StackName(r.Stack))
	}
	dir := "amplify/backend/" + r.Category + "/" + r.Name + "/"
	legacy := fmt.Sprintf(`add "DeletionPolicy": "Retain" to Resources.%s in %s`, r.LogicalID, dir+legacyTemplate(r))
	override := fmt.Sprintf("run amplify override %s (resource %s) and in %soverride.ts add %s", r.Category, r.Name, dir, overrideLine(r))
	switch f {
	case FormatLegacy:
		return legacy + ", then amplify push"
	case FormatOverride:
		return override + ", then amplify push"
	}
	return "cli-inputs.json projects: " + override + "; parameters.json projects: " + legacy + "; then amplify push"
}

// legacyTemplate is the file name amplify-cli before v7 kept r's template under.
func legacyTemplate(r Resource) string {
	switch {
	case r.Category == "auth" && r.Name == "userPoolGroups":
		return "template.json"
	case r.Category == "auth":
		return r.Name + "-cloudformation-template.yml"
	case r.Category == "storage" && r.Type == "AWS::S3::Bucket":
		return "s3-cloudformation-template.json"
	}
	return r.Name + "-cloudformation-template.json"
}

// overrideProps maps amplify-cli's logical ids to the properties override.ts sees them as.
var overrideProps = map[string]string{
	"UserPool":                        "userPool",
	"UserPoolClientWeb":               "userPoolClientWeb",
	"UserPoolClient":                  "userPoolClient",
	"IdentityPool":                    "identityPool",
	"IdentityPoolRoleMap":             "identityPoolRoleMap",
	"CustomMessageConfirmationBucket": "customMessageConfirmationBucket",
	"S3Bucket":                        "s3Bucket",
	"DynamoDBTable":                   "dynamoDBTable",
}

// overrideLine is the override.ts statement that sets r's DeletionPolicy.
func overrideLine(r Resource) string {
	if r.LogicalID == hostedUIResource {
		// A CDK CustomResource, not a CfnResource: no addOverride on it.
		return `resources.hostedUICustomResourceInputs.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN) (import * as cdk from "aws-cdk-lib")`
	}
	prop, ok := overrideProps[r.LogicalID]
	switch {
	case ok:
		prop = "resources." + prop
	case r.Category == "auth" && r.Name == "userPoolGroups" && strings.HasSuffix(r.LogicalID, "Group"):
		prop = fmt.Sprintf("resources.userPoolGroup[%q]", strings.TrimSuffix(r.LogicalID, "Group"))
	default:
		return fmt.Sprintf(`a DeletionPolicy Retain override for logical id %s`, r.LogicalID)
	}
	return prop + `.addOverride("DeletionPolicy", "Retain")`
}

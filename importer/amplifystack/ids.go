package amplifystack

import (
	"sort"
	"strings"
)

// Existing is the physical ids of an Amplify env that an underhood spec's existing block needs.
type Existing struct {
	Auth map[string]AuthIDs // by auth resource name (the nested stack authmyapp1a2b3c4d is "myapp1a2b3c4d")
	// Groups is the user pool groups' names (from the auth userPoolGroups stack), sorted.
	Groups  []string
	Buckets map[string]string // storage resource name -> S3 bucket name
	Tables  map[string]string // storage resource name -> DynamoDB table name
	// GraphQL are the AppSync APIs, by API resource name: the API id and the nested stack whose
	// outputs hold GraphQLAPIKeyOutput (the key is never read here).
	GraphQL map[string]GraphQLIDs
	// Pinpoint are the analytics projects' app ids, by analytics resource name.
	Pinpoint map[string]string
}

// GraphQLIDs is one AppSync API of the tree.
type GraphQLIDs struct {
	APIID string
	Stack string // the nested stack's name
}

// AuthIDs is one auth resource's ids. Fields the stack does not have are "".
type AuthIDs struct {
	UserPoolID string
	// ClientID is the web app client (logical id UserPoolClientWeb, which has no secret), else the
	// pool's only client. NativeClientID is Amplify's other client (UserPoolClient), which may have a
	// secret and is the one mobile apps use.
	ClientID, NativeClientID string
	IdentityPoolID           string
	// DomainPrefix is the hosted UI's Cognito domain prefix, e.g. myapp-dev; Domain its host,
	// myapp-dev.auth.eu-west-1.amazoncognito.com (for a custom domain both are the host).
	DomainPrefix, Domain string
	Region               string // of the user pool id (eu-west-1_AbC...), else the identity pool's or the stack's
}

// IDs extracts the ids from the tree: per auth resource its user pool, web client, identity pool and
// hosted UI domain; the user pool groups; per storage resource its bucket or table.
//
// Amplify creates the hosted UI domain with a Lambda custom resource (HostedUICustomResourceInputs),
// whose physical id is a log stream name; the prefix is worked out from its hostedUIDomainName
// property (hostedUIDomainName-env) with the parameters the root passes the auth stack. An
// AWS::Cognito::UserPoolDomain in the stack (added by an override) is used first.
func (t *Tree) IDs() Existing {
	ex := Existing{Auth: map[string]AuthIDs{}, Buckets: map[string]string{}, Tables: map[string]string{}, GraphQL: map[string]GraphQLIDs{}, Pinpoint: map[string]string{}}
	for _, g := range t.groups() {
		rs := g.resources
		switch {
		case g.category == "auth" && g.name == "userPoolGroups":
			for _, r := range rs {
				if r.Type == "AWS::Cognito::UserPoolGroup" && r.PhysicalID != "" {
					ex.Groups = append(ex.Groups, r.PhysicalID)
				}
			}
		case g.category == "auth":
			a := AuthIDs{
				UserPoolID:     pick(rs, "AWS::Cognito::UserPool", "UserPool"),
				ClientID:       pick(rs, "AWS::Cognito::UserPoolClient", "UserPoolClientWeb"),
				NativeClientID: physical(rs, "AWS::Cognito::UserPoolClient", "UserPoolClient"),
				IdentityPoolID: pick(rs, "AWS::Cognito::IdentityPool", "IdentityPool"),
			}
			if a.ClientID == a.NativeClientID && physical(rs, "AWS::Cognito::UserPoolClient", "UserPoolClientWeb") == "" {
				// The only client is the native one: it is the ClientID, and not listed twice.
				a.NativeClientID = ""
			}
			if p, _, ok := strings.Cut(a.UserPoolID, "_"); ok {
				a.Region = p
			} else if p, _, ok := strings.Cut(a.IdentityPoolID, ":"); ok {
				a.Region = p
			} else if len(rs) > 0 {
				a.Region = stackRegion(rs[0].Stack)
			}
			a.DomainPrefix = t.domainPrefix(rs)
			switch {
			case a.DomainPrefix == "":
			case strings.Contains(a.DomainPrefix, "."):
				a.Domain = a.DomainPrefix // a custom domain: the physical id is the host
			case a.Region != "":
				a.Domain = a.DomainPrefix + ".auth." + a.Region + ".amazoncognito.com"
			}
			if a != (AuthIDs{}) {
				ex.Auth[g.name] = a
			}
		case g.category == "api":
			// AWS::AppSync::GraphQLApi's physical id is its ARN, arn:aws:appsync:REGION:ACCOUNT:apis/ID.
			if arn := pick(rs, "AWS::AppSync::GraphQLApi", "GraphQLAPI"); arn != "" {
				_, id, _ := strings.Cut(arn, ":apis/")
				ex.GraphQL[g.name] = GraphQLIDs{APIID: cmpOr(id, arn), Stack: StackName(t.nestedStack(g))}
			}
		case g.category == "analytics":
			// AWS::Pinpoint::App's physical id is the app (project) id.
			if id := pick(rs, "AWS::Pinpoint::App", ""); id != "" {
				ex.Pinpoint[g.name] = id
			}
		case g.category == "storage":
			if b := pick(rs, "AWS::S3::Bucket", "S3Bucket"); b != "" {
				ex.Buckets[g.name] = b
			}
			if tb := pick(rs, "AWS::DynamoDB::Table", "DynamoDBTable"); tb != "" {
				ex.Tables[g.name] = tb
			}
		}
	}
	sort.Strings(ex.Groups)
	return ex
}

// group is the resources of one Amplify resource (all stacks under one root nested stack).
type group struct {
	category, name string
	resources      []Resource
}

func (t *Tree) groups() []group {
	var out []group
	index := map[[2]string]int{}
	for _, r := range t.Resources {
		if r.Category == "" {
			continue
		}
		k := [2]string{r.Category, r.Name}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, group{category: r.Category, name: r.Name})
		}
		out[i].resources = append(out[i].resources, r)
	}
	return out
}

// physical is the physical id of the resource of type typ with logical id id, or "".
func physical(rs []Resource, typ, id string) string {
	for _, r := range rs {
		if r.Type == typ && r.LogicalID == id {
			return r.PhysicalID
		}
	}
	return ""
}

// pick is physical(rs, typ, id), else the physical id of the only resource of type typ, else "".
func pick(rs []Resource, typ, id string) string {
	if p := physical(rs, typ, id); p != "" {
		return p
	}
	only := ""
	n := 0
	for _, r := range rs {
		if r.Type == typ {
			n++
			only = r.PhysicalID
		}
	}
	if n == 1 {
		return only
	}
	return ""
}

// domainPrefix is the auth resource's hosted UI domain: an AWS::Cognito::UserPoolDomain's physical id,
// else the value HostedUICustomResourceInputs passes its Lambda.
func (t *Tree) domainPrefix(rs []Resource) string {
	if d := pick(rs, "AWS::Cognito::UserPoolDomain", ""); d != "" {
		return d
	}
	for _, r := range rs {
		if r.LogicalID != hostedUIResource || !strings.HasPrefix(r.Type, "Custom::") {
			continue
		}
		info := t.stacks[r.Stack]
		if info == nil {
			continue
		}
		def := mapOf(mapOf(info.tmpl["Resources"])[r.LogicalID])
		e := evaluator{tmpl: info.tmpl, params: info.params}
		if s, ok := e.str(mapOf(def["Properties"])["hostedUIDomainName"]); ok {
			return s
		}
	}
	return ""
}

// hostedUIResource is the logical id of the custom resource through which amplify-cli creates the
// hosted UI domain, and deletes it when the resource is deleted.
const hostedUIResource = "HostedUICustomResourceInputs"

// nestedStack is the stack of a resource's root nested stack (the stack of its first resource that
// is directly in it, i.e. not in a deeper nested stack).
func (t *Tree) nestedStack(g group) string {
	for _, r := range t.Resources {
		if r.Category == "" && r.Type == "AWS::CloudFormation::Stack" {
			if c, n := SplitLogicalID(r.LogicalID); c == g.category && n == g.name {
				return r.PhysicalID
			}
		}
	}
	return ""
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

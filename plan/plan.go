// Package plan compares the CloudFormation template a stack has now with the one that would replace it,
// and refuses changes that would lose users' data: deleting, renaming or replacing a user pool, its
// client, groups, hosted UI domain, identity providers or resource servers, an identity pool, bucket or
// table; changes Cognito or DynamoDB refuse to make in place; and in-place changes that break what
// deployed clients hold (a resource server's scope removed or renamed).
//
// It is pure Go (no CDK, no AWS calls): callers hand it two templates. Templates are JSON (what CDK
// deploys) or YAML with CloudFormation's short-form tags (what GetTemplate returns for a stack deployed
// from YAML).
//
// Which properties force a replacement comes from the CloudFormation documentation ("Update requires:
// Replacement", the registry schemas' createOnlyProperties): for the stateful types only those are
// reported as replacements. For other resource types plan does not know the replacement-only
// properties and reports any property change as modified.
package plan

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// Action is what CloudFormation would do with one resource.
type Action string

const (
	Added     Action = "added"
	Modified  Action = "modified"
	Replaced  Action = "replaced"
	Deleted   Action = "deleted"
	Unchanged Action = "unchanged"
)

// Kind says why a change to a stateful resource is refused.
type Kind string

const (
	// KindDeleted: the resource leaves the stack.
	KindDeleted Kind = "deleted"
	// KindRenamed: the resource leaves the stack while one of the same type is added, which is what a
	// changed logical ID looks like.
	KindRenamed Kind = "renamed"
	// KindReplaced: a property CloudFormation documents as "Update requires: Replacement" changed (or
	// the resource type did): CloudFormation creates a new resource and deletes the old one.
	KindReplaced Kind = "replaced"
	// KindRefused: the service cannot make the change in place; the update fails and the stack rolls
	// back. The only way to the new setting is a new resource.
	KindRefused Kind = "refused"
	// KindBreaks: the service makes the change, but what deployed clients hold stops working (tokens with
	// a removed scope, say).
	KindBreaks Kind = "breaks"
)

// Stateful lists the resource types whose loss loses users' data, with what would be lost.
var Stateful = map[string]string{
	"AWS::Cognito::UserPool": "every user account and password (Cognito cannot export password hashes, " +
		"so users cannot be moved to a new pool with their passwords: all of them would have to sign up or reset their password)",
	"AWS::Cognito::UserPoolClient": "the app client id every deployed frontend is configured with: signed-in users' refresh " +
		"tokens stop working and every frontend must be rebuilt with the new id (a client secret, if any, changes too)",
	"AWS::Cognito::UserPoolGroup": "every membership of the group: Cognito cannot rename a group, and a new group " +
		"starts empty, so each member must be added to it again (group-only routes and files refuse them until then)",
	"AWS::Cognito::UserPoolDomain": "the hosted UI domain every SPA build, callback and identity provider redirect URI " +
		"names: hosted UI sign-in breaks until each is updated, and a freed prefix is anyone's to claim",
	"AWS::Cognito::UserPoolIdentityProvider": "the link of federated users to their accounts: Cognito names them " +
		"<provider name>_<id at the provider>, so without the provider they cannot sign in, and under a new name they " +
		"land in new, empty accounts (new sub, no groups, no attributes)",
	"AWS::Cognito::UserPoolResourceServer": "the scopes access tokens carry and API methods require: tokens issued " +
		"with the old scopes stop matching, and every client and API outside this stack that names them must change",
	"AWS::Cognito::IdentityPool": "every identity id: a new pool hands out new ids, which orphans every user's " +
		"private/{identityId}/ and protected/{identityId}/ files in S3",
	"AWS::S3::Bucket":      "every object in the bucket",
	"AWS::DynamoDB::Table": "every item in the table",
}

// Options tune a comparison.
type Options struct {
	// Allow names logical IDs whose blocking findings are accepted: they are still reported but do not
	// block. For a rename, name the old (deployed) logical ID.
	Allow []string
}

// Change is the fate of one resource.
type Change struct {
	LogicalID string
	Type      string // the proposed type; the deployed one for a deletion
	OldType   string // set when the type changed
	Action    Action
	// Paths are the changed places, relative to the resource: "Properties.Schema",
	// "Properties.KeySchema[0].AttributeName", "DeletionPolicy".
	Paths    []string
	Stateful bool
}

// Finding is a refused change to a stateful resource.
type Finding struct {
	LogicalID string
	Type      string
	Kind      Kind
	// Paths are the properties that cause the finding (empty for deletions).
	Paths []string
	// What says what would happen, in one sentence.
	What string
	// Lost says what would be lost.
	Lost string
	// Proceed says how to go on.
	Proceed string
	// Retained is true when the deployed resource has DeletionPolicy (or, for a replacement,
	// UpdateReplacePolicy) Retain: the data stays in the account but is orphaned from the stack.
	Retained bool
	// RenamedTo lists the added logical IDs of the same type (KindRenamed).
	RenamedTo []string
	// Allowed is true when Options.Allow names LogicalID.
	Allowed bool
}

// Summary counts resources by action and findings by outcome.
type Summary struct {
	Added, Modified, Replaced, Deleted, Unchanged int
	Blocked, Allowed                              int
}

// Report is the result of a comparison.
type Report struct {
	// Changes has one entry per resource in either template, sorted by logical ID.
	Changes []Change
	// Findings are sorted by logical ID, then kind.
	Findings []Finding
	// Warnings are sorted notes that do not block (a stateful resource losing Retain, an --allow that
	// matches nothing).
	Warnings []string
	// Blocked is true when a finding is not allowed.
	Blocked bool
	Summary Summary
}

// Compare compares the deployed template with the proposed one. A nil or empty deployed template
// means the stack does not exist yet: everything is added.
func Compare(deployed, proposed []byte, opts Options) (*Report, error) {
	newT, err := parseTemplate(proposed, "proposed")
	if err != nil {
		return nil, err
	}
	oldT := &template{Resources: map[string]resource{}}
	if len(deployed) > 0 {
		if oldT, err = parseTemplate(deployed, "deployed"); err != nil {
			return nil, err
		}
	}
	r := &Report{}
	r.compareResources(oldT, newT)
	r.allow(opts.Allow)
	r.count()
	return r, nil
}

// compareResources adds a change for every resource in either template, and its findings and warnings.
func (r *Report) compareResources(oldT, newT *template) {
	ids := slices.AppendSeq(slices.Collect(maps.Keys(oldT.Resources)), maps.Keys(newT.Resources))
	slices.Sort(ids)
	ids = slices.Compact(ids)

	addedByType := map[string][]string{}
	for _, id := range ids {
		if _, ok := oldT.Resources[id]; !ok {
			addedByType[newT.Resources[id].Type] = append(addedByType[newT.Resources[id].Type], id)
		}
	}

	for _, id := range ids {
		oldR, inOld := oldT.Resources[id]
		newR, inNew := newT.Resources[id]
		switch {
		case !inOld:
			r.Changes = append(r.Changes, Change{LogicalID: id, Type: newR.Type, Action: Added, Stateful: isStateful(newR.Type)})
		case !inNew:
			r.Changes = append(r.Changes, Change{LogicalID: id, Type: oldR.Type, Action: Deleted, Stateful: isStateful(oldR.Type)})
			if isStateful(oldR.Type) {
				r.Findings = append(r.Findings, deletion(id, oldR, addedByType[oldR.Type]))
			}
		default:
			c, fs := compareResource(id, oldR, newR)
			r.Changes = append(r.Changes, c)
			r.Findings = append(r.Findings, fs...)
			if w := retainWarning(id, oldR, newR); w != "" {
				r.Warnings = append(r.Warnings, w)
			}
		}
	}
}

// allow marks the findings --allow names as allowed; any other blocks. It warns of an --allow that
// matches nothing, and sorts the findings and warnings.
func (r *Report) allow(ids []string) {
	allowed := map[string]bool{}
	for _, a := range ids {
		allowed[a] = true
	}
	used := map[string]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if allowed[f.LogicalID] {
			f.Allowed = true
			used[f.LogicalID] = true
			r.Summary.Allowed++
		} else {
			r.Blocked = true
			r.Summary.Blocked++
		}
	}
	for _, a := range slices.Sorted(maps.Keys(allowed)) {
		if !used[a] {
			r.Warnings = append(r.Warnings, fmt.Sprintf("--allow %s matches no blocked change", a))
		}
	}
	sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].LogicalID < r.Findings[j].LogicalID })
	sort.Strings(r.Warnings)
}

// count fills the summary's resource counts.
func (r *Report) count() {
	for _, c := range r.Changes {
		switch c.Action {
		case Added:
			r.Summary.Added++
		case Modified:
			r.Summary.Modified++
		case Replaced:
			r.Summary.Replaced++
		case Deleted:
			r.Summary.Deleted++
		case Unchanged:
			r.Summary.Unchanged++
		}
	}
}

func isStateful(typ string) bool {
	_, ok := Stateful[typ]
	return ok
}

// compareResource compares one resource present in both templates.
func compareResource(id string, oldR, newR resource) (Change, []Finding) {
	c := Change{LogicalID: id, Type: newR.Type, Stateful: isStateful(oldR.Type) || isStateful(newR.Type)}
	if oldR.Type != newR.Type {
		c.OldType = oldR.Type
		c.Action = Replaced
		c.Paths = []string{"Type"}
		var fs []Finding
		if isStateful(oldR.Type) {
			fs = append(fs, finding(id, oldR, KindReplaced, []string{"Type"},
				fmt.Sprintf("its type changes from %s to %s: CloudFormation would create the new resource and %s", oldR.Type, newR.Type,
					removal(oldR, "UpdateReplacePolicy", "the old one"))))
		}
		return c, fs
	}
	diff("Properties", oldR.Properties, newR.Properties, &c.Paths)
	diff("", oldR.Attributes, newR.Attributes, &c.Paths)
	if len(c.Paths) == 0 {
		c.Action = Unchanged
		return c, nil
	}
	c.Action = Modified
	rule := rules[oldR.Type]
	if rule == nil {
		return c, nil
	}
	var fs []Finding
	if paths := changedReplacementProps(rule.replacement, oldR.Properties, newR.Properties); len(paths) > 0 {
		c.Action = Replaced
		fs = append(fs, finding(id, oldR, KindReplaced, paths,
			fmt.Sprintf("%s can only be set when the resource is created (CloudFormation: \"Update requires: Replacement\"): "+
				"CloudFormation would create a new %s and %s", listPaths(paths), shortType(oldR.Type), removal(oldR, "UpdateReplacePolicy", "this one"))))
	}
	if rule.refused != nil {
		for _, ref := range rule.refused(oldR.Properties, newR.Properties) {
			fs = append(fs, ref.finding(id, oldR, KindRefused))
			if ref.replaces {
				c.Action = Replaced
			}
		}
	}
	if rule.breaking != nil {
		for _, ref := range rule.breaking(oldR.Properties, newR.Properties) {
			fs = append(fs, ref.finding(id, oldR, KindBreaks))
		}
	}
	return c, fs
}

// finding turns a refusal into a finding, with its own Lost and Proceed when it has them.
func (ref refusal) finding(id string, oldR resource, kind Kind) Finding {
	f := finding(id, oldR, kind, ref.paths, ref.what)
	if ref.lost != "" {
		f.Lost = ref.lost
	}
	if ref.proceed != "" {
		f.Proceed = fmt.Sprintf(ref.proceed, id)
	}
	return f
}

// changedReplacementProps lists the replacement-only properties whose values differ.
func changedReplacementProps(props []string, a, b map[string]any) []string {
	var out []string
	for _, p := range props {
		if !equal(a[p], b[p]) {
			out = append(out, "Properties."+p)
		}
	}
	return out
}

func deletion(id string, oldR resource, added []string) Finding {
	fate := removal(oldR, "DeletionPolicy", "the "+shortType(oldR.Type))
	if len(added) > 0 {
		who := "a new " + oldR.Type + ", " + listIDs(added) + ", is"
		if len(added) > 1 {
			who = "new " + oldR.Type + "s (" + listIDs(added) + ") are"
		}
		f := finding(id, oldR, KindRenamed, nil, fmt.Sprintf("it is removed while %s added: this looks like a changed logical ID "+
			"(a rename); CloudFormation would create the new %s and %s", who, shortType(oldR.Type), fate))
		f.RenamedTo = slices.Clone(added)
		return f
	}
	return finding(id, oldR, KindDeleted, nil, "it is removed from the template: CloudFormation would "+fate)
}

// removal says what CloudFormation does with the old resource, given its retention policy.
func removal(oldR resource, policy, what string) string {
	if p, _ := scalar(oldR.Attributes[policy]); p == "Retain" {
		return "drop " + what + " from the stack (" + policy + " Retain keeps it in the account)"
	}
	return "delete " + what
}

// finding fills in what would be lost and how to proceed, which depend on the kind and the
// deployed resource's retention.
func finding(id string, oldR resource, kind Kind, paths []string, what string) Finding {
	f := Finding{LogicalID: id, Type: oldR.Type, Kind: kind, Paths: paths, What: what, Lost: Stateful[oldR.Type]}
	policy := "DeletionPolicy"
	if kind == KindReplaced {
		policy = "UpdateReplacePolicy"
	}
	if p, _ := scalar(oldR.Attributes[policy]); p == "Retain" {
		f.Retained = true
	}
	if kind == KindRefused {
		f.Lost = "nothing yet: the update fails and CloudFormation rolls the stack back, but the change can only be made with a new " +
			shortType(oldR.Type) + ", which would lose " + Stateful[oldR.Type]
	} else if f.Retained {
		f.Lost = fmt.Sprintf("%s is Retain, so the old %s and its data stay in the account, but orphaned: the stack, the app and its "+
			"configuration move to a new, empty one, so the app loses %s", policy, shortType(oldR.Type), Stateful[oldR.Type])
	}
	switch kind {
	case KindDeleted:
		f.Proceed = "keep it in the spec (revert the change); or move its data elsewhere first; or, after a backup, accept the loss with --allow " + id
	case KindRenamed:
		f.Proceed = "keep the old logical ID (undo the rename in the spec: logical IDs come from spec names); or migrate the data " +
			"to the new resource first; or, after a backup, accept the loss with --allow " + id
	case KindReplaced:
		f.Proceed = "revert the change in the spec; or migrate the data to the new resource first; or, after a backup, accept the " +
			"replacement with --allow " + id
	case KindRefused:
		f.Proceed = "revert the change in the spec; to really change it, create a new " + shortType(oldR.Type) + " next to this one " +
			"and migrate to it. --allow " + id + " only lets plan pass: the deployment itself would still fail"
	case KindBreaks:
		f.Proceed = "revert the change in the spec; or add the new value next to the old one, move every client to it, and " +
			"remove the old one in a later deploy; or accept the break with --allow " + id
	}
	return f
}

func retainWarning(id string, oldR, newR resource) string {
	if !isStateful(oldR.Type) {
		return ""
	}
	o, _ := scalar(oldR.Attributes["DeletionPolicy"])
	n, _ := scalar(newR.Attributes["DeletionPolicy"])
	if o == "Retain" && n != "Retain" {
		return fmt.Sprintf("%s (%s) loses DeletionPolicy Retain: a later removal from the stack would delete its data", id, oldR.Type)
	}
	return ""
}

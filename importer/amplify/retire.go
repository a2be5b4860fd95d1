package amplify

import (
	"cmp"
	"fmt"
	"strings"
)

// Logical ids and override.ts properties amplify-cli uses (auth-cognito-stack-builder,
// auth-user-pool-group-stack-builder, ddb-stack-builder and s3-stack-builder; the legacy templates use
// the same logical ids).

// retainLines are the override.ts statements that give a CfnResource DeletionPolicy and
// UpdateReplacePolicy Retain.
func retainLines(prop string) []string {
	return []string{
		prop + `.addOverride("DeletionPolicy", "Retain");`,
		prop + `.addOverride("UpdateReplacePolicy", "Retain");`,
	}
}

// customResourceRetain keeps a CDK CustomResource (not a CfnResource): no addOverride on it.
func customResourceRetain(prop string) string {
	return prop + `.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN); // import * as cdk from "aws-cdk-lib"`
}

// authRetire adds the steps that keep Amplify's user pool, app client, identity pool and role
// attachment, hosted UI domain and groups when the Amplify stack goes.
func (b *builder) authRetire() {
	a := b.auth
	if a.res.Imported {
		return
	}
	dir := "amplify/backend/auth/" + a.amp
	step := RetireStep{Resource: "auth/" + a.amp, Legacy: a.legacy}
	what := []string{"user pool", "web app client"}
	step.LogicalIDs = []string{"UserPool", "UserPoolClientWeb"}
	props := []string{"resources.userPool", "resources.userPoolClientWeb"}
	why := []string{
		"UserPool holds every user and password (Cognito cannot export passwords)",
		"UserPoolClientWeb is the app client the deployed app and the identity pool know",
	}
	if a.identityPool {
		what = append(what, "identity pool", "its role attachment")
		step.LogicalIDs = append(step.LogicalIDs, "IdentityPool", "IdentityPoolRoleMap")
		props = append(props, "resources.identityPool", "resources.identityPoolRoleMap")
		why = append(why,
			"IdentityPool holds every user's identity id, the key of their private/ and protected/ files",
			"deleting IdentityPoolRoleMap clears the pool's roles, which would then be underhood's")
	}
	for _, p := range props {
		step.Override = append(step.Override, retainLines(p)...)
	}
	if a.hosted != nil {
		what = append(what, "hosted UI domain")
		step.LogicalIDs = append(step.LogicalIDs, "HostedUICustomResourceInputs")
		step.Override = append(step.Override, customResourceRetain("resources.hostedUICustomResourceInputs"))
		why = append(why, "HostedUICustomResourceInputs is a Lambda custom resource that deletes the domain when it is deleted")
		if len(a.hosted.providers) > 0 || len(a.providerComment) > 0 {
			what = append(what, "social identity providers")
			step.LogicalIDs = append(step.LogicalIDs, "HostedUIProvidersCustomResourceInputs")
			step.Override = append(step.Override, customResourceRetain("resources.hostedUIProvidersCustomResourceInputs"))
			why = append(why, "HostedUIProvidersCustomResourceInputs deletes the pool's identity providers when it is deleted")
		}
	}
	step.What = strings.Join(what, ", ")
	step.Why = strings.Join(why, "; ")
	if a.legacy {
		step.Template = dir + "/" + a.amp + "-cloudformation-template.yml"
	} else {
		step.Template = dir + "/override.ts"
	}
	b.retire = append(b.retire, step)

	if a.groupsRes == nil || len(a.groups) == 0 || a.groupsRes.Status == StatusMissing {
		return
	}
	gdir := "amplify/backend/auth/" + a.groupsRes.Name
	gs := RetireStep{Resource: "auth/" + a.groupsRes.Name, What: "user pool groups",
		Why: "deleting a group deletes its memberships"}
	gs.Legacy = b.p.exists(gdir + "/template.json")
	for _, g := range a.groups {
		gs.LogicalIDs = append(gs.LogicalIDs, g.name+"Group")
		gs.Override = append(gs.Override, retainLines(fmt.Sprintf("resources.userPoolGroup[%q]", g.name))...)
	}
	if gs.Legacy {
		gs.Template = gdir + "/template.json"
	} else {
		gs.Template = gdir + "/override.ts"
	}
	b.retire = append(b.retire, gs)
}

// storageRetire adds the step for one managed bucket or table.
func (b *builder) storageRetire(s *storageOut) error {
	if s.res.Imported || !s.inSpec() {
		return nil
	}
	step := RetireStep{Resource: "storage/" + s.amp, Legacy: s.legacy}
	switch s.kind {
	case "dynamodb":
		step.What = "DynamoDB table"
		step.LogicalIDs = []string{"DynamoDBTable"}
		step.Override = retainLines("resources.dynamoDBTable")
		step.Why = "amplify-cli creates its tables without a DeletionPolicy: deleting the stack deletes the table and its items"
		if s.legacy {
			step.Template = s.dir + "/" + s.amp + "-cloudformation-template.json"
		} else {
			step.Template = s.dir + "/override.ts"
		}
	case "s3":
		step.What = "S3 bucket"
		step.LogicalIDs = []string{"S3Bucket"}
		step.Done = true
		step.Why = "amplify-cli's S3 stack sets DeletionPolicy Retain on S3Bucket (s3-stack-builder applies RemovalPolicy.RETAIN)"
		if s.legacy {
			step.Template = s.dir + "/s3-cloudformation-template.json"
			var tmpl struct {
				Resources map[string]struct {
					DeletionPolicy string `json:"DeletionPolicy"`
				} `json:"Resources"`
			}
			ok, err := b.p.readOptionalJSON(step.Template, &tmpl)
			if err != nil {
				return err
			}
			if ok {
				step.Done = tmpl.Resources["S3Bucket"].DeletionPolicy == "Retain"
				step.Why = "the template's S3Bucket has DeletionPolicy " + cmp.Or(tmpl.Resources["S3Bucket"].DeletionPolicy, "(none: Delete)")
			}
		} else {
			step.Template = s.dir + "/override.ts"
		}
		if !step.Done {
			step.Override = retainLines("resources.s3Bucket")
			step.Why += "; a bucket that still holds objects fails to delete, an emptied one is gone"
		}
	}
	b.retire = append(b.retire, step)
	return nil
}

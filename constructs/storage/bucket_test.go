package storage_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/storage"
)

const sub = "${cognito-identity.amazonaws.com:sub}"

// B is the rendered bucket ARN placeholder in expected statements; it is
// replaced by arn(<bucket logical id>) at check time.
const B = "B"

var (
	get   = []string{"s3:GetObject"}
	put   = []string{"s3:PutObject", "s3:AbortMultipartUpload"}
	del   = []string{"s3:DeleteObject"}
	rwd   = []string{"s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"}
	rAll  = []storage.Action{storage.ActionRead, storage.ActionWrite, storage.ActionDelete}
	rOnly = []storage.Action{storage.ActionRead}
)

func list(prefixes ...string) stmt {
	return stmt{Actions: []string{"s3:ListBucket"}, Resources: []string{B}, Prefixes: prefixes}
}

func objects(actions []string, keys ...string) stmt {
	res := make([]string, len(keys))
	for i, k := range keys {
		res[i] = B + "/" + k
	}
	return stmt{Actions: actions, Resources: res}
}

func withBucket(want []stmt, arn string) []stmt {
	out := make([]stmt, len(want))
	for i, w := range want {
		w.Resources = append([]string(nil), w.Resources...)
		for j, r := range w.Resources {
			if r == B || strings.HasPrefix(r, B+"/") {
				w.Resources[j] = arn + strings.TrimPrefix(r, B)
			}
		}
		out[i] = w
	}
	return out
}

type rule struct {
	level   storage.Level
	who     storage.Who
	actions []storage.Action
}

func TestBucketAccessLevels(t *testing.T) {
	cases := []struct {
		name  string
		rules []rule // all granted to one role, in order
		want  []stmt
	}{
		{"public guest read", []rule{{storage.LevelPublic, storage.WhoGuest, rOnly}},
			[]stmt{objects(get, "public/*"), list("public/", "public/*")}},
		{"public authenticated read write delete", []rule{{storage.LevelPublic, storage.WhoAuthenticated, rAll}},
			[]stmt{objects(rwd, "public/*"), list("public/", "public/*")}},
		{"public authenticated write", []rule{{storage.LevelPublic, storage.WhoAuthenticated, []storage.Action{storage.ActionWrite}}},
			[]stmt{objects(put, "public/*")}},
		{"public guest delete", []rule{{storage.LevelPublic, storage.WhoGuest, []storage.Action{storage.ActionDelete}}},
			[]stmt{objects(del, "public/*")}},
		{"public group read", []rule{{storage.LevelPublic, storage.WhoGroup, rOnly}},
			[]stmt{objects(get, "public/*"), list("public/", "public/*")}},
		{"protected owner read write delete", []rule{{storage.LevelProtected, storage.WhoOwner, rAll}},
			[]stmt{objects(rwd, "protected/"+sub+"/*"), list("protected/"+sub+"/", "protected/"+sub+"/*")}},
		{"protected owner write", []rule{{storage.LevelProtected, storage.WhoOwner, []storage.Action{storage.ActionWrite}}},
			[]stmt{objects(put, "protected/"+sub+"/*")}},
		{"protected authenticated read", []rule{{storage.LevelProtected, storage.WhoAuthenticated, rOnly}},
			[]stmt{objects(get, "protected/*"), list("protected/", "protected/*")}},
		{"protected guest read", []rule{{storage.LevelProtected, storage.WhoGuest, rOnly}},
			[]stmt{objects(get, "protected/*"), list("protected/", "protected/*")}},
		{"private owner read write delete", []rule{{storage.LevelPrivate, storage.WhoOwner, rAll}},
			[]stmt{objects(rwd, "private/"+sub+"/*"), list("private/"+sub+"/", "private/"+sub+"/*")}},
		{"private owner delete", []rule{{storage.LevelPrivate, storage.WhoOwner, []storage.Action{storage.ActionDelete}}},
			[]stmt{objects(del, "private/"+sub+"/*")}},
		{"all group read write delete", []rule{{storage.LevelAll, storage.WhoGroup, rAll}},
			[]stmt{objects(rwd, "public/*", "protected/*", "private/*"),
				list("public/", "public/*", "protected/", "protected/*", "private/", "private/*")}},
		{"all group read", []rule{{storage.LevelAll, storage.WhoGroup, rOnly}},
			[]stmt{objects(get, "public/*", "protected/*", "private/*"),
				list("public/", "public/*", "protected/", "protected/*", "private/", "private/*")}},
		{"duplicate and unordered actions", []rule{{storage.LevelPublic, storage.WhoAuthenticated,
			[]storage.Action{storage.ActionDelete, storage.ActionRead, storage.ActionRead}}},
			[]stmt{objects([]string{"s3:GetObject", "s3:DeleteObject"}, "public/*"), list("public/", "public/*")}},
		{"authenticated role of the design example, rule order kept", []rule{
			{storage.LevelPublic, storage.WhoAuthenticated, rAll},
			{storage.LevelProtected, storage.WhoOwner, rAll},
			{storage.LevelProtected, storage.WhoAuthenticated, rOnly},
			{storage.LevelPrivate, storage.WhoOwner, rAll},
		}, []stmt{
			objects(rwd, "public/*"), list("public/", "public/*"),
			objects(rwd, "protected/"+sub+"/*"), list("protected/"+sub+"/", "protected/"+sub+"/*"),
			objects(get, "protected/*"), list("protected/", "protected/*"),
			objects(rwd, "private/"+sub+"/*"), list("private/"+sub+"/", "private/"+sub+"/*"),
		}},
	}

	app := awscdk.NewApp(nil)
	type built struct {
		stack  awscdk.Stack
		bucket *storage.Bucket
		role   awsiam.Role
	}
	bs := make([]built, len(cases))
	for i, c := range cases {
		stack := awscdk.NewStack(app, jsii.String(fmt.Sprintf("Access%d", i)), nil)
		role := newRole(stack, "Role")
		var access []storage.AccessRule
		for _, r := range c.rules {
			access = append(access, storage.AccessRule{Level: r.level, Who: r.who, Actions: r.actions, Grantee: role, Group: "admins"})
		}
		bs[i] = built{stack, storage.NewBucket(stack, "Store", &storage.BucketProps{Access: access}), role}
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := bs[i]
			if errs := errorsOf(b.stack); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			tmpl := templateJSON(t, b.stack)
			got := statementsOfRole(t, tmpl, logicalID(b.stack, b.role))
			checkStatements(t, got, withBucket(c.want, "arn("+logicalID(b.stack, b.bucket.Bucket)+")"))
			checkNoWildcards(t, tmpl)
		})
	}
}

func TestBucketGroupsGoToTheirOwnGrantee(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Grantees"), nil)
	guest, auth, admins := newRole(stack, "Guest"), newRole(stack, "Auth"), newRole(stack, "Admins")
	b := storage.NewBucket(stack, "Store", &storage.BucketProps{Access: []storage.AccessRule{
		{Level: storage.LevelPublic, Who: storage.WhoGuest, Actions: rOnly, Grantee: guest},
		{Level: storage.LevelPublic, Who: storage.WhoAuthenticated, Actions: rAll, Grantee: auth},
		{Level: storage.LevelAll, Who: storage.WhoGroup, Group: "admins", Actions: rAll, Grantee: admins},
	}})
	tmpl := templateJSON(t, stack)
	arn := "arn(" + logicalID(stack, b.Bucket) + ")"
	checkStatements(t, statementsOfRole(t, tmpl, logicalID(stack, guest)),
		withBucket([]stmt{objects(get, "public/*"), list("public/", "public/*")}, arn))
	checkStatements(t, statementsOfRole(t, tmpl, logicalID(stack, auth)),
		withBucket([]stmt{objects(rwd, "public/*"), list("public/", "public/*")}, arn))
	checkStatements(t, statementsOfRole(t, tmpl, logicalID(stack, admins)),
		withBucket([]stmt{objects(rwd, "public/*", "protected/*", "private/*"),
			list("public/", "public/*", "protected/", "protected/*", "private/", "private/*")}, arn))

	// AccessObjectArns lists what the rules granted, each once (public/* twice in the rules).
	var granted []string
	for _, a := range b.AccessObjectArns() {
		raw, err := json.Marshal(stack.Resolve(a))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		granted = append(granted, render(t, v))
	}
	if want := []string{arn + "/public/*", arn + "/protected/*", arn + "/private/*"}; !slices.Equal(granted, want) {
		t.Errorf("AccessObjectArns = %v, want %v", granted, want)
	}
}

func TestBucketAccessErrors(t *testing.T) {
	cases := []struct {
		name string
		rule storage.AccessRule
		want string
	}{
		{"private authenticated", storage.AccessRule{Level: storage.LevelPrivate, Who: storage.WhoAuthenticated, Actions: rOnly}, "private level is owner-only"},
		{"private guest", storage.AccessRule{Level: storage.LevelPrivate, Who: storage.WhoGuest, Actions: rOnly}, "private level is owner-only"},
		{"protected authenticated write", storage.AccessRule{Level: storage.LevelProtected, Who: storage.WhoAuthenticated, Actions: rAll}, "protected level allows only read"},
		{"protected guest delete", storage.AccessRule{Level: storage.LevelProtected, Who: storage.WhoGuest, Actions: []storage.Action{storage.ActionDelete}}, "protected level allows only read"},
		{"public owner", storage.AccessRule{Level: storage.LevelPublic, Who: storage.WhoOwner, Actions: rOnly}, "public objects have no owner"},
		{"all authenticated", storage.AccessRule{Level: storage.LevelAll, Who: storage.WhoAuthenticated, Actions: rOnly}, "level all is for groups only"},
		{"unknown level", storage.AccessRule{Level: "shared", Who: storage.WhoOwner, Actions: rOnly}, `unknown level "shared"`},
		{"unknown who", storage.AccessRule{Level: storage.LevelPublic, Who: "everyone", Actions: rOnly}, `unknown who "everyone"`},
		{"no actions", storage.AccessRule{Level: storage.LevelPublic, Who: storage.WhoGuest}, "no actions given"},
		{"unknown action", storage.AccessRule{Level: storage.LevelPublic, Who: storage.WhoGuest, Actions: []storage.Action{"list"}}, `unknown action "list"`},
		{"nil grantee", storage.AccessRule{Level: storage.LevelPublic, Who: storage.WhoGuest, Actions: rOnly}, "grantee is nil"},
	}
	app := awscdk.NewApp(nil)
	stacks := make([]awscdk.Stack, len(cases))
	roles := make([]awsiam.Role, len(cases))
	for i, c := range cases {
		stacks[i] = awscdk.NewStack(app, jsii.String(fmt.Sprintf("Err%d", i)), nil)
		roles[i] = newRole(stacks[i], "Role")
		r := c.rule
		if c.name != "nil grantee" {
			r.Grantee = roles[i]
		}
		storage.NewBucket(stacks[i], "Store", &storage.BucketProps{Access: []storage.AccessRule{r}})
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := errorsOf(stacks[i])
			if !hasErrorMatching(errs, c.want) {
				t.Fatalf("errors %v, want one containing %q", errs, c.want)
			}
			// A rejected rule grants nothing.
			if got := statementsOfRole(t, templateJSON(t, stacks[i]), logicalID(stacks[i], roles[i])); len(got) != 0 {
				t.Errorf("rejected rule still granted %+v", got)
			}
		})
	}
}

func TestBucketProperties(t *testing.T) {
	app := awscdk.NewApp(nil)
	defStack := awscdk.NewStack(app, jsii.String("Defaults"), nil)
	storage.NewBucket(defStack, "Store", nil)

	destroy := awscdk.RemovalPolicy_DESTROY
	props := &storage.BucketProps{
		BucketName:       "photoshare-dev-photos",
		Versioned:        true,
		CorsAllowOrigins: []string{"http://localhost:5173", "https://app.example"},
		Removal:          &destroy,
	}
	before := *props
	before.CorsAllowOrigins = append([]string(nil), props.CorsAllowOrigins...)
	fullStack := awscdk.NewStack(app, jsii.String("Full"), nil)
	storage.NewBucket(fullStack, "Store", props)

	snapshot := awscdk.RemovalPolicy_SNAPSHOT
	snapStack := awscdk.NewStack(app, jsii.String("Snapshot"), nil)
	storage.NewBucket(snapStack, "Store", &storage.BucketProps{Removal: &snapshot})

	emptiedStack := awscdk.NewStack(app, jsii.String("Emptied"), nil)
	storage.NewBucket(emptiedStack, "Store", &storage.BucketProps{Versioned: true, Removal: &destroy, AutoDeleteObjects: true})
	storage.NewBucket(emptiedStack, "Other", &storage.BucketProps{Removal: &destroy, AutoDeleteObjects: true})
	keptStack := awscdk.NewStack(app, jsii.String("Kept"), nil)
	storage.NewBucket(keptStack, "Store", &storage.BucketProps{AutoDeleteObjects: true})

	badNameStack := awscdk.NewStack(app, jsii.String("BadName"), nil)
	storage.NewBucket(badNameStack, "Store", &storage.BucketProps{BucketName: "My_Photos"})
	tokenNameStack := awscdk.NewStack(app, jsii.String("TokenName"), nil)
	storage.NewBucket(tokenNameStack, "Store", &storage.BucketProps{BucketName: "photos-" + *awscdk.Aws_ACCOUNT_ID()})

	t.Run("invalid name reported, not thrown", func(t *testing.T) {
		if errs := errorsOf(badNameStack); !hasErrorMatching(errs, `bucket name "My_Photos" is invalid`) {
			t.Fatalf("errors %v, want invalid bucket name", errs)
		}
		assertions.Template_FromStack(badNameStack, nil).HasResourceProperties(jsii.String("AWS::S3::Bucket"),
			map[string]any{"BucketName": assertions.Match_Absent()})
	})

	t.Run("token name passes", func(t *testing.T) {
		if errs := errorsOf(tokenNameStack); len(errs) > 0 {
			t.Fatalf("unexpected errors: %v", errs)
		}
		assertions.Template_FromStack(tokenNameStack, nil).HasResourceProperties(jsii.String("AWS::S3::Bucket"),
			map[string]any{"BucketName": map[string]any{"Fn::Join": []any{"", []any{"photos-", map[string]any{"Ref": "AWS::AccountId"}}}}})
	})

	t.Run("props not modified", func(t *testing.T) {
		if !reflect.DeepEqual(*props, before) {
			t.Errorf("props changed: %+v, was %+v", *props, before)
		}
	})

	t.Run("defaults", func(t *testing.T) {
		if errs := errorsOf(defStack); len(errs) > 0 {
			t.Fatalf("unexpected errors: %v", errs)
		}
		tmpl := assertions.Template_FromStack(defStack, nil)
		tmpl.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(1))
		tmpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"PublicAccessBlockConfiguration": map[string]any{
				"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
			},
			"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
				map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
			}},
			"OwnershipControls":       map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}},
			"BucketName":              assertions.Match_Absent(),
			"VersioningConfiguration": assertions.Match_Absent(),
			"CorsConfiguration":       assertions.Match_Absent(),
		})
		tmpl.HasResource(jsii.String("AWS::S3::Bucket"), map[string]any{
			"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
		})
		// SSL-only bucket policy.
		tmpl.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{
					"Effect":    "Deny",
					"Action":    "s3:*",
					"Principal": map[string]any{"AWS": "*"},
					"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
				}),
			})},
		})
	})

	t.Run("destroy versioned cors named", func(t *testing.T) {
		if errs := errorsOf(fullStack); len(errs) > 0 {
			t.Fatalf("unexpected errors: %v", errs)
		}
		tmpl := assertions.Template_FromStack(fullStack, nil)
		tmpl.HasResource(jsii.String("AWS::S3::Bucket"), map[string]any{
			"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
		})
		// DESTROY alone does not pull in the autoDeleteObjects Lambda custom resource.
		tmpl.ResourceCountIs(jsii.String("Custom::S3AutoDeleteObjects"), jsii.Number(0))
		tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(0))
		tmpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"BucketName":              "photoshare-dev-photos",
			"VersioningConfiguration": map[string]any{"Status": "Enabled"},
			"CorsConfiguration": map[string]any{"CorsRules": []any{map[string]any{
				"AllowedOrigins": []any{"http://localhost:5173", "https://app.example"},
				"AllowedMethods": []any{"GET", "HEAD", "PUT", "POST", "DELETE"},
				"AllowedHeaders": []any{"*"},
				"ExposedHeaders": []any{"ETag", "x-amz-server-side-encryption", "x-amz-request-id", "x-amz-id-2"},
				"MaxAge":         3000,
			}}},
		})
		tmpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"CorsConfiguration": map[string]any{"CorsRules": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{"ExposedHeaders": assertions.Match_ArrayWith(&[]any{"ETag"})}),
			})},
		})
	})

	t.Run("destroy with AutoDeleteObjects empties the bucket first", func(t *testing.T) {
		if errs := errorsOf(emptiedStack); len(errs) > 0 {
			t.Fatalf("unexpected errors: %v", errs)
		}
		tmpl := assertions.Template_FromStack(emptiedStack, nil)
		// One custom resource per bucket, one provider function (and its role) per stack.
		tmpl.ResourceCountIs(jsii.String("Custom::S3AutoDeleteObjects"), jsii.Number(2))
		tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(1))
		tmpl.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(1))
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::S3::Bucket"), map[string]any{
			"Tags": assertions.Match_ArrayWith(&[]any{map[string]any{"Key": "aws-cdk:auto-delete-objects", "Value": "true"}}),
		}, jsii.Number(2))
		// The provider may delete every object version of the bucket, through the bucket's own policy.
		tmpl.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{
					"Effect": "Allow",
					"Action": assertions.Match_ArrayWith(&[]any{"s3:List*", "s3:DeleteObject*"}),
				}),
			})},
		})
	})

	t.Run("AutoDeleteObjects on a retained bucket is refused", func(t *testing.T) {
		if errs := errorsOf(keptStack); !hasErrorMatching(errs, "AutoDeleteObjects needs Removal DESTROY") {
			t.Fatalf("errors %v, want AutoDeleteObjects refused", errs)
		}
		tmpl := assertions.Template_FromStack(keptStack, nil)
		tmpl.ResourceCountIs(jsii.String("Custom::S3AutoDeleteObjects"), jsii.Number(0))
		tmpl.HasResource(jsii.String("AWS::S3::Bucket"), map[string]any{"DeletionPolicy": "Retain"})
	})

	t.Run("snapshot rejected", func(t *testing.T) {
		if errs := errorsOf(snapStack); !hasErrorMatching(errs, "SNAPSHOT is not supported") {
			t.Fatalf("errors %v, want SNAPSHOT rejection", errs)
		}
		assertions.Template_FromStack(snapStack, nil).HasResource(jsii.String("AWS::S3::Bucket"),
			map[string]any{"DeletionPolicy": "Retain"})
	})
}

func TestBucketGrantFunction(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Grant"), nil)
	b := storage.NewBucket(stack, "Store", nil)
	rw := newFunction(stack, "ReadWrite")
	b.Grant(rw, storage.ActionRead, storage.ActionWrite, storage.ActionDelete)
	wo := newFunction(stack, "WriteOnly")
	b.Grant(wo, storage.ActionWrite)
	bad := newFunction(stack, "Bad")
	b.Grant(bad, "admin")
	b.Grant(nil, storage.ActionRead)

	tmpl := templateJSON(t, stack)
	arn := "arn(" + logicalID(stack, b.Bucket) + ")"
	checkStatements(t, statementsOfRole(t, tmpl, logicalID(stack, rw.Role())),
		withBucket([]stmt{objects(rwd, "*"), {Actions: []string{"s3:ListBucket"}, Resources: []string{B}}}, arn))
	checkStatements(t, statementsOfRole(t, tmpl, logicalID(stack, wo.Role())),
		withBucket([]stmt{objects(put, "*")}, arn))
	checkStatements(t, statementsOfRole(t, tmpl, logicalID(stack, bad.Role())), nil)
	checkNoWildcards(t, tmpl)

	errs := errorsOf(stack)
	for _, want := range []string{`unknown action "admin"`, "grantee is nil"} {
		if !hasErrorMatching(errs, want) {
			t.Errorf("errors %v, want one containing %q", errs, want)
		}
	}
}

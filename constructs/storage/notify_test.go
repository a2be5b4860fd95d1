package storage_test

import (
	"reflect"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/storage"
)

// TestBucketNotifications: from plain CDK code, a bucket with a name known in advance gets its
// notifications as the L1 NotificationConfiguration (no custom resource), one permission per function
// scoped to that bucket name and account, and depends on them; without a name it is a synth error;
// an existing bucket gets only the permission and the configuration to set on it.
func TestBucketNotifications(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	named := awscdk.NewStack(app, jsii.String("Named"), nil)
	fn := newFunction(named, "Fn")
	b := storage.NewBucket(named, "Files", &storage.BucketProps{
		BucketName: "files-" + *awscdk.Aws_ACCOUNT_ID(),
		Notifications: []storage.Notification{
			{Name: "Thumbs", Function: fn, Events: []storage.ObjectEvent{storage.ObjectCreated}, Prefix: "public/"},
			{Name: "Thumbs", Function: fn, Events: []storage.ObjectEvent{storage.ObjectRemoved}, Prefix: "private/"},
		},
	})
	b.Grant(fn, storage.ActionRead)

	unnamed := awscdk.NewStack(app, jsii.String("Unnamed"), nil)
	storage.NewBucket(unnamed, "Files", &storage.BucketProps{Notifications: []storage.Notification{
		{Name: "F", Function: newFunction(unnamed, "Fn"), Events: []storage.ObjectEvent{storage.ObjectCreated}},
	}})

	existing := awscdk.NewStack(app, jsii.String("Existing"), nil)
	ex := storage.NewBucket(existing, "Files", &storage.BucketProps{ExistingBucketName: "their-bucket", Notifications: []storage.Notification{
		{Name: "F", Function: newFunction(existing, "Fn"), Events: []storage.ObjectEvent{storage.ObjectCreated, storage.ObjectRemoved}},
	}})

	tmpl := templateJSON(t, named)
	fnArn := map[string]any{"Fn::GetAtt": []any{logicalID(named, fn), "Arn"}}
	bucketID := logicalID(named, b.Bucket)
	bucket := tmpl["Resources"].(map[string]any)[bucketID].(map[string]any)
	wantConfigs := []any{
		map[string]any{"Event": "s3:ObjectCreated:*", "Function": fnArn, "Filter": map[string]any{"S3Key": map[string]any{"Rules": []any{map[string]any{"Name": "prefix", "Value": "public/"}}}}},
		map[string]any{"Event": "s3:ObjectRemoved:*", "Function": fnArn, "Filter": map[string]any{"S3Key": map[string]any{"Rules": []any{map[string]any{"Name": "prefix", "Value": "private/"}}}}},
	}
	props := bucket["Properties"].(map[string]any)
	if got := props["NotificationConfiguration"].(map[string]any)["LambdaConfigurations"]; !reflect.DeepEqual(got, wantConfigs) {
		t.Errorf("notifications %v\nwant %v", got, wantConfigs)
	}
	perms := resources(tmpl, "AWS::Lambda::Permission")
	if len(perms) != 1 {
		t.Fatalf("permissions %v, want one per function", perms)
	}
	for id, p := range perms {
		pp := p["Properties"].(map[string]any)
		if pp["Principal"] != "s3.amazonaws.com" || render(t, pp["SourceArn"]) != "arn:ref(AWS::Partition):s3:::files-ref(AWS::AccountId)" || render(t, pp["SourceAccount"]) != "ref(AWS::AccountId)" {
			t.Errorf("permission %v", pp)
		}
		if deps, _ := bucket["DependsOn"].([]any); !reflect.DeepEqual(deps, []any{id}) {
			t.Errorf("bucket DependsOn %v, want [%s]", deps, id)
		}
	}
	for _, typ := range []string{"Custom::S3BucketNotifications", "AWS::Lambda::Function"} {
		if n := len(resources(tmpl, typ)); typ == "AWS::Lambda::Function" && n != 1 || typ != "AWS::Lambda::Function" && n != 0 {
			t.Errorf("%d %s resources", n, typ)
		}
	}
	if b.NotificationConfiguration() != nil {
		t.Error("a created bucket has its notifications; no configuration to set by hand")
	}
	if errs := errorsOf(unnamed); !hasErrorMatching(errs, "notifications need a bucket name known before the bucket exists") {
		t.Errorf("unnamed bucket: errors %v", errs)
	}
	if errs := errorsOf(named); len(errs) != 0 {
		t.Errorf("named bucket: errors %v", errs)
	}
	et := templateJSON(t, existing)
	if n := len(resources(et, "AWS::S3::Bucket")); n != 0 {
		t.Errorf("the existing bucket is created (%d)", n)
	}
	for _, p := range resources(et, "AWS::Lambda::Permission") {
		if got := render(t, p["Properties"].(map[string]any)["SourceArn"]); got != "arn:ref(AWS::Partition):s3:::their-bucket" {
			t.Errorf("existing bucket permission for %s", got)
		}
	}
	if ex.NotificationConfiguration() == nil {
		t.Error("no configuration to set on the existing bucket")
	}
}

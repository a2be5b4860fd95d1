package spec_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

// TestScheduleExpressions: expressions EventBridge documents as valid load, with spaces normalized;
// the invalid ones are covered by the golden fixtures 120-123.
func TestScheduleExpressions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"rate(1 minute)", "rate(1 minute)"},
		{"rate(5 minutes)", "rate(5 minutes)"},
		{"rate(1 hour)", "rate(1 hour)"},
		{"rate(7 days)", "rate(7 days)"},
		{" rate(12  hours) ", "rate(12 hours)"},
		{"cron(0 10 * * ? *)", "cron(0 10 * * ? *)"},
		{"cron(15 12 * * ? *)", "cron(15 12 * * ? *)"},
		{"cron(0 18 ? * MON-FRI *)", "cron(0 18 ? * MON-FRI *)"},
		{"cron(0 8 1 * ? *)", "cron(0 8 1 * ? *)"},
		{"cron(0/10 * ? * MON-FRI *)", "cron(0/10 * ? * MON-FRI *)"},
		{"cron(0/5 8-17 ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)"},
		{"cron(0 9 ? * 2#1 *)", "cron(0 9 ? * 2#1 *)"},
		{"cron(0 12 L * ? 2030)", "cron(0 12 L * ? 2030)"},
		{"cron(0 12 15W JAN,JUL ? *)", "cron(0 12 15W JAN,JUL ? *)"},
		{"cron(0   3 * * ? *)", "cron(0 3 * * ? *)"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			src := "version: 1\napp: jobs\nfunctions:\n  job:\n    runtime: nodejs\n    source: testdata/invalid/functions/hello\n    schedule: \"" + tt.in + "\"\n"
			app, err := spec.Parse("app.yaml", ".", []byte(src), "")
			if err != nil {
				t.Fatal(err)
			}
			if got := app.Functions[0].Schedule; got != tt.want {
				t.Errorf("schedule %q, want %q", got, tt.want)
			}
		})
	}
}

const triggersSpec = `version: 1
app: shop
stages:
  dev: {}
  prod:
    region: eu-west-1
    existing:
      storage: { orders: orders-prod, files: shop-files-prod }
      streams:
        orders: arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod/stream/2024-05-01T10:00:00.000
functions:
  worker:
    runtime: nodejs
    source: testdata/invalid/functions/hello
    schedule: cron(0 3 * * ? *)
    environment: { MODE: batch }
    secrets:
      STRIPE_KEY: { secretsManager: shop/stripe }
      OPENAI_KEY: { ssmParameter: /shop/openai, kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
    events:
      - { s3: files, on: [removed, created], prefix: public/ }
      - dynamodb: orders
      - { s3: files, on: [created], prefix: private/ }
storage:
  files: { type: s3 }
  orders: { type: dynamodb, partitionKey: id:string, stream: new-image }
`

// TestTriggersModel: schedule, secrets and events resolve sorted and normalized, and a reordered spec
// (every map and list reversed) gives the same model.
func TestTriggersModel(t *testing.T) {
	for _, stage := range []string{"dev", "prod"} {
		app, err := spec.Parse("app.yaml", ".", []byte(triggersSpec), stage)
		if err != nil {
			t.Fatal(err)
		}
		fn := app.Functions[0]
		wantSecrets := []spec.FunctionSecret{
			{Env: "OPENAI_KEY", SSMParameter: "/shop/openai", KMSKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
			{Env: "STRIPE_KEY", SecretsManager: "shop/stripe"},
		}
		wantEvents := []spec.Event{
			{DynamoDB: "orders"},
			{S3: "files", On: []string{"created"}, Prefix: "private/"},
			{S3: "files", On: []string{"created", "removed"}, Prefix: "public/"},
		}
		if fn.Schedule != "cron(0 3 * * ? *)" || !reflect.DeepEqual(fn.Secrets, wantSecrets) || !reflect.DeepEqual(fn.Events, wantEvents) {
			t.Errorf("%s: got schedule %q\nsecrets %+v\nevents %+v", stage, fn.Schedule, fn.Secrets, fn.Events)
		}
		wantStream := ""
		if stage == "prod" {
			wantStream = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod/stream/2024-05-01T10:00:00.000"
		}
		if got := app.Tables[0].ExistingStreamARN; got != wantStream {
			t.Errorf("%s: stream ARN %q, want %q", stage, got, wantStream)
		}
		if got := app.BucketEvents("files"); len(got) != 2 || got[0].Function != "worker" {
			t.Errorf("%s: bucket events %+v", stage, got)
		}
		rev, err := spec.Parse("app.yaml", ".", spectest.Reversed(t, []byte(triggersSpec)), stage)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rev, app) {
			t.Errorf("%s: the reordered spec resolves differently", stage)
		}
	}
}

// TestEventBucketPrefix: the computed name of a bucket with events fits S3's 63 characters with the
// longest account and region suffix, stays readable when short, and differs for different buckets.
func TestEventBucketPrefix(t *testing.T) {
	const suffix = "-123456789012-ap-southeast-1"
	long := strings.Repeat("a", 40)
	tests := []struct {
		app, stage, bucket string
		want               string // "" = only check the length and charset
	}{
		{"photoshare", "dev", "files", "photoshare-dev-files"},
		{"shop", "prod", "Uploads", "shop-prod-uploads"},
		{long, "production", "userUploadsBucket", ""},
		{long, "production", "userUploadsBucket2", ""},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		got := spec.EventBucketPrefix(tt.app, tt.stage, tt.bucket)
		if tt.want != "" && got != tt.want {
			t.Errorf("%s/%s/%s: %q, want %q", tt.app, tt.stage, tt.bucket, got, tt.want)
		}
		name := got + suffix
		if len(name) > 63 || strings.ToLower(name) != name || strings.HasSuffix(got, "-") {
			t.Errorf("%q is not a valid bucket name (%d characters)", name, len(name))
		}
		if seen[got] {
			t.Errorf("%q computed twice", got)
		}
		seen[got] = true
	}
}

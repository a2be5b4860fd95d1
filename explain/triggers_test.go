package explain

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/golden"
	"github.com/underhood-dev/underhood/spec"
)

// TestTriggers explains the stacks' triggers app (schedule, secrets, streams, S3 events) at its prod
// stage, which references an existing bucket and table: golden testdata/triggers-prod.md, plus the
// facts a reader must find.
func TestTriggers(t *testing.T) {
	app, err := spec.Load(filepath.Join("..", "stacks", "testdata", "triggers", "app.yaml"), "prod")
	if err != nil {
		t.Fatal(err)
	}
	got := Markdown(app, "stacks/testdata/triggers/app.yaml")
	golden.Check(t, filepath.Join("testdata", "triggers-prod.md"), got)
	md := string(got)
	for _, fact := range []string{
		"**Why:** it runs on the schedule `cron(0 3 * * ? *)` (an EventBridge rule, UTC).",
		"- Secret `STRIPE_KEY`: the Secrets Manager secret `shop/stripe`. The variable holds its name, never its value",
		"- Secret `OPENAI_KEY`: the SSM parameter `/shop/prod/openai`.",
		"and decrypt with key `arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab` through Parameter Store only.",
		"**Why:** it is called when objects are created in bucket `files` under `public/`.",
		"- Objects created or removed invoke function `indexer`.",
		"aws s3api put-bucket-notification-configuration --bucket shop-archive-prod",
		".BucketArchiveNotifications",
		"- Named `shop-prod-files-<account>-<region>`:",
		"- Its stream invokes function `indexer`.",
	} {
		if !strings.Contains(md, fact) {
			t.Errorf("the explanation lacks %q", fact)
		}
	}
}

package stacks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// nagMessages synthesizes the stacks that add builds in one CDK app and returns each stack's error and
// warning annotations as "LEVEL path: message", sorted.
func nagMessages(t *testing.T, add func(app awscdk.App, buildDir string)) map[string][]string {
	t.Helper()
	out := t.TempDir()
	cdkApp := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	add(cdkApp, filepath.Join(out, "build"))
	asm := cdkApp.Synth(nil)
	msgs := map[string][]string{}
	for _, st := range *asm.Stacks() {
		var list []string
		for _, m := range *st.Messages() {
			if m.Level == cxapi.SynthesisMessageLevel_ERROR || m.Level == cxapi.SynthesisMessageLevel_WARNING {
				list = append(list, fmt.Sprintf("%s %s: %s", strings.ToLower(string(m.Level)), *m.Id, strings.TrimSpace(fmt.Sprint(m.Entry.Data))))
			}
		}
		slices.Sort(list)
		msgs[*st.StackName()] = list
	}
	return msgs
}

// TestNagExamples: every example, in every stage, synthesizes with cdk-nag's AwsSolutions pack and
// gets no error and no warning that nag.go does not accept.
func TestNagExamples(t *testing.T) {
	examples := spectest.Examples(t)
	var apps []*spec.App
	for _, name := range examples {
		for _, stage := range []string{"dev", "prod"} {
			apps = append(apps, loadExample(t, name, stage, nil))
		}
	}
	msgs := nagMessages(t, func(cdkApp awscdk.App, buildDir string) {
		for _, app := range apps {
			stacks.New(cdkApp, app, &stacks.Options{BuildDir: filepath.Join(buildDir, app.StackName())})
		}
	})
	for _, app := range apps {
		got, ok := msgs[app.StackName()]
		if !ok {
			t.Errorf("%s: stack missing from the assembly", app.StackName())
		}
		for _, m := range got {
			t.Errorf("%s: %s", app.StackName(), m)
		}
	}
}

// TestNagCatchesWeakening proves the checks run and the accepted findings are narrow: a weak password
// policy and an extra wildcard grant (in the identity pool's shared policy, or in a role's inline
// policy) fail, while a spec's documented opt-out (accessLogs: false) is accepted, and SkipNag turns
// the checks off.
func TestNagCatchesWeakening(t *testing.T) {
	photoshare := readExample(t, "photoshare")
	weakPassword := loadExample(t, "photoshare", "prod", rename(t, photoshare, "weakpw",
		"passwordPolicy: { minLength: 12, requireSymbols: true }", "passwordPolicy: { minLength: 12, requireSymbols: false }"))
	widened := loadExample(t, "photoshare", "prod", rename(t, photoshare, "widened"))
	noLogs := loadExample(t, "photoshare", "prod", rename(t, photoshare, "nologs",
		"    cors: { allowOrigins: [http://localhost:5173] }\n    routes:", "    cors: { allowOrigins: [http://localhost:5173] }\n    accessLogs: false\n    routes:"))
	// SMS MFA: Cognito's SMS role must publish to phone numbers (Resource "*"), and only that is accepted.
	sms := loadExample(t, "photoshare", "prod", rename(t, photoshare, "sms",
		"mfa: { mode: optional, methods: [totp] }", "mfa: { mode: required, methods: [sms, totp] }",
		"signInWith: [email]", "signInWith: [email, phone]"))
	skipped := loadExample(t, "photoshare", "prod", rename(t, photoshare, "skipped",
		"passwordPolicy: { minLength: 12, requireSymbols: true }", "passwordPolicy: { minLength: 12, requireSymbols: false }"))

	msgs := nagMessages(t, func(cdkApp awscdk.App, buildDir string) {
		opts := func(app *spec.App) *stacks.Options {
			return &stacks.Options{BuildDir: filepath.Join(buildDir, app.StackName())}
		}
		stacks.New(cdkApp, weakPassword, opts(weakPassword))
		s := stacks.New(cdkApp, widened, opts(widened))
		// Every object of the bucket to every signed-in user: not an access level, so not accepted.
		everyObject := func() awsiam.PolicyStatement {
			return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("s3:GetObject"),
				Resources: jsii.Strings(*s.Buckets["photoStore"].Bucket.ArnForObjects(jsii.String("*"))),
			})
		}
		s.IdentityPool.Authenticated().AddToPrincipalPolicy(everyObject())
		// The same in a role's own inline policy: the guest role, and a function the spec gives no storage.
		s.IdentityPool.Guest().AddToPrincipalPolicy(everyObject())
		s.Functions["welcome"].Role.AddToPrincipalPolicy(everyObject())
		stacks.New(cdkApp, noLogs, opts(noLogs))
		stacks.New(cdkApp, sms, opts(sms))
		o := opts(skipped)
		o.SkipNag = true
		stacks.New(cdkApp, skipped, o)
	})

	want := map[string][]string{
		"weakpw-prod": {"error /weakpw-prod/UserPool/Pool/Resource: AwsSolutions-COG1: "},
		"widened-prod": {
			"error /widened-prod/Functions/welcome/ServiceRole/Resource: AwsSolutions-IAM5[Resource::<StoragephotoStoreBucketE3550972.Arn>/*]: ",
			"error /widened-prod/IdentityPool/AuthenticatedPolicy/Resource: AwsSolutions-IAM5[Resource::<StoragephotoStoreBucketE3550972.Arn>/*]: ",
			"error /widened-prod/IdentityPool/GuestRole/Resource: AwsSolutions-IAM5[Resource::<StoragephotoStoreBucketE3550972.Arn>/*]: ",
		},
		"nologs-prod":  nil,
		"sms-prod":     nil,
		"skipped-prod": nil,
	}
	for stack, prefixes := range want {
		got := msgs[stack]
		if len(got) != len(prefixes) {
			t.Errorf("%s: %d messages, want %d:\n%s", stack, len(got), len(prefixes), strings.Join(got, "\n"))
			continue
		}
		for i, p := range prefixes {
			if !strings.HasPrefix(got[i], p) {
				t.Errorf("%s: got %q, want it to start with %q", stack, got[i], p)
			}
		}
	}
}

// TestNagSuppressionsRecorded: every accepted finding is visible in the template, with its reason.
func TestNagSuppressionsRecorded(t *testing.T) {
	for name, tp := range exampleTemplates(t) {
		var doc struct {
			Resources map[string]struct {
				Metadata struct {
					CdkNag struct {
						RulesToSuppress []struct {
							ID        string   `json:"id"`
							Reason    string   `json:"reason"`
							AppliesTo []string `json:"applies_to"`
						} `json:"rules_to_suppress"`
					} `json:"cdk_nag"`
				}
			}
		}
		if err := json.Unmarshal(tp.raw, &doc); err != nil {
			t.Fatal(err)
		}
		n := 0
		for id, r := range doc.Resources {
			for _, s := range r.Metadata.CdkNag.RulesToSuppress {
				n++
				if !strings.HasPrefix(s.ID, "AwsSolutions-") || len(s.Reason) < 20 {
					t.Errorf("%s: %s suppresses %q with reason %q", name, id, s.ID, s.Reason)
				}
				if s.ID == "AwsSolutions-IAM5" && len(s.AppliesTo) == 0 {
					t.Errorf("%s: %s suppresses IAM5 without appliesTo", name, id)
				}
				for _, a := range s.AppliesTo {
					// The one documented exception: Cognito's SMS role publishes to phone numbers, which have no
					// ARN (README, Security posture), in an example whose pool sends SMS.
					if a == "Resource::*" && strings.HasPrefix(id, "UserPoolsmsRole") && strings.Contains(s.Reason, "sns:Publish") {
						continue
					}
					if a == "Resource::*" || strings.HasPrefix(a, "Action::") {
						t.Errorf("%s: %s accepts %s", name, id, a)
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no cdk-nag suppressions in the template; is nag applied?", name)
		}
	}
}

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", name, "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// rename gives an example spec another app name (so its stack does not clash) and applies
// old/new replacements, failing when one does not match.
func rename(t *testing.T, data []byte, app string, oldNew ...string) []byte {
	t.Helper()
	data = bytes.Replace(data, []byte("\napp: photoshare\n"), []byte("\napp: "+app+"\n"), 1)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !bytes.Contains(data, []byte(oldNew[i])) {
			t.Fatalf("%q not in the spec", oldNew[i])
		}
		data = bytes.Replace(data, []byte(oldNew[i]), []byte(oldNew[i+1]), 1)
	}
	return data
}

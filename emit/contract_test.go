package emit_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/emit"
	"github.com/underhood-dev/underhood/spec"
)

// sampleOutputs is an example's committed outputs file, with edits applied to the example's dev stack:
// a value sets the key, "" deletes it.
func sampleOutputs(t *testing.T, ex, stack string, edits map[string]string) emit.StackOutputs {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", ex, "outputs.sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	outs, err := emit.ParseOutputsFile(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range outs {
		delete(outs, name)
		outs[stack] = o
	}
	for k, v := range edits {
		if v == "" {
			delete(outs[stack], k)
		} else {
			outs[stack][k] = v
		}
	}
	return outs
}

// CheckOutputs refuses outputs from a stack deployed from another spec or stage, naming each
// difference; the committed samples (made from the examples' own stacks) pass.
func TestCheckOutputs(t *testing.T) {
	const existing = `
version: 1
app: adopt
stages:
  prod:
    region: eu-west-1
    existing:
      userPool: { id: eu-west-1_AbC123xyz, clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u }
      storage: { items: items-prod }
auth:
  userPool: { signInWith: [email] }
storage:
  items: { type: dynamodb, partitionKey: id:string }
`
	existingOutputs := emit.StackOutputs{"adopt-prod": {"Region": "eu-west-1", "UserPoolId": "eu-west-1_AbC123xyz",
		"UserPoolClientId": "4g5h6j7k8l9m0n1p2q3r4s5t6u", "TableItemsName": "items-prod"}}
	edit := func(key, value string) emit.StackOutputs {
		o := emit.StackOutputs{"adopt-prod": map[string]string{}}
		for k, v := range existingOutputs["adopt-prod"] {
			o["adopt-prod"][k] = v
		}
		o["adopt-prod"][key] = value
		return o
	}

	tests := []struct {
		name       string
		example    string // examples/<example>/app.yaml, or "" for the existing spec above
		stage      string
		outputs    emit.StackOutputs
		wantDiffs  []string // each the start of one difference, in order; none: the outputs agree
		wantAbsent string   // a key that must not be named
	}{
		{"photoshare sample", "photoshare", "dev", sampleOutputs(t, "photoshare", "photoshare-dev", nil), nil, ""},
		{"userpool-only sample", "userpool-only", "dev", sampleOutputs(t, "userpool-only", "notes-dev", nil), nil, ""},
		{"iam-guest sample", "iam-guest", "dev", sampleOutputs(t, "iam-guest", "catalog-dev", nil), nil, ""},
		{"existing resources", "", "prod", existingOutputs, nil, ""},
		{"no outputs for the stack (New reports it)", "photoshare", "dev", emit.StackOutputs{"other": {}}, nil, ""},

		{"authorization of another spec", "photoshare", "dev",
			sampleOutputs(t, "photoshare", "photoshare-dev", map[string]string{"ApiPhotosAuthorization": "id-token"}),
			[]string{"ApiPhotosAuthorization: the deployed API photos takes id-token, the spec's routes use access-token,iam"}, ""},
		{"authorization output missing", "userpool-only", "dev",
			sampleOutputs(t, "userpool-only", "notes-dev", map[string]string{"ApiProfileAuthorization": ""}),
			[]string{"ApiProfileAuthorization: missing; the spec's routes of API profile use id-token,none"}, "ApiNotes"},
		{"URL of another stage", "photoshare", "dev",
			sampleOutputs(t, "photoshare", "photoshare-dev", map[string]string{"ApiPhotosUrl": "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/"}),
			[]string{`ApiPhotosUrl: https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/ serves stage "prod", the spec is for stage dev`}, ""},
		{"URL in another region", "photoshare", "dev",
			sampleOutputs(t, "photoshare", "photoshare-dev", map[string]string{"ApiPhotosUrl": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev/"}),
			[]string{"ApiPhotosUrl: https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev/ is in us-east-1, not the stack's region eu-west-1"}, ""},
		{"hosted UI of another stage", "photoshare", "dev",
			sampleOutputs(t, "photoshare", "photoshare-dev", map[string]string{"HostedUIDomain": "photoshare-prod.auth.eu-west-1.amazoncognito.com"}),
			[]string{"HostedUIDomain: the deployed stack has photoshare-prod.auth.eu-west-1.amazoncognito.com, the spec gives the hosted UI domain photoshare-dev.auth.eu-west-1.amazoncognito.com"}, ""},
		{"stack in another region than the stage's", "iam-guest", "prod",
			sampleOutputs(t, "iam-guest", "catalog-prod", map[string]string{"Region": "us-east-1", "ApiCatalogUrl": "http://127.0.0.1:43103/catalog/prod/"}),
			[]string{"IdentityPoolId: eu-west-1:", "Region: the stack is in us-east-1, stage prod of the spec deploys to eu-west-1", "UserPoolId: eu-west-1_AbCdEf123 is not in the stack's region us-east-1"}, ""},
		{"resources the spec does not declare", "userpool-only", "dev",
			sampleOutputs(t, "userpool-only", "notes-dev", map[string]string{"IdentityPoolId": "eu-west-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
				"ApiOldUrl": "https://x.example/dev/", "BucketFilesName": "b", "SomethingElse": "not a contract key"}),
			[]string{"ApiOldUrl: in the deployed stack, but the spec declares no such resource", "BucketFilesName: in the deployed stack",
				"IdentityPoolId: in the deployed stack"}, "SomethingElse"},
		{"another existing user pool", "", "prod", edit("UserPoolId", "eu-west-1_Other1234"),
			[]string{"UserPoolId: the deployed stack has eu-west-1_Other1234, the spec references user pool eu-west-1_AbC123xyz"}, ""},
		{"another existing table", "", "prod", edit("TableItemsName", "items-dev"),
			[]string{"TableItemsName: the deployed stack has items-dev, the spec references table items-prod"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var app *spec.App
			var err error
			if tt.example == "" {
				app, err = spec.Parse("app.yaml", t.TempDir(), []byte(existing), tt.stage)
			} else {
				app, err = spec.Load(filepath.Join("..", "examples", tt.example, "app.yaml"), tt.stage)
			}
			if err != nil {
				t.Fatal(err)
			}
			err = emit.CheckOutputs(app, tt.outputs)
			if len(tt.wantDiffs) == 0 {
				if err != nil {
					t.Fatalf("outputs refused: %v", err)
				}
				return
			}
			var ce *emit.ContractError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want a ContractError", err)
			}
			if len(ce.Differences) != len(tt.wantDiffs) {
				t.Fatalf("%d differences, want %d:\n%s", len(ce.Differences), len(tt.wantDiffs), strings.Join(ce.Differences, "\n"))
			}
			for i, want := range tt.wantDiffs {
				if !strings.HasPrefix(ce.Differences[i], want) {
					t.Errorf("difference %d is %q, want it to start with %q", i, ce.Differences[i], want)
				}
			}
			if tt.wantAbsent != "" && strings.Contains(err.Error(), tt.wantAbsent) {
				t.Errorf("names %s, which agrees with the spec:\n%v", tt.wantAbsent, err)
			}
			if !strings.Contains(err.Error(), "nothing was written") || !strings.Contains(err.Error(), "-c stage="+tt.stage) {
				t.Errorf("message does not say nothing was written and how to deploy the stage:\n%v", err)
			}
		})
	}
}

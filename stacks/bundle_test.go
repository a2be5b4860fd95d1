package stacks_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// TestFunctionBundleSettings: a function's bundle settings in the spec reach its build. sourceMap sets
// NODE_OPTIONS, minify changes the asset, and external: [] bundles the AWS SDK too, so an SDK import
// that is not installed fails synth for that function only (the default leaves it to the runtime).
func TestFunctionBundleSettings(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "functions", "sdk")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	code := "import { S3Client } from \"@aws-sdk/client-s3\";\nexport const handler = async () => typeof S3Client;\n"
	if err := os.WriteFile(filepath.Join(src, "index.mjs"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	text := `version: 1
app: bundles
functions:
  plain: { runtime: nodejs, source: functions/sdk }
  mapped: { runtime: nodejs, source: functions/sdk, bundle: { sourceMap: true } }
  small: { runtime: nodejs, source: functions/sdk, bundle: { minify: true } }
  whole: { runtime: nodejs, source: functions/sdk, bundle: { external: [] } }
`
	app, err := spec.Parse(filepath.Join(dir, "app.yaml"), dir, []byte(text), "")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cdkApp := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	stacks.New(cdkApp, app, &stacks.Options{BuildDir: filepath.Join(out, "build"), SkipNag: true})
	asm := cdkApp.Synth(nil)
	var errs []string
	for _, m := range *asm.GetStackByName(jsii.String(app.StackName())).Messages() {
		if m.Level == cxapi.SynthesisMessageLevel_ERROR {
			errs = append(errs, fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data))
		}
	}
	want := fmt.Sprintf(`/bundles-dev/Functions/whole: function "whole": %s:1:%d: cannot find package "@aws-sdk/client-s3": %s has no package.json; add one with the package: cd %s && npm install @aws-sdk/client-s3`,
		filepath.Join(src, "index.mjs"), strings.Index(code, `"@aws-sdk`)+1, src, src)
	if !slices.Equal(errs, []string{want}) {
		t.Fatalf("errors:\n%q\nwant:\n%q", errs, want)
	}

	data, err := os.ReadFile(filepath.Join(out, app.StackName()+".template.json"))
	if err != nil {
		t.Fatal(err)
	}
	tp := parseTemplate(t, data)
	keys := map[string]string{}
	for _, id := range tp.ofType("AWS::Lambda::Function") {
		props := tp.Resources[id].Properties
		name := strings.TrimPrefix(props["Description"].(string), "underhood bundles function ")
		keys[name], _ = props["Code"].(map[string]any)["S3Key"].(string)
		env := fmt.Sprint(props["Environment"])
		if hasMap := strings.Contains(env, "NODE_OPTIONS:--enable-source-maps"); hasMap != (name == "mapped") {
			t.Errorf("%s: environment %s", name, env)
		}
	}
	if keys["plain"] == "" || keys["small"] == keys["plain"] || keys["mapped"] == keys["plain"] {
		t.Errorf("asset keys by function: %v; minify and sourceMap must change the asset", keys)
	}
}

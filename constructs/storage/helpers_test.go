package storage_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// stmt is a policy statement with tokens rendered to readable strings:
// {"Fn::GetAtt":[X,"Arn"]} -> "arn(X)", Fn::Join parts concatenated.
type stmt struct {
	Effect    string
	Actions   []string
	Resources []string
	// Prefixes is Condition.StringLike["s3:prefix"]; Cond holds the whole condition.
	Prefixes []string
	Cond     map[string]any
}

func templateJSON(t *testing.T, stack awscdk.Stack) map[string]any {
	t.Helper()
	raw := assertions.Template_FromStack(stack, nil).ToJSON()
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func logicalID(stack awscdk.Stack, c constructs.IConstruct) string {
	return *stack.GetLogicalId(c.Node().DefaultChild().(awscdk.CfnElement))
}

// render turns a CloudFormation value into a string, failing on shapes it does not know.
func render(t *testing.T, v any) string {
	t.Helper()
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return fmt.Sprintf("arn(%s)", ga[0])
		}
		if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
			var sb strings.Builder
			for _, p := range j[1].([]any) {
				sb.WriteString(render(t, p))
			}
			return sb.String()
		}
		if r, ok := x["Ref"].(string); ok {
			return "ref(" + r + ")"
		}
	}
	t.Fatalf("cannot render %#v", v)
	return ""
}

func strList(t *testing.T, v any) []string {
	t.Helper()
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, render(t, e))
		}
		return out
	default:
		return []string{render(t, x)}
	}
}

func resources(tmpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		rm := r.(map[string]any)
		if rm["Type"] == typ {
			out[id] = rm
		}
	}
	return out
}

// statementsOfRole returns the statements of every AWS::IAM::Policy attached
// to the role, policies in logical-ID order, statements in document order.
func statementsOfRole(t *testing.T, tmpl map[string]any, roleID string) []stmt {
	t.Helper()
	pols := resources(tmpl, "AWS::IAM::Policy")
	ids := make([]string, 0, len(pols))
	for id := range pols {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []stmt
	for _, id := range ids {
		props := pols[id]["Properties"].(map[string]any)
		attached := false
		for _, r := range props["Roles"].([]any) {
			if render(t, r) == "ref("+roleID+")" {
				attached = true
			}
		}
		if !attached {
			continue
		}
		for _, s := range props["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			sm := s.(map[string]any)
			st := stmt{
				Effect:    sm["Effect"].(string),
				Actions:   strList(t, sm["Action"]),
				Resources: strList(t, sm["Resource"]),
			}
			if c, ok := sm["Condition"].(map[string]any); ok {
				st.Cond = c
				if sl, ok := c["StringLike"].(map[string]any); ok {
					st.Prefixes = strList(t, sl["s3:prefix"])
				}
			}
			out = append(out, st)
		}
	}
	return out
}

// sameSet compares string lists ignoring order (IAM does not care about order).
func sameSet(a, b []string) bool {
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return reflect.DeepEqual(x, y) || (len(x) == 0 && len(y) == 0)
}

func checkStatements(t *testing.T, got, want []stmt) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d statements, want %d:\n got  %+v\n want %+v", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Effect != "Allow" {
			t.Errorf("statement %d: effect %q, want Allow", i, g.Effect)
		}
		if !sameSet(g.Actions, w.Actions) {
			t.Errorf("statement %d: actions %v, want %v", i, g.Actions, w.Actions)
		}
		if !sameSet(g.Resources, w.Resources) {
			t.Errorf("statement %d: resources %v, want %v", i, g.Resources, w.Resources)
		}
		if !sameSet(g.Prefixes, w.Prefixes) {
			t.Errorf("statement %d: s3:prefix %v, want %v", i, g.Prefixes, w.Prefixes)
		}
		if w.Prefixes == nil && g.Cond != nil {
			t.Errorf("statement %d: unexpected condition %v", i, g.Cond)
		}
		if w.Prefixes != nil && len(g.Cond) != 1 {
			t.Errorf("statement %d: condition %v, want only StringLike", i, g.Cond)
		}
	}
}

// checkNoWildcards fails on any Resource "*" or action wildcard in any IAM policy.
func checkNoWildcards(t *testing.T, tmpl map[string]any) {
	t.Helper()
	for id, p := range resources(tmpl, "AWS::IAM::Policy") {
		doc := p["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)
		for _, s := range doc["Statement"].([]any) {
			sm := s.(map[string]any)
			for _, r := range strList(t, sm["Resource"]) {
				if r == "*" {
					t.Errorf("%s: Resource \"*\" in %v", id, sm)
				}
			}
			for _, a := range strList(t, sm["Action"]) {
				if strings.Contains(a, "*") {
					t.Errorf("%s: wildcard action %q", id, a)
				}
			}
		}
	}
}

func newRole(scope constructs.Construct, id string) awsiam.Role {
	return awsiam.NewRole(scope, jsii.String(id), &awsiam.RoleProps{
		AssumedBy: awsiam.NewFederatedPrincipal(jsii.String("cognito-identity.amazonaws.com"), nil,
			jsii.String("sts:AssumeRoleWithWebIdentity")),
	})
}

func newFunction(scope constructs.Construct, id string) awslambda.Function {
	return awslambda.NewFunction(scope, jsii.String(id), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_24_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({});")),
	})
}

// errorsOf returns the error annotations of a stack. It reads the app's cached
// cloud assembly: assertions.Annotations_FromStack would re-synthesize the
// whole app on every call.
func errorsOf(stack awscdk.Stack) []string {
	asm := awscdk.Stage_Of(stack).Synth(nil)
	var out []string
	for _, m := range *asm.GetStackArtifact(stack.ArtifactId()).Messages() {
		if m.Level != cxapi.SynthesisMessageLevel_ERROR {
			continue
		}
		switch d := m.Entry.Data.(type) {
		case *string:
			out = append(out, *d)
		default:
			out = append(out, fmt.Sprint(d))
		}
	}
	return out
}

func hasErrorMatching(errs []string, substr string) bool {
	for _, e := range errs {
		if strings.Contains(e, substr) {
			return true
		}
	}
	return false
}

package auth_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

type obj = map[string]interface{}
type arr = []interface{}

// check runs a CDK assertion; assertion failures are jsii panics, turned
// into test errors so one failure doesn't abort the whole package.
func check(t *testing.T, what string, fn func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	fn()
}

func like(m obj) assertions.Matcher { return assertions.Match_ObjectLike(&m) }
func with(a ...interface{}) assertions.Matcher {
	return assertions.Match_ArrayWith(&a)
}
func exactly(a ...interface{}) assertions.Matcher {
	return assertions.Match_ArrayEquals(&a)
}

func hasProps(t *testing.T, tpl assertions.Template, typ string, props obj) {
	t.Helper()
	check(t, "HasResourceProperties "+typ, func() { tpl.HasResourceProperties(jsii.String(typ), like(props)) })
}

func hasResource(t *testing.T, tpl assertions.Template, typ string, res obj) {
	t.Helper()
	check(t, "HasResource "+typ, func() { tpl.HasResource(jsii.String(typ), like(res)) })
}

func count(t *testing.T, tpl assertions.Template, typ string, n int) {
	t.Helper()
	check(t, fmt.Sprintf("ResourceCountIs %s %d", typ, n), func() { tpl.ResourceCountIs(jsii.String(typ), jsii.Number(float64(n))) })
}

func templateJSON(t *testing.T, tpl assertions.Template) string {
	t.Helper()
	b, err := json.Marshal(tpl.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// errorsOf returns the error annotations of a stack, joined.
func errorsOf(stack awscdk.Stack) string {
	msgs := assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_AnyValue())
	var out []string
	for _, m := range *msgs {
		out = append(out, fmt.Sprint(m.Entry.Data))
	}
	return strings.Join(out, "\n")
}

func noErrors(t *testing.T, stack awscdk.Stack) {
	t.Helper()
	if e := errorsOf(stack); e != "" {
		t.Errorf("unexpected error annotations:\n%s", e)
	}
}

var envEU = &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}

func newStack(app awscdk.App, id string) awscdk.Stack {
	return awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{Env: envEU})
}

// logicalIDs returns the logical ids of the resources of a type.
func logicalIDs(tpl assertions.Template, typ string) []string {
	var ids []string
	for id := range *tpl.FindResources(jsii.String(typ), nil) {
		ids = append(ids, id)
	}
	sort.Strings(ids) // map order is random; CDK renders DependsOn sorted
	return ids
}

// prec is a group precedence.
func prec(n int) *int { return &n }

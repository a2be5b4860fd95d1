package spec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/spec"
)

// TestIAMOverreachFollowsRouteARNPath: the validator's wildcard-overreach check tests the ARN path the
// restapi construct grants, awsrules.RouteARNPath, against the other IAM routes. Each case grants one
// route (wide) to some callers and gives another (narrow) only to others; the check must flag exactly
// the cases where the grant's ARN path, IAM's * spanning "/", reaches the narrow route.
func TestIAMOverreachFollowsRouteARNPath(t *testing.T) {
	tests := []struct {
		name         string
		wide, narrow string // routes, "VERB /path"
		wideCallers  string // the route's groups, or "" for every signed-in user
		narrowGroups string
		wantARNPath  string // what RouteARNPath makes of wide's path
		wantFlagged  bool
	}{
		{"a parameter's * spans the deeper segments", "GET /a/{id}", "GET /a/b/c", "x", "y", "/a/*", true},
		{"a parameter's * covers a literal sibling", "GET /a/{id}", "GET /a/b", "", "y", "/a/*", true},
		{"a greedy parameter's * covers everything below", "GET /a/{proxy+}", "GET /a/b/c", "x", "y", "/a/*", true},
		{"a * in the middle spans several segments", "GET /a/{id}/c", "GET /a/b/d/c", "x", "y", "/a/*/c", true},
		{"ANY reaches every method", "ANY /a/{id}", "POST /a/b", "x", "y", "/a/*", true},
		{"a literal path has no *", "GET /a/b", "GET /a/b/c", "x", "y", "/a/b", false},
		{"the * stops at the literal end", "GET /a/{id}/c", "GET /a/b/d", "x", "y", "/a/*/c", false},
		{"another method", "GET /a/{id}", "POST /a/b/c", "x", "y", "/a/*", false},
		{"the same callers", "GET /a/{id}", "GET /a/b/c", "y", "y", "/a/*", false},
		{"callers within the narrow route's", "GET /a/{id}", "GET /a/b/c", "x", "", "/a/*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, widePath, _ := strings.Cut(tt.wide, " ")
			if got := awsrules.RouteARNPath(widePath); got != tt.wantARNPath {
				t.Fatalf("RouteARNPath(%q) = %q, want %q", widePath, got, tt.wantARNPath)
			}
			groups := func(g string) string {
				if g == "" {
					return ""
				}
				return ", groups: [" + g + "]"
			}
			src := fmt.Sprintf(`version: 1
app: t
auth:
  userPool: { groups: { x: { precedence: 1 }, y: { precedence: 2 } } }
  identityPool: { groupRoles: true }
functions:
  hello: { runtime: nodejs, source: functions/hello }
api:
  shop:
    authorization: iam
    routes:
      %s: { function: hello%s }
      %s: { function: hello%s }
`, tt.wide, groups(tt.wideCallers), tt.narrow, groups(tt.narrowGroups))
			_, err := spec.Parse("app.yaml", "testdata/invalid", []byte(src), "dev")
			// The message names the grant's ARN path and the route it reaches.
			want := fmt.Sprintf(`api.shop.routes[%q]: its IAM grant (execute-api ARN path %s, where IAM's * also spans "/") would let`,
				tt.wide, awsrules.RouteARNPath(widePath))
			switch {
			case tt.wantFlagged && err == nil:
				t.Fatalf("no error; want %s ... call %s", want, tt.narrow)
			case tt.wantFlagged && (!strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "call "+tt.narrow+",")):
				t.Fatalf("error\n%v\nwant %s ... call %s", err, want, tt.narrow)
			case !tt.wantFlagged && err != nil:
				t.Fatalf("unexpected error: %v", err)
			}
		})
	}
}

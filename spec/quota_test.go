package spec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/awsrules"
	"github.com/underhood-dev/underhood/internal/restplan"
	"github.com/underhood-dev/underhood/spec"
)

// pathsSpec is one API with n distinct paths below the root (one GET each), and the given extra lines
// under the API.
func pathsSpec(n int, apiExtra string) []byte {
	var b strings.Builder
	b.WriteString("version: 1\napp: wide\nfunctions:\n  fn: { runtime: nodejs, source: functions/catalog }\napi:\n  main:\n    authorization: none\n" + apiExtra + "    routes:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      GET /s%d/p%03d: fn\n", i%10, i) // 10 segments and their children: n+10 paths
	}
	return []byte(b.String())
}

// iamRoutesSpec is an identity-pool app with n IAM routes over 25 segments: every signed-in user, one
// group, two groups, guests. Its roles' grants are compacted.
func iamRoutesSpec(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\napp: scale\nstages: { prod: {} }\nauth:\n  userPool:\n    signInWith: [email]\n" +
		"    groups: { admins: { precedence: 0 }, editors: { precedence: 1 } }\n  identityPool: { guestAccess: true, groupRoles: true }\n" +
		"functions:\n  fn: { runtime: nodejs, source: functions/catalog }\napi:\n  big:\n    authorization: iam\n" +
		"    quotas: { resources: 1200 }\n    routes:\n")
	verbs := []string{"GET", "POST", "PUT", "DELETE"}
	for i := 0; i < n; i++ {
		seg := i % 25
		p := fmt.Sprintf("/r%02d/x%03d", seg, i/4)
		switch seg % 4 {
		case 1:
			fmt.Fprintf(&b, "      %s %s: { function: fn, groups: [admins] }\n", verbs[i%4], p)
		case 2:
			fmt.Fprintf(&b, "      %s %s: { function: fn, groups: [admins, editors] }\n", verbs[i%4], p)
		case 3:
			fmt.Fprintf(&b, "      %s %s: { function: fn, guest: true }\n", verbs[i%4], p)
		default:
			fmt.Fprintf(&b, "      %s %s: fn\n", verbs[i%4], p)
		}
	}
	return []byte(b.String())
}

func manyFunctions(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\napp: many\nfunctions:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  fn%03d: { runtime: nodejs, source: functions/catalog }\n", i)
	}
	return []byte(b.String())
}

func manyTables(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\napp: tables\nstorage:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  t%03d: { type: dynamodb, partitionKey: id:string }\n", i)
	}
	return []byte(b.String())
}

// sharedFunction: n APIs route to one function, each adding a statement to its resource policy.
func sharedFunction(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\napp: shared\nfunctions:\n  shared: { runtime: nodejs, source: functions/catalog }\napi:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  a%02d: { authorization: none, accessLogs: false, routes: { GET /x: shared } }\n", i)
	}
	return []byte(b.String())
}

// grantedTables: one function granted read, write and delete on n tables.
func grantedTables(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\napp: grants\nfunctions:\n  fn:\n    runtime: nodejs\n    source: functions/catalog\n    access:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      t%02d: [read, write, delete]\n", i)
	}
	b.WriteString("storage:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  t%02d: { type: dynamodb, partitionKey: id:string }\n", i)
	}
	return []byte(b.String())
}

// Each quota on both sides of its limit. The fixtures 90-98 in testdata/invalid hold the exact messages;
// these hold the boundaries.
func TestQuotaBoundaries(t *testing.T) {
	tests := []struct {
		name    string
		spec    []byte
		wantErr string // "" = valid
	}{
		// API Gateway: the root and every distinct path part. n paths below 10 segments: n+11.
		{"289 paths: 300 API resources", pathsSpec(289, ""), ""},
		{"290 paths: 301 API resources", pathsSpec(290, ""), "api.main.routes: the routes need 301 API Gateway resources"},
		{"raised quota declared", pathsSpec(290, "    quotas: { resources: 301 }\n"), ""},
		{"past the raised quota", pathsSpec(291, "    quotas: { resources: 301 }\n"), "more than the 301 declared in api.main.quotas.resources"},
		// CloudFormation: a function is 3 resources.
		{"166 functions: 498 resources", manyFunctions(166), ""},
		{"167 functions: 501 resources", manyFunctions(167), "app: stack many-dev would hold 501 resources (functions 501)"},
		// Outputs: Region and one per table.
		{"199 tables: 200 outputs", manyTables(199), ""},
		{"200 tables: 201 outputs", manyTables(200), "would have 201 outputs"},
		// Lambda: a statement per API routing to the function (each up to 444 bytes here).
		{"40 APIs share a function", sharedFunction(40), ""},
		{"47 APIs share a function", sharedFunction(47), "functions.shared: the function's resource-based policy would hold 47 statements"},
		// IAM: a table grant is about 475 characters.
		{"15 tables granted", grantedTables(15), ""},
		{"22 tables granted", grantedTables(22), "functions.fn.access: the inline policies of function fn's role would reach"},
		// Compacted execute-api grants keep a 1000-route API's roles far below IAM's limit.
		{"1000 IAM routes", iamRoutesSpec(1000), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spec.Parse("app.yaml", "../examples/iam-guest", tt.spec, "")
			if tt.name == "1000 IAM routes" {
				_, err = spec.Parse("app.yaml", "../examples/iam-guest", tt.spec, "prod")
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// Nested stacks cannot reach CloudFormation's 500 resources: restplan.ShardCapacity keeps each at 400
// or fewer, and whatever does not fit one stays in the app stack. No spec reaches the quota check, so
// the estimate is held to the bound on the largest APIs the resource quota allows.
func TestNestedStacksStayUnderTheQuota(t *testing.T) {
	for _, n := range []int{300, 1000, 3000} {
		app, err := spec.Parse("app.yaml", "../examples/iam-guest", routesSpec(n), "")
		if err != nil {
			t.Fatal(err)
		}
		fp := spec.Estimate(app)
		if n >= 1000 && len(fp.Stacks) < 2 {
			t.Errorf("%d routes: not split", n)
		}
		for _, s := range fp.Stacks[1:] {
			if s.Total() > restplan.ShardCapacity || s.Bytes > awsrules.QuotaTemplateBytes {
				t.Errorf("%d routes: nested stack %s holds %d resources, about %d bytes", n, s.Name, s.Total(), s.Bytes)
			}
		}
		if total := fp.Stacks[0].Total(); total > awsrules.QuotaStackResources {
			t.Errorf("%d routes: the app stack holds %d resources", n, total)
		}
	}
	// The 1000 IAM routes: compaction keeps every role's policies far below IAM's limit.
	app, err := spec.Parse("app.yaml", "../examples/iam-guest", iamRoutesSpec(1000), "prod")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range spec.Estimate(app).Roles {
		if r.Chars > awsrules.QuotaRolePolicyChars/2 {
			t.Errorf("role %s %s: %d characters for 1000 IAM routes", r.Kind, r.Name, r.Chars)
		}
	}
}

package awsrules

import "testing"

func TestRouteARN(t *testing.T) {
	for _, tc := range []struct{ stage, method, path, want string }{
		{"dev", "GET", "/", "dev/GET/"},
		{"dev", "ANY", "/", "dev/*/"},
		{"dev", "GET", "/photos", "dev/GET/photos"},
		{"prod", "DELETE", "/photos/{id}", "prod/DELETE/photos/*"},
		{"prod", "ANY", "/files/{proxy+}", "prod/*/files/*"},
		{"prod", "POST", "/a/{b}/c/{d}", "prod/POST/a/*/c/*"},
	} {
		if got := RouteARNResource(tc.stage, tc.method, tc.path); got != tc.want {
			t.Errorf("RouteARNResource(%q, %q, %q) = %q, want %q", tc.stage, tc.method, tc.path, got, tc.want)
		}
	}
	if got, want := ExecuteAPIARN("eu-west-1", "111122223333", "abc123", "dev", "GET", "/p/{id}"),
		"arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/GET/p/*"; got != want {
		t.Errorf("ExecuteAPIARN = %q, want %q", got, want)
	}
}

func TestStandardAttributes(t *testing.T) {
	for _, tc := range []struct {
		name             string
		declared, schema bool
	}{
		{"email", true, true},
		{"phone_number", true, true},
		{"sub", false, true},
		{"email_verified", false, true},
		{"plan", false, false},
		{"custom:plan", false, false},
	} {
		if got := IsStandardAttribute(tc.name); got != tc.declared {
			t.Errorf("IsStandardAttribute(%q) = %v", tc.name, got)
		}
		if got := IsSchemaStandardAttribute(tc.name); got != tc.schema {
			t.Errorf("IsSchemaStandardAttribute(%q) = %v", tc.name, got)
		}
	}
}

func TestExecuteAPIHost(t *testing.T) {
	for _, tc := range []struct{ host, region string }{
		{"abc123.execute-api.eu-west-1.amazonaws.com", "eu-west-1"},
		{"abc123.execute-api.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"abc123.execute-api.eu-west-1.amazonaws.com.evil.example", ""},
		{"api.example.com", ""},
		{"ABC.execute-api.eu-west-1.amazonaws.com", ""},
	} {
		got := ""
		if m := ExecuteAPIHostPattern.FindStringSubmatch(tc.host); m != nil {
			got = m[1]
		}
		if got != tc.region {
			t.Errorf("ExecuteAPIHostPattern on %q: region %q, want %q", tc.host, got, tc.region)
		}
	}
}

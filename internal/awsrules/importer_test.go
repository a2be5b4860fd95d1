package awsrules

import "testing"

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

func TestDomainPrefixHost(t *testing.T) {
	if got, want := DomainPrefixHost("myapp-dev", "eu-west-1"), "myapp-dev.auth.eu-west-1.amazoncognito.com"; got != want {
		t.Errorf("DomainPrefixHost = %q, want %q", got, want)
	}
}

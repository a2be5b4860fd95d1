package awsrules

import "testing"

func TestDomainPrefixHost(t *testing.T) {
	if got, want := DomainPrefixHost("myapp-dev", "eu-west-1"), "myapp-dev.auth.eu-west-1.amazoncognito.com"; got != want {
		t.Errorf("DomainPrefixHost = %q, want %q", got, want)
	}
}

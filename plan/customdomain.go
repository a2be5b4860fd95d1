package plan

import "fmt"

// customDomainRefused: a hosted UI custom domain whose name changes is replaced, like a new prefix: the
// new domain is created first, and a user pool holds one custom domain, so Cognito refuses it and the
// stack rolls back. (A new certificate ARN is an update in place: Cognito's UpdateUserPoolDomain.)
func customDomainRefused(old, new map[string]any) []refusal {
	o, _ := scalar(old["Domain"])
	n, _ := scalar(new["Domain"])
	if equal(old["Domain"], new["Domain"]) {
		return nil
	}
	return []refusal{{
		replaces: true,
		paths:    []string{"Properties.Domain"},
		what: fmt.Sprintf("the hosted UI custom domain changes (%s -> %s): CloudFormation replaces a domain by creating "+
			"the new one first, and a user pool holds one custom domain, so Cognito refuses it and the stack rolls back", o, n),
		lost: fmt.Sprintf("nothing yet: the update fails; but moving the hosted UI for real breaks every SPA build, callback "+
			"and identity provider redirect URI that names %s", o),
		proceed: "revert customDomain.name in the spec; to really move the hosted UI, deploy once without customDomain (that " +
			"deploy deletes the custom domain), then with the new name, point its DNS record at the new HostedUIAliasTarget, " +
			"update every identity provider's redirect URI and rebuild the SPA. --allow %s only lets plan pass: this deployment " +
			"itself would still fail",
	}}
}

// isCustomDomain says whether a UserPoolDomain's properties are a custom domain's (it has a certificate).
func isCustomDomain(props map[string]any) bool {
	_, ok := props["CustomDomainConfig"]
	return ok
}

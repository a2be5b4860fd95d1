package plan

// domainChange is what plan says when a user pool domain changes name: what names the old and the new
// name (%s, %s), lost the old one, proceed the logical ID for --allow (%s).
type domainChange struct{ what, lost, proceed string }

var (
	prefixDomainChange = domainChange{
		what: "the hosted UI domain prefix changes (%s -> %s): CloudFormation replaces a domain by creating " +
			"the new one first, and a user pool holds one prefix domain, so Cognito refuses it and the stack rolls back",
		lost: "nothing yet: the update fails; but moving the hosted UI for real frees the prefix %s for anyone " +
			"to claim and breaks every SPA build, callback and identity provider redirect URI that names it",
		proceed: "revert domainPrefix in the spec; to really move the hosted UI, deploy once without the domain (that " +
			"deploy deletes it), then with the new prefix, and update every identity provider's redirect URI and " +
			"rebuild the SPA. --allow %s only lets plan pass: this deployment itself would still fail",
	}
	// A hosted UI custom domain whose name changes is replaced like a new prefix. (A new certificate ARN is
	// an update in place: Cognito's UpdateUserPoolDomain.)
	customDomainChange = domainChange{
		what: "the hosted UI custom domain changes (%s -> %s): CloudFormation replaces a domain by creating " +
			"the new one first, and a user pool holds one custom domain, so Cognito refuses it and the stack rolls back",
		lost: "nothing yet: the update fails; but moving the hosted UI for real breaks every SPA build, callback " +
			"and identity provider redirect URI that names %s",
		proceed: "revert customDomain.name in the spec; to really move the hosted UI, deploy once without customDomain (that " +
			"deploy deletes the custom domain), then with the new name, point its DNS record at the new HostedUIAliasTarget, " +
			"update every identity provider's redirect URI and rebuild the SPA. --allow %s only lets plan pass: this deployment " +
			"itself would still fail",
	}
)

// isCustomDomain says whether a UserPoolDomain's properties are a custom domain's (it has a certificate).
func isCustomDomain(props map[string]any) bool {
	_, ok := props["CustomDomainConfig"]
	return ok
}

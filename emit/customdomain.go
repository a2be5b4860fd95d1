package emit

import "github.com/underhood-dev/underhood/spec"

// apiURLKey is the output the SPA's endpoint of api comes from: its URL on its custom domain when the
// spec declares one, else its invoke URL.
func apiURLKey(api *spec.API) string {
	if api.CustomDomain != nil {
		return spec.OutputAPICustomURL(api.Name)
	}
	return spec.OutputAPIURL(api.Name)
}

// customDomainContract marks the custom domains' outputs as expected, only for the domains the spec
// declares, and checks the URLs the spec fixes (https://<name>/<basePath>/). equal(key, "", "") expects
// a key without fixing its value (a DNS target AWS chooses).
func customDomainContract(app *spec.App, equal func(key, want, what string)) {
	if app.Auth != nil && app.Auth.UserPool != nil && app.Auth.UserPool.HostedUI != nil && app.Auth.UserPool.HostedUI.CustomDomain != nil {
		equal(spec.OutputHostedUIAliasTarget, "", "")
	}
	for i := range app.APIs {
		api := &app.APIs[i]
		if d := api.CustomDomain; d != nil {
			equal(spec.OutputAPICustomURL(api.Name), d.URL(), "serves API "+api.Name+" at")
			equal(spec.OutputAPIAliasTarget(api.Name), "", "")
			equal(spec.OutputAPIAliasHostedZoneID(api.Name), "", "")
		}
	}
}

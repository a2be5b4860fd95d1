package emit

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// ContractError says the stack's outputs disagree with the spec: the stack was deployed from another
// spec, an older version of this one, or for another stage. Frontend files written from it would point
// the SPA at resources that do not behave as the spec says.
type ContractError struct {
	Stack, Stage string
	Differences  []string // one per output key, sorted by key
}

func (e *ContractError) Error() string {
	return fmt.Sprintf("stack %s does not match the spec (deployed from another spec, an older version of it, or another stage):\n  %s\n"+
		"nothing was written; deploy this spec first (npx cdk deploy -c stage=%s --outputs-file FILE) or check --stage and the outputs",
		e.Stack, strings.Join(e.Differences, "\n  "), e.Stage)
}

// contractKey matches every output key of the contract (spec/outputs.go), to find those the spec does
// not produce.
var contractKey = regexp.MustCompile(`^(Region|UserPoolId|UserPoolClientId|HostedUIDomain|HostedUIAliasTarget|IdentityPoolId|Api[A-Z][A-Za-z0-9]*(Url|Authorization)|Domain[A-Z][A-Za-z0-9]*(Url|AliasTarget|AliasHostedZoneId)|Bucket[A-Z][A-Za-z0-9]*Name|Table[A-Z][A-Za-z0-9]*Name)$`)

// executeAPIHost is an API Gateway invoke URL's host; its submatch is the region.
var executeAPIHost = regexp.MustCompile(`^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)

// CheckOutputs compares the contract outputs of the app's stack with what the spec says they must be:
// each API's authorization modes (Api<Name>Authorization), the stage in each API URL, the region, the
// ids of existing resources the stage references, the hosted UI domain, and no output of a resource the
// spec does not declare. It returns nil when they agree or when the stack has no outputs at all (New
// reports that, and every missing key).
func CheckOutputs(app *spec.App, outputs StackOutputs) error {
	out, ok := outputs[app.StackName()]
	if !ok {
		return nil
	}
	diffs := map[string]string{}
	differ := func(key, format string, args ...any) {
		if _, seen := diffs[key]; !seen {
			diffs[key] = key + ": " + fmt.Sprintf(format, args...)
		}
	}
	expected := map[string]bool{spec.OutputRegion: true}
	// equal checks a value the spec fixes; a missing key is New's to report.
	equal := func(key, want, what string) {
		expected[key] = true
		if got, ok := out[key]; ok && want != "" && got != want {
			differ(key, "the deployed stack has %s, the spec %s %s", got, what, want)
		}
	}

	region := out[spec.OutputRegion]
	if app.Region != "" && region != "" && region != app.Region {
		differ(spec.OutputRegion, "the stack is in %s, stage %s of the spec deploys to %s", region, app.Stage, app.Region)
	}
	inRegion := func(key, sep string) {
		if id, ok := out[key]; ok && region != "" && !strings.HasPrefix(id, region+sep) {
			differ(key, "%s is not in the stack's region %s", id, region)
		}
	}

	if app.Auth != nil && app.Auth.UserPool != nil {
		up := app.Auth.UserPool
		var x spec.ExistingUserPool
		if up.Existing != nil {
			x = *up.Existing
		}
		equal(spec.OutputUserPoolID, x.ID, "references user pool")
		equal(spec.OutputClientID, x.ClientID, "references app client")
		inRegion(spec.OutputUserPoolID, "_")
		if h := up.HostedUI; h != nil {
			domain := x.Domain
			if domain == "" && region != "" {
				domain = h.DomainPrefix + ".auth." + region + ".amazoncognito.com"
			}
			if h.CustomDomain != nil {
				domain = h.CustomDomain.Name
			}
			equal(spec.OutputHostedUIDomain, domain, "gives the hosted UI domain")
		}
		if ip := app.Auth.IdentityPool; ip != nil {
			equal(spec.OutputIdentityPoolID, ip.ExistingID, "references identity pool")
			inRegion(spec.OutputIdentityPoolID, ":")
		}
	}
	for i := range app.APIs {
		api := &app.APIs[i]
		modes := strings.Join(api.Modes(), ",")
		authKey, urlKey := spec.OutputAPIAuthorization(api.Name), spec.OutputAPIURL(api.Name)
		expected[authKey], expected[urlKey] = true, true
		switch got, ok := out[authKey]; {
		case !ok:
			differ(authKey, "missing; the spec's routes of API %s use %s (a stack deployed before this output existed: deploy again)", api.Name, modes)
		case got != modes:
			differ(authKey, "the deployed API %s takes %s, the spec's routes use %s", api.Name, got, modes)
		}
		raw, ok := out[urlKey]
		if !ok {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			differ(urlKey, "%q is not a URL", raw)
			continue
		}
		if parts := strings.Split(strings.Trim(u.Path, "/"), "/"); parts[len(parts)-1] != app.Stage {
			differ(urlKey, "%s serves stage %q, the spec is for stage %s", raw, parts[len(parts)-1], app.Stage)
		}
		if m := executeAPIHost.FindStringSubmatch(u.Hostname()); m != nil && region != "" && m[1] != region {
			differ(urlKey, "%s is in %s, not the stack's region %s", raw, m[1], region)
		}
	}
	customDomainContract(app, equal)
	for _, b := range app.Buckets {
		equal(spec.OutputBucketName(b.Name), b.ExistingName, "references bucket")
	}
	for _, t := range app.Tables {
		equal(spec.OutputTableName(t.Name), t.ExistingName, "references table")
	}
	for key := range out {
		if contractKey.MatchString(key) && !expected[key] {
			differ(key, "in the deployed stack, but the spec declares no such resource")
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	keys := make([]string, 0, len(diffs))
	for k := range diffs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e := &ContractError{Stack: app.StackName(), Stage: app.Stage}
	for _, k := range keys {
		e.Differences = append(e.Differences, diffs[k])
	}
	return e
}

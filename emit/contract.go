package emit

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
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
	c := &contractCheck{out: out, region: out[spec.OutputRegion], diffs: map[string]string{}, expected: map[string]bool{spec.OutputRegion: true}}
	if app.Region != "" && c.region != "" && c.region != app.Region {
		c.differ(spec.OutputRegion, "the stack is in %s, stage %s of the spec deploys to %s", c.region, app.Stage, app.Region)
	}
	if app.Auth != nil && app.Auth.UserPool != nil {
		c.checkAuth(app.Auth)
	}
	for i := range app.APIs {
		c.checkAPI(&app.APIs[i], app.Stage)
	}
	customDomainContract(app, c.equal)
	for _, b := range app.Buckets {
		c.equal(spec.OutputBucketName(b.Name), b.ExistingName, "references bucket")
	}
	for _, t := range app.Tables {
		c.equal(spec.OutputTableName(t.Name), t.ExistingName, "references table")
	}
	for key := range out {
		if contractKey.MatchString(key) && !c.expected[key] {
			c.differ(key, "in the deployed stack, but the spec declares no such resource")
		}
	}
	if len(c.diffs) == 0 {
		return nil
	}
	e := &ContractError{Stack: app.StackName(), Stage: app.Stage}
	for _, k := range slices.Sorted(maps.Keys(c.diffs)) {
		e.Differences = append(e.Differences, c.diffs[k])
	}
	return e
}

// contractCheck collects how a stack's outputs differ from the spec, one difference per key.
type contractCheck struct {
	out      map[string]string
	region   string            // the stack's, from its Region output
	diffs    map[string]string // by key: the first difference found
	expected map[string]bool   // the keys the spec produces
}

func (c *contractCheck) differ(key, format string, args ...any) {
	if _, seen := c.diffs[key]; !seen {
		c.diffs[key] = key + ": " + fmt.Sprintf(format, args...)
	}
}

// equal checks a value the spec fixes; a missing key is New's to report.
func (c *contractCheck) equal(key, want, what string) {
	c.expected[key] = true
	if got, ok := c.out[key]; ok && want != "" && got != want {
		c.differ(key, "the deployed stack has %s, the spec %s %s", got, what, want)
	}
}

// inRegion checks that an id output starts with the stack's region and sep (REGION_... for a user
// pool, REGION:... for an identity pool).
func (c *contractCheck) inRegion(key, sep string) {
	if id, ok := c.out[key]; ok && c.region != "" && !strings.HasPrefix(id, c.region+sep) {
		c.differ(key, "%s is not in the stack's region %s", id, c.region)
	}
}

// checkAuth checks the user pool's and identity pool's ids and the hosted UI domain.
func (c *contractCheck) checkAuth(auth *spec.Auth) {
	up := auth.UserPool
	var x spec.ExistingUserPool
	if up.Existing != nil {
		x = *up.Existing
	}
	c.equal(spec.OutputUserPoolID, x.ID, "references user pool")
	c.equal(spec.OutputClientID, x.ClientID, "references app client")
	c.inRegion(spec.OutputUserPoolID, "_")
	if h := up.HostedUI; h != nil {
		domain := x.Domain
		if domain == "" && c.region != "" {
			domain = awsrules.DomainPrefixHost(h.DomainPrefix, c.region)
		}
		if h.CustomDomain != nil {
			domain = h.CustomDomain.Name
		}
		c.equal(spec.OutputHostedUIDomain, domain, "gives the hosted UI domain")
	}
	if ip := auth.IdentityPool; ip != nil {
		c.equal(spec.OutputIdentityPoolID, ip.ExistingID, "references identity pool")
		c.inRegion(spec.OutputIdentityPoolID, ":")
	}
}

// checkAPI checks an API's authorization modes, and the stage and region of its URL.
func (c *contractCheck) checkAPI(api *spec.API, stage string) {
	modes := strings.Join(api.Modes(), ",")
	authKey, urlKey := spec.OutputAPIAuthorization(api.Name), spec.OutputAPIURL(api.Name)
	c.expected[authKey], c.expected[urlKey] = true, true
	switch got, ok := c.out[authKey]; {
	case !ok:
		c.differ(authKey, "missing; the spec's routes of API %s use %s (a stack deployed before this output existed: deploy again)", api.Name, modes)
	case got != modes:
		c.differ(authKey, "the deployed API %s takes %s, the spec's routes use %s", api.Name, got, modes)
	}
	raw, ok := c.out[urlKey]
	if !ok {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		c.differ(urlKey, "%q is not a URL", raw)
		return
	}
	if parts := strings.Split(strings.Trim(u.Path, "/"), "/"); parts[len(parts)-1] != stage {
		c.differ(urlKey, "%s serves stage %q, the spec is for stage %s", raw, parts[len(parts)-1], stage)
	}
	if m := awsrules.ExecuteAPIHostPattern.FindStringSubmatch(u.Hostname()); m != nil && c.region != "" && m[1] != c.region {
		c.differ(urlKey, "%s is in %s, not the stack's region %s", raw, m[1], c.region)
	}
}

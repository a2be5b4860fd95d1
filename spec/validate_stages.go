package spec

// The stages section: stage names, accounts, regions, and each stage's existing resources.

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

var (
	appNamePattern   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	stageNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
)

func (v *validator) stage(app *App, stage string) {
	v.stageName = stage
	if !stageNamePattern.MatchString(stage) {
		v.r.at(Pos{1, 1}, "", "stage %q is not a valid stage name: use 1 to 20 lowercase letters, digits and hyphens, starting with a letter", stage)
		return
	}
	for _, name := range slices.Sorted(maps.Keys(v.raw.Stages)) {
		p := child("stages", name)
		if !stageNamePattern.MatchString(name) {
			v.errorf(p, "%q is not a valid stage name: use 1 to 20 lowercase letters, digits and hyphens, starting with a letter", name)
		}
		s := v.raw.Stages[name]
		if s == nil {
			continue
		}
		if s.Removal != "" {
			v.enum(child(p, "removal"), "removal policy", s.Removal, []string{"retain", "destroy"})
		}
		if s.Account != "" && !awsrules.AccountPattern.MatchString(s.Account) {
			v.errorf(child(p, "account"), "%q is not an AWS account id (12 digits)", s.Account)
		}
		if s.Region != "" && !awsrules.RegionPattern.MatchString(s.Region) {
			v.errorf(child(p, "region"), "%q is not an AWS region name such as eu-west-1", s.Region)
		}
		if s.LogRetentionDays != 0 && !slices.Contains(awsrules.LogRetentionDays, s.LogRetentionDays) {
			v.errorf(child(p, "logRetentionDays"), "%d is not a retention CloudWatch Logs accepts; use one of %s", s.LogRetentionDays, intList(awsrules.LogRetentionDays))
		}
		if s.Existing != nil {
			v.checkExisting(child(p, "existing"), s)
			v.checkStreams(child(p, "existing"), s)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(v.raw.Stages)) {
		env := Environment{Stage: name}
		if s := v.raw.Stages[name]; s != nil {
			env.Account, env.Region = s.Account, s.Region
		}
		app.Environments = append(app.Environments, env)
	}
	if len(v.raw.Stages) == 0 {
		app.Environments = []Environment{{Stage: stage}}
		return
	}
	s, ok := v.raw.Stages[stage]
	if !ok {
		v.errorf("stages", "stage %q is not declared; declare it under stages or pick one of %s%s", stage, oneOf(slices.Sorted(maps.Keys(v.raw.Stages))), didYouMean(stage, slices.Sorted(maps.Keys(v.raw.Stages))))
		return
	}
	if s == nil {
		return
	}
	if s.Removal == "destroy" {
		app.Removal = RemovalDestroy
	}
	app.Account, app.Region = s.Account, s.Region
	v.existing = s.Existing
	if s.LogRetentionDays != 0 {
		app.LogRetentionDays = s.LogRetentionDays
	}
}

func intList(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// hostPattern is a domain host: dot-separated DNS labels.
var hostPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$`)

// checkExisting validates one stage's existing block. Every stage's block is checked, not only the
// selected one, so a typo in prod's ids shows up while deploying dev.
func (v *validator) checkExisting(p string, s *rawStage) {
	e := s.Existing
	if s.Region == "" && (e.UserPool != nil || e.IdentityPool != nil || len(e.Storage) > 0 || len(e.GraphQL) > 0 || e.Analytics != nil) {
		v.errorf(p, "existing resources live in one region; set region on this stage (the region of the ids below)")
	}
	// regionalID says whether id matches pattern, whose first group is the id's region, and reports an
	// id that names another region than the stage's.
	regionalID := func(path, what, id string, pattern *regexp.Regexp) bool {
		m := pattern.FindStringSubmatch(id)
		if m == nil {
			return false
		}
		if s.Region != "" && m[1] != s.Region {
			v.errorf(path, "this %s is in %s but the stage deploys to %s; a stack can only reference resources of its own region", what, m[1], s.Region)
		}
		return true
	}
	if e.UserPool != nil {
		v.existingUserPool(child(p, "userPool"), e.UserPool, regionalID)
	}
	if e.IdentityPool != nil {
		v.existingIdentityPool(child(p, "identityPool"), e, regionalID)
	}
	v.checkExistingGraphQL(p, s)
	if e.Analytics != nil {
		v.existingAnalytics(child(p, "analytics"), e.Analytics)
	}
	v.existingStorage(child(p, "storage"), e.Storage)
}

// existingUserPool checks the ids of an existing user pool and its app client, and that auth.userPool
// describes it (hosted UI, domain, OAuth flow).
func (v *validator) existingUserPool(up string, u *rawExistingUserPool, regionalID func(path, what, id string, pattern *regexp.Regexp) bool) {
	auth := v.raw.Auth
	switch {
	case auth == nil || auth.UserPool == nil:
		v.errorf(up, "there is no auth.userPool to bind it to; describe the pool under auth.userPool (sign-in, attributes, groups) so the frontend config matches it")
	case u.ID == "":
		v.missing(up, "id", "missing id: the user pool id, e.g. eu-west-1_AbCdEf123")
	}
	if u.ID != "" && !regionalID(child(up, "id"), "user pool", u.ID, awsrules.UserPoolIDPattern) {
		v.errorf(child(up, "id"), "%q is not a user pool id (<region>_<letters and digits>, e.g. eu-west-1_AbCdEf123)", u.ID)
	}
	if u.ClientID != "" && !awsrules.AppClientIDPattern.MatchString(u.ClientID) {
		v.errorf(child(up, "clientId"), "%q is not an app client id (letters and digits)", u.ClientID)
	}
	hosted := auth != nil && auth.UserPool != nil && auth.UserPool.HostedUI != nil
	switch {
	case u.Domain != "" && !hosted:
		v.errorf(child(up, "domain"), "auth.userPool has no hostedUI; remove domain or describe the pool's hosted UI under auth.userPool.hostedUI")
	case u.Domain != "" && !hostPattern.MatchString(u.Domain):
		v.errorf(child(up, "domain"), "%q is not a domain host; write it without scheme or path, e.g. myapp-dev.auth.eu-west-1.amazoncognito.com", u.Domain)
	case u.Domain == "" && hosted:
		v.missing(up, "domain", "missing domain: auth.userPool.hostedUI is set and an existing pool already has its Cognito domain (a pool has one, and underhood cannot add another); give its host, e.g. domain: myapp-dev.auth.eu-west-1.amazoncognito.com")
	}
	if u.ResponseType != "" && v.enum(child(up, "responseType"), "OAuth response type", u.ResponseType, []string{"code", "token"}) {
		switch {
		case !hosted:
			v.errorf(child(up, "responseType"), "auth.userPool has no hostedUI, so no OAuth flow is configured; remove responseType")
		case u.ResponseType == "token" && u.ClientID == "":
			v.errorf(child(up, "responseType"), "token describes an existing implicit-grant app client, and there is no clientId: the client underhood creates allows the code flow only; remove responseType or give the existing clientId")
		}
	}
	v.enumSet(child(up, "autoVerifiedAttributes"), "auto-verified attribute", u.AutoVerifiedAttributes, awsrules.VerifiableAttributes)
}

// existingIdentityPool checks an existing identity pool's id; it needs the app client it trusts.
func (v *validator) existingIdentityPool(ipp string, e *rawExisting, regionalID func(path, what, id string, pattern *regexp.Regexp) bool) {
	ip, auth := e.IdentityPool, v.raw.Auth
	switch {
	case auth == nil || auth.IdentityPool == nil:
		v.errorf(ipp, "there is no auth.identityPool to bind it to; add auth.identityPool (guestAccess, groupRoles) describing how the stack should use it")
	case ip.ID == "":
		v.missing(ipp, "id", "missing id: the identity pool id, e.g. eu-west-1:0f3e5a7c-1111-2222-3333-444455556666")
	}
	if ip.ID != "" && !regionalID(child(ipp, "id"), "identity pool", ip.ID, awsrules.IdentityPoolIDPattern) {
		v.errorf(child(ipp, "id"), "%q is not an identity pool id (<region>:<uuid>)", ip.ID)
	}
	if e.UserPool == nil || e.UserPool.ClientID == "" {
		v.errorf(ipp, "an existing identity pool only accepts tokens from the app clients it lists, and underhood cannot change that list; also give existing.userPool with its id and the clientId the identity pool trusts")
	}
}

// existingAnalytics checks the Pinpoint project Gen 1's analytics use.
func (v *validator) existingAnalytics(ap string, a *rawExistingAnalytics) {
	switch {
	case a.AppID == "":
		v.missing(ap, "appId", "missing appId: the Pinpoint project id (aws_mobile_analytics_app_id in Gen 1's aws-exports.js)")
	case !pinpointAppIDPattern.MatchString(a.AppID):
		v.errorf(child(ap, "appId"), "%q is not a Pinpoint project id (32 hexadecimal digits)", a.AppID)
	}
	if a.Region != "" && !awsrules.RegionPattern.MatchString(a.Region) {
		v.errorf(child(ap, "region"), "%q is not an AWS region name such as eu-west-1", a.Region)
	}
}

// existingStorage checks the names of existing buckets and tables against their storage's type.
func (v *validator) existingStorage(sp string, storage map[string]string) {
	for _, name := range slices.Sorted(maps.Keys(storage)) {
		np := child(sp, name)
		raw, ok := v.raw.Storage[name]
		if !ok || raw == nil {
			v.errorf(np, "storage %q is not defined under storage%s", name, didYouMean(name, slices.Sorted(maps.Keys(v.raw.Storage))))
			continue
		}
		phys := storage[name]
		switch raw.Type {
		case "s3":
			if !awsrules.BucketNamePattern.MatchString(phys) || strings.Contains(phys, "..") {
				v.errorf(np, "%q is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)", phys)
			}
		case "dynamodb":
			if !awsrules.TableNamePattern.MatchString(phys) {
				v.errorf(np, "%q is not a DynamoDB table name (3 to 255 letters, digits, _ . -)", phys)
			}
		}
	}
}

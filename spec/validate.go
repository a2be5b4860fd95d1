package spec

import (
	"cmp"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

var (
	namePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]{0,63}$`)
	actions     = []string{"read", "write", "delete"}
)

type validator struct {
	r   *reporter
	raw *rawSpec
	dir string

	userPool     *rawUserPool
	identityPool *rawIdentityPool
	up           *UserPool    // the resolved user pool, once auth is validated
	existing     *rawExisting // the selected stage's
	stageName    string       // the selected stage
	repoRoot     string       // found on first use: the folder holding .git above dir, "." when none
}

// errorf reports a problem at path, unless the value there already failed to decode (its zero value
// would be reported twice).
func (v *validator) errorf(path, format string, args ...any) {
	if v.r.decodeFailed(path) {
		return
	}
	v.r.errorf(path, format, args...)
}

// missing reports that field is missing under parent, unless it is there but failed to decode.
func (v *validator) missing(parent, field, format string, args ...any) {
	if v.r.decodeFailed(child(parent, field)) {
		return
	}
	v.errorf(parent, format, args...)
}

// enum checks that a value is one of allowed and returns whether it is.
func (v *validator) enum(path, what, got string, allowed []string) bool {
	if slices.Contains(allowed, got) {
		return true
	}
	v.errorf(path, "%q is not a valid %s; use one of %s%s", got, what, oneOf(allowed), didYouMean(got, allowed))
	return false
}

func (v *validator) validate(stage string) *App {
	raw := v.raw
	app := &App{Stage: stage, Removal: RemovalRetain, LogRetentionDays: 30}
	switch {
	case raw.App == "":
		v.errorf("app", "missing; name the app, e.g. \"app: photoshare\" (stacks are named <app>-<stage>)")
	case !appNamePattern.MatchString(raw.App):
		v.errorf("app", "%q is not a valid app name: use 1 to 40 lowercase letters, digits and hyphens, starting with a letter", raw.App)
	}
	app.Name = raw.App
	v.stageName = stage
	v.stage(app, stage)

	if raw.Auth != nil {
		app.Auth = v.auth(raw.Auth)
	}
	app.Functions = v.functions()
	v.s3Overlaps()
	app.Buckets, app.Tables = v.storage()
	app.GraphQL = v.graphql(app)
	if e := v.existing; e != nil && e.Analytics != nil {
		app.Analytics = &Analytics{AppID: e.Analytics.AppID, Region: cmp.Or(e.Analytics.Region, app.Region)}
	}
	app.APIs = v.apis()
	v.customDomains(app)
	app.Frontend = v.frontend()
	return app
}

// caseClash reports names of one section that differ only in case: they would share logical IDs
// prefixes and output keys (ApiPhotosUrl for both photos and Photos).
func (v *validator) caseClash(section string, names []string) {
	seen := map[string]string{}
	for _, n := range names {
		low := strings.ToLower(n)
		if prev, ok := seen[low]; ok {
			v.errorf(child(section, n), "%q and %q differ only in case, so their stack outputs and logical IDs would collide; rename one", n, prev)
			continue
		}
		seen[low] = n
	}
}

// sectionNames returns a top-level section's names in order, having reported each name that is not
// valid or differs from another only in case.
func sectionNames[T any](v *validator, section, what string, entries map[string]T) []string {
	names := slices.Sorted(maps.Keys(entries))
	v.caseClash(section, names)
	for _, name := range names {
		v.checkName(child(section, name), what, name)
	}
	return names
}

// sectionEntries is sectionNames without the entries left empty (null), each reported with format
// and args.
func sectionEntries[T any](v *validator, section, what string, entries map[string]*T, format string, args ...any) []string {
	sectionNames(v, section, what, entries)
	return nonEmptyKeys(v, section, entries, format, args...)
}

// nonEmptyKeys returns the keys of the entries under parent in order, without those left empty
// (null), each reported with format and args.
func nonEmptyKeys[T any](v *validator, parent string, entries map[string]*T, format string, args ...any) []string {
	var out []string
	for _, key := range slices.Sorted(maps.Keys(entries)) {
		if entries[key] == nil {
			v.errorf(child(parent, key), format, args...)
			continue
		}
		out = append(out, key)
	}
	return out
}

func (v *validator) checkName(path, what, name string) {
	if !namePattern.MatchString(name) {
		v.errorf(path, "%q is not a valid %s name: letters and digits only (camelCase), starting with a letter; names become CloudFormation logical IDs and output keys", name, what)
	}
}

// actionList validates read/write/delete and returns them in canonical order.
func (v *validator) actionList(path string, list []string) []string {
	if len(list) == 0 {
		v.errorf(path, "no actions; give some of [read, write, delete]")
	}
	for i, a := range list {
		v.enum(index(path, i), "action", a, actions)
	}
	var out []string
	for _, a := range actions {
		if slices.Contains(list, a) {
			out = append(out, a)
		}
	}
	return out
}

// enumSet checks each value of list against allowed and reports the repeated ones; it returns the
// valid values in allowed's order.
func (v *validator) enumSet(path, what string, list, allowed []string) []string {
	for i, x := range list {
		if v.enum(index(path, i), what, x, allowed) && slices.Contains(list[:i], x) {
			v.errorf(index(path, i), "%q is listed twice", x)
		}
	}
	var out []string
	for _, a := range allowed {
		if slices.Contains(list, a) {
			out = append(out, a)
		}
	}
	return out
}

// groupRef checks a group name used for IAM access (API routes, S3 groups).
func (v *validator) groupRef(path, g string) {
	var groups []string
	if v.userPool != nil {
		groups = slices.Sorted(maps.Keys(v.userPool.Groups))
	}
	if !slices.Contains(groups, g) {
		v.errorf(path, "group %q is not defined under auth.userPool.groups%s", g, didYouMean(g, groups))
		return
	}
	if v.identityPool != nil && !v.identityPool.GroupRoles {
		v.errorf(path, "group access is granted to the group's IAM role, and groups have none; set auth.identityPool.groupRoles: true")
	}
}

func (v *validator) origins(path string, c *rawCors) []string {
	op := child(path, "allowOrigins")
	if len(c.AllowOrigins) == 0 {
		v.missing(path, "allowOrigins", "missing allowOrigins, e.g. [http://localhost:5173, https://app.example.com]")
	}
	for i, o := range c.AllowOrigins {
		if o == "*" {
			if len(c.AllowOrigins) > 1 {
				v.errorf(index(op, i), "* allows every origin; list it alone or list origins")
			}
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			v.errorf(index(op, i), "%q is not an origin; write scheme://host[:port] such as https://app.example.com", o)
		}
	}
	out := make([]string, len(c.AllowOrigins))
	for i, o := range c.AllowOrigins {
		out[i] = strings.TrimSuffix(o, "/")
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

package restplan

import (
	"slices"
	"sort"
	"strings"
)

// Key is one execute-api grant: verb ("*" for ANY or any verb) and path in ARN form ("{param}"
// segments are "*"; a trailing "/*" in a compacted grant means "everything below").
type Key struct{ Verb, Path string }

func (k Key) String() string { return k.Verb + " " + k.Path }

// CompactAbove is the number of granted routes up to which a grantee keeps one exact ARN per route:
// easiest to audit, and 20 ARNs are a small fraction of IAM's 10,240-character inline policy budget.
const CompactAbove = 20

// Compact shortens the execute-api grants of one grantee so its policy stays far below IAM's
// size limits with hundreds of routes, without granting any IAM route it was not given:
//   - every IAM route of the API allowed (and at least two): one "*" "/*" grant;
//   - otherwise, shallowest path prefix first, "<prefix>*" or "<prefix>/*" for any verb, else per verb,
//     when it covers at least two allowed routes and overlaps no IAM route outside allowed.
//
// Up to CompactAbove routes nothing is compacted; above it, routes not covered keep their exact ARN and
// a single route is never widened. The result keeps the order of first use in allowed (deterministic for a sorted
// spec). Non-IAM routes do not matter: API Gateway checks no IAM permission on them.
func Compact(allowed, held, allIAM []Key) []Key {
	if len(allowed) <= CompactAbove {
		return allowed
	}
	isAllowed := map[Key]bool{}
	for _, k := range allowed {
		isAllowed[k] = true
	}
	for _, k := range held {
		isAllowed[k] = true // granted through another policy the grantee holds: reaching it adds nothing
	}
	var forbidden []Key
	for _, k := range allIAM {
		if !isAllowed[k] {
			forbidden = append(forbidden, k)
		}
	}
	if len(forbidden) == 0 && len(isAllowed) >= 2 {
		return []Key{{"*", "/*"}}
	}
	safe := func(c Key) bool {
		for _, f := range forbidden {
			if overlaps(c.Verb, f.Verb) && overlaps(c.Path, f.Path) {
				return false
			}
		}
		return true
	}

	// Candidate prefixes: "" (the root) and every proper path prefix of an allowed route, shallow first.
	prefixSet := map[string]bool{"": true}
	for _, k := range allowed {
		parts := strings.Split(strings.TrimPrefix(k.Path, "/"), "/")
		for i := 1; i < len(parts); i++ {
			prefixSet["/"+strings.Join(parts[:i], "/")] = true
		}
	}
	prefixes := make([]string, 0, len(prefixSet))
	for p := range prefixSet {
		prefixes = append(prefixes, p)
	}
	sort.Slice(prefixes, func(i, j int) bool {
		di, dj := strings.Count(prefixes[i], "/"), strings.Count(prefixes[j], "/")
		if di != dj {
			return di < dj
		}
		return prefixes[i] < prefixes[j]
	})

	// Per prefix, widest first: "<prefix>*" reaches the prefix's own routes, everything below it and any
	// sibling sharing its spelling ("/r03*" reaches "/r030"), which safe rejects when one is forbidden;
	// "<prefix>/*" reaches only what is below. The root's "<prefix>*" is "/*".
	cover := map[Key]Key{}
	coverAll := func(keys []Key, c Key) bool {
		if len(keys) < 2 || !safe(c) {
			return false
		}
		for _, k := range keys {
			cover[k] = c
		}
		return true
	}
	coverPrefix := func(pass int, prefix string) {
		var own, under []Key
		for _, k := range allowed {
			if _, done := cover[k]; done {
				continue
			}
			switch {
			case k.Path == prefix || (prefix == "" && k.Path == "/"):
				own = append(own, k)
			case strings.HasPrefix(k.Path, prefix+"/"):
				under = append(under, k)
			}
		}
		whole := prefix + "*"
		if prefix == "" {
			whole = "/*"
		}
		if pass == 0 {
			if !coverAll(append(slices.Clone(own), under...), Key{"*", whole}) {
				coverAll(under, Key{"*", prefix + "/*"})
				if prefix != "" {
					coverAll(own, Key{"*", prefix}) // every verb of this one path
				}
			}
			return
		}
		// An ANY route ("*") is only reached by an any-verb grant, so per-verb grants leave it exact.
		for _, v := range verbsOf(own, under) {
			vOwn, vUnder := withVerb(own, v), withVerb(under, v)
			if !coverAll(append(vOwn, vUnder...), Key{v, whole}) {
				coverAll(vUnder, Key{v, prefix + "/*"})
			}
		}
	}
	// Two passes: any-verb grants over the whole tree first, so a subtree open to every verb gets one
	// grant before per-verb grants higher up split it; then per-verb grants for what is left.
	for pass := 0; pass < 2; pass++ {
		for _, prefix := range prefixes {
			coverPrefix(pass, prefix)
		}
	}

	var out []Key
	emitted := map[Key]bool{}
	for _, k := range allowed {
		g := k
		if c, ok := cover[k]; ok {
			g = c
		}
		if !emitted[g] {
			emitted[g] = true
			out = append(out, g)
		}
	}
	return out
}

// overlaps reports whether some string matches both patterns, "*" matching any run of characters
// (slashes included, as in IAM ARN matching). A route's own "*" stands for any value a request may put
// there, so a grant that overlaps a route pattern reaches some request of that route.
func overlaps(a, b string) bool {
	// Cheap reject: the literal heads before the first "*" must agree.
	ha, hb := a, b
	if i := strings.IndexByte(a, '*'); i >= 0 {
		ha = a[:i]
	}
	if i := strings.IndexByte(b, '*'); i >= 0 {
		hb = b[:i]
	}
	n := min(len(ha), len(hb))
	if ha[:n] != hb[:n] {
		return false
	}
	memo := map[[2]int]bool{}
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		var r bool
		switch {
		case i == len(a) && j == len(b):
			r = true
		case i < len(a) && a[i] == '*':
			r = rec(i+1, j) || (j < len(b) && rec(i, j+1))
		case j < len(b) && b[j] == '*':
			r = rec(i, j+1) || (i < len(a) && rec(i+1, j))
		case i < len(a) && j < len(b) && a[i] == b[j]:
			r = rec(i+1, j+1)
		}
		memo[key] = r
		return r
	}
	return rec(0, 0)
}

// verbsOf lists the verbs (not "*") of the keys, sorted.
func verbsOf(lists ...[]Key) []string {
	var out []string
	for _, l := range lists {
		for _, k := range l {
			if k.Verb != "*" && !slices.Contains(out, k.Verb) {
				out = append(out, k.Verb)
			}
		}
	}
	sort.Strings(out)
	return out
}

func withVerb(keys []Key, verb string) []Key {
	var out []Key
	for _, k := range keys {
		if k.Verb == verb {
			out = append(out, k)
		}
	}
	return out
}

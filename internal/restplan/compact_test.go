package restplan

import (
	"fmt"
	"math/rand"
	"path"
	"slices"
	"strings"
	"testing"
)

// reaches expands a grant against a route key the way IAM matches ARNs: "*" matches any run of
// characters, slashes included.
func reaches(grant, route Key) bool {
	g := strings.ReplaceAll(grant.Verb+grant.Path, "/", "|")
	r := strings.ReplaceAll(route.Verb+route.Path, "/", "|")
	ok, err := path.Match(g, r)
	return err == nil && ok
}

// TestCompactExact draws random route sets and random allowed subsets and checks that the
// compacted grants reach exactly the allowed IAM routes, and that small sets stay exact.
func TestCompactExact(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	verbs := []string{"GET", "POST", "PUT", "DELETE", "*"}
	for trial := 0; trial < 300; trial++ {
		var all []Key
		seen := map[Key]bool{}
		n := 1 + rng.Intn(120)
		for len(all) < n {
			depth := 1 + rng.Intn(4)
			var parts []string
			for d := 0; d < depth; d++ {
				if rng.Intn(3) == 0 {
					parts = append(parts, "*")
				} else {
					parts = append(parts, fmt.Sprintf("s%d", rng.Intn(4)))
				}
			}
			k := Key{verbs[rng.Intn(len(verbs))], "/" + strings.Join(parts, "/")}
			if !seen[k] {
				seen[k] = true
				all = append(all, k)
			}
		}
		var allowed []Key
		p := rng.Float64()
		for _, k := range all {
			if rng.Float64() < p {
				allowed = append(allowed, k)
			}
		}
		// Routes the grantee holds through another policy (a group role's authenticated policy) may be
		// reached or not; every other route outside allowed must not be.
		var held []Key
		for _, k := range all {
			if !slices.Contains(allowed, k) && rng.Intn(3) == 0 {
				held = append(held, k)
			}
		}
		grants := Compact(allowed, held, all)
		if len(allowed) <= CompactAbove && !slices.Equal(grants, allowed) {
			t.Fatalf("trial %d: %d routes compacted to %v; small sets stay exact", trial, len(allowed), grants)
		}
		for _, k := range all {
			isAllowed := slices.Contains(allowed, k)
			for _, g := range grants {
				// An exact route ARN is what the construct always granted (its "*" for a {param} spans
				// slashes in IAM, a limit of execute-api ARNs, not of compaction); a compacted grant must
				// reach no request of a route outside allowed, so forbidden routes are checked with overlaps.
				compacted := !slices.Contains(allowed, g)
				if compacted && !isAllowed && !slices.Contains(held, k) && overlaps(g.Verb, k.Verb) && overlaps(g.Path, k.Path) {
					t.Fatalf("trial %d: compacted grant %s reaches forbidden route %s; grants %v", trial, g, k, grants)
				}
			}
			if isAllowed && !slices.ContainsFunc(grants, func(g Key) bool { return reaches(g, k) }) {
				t.Fatalf("trial %d: allowed route %s not granted; grants %v", trial, k, grants)
			}
		}
	}
}

func TestCompactShapes(t *testing.T) {
	var all, allowed []Key
	for i := 0; i < 30; i++ {
		all = append(all, Key{"GET", fmt.Sprintf("/a/%d", i)}, Key{"POST", fmt.Sprintf("/a/%d", i)}, Key{"GET", fmt.Sprintf("/b/%d", i)})
		allowed = append(allowed, Key{"GET", fmt.Sprintf("/a/%d", i)}, Key{"POST", fmt.Sprintf("/a/%d", i)}, Key{"GET", fmt.Sprintf("/b/%d", i)})
	}
	if got := Compact(allowed, nil, all); !slices.Equal(got, []Key{{"*", "/*"}}) {
		t.Errorf("every IAM route allowed: %v, want one */* grant", got)
	}
	allowed = allowed[:0]
	for i := 0; i < 30; i++ {
		allowed = append(allowed, Key{"GET", fmt.Sprintf("/a/%d", i)}, Key{"GET", fmt.Sprintf("/b/%d", i)})
	}
	// Any-verb grants come first (/b has no other verb), then GET for what is left.
	if got := Compact(allowed, nil, all); !slices.Equal(got, []Key{{"GET", "/*"}, {"*", "/b*"}}) {
		t.Errorf("every GET allowed: %v, want GET /* and * /b*", got)
	}
	allowed = allowed[:0]
	for i := 0; i < 30; i++ {
		allowed = append(allowed, Key{"GET", fmt.Sprintf("/a/%d", i)}, Key{"POST", fmt.Sprintf("/a/%d", i)})
	}
	if got := Compact(allowed, nil, all); !slices.Equal(got, []Key{{"*", "/a*"}}) {
		t.Errorf("all of /a allowed: %v, want * /a*", got)
	}
}

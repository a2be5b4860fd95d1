package restapi

import "github.com/underhood-dev/underhood/internal/restplan"

// invokeKey is one execute-api grant: verb ("*" for ANY or any verb) and path in ARN form ("{param}"
// segments are "*"; a trailing "/*" in a compacted grant means "everything below").
type invokeKey struct{ verb, path string }

func (k invokeKey) String() string { return k.verb + " " + k.path }

// compactAbove is the number of granted routes up to which a grantee keeps one exact ARN per route.
const compactAbove = restplan.CompactAbove

// compactInvokeKeys shortens the execute-api grants of one grantee (restplan.Compact, shared with the
// spec validator's quota estimate): prefix wildcards that reach exactly the allowed IAM routes.
func compactInvokeKeys(allowed, held, allIAM []invokeKey) []invokeKey {
	conv := func(keys []invokeKey) []restplan.Key {
		out := make([]restplan.Key, len(keys))
		for i, k := range keys {
			out[i] = restplan.Key{Verb: k.verb, Path: k.path}
		}
		return out
	}
	compacted := restplan.Compact(conv(allowed), conv(held), conv(allIAM))
	out := make([]invokeKey, len(compacted))
	for i, k := range compacted {
		out[i] = invokeKey{k.Verb, k.Path}
	}
	return out
}

package restapi

import (
	"strings"

	"github.com/underhood-dev/underhood/internal/restplan"
)

// ShardCapacity is the most route resources (Resource, Method, CORS OPTIONS) one nested stack of a split
// API holds: well below CloudFormation's 500 resources per stack, leaving room for a subtree to grow.
const ShardCapacity = restplan.ShardCapacity

// shardPlan says which nested stack holds each path of a split API (restplan.Plan, shared with the spec
// validator's quota estimate).
type shardPlan struct {
	plan *restplan.Shards
	// order lists the shard roots sorted, so nested stacks are created deterministically.
	order []string
	// parentCost is what stays in the API's own stack (restplan.Shards.ParentCost).
	parentCost int
}

// planShards returns nil when the routes fit budget (the API's own stack keeps everything, as it always
// did), else the split. Skipped (invalid) routes take no place.
func planShards(routes []resolvedRoute, cors bool, budget int) *shardPlan {
	paths := make([]string, 0, len(routes))
	for _, r := range routes {
		if !r.skip {
			paths = append(paths, r.path)
		}
	}
	p := restplan.Plan(paths, cors, budget)
	if p == nil {
		return nil
	}
	return &shardPlan{plan: p, order: p.Order, parentCost: p.ParentCost}
}

// shardRoot returns the shard root that holds path, or "" when path lives in the API's own stack.
func (p *shardPlan) shardRoot(path string) string { return p.plan.Root(path) }

// shardID is the construct id of the nested stack for a shard root: "|" cannot occur in a path
// segment, so distinct paths never share an id.
func shardID(root string) string { return "Routes" + strings.ReplaceAll(root, "/", "|") }

// Package restplan plans the routes of a REST API in pure Go: which nested stack holds each route
// resource of an API too big for one stack, and how the execute-api grants of a role are compacted. The
// restapi construct builds with it and the spec validator estimates service quotas with it (no CDK), so
// both count alike.
package restplan

import (
	"sort"
	"strings"
)

// ShardCapacity is the most route resources (Resource, Method, CORS OPTIONS) one nested stack of a split
// API holds: well below CloudFormation's 500 resources per stack, leaving room for a subtree to grow.
const ShardCapacity = 400

// Shards says which nested stack holds each path of a split API. A subtree of the path tree goes into
// one nested stack, named after the subtree's path, when it fits ShardCapacity; a bigger subtree keeps
// its top Resource (and its methods) in the API's own stack and places its children the same way. The
// placement of a route depends only on the size of its own subtree, never on unrelated routes or the
// order of the list, so adding a route elsewhere moves nothing.
type Shards struct {
	// roots holds the shard root paths ("/items"); paths below a root live in its nested stack.
	roots map[string]bool
	// Order lists the shard roots sorted, so nested stacks are created deterministically.
	Order []string
	// Costs holds the route resources of each shard (what its nested stack holds), by root.
	Costs map[string]int
	// ParentCost is what stays in the API's own stack: one nested stack resource per shard plus the
	// resources, CORS preflights and methods of the oversized subtree tops, and the methods of routes on
	// "/".
	ParentCost int
}

type pathNode struct {
	path     string
	methods  int
	children map[string]*pathNode
	cost     int
}

// buildPathTree returns the path tree of the routes (one path per route, "/photos/{id}") and its route
// resource count: a Resource (and its OPTIONS with CORS) per path segment and a Method per route. The API
// root and its CORS OPTIONS belong to the RestApi itself.
func buildPathTree(paths []string, cors bool) (*pathNode, int) {
	root := &pathNode{path: "", children: map[string]*pathNode{}}
	for _, path := range paths {
		n := root
		for _, part := range Segments(path) {
			c := n.children[part]
			if c == nil {
				c = &pathNode{path: n.path + "/" + part, children: map[string]*pathNode{}}
				n.children[part] = c
			}
			n = c
		}
		n.methods++
	}
	perNode := 1
	if cors {
		perNode = 2
	}
	var sum func(n *pathNode) int
	sum = func(n *pathNode) int {
		n.cost = n.methods
		if n.path != "" {
			n.cost += perNode
		}
		for _, c := range n.children {
			n.cost += sum(c)
		}
		return n.cost
	}
	total := sum(root) - root.methods
	return root, total
}

// RouteResources counts the route resources of the routes below the root (one path per route): a
// Resource, and its OPTIONS with CORS, per distinct path segment, and a Method per route.
func RouteResources(paths []string, cors bool) int {
	_, total := buildPathTree(paths, cors)
	return total
}

// Plan returns nil when the routes (one path per route) fit budget route resources, or budget is 0 or
// less (the API's own stack keeps everything, as it always did), else the split.
func Plan(paths []string, cors bool, budget int) *Shards {
	root, total := buildPathTree(paths, cors)
	if budget <= 0 || total <= budget {
		return nil
	}
	perNode := 1
	if cors {
		perNode = 2
	}
	p := &Shards{roots: map[string]bool{}, Costs: map[string]int{}, ParentCost: root.methods}
	var place func(n *pathNode)
	place = func(n *pathNode) {
		if n.cost <= ShardCapacity {
			p.roots[n.path] = true
			p.Order = append(p.Order, n.path)
			p.Costs[n.path] = n.cost
			p.ParentCost++ // the AWS::CloudFormation::Stack
			return
		}
		p.ParentCost += perNode + n.methods
		for _, c := range sortedChildren(n) {
			place(c)
		}
	}
	for _, c := range sortedChildren(root) {
		place(c)
	}
	sort.Strings(p.Order)
	return p
}

func sortedChildren(n *pathNode) []*pathNode {
	out := make([]*pathNode, 0, len(n.children))
	for _, c := range n.children {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// Root returns the shard root that holds path, or "" when path lives in the API's own stack.
func (p *Shards) Root(path string) string {
	cur := ""
	for _, part := range Segments(path) {
		cur += "/" + part
		if p.roots[cur] {
			return cur
		}
	}
	return ""
}

// Segments splits a route path into its segments: "/photos/{id}" -> [photos {id}], "/" -> none.
func Segments(path string) []string {
	t := strings.Trim(path, "/")
	if t == "" {
		return nil
	}
	return strings.Split(t, "/")
}

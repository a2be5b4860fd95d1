package restapi

import (
	"sort"
	"strings"
)

// ShardCapacity is the most route resources (Resource, Method, CORS OPTIONS) one nested stack of a split
// API holds: well below CloudFormation's 500 resources per stack, leaving room for a subtree to grow.
const ShardCapacity = 400

// shardPlan says which nested stack holds each path of a split API. A subtree of the path tree goes into
// one nested stack, named after the subtree's path, when it fits ShardCapacity; a bigger subtree keeps
// its top Resource (and its methods) in the API's own stack and places its children the same way. The
// placement of a route depends only on the size of its own subtree, never on unrelated routes or the
// order of the list, so adding a route elsewhere moves nothing.
type shardPlan struct {
	// roots holds the shard root paths ("/items"); paths below a root live in its nested stack.
	roots map[string]bool
	// order lists the shard roots sorted, so nested stacks are created deterministically.
	order []string
	// parentCost is what stays in the API's own stack: one nested stack resource per shard plus the
	// resources, CORS preflights and methods of the oversized subtree tops.
	parentCost int
}

type pathNode struct {
	path     string
	methods  int
	children map[string]*pathNode
	cost     int
}

// buildPathTree returns the path tree and its route resource count of the routes: a Resource (and its OPTIONS with CORS) per path
// segment and a Method per route. The API root and its CORS OPTIONS belong to the RestApi itself.
func buildPathTree(routes []resolvedRoute, cors bool) (*pathNode, int) {
	root := &pathNode{path: "", children: map[string]*pathNode{}}
	for _, r := range routes {
		if r.skip {
			continue
		}
		n := root
		for _, part := range splitPath(r.path) {
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

// planShards returns nil when the routes fit budget (the API's own stack keeps everything, as it always
// did), else the split.
func planShards(routes []resolvedRoute, cors bool, budget int) *shardPlan {
	root, total := buildPathTree(routes, cors)
	if budget <= 0 || total <= budget {
		return nil
	}
	perNode := 1
	if cors {
		perNode = 2
	}
	p := &shardPlan{roots: map[string]bool{}, parentCost: root.methods}
	var place func(n *pathNode)
	place = func(n *pathNode) {
		if n.cost <= ShardCapacity {
			p.roots[n.path] = true
			p.order = append(p.order, n.path)
			p.parentCost++ // the AWS::CloudFormation::Stack
			return
		}
		p.parentCost += perNode + n.methods
		for _, c := range sortedChildren(n) {
			place(c)
		}
	}
	for _, c := range sortedChildren(root) {
		place(c)
	}
	sort.Strings(p.order)
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

// shardRoot returns the shard root that holds path, or "" when path lives in the API's own stack.
func (p *shardPlan) shardRoot(path string) string {
	cur := ""
	for _, part := range splitPath(path) {
		cur += "/" + part
		if p.roots[cur] {
			return cur
		}
	}
	return ""
}

// shardID is the construct id of the nested stack for a shard root: "|" cannot occur in a path
// segment, so distinct paths never share an id.
func shardID(root string) string { return "Routes" + strings.ReplaceAll(root, "/", "|") }

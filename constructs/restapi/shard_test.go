package restapi

import (
	"fmt"
	"testing"
)

// TestPlanShards: small route sets are never split; a subtree bigger than ShardCapacity keeps its top
// in the API's own stack and splits below; placement follows the path, not the list position.
func TestPlanShards(t *testing.T) {
	route := func(path string) resolvedRoute { return resolvedRoute{method: "GET", path: path} }
	small := []resolvedRoute{route("/a"), route("/a/{id}"), route("/b")}
	if p := planShards(small, true, 100); p != nil {
		t.Errorf("small API split: %+v", p)
	}
	if p := planShards(small, true, 0); p != nil {
		t.Errorf("MaxRouteResources 0 must never split: %+v", p)
	}
	var routes []resolvedRoute
	for i := 0; i < 200; i++ {
		routes = append(routes, route(fmt.Sprintf("/huge/x%03d", i)), route(fmt.Sprintf("/huge/x%03d/{id}", i)))
	}
	routes = append(routes, route("/huge"), route("/small"), route("/small/{id}"), route("/"))
	p := planShards(routes, true, 10)
	if p == nil {
		t.Fatal("not split")
	}
	for path, want := range map[string]string{
		"/":                 "",
		"/huge":             "", // 200*6+3 route resources: too big for one nested stack
		"/huge/x007":        "/huge/x007",
		"/huge/x007/{id}":   "/huge/x007",
		"/small/{id}":       "/small",
		"/small":            "/small",
		"/unknown/anything": "",
	} {
		if got := p.shardRoot(path); got != want {
			t.Errorf("shardRoot(%s) = %q, want %q", path, got, want)
		}
	}
	// The API's own stack: the / route, /huge with its OPTIONS and method, one nested stack per shard.
	if want := 1 + 3 + 201; p.parentCost != want {
		t.Errorf("parentCost %d, want %d", p.parentCost, want)
	}
	// Reversing the list changes nothing.
	rev := make([]resolvedRoute, len(routes))
	for i, r := range routes {
		rev[len(routes)-1-i] = r
	}
	q := planShards(rev, true, 10)
	if fmt.Sprint(q.order) != fmt.Sprint(p.order) {
		t.Error("shard placement depends on route order")
	}
	if shardID("/a/b") == shardID("/a-b") || shardID("/a/b") == shardID("/a.b") {
		t.Error("shard ids collide")
	}
}

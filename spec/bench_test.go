package spec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

func BenchmarkLoadPhotoshare(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spec.Load("../examples/photoshare/app.yaml", "prod"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad300Routes(b *testing.B)  { benchmarkRoutes(b, 300) }
func BenchmarkLoad3000Routes(b *testing.B) { benchmarkRoutes(b, 3000) }

// routesSpec is a valid spec with one nodejs function and n routes spread over paths with parameters.
func routesSpec(n int) []byte {
	var s strings.Builder
	s.WriteString(`version: 1
app: bench
auth:
  userPool: { signInWith: [email] }
functions:
  catalog: { runtime: nodejs, source: functions/catalog }
api:
  bench:
    authorization: id-token
    cors: { allowOrigins: [https://app.example.com] }
    quotas: { resources: 1000 } # 3000 routes use 801 path resources
    routes:
`)
	verbs := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	for i := 0; i < n; i++ {
		r := i / len(verbs) // one resource per five routes
		path := fmt.Sprintf("/r%d", r/3)
		switch r % 3 {
		case 1:
			path += "/{id}"
		case 2:
			path += "/{id}/items/{itemId}"
		}
		fmt.Fprintf(&s, "      %s %s: catalog\n", verbs[i%len(verbs)], path)
	}
	return []byte(s.String())
}

func benchmarkRoutes(b *testing.B, n int) {
	data := routesSpec(n)
	app, err := spec.Parse("app.yaml", "../examples/iam-guest", data, "")
	if err != nil {
		b.Fatal(err)
	}
	if got := len(app.APIs[0].Routes); got != n {
		b.Fatalf("%d routes, want %d", got, n)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := spec.Parse("app.yaml", "../examples/iam-guest", data, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuotaEstimate1000Routes: the footprint validate checks the quotas with, for the 1000-route IAM
// API of quota_test.go (groups, guests, compaction), alone.
func BenchmarkQuotaEstimate1000Routes(b *testing.B) {
	app, err := spec.Parse("app.yaml", "../examples/iam-guest", iamRoutesSpec(1000), "prod")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		spec.Estimate(app)
	}
}

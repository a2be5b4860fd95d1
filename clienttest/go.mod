// The real-client tests are Node (package.json); being its own module keeps the Go tool out of
// clienttest/node_modules, so go vet ./... and go test ./... at the root stay clean.
module github.com/underhood-dev/underhood/clienttest

go 1.26

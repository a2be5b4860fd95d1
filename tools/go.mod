// This folder holds the pinned npm tools (tools/package.json). Being its own module keeps the Go tool
// from walking into tools/node_modules, where packages ship Go files of their own (aws-cdk's init
// templates), so `go vet ./...` and `go test ./...` stay clean at the repository root.
module github.com/underhood-dev/underhood/tools

go 1.26

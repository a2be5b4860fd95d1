// This folder is the Mermaid render test (Node: package.json, render.test.mjs). Being its own module keeps
// the Go tool from walking into mermaidtest/node_modules, so `go vet ./...` and `go test ./...` at the
// repository root never see the npm packages.
module github.com/underhood-dev/underhood/mermaidtest

go 1.26

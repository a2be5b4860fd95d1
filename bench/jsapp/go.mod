// bench/jsapp is the reference JavaScript CDK app. Being its own module keeps the Go tool from walking
// into bench/jsapp/node_modules, where packages ship Go files of their own, so `go vet ./...` and
// `go test ./...` stay clean at the repository root.
module github.com/underhood-dev/underhood/bench/jsapp

go 1.26

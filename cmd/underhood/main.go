// Command underhood turns an app spec (app.yaml) into CDK stacks and frontend configuration.
package main

import (
	"os"

	"github.com/underhood-dev/underhood/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

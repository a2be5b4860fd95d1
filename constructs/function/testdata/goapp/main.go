// Command goapp is a minimal Lambda handler used as a test fixture.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func handle(ctx context.Context, event map[string]any) (map[string]any, error) {
	return map[string]any{"statusCode": 200, "body": "ok"}, nil
}

func main() {
	lambda.Start(handle)
}

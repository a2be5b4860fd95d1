// Command photos is the photoshare API's Lambda handler (API Gateway proxy integration).
package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// corsHeaders echoes the request's Origin when underhood listed it as allowed: with a proxy integration
// the function, not API Gateway, must put CORS headers on its replies.
func corsHeaders(req events.APIGatewayProxyRequest) map[string]string {
	h := map[string]string{"Content-Type": "application/json", "Vary": "Origin"}
	origin := req.Headers["origin"]
	if origin == "" {
		origin = req.Headers["Origin"]
	}
	for _, allowed := range strings.Split(os.Getenv("UNDERHOOD_ALLOWED_ORIGINS"), ",") {
		if allowed != "" && (allowed == "*" || allowed == origin) {
			h["Access-Control-Allow-Origin"] = allowed
		}
	}
	return h
}

func handle(_ context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	body, _ := json.Marshal(map[string]any{
		"route":  req.HTTPMethod + " " + req.Resource,
		"id":     req.PathParameters["id"],
		"bucket": os.Getenv("STORAGE_PHOTOSTORE_BUCKETNAME"),
		"table":  os.Getenv("STORAGE_LIKES_NAME"),
	})
	return events.APIGatewayProxyResponse{StatusCode: http.StatusOK, Headers: corsHeaders(req), Body: string(body)}, nil
}

func main() {
	lambda.Start(handle)
}

package awsrules

import (
	"fmt"
	"regexp"
	"strings"
)

// RouteARNPath is the path part of a route's execute-api ARN: "/photos/{id}" and "/files/{proxy+}"
// become "/photos/*" and "/files/*". IAM's * also matches "/", so the ARN of a {param} route covers every
// deeper path below it too; the validator's overreach check and the construct's grant both use this one
// function so that what the spec promises is what the policy allows.
func RouteARNPath(path string) string {
	segs := RouteSegments(path)
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "*"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// RouteSegments is a route path's segments, without empty ones: "/" has none.
func RouteSegments(path string) []string {
	t := strings.Trim(path, "/")
	if t == "" {
		return nil
	}
	return strings.Split(t, "/")
}

// RouteARNMethod is a method as execute-api ARNs write it: ANY is *.
func RouteARNMethod(method string) string {
	if method == "ANY" {
		return "*"
	}
	return method
}

// RouteARNResource is the resource part of a route's execute-api ARN after the API ID:
// "STAGE/METHOD/path" (arn:PARTITION:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/path).
func RouteARNResource(stage, method, path string) string {
	return stage + "/" + RouteARNMethod(method) + RouteARNPath(path)
}

// ExecuteAPIARN is the full execute-api ARN of a route in the aws partition.
func ExecuteAPIARN(region, account, apiID, stage, method, path string) string {
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s", region, account, apiID, RouteARNResource(stage, method, path))
}

// ExecuteAPIHostPattern is the host of an API Gateway invoke URL, API_ID.execute-api.REGION.amazonaws.com
// (.com.cn in China); the first group is the region.
var ExecuteAPIHostPattern = regexp.MustCompile(`^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)

package awsrules

import "regexp"

// ExecuteAPIHostPattern is the host of an API Gateway invoke URL, API_ID.execute-api.REGION.amazonaws.com
// (.com.cn in China); the first group is the region.
var ExecuteAPIHostPattern = regexp.MustCompile(`^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)

// DomainPrefixHost is the host of a user pool's prefix domain (DomainPrefixPattern) in region:
// PREFIX.auth.REGION.amazoncognito.com, the hosted UI's address.
func DomainPrefixHost(prefix, region string) string {
	return prefix + ".auth." + region + ".amazoncognito.com"
}

// Lambda's timeout bounds in seconds, and what a function gets when its CloudFormation template sets
// neither Timeout nor MemorySize.
const (
	LambdaTimeoutLowest  = 1
	LambdaTimeoutHighest = 900
	LambdaTimeoutDefault = 3
	LambdaMemoryDefault  = 128
)

package awsrules

import "regexp"

var (
	// AccountPattern is a 12-digit AWS account ID.
	AccountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// RegionPattern is a region name such as eu-west-1, us-gov-west-1 or us-isob-east-1.
	RegionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	// BucketNamePattern is an S3 general purpose bucket name.
	BucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// TableNamePattern is a DynamoDB table name.
	TableNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)
)

// Lambda's memory bounds in MB.
const (
	LambdaMemoryLowest  = 128
	LambdaMemoryHighest = 10240
)

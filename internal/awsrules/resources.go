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

// LogRetentionDays are the retention periods CloudWatch Logs accepts (RetentionInDays), in days.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

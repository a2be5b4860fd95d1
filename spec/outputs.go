package spec

import "unicode"

// Stack output keys are a contract between the stacks, the config emitter and teams' own scripts
// (README lists them). They live here, in pure Go, so the emitter needs no CDK package.
const (
	OutputRegion         = "Region"
	OutputUserPoolID     = "UserPoolId"
	OutputClientID       = "UserPoolClientId"
	OutputIdentityPoolID = "IdentityPoolId"
	OutputHostedUIDomain = "HostedUIDomain"
)

// OutputAPIURL is the key of an API's invoke URL (with the stage, ending in /).
func OutputAPIURL(api string) string { return "Api" + upperFirst(api) + "Url" }

// OutputAPIAuthorization is the key of an API's comma-joined authorization modes.
func OutputAPIAuthorization(api string) string { return "Api" + upperFirst(api) + "Authorization" }

// OutputBucketName is the key of a bucket's name.
func OutputBucketName(bucket string) string { return "Bucket" + upperFirst(bucket) + "Name" }

// OutputBucketNotifications is the key of the notification configuration to set on an existing bucket
// whose objects invoke functions (the JSON aws s3api put-bucket-notification-configuration takes).
func OutputBucketNotifications(bucket string) string {
	return "Bucket" + upperFirst(bucket) + "Notifications"
}

// OutputTableName is the key of a table's name.
func OutputTableName(table string) string { return "Table" + upperFirst(table) + "Name" }

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

package awsrules

import "regexp"

// Custom domains: the hosted UI's (Cognito, served by CloudFront) and a REST API's (API Gateway,
// regional endpoint).

// HostedUICertificateRegion is where the ACM certificate of a Cognito custom domain must be, whatever
// the pool's region: Cognito serves custom domains through CloudFront, which takes certificates from
// US East (N. Virginia) only (Cognito's UpdateUserPoolDomain: "you must choose US East (N. Virginia)").
const HostedUICertificateRegion = "us-east-1"

// APIDomainSecurityPolicy is the TLS policy of a REST API's custom domain: TLS 1.2 at least.
const APIDomainSecurityPolicy = "TLS_1_2"

var (
	// CertificateARNPattern is an ACM certificate ARN; the groups are the partition, the region and the
	// account.
	CertificateARNPattern = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):acm:([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9]):([0-9]{12}):certificate/[0-9a-zA-Z-]{1,128}$`)
	// HostNamePattern is a fully qualified DNS host name in lowercase: labels of 1 to 63 letters, digits
	// and hyphens (not at either end), at least two of them, 253 characters at most (checked apart).
	HostNamePattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$`)
	// BasePathPattern is one API Gateway base path segment: letters, digits and $-_.+!*'() (CDK's
	// BasePathMapping check; a path with / needs API Gateway v2 mappings, which underhood does not make).
	BasePathPattern = regexp.MustCompile(`^[a-zA-Z0-9$_.+!*'()-]+$`)
)

// CloudFrontHostedZoneID is the Route 53 hosted zone of every CloudFront distribution: an alias record
// to the hosted UI's custom domain target names it.
const CloudFrontHostedZoneID = "Z2FDTNDATAQYW2"

// HostNameMaxLength is DNS's limit on a host name.
const HostNameMaxLength = 253

// CertificateRegion returns the region of an ACM certificate ARN, or "" when arn is not one.
func CertificateRegion(arn string) string {
	if m := CertificateARNPattern.FindStringSubmatch(arn); m != nil {
		return m[2]
	}
	return ""
}

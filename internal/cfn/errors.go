package cfn

import (
	"errors"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// The kinds of failure Classify tells apart. Each command words them for its own context.
var (
	ErrStackNotFound = errors.New("stack not found")
	ErrAccessDenied  = errors.New("access denied")
	ErrThrottled     = errors.New("throttled")
	// ErrCredentials: AWS refused the credentials (expired, invalid, or signed wrong).
	ErrCredentials = errors.New("credentials refused")
	// ErrNoCredentials: the SDK found no credentials to sign the call with (no call was made).
	ErrNoCredentials = errors.New("no credentials")
)

// Failure is a failed call, classified.
type Failure struct {
	// Kind is ErrStackNotFound, ErrAccessDenied, ErrThrottled, ErrCredentials or ErrNoCredentials; nil
	// for any other failure.
	Kind error
	// Code and Message are the service's error code and message; both "" when no answer came back
	// (no credentials, the network, a canceled context).
	Code, Message string
}

// credentialsRefused are the codes AWS answers a call signed with expired, unknown or mismatched
// credentials with (STS-issued session tokens expire: ExpiredToken).
var credentialsRefused = []string{"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
	"SignatureDoesNotMatch", "UnrecognizedClientException"}

// Classify classifies err, an error of a CloudFormation call through the SDK.
func Classify(err error) Failure {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		// The signer's "failed to retrieve credentials" wraps every credential provider's failure;
		// "no EC2 IMDS role found" is the last provider of the default chain, alone.
		if s := err.Error(); strings.Contains(s, "failed to retrieve credentials") || strings.Contains(s, "no EC2 IMDS role found") {
			return Failure{Kind: ErrNoCredentials}
		}
		return Failure{}
	}
	f := Failure{Code: apiErr.ErrorCode(), Message: apiErr.ErrorMessage()}
	switch {
	case f.Code == "ValidationError" && strings.Contains(f.Message, "does not exist"):
		f.Kind = ErrStackNotFound
	case f.Code == "AccessDenied" || f.Code == "AccessDeniedException" || strings.Contains(f.Message, "not authorized"):
		f.Kind = ErrAccessDenied
	case isThrottle(f.Code):
		f.Kind = ErrThrottled
	case slices.Contains(credentialsRefused, f.Code):
		f.Kind = ErrCredentials
	}
	return f
}

// isThrottle: the codes the SDK's retryer treats as throttling (and retries before the error reaches us).
func isThrottle(code string) bool {
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok
}

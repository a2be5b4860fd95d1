package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/smithy-go/logging"
)

// cloudFormationClient is the client config --from-stack and plan use: the default credential chain or
// --profile, and the stack's region from --region, else the stage's region in the spec (where the stack
// was deployed), else the SDK's own. The endpoint follows the SDK's configuration
// (AWS_ENDPOINT_URL_CLOUDFORMATION, endpoint_url in the profile), which is how tests and LocalStack
// point it elsewhere. where names the region (and profile) for messages.
func cloudFormationClient(ctx context.Context, profile, region, stageRegion string) (client *cloudformation.Client, where string, err error) {
	cfg, where, err := awsConfig(ctx, profile, region, stageRegion)
	if err != nil {
		return nil, "", err
	}
	return cloudformation.NewFromConfig(cfg), where, nil
}

// awsConfig is the SDK configuration every AWS client of the CLI uses (see cloudFormationClient).
func awsConfig(ctx context.Context, profile, region, stageRegion string) (aws.Config, string, error) {
	if region == "" {
		region = stageRegion
	}
	// The SDK's default logger prints warnings such as "falling back to IMDSv1" straight to stderr, before
	// the clear error this command gives when no credentials are found; its errors carry the same facts.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, "", fmt.Errorf("cannot load the AWS configuration: %v", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, "", errors.New("no AWS region: pass --region, set the stage's region in the spec, or set AWS_REGION")
	}
	where := "region " + cfg.Region
	if profile != "" {
		where += " (profile " + profile + ")"
	}
	return cfg, where, nil
}

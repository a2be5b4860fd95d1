// Package cfn is underhood's one adapter to AWS: it loads the SDK configuration and builds every client
// from it (CloudFormation, and the Secrets Manager and SSM clients config reads referenced values
// with), reads stacks (GetTemplate, DescribeStacks outputs, ListStackResources) and classifies
// CloudFormation's errors once, for every command (Classify). It uses aws-sdk-go-v2 only: no CDK.
package cfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go/logging"
)

// Options choose the credentials and region: the default credential chain or Profile, and the region
// from Region (--region), else StageRegion (the stage's region in the spec, where the stack was
// deployed), else the SDK's own.
type Options struct {
	Profile     string
	Region      string
	StageRegion string
}

// Session is a loaded SDK configuration. The endpoints follow the SDK's configuration
// (AWS_ENDPOINT_URL_CLOUDFORMATION, AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_SSM, endpoint_url
// in the profile), which is how tests and LocalStack point them elsewhere.
type Session struct {
	cfg aws.Config
	// Where names the region (and profile) for messages: "region eu-west-1 (profile dev)".
	Where string
}

// Load loads the SDK configuration for o.
func Load(ctx context.Context, o Options) (*Session, error) {
	region := o.Region
	if region == "" {
		region = o.StageRegion
	}
	// The SDK's default logger prints warnings such as "falling back to IMDSv1" straight to stderr, before
	// the clear error the command gives when no credentials are found; its errors carry the same facts.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("cannot load the AWS configuration: %v", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: pass --region, set the stage's region in the spec, or set AWS_REGION")
	}
	where := "region " + cfg.Region
	if o.Profile != "" {
		where += " (profile " + o.Profile + ")"
	}
	return &Session{cfg: cfg, Where: where}, nil
}

// NewClient is the CloudFormation client of a new Session for o, and where it points (Session.Where).
func NewClient(ctx context.Context, o Options) (client *cloudformation.Client, where string, err error) {
	s, err := Load(ctx, o)
	if err != nil {
		return nil, "", err
	}
	return s.CloudFormation(), s.Where, nil
}

// CloudFormation is a CloudFormation client of the session.
func (s *Session) CloudFormation() *cloudformation.Client { return cloudformation.NewFromConfig(s.cfg) }

// SecretsManager is a Secrets Manager client of the session.
func (s *Session) SecretsManager() *secretsmanager.Client { return secretsmanager.NewFromConfig(s.cfg) }

// SSM is a Systems Manager client of the session.
func (s *Session) SSM() *ssm.Client { return ssm.NewFromConfig(s.cfg) }

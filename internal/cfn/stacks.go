package cfn

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// The calls each read needs; *cloudformation.Client has them all, and tests or a caller that bounds
// its calls in flight can stand in.
type (
	TemplateAPI interface {
		GetTemplate(ctx context.Context, in *cloudformation.GetTemplateInput, optFns ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	}
	OutputsAPI interface {
		DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	}
	ResourcesAPI interface {
		ListStackResources(ctx context.Context, in *cloudformation.ListStackResourcesInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error)
	}
)

var (
	_ TemplateAPI  = (*cloudformation.Client)(nil)
	_ OutputsAPI   = (*cloudformation.Client)(nil)
	_ ResourcesAPI = (*cloudformation.Client)(nil)
)

// Template is the stack's template body as GetTemplate returns it (JSON, or YAML when the stack was
// deployed from YAML). stage is the TemplateStage asked for; "" leaves it to CloudFormation, whose
// default is Processed (after transforms). Errors are the SDK's: Classify them.
func Template(ctx context.Context, api TemplateAPI, stack string, stage types.TemplateStage) (string, error) {
	out, err := api.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(stack), TemplateStage: stage})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.TemplateBody), nil
}

// Outputs is the stack's outputs, OutputKey to OutputValue, from DescribeStacks; nil when the answer
// holds no stack. Errors are the SDK's: Classify them.
func Outputs(ctx context.Context, api OutputsAPI, stack string) (map[string]string, error) {
	out, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		return nil, err
	}
	// Given a name or stack ID, DescribeStacks answers with that one stack.
	if len(out.Stacks) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		m[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return m, nil
}

// Resources is the stack's resources from ListStackResources, every page, in the service's order
// (DELETE_COMPLETE ones included). Errors are the SDK's (Classify them) or a *RepeatedTokenError.
func Resources(ctx context.Context, api ResourcesAPI, stack string) ([]types.StackResourceSummary, error) {
	var all []types.StackResourceSummary
	var token *string
	seen := map[string]bool{}
	for {
		out, err := api.ListStackResources(ctx, &cloudformation.ListStackResourcesInput{StackName: aws.String(stack), NextToken: token})
		if err != nil {
			return nil, err
		}
		all = append(all, out.StackResourceSummaries...)
		next := aws.ToString(out.NextToken)
		if next == "" {
			return all, nil
		}
		if seen[next] {
			return nil, &RepeatedTokenError{Token: next}
		}
		seen[next] = true
		token = aws.String(next)
	}
}

// RepeatedTokenError: ListStackResources answered with a page token it had already given; following it
// would never end.
type RepeatedTokenError struct{ Token string }

func (e *RepeatedTokenError) Error() string {
	return fmt.Sprintf("ListStackResources returned the page token %q twice", e.Token)
}

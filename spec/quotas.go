package spec

import "github.com/underhood-dev/underhood/internal/awsrules"

// StackResourceBudget is what underhood keeps an app stack under before it moves API routes into
// nested stacks: the resource quota, less a margin for what the split estimate does not see.
const StackResourceBudget = awsrules.QuotaStackResources - 50

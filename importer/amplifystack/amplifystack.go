// Package amplifystack reads a deployed Amplify Gen 1 stack tree with CloudFormation: the root stack
// (amplify/team-provider-info.json: <env>.awscloudformation.StackName), its nested category stacks
// (logical ids <category><resourceName>, e.g. authmyapp1a2b3c4d, storagefiles) and their resources,
// with each resource's DeletionPolicy and UpdateReplacePolicy as the deployed template has them.
//
// From that tree it extracts the physical ids an underhood spec's existing block needs (IDs) and
// reports which stateful resources CloudFormation would delete when they leave their stack
// (Unretained, CheckRetained). It only reads: ListStackResources and GetTemplate.
package amplifystack

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/underhood-dev/underhood/internal/cfn"
)

// API is what the package needs; *cloudformation.Client satisfies it.
type API interface {
	cfn.ResourcesAPI
	cfn.TemplateAPI
}

var _ API = (*cloudformation.Client)(nil)

// Resource is one resource of the tree.
type Resource struct {
	// Category and Name come from the logical id of the nested stack in the root that holds the
	// resource (directly or deeper): authmyapp1a2b3c4d is "auth", "myapp1a2b3c4d". The root's own
	// resources, the nested stack resources themselves included, have both empty. A nested stack whose
	// logical id starts with no Amplify category has Category "" and its logical id as Name.
	Category, Name string
	// Stack is the stack holding the resource: the root as given to Inspect, a nested stack's ARN.
	Stack                       string
	LogicalID, Type, PhysicalID string
	DeletionPolicy              string // as in the deployed template; "" is CloudFormation's default, Delete
	UpdateReplacePolicy         string // likewise
}

// Tree is a deployed Amplify root stack and everything under it.
type Tree struct {
	Root string
	// Resources: the root's resources by logical id, then for each nested stack (in the order of
	// their logical ids in the parent) its resources by logical id followed by its own nested stacks',
	// depth first. Resources CloudFormation lists as DELETE_COMPLETE are left out.
	Resources []Resource

	stacks map[string]*stackInfo // by Resource.Stack
}

// stackInfo is what IDs needs beyond the resource list: the stack's template and the parameter values
// its parent's template passes it.
type stackInfo struct {
	tmpl   map[string]any
	params map[string]string
}

// StackError is a failed CloudFormation call on one stack of the tree.
type StackError struct {
	Stack string // the stack's name
	Op    string // ListStackResources or GetTemplate
	Kind  error  // the cfn.Classify kind (cfn.ErrStackNotFound, cfn.ErrAccessDenied ...), or nil
	Err   error  // the SDK's error
	msg   string
}

func (e *StackError) Error() string { return e.msg }

func (e *StackError) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// parallel bounds the CloudFormation calls in flight: an Amplify root has a nested stack per
// resource, and CloudFormation's read APIs throttle early.
const parallel = 4

// Inspect reads rootStack (a name or stack id) and its nested stacks, recursively. Calls go through
// api's own retryer, so throttling is retried before it is reported.
func Inspect(ctx context.Context, api API, rootStack string) (*Tree, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	w := &walker{api: api, sem: make(chan struct{}, parallel), cancel: cancel, stacks: map[string]*stackInfo{}}
	res := w.walk(ctx, rootStack, "", "", nil, true)
	if err := context.Cause(ctx); err != nil && w.err == nil {
		return nil, err
	}
	if w.err != nil {
		return nil, w.err
	}
	return &Tree{Root: rootStack, Resources: res, stacks: w.stacks}, nil
}

type walker struct {
	api    API
	sem    chan struct{}
	cancel context.CancelCauseFunc

	mu     sync.Mutex
	err    error // the first failure
	stacks map[string]*stackInfo
}

func (w *walker) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
	w.cancel(err)
}

// walk returns stack's resources followed by its nested stacks' (recursively). params are the values
// the parent's template passes the stack. On failure it records the error and returns nil.
func (w *walker) walk(ctx context.Context, stack, category, name string, params map[string]string, root bool) []Resource {
	summaries, err := w.list(ctx, stack)
	if err != nil {
		w.fail(err)
		return nil
	}
	tmpl, err := w.template(ctx, stack)
	if err != nil {
		w.fail(err)
		return nil
	}
	w.mu.Lock()
	w.stacks[stack] = &stackInfo{tmpl: tmpl, params: params}
	w.mu.Unlock()

	resources := mapOf(tmpl["Resources"])
	var own []Resource
	type child struct {
		logicalID, stack, category, name string
		params                           map[string]string
	}
	var children []child
	for _, s := range summaries {
		if s.ResourceStatus == types.ResourceStatusDeleteComplete {
			continue
		}
		id := aws.ToString(s.LogicalResourceId)
		def := mapOf(resources[id])
		r := Resource{
			Category: category, Name: name, Stack: stack,
			LogicalID: id, Type: aws.ToString(s.ResourceType), PhysicalID: aws.ToString(s.PhysicalResourceId),
			DeletionPolicy: policy(def["DeletionPolicy"]), UpdateReplacePolicy: policy(def["UpdateReplacePolicy"]),
		}
		if r.Type == "" {
			r.Type, _ = def["Type"].(string)
		}
		own = append(own, r)
		if r.Type == "AWS::CloudFormation::Stack" && r.PhysicalID != "" {
			c := child{logicalID: id, stack: r.PhysicalID, category: category, name: name}
			if root {
				c.category, c.name = SplitLogicalID(id)
			}
			c.params = nestedParams(tmpl, def, params)
			children = append(children, c)
		}
	}
	sort.Slice(own, func(i, j int) bool { return own[i].LogicalID < own[j].LogicalID })
	sort.Slice(children, func(i, j int) bool { return children[i].logicalID < children[j].logicalID })

	results := make([][]Resource, len(children))
	var wg sync.WaitGroup
	for i, c := range children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = w.walk(ctx, c.stack, c.category, c.name, c.params, false)
		}()
	}
	wg.Wait()
	for _, r := range results {
		own = append(own, r...)
	}
	return own
}

// list pages through ListStackResources. It holds one of the parallel slots until the last page.
func (w *walker) list(ctx context.Context, stack string) ([]types.StackResourceSummary, error) {
	if err := w.acquire(ctx); err != nil {
		return nil, err
	}
	all, err := cfn.Resources(ctx, w.api, stack)
	w.release()
	if err != nil {
		return nil, stackError(stack, "ListStackResources", err)
	}
	return all, nil
}

// template reads the stack's template as submitted (TemplateStage Original) and parses it.
func (w *walker) template(ctx context.Context, stack string) (map[string]any, error) {
	if err := w.acquire(ctx); err != nil {
		return nil, err
	}
	body, err := cfn.Template(ctx, w.api, stack, types.TemplateStageOriginal)
	w.release()
	if err != nil {
		return nil, stackError(stack, "GetTemplate", err)
	}
	tmpl, err := parseTemplate(body)
	if err != nil {
		return nil, &StackError{Stack: StackName(stack), Op: "GetTemplate", Err: err,
			msg: fmt.Sprintf("stack %s: cannot read its deployed template: %v", StackName(stack), err)}
	}
	return tmpl, nil
}

func (w *walker) acquire(ctx context.Context) error {
	select {
	case w.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func (w *walker) release() { <-w.sem }

// stackError turns an SDK error into a message that names the stack and says what to do.
func stackError(stack, op string, err error) error {
	name := StackName(stack)
	f := cfn.Classify(err)
	e := &StackError{Stack: name, Op: op, Kind: f.Kind, Err: err}
	var repeated *cfn.RepeatedTokenError
	switch {
	case errors.As(err, &repeated):
		e.msg = fmt.Sprintf("stack %s: %v", name, err)
	case f.Kind == cfn.ErrNoCredentials:
		e.msg = fmt.Sprintf("stack %s: no AWS credentials for cloudformation:%s: %v", name, op, err)
	case f.Kind == cfn.ErrStackNotFound:
		e.msg = fmt.Sprintf("stack %s does not exist (%s): check the StackName of the env in amplify/team-provider-info.json and the region", name, f.Message)
	case f.Kind == cfn.ErrAccessDenied:
		e.msg = fmt.Sprintf("stack %s: access denied to cloudformation:%s (%s); the credentials need cloudformation:ListStackResources "+
			"and cloudformation:GetTemplate on the Amplify root stack and its nested stacks", name, op, f.Message)
	case f.Kind == cfn.ErrThrottled:
		e.msg = fmt.Sprintf("stack %s: CloudFormation throttled cloudformation:%s and the retries ran out (%s: %s); try again later, "+
			"or allow more attempts (AWS_MAX_ATTEMPTS)", name, op, f.Code, f.Message)
	case f.Kind == cfn.ErrCredentials:
		e.msg = fmt.Sprintf("stack %s: the AWS credentials were refused (%s: %s); refresh them", name, f.Code, f.Message)
	case f.Code != "":
		e.msg = fmt.Sprintf("stack %s: cloudformation:%s failed: %s: %s", name, op, f.Code, f.Message)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		e.msg = fmt.Sprintf("stack %s: %s: %v", name, op, err)
	default:
		e.msg = fmt.Sprintf("stack %s: cloudformation:%s failed: %v", name, op, err)
	}
	return e
}

// StackName is the name in a stack ARN (arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>),
// or s itself when it is not one.
func StackName(s string) string {
	if !strings.HasPrefix(s, "arn:") {
		return s
	}
	_, rest, ok := strings.Cut(s, ":stack/")
	if !ok {
		return s
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// stackRegion is the region in a stack ARN, or "".
func stackRegion(s string) string {
	parts := strings.SplitN(s, ":", 5)
	if len(parts) < 5 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// categories are amplify-cli's categories; a nested stack's logical id in the root is the category
// followed by the resource name.
var categories = []string{"analytics", "api", "auth", "custom", "function", "geo", "hosting", "interactions",
	"notifications", "predictions", "storage", "xr"}

// SplitLogicalID splits a root nested stack's logical id into Amplify category and resource name:
// "authmyapp1a2b3c4d" is "auth", "myapp1a2b3c4d". An id that starts with no category gives "" and id.
func SplitLogicalID(id string) (category, name string) {
	for _, c := range categories {
		if rest, ok := strings.CutPrefix(id, c); ok && rest != "" {
			return c, rest
		}
	}
	return "", id
}

// policy is a DeletionPolicy or UpdateReplacePolicy value: the string, or for an intrinsic (allowed
// with AWS::LanguageExtensions) its compact JSON form, which is never "Retain".
func policy(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return compact(v)
	}
}

package amplifystack

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/underhood-dev/underhood/internal/cfn"
)

const (
	rootName = "amplify-myapp-dev-12345"
	arnBase  = "arn:aws:cloudformation:eu-west-1:123456789012:stack/"
)

// fakeStack is one stack the fake CloudFormation knows, by name and by ARN.
type fakeStack struct {
	name      string
	body      string
	resources [][3]string // logical id, type, physical id, in the order CloudFormation lists them
	deleted   []string    // logical ids listed as DELETE_COMPLETE
}

func (s *fakeStack) arn() string { return arnBase + s.name + "/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f" }

// fakeErr is an error answer: status, code and message.
type fakeErr struct {
	status        int
	code, message string
}

// fakeCloudFormation answers ListStackResources and GetTemplate in the AWS query protocol, the way
// CloudFormation does: form-encoded POSTs in, XML out.
type fakeCloudFormation struct {
	stacks   map[string]*fakeStack // by name and ARN
	pageSize int

	mu       sync.Mutex
	errs     map[string]fakeErr // "<Action> <stack name>": answer with this error
	throttle map[string]int     // "<Action> <stack name>": throttle this many requests first
	requests []url.Values
	bad      []string // requests the fake did not expect
}

func newFake(t *testing.T, stacks ...*fakeStack) *fakeCloudFormation {
	f := &fakeCloudFormation{stacks: map[string]*fakeStack{}, pageSize: 5, errs: map[string]fakeErr{}, throttle: map[string]int{}}
	for _, s := range stacks {
		f.stacks[s.name] = s
		f.stacks[s.arn()] = s
	}
	return f
}

func (f *fakeCloudFormation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	action, stackID := form.Get("Action"), form.Get("StackName")
	auth := r.Header.Get("Authorization")
	f.mu.Lock()
	f.requests = append(f.requests, form)
	if !strings.Contains(auth, "Credential=AKIDAMPLIFYTEST/") || !strings.Contains(auth, "/eu-west-1/cloudformation/aws4_request") {
		f.bad = append(f.bad, "unsigned: "+auth)
	}
	if action == "GetTemplate" && form.Get("TemplateStage") != "Original" {
		f.bad = append(f.bad, "GetTemplate without TemplateStage=Original: "+form.Encode())
	}
	s := f.stacks[stackID]
	name := StackName(stackID)
	key := action + " " + name
	e, failing := f.errs[key]
	if n := f.throttle[key]; n > 0 && !failing {
		f.throttle[key] = n - 1
		e, failing = fakeErr{400, "Throttling", "Rate exceeded"}, true
	}
	f.mu.Unlock()

	w.Header().Set("Content-Type", "text/xml")
	if failing {
		queryError(w, e.status, e.code, e.message)
		return
	}
	if s == nil {
		queryError(w, http.StatusBadRequest, "ValidationError", "Stack with id "+stackID+" does not exist")
		return
	}
	switch action {
	case "GetTemplate":
		fmt.Fprintf(w, `<GetTemplateResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><GetTemplateResult>`+
			`<TemplateBody>%s</TemplateBody><StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>`+
			`</GetTemplateResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetTemplateResponse>`, esc(s.body))
	case "ListStackResources":
		start := 0
		if tok := form.Get("NextToken"); tok != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-"))
			if err != nil {
				queryError(w, http.StatusBadRequest, "ValidationError", "Invalid NextToken")
				return
			}
			start = n
		}
		end := min(start+f.pageSize, len(s.resources))
		var members strings.Builder
		for _, r := range s.resources[start:end] {
			status := "CREATE_COMPLETE"
			for _, d := range s.deleted {
				if d == r[0] {
					status = "DELETE_COMPLETE"
				}
			}
			fmt.Fprintf(&members, `<member><LogicalResourceId>%s</LogicalResourceId><PhysicalResourceId>%s</PhysicalResourceId>`+
				`<ResourceType>%s</ResourceType><LastUpdatedTimestamp>2025-01-01T00:00:00.000Z</LastUpdatedTimestamp>`+
				`<ResourceStatus>%s</ResourceStatus><DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation></member>`,
				esc(r[0]), esc(r[2]), esc(r[1]), status)
		}
		next := ""
		if end < len(s.resources) {
			next = fmt.Sprintf("<NextToken>page-%d</NextToken>", end)
		}
		fmt.Fprintf(w, `<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><ListStackResourcesResult>`+
			`<StackResourceSummaries>%s</StackResourceSummaries>%s</ListStackResourcesResult>`+
			`<ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></ListStackResourcesResponse>`, members.String(), next)
	default:
		f.mu.Lock()
		f.bad = append(f.bad, "unexpected action "+action)
		f.mu.Unlock()
		queryError(w, http.StatusBadRequest, "InvalidAction", "unexpected action "+action)
	}
}

func queryError(w http.ResponseWriter, status int, code, msg string) {
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>`+
		`<Code>%s</Code><Message>%s</Message></Error><RequestId>r3</RequestId></ErrorResponse>`, esc(code), esc(msg))
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// calls counts the requests for action on the stack named name.
func (f *fakeCloudFormation) calls(action, name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if r.Get("Action") == action && StackName(r.Get("StackName")) == name {
			n++
		}
	}
	return n
}

// client is a real CloudFormation client with static credentials, pointed at the fake. Retries are
// the SDK's standard retryer with its backoff cut to nothing.
func client(url string) *cloudformation.Client {
	return cloudformation.NewFromConfig(aws.Config{
		Region: "eu-west-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDAMPLIFYTEST", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		BaseEndpoint: aws.String(url),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	})
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// myapp is an Amplify env as amplify-cli deploys it: a legacy (YAML) auth stack with hosted UI,
// user pool groups, an S3 storage, two DynamoDB storages (one the user gave DeletionPolicy Retain)
// and a function. Lists are in no particular order, as CloudFormation's are.
func myapp(t *testing.T) []*fakeStack {
	nested := func(id string) string { return rootName + "-" + id + "-1ABC2DEF3GHI" }
	auth := &fakeStack{name: nested("authmyapp1a2b3c4d"), body: readTestdata(t, "auth.yml"), resources: [][3]string{
		{"SNSRole", "AWS::IAM::Role", "myapp1a2b3c4d_sns-role-dev"},
		{"UserPool", "AWS::Cognito::UserPool", "eu-west-1_AbCdEf123"},
		{"UserPoolClientWeb", "AWS::Cognito::UserPoolClient", "3n4b5urk1ft4fl3mg5e62d9ado"},
		{"UserPoolClient", "AWS::Cognito::UserPoolClient", "7qbe2c4ud5vc6dqq1bmtl0sgjl"},
		{"UserPoolClientRole", "AWS::IAM::Role", "upClientLambdaRole1a2b3c4d-dev"},
		{"UserPoolClientLambda", "AWS::Lambda::Function", "amplify-myapp-dev-12345-UserPoolClientLambda-AbC"},
		{"UserPoolClientInputs", "Custom::LambdaCallout", "2025/01/01/[$LATEST]0a1b2c3d4e5f"},
		{"HostedUICustomResource", "AWS::Lambda::Function", "amplify-myapp-dev-12345-HostedUICustomResource-DeF"},
		{"HostedUICustomResourceLogPolicy", "AWS::IAM::Policy", "eu-wes-Hoste-1X2Y3Z"},
		{"HostedUICustomResourceInputs", "Custom::LambdaCallout", "2025/01/01/[$LATEST]6a7b8c9d0e1f"},
		{"HostedUIProvidersCustomResourceInputs", "Custom::LambdaCallout", "2025/01/01/[$LATEST]2b3c4d5e6f7a"},
		{"IdentityPool", "AWS::Cognito::IdentityPool", "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666"},
		{"IdentityPoolRoleMap", "AWS::Cognito::IdentityPoolRoleAttachment", "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666"},
	}}
	groups := &fakeStack{name: nested("authuserPoolGroups"), body: readTestdata(t, "userPoolGroups.json"), resources: [][3]string{
		{"EditorsGroupRole", "AWS::IAM::Role", "eu-west-1_AbCdEf123-EditorsGroupRole"},
		{"EditorsGroup", "AWS::Cognito::UserPoolGroup", "Editors"},
		{"AdminsGroupRole", "AWS::IAM::Role", "eu-west-1_AbCdEf123-AdminsGroupRole"},
		{"AdminsGroup", "AWS::Cognito::UserPoolGroup", "Admins"},
		{"LambdaExecutionRole", "AWS::IAM::Role", "myapp1a2b3c4d-ExecutionRole-dev"},
		{"RoleMapFunction", "AWS::Lambda::Function", "amplify-myapp-dev-12345-RoleMapFunction-GhI"},
		{"RoleMapFunctionInput", "Custom::LambdaCallout", "2025/01/01/[$LATEST]3c4d5e6f7a8b"},
	}}
	files := &fakeStack{name: nested("storagefiles"), body: readTestdata(t, "s3.json"), resources: [][3]string{
		{"S3Bucket", "AWS::S3::Bucket", "myappfiles12345-dev"},
		{"S3AuthPublicPolicy", "AWS::IAM::Policy", "amplif-S3Aut-JKL"},
		{"S3GuestReadPolicy", "AWS::IAM::Policy", "amplif-S3Gue-MNO"},
	}}
	orders := &fakeStack{name: nested("storageorders"), body: readTestdata(t, "orders.json"), resources: [][3]string{
		{"DynamoDBTable", "AWS::DynamoDB::Table", "orders-dev"},
	}}
	products := &fakeStack{name: nested("storageproducttable"), body: readTestdata(t, "producttable.json"), resources: [][3]string{
		{"DynamoDBTable", "AWS::DynamoDB::Table", "producttable-dev"},
	}}
	fn := &fakeStack{name: nested("functionmyfn"), body: readTestdata(t, "function.json"), resources: [][3]string{
		{"LambdaFunction", "AWS::Lambda::Function", "myfn-dev"},
		{"LambdaExecutionRole", "AWS::IAM::Role", "myappLambdaRole1a2b3c4d-dev"},
		{"lambdaexecutionpolicy", "AWS::IAM::Policy", "amplif-lambd-PQR"},
		{"OldPolicy", "AWS::IAM::Policy", "amplif-old-STU"},
	}, deleted: []string{"OldPolicy"}}
	root := &fakeStack{name: rootName, body: readTestdata(t, "root.json"), resources: [][3]string{
		{"UnauthRole", "AWS::IAM::Role", rootName + "-unauthRole"},
		{"storagefiles", "AWS::CloudFormation::Stack", files.arn()},
		{"AuthRole", "AWS::IAM::Role", rootName + "-authRole"},
		{"authuserPoolGroups", "AWS::CloudFormation::Stack", groups.arn()},
		{"DeploymentBucket", "AWS::S3::Bucket", rootName + "-deployment"},
		{"authmyapp1a2b3c4d", "AWS::CloudFormation::Stack", auth.arn()},
		{"storageproducttable", "AWS::CloudFormation::Stack", products.arn()},
		{"functionmyfn", "AWS::CloudFormation::Stack", fn.arn()},
		{"storageorders", "AWS::CloudFormation::Stack", orders.arn()},
	}}
	return []*fakeStack{root, auth, groups, files, orders, products, fn}
}

// line renders a resource for comparison: category/name, the stack's name, logical id, type,
// physical id, DeletionPolicy/UpdateReplacePolicy.
func line(r Resource) string {
	return fmt.Sprintf("%s/%s %s %s %s %s %s/%s", r.Category, r.Name, StackName(r.Stack), r.LogicalID, r.Type, r.PhysicalID,
		r.DeletionPolicy, r.UpdateReplacePolicy)
}

func lines(rs []Resource) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(line(r) + "\n")
	}
	return b.String()
}

const wantMyapp = `/ amplify-myapp-dev-12345 AuthRole AWS::IAM::Role amplify-myapp-dev-12345-authRole /
/ amplify-myapp-dev-12345 DeploymentBucket AWS::S3::Bucket amplify-myapp-dev-12345-deployment Retain/Retain
/ amplify-myapp-dev-12345 UnauthRole AWS::IAM::Role amplify-myapp-dev-12345-unauthRole /
/ amplify-myapp-dev-12345 authmyapp1a2b3c4d AWS::CloudFormation::Stack arn:aws:cloudformation:eu-west-1:123456789012:stack/amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f /
/ amplify-myapp-dev-12345 authuserPoolGroups AWS::CloudFormation::Stack arn:aws:cloudformation:eu-west-1:123456789012:stack/amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f /
/ amplify-myapp-dev-12345 functionmyfn AWS::CloudFormation::Stack arn:aws:cloudformation:eu-west-1:123456789012:stack/amplify-myapp-dev-12345-functionmyfn-1ABC2DEF3GHI/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f /
/ amplify-myapp-dev-12345 storagefiles AWS::CloudFormation::Stack arn:aws:cloudformation:eu-west-1:123456789012:stack/amplify-myapp-dev-12345-storagefiles-1ABC2DEF3GHI/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f /
/ amplify-myapp-dev-12345 storageorders AWS::CloudFormation::Stack arn:aws:cloudformation:eu-west-1:123456789012:stack/amplify-myapp-dev-12345-storageorders-1ABC2DEF3GHI/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f /
/ amplify-myapp-dev-12345 storageproducttable AWS::CloudFormation::Stack arn:aws:cloudformation:eu-west-1:123456789012:stack/amplify-myapp-dev-12345-storageproducttable-1ABC2DEF3GHI/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI HostedUICustomResource AWS::Lambda::Function amplify-myapp-dev-12345-HostedUICustomResource-DeF /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI HostedUICustomResourceInputs Custom::LambdaCallout 2025/01/01/[$LATEST]6a7b8c9d0e1f /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI HostedUICustomResourceLogPolicy AWS::IAM::Policy eu-wes-Hoste-1X2Y3Z /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI HostedUIProvidersCustomResourceInputs Custom::LambdaCallout 2025/01/01/[$LATEST]2b3c4d5e6f7a /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI IdentityPool AWS::Cognito::IdentityPool eu-west-1:0f3e5a7c-1111-2222-3333-444455556666 /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI IdentityPoolRoleMap AWS::Cognito::IdentityPoolRoleAttachment eu-west-1:0f3e5a7c-1111-2222-3333-444455556666 /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI SNSRole AWS::IAM::Role myapp1a2b3c4d_sns-role-dev /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPool AWS::Cognito::UserPool eu-west-1_AbCdEf123 /Retain
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPoolClient AWS::Cognito::UserPoolClient 7qbe2c4ud5vc6dqq1bmtl0sgjl /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPoolClientInputs Custom::LambdaCallout 2025/01/01/[$LATEST]0a1b2c3d4e5f /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPoolClientLambda AWS::Lambda::Function amplify-myapp-dev-12345-UserPoolClientLambda-AbC /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPoolClientRole AWS::IAM::Role upClientLambdaRole1a2b3c4d-dev /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPoolClientWeb AWS::Cognito::UserPoolClient 3n4b5urk1ft4fl3mg5e62d9ado /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI AdminsGroup AWS::Cognito::UserPoolGroup Admins /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI AdminsGroupRole AWS::IAM::Role eu-west-1_AbCdEf123-AdminsGroupRole /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI EditorsGroup AWS::Cognito::UserPoolGroup Editors /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI EditorsGroupRole AWS::IAM::Role eu-west-1_AbCdEf123-EditorsGroupRole /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI LambdaExecutionRole AWS::IAM::Role myapp1a2b3c4d-ExecutionRole-dev /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI RoleMapFunction AWS::Lambda::Function amplify-myapp-dev-12345-RoleMapFunction-GhI /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI RoleMapFunctionInput Custom::LambdaCallout 2025/01/01/[$LATEST]3c4d5e6f7a8b /
function/myfn amplify-myapp-dev-12345-functionmyfn-1ABC2DEF3GHI LambdaExecutionRole AWS::IAM::Role myappLambdaRole1a2b3c4d-dev /
function/myfn amplify-myapp-dev-12345-functionmyfn-1ABC2DEF3GHI LambdaFunction AWS::Lambda::Function myfn-dev /
function/myfn amplify-myapp-dev-12345-functionmyfn-1ABC2DEF3GHI lambdaexecutionpolicy AWS::IAM::Policy amplif-lambd-PQR /
storage/files amplify-myapp-dev-12345-storagefiles-1ABC2DEF3GHI S3AuthPublicPolicy AWS::IAM::Policy amplif-S3Aut-JKL /
storage/files amplify-myapp-dev-12345-storagefiles-1ABC2DEF3GHI S3Bucket AWS::S3::Bucket myappfiles12345-dev Retain/
storage/files amplify-myapp-dev-12345-storagefiles-1ABC2DEF3GHI S3GuestReadPolicy AWS::IAM::Policy amplif-S3Gue-MNO /
storage/orders amplify-myapp-dev-12345-storageorders-1ABC2DEF3GHI DynamoDBTable AWS::DynamoDB::Table orders-dev /
storage/producttable amplify-myapp-dev-12345-storageproducttable-1ABC2DEF3GHI DynamoDBTable AWS::DynamoDB::Table producttable-dev Retain/Retain
`

var wantMyappIDs = Existing{
	Auth: map[string]AuthIDs{"myapp1a2b3c4d": {
		UserPoolID:     "eu-west-1_AbCdEf123",
		ClientID:       "3n4b5urk1ft4fl3mg5e62d9ado",
		NativeClientID: "7qbe2c4ud5vc6dqq1bmtl0sgjl",
		IdentityPoolID: "eu-west-1:0f3e5a7c-1111-2222-3333-444455556666",
		DomainPrefix:   "myapp-dev",
		Domain:         "myapp-dev.auth.eu-west-1.amazoncognito.com",
		Region:         "eu-west-1",
	}},
	Groups:  []string{"Admins", "Editors"},
	Buckets: map[string]string{"files": "myappfiles12345-dev"},
	Tables:  map[string]string{"orders": "orders-dev", "producttable": "producttable-dev"},
	GraphQL: map[string]GraphQLIDs{}, Pinpoint: map[string]string{},
}

const wantMyappUnretained = `auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI HostedUICustomResourceInputs Custom::LambdaCallout 2025/01/01/[$LATEST]6a7b8c9d0e1f /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI IdentityPool AWS::Cognito::IdentityPool eu-west-1:0f3e5a7c-1111-2222-3333-444455556666 /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI IdentityPoolRoleMap AWS::Cognito::IdentityPoolRoleAttachment eu-west-1:0f3e5a7c-1111-2222-3333-444455556666 /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPool AWS::Cognito::UserPool eu-west-1_AbCdEf123 /Retain
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPoolClient AWS::Cognito::UserPoolClient 7qbe2c4ud5vc6dqq1bmtl0sgjl /
auth/myapp1a2b3c4d amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI UserPoolClientWeb AWS::Cognito::UserPoolClient 3n4b5urk1ft4fl3mg5e62d9ado /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI AdminsGroup AWS::Cognito::UserPoolGroup Admins /
auth/userPoolGroups amplify-myapp-dev-12345-authuserPoolGroups-1ABC2DEF3GHI EditorsGroup AWS::Cognito::UserPoolGroup Editors /
storage/orders amplify-myapp-dev-12345-storageorders-1ABC2DEF3GHI DynamoDBTable AWS::DynamoDB::Table orders-dev /
`

func TestInspect(t *testing.T) {
	tests := []struct {
		name    string
		root    string
		stacks  func(t *testing.T) []*fakeStack
		setup   func(f *fakeCloudFormation)
		wantErr string // substring of the error; "" for success
		wantIs  error
		check   func(t *testing.T, tree *Tree, f *fakeCloudFormation)
	}{
		{
			name: "amplify env", root: rootName, stacks: myapp,
			check: func(t *testing.T, tree *Tree, f *fakeCloudFormation) {
				if got := lines(tree.Resources); got != wantMyapp {
					t.Errorf("Resources:\n%s\nwant:\n%s", got, wantMyapp)
				}
				if got := tree.IDs(); !reflect.DeepEqual(got, wantMyappIDs) {
					t.Errorf("IDs() = %+v\nwant %+v", got, wantMyappIDs)
				}
				if got := lines(tree.Unretained()); got != wantMyappUnretained {
					t.Errorf("Unretained():\n%s\nwant:\n%s", got, wantMyappUnretained)
				}
				// The root is listed in 2 pages (9 resources, 5 a page); each stack's template once.
				if n := f.calls("ListStackResources", rootName); n != 2 {
					t.Errorf("%d ListStackResources calls on the root, want 2 pages", n)
				}
				for _, s := range myapp(t) {
					if n := f.calls("GetTemplate", s.name); n != 1 {
						t.Errorf("%d GetTemplate calls on %s, want 1", n, s.name)
					}
				}
			},
		},
		{
			name: "root by stack id", root: arnBase + rootName + "/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f", stacks: myapp,
			check: func(t *testing.T, tree *Tree, f *fakeCloudFormation) {
				if len(tree.Resources) != strings.Count(wantMyapp, "\n") || tree.Resources[0].Stack != tree.Root {
					t.Errorf("%d resources, first in %q", len(tree.Resources), tree.Resources[0].Stack)
				}
			},
		},
		{
			name: "YAML root with short-form tags", root: "yaml-root",
			stacks: func(t *testing.T) []*fakeStack {
				table := &fakeStack{name: "yaml-root-storagenotes-XYZ", body: "Resources:\n  DynamoDBTable:\n    Type: AWS::DynamoDB::Table\n" +
					"    DeletionPolicy: RetainExceptOnCreate\n    Properties:\n      TableName: !Join ['-', [notes, !Ref env]]\n",
					resources: [][3]string{{"DynamoDBTable", "AWS::DynamoDB::Table", "notes-dev"}}}
				root := &fakeStack{name: "yaml-root", body: "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  env: {Type: String}\n" +
					"Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: !If [IsProd, Retain, Delete]\n" +
					"    Properties:\n      BucketName: !Sub '${AWS::StackName}-bucket'\n      Tags: [{Key: a, Value: !GetAtt X.Y}]\n" +
					"  storagenotes:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: !Sub 'https://x/${env}'\n" +
					"      Parameters: {env: !Ref env}\n",
					resources: [][3]string{{"Bucket", "AWS::S3::Bucket", "yaml-root-bucket"}, {"storagenotes", "AWS::CloudFormation::Stack", table.arn()}}}
				return []*fakeStack{root, table}
			},
			check: func(t *testing.T, tree *Tree, f *fakeCloudFormation) {
				want := `/ yaml-root Bucket AWS::S3::Bucket yaml-root-bucket {"Fn::If":["IsProd","Retain","Delete"]}/
/ yaml-root storagenotes AWS::CloudFormation::Stack ` + arnBase + `yaml-root-storagenotes-XYZ/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f /
storage/notes yaml-root-storagenotes-XYZ DynamoDBTable AWS::DynamoDB::Table notes-dev RetainExceptOnCreate/
`
				if got := lines(tree.Resources); got != want {
					t.Errorf("Resources:\n%s\nwant:\n%s", got, want)
				}
				if u := tree.Unretained(); len(u) != 0 {
					t.Errorf("RetainExceptOnCreate counts as retained; the root's bucket is not checked: %v", u)
				}
				if got := tree.IDs().Tables; !reflect.DeepEqual(got, map[string]string{"notes": "notes-dev"}) {
					t.Errorf("Tables = %v", got)
				}
			},
		},
		{
			name: "throttled, then answered", root: rootName, stacks: myapp,
			setup: func(f *fakeCloudFormation) {
				f.throttle["GetTemplate "+rootName+"-storageorders-1ABC2DEF3GHI"] = 2
			},
			check: func(t *testing.T, tree *Tree, f *fakeCloudFormation) {
				if got := lines(tree.Resources); got != wantMyapp {
					t.Errorf("Resources after retries:\n%s", got)
				}
				if n := f.calls("GetTemplate", rootName+"-storageorders-1ABC2DEF3GHI"); n != 3 {
					t.Errorf("%d GetTemplate calls on the throttled stack, want 3 (the SDK's retries)", n)
				}
			},
		},
		{
			name: "stack missing", root: "amplify-myapp-prod-99999", stacks: myapp,
			wantErr: "stack amplify-myapp-prod-99999 does not exist (Stack with id amplify-myapp-prod-99999 does not exist): " +
				"check the StackName of the env in amplify/team-provider-info.json and the region",
			wantIs: cfn.ErrStackNotFound,
			check: func(t *testing.T, tree *Tree, f *fakeCloudFormation) {
				if n := f.calls("ListStackResources", "amplify-myapp-prod-99999"); n != 1 {
					t.Errorf("%d calls, want 1: a missing stack is not retried", n)
				}
			},
		},
		{
			name: "access denied on a nested stack", root: rootName, stacks: myapp,
			setup: func(f *fakeCloudFormation) {
				f.errs["GetTemplate "+rootName+"-authmyapp1a2b3c4d-1ABC2DEF3GHI"] = fakeErr{403, "AccessDenied",
					"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:GetTemplate"}
			},
			wantErr: "stack amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI: access denied to cloudformation:GetTemplate " +
				"(User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:GetTemplate); the credentials need " +
				"cloudformation:ListStackResources and cloudformation:GetTemplate on the Amplify root stack and its nested stacks",
			wantIs: cfn.ErrAccessDenied,
		},
		{
			name: "expired credentials", root: rootName, stacks: myapp,
			setup: func(f *fakeCloudFormation) {
				f.errs["ListStackResources "+rootName] = fakeErr{403, "ExpiredToken", "The security token included in the request is expired"}
			},
			wantErr: "stack amplify-myapp-dev-12345: the AWS credentials were refused (ExpiredToken: The security token included in the " +
				"request is expired); refresh them",
			wantIs: cfn.ErrCredentials,
		},
		{
			name: "throttled until the retries run out", root: rootName, stacks: myapp,
			setup: func(f *fakeCloudFormation) {
				f.errs["ListStackResources "+rootName] = fakeErr{400, "Throttling", "Rate exceeded"}
			},
			wantErr: "stack amplify-myapp-dev-12345: CloudFormation throttled cloudformation:ListStackResources and the retries ran out " +
				"(Throttling: Rate exceeded); try again later, or allow more attempts (AWS_MAX_ATTEMPTS)",
			wantIs: cfn.ErrThrottled,
			check: func(t *testing.T, tree *Tree, f *fakeCloudFormation) {
				if n := f.calls("ListStackResources", rootName); n != 3 {
					t.Errorf("%d calls, want 3 (the SDK's attempts)", n)
				}
			},
		},
		{
			name: "unparsable template", root: "broken",
			stacks: func(t *testing.T) []*fakeStack {
				return []*fakeStack{{name: "broken", body: "Resources: [unclosed", resources: [][3]string{{"A", "AWS::SNS::Topic", "t"}}}}
			},
			wantErr: "stack broken: cannot read its deployed template: neither JSON nor YAML",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.stacks(t)...)
			if tt.setup != nil {
				tt.setup(f)
			}
			srv := httptest.NewServer(f)
			defer srv.Close()
			tree, err := Inspect(context.Background(), client(srv.URL), tt.root)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Inspect: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Inspect error %v\nwant %q", err, tt.wantErr)
			case tt.wantIs != nil && !errors.Is(err, tt.wantIs):
				t.Errorf("errors.Is(%v, %v) is false", err, tt.wantIs)
			}
			var se *StackError
			if err != nil && !errors.As(err, &se) {
				t.Errorf("error %T is not a *StackError", err)
			}
			if tt.wantErr == "" && tree.Root != tt.root {
				t.Errorf("Root = %q", tree.Root)
			}
			if len(f.bad) > 0 {
				t.Errorf("unexpected requests: %q", f.bad)
			}
			if tt.check != nil {
				tt.check(t, tree, f)
			}
		})
	}
}

func TestUnretainedAndFixes(t *testing.T) {
	f := newFake(t, myapp(t)...)
	srv := httptest.NewServer(f)
	defer srv.Close()
	tree, err := Inspect(context.Background(), client(srv.URL), rootName)
	if err != nil {
		t.Fatal(err)
	}
	ids := tree.IDs()
	a := ids.Auth["myapp1a2b3c4d"]

	// Filtered by the ids the importer adopts: the domain host stands for its custom resource; the
	// retained table and bucket are not reported.
	got := tree.Unretained(a.UserPoolID, a.ClientID, a.Domain, ids.Tables["producttable"], ids.Buckets["files"], ids.Tables["orders"])
	want := []string{"HostedUICustomResourceInputs", "UserPool", "UserPoolClientWeb", "DynamoDBTable"}
	var gotIDs []string
	for _, r := range got {
		gotIDs = append(gotIDs, r.LogicalID)
	}
	if !reflect.DeepEqual(gotIDs, want) {
		t.Errorf("Unretained(ids) = %v, want %v", gotIDs, want)
	}
	if got[3].PhysicalID != "orders-dev" {
		t.Errorf("the unretained table is %s, want orders-dev", got[3].PhysicalID)
	}

	tests := []struct {
		format  Format
		logical string
		want    string
	}{
		{FormatLegacy, "UserPool", `add "DeletionPolicy": "Retain" to Resources.UserPool in amplify/backend/auth/myapp1a2b3c4d/myapp1a2b3c4d-cloudformation-template.yml, then amplify push`},
		{FormatOverride, "UserPool", `run amplify override auth (resource myapp1a2b3c4d) and in amplify/backend/auth/myapp1a2b3c4d/override.ts add resources.userPool.addOverride("DeletionPolicy", "Retain"), then amplify push`},
		{FormatOverride, "HostedUICustomResourceInputs", `run amplify override auth (resource myapp1a2b3c4d) and in amplify/backend/auth/myapp1a2b3c4d/override.ts add resources.hostedUICustomResourceInputs.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN) (import * as cdk from "aws-cdk-lib"), then amplify push`},
		{FormatOverride, "EditorsGroup", `run amplify override auth (resource userPoolGroups) and in amplify/backend/auth/userPoolGroups/override.ts add resources.userPoolGroup["Editors"].addOverride("DeletionPolicy", "Retain"), then amplify push`},
		{FormatLegacy, "AdminsGroup", `add "DeletionPolicy": "Retain" to Resources.AdminsGroup in amplify/backend/auth/userPoolGroups/template.json, then amplify push`},
		{FormatUnknown, "DynamoDBTable", `cli-inputs.json projects: run amplify override storage (resource orders) and in amplify/backend/storage/orders/override.ts add resources.dynamoDBTable.addOverride("DeletionPolicy", "Retain"); parameters.json projects: add "DeletionPolicy": "Retain" to Resources.DynamoDBTable in amplify/backend/storage/orders/orders-cloudformation-template.json; then amplify push`},
	}
	for _, tt := range tests {
		findings := tree.CheckRetained(func(string, string) Format { return tt.format })
		if len(findings) != strings.Count(wantMyappUnretained, "\n") {
			t.Fatalf("%d findings, want one per unretained resource", len(findings))
		}
		found := false
		for _, fd := range findings {
			if fd.LogicalID == tt.logical {
				found = true
				if fd.Fix != tt.want {
					t.Errorf("%s fix:\n%s\nwant\n%s", tt.logical, fd.Fix, tt.want)
				}
			}
		}
		if !found {
			t.Errorf("no finding for %s", tt.logical)
		}
	}
	fd := tree.CheckRetained(nil)[0]
	if fd.What != "hosted UI domain (its custom resource deletes the domain)" ||
		!strings.HasPrefix(fd.String(), "hosted UI domain (its custom resource deletes the domain) 2025/01/01/[$LATEST]6a7b8c9d0e1f (auth/myapp1a2b3c4d, Custom::LambdaCallout HostedUICustomResourceInputs in stack amplify-myapp-dev-12345-authmyapp1a2b3c4d-1ABC2DEF3GHI): cli-inputs.json projects: ") {
		t.Errorf("finding: %s", fd)
	}
}

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		name, body string
		want       map[string]any
		wantErr    string
	}{
		{"JSON scalars are strings", `{"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"N": 5, "B": true, "Z": null}}}}`,
			map[string]any{"Resources": map[string]any{"T": map[string]any{"Type": "AWS::DynamoDB::Table",
				"Properties": map[string]any{"N": "5", "B": "true", "Z": nil}}}}, ""},
		// amplify-cli's userPoolGroups template.json when its group loop renders nothing after a comma.
		{"JSON with trailing commas reads as YAML", "{\n \"Resources\": {\n  \"AdminGroup\": {\n   \"Type\": \"AWS::Cognito::UserPoolGroup\"\n  },\n },\n}\n",
			map[string]any{"Resources": map[string]any{"AdminGroup": map[string]any{"Type": "AWS::Cognito::UserPoolGroup"}}}, ""},
		{"YAML short forms", "A: !Ref env\nB: !GetAtt UserPool.Arn\nC: !GetAtt [UserPool, Arn]\nD: !If [C, x, !Join ['-', [a, !Ref env]]]\nE: !Condition C\nF: !Sub 'x-${env}'\nG: &a v\nH: *a\n",
			map[string]any{
				"A": map[string]any{"Ref": "env"},
				"B": map[string]any{"Fn::GetAtt": []any{"UserPool", "Arn"}},
				"C": map[string]any{"Fn::GetAtt": []any{"UserPool", "Arn"}},
				"D": map[string]any{"Fn::If": []any{"C", "x", map[string]any{"Fn::Join": []any{"-", []any{"a", map[string]any{"Ref": "env"}}}}}},
				"E": map[string]any{"Condition": "C"},
				"F": map[string]any{"Fn::Sub": "x-${env}"},
				"G": "v", "H": "v",
			}, ""},
		{"empty", "  \n", nil, "the template is empty"},
		{"not a mapping", "- a\n- b\n", nil, "the template is not a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTemplate(tt.body)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %s\nwant %s", compact(got), compact(tt.want))
			}
		})
	}
}

func TestHostedUIDomainPrefix(t *testing.T) {
	auth := readTestdata(t, "auth.yml")
	tmpl, err := parseTemplate(auth)
	if err != nil {
		t.Fatal(err)
	}
	expr := mapOf(mapOf(mapOf(tmpl["Resources"])[hostedUIResource])["Properties"])["hostedUIDomainName"]
	tests := []struct {
		params map[string]string
		want   string
		ok     bool
	}{
		{map[string]string{"hostedUIDomainName": "myapp", "env": "dev"}, "myapp-dev", true},
		{map[string]string{"hostedUIDomainName": "myapp", "env": "NONE"}, "myapp", true}, // ShouldNotCreateEnvResources
		{map[string]string{"env": "dev"}, "", false},                                     // no value and no Default
	}
	for _, tt := range tests {
		e := evaluator{tmpl: tmpl, params: tt.params}
		got, ok := e.str(expr)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%v: %q, %v; want %q, %v", tt.params, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSplitLogicalID(t *testing.T) {
	for id, want := range map[string][2]string{
		"authmyapp1a2b3c4d":      {"auth", "myapp1a2b3c4d"},
		"authuserPoolGroups":     {"auth", "userPoolGroups"},
		"storageproducttable":    {"storage", "producttable"},
		"apimyapi":               {"api", "myapi"},
		"analyticsmyapp":         {"analytics", "myapp"},
		"functionmyfn":           {"function", "myfn"},
		"hostingS3AndCloudFront": {"hosting", "S3AndCloudFront"},
		"auth":                   {"", "auth"},
		"DeploymentBucket":       {"", "DeploymentBucket"},
	} {
		if c, n := SplitLogicalID(id); c != want[0] || n != want[1] {
			t.Errorf("SplitLogicalID(%q) = %q, %q; want %q, %q", id, c, n, want[0], want[1])
		}
	}
}

// TestIDsGraphQLAndPinpoint: the AppSync API's id (from its ARN) and nested stack, and the Pinpoint
// app id, by resource name.
func TestIDsGraphQLAndPinpoint(t *testing.T) {
	apiStack := arnBase + rootName + "-apimyapp-1XYZ/0b5e3c10-0000-11ef-8000-0a1b2c3d4e5f"
	tree := &Tree{Root: rootName, Resources: []Resource{
		{LogicalID: "analyticsmyapp", Type: "AWS::CloudFormation::Stack", PhysicalID: arnBase + rootName + "-analyticsmyapp-1ABC/1"},
		{LogicalID: "apimyapp", Type: "AWS::CloudFormation::Stack", PhysicalID: apiStack},
		{Category: "analytics", Name: "myapp", LogicalID: "PinpointApp", Type: "AWS::Pinpoint::App", PhysicalID: "f489dae7eafa484daf7d93bc3421c7f1"},
		{Category: "api", Name: "myapp", Stack: apiStack, LogicalID: "GraphQLAPI", Type: "AWS::AppSync::GraphQLApi", PhysicalID: "arn:aws:appsync:eu-west-1:123456789012:apis/ttxp2jsuunh6fo7mcwsgedrvdm"},
		{Category: "api", Name: "myapp", Stack: apiStack, LogicalID: "GraphQLAPIDefaultApiKey215A6DD7", Type: "AWS::AppSync::ApiKey", PhysicalID: "arn:aws:appsync:eu-west-1:123456789012:apis/ttxp2jsuunh6fo7mcwsgedrvdm/apikeys/da2-x"},
		{Category: "api", Name: "rest", LogicalID: "restApi", Type: "AWS::ApiGateway::RestApi", PhysicalID: "abc123"},
	}}
	ids := tree.IDs()
	if want := map[string]GraphQLIDs{"myapp": {APIID: "ttxp2jsuunh6fo7mcwsgedrvdm", Stack: rootName + "-apimyapp-1XYZ"}}; !reflect.DeepEqual(ids.GraphQL, want) {
		t.Errorf("GraphQL = %+v, want %+v", ids.GraphQL, want)
	}
	if want := map[string]string{"myapp": "f489dae7eafa484daf7d93bc3421c7f1"}; !reflect.DeepEqual(ids.Pinpoint, want) {
		t.Errorf("Pinpoint = %+v, want %+v", ids.Pinpoint, want)
	}
}

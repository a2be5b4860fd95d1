package cfn

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// fakeCloudFormation answers in the AWS query protocol, as CloudFormation does: form-encoded POSTs in,
// XML out. It answers every request with the error when status is set, else with body.
type fakeCloudFormation struct {
	status        int
	code, message string
	body          string

	mu       sync.Mutex
	requests []url.Values
	auth     []string
}

func (f *fakeCloudFormation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(data))
	f.mu.Lock()
	f.requests = append(f.requests, form)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if f.status != 0 {
		w.WriteHeader(f.status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>`+
			`<Code>%s</Code><Message>%s</Message></Error><RequestId>r1</RequestId></ErrorResponse>`, f.code, html.EscapeString(f.message))
		return
	}
	fmt.Fprint(w, f.body)
}

// client is a real CloudFormation client pointed at url, with static credentials (or creds) and no
// retries, so that each call is one request.
func client(url string, creds aws.CredentialsProvider) *cloudformation.Client {
	if creds == nil {
		creds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDCFNTEST", SecretAccessKey: "secret", Source: "test"}, nil
		})
	}
	return cloudformation.NewFromConfig(aws.Config{
		Region: "eu-west-1", Credentials: creds, BaseEndpoint: aws.String(url),
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	})
}

// TestClassify: each answer CloudFormation (or the SDK before it) gives, as the SDK's error value of a
// real call, is classified as its kind, with the service's code and message.
func TestClassify(t *testing.T) {
	const denied = "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:GetTemplate"
	noCreds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 404")
	})
	tests := []struct {
		name          string
		status        int
		code, message string
		creds         aws.CredentialsProvider
		want          error
	}{
		{"stack missing", 400, "ValidationError", "Stack with id app-dev does not exist", nil, ErrStackNotFound},
		{"other validation error", 400, "ValidationError", "1 validation error detected: Value 'a b' at 'stackName'", nil, nil},
		{"access denied", 403, "AccessDenied", denied, nil, ErrAccessDenied},
		{"access denied exception", 400, "AccessDeniedException", "no", nil, ErrAccessDenied},
		{"not authorized, other code", 403, "UnauthorizedOperation", denied, nil, ErrAccessDenied},
		{"throttling", 400, "Throttling", "Rate exceeded", nil, ErrThrottled},
		{"throttling exception", 400, "ThrottlingException", "Rate exceeded", nil, ErrThrottled},
		{"request limit", 400, "RequestLimitExceeded", "Request limit exceeded.", nil, ErrThrottled},
		{"expired token", 403, "ExpiredToken", "The security token included in the request is expired", nil, ErrCredentials},
		{"expired token exception", 400, "ExpiredTokenException", "The security token included in the request is expired", nil, ErrCredentials},
		{"invalid key", 403, "InvalidClientTokenId", "The security token included in the request is invalid.", nil, ErrCredentials},
		{"wrong secret", 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", nil, ErrCredentials},
		{"unrecognized client", 400, "UnrecognizedClientException", "The security token included in the request is invalid.", nil, ErrCredentials},
		{"internal error", 500, "InternalFailure", "We encountered an internal error.", nil, nil},
		{"no credentials", 0, "", "", noCreds, ErrNoCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeCloudFormation{status: tt.status, code: tt.code, message: tt.message}
			srv := httptest.NewServer(f)
			defer srv.Close()
			_, err := Template(context.Background(), client(srv.URL, tt.creds), "app-dev", "")
			if err == nil {
				t.Fatal("the call succeeded")
			}
			got := Classify(err)
			if got.Kind != tt.want {
				t.Errorf("Kind = %v, want %v (error: %v)", got.Kind, tt.want, err)
			}
			if got.Code != tt.code || got.Message != tt.message {
				t.Errorf("Code, Message = %q, %q; want %q, %q", got.Code, got.Message, tt.code, tt.message)
			}
			if tt.creds != nil && len(f.requests) != 0 {
				t.Errorf("%d requests reached CloudFormation without credentials", len(f.requests))
			}
		})
	}
}

// TestClassifyNoAnswer: a failure with no answer from the service (nothing listens; a canceled call) has
// no kind, code or message.
func TestClassifyNoAnswer(t *testing.T) {
	srv := httptest.NewServer(&fakeCloudFormation{})
	closed := srv.URL
	srv.Close()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, call := range map[string]func() error{
		"connection refused": func() error { _, err := Template(context.Background(), client(closed, nil), "s", ""); return err },
		"canceled":           func() error { _, err := Template(canceled, client(closed, nil), "s", ""); return err },
	} {
		err := call()
		if err == nil {
			t.Fatalf("%s: the call succeeded", name)
		}
		if got := Classify(err); got != (Failure{}) {
			t.Errorf("%s: Classify(%v) = %+v, want nothing", name, err, got)
		}
	}
}

const ns = `xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"`

// TestReads: Template and Outputs send what CloudFormation expects and read its answer.
func TestReads(t *testing.T) {
	t.Run("template", func(t *testing.T) {
		for _, stage := range []types.TemplateStage{"", types.TemplateStageOriginal} {
			f := &fakeCloudFormation{body: `<GetTemplateResponse ` + ns + `><GetTemplateResult><TemplateBody>Resources: {}</TemplateBody>` +
				`</GetTemplateResult></GetTemplateResponse>`}
			srv := httptest.NewServer(f)
			body, err := Template(context.Background(), client(srv.URL, nil), "app-dev", stage)
			srv.Close()
			if err != nil || body != "Resources: {}" {
				t.Errorf("stage %q: Template = %q, %v", stage, body, err)
			}
			r := f.requests[0]
			if r.Get("Action") != "GetTemplate" || r.Get("StackName") != "app-dev" || r.Get("TemplateStage") != string(stage) {
				t.Errorf("stage %q: request %v", stage, r)
			}
		}
	})
	t.Run("outputs", func(t *testing.T) {
		tests := []struct {
			name, stacks string
			want         map[string]string
		}{
			{"two outputs", `<member><StackName>app-dev</StackName><Outputs><member><OutputKey>B</OutputKey><OutputValue>2</OutputValue></member>` +
				`<member><OutputKey>A</OutputKey><OutputValue>1</OutputValue></member></Outputs></member>`, map[string]string{"A": "1", "B": "2"}},
			{"no outputs", `<member><StackName>app-dev</StackName></member>`, map[string]string{}},
			{"no stack", ``, nil},
		}
		for _, tt := range tests {
			f := &fakeCloudFormation{body: `<DescribeStacksResponse ` + ns + `><DescribeStacksResult><Stacks>` + tt.stacks +
				`</Stacks></DescribeStacksResult></DescribeStacksResponse>`}
			srv := httptest.NewServer(f)
			got, err := Outputs(context.Background(), client(srv.URL, nil), "app-dev")
			srv.Close()
			if err != nil || !reflect.DeepEqual(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("%s: Outputs = %#v, %v; want %#v", tt.name, got, err, tt.want)
			}
			if r := f.requests[0]; r.Get("Action") != "DescribeStacks" || r.Get("StackName") != "app-dev" {
				t.Errorf("%s: request %v", tt.name, r)
			}
		}
	})
}

// pages answers ListStackResources from a list of pages: page i's token is tokens[i] ("" for none);
// the request's NextToken must be the previous page's.
type pages struct {
	tokens []string
	calls  []string // the NextToken of each request
}

func (p *pages) ListStackResources(_ context.Context, in *cloudformation.ListStackResourcesInput, _ ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error) {
	p.calls = append(p.calls, aws.ToString(in.NextToken))
	i := len(p.calls) - 1
	if i >= len(p.tokens) {
		return nil, errors.New("asked past the last page")
	}
	id := fmt.Sprintf("R%d", i)
	return &cloudformation.ListStackResourcesOutput{
		StackResourceSummaries: []types.StackResourceSummary{{LogicalResourceId: aws.String(id)}},
		NextToken:              aws.String(p.tokens[i]),
	}, nil
}

func TestResources(t *testing.T) {
	tests := []struct {
		name      string
		tokens    []string
		wantIDs   string
		wantCalls string
		wantErr   string
	}{
		{"one page", []string{""}, "R0", "", ""},
		{"three pages", []string{"t1", "t2", ""}, "R0 R1 R2", " t1 t2", ""},
		{"a token again", []string{"t1", "t2", "t1"}, "", " t1 t2", `ListStackResources returned the page token "t1" twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &pages{tokens: tt.tokens}
			got, err := Resources(context.Background(), p, "app-dev")
			var ids []string
			for _, r := range got {
				ids = append(ids, aws.ToString(r.LogicalResourceId))
			}
			if strings.Join(ids, " ") != tt.wantIDs || strings.Join(p.calls, " ") != tt.wantCalls {
				t.Errorf("resources %q after requests with tokens %q; want %q after %q", ids, p.calls, tt.wantIDs, tt.wantCalls)
			}
			var rt *RepeatedTokenError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr || !errors.As(err, &rt)):
				t.Errorf("error %v (%T), want *RepeatedTokenError %q", err, err, tt.wantErr)
			}
		})
	}
}

// TestLoad: the region comes from --region, else the stage's, else the SDK's configuration; the profile
// is named in Where; the endpoint follows AWS_ENDPOINT_URL_CLOUDFORMATION.
func TestLoad(t *testing.T) {
	home := t.TempDir()
	config := filepath.Join(home, "config")
	if err := os.WriteFile(config, []byte("[profile dev]\nregion = us-west-2\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_DEFAULT_REGION": "", "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1",
	} {
		t.Setenv(k, v)
	}
	tests := []struct {
		name      string
		env       string // AWS_REGION
		o         Options
		wantWhere string
		wantErr   string
	}{
		{"flag wins", "us-east-1", Options{Region: "eu-west-3", StageRegion: "eu-west-1"}, "region eu-west-3", ""},
		{"stage's region", "us-east-1", Options{StageRegion: "eu-west-1"}, "region eu-west-1", ""},
		{"SDK's region", "us-east-1", Options{}, "region us-east-1", ""},
		{"profile's region", "", Options{Profile: "dev"}, "region us-west-2 (profile dev)", ""},
		{"no region", "", Options{}, "", "no AWS region: pass --region, set the stage's region in the spec, or set AWS_REGION"},
		{"unknown profile", "", Options{Profile: "nope"}, "", "cannot load the AWS configuration: failed to get shared config profile, nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_REGION", tt.env)
			f := &fakeCloudFormation{body: `<GetTemplateResponse ` + ns + `><GetTemplateResult><TemplateBody>{}</TemplateBody></GetTemplateResult></GetTemplateResponse>`}
			srv := httptest.NewServer(f)
			defer srv.Close()
			t.Setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", srv.URL)
			c, where, err := NewClient(context.Background(), tt.o)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || where != tt.wantWhere {
				t.Fatalf("where %q, error %v; want %q", where, err, tt.wantWhere)
			}
			if _, err := Template(context.Background(), c, "app-dev", ""); err != nil {
				t.Fatalf("GetTemplate through AWS_ENDPOINT_URL_CLOUDFORMATION: %v", err)
			}
			region := strings.Fields(tt.wantWhere)[1]
			if a := f.auth[0]; !strings.Contains(a, "/"+region+"/cloudformation/aws4_request") {
				t.Errorf("request not signed for cloudformation in %s: %q", region, a)
			}
		})
	}
}

package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// The validator process. aws-cdk-lib checks every template it synthesizes with its CloudFormation
// validator (CloudFormationValidatePlugin), and most of that check is the validator's engine starting:
// about 1.7 s of a 3 to 5 s synth, the same for any template. synth starts the engine in a second process
// (underhood __validator, with its own jsii kernel) as it begins, so that it starts while the synth builds
// the stack, and asks that process for the report when aws-cdk-lib asks for it. The report is the real
// plugin's, unchanged: aws-cdk-lib in the synth writes, prints and acts on it as it does its own.
//
// The synth turns aws-cdk-lib's built-in validation off only when it registers this plugin in its place,
// and the plugin validates in the synth's own process whenever the validator cannot answer, so a
// validator that fails costs time, never a check.

// validatorCommand is the hidden command synth runs as its validator process.
const validatorCommand = "__validator"

// validatorEnv names the validator: "off" validates in the synth's own process, a path runs that
// program with validatorCommand; unset, the running underhood binary is used.
const validatorEnv = "UNDERHOOD_VALIDATOR"

// validatorRepliesEnv tells the validator process which file descriptor to answer on.
const validatorRepliesEnv = "UNDERHOOD_VALIDATOR_REPLIES"

// validatorPatience is how long synth waits for each answer of the validator process (its start, each
// report) before validating in its own process. On a quiet 2-CPU machine the first report, engine start
// included, comes 1.1 to 1.4 s after the start and each later one in 35 ms; the margin is for loaded CI
// machines.
var validatorPatience = 2 * time.Minute

// validatorHello is the validator's first message, sent as soon as its plugin exists: the plugin's own
// name, version and rule IDs, which the synth's stand-in plugin reports as its own.
type validatorHello struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	RuleIDs []string `json:"ruleIds"`
}

// validatorRequest is what aws-cdk-lib hands a validation plugin, less the app construct (the
// CloudFormation validator reads only the stacks).
type validatorRequest struct {
	Stacks        []*awscdk.PolicyValidationStack `json:"stacks"`
	TemplatePaths []string                        `json:"templatePaths"`
	AccountID     *string                         `json:"accountId,omitempty"`
	Region        *string                         `json:"region,omitempty"`
}

// validatorReply is the plugin's report, or why there is none.
type validatorReply struct {
	Report *awscdk.PolicyValidationPluginReport `json:"report,omitempty"`
	Error  string                               `json:"error,omitempty"`
}

func newValidatorCmd(stdin io.Reader) *cobra.Command {
	return &cobra.Command{
		Use:    validatorCommand,
		Short:  "Run aws-cdk-lib's CloudFormation validator for synth (started by synth itself)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			replies, err := validatorReplies()
			if err != nil {
				return &exitError{code: exitUsage, msg: validatorCommand + " is started by synth, not by hand: " + err.Error()}
			}
			if err := serveValidator(stdin, replies); err != nil {
				return &exitError{code: exitFailure, msg: err.Error()}
			}
			return nil
		},
	}
}

// serveValidator answers validation requests read from requests, one JSON reply each on replies (the
// jsii runtime relays Node's console output to stdout, so replies cannot go there), until requests ends.
func serveValidator(requests io.Reader, replies io.Writer) error {
	plugin := awscdk.NewCloudFormationValidatePlugin(nil)
	out := json.NewEncoder(replies)
	hello := validatorHello{Name: *plugin.Name(), Version: *plugin.Version()}
	for _, id := range *plugin.RuleIds() {
		hello.RuleIDs = append(hello.RuleIDs, *id)
	}
	if err := out.Encode(hello); err != nil {
		return err
	}
	warmValidator(plugin)
	in := json.NewDecoder(requests)
	for {
		var req validatorRequest
		if err := in.Decode(&req); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("reading a validation request: %w", err)
		}
		if err := out.Encode(validateRequest(plugin, &req)); err != nil {
			return err
		}
	}
}

// warmValidator starts the plugin's engine on a stand-in template that holds every resource type
// underhood's templates can hold: the engine is then reused for any real one (it starts again only for
// a template with a type it was not started with). Its findings are of no interest.
func warmValidator(plugin awscdk.CloudFormationValidatePlugin) {
	dir, err := os.MkdirTemp("", "underhood-validator-")
	if err != nil {
		return
	}
	defer os.RemoveAll(dir)
	resources := map[string]any{}
	for i, t := range awsrules.TemplateResourceTypes {
		resources[fmt.Sprintf("R%d", i)] = map[string]any{"Type": t}
	}
	data, err := json.Marshal(map[string]any{"Resources": resources})
	if err != nil {
		return
	}
	path := filepath.Join(dir, "warm.template.json")
	if os.WriteFile(path, data, 0o600) != nil {
		return
	}
	validateRequest(plugin, &validatorRequest{
		Stacks:        []*awscdk.PolicyValidationStack{{StackConstructPath: jsii.String("Warm"), TemplatePath: jsii.String(path)}},
		TemplatePaths: []string{path},
	})
}

// validateRequest runs the plugin on one request; a JavaScript error becomes the reply's error.
func validateRequest(plugin awscdk.CloudFormationValidatePlugin, req *validatorRequest) (reply validatorReply) {
	defer func() {
		if r := recover(); r != nil {
			reply = validatorReply{Error: fmt.Sprint(r)}
		}
	}()
	return validatorReply{Report: plugin.Validate(&validationContext{req: req})}
}

// validationContext is a validatorRequest as the context aws-cdk-lib hands a plugin.
type validationContext struct{ req *validatorRequest }

func (c *validationContext) AccountId() *string { return c.req.AccountID }

// AppConstruct is nil: the construct tree stays in the synth's process, and the CloudFormation validator
// does not read it.
func (c *validationContext) AppConstruct() constructs.IConstruct { return nil }
func (c *validationContext) Region() *string                     { return c.req.Region }
func (c *validationContext) StackTemplates() *[]*awscdk.PolicyValidationStack {
	return &c.req.Stacks
}
func (c *validationContext) TemplatePaths() *[]*string { return jsii.Strings(c.req.TemplatePaths...) }

// validator is the synth's side of one validator process. Its methods are called on the synth's
// goroutine only (jsii calls the plugin back there).
type validator struct {
	cmd      *exec.Cmd
	requests io.WriteCloser
	replies  *os.File
	in       *json.Decoder
	stderr   tailBuffer
	hello    *validatorHello
	err      error // why the validator cannot answer, once it cannot
	waited   bool
}

// startValidator starts the validator process, or returns nil when validation does not use one: with
// CDK_VALIDATION=false (aws-cdk-lib validates nothing), UNDERHOOD_VALIDATOR=off, or when the running
// program is not underhood (a test binary, which would not know the validator command). A validator
// that cannot start is returned with its error.
func startValidator() *validator {
	if os.Getenv("CDK_VALIDATION") == "false" || !validatorSupported {
		return nil
	}
	path := os.Getenv(validatorEnv)
	switch path {
	case "off":
		return nil
	case "":
		self, err := os.Executable()
		if err != nil || !strings.HasPrefix(filepath.Base(self), "underhood") {
			return nil
		}
		path = self
	}
	v := &validator{cmd: exec.Command(path, validatorCommand)}
	v.cmd.Env = append(os.Environ(), "NODE_OPTIONS="+validatorNodeOptions(os.Getenv("NODE_OPTIONS")), validatorRepliesEnv+"=3")
	v.cmd.Stderr = &v.stderr
	// Output of a grandchild that outlives a killed validator must not hold synth up.
	v.cmd.WaitDelay = time.Second
	replies, w, err := os.Pipe()
	if err != nil {
		v.err = fmt.Errorf("could not start: %w", err)
		return v
	}
	v.replies, v.in = replies, json.NewDecoder(replies)
	v.cmd.ExtraFiles = []*os.File{w}
	if v.requests, err = v.cmd.StdinPipe(); err == nil {
		err = v.cmd.Start()
	}
	w.Close()
	if err != nil {
		replies.Close()
		v.err = fmt.Errorf("could not start: %w", err)
	}
	return v
}

// validatorNodeOptions are the validator's NODE_OPTIONS: the user's (else the jsii runtime's default
// heap size), with one V8 background thread. Its engine is a 9 MB WebAssembly module that V8 otherwise
// compiles again on background threads while it runs: on 2 CPUs those threads take the CPU from the
// synth beside it, and the engine starts in 0.95 s instead of 1.7 s.
func validatorNodeOptions(user string) string {
	if user == "" {
		user = "--max-old-space-size=4069"
	}
	return user + " --v8-pool-size=1"
}

// receive reads the validator's next message into v, or fails after validatorPatience.
func (v *validator) receive(msg any) error {
	if err := v.replies.SetReadDeadline(time.Now().Add(validatorPatience)); err != nil {
		return err
	}
	if err := v.in.Decode(msg); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("did not answer in %v", validatorPatience)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("exited without answering")
		}
		return err
	}
	return nil
}

// awaitHello waits for the validator's hello (once) and says whether the validator can answer.
func (v *validator) awaitHello() bool {
	if v.hello == nil && v.err == nil {
		var h validatorHello
		if err := v.receive(&h); err != nil {
			v.fail(err)
		} else {
			v.hello = &h
		}
	}
	return v.err == nil
}

// validate asks the validator for the report on req.
func (v *validator) validate(req *validatorRequest) (*awscdk.PolicyValidationPluginReport, error) {
	if !v.awaitHello() {
		return nil, v.err
	}
	if err := json.NewEncoder(v.requests).Encode(req); err != nil {
		v.fail(err)
		return nil, v.err
	}
	var reply validatorReply
	if err := v.receive(&reply); err != nil {
		v.fail(err)
		return nil, v.err
	}
	if reply.Report == nil {
		v.fail(fmt.Errorf("failed: %s", reply.Error))
		return nil, v.err
	}
	return reply.Report, nil
}

// fail records why the validator cannot answer, and ends it: its error output is then complete.
func (v *validator) fail(err error) {
	v.err = err
	if v.cmd.Process == nil || v.waited {
		return
	}
	v.cmd.Process.Kill()
	v.cmd.Wait()
	v.replies.Close()
	v.waited = true
}

// stop ends the validator: it exits when its requests end (synth does not wait for that).
func (v *validator) stop() {
	if v == nil || v.cmd.Process == nil || v.waited {
		return
	}
	v.requests.Close()
	v.waited = true
	go func() {
		v.cmd.Wait()
		v.replies.Close()
	}()
}

// fallbackNote is the note synth prints when the validator could not be used (err is why): validation
// then ran in the synth's own process, with the same result, only slower.
func (v *validator) fallbackNote() string {
	why := v.err.Error()
	if tail := v.stderr.lastLine(); tail != "" {
		why += " (its last error output: " + tail + ")"
	}
	return fmt.Sprintf("CloudFormation validation ran in this process, about a second slower: the validator process (%s) %s; "+
		"%s=off validates here without trying it", v.cmd.Path, why, validatorEnv)
}

// validatorPlugin stands in for aws-cdk-lib's CloudFormationValidatePlugin in the synth's process: it
// returns the validator process's report, or the real plugin's report computed here when the validator
// cannot answer.
type validatorPlugin struct {
	v     *validator
	local awscdk.CloudFormationValidatePlugin // the real plugin in this process, made once the validator failed
	notes *[]string
}

func (p *validatorPlugin) Validate(ctx awscdk.IPolicyValidationContext) *awscdk.PolicyValidationPluginReport {
	if p.v.err == nil {
		req := &validatorRequest{AccountID: ctx.AccountId(), Region: ctx.Region(), Stacks: *ctx.StackTemplates()}
		for _, path := range *ctx.TemplatePaths() {
			req.TemplatePaths = append(req.TemplatePaths, *path)
		}
		if report, err := p.v.validate(req); err == nil {
			return report
		}
		*p.notes = append(*p.notes, p.v.fallbackNote())
	}
	return p.real().Validate(ctx)
}

// Name, Version and RuleIds are read after Validate: the validator's, or, once it failed, the real
// plugin's here.
func (p *validatorPlugin) Name() *string {
	if p.v.awaitHello() {
		return jsii.String(p.v.hello.Name)
	}
	return awscdk.CloudFormationValidatePlugin_PLUGIN_NAME()
}

func (p *validatorPlugin) Version() *string {
	if p.v.awaitHello() {
		return jsii.String(p.v.hello.Version)
	}
	return p.real().Version()
}

func (p *validatorPlugin) RuleIds() *[]*string {
	if p.v.awaitHello() {
		return jsii.Strings(p.v.hello.RuleIDs...)
	}
	return p.real().RuleIds()
}

// real is the real plugin in this process, made on first use.
func (p *validatorPlugin) real() awscdk.CloudFormationValidatePlugin {
	if p.local == nil {
		p.local = awscdk.NewCloudFormationValidatePlugin(nil)
	}
	return p.local
}

// tailBuffer keeps the last 4 KiB written to it: the validator's error output, for the note.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) lastLine() string {
	lines := bytes.Split(bytes.TrimSpace(t.b), []byte("\n"))
	return strings.TrimSpace(string(lines[len(lines)-1]))
}

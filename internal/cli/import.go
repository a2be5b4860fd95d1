package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/underhood-dev/underhood/importer/amplify"
	"github.com/underhood-dev/underhood/importer/amplifystack"
	"github.com/underhood-dev/underhood/internal/cfn"
	"github.com/underhood-dev/underhood/internal/fsutil"
	"github.com/underhood-dev/underhood/spec"
)

type importAmplifyOptions struct {
	project        string
	env            string
	out            string
	force          bool
	userPoolID     string
	clientID       string
	identityPoolID string
	hostedUIDomain string
	existing       []string // NAME=BUCKET_OR_TABLE
	streams        []string // NAME=STREAM_ARN
	fromStack      bool
	checkRetained  bool
	awsOptions
}

func newImportCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import an existing backend into an app spec",
	}
	cmd.AddCommand(newImportAmplifyCmd(stdout, stderr))
	return cmd
}

func newImportAmplifyCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &importAmplifyOptions{}
	cmd := dirCommand("amplify [PROJECT_DIR] [--env ENV] [-o app.yaml] [--from-stack | ids...] [--check-retained]",
		"Write an app spec from an Amplify Gen 1 project that keeps its users, files and data",
		"import amplify reads the amplify/ folder of an Amplify Gen 1 project (backend-config.json,\n"+
			"team-provider-info.json, each resource's cli-inputs.json or parameters.json) and writes an app spec\n"+
			"for one env, with a report per resource: translated, approximated (and how) or out of scope, and an\n"+
			"ordered migration plan, also written beside the spec (<spec>.migration.txt). The SPA's aws-exports.js\n"+
			"(read, never executed) supplies the AppSync API and Pinpoint project the spec references, and ids.\n"+
			"The stage references the env's existing user pool, identity pool, buckets and tables when their ids\n"+
			"are known: from the project files (imported resources, table names), from flags, or with\n"+
			"--from-stack from the deployed Amplify stack (CloudFormation, read only). --check-retained lists\n"+
			"every stateful resource of the Amplify stack that deleting the stack would delete, and how to\n"+
			"retain it. Exit 0: the spec is written and validates (and with --check-retained, every stateful\n"+
			"resource is retained); 1 otherwise (the spec may be written: a re-run then needs --force); 2 for\n"+
			"a usage error.",
		&opts.project, func() error { return runImportAmplify(opts, stdout, stderr) })
	f := cmd.Flags()
	f.StringVar(&opts.env, strings.TrimPrefix(amplify.FlagEnv, "--"), "", "Amplify env to import (default: the current or only env)")
	f.StringVarP(&opts.out, "output", "o", "", "where to write the spec (default PROJECT_DIR/app.yaml)")
	f.BoolVar(&opts.force, "force", false, "overwrite an existing spec file")
	f.StringVar(&opts.userPoolID, strings.TrimPrefix(amplify.FlagUserPoolID, "--"), "", "the env's user pool id (keeps its users)")
	f.StringVar(&opts.clientID, strings.TrimPrefix(amplify.FlagUserPoolClientID, "--"), "", "the SPA's app client id (the web client)")
	f.StringVar(&opts.identityPoolID, strings.TrimPrefix(amplify.FlagIdentityPoolID, "--"), "", "the env's identity pool id (keeps identity ids and private files)")
	f.StringVar(&opts.hostedUIDomain, strings.TrimPrefix(amplify.FlagHostedUIDomain, "--"), "", "the hosted UI domain prefix or host")
	f.StringArrayVar(&opts.existing, strings.TrimPrefix(amplify.FlagExisting, "--"), nil, "NAME=ID: the existing bucket or table of storage resource NAME, or the API id of AppSync API NAME (repeatable)")
	f.StringArrayVar(&opts.streams, strings.TrimPrefix(amplify.FlagStream, "--"), nil, "NAME=STREAM_ARN: the stream of existing table NAME, so the functions it invoked are wired (repeatable)")
	f.BoolVar(&opts.fromStack, "from-stack", false, "read the ids from the deployed Amplify stack (CloudFormation ListStackResources and GetTemplate)")
	f.BoolVar(&opts.checkRetained, "check-retained", false, "report the Amplify stack's stateful resources that are not DeletionPolicy Retain")
	opts.awsOptions.addFlags(cmd, "AWS profile for --from-stack and --check-retained",
		"AWS region of the Amplify stack (default: the env's region)")
	return cmd
}

func runImportAmplify(opts *importAmplifyOptions, stdout, stderr io.Writer) error {
	if !opts.fromStack && !opts.checkRetained && opts.awsOptions.given() {
		return &exitError{code: exitUsage, msg: "--profile and --region are for the deployed Amplify stack: they need --from-stack or --check-retained"}
	}
	existing, err := namedValues(amplify.FlagExisting, opts.existing, "BUCKET_OR_TABLE", "files=myapp-files-dev")
	if err != nil {
		return err
	}
	streams, err := namedValues(amplify.FlagStream, opts.streams, "STREAM_ARN",
		"items=arn:aws:dynamodb:eu-west-1:123456789012:table/items-dev/stream/2024-05-01T10:00:00.000")
	if err != nil {
		return err
	}
	out := opts.out
	if out == "" {
		out = filepath.Join(opts.project, "app.yaml")
	}
	specDir, err := filepath.Abs(filepath.Dir(out))
	if err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	project, err := filepath.Abs(opts.project)
	if err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	if st, err := os.Stat(project); err != nil || !st.IsDir() {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("%s: no such folder; give the Amplify Gen 1 project's folder (the one that holds amplify/)", opts.project)}
	}
	if _, err := os.Stat(out); err == nil && !opts.force {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("%s exists; pass --force to overwrite it or -o to write elsewhere", out)}
	}
	aopts := amplify.Options{
		Env: opts.env, SpecDir: specDir, Existing: existing, Streams: streams,
		UserPoolID: opts.userPoolID, UserPoolClientID: opts.clientID, IdentityPoolID: opts.identityPoolID, HostedUIDomain: opts.hostedUIDomain,
	}
	first := aopts
	if opts.fromStack {
		// The stack completes the ids (a client id flag without the pool's, say): the first import,
		// which finds the stack and the project's resources, goes without them.
		first.UserPoolID, first.UserPoolClientID, first.IdentityPoolID, first.HostedUIDomain = "", "", "", ""
	}
	res, err := amplify.Import(project, first)
	if err != nil {
		return &exitError{code: exitFailure, msg: importError(opts.project, err)}
	}

	var tree *amplifystack.Tree
	if opts.fromStack || opts.checkRetained {
		if tree, res, err = readAmplifyStack(opts, project, aopts, res, stderr); err != nil {
			return err
		}
	}

	if err := writeImport(out, opts.project, res, stdout); err != nil {
		return err
	}

	failed := false
	if _, err := spec.Parse(out, specDir, res.Spec, res.Stage); err != nil {
		failed = true
		fmt.Fprintf(stderr, "The spec does not validate yet:\n%v\nFix %s (or create what it names) and check it with underhood validate --stage %s %s; importing again needs --force.\n", err, out, res.Stage, out)
	}
	c := res.Counts()
	if c.Missing > 0 {
		failed = true
		fmt.Fprintf(stderr, "%d resource(s) in backend-config.json have no folder in the project and were not translated (see the report).\n", c.Missing)
	}
	if tree != nil && opts.checkRetained {
		if unretained := checkRetained(stdout, tree, res); unretained > 0 {
			failed = true
			fmt.Fprintf(stderr, "%d stateful resource(s) of Amplify stack %s are not DeletionPolicy Retain (see the retention check above).\n", unretained, tree.Root)
		}
	}
	if failed {
		return errFailed
	}
	return nil
}

// writeImport writes the spec and the report, migration plan included, which goes to stdout and beside
// the spec (the plan is followed over days: it must outlive the terminal).
func writeImport(out, projectArg string, res *amplify.Result, stdout io.Writer) error {
	if err := fsutil.WriteFileAtomic(out, res.Spec, 0o644); err != nil {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("cannot write %s: %v", out, err)}
	}
	res.SpecFile, res.ProjectArg = out, projectArg
	var report bytes.Buffer
	if err := res.WriteReport(&report); err != nil {
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	reportFile := strings.TrimSuffix(out, filepath.Ext(out)) + ".migration.txt"
	if err := fsutil.WriteFileAtomic(reportFile, report.Bytes(), 0o644); err != nil {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("cannot write %s: %v", reportFile, err)}
	}
	stdout.Write(report.Bytes())
	fmt.Fprintf(stdout, "\nWrote %s (app %s, stage %s) and the report with the migration plan, %s.\n", out, res.App, res.Stage, reportFile)
	return nil
}

// namedValues reads the values of a repeatable NAME=VALUE flag; value names VALUE and example shows one
// in the usage error.
func namedValues(flag string, values []string, value, example string) (map[string]string, error) {
	m := map[string]string{}
	for _, e := range values {
		name, v, ok := strings.Cut(e, "=")
		if !ok || name == "" || v == "" {
			return nil, &exitError{code: exitUsage, msg: fmt.Sprintf("%s %q: write NAME=%s, e.g. %s %s", flag, e, value, flag, example)}
		}
		m[name] = v
	}
	return m, nil
}

// readAmplifyStack reads the env's deployed Amplify stack tree (CloudFormation, read only). With
// --from-stack it imports the project again with the ids the stack adds, and returns that result.
func readAmplifyStack(opts *importAmplifyOptions, project string, aopts amplify.Options, res *amplify.Result, stderr io.Writer) (*amplifystack.Tree, *amplify.Result, error) {
	if res.StackName == "" {
		return nil, nil, &exitError{code: exitFailure, msg: fmt.Sprintf("env %s has no deployed stack in amplify/team-provider-info.json (awscloudformation.StackName); --from-stack and --check-retained need it", res.Env)}
	}
	ctx := context.Background()
	client, where, err := cfn.NewClient(ctx, opts.awsOptions.session(res.Region))
	if err != nil {
		return nil, nil, &exitError{code: exitFailure, msg: err.Error()}
	}
	tree, err := amplifystack.Inspect(ctx, client, res.StackName)
	if err != nil {
		return nil, nil, &exitError{code: exitFailure, msg: fmt.Sprintf("reading Amplify stack %s in %s: %v", res.StackName, where, err)}
	}
	if !opts.fromStack {
		return tree, res, nil
	}
	for _, note := range fillFromStack(&aopts, tree.IDs(), res) {
		fmt.Fprintf(stderr, "note: %s\n", note)
	}
	graphQLEndpoints(ctx, client, aopts.GraphQL, stderr)
	if res, err = amplify.Import(project, aopts); err != nil {
		return nil, nil, &exitError{code: exitFailure, msg: fmt.Sprintf("after reading Amplify stack %s: %s", tree.Root, importError(opts.project, err))}
	}
	return tree, res, nil
}

// graphQLEndpoints sets each AppSync API's endpoint, an output of its nested stack (never its key:
// config reads that at config time, from where the spec says).
func graphQLEndpoints(ctx context.Context, client cfn.OutputsAPI, apis map[string]amplify.GraphQLIDs, stderr io.Writer) {
	for _, name := range slices.Sorted(maps.Keys(apis)) {
		g := apis[name]
		outputs, err := cfn.Outputs(ctx, client, g.Stack)
		if err != nil || outputs == nil {
			fmt.Fprintf(stderr, "note: the outputs of AppSync API %s's stack %s could not be read (%v): its endpoint comes from the SPA's aws-exports.js, if any\n", name, g.Stack, err)
			continue
		}
		if endpoint, ok := outputs["GraphQLAPIEndpointOutput"]; ok {
			g.Endpoint = endpoint
		}
		apis[name] = g
	}
}

// fillFromStack adds the ids read from the deployed stack to what the flags did not set, for the
// resources the project has: the stack's auth resource of the project's name (else its only one), the
// hosted UI domain only when the project has a hosted UI, and the buckets and tables of the project's
// storage resources. Flags and --existing win. It returns notes on what the stack had that the
// project cannot take.
func fillFromStack(o *amplify.Options, ids amplifystack.Existing, res *amplify.Result) []string {
	var notes []string
	var authName string
	storage := map[string]bool{}
	for _, r := range res.Resources {
		switch {
		case r.Category == "auth" && r.SpecPath == "auth.userPool" && !r.Imported:
			// An imported pool's ids are in the project files; Amplify's stack has no auth stack for it.
			authName = r.Name
		case r.Category == "storage" && r.SpecPath != "":
			storage[r.Name] = true
		}
	}
	if authName != "" {
		a, ok := ids.Auth[authName]
		if !ok && len(ids.Auth) == 1 {
			for n, only := range ids.Auth {
				a, ok = only, true
				notes = append(notes, fmt.Sprintf("the stack's auth resource is %s, the project's %s: using the stack's ids", n, authName))
			}
		}
		switch {
		case ok:
			setIfEmpty(&o.UserPoolID, a.UserPoolID)
			setIfEmpty(&o.UserPoolClientID, a.ClientID)
			setIfEmpty(&o.IdentityPoolID, a.IdentityPoolID)
			if specHasHostedUI(res.Spec) {
				setIfEmpty(&o.HostedUIDomain, a.Domain)
			} else if a.Domain != "" {
				notes = append(notes, fmt.Sprintf("the stack has a hosted UI domain (%s) but the project files have no hosted UI: the spec does not use it", a.Domain))
			}
		case len(ids.Auth) == 0:
			notes = append(notes, fmt.Sprintf("the stack has no Cognito resources of auth %s: no auth ids taken from it", authName))
		default:
			notes = append(notes, fmt.Sprintf("the stack has no auth resource %s (it has %s): no auth ids taken from it", authName, strings.Join(slices.Sorted(maps.Keys(ids.Auth)), ", ")))
		}
	}
	for _, r := range res.Resources {
		switch {
		case r.Category == "api" && r.Service == "AppSync":
			if g, ok := ids.GraphQL[r.Name]; ok {
				if o.GraphQL == nil {
					o.GraphQL = map[string]amplify.GraphQLIDs{}
				}
				o.GraphQL[r.Name] = amplify.GraphQLIDs{APIID: g.APIID, Stack: g.Stack}
			}
		case r.Category == "analytics" && r.Service == "Pinpoint":
			if id, ok := ids.Pinpoint[r.Name]; ok {
				if o.Analytics == nil {
					o.Analytics = map[string]string{}
				}
				o.Analytics[r.Name] = id
			}
		}
	}
	for _, m := range []map[string]string{ids.Buckets, ids.Tables} {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			if !storage[name] {
				notes = append(notes, fmt.Sprintf("the stack's storage %s (%s) is not a storage resource of the spec: left out", name, m[name]))
				continue
			}
			if _, ok := o.Existing[name]; !ok {
				o.Existing[name] = m[name]
			}
		}
	}
	return notes
}

// specHasHostedUI reports whether the imported spec configures a hosted UI (auth.userPool.hostedUI).
func specHasHostedUI(data []byte) bool {
	var doc struct {
		Auth struct {
			UserPool struct {
				HostedUI any `yaml:"hostedUI"`
			} `yaml:"userPool"`
		} `yaml:"auth"`
	}
	return yaml.Unmarshal(data, &doc) == nil && doc.Auth.UserPool.HostedUI != nil
}

// importError is an import failure as the user should see it: a project file's path is given from
// the current folder (the project folder as given, joined with the file's path in the project).
func importError(project string, err error) string {
	msg := err.Error()
	var fe *amplify.FileError
	if errors.As(err, &fe) {
		joined := *fe
		joined.Path = filepath.Join(project, filepath.FromSlash(fe.Path))
		if fe.Path == "amplify" && fe.Line == 0 {
			return fmt.Sprintf("%s is not an Amplify Gen 1 project: it has no amplify/ folder; give the folder that holds amplify/", project)
		}
		msg = strings.Replace(msg, fe.Error(), joined.Error(), 1)
	}
	return msg
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// checkRetained prints each stateful resource of the Amplify stack that its deletion would delete and
// returns how many there are.
func checkRetained(w io.Writer, tree *amplifystack.Tree, res *amplify.Result) int {
	legacy := map[string]bool{}
	for _, step := range res.Retire {
		legacy[step.Resource] = step.Legacy
	}
	findings := tree.CheckRetained(func(category, name string) amplifystack.Format {
		l, ok := legacy[category+"/"+name]
		switch {
		case !ok:
			return amplifystack.FormatUnknown
		case l:
			return amplifystack.FormatLegacy
		default:
			return amplifystack.FormatOverride
		}
	})
	fmt.Fprintf(w, "\nRetention check of Amplify stack %s:\n", tree.Root)
	if len(findings) == 0 {
		fmt.Fprintln(w, "  every stateful resource is DeletionPolicy Retain: deleting the Amplify stack keeps them.")
		return 0
	}
	for _, f := range findings {
		fmt.Fprintf(w, "  NOT RETAINED %s/%s %s %s (%s): %s\n    fix: %s\n", f.Category, f.Name, f.Type, f.LogicalID, f.PhysicalID, f.What, f.Fix)
	}
	fmt.Fprintf(w, "%d resource(s) would be deleted with the Amplify stack: retain them, amplify push, and run this check again before deleting it.\n", len(findings))
	return len(findings)
}

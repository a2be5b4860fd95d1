package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/importer/amplify"
	"github.com/underhood-dev/underhood/importer/amplifystack"
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
	fromStack      bool
	checkRetained  bool
	profile        string
	region         string
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
	cmd := &cobra.Command{
		Use:   "amplify [PROJECT_DIR] [--env ENV] [-o app.yaml] [--from-stack | ids...] [--check-retained]",
		Short: "Write an app spec from an Amplify Gen 1 project that keeps its users, files and data",
		Long: "import amplify reads the amplify/ folder of an Amplify Gen 1 project (backend-config.json,\n" +
			"team-provider-info.json, each resource's cli-inputs.json or parameters.json) and writes an app spec\n" +
			"for one env, with a report per resource: translated, approximated (and how) or out of scope.\n" +
			"The stage references the env's existing user pool, identity pool, buckets and tables when their ids\n" +
			"are known: from the project files (imported resources, table names), from flags, or with\n" +
			"--from-stack from the deployed Amplify stack (CloudFormation, read only). --check-retained lists\n" +
			"every stateful resource of the Amplify stack that deleting the stack would delete, and how to\n" +
			"retain it. Exit 0: the spec is written and validates and nothing is left to retain; 1 otherwise.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.project = "."
			if len(args) == 1 {
				opts.project = args[0]
			}
			return runImportAmplify(opts, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.env, strings.TrimPrefix(amplify.FlagEnv, "--"), "", "Amplify env to import (default: the current or only env)")
	f.StringVarP(&opts.out, "output", "o", "", "where to write the spec (default PROJECT_DIR/app.yaml)")
	f.BoolVar(&opts.force, "force", false, "overwrite an existing spec file")
	f.StringVar(&opts.userPoolID, strings.TrimPrefix(amplify.FlagUserPoolID, "--"), "", "the env's user pool id (keeps its users)")
	f.StringVar(&opts.clientID, strings.TrimPrefix(amplify.FlagUserPoolClientID, "--"), "", "the SPA's app client id (the web client)")
	f.StringVar(&opts.identityPoolID, strings.TrimPrefix(amplify.FlagIdentityPoolID, "--"), "", "the env's identity pool id (keeps identity ids and private files)")
	f.StringVar(&opts.hostedUIDomain, strings.TrimPrefix(amplify.FlagHostedUIDomain, "--"), "", "the hosted UI domain prefix or host")
	f.StringArrayVar(&opts.existing, strings.TrimPrefix(amplify.FlagExisting, "--"), nil, "NAME=BUCKET_OR_TABLE: the existing bucket or table of storage resource NAME (repeatable)")
	f.BoolVar(&opts.fromStack, "from-stack", false, "read the ids from the deployed Amplify stack (CloudFormation ListStackResources and GetTemplate)")
	f.BoolVar(&opts.checkRetained, "check-retained", false, "report the Amplify stack's stateful resources that are not DeletionPolicy Retain")
	f.StringVar(&opts.profile, "profile", "", "AWS profile for --from-stack and --check-retained")
	f.StringVar(&opts.region, "region", "", "AWS region of the Amplify stack (default: the env's region)")
	return cmd
}

func runImportAmplify(opts *importAmplifyOptions, stdout, stderr io.Writer) error {
	existing := map[string]string{}
	for _, e := range opts.existing {
		name, phys, ok := strings.Cut(e, "=")
		if !ok || name == "" || phys == "" {
			return &exitError{code: 2, msg: fmt.Sprintf("%s %q: write NAME=BUCKET_OR_TABLE, e.g. %s files=myapp-files-dev", amplify.FlagExisting, e, amplify.FlagExisting)}
		}
		existing[name] = phys
	}
	out := opts.out
	if out == "" {
		out = filepath.Join(opts.project, "app.yaml")
	}
	if _, err := os.Stat(out); err == nil && !opts.force {
		return &exitError{code: 1, msg: fmt.Sprintf("%s exists; pass --force to overwrite it or -o to write elsewhere", out)}
	}
	specDir, err := filepath.Abs(filepath.Dir(out))
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	project, err := filepath.Abs(opts.project)
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	aopts := amplify.Options{
		Env: opts.env, SpecDir: specDir, Existing: existing,
		UserPoolID: opts.userPoolID, UserPoolClientID: opts.clientID, IdentityPoolID: opts.identityPoolID, HostedUIDomain: opts.hostedUIDomain,
	}
	res, err := amplify.Import(project, aopts)
	if err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}

	var tree *amplifystack.Tree
	if opts.fromStack || opts.checkRetained {
		if res.StackName == "" {
			return &exitError{code: 1, msg: fmt.Sprintf("env %s has no deployed stack in amplify/team-provider-info.json (awscloudformation.StackName); --from-stack and --check-retained need it", res.Env)}
		}
		ctx := context.Background()
		client, where, err := cloudFormationClient(ctx, opts.profile, opts.region, res.Region)
		if err != nil {
			return &exitError{code: 1, msg: err.Error()}
		}
		if tree, err = amplifystack.Inspect(ctx, client, res.StackName); err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("reading Amplify stack %s in %s: %v", res.StackName, where, err)}
		}
		if opts.fromStack {
			fillFromStack(&aopts, tree.IDs())
			if res, err = amplify.Import(project, aopts); err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
		}
	}

	if err := fsutil.WriteFileAtomic(out, res.Spec, 0o644); err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("cannot write %s: %v", out, err)}
	}
	if err := res.WriteReport(stdout); err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	fmt.Fprintf(stdout, "\nWrote %s (app %s, stage %s).\n", out, res.App, res.Stage)

	failed := false
	if _, err := spec.Parse(out, specDir, res.Spec, res.Stage); err != nil {
		failed = true
		fmt.Fprintf(stderr, "The spec does not validate yet:\n%v\n", err)
	}
	c := res.Counts()
	if c.Missing > 0 {
		failed = true
		fmt.Fprintf(stderr, "%d resource(s) in backend-config.json have no folder in the project and were not translated (see the report).\n", c.Missing)
	}
	if tree != nil && opts.checkRetained {
		if unretained := checkRetained(stdout, tree, res); unretained > 0 {
			failed = true
		}
	}
	if failed {
		return errFailed
	}
	return nil
}

// fillFromStack adds the ids read from the deployed stack to what the flags did not set. A project has
// one auth resource; with several, the first by name is the app's.
func fillFromStack(o *amplify.Options, ids amplifystack.Existing) {
	names := make([]string, 0, len(ids.Auth))
	for n := range ids.Auth {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) > 0 {
		a := ids.Auth[names[0]]
		setIfEmpty(&o.UserPoolID, a.UserPoolID)
		setIfEmpty(&o.UserPoolClientID, a.ClientID)
		setIfEmpty(&o.IdentityPoolID, a.IdentityPoolID)
		setIfEmpty(&o.HostedUIDomain, a.Domain)
	}
	for _, m := range []map[string]string{ids.Buckets, ids.Tables} {
		for name, phys := range m {
			if _, ok := o.Existing[name]; !ok {
				o.Existing[name] = phys
			}
		}
	}
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

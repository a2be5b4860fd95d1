package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/underhood-dev/underhood/internal/fsutil"
	"github.com/underhood-dev/underhood/templates"
)

type initOptions struct {
	dir   string
	app   string
	force bool
}

func newInitCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &initOptions{}
	cmd := dirCommand("init [DIR]",
		"Write a starter project: app.yaml, cdk.json, package.json pinning the aws-cdk CLI, .gitignore, a function",
		"",
		&opts.dir, func() error { return runInit(opts, stdout, stderr) })
	cmd.Flags().StringVar(&opts.app, "app", "", "app name (default: derived from the folder name)")
	cmd.Flags().BoolVar(&opts.force, "force", false, "overwrite existing files")
	return cmd
}

var nonName = regexp.MustCompile(`[^a-z0-9-]+`)

func runInit(opts *initOptions, stdout, stderr io.Writer) error {
	name := opts.app
	if name == "" {
		abs, err := filepath.Abs(opts.dir)
		if err != nil {
			return &exitError{code: exitFailure, msg: err.Error()}
		}
		name = strings.Trim(nonName.ReplaceAllString(strings.ToLower(filepath.Base(abs)), "-"), "-")
		if name == "" || name[0] < 'a' || name[0] > 'z' {
			name = "app-" + name
		}
	}
	// Refuse before writing anything, so a half-initialized folder never happens.
	if !opts.force {
		for _, f := range templates.InitFiles {
			path := filepath.Join(opts.dir, filepath.FromSlash(f.Path))
			if _, err := os.Stat(path); err == nil {
				return &exitError{code: exitFailure, msg: fmt.Sprintf("%s already exists; nothing was written (use --force to overwrite)", path)}
			}
		}
	}
	for _, f := range templates.InitFiles {
		data, err := templates.Render(f.Template, templates.InitData{App: name, CDKCLI: templates.CDKCLI})
		if err != nil {
			return &exitError{code: exitFailure, msg: err.Error()}
		}
		path := filepath.Join(opts.dir, filepath.FromSlash(f.Path))
		if err := fsutil.WriteFileAtomic(path, data, 0o644); err != nil {
			return &exitError{code: exitFailure, msg: err.Error()}
		}
		fmt.Fprintln(stdout, "wrote", path)
	}
	fmt.Fprintf(stdout, "\nNext, in %s: npm ci (the aws-cdk CLI %s underhood is tested with), underhood validate app.yaml,\n"+
		"npx cdk bootstrap (once per account and region), npx cdk deploy -c stage=dev --outputs-file outputs.json,\n"+
		"then underhood config --outputs-file outputs.json app.yaml\n", opts.dir, templates.CDKCLI.Version)
	return nil
}

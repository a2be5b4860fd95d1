package amplify

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Counts tallies resources by status.
type Counts struct {
	Translated, Approximated, OutOfScope, Missing int
}

// Total is the number of resources counted.
func (c Counts) Total() int { return c.Translated + c.Approximated + c.OutOfScope + c.Missing }

// Counts tallies the result's resources by status.
func (r *Result) Counts() Counts {
	var c Counts
	for _, res := range r.Resources {
		switch res.Status {
		case StatusTranslated:
			c.Translated++
		case StatusApproximated:
			c.Approximated++
		case StatusOutOfScope:
			c.OutOfScope++
		case StatusMissing:
			c.Missing++
		}
	}
	return c
}

// WriteReport writes the human report: warnings, a table of resources with their notes, the secrets
// to create, and how to retire the Amplify stack.
func (r *Result) WriteReport(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("Amplify Gen 1 import: project %q, env %s (%s)\n", r.Project, r.Env, r.EnvFrom)
	ew.printf("Spec: app %s, stage %s, region %s\n", r.App, r.Stage, cmp.Or(r.Region, "(not in the project files)"))
	c := r.Counts()
	ew.printf("Resources: %d (%d translated, %d approximated, %d out of scope, %d missing)\n", c.Total(), c.Translated, c.Approximated, c.OutOfScope, c.Missing)

	if len(r.Warnings) > 0 {
		ew.printf("\nWARNINGS\n")
		for _, warn := range r.Warnings {
			ew.lines(wrap("! "+warn, 100, "  "))
		}
	}

	ew.printf("\nRESOURCES\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CATEGORY\tNAME\tSERVICE\tSTATUS\tEXISTING\tSPEC")
	for _, res := range r.Resources {
		existing := "new"
		switch {
		case res.Existing != "":
			existing = res.Existing
		case res.SpecPath == "":
			existing = "-"
		case res.SpecPath == "auth.userPool.groups" && r.authExisting():
			existing = "the pool's"
		case res.Category == "function" || res.Category == "api":
			existing = "new (stateless)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", res.Category, res.Name, cmp.Or(res.Service, "-"), res.Status, existing, cmp.Or(res.SpecPath, "-"))
	}
	tw.Flush()
	for _, res := range r.Resources {
		if len(res.Notes) == 0 {
			continue
		}
		ew.printf("\n%s/%s (%s):\n", res.Category, res.Name, res.Status)
		for _, n := range res.Notes {
			ew.lines(wrap("  - "+n, 100, "    "))
		}
	}

	r.writePlan(ew)
	return ew.err
}

func (r *Result) authExisting() bool {
	for _, res := range r.Resources {
		if res.SpecPath == "auth.userPool" && res.Existing != "" {
			return true
		}
	}
	return false
}

// writePlan writes the migration plan: step 1 retains what the spec keeps (from r.Retire), the others
// come from the import (r.Plan).
func (r *Result) writePlan(ew *errWriter) {
	ew.printf("\nMIGRATION PLAN (in this order; every step keeps the SPA working)\n")
	fill := strings.NewReplacer("{spec}", cmp.Or(r.SpecFile, "app.yaml"), "{project}", cmp.Or(r.ProjectArg, "."))
	ew.printf("\n1. Retain what the spec keeps, in the Amplify project\n")
	r.writeRetain(ew)
	for i, step := range r.Plan {
		ew.printf("\n%d. %s\n", i+2, step.Title)
		for _, l := range step.Lines {
			l = fill.Replace(l)
			if strings.HasPrefix(l, "$ ") || strings.HasPrefix(l, "--") {
				ew.printf("   %s\n", l) // commands stay on one line, to copy
				continue
			}
			ew.lines(wrap("   "+l, 100, "   "))
		}
	}
}

func (r *Result) writeRetain(ew *errWriter) {
	var todo, done []RetireStep
	for _, s := range r.Retire {
		if s.Done {
			done = append(done, s)
		} else {
			todo = append(todo, s)
		}
	}
	if len(todo) > 0 {
		ew.lines(wrap("   amplify-cli created these without a Retain policy, so deleting the Amplify stack (amplify delete, amplify env remove, or deleting its root stack in CloudFormation) or removing their category deletes them: the resources that hold the env's users and data, which the spec references (or can, with the id flags). Once, before anything else: give each listed logical id \"DeletionPolicy\": \"Retain\" and \"UpdateReplacePolicy\": \"Retain\", run amplify push, and check the deployed template shows the policies (step 2).", 100, "   "))
		for i, s := range todo {
			ew.printf("\n   1.%d %s: %s (%s)\n", i+1, s.Resource, s.What, strings.Join(s.LogicalIDs, ", "))
			ew.lines(wrap("       Why: "+s.Why+".", 100, "         "))
			if s.Legacy {
				ew.lines(wrap(fmt.Sprintf("       parameters.json resource (amplify-cli before v7): in %s add \"DeletionPolicy\": \"Retain\" and \"UpdateReplacePolicy\": \"Retain\" to %s, then amplify push. With amplify-cli v7 or later, amplify override %s first migrates the resource to cli-inputs.json; then, in amplify/backend/%s/override.ts inside override(resources):", s.Template, strings.Join(s.LogicalIDs, ", "), category(s.Resource), s.Resource), 100, "         "))
			} else {
				ew.lines(wrap(fmt.Sprintf("       cli-inputs.json resource: run amplify override %s (choose %s); in %s inside override(resources):", category(s.Resource), name(s.Resource), s.Template), 100, "         "))
			}
			for _, l := range s.Override {
				ew.printf("           %s\n", l)
			}
		}
		ew.printf("\n   $ amplify push\n")
	} else {
		ew.printf("   Nothing in the Amplify stack needs a Retain policy first.\n")
	}
	for _, s := range done {
		ew.lines(wrap(fmt.Sprintf("   Already retained: %s, %s (%s): %s.", s.Resource, s.What, strings.Join(s.LogicalIDs, ", "), s.Why), 100, "     "))
	}
	var imported, lost []string
	for _, res := range r.Resources {
		switch {
		case res.Imported:
			imported = append(imported, res.Category+"/"+res.Name)
		case res.Status == StatusOutOfScope && res.Category != "hosting":
			lost = append(lost, res.Category+"/"+res.Name+" ("+cmp.Or(res.Service, "?")+")")
		}
	}
	if len(imported) > 0 {
		ew.lines(wrap("   Imported (not created by the Amplify stack, so deleting it leaves them alone): nothing to retain: "+strings.Join(imported, ", ")+".", 100, "     "))
	}
	if len(lost) > 0 {
		ew.lines(wrap("   Not in the spec, and deleted with the Amplify stack: "+strings.Join(lost, ", ")+". Keep the stack (or retain their resources, e.g. AppSync's @model tables) for as long as you need them.", 100, "     "))
	}
}

func category(res string) string { c, _, _ := strings.Cut(res, "/"); return c }
func name(res string) string     { _, n, _ := strings.Cut(res, "/"); return n }

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func (e *errWriter) lines(ls []string) {
	for _, l := range ls {
		e.printf("%s\n", l)
	}
}

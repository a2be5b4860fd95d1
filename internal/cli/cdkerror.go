package cli

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// synthFailure is a JavaScript error CDK raised during synthesis, as lines ready to print: every line
// of CDK's message, each problem with its construct path and, where that maps to one, the place of
// its spec element (FILE:LINE:COL: field.path:).
type synthFailure struct{ lines []string }

func (f *synthFailure) Error() string {
	return "synthesis failed:\n" + strings.Join(f.lines, "\n")
}

// locator places construct paths in the spec file.
type locator struct {
	app      *spec.App
	specPath string
	data     []byte // read on first use; nil when unreadable
	read     bool
}

func newLocator(app *spec.App, specPath string) *locator {
	return &locator{app: app, specPath: specPath}
}

// prefix returns "FILE:LINE:COL: field.path: " for the spec element the construct at constructPath was
// built for, or "" when it maps to none.
func (l *locator) prefix(constructPath string) string {
	return l.at(stacks.SpecPath(l.app, constructPath))
}

// at returns "FILE:LINE:COL: field.path: " for a spec field path, or "" for none.
func (l *locator) at(fieldPath string) string {
	if fieldPath == "" {
		return ""
	}
	if !l.read {
		l.read = true
		l.data, _ = os.ReadFile(l.specPath)
	}
	if l.data == nil {
		return fieldPath + ": "
	}
	return spec.Diagnostic{File: l.specPath, Pos: spec.Locate(l.data, fieldPath), Path: fieldPath, Msg: ""}.String()
}

// validationEntry is one problem of CDK's "Validation failed with the following errors:" list.
var validationEntry = regexp.MustCompile(`^\s*\[([^\]]+)\] (.*)$`)

// jsStackFrame is a line of a JavaScript stack trace, which says nothing about the spec.
var jsStackFrame = regexp.MustCompile(`^\s+at \S|^\s*--- (resource created|problem discovered) at ---$`)

// cdkErrorLines turns what jsii panicked with into lines to print, every line of CDK's message kept:
// "error: " before each problem (its spec place and construct path first, when known), two spaces
// before the lines that continue it.
func cdkErrorLines(r any, where *locator) []string {
	err, ok := r.(error)
	if !ok {
		err = fmt.Errorf("%v", r)
	}
	var out []string
	add := func(first string, rest []string) {
		out = append(out, "error: "+first)
		for _, l := range rest {
			out = append(out, "  "+l)
		}
	}
	var el *stacks.ElementError
	if errors.As(err, &el) {
		lines := messageLines(el.Err.Error())
		add(where.at(el.Path)+el.Construct+": "+lines[0], lines[1:])
		return out
	}
	lines := messageLines(err.Error())
	// CDK's validation lists one problem per "[construct path] message" line, after a heading; a
	// message may go on over the lines after it.
	var entries []int
	for i, l := range lines {
		if validationEntry.MatchString(l) {
			entries = append(entries, i)
		}
	}
	if len(entries) == 0 || entries[0] > 0 {
		end := len(lines)
		if len(entries) > 0 {
			end = entries[0]
		}
		add(lines[0], lines[1:end])
	}
	for k, i := range entries {
		end := len(lines)
		if k+1 < len(entries) {
			end = entries[k+1]
		}
		m := validationEntry.FindStringSubmatch(lines[i])
		add(where.prefix(m[1])+m[1]+": "+m[2], lines[i+1:end])
	}
	return out
}

// messageLines splits a JavaScript error message into its lines, without stack frames or blank lines.
func messageLines(msg string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(msg, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) == "" || jsStackFrame.MatchString(l) {
			continue
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	if len(out) == 0 {
		out = []string{"(CDK gave no message)"}
	}
	return out
}

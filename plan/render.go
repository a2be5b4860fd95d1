package plan

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// maxPaths is how many changed paths a resource line shows.
const maxPaths = 6

var symbols = map[Action]string{Added: "+", Modified: "~", Replaced: "!", Deleted: "-"}

// WriteText renders the report: changed resources (sorted by logical ID), then blocked and allowed
// findings with what would be lost and how to proceed, warnings, and the summary line. The output is
// deterministic.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	changed := 0
	for _, c := range r.Changes {
		if c.Action != Unchanged {
			changed++
		}
	}
	if changed == 0 {
		b.WriteString("No resource changes.\n")
	} else {
		idW, typeW := 0, 0
		for _, c := range r.Changes {
			if c.Action != Unchanged {
				idW, typeW = max(idW, len(c.LogicalID)), max(typeW, len(c.Type))
			}
		}
		b.WriteString("Resources:\n")
		for _, c := range r.Changes {
			if c.Action == Unchanged {
				continue
			}
			line := fmt.Sprintf("  %s %-*s  %-*s  %s", symbols[c.Action], idW, c.LogicalID, typeW, c.Type, c.Action)
			if c.OldType != "" {
				line += " (was " + c.OldType + ")"
			} else if len(c.Paths) > 0 {
				line += ": " + shortPaths(c.Paths)
			}
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	r.writeFindings(&b, false)
	r.writeFindings(&b, true)
	if len(r.Warnings) > 0 {
		b.WriteString("\nWarnings:\n")
		for _, wn := range r.Warnings {
			b.WriteString(wrap("  ", "  ", wn))
		}
	}
	b.WriteString("\n" + r.SummaryLine() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// String is WriteText into a string.
func (r *Report) String() string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}

// SummaryLine is the one-line count of actions and findings.
func (r *Report) SummaryLine() string {
	s := r.Summary
	line := fmt.Sprintf("Summary: %d added, %d modified, %d replaced, %d deleted, %d unchanged", s.Added, s.Modified, s.Replaced, s.Deleted, s.Unchanged)
	switch {
	case s.Blocked > 0:
		line += fmt.Sprintf("; BLOCKED: %s would lose data or fail", plural(s.Blocked, "1 change", fmt.Sprintf("%d changes", s.Blocked)))
	default:
		line += "; nothing stateful is lost"
	}
	if s.Allowed > 0 {
		line += fmt.Sprintf(" (%d allowed by --allow)", s.Allowed)
	}
	return line
}

func (r *Report) writeFindings(b *strings.Builder, allowed bool) {
	var fs []Finding
	for _, f := range r.Findings {
		if f.Allowed == allowed {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return
	}
	if allowed {
		fmt.Fprintf(b, "\nAllowed by --allow (%d): these WILL happen\n", len(fs))
	} else {
		fmt.Fprintf(b, "\nBlocked (%d):\n", len(fs))
	}
	for _, f := range fs {
		fmt.Fprintf(b, "  %s (%s): %s\n", f.LogicalID, f.Type, kindLabel(f))
		b.WriteString(wrap("    What:    ", "             ", f.What))
		b.WriteString(wrap("    Lost:    ", "             ", f.Lost))
		if !allowed {
			b.WriteString(wrap("    Proceed: ", "             ", f.Proceed))
		}
	}
}

func kindLabel(f Finding) string {
	label := map[Kind]string{
		KindDeleted:  "deleted",
		KindRenamed:  "logical ID changed (rename)",
		KindReplaced: "replaced",
		KindRefused:  "update refused by the service",
		KindBreaks:   "breaks what deployed clients hold",
	}[f.Kind]
	if f.Retained && f.Kind != KindRefused && f.Kind != KindBreaks {
		label += ", retained but orphaned"
	}
	return label
}

func shortPaths(paths []string) string {
	out := make([]string, 0, maxPaths)
	for i, p := range paths {
		if i == maxPaths {
			return strings.Join(out, ", ") + fmt.Sprintf(" and %d more", len(paths)-maxPaths)
		}
		out = append(out, strings.TrimPrefix(p, "Properties."))
	}
	return strings.Join(out, ", ")
}

// wrap word-wraps text at 110 columns, the first line after first, the others after rest.
func wrap(first, rest, text string) string {
	const width = 110
	var b strings.Builder
	line := first
	empty := true
	words := strings.Fields(text)
	for i := 0; i+1 < len(words); i++ {
		if words[i] == "--allow" { // keep the flag and its value on one line, ready to copy
			words = slices.Replace(words, i, i+2, words[i]+" "+words[i+1])
		}
	}
	for _, word := range words {
		if !empty && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

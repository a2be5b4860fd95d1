package golden

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

const (
	contextLines = 3       // unchanged lines shown around each change
	maxChanged   = 40      // changed lines shown in all; the rest are counted
	maxWidth     = 200     // characters of a line shown
	maxCells     = 1 << 22 // largest LCS table; a bigger changed region is shown as removed then added
)

// op is one line of an edit script: kind ' ' (in both), '-' (only in want) or '+' (only in got), and
// the 0-based line numbers in want (a) and got (b) where it sits.
type op struct {
	kind byte
	a, b int
}

// Diff returns a line diff of want and got ("" when they are equal): hunks in the unified format with
// both line numbers on every line and three lines of context, up to 40 changed lines. A line that
// differs only in invisible characters is shown quoted.
func Diff(want, got []byte) string {
	a, b := lines(string(want)), lines(string(got))
	ops := editScript(a, b)
	width := len(strconv.Itoa(max(len(a), len(b))))
	var out strings.Builder
	shown, total := 0, 0
	for _, h := range hunks(ops) {
		changed := 0
		for _, o := range h {
			if o.kind != ' ' {
				changed++
			}
		}
		total += changed
		if shown >= maxChanged {
			continue
		}
		out.WriteString(header(h))
		for _, o := range h {
			if o.kind != ' ' {
				if shown == maxChanged {
					break
				}
				shown++
			}
			out.WriteString(render(o, a, b, width))
		}
	}
	if total > shown {
		fmt.Fprintf(&out, "... and %d more changed lines\n", total-shown)
	}
	return out.String()
}

// lines splits s after each newline; the last line lacks one when s does not end with a newline.
func lines(s string) []string {
	l := strings.SplitAfter(s, "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}

// editScript is a shortest edit turning a into b: the common head and tail, and a longest common
// subsequence of the lines between them.
func editScript(a, b []string) []op {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	var ops []op
	for i := range p {
		ops = append(ops, op{' ', i, i})
	}
	ops = append(ops, middle(a[p:len(a)-s], b[p:len(b)-s], p)...)
	for i := s; i > 0; i-- {
		ops = append(ops, op{' ', len(a) - i, len(b) - i})
	}
	return ops
}

// middle diffs the changed region, which starts at line off of both a and b.
func middle(a, b []string, off int) []op {
	n, m := len(a), len(b)
	var ops []op
	if n*m > maxCells {
		for i := range n {
			ops = append(ops, op{'-', off + i, off})
		}
		for j := range m {
			ops = append(ops, op{'+', off + n, off + j})
		}
		return ops
	}
	// lcs[i*(m+1)+j] is the length of a longest common subsequence of a[i:] and b[j:].
	lcs := make([]int32, (n+1)*(m+1))
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*(m+1)+j] = lcs[(i+1)*(m+1)+j+1] + 1
			} else {
				lcs[i*(m+1)+j] = max(lcs[(i+1)*(m+1)+j], lcs[i*(m+1)+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, op{' ', off + i, off + j})
			i, j = i+1, j+1
		case j == m || (i < n && lcs[(i+1)*(m+1)+j] >= lcs[i*(m+1)+j+1]):
			ops = append(ops, op{'-', off + i, off + j})
			i++
		default:
			ops = append(ops, op{'+', off + i, off + j})
			j++
		}
	}
	return ops
}

// hunks groups the changes with their context; changes whose contexts touch share one.
func hunks(ops []op) [][]op {
	var out [][]op
	start, end := -1, -1 // the current hunk is ops[start:end]
	for i, o := range ops {
		if o.kind == ' ' {
			continue
		}
		lo, hi := max(0, i-contextLines), min(len(ops), i+1+contextLines)
		if start >= 0 && lo <= end {
			end = hi
			continue
		}
		if start >= 0 {
			out = append(out, ops[start:end])
		}
		start, end = lo, hi
	}
	if start >= 0 {
		out = append(out, ops[start:end])
	}
	return out
}

// header is a hunk's @@ -start,count +start,count @@ line (start is the line before an empty side).
func header(h []op) string {
	na, nb := 0, 0
	for _, o := range h {
		if o.kind != '+' {
			na++
		}
		if o.kind != '-' {
			nb++
		}
	}
	sa, sb := h[0].a+1, h[0].b+1
	if na == 0 {
		sa--
	}
	if nb == 0 {
		sb--
	}
	return fmt.Sprintf("@@ -%d,%d +%d,%d @@\n", sa, na, sb, nb)
}

// render is one diff line: the kind, the line number in want and in got (blank on the side that lacks
// the line), and the text.
func render(o op, a, b []string, width int) string {
	na, nb := strconv.Itoa(o.a+1), strconv.Itoa(o.b+1)
	text := ""
	switch o.kind {
	case '-':
		nb, text = "", show(a[o.a], true)
	case '+':
		na, text = "", show(b[o.b], true)
	default:
		text = show(a[o.a], false)
	}
	return fmt.Sprintf("%c %*s %*s | %s\n", o.kind, width, na, width, nb, text)
}

// show is a line as printed: without its newline, cut at maxWidth characters, quoted when it is a
// changed line whose difference might be invisible (trailing blanks, control characters), and marked
// when it has no newline.
func show(line string, changed bool) string {
	text, hasNewline := strings.CutSuffix(line, "\n")
	if r := []rune(text); len(r) > maxWidth {
		text = string(r[:maxWidth]) + fmt.Sprintf("... (%d more characters)", len(r)-maxWidth)
	}
	invisible := strings.TrimRight(text, " \t") != text || strings.ContainsFunc(text, func(r rune) bool {
		return r != '\t' && !unicode.IsPrint(r)
	})
	if changed && invisible {
		text = strconv.Quote(text)
	}
	if !hasNewline {
		text += " (no newline at end of file)"
	}
	return text
}

package spec

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Pos is a 1-based position in the spec file; the zero Pos is the file as a whole (one that cannot be
// read), printed without a line and column.
type Pos struct {
	Line, Col int
}

// Diagnostic is one problem found in a spec.
type Diagnostic struct {
	File string
	Pos  Pos
	Path string // field path such as api.photos.routes["GET /photos"]; empty for file-level problems
	Msg  string
}

func (d Diagnostic) String() string {
	loc := d.File
	if d.Pos.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", d.File, d.Pos.Line, d.Pos.Col)
	}
	// One problem, one line: text taken from the spec (keys, tags) may hold line breaks.
	msg := oneLine.Replace(d.Msg)
	if d.Path == "" {
		return loc + ": " + msg
	}
	return loc + ": " + oneLine.Replace(d.Path) + ": " + msg
}

var oneLine = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`)

// Diagnostics is every problem found in a spec, reported together.
type Diagnostics []Diagnostic

// Error lists the problems one per line, sorted by position.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

func (ds Diagnostics) sorted() Diagnostics {
	out := append(Diagnostics(nil), ds...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Msg < b.Msg
	})
	// The same problem reached twice (e.g. through a YAML alias) is reported once.
	dedup := out[:0]
	for i, d := range out {
		if i > 0 && d == out[i-1] {
			continue
		}
		dedup = append(dedup, d)
	}
	return dedup
}

// reporter collects diagnostics and resolves field paths to positions.
type reporter struct {
	file  string
	pos   map[string]Pos
	diags Diagnostics
	// failed holds the paths whose value could not be decoded (wrong type); the validator sees their
	// zero value and must not report it a second time.
	failed map[string]bool
	work   work
}

func newReporter(file string) *reporter {
	return &reporter{file: file, pos: map[string]Pos{}, failed: map[string]bool{}}
}

// decodeFailed reports whether path, or a field it is part of, failed to decode.
func (r *reporter) decodeFailed(path string) bool {
	for p := path; p != ""; p = parentPath(p) {
		if r.failed[p] {
			return true
		}
	}
	return false
}

// at reports a problem at an explicit position.
func (r *reporter) at(p Pos, path, format string, args ...any) {
	r.diags = append(r.diags, Diagnostic{File: r.file, Pos: p, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// errorf reports a problem at the position recorded for path, or the nearest recorded parent.
func (r *reporter) errorf(path, format string, args ...any) {
	r.at(r.lookup(path), path, format, args...)
}

func (r *reporter) lookup(path string) Pos {
	for p := path; ; p = parentPath(p) {
		if pos, ok := r.pos[p]; ok {
			return pos
		}
		if p == "" {
			return Pos{Line: 1, Col: 1}
		}
	}
}

// parentPath strips the last segment: a.b["c d"][0] -> a.b["c d"] -> a.b -> a -> "".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		depth := 0
		for i := len(p) - 1; i >= 0; i-- {
			switch p[i] {
			case ']':
				depth++
			case '[':
				depth--
				if depth == 0 {
					return p[:i]
				}
			}
		}
		return ""
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

// child joins a path and a map key or field name, quoting keys that are not plain identifiers.
func child(path, key string) string {
	if !isIdent(key) {
		return fmt.Sprintf("%s[%q]", path, key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9') || c == '-':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Locate returns where the spec element at path (such as api.photos, or api.photos.routes["GET /photos"])
// is written in data, or its nearest enclosing element that is: for problems found after validation (a
// CDK error during synth) to be reported at their place in the spec. Data that is not a spec gives 1:1.
func Locate(data []byte, path string) Pos {
	r := newReporter("")
	var doc yaml.Node
	if len(data) > MaxFileSize || yaml.Unmarshal(data, &doc) != nil || len(doc.Content) != 1 {
		return Pos{1, 1}
	}
	// The stage only changes values (${stage}), never where keys are.
	d := &decoder{r: r, vars: map[string]string{"stage": DefaultStage}}
	var raw rawSpec
	d.decode(doc.Content[0], reflect.ValueOf(&raw).Elem(), "", 0)
	return r.lookup(path)
}

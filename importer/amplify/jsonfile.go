package amplify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
)

// maxFileSize bounds what is read from a project: Amplify's JSON files are kilobytes, templates a few
// hundred kilobytes.
const maxFileSize = 16 << 20

// FileError is a project file that could not be read or decoded. Path is relative to the project
// folder, slash-separated; Line and Col are 1-based and 0 when the problem has no position (a file
// that cannot be opened).
type FileError struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
}

// files reads a project's files by their slash-separated path relative to the project folder.
type files struct {
	dir string
}

func (f files) abs(rel string) string { return filepath.Join(f.dir, filepath.FromSlash(rel)) }

// exists reports whether rel is a regular file.
func (f files) exists(rel string) bool {
	st, err := os.Stat(f.abs(rel))
	return err == nil && st.Mode().IsRegular()
}

func (f files) isDir(rel string) bool {
	st, err := os.Stat(f.abs(rel))
	return err == nil && st.IsDir()
}

func (f files) read(rel string) ([]byte, error) {
	fh, err := os.Open(f.abs(rel))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &FileError{Path: rel, Msg: "cannot read: " + err.Error()}
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return nil, &FileError{Path: rel, Msg: "cannot read: " + err.Error()}
	}
	if len(data) > maxFileSize {
		return nil, &FileError{Path: rel, Msg: fmt.Sprintf("larger than %d MiB; not an Amplify configuration file", maxFileSize>>20)}
	}
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

// readJSON decodes the JSON file rel into v. Syntax and type errors name the file, line and column.
func (f files) readJSON(rel string, v any) error {
	data, err := f.read(rel)
	if err != nil {
		return err
	}
	return decodeJSON(rel, data, v)
}

// readOptionalJSON is readJSON for a file that may be absent; it reports whether the file was there.
func (f files) readOptionalJSON(rel string, v any) (bool, error) {
	if !f.exists(rel) {
		return false, nil
	}
	return true, f.readJSON(rel, v)
}

func decodeJSON(name string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &FileError{Path: name, Line: 1, Col: 1, Msg: "empty file; expected a JSON object"}
	}
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset is the number of bytes read when the error was noticed: the offending byte is the
		// last one read.
		line, col := lineCol(data, int(se.Offset)-1)
		msg := strings.TrimPrefix(se.Error(), "invalid character ")
		if msg != se.Error() {
			msg = "invalid character " + msg
		}
		return &FileError{Path: name, Line: line, Col: col, Msg: "JSON syntax error: " + msg}
	case errors.As(err, &te):
		off := valueStart(data, int(te.Offset))
		if te.Offset == 0 && te.Field != "" {
			// A custom decoder's error carries the field but no offset: find the field.
			if o, ok := findPath(data, strings.Split(te.Field, ".")); ok {
				off = o
			}
		}
		line, col := lineCol(data, off)
		field := te.Field
		if field == "" {
			field = "the top level"
		}
		return &FileError{Path: name, Line: line, Col: col, Msg: fmt.Sprintf("%s: expected %s, found a JSON %s", field, goTypeName(te.Type.Kind().String()), te.Value)}
	}
	return &FileError{Path: name, Msg: err.Error()}
}

// valueStart backs up from the end of a JSON value (where encoding/json reports a type error) to its
// first byte, so the column points at the value, not past it: the last token that starts before end.
func valueStart(data []byte, end int) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	last := max(end-1, 0)
	for {
		start := skipSpace(data, int(dec.InputOffset()))
		if start >= end {
			return last
		}
		if _, err := dec.Token(); err != nil {
			return last
		}
		last = start
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && strings.IndexByte(" \t\r\n,:", data[i]) >= 0 {
		i++
	}
	return i
}

func goTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	case "bool":
		return "true or false"
	case "int", "int64", "float64", "uint", "uint64":
		return "a number"
	}
	return "a " + kind
}

// lineCol converts a byte offset into a 1-based line and column (columns count bytes).
func lineCol(data []byte, off int) (int, int) {
	if off < 0 {
		off = 0
	}
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off + 1
	if i := bytes.LastIndexByte(data[:off], '\n'); i >= 0 {
		col = off - i
	}
	return line, col
}

// findPath returns the byte offset of the value at path (object keys from the top) in a JSON document.
func findPath(data []byte, path []string) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(depth int) (int, bool)
	// skip consumes one value whose first token has been read.
	var skip func(tok json.Token) error
	skip = func(tok json.Token) error {
		d, ok := tok.(json.Delim)
		if !ok || (d != '{' && d != '[') {
			return nil
		}
		for {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			if e, ok := t.(json.Delim); ok && (e == '}' || e == ']') {
				return nil
			}
			if err := skip(t); err != nil {
				return err
			}
		}
	}
	walk = func(depth int) (int, bool) {
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return 0, false
		}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return 0, false
			}
			key, _ := kt.(string)
			if key == path[depth] {
				if depth == len(path)-1 {
					return skipSpace(data, int(dec.InputOffset())), true
				}
				return walk(depth + 1)
			}
			vt, err := dec.Token()
			if err != nil {
				return 0, false
			}
			if err := skip(vt); err != nil {
				return 0, false
			}
		}
		return 0, false
	}
	if len(path) == 0 {
		return 0, true
	}
	return walk(0)
}

// jsonish is a value amplify-cli stores either as JSON or as a string holding JSON (triggers,
// oAuthMetadata, hostedUIProviderMeta, permissions in some versions).
type jsonish struct {
	raw json.RawMessage
}

func (j *jsonish) UnmarshalJSON(b []byte) error {
	j.raw = append(json.RawMessage(nil), b...)
	return nil
}

func (j jsonish) present() bool {
	s := strings.TrimSpace(string(j.raw))
	return s != "" && s != "null" && s != `""`
}

// decode decodes the value, unwrapping one level of JSON-in-a-string. file and path name the value in
// errors; data is the whole file, for the position.
func (j jsonish) decode(file string, data []byte, path []string, v any) error {
	raw := []byte(j.raw)
	var s string
	inString := false
	if json.Unmarshal(raw, &s) == nil {
		raw, inString = []byte(s), true
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		line, col := 0, 0
		if off, ok := findPath(data, path); ok {
			line, col = lineCol(data, off)
		}
		what := "value"
		if inString {
			what = "JSON-encoded string"
		}
		return &FileError{Path: file, Line: line, Col: col, Msg: fmt.Sprintf("%s: the %s does not hold the expected JSON: %v", strings.Join(path, "."), what, err)}
	}
	return nil
}

// flexInt is a number amplify-cli wrote either as a JSON number or as a string ("6").
type flexInt struct {
	n   int
	set bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		v, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return err
		}
		f.n, f.set = int(v), true
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-number", Type: reflect.TypeFor[int]()}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[int]()}
	}
	f.n, f.set = v, true
	return nil
}

// flexBool is a boolean amplify-cli wrote either as true/false or as "true"/"false".
type flexBool struct {
	v, set bool
}

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var v bool
	if err := json.Unmarshal(b, &v); err == nil {
		f.v, f.set = v, true
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			f.v, f.set = true, true
			return nil
		case "false", "":
			f.v, f.set = false, s != ""
			return nil
		}
	}
	if string(b) == "null" {
		return nil
	}
	return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[bool]()}
}

// strList is a list of strings that amplify-cli sometimes wrote as one comma-separated string.
type strList []string

func (l *strList) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*l = list
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if strings.TrimSpace(s) == "" {
			*l = nil
			return nil
		}
		*l = strings.Split(s, ",")
		return nil
	}
	if string(b) == "null" {
		*l = nil
		return nil
	}
	return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[[]string]()}
}

// items splits comma-joined entries (["email, phone_number"]) and trims them; empty entries go.
func (l strList) items() []string {
	var out []string
	for _, e := range l {
		for _, p := range strings.Split(e, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// Package spec loads and validates underhood app specs (app.yaml). It is pure Go: it imports no CDK
// package and never starts Node, so validate, explain and config stay instant.
package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// DefaultStage is used when no stage is given.
const DefaultStage = "dev"

// MaxFileSize bounds what Load reads; real specs are a few KB.
const MaxFileSize = 4 << 20

// Load reads, decodes and validates the spec at path for one stage ("" means DefaultStage).
// Function source folders are resolved relative to the spec's folder.
// On failure the error is Diagnostics listing every problem, sorted by position.
func Load(path, stage string) (*App, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, readFailure(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, Diagnostics{{File: path, Msg: fmt.Sprintf("is a folder, not an app spec; give the spec file in it, e.g. %s", filepath.Join(path, "app.yaml"))}}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, readFailure(path, err)
	}
	return Parse(path, filepath.Dir(path), data, stage)
}

// readFailure is the problem of a spec that cannot be read at all. It has no position (Pos zero): there
// is no line in a file that is not there.
func readFailure(path string, err error) Diagnostics {
	if errors.Is(err, fs.ErrNotExist) {
		return Diagnostics{{File: path, Msg: "no such file; give the path of the app spec (underhood init writes a starter app.yaml)"}}
	}
	return Diagnostics{{File: path, Msg: fmt.Sprintf("cannot read the spec: %v", unwrapPathError(err))}}
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse decodes and validates spec data. name is used in diagnostics; dir is the folder that relative
// paths in the spec (function sources, frontend files) are relative to.
func Parse(name, dir string, data []byte, stage string) (*App, error) {
	return parse(newReporter(name), dir, data, stage)
}

// work counts the steps of one load. Each kind is bounded (the decoder's node budget, the syntax
// re-parse budget, one visit per node to size the aliases), so no input makes loading slow; the tests
// check these counts rather than time a load.
type work struct {
	Nodes       int // values decoded, aliases followed and merged mappings walked; budget maxNodes
	Merged      int // mappings walked through merge keys (<<), each charged to Nodes
	AliasScan   int // nodes visited to size the aliases: each node of the document once
	SyntaxBytes int // bytes re-parsed to find the line of a syntax error; budget syntaxBudget
}

func parse(r *reporter, dir string, data []byte, stage string) (*App, error) {
	fail := func(line int, format string, args ...any) (*App, error) {
		r.at(Pos{line, 1}, "", format, args...)
		return nil, r.diags.sorted()
	}
	if len(data) > MaxFileSize {
		return fail(1, "the file is larger than %d MiB; an app spec is a few kilobytes, so this is probably the wrong file", MaxFileSize>>20)
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return fail(1, "not a text file: an app spec is UTF-8 YAML starting with \"version: 1\"")
	}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fail(1, "the spec is empty; start it with \"version: 1\" and \"app: NAME\" (underhood init writes a starter)")
		}
		return syntaxFail(r, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return fail(extra.Line, "a second YAML document starts here; an app spec is one document: delete it, or merge it into the first and remove the ---")
	} else if !errors.Is(err, io.EOF) {
		return syntaxFail(r, data, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if isNull(root) && root.Value == "" {
		return fail(nodePos(root).Line, "the spec is empty; start it with \"version: 1\" and \"app: NAME\" (underhood init writes a starter)")
	}
	if root.Kind != yaml.MappingNode {
		hint := ""
		if root.Kind == yaml.SequenceNode {
			hint = "; remove the \"- \" in front of the top-level keys"
		}
		r.at(nodePos(root), "", "the spec must be a mapping of keys such as version, app, auth, api; found %s%s", describe(root), hint)
		return nil, r.diags.sorted()
	}
	if alias, size := largestAlias(root, &r.work); size > maxNodes {
		r.at(nodePos(alias), "", "the alias *%s expands to more than %d YAML nodes (aliases nested in aliases, or an alias inside its own anchor); an app spec needs no such nesting: write the value out", alias.Value, maxNodes)
		return nil, r.diags.sorted()
	}

	// The version decides how everything else is read, so it is checked first and alone.
	version, app := topScalar(root, "version"), topScalar(root, "app")
	switch {
	case version == nil:
		r.at(nodePos(root), "version", "missing; add \"version: 1\" as the first line")
		return nil, r.diags.sorted()
	case version.Kind == yaml.ScalarNode && version.Value == "1" && version.ShortTag() == "!!str":
		r.at(nodePos(version), "version", "must be the number 1, not the string \"1\"; write version: 1 without quotes")
		return nil, r.diags.sorted()
	case version.Kind != yaml.ScalarNode || version.Value != "1" || version.ShortTag() != "!!int":
		r.at(nodePos(version), "version", "%s is not a supported version; this underhood reads \"version: 1\"", describe(version))
		return nil, r.diags.sorted()
	}

	if stage == "" {
		stage = DefaultStage
	}
	vars := map[string]string{"stage": stage}
	if app != nil && app.Kind == yaml.ScalarNode {
		vars["app"] = app.Value
	}
	d := &decoder{r: r, vars: vars}
	var raw rawSpec
	d.decode(root, reflect.ValueOf(&raw).Elem(), "", 0)
	if d.stop {
		return nil, r.diags.sorted()
	}
	v := &validator{r: r, raw: &raw, dir: dir}
	model := v.validate(stage)
	if len(r.diags) > 0 {
		return nil, r.diags.sorted()
	}
	// The service quotas need the whole resolved app: checked once everything else holds.
	v.checkQuotas(model)
	if len(r.diags) > 0 {
		return nil, r.diags.sorted()
	}
	return model, nil
}

func topScalar(root *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			if v := root.Content[i+1]; v.Kind == yaml.AliasNode && v.Alias != nil {
				return v.Alias
			}
			return root.Content[i+1]
		}
	}
	return nil
}

// parserProblems are the yaml.v3 messages raised by its parser (not its scanner). yaml.v3 reports their
// line 0-based (one too small), and at the start of the enclosing block rather than at the offending line.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// syntaxHints explain yaml.v3's terse messages in the terms of the usual mistake.
var syntaxHints = map[string]string{
	"did not find expected key":                              "this line is not indented like the lines before it: the keys of one mapping, and the \"- \" of one list, must start in the same column",
	"did not find expected '-' indicator":                    "this line is not indented like the lines before it: the \"- \" of one list must start in the same column",
	"did not find expected ',' or ']'":                       "a [ list on this line is not closed with ], or an item in it needs quotes: quote items that contain { } [ ] , or \": \"",
	"did not find expected ',' or '}'":                       "a { mapping on this line is not closed with }, or a value in it needs quotes: quote values that contain { } [ ] , or \": \"",
	"mapping values are not allowed in this context":         "unexpected \": \"; check the indentation of this line, or quote a value that contains \": \"",
	"found unexpected end of stream":                         "the file ends inside a quoted string; close the quote opened on this line",
	"did not find expected node content":                     "a value is missing or starts with a character YAML reserves; quote the value",
	"found character that cannot start any token":            "a value starts with a character YAML reserves (such as @ or `); quote the value",
	"block sequence entries are not allowed in this context": "a \"- \" list item where a value is expected; put the list on its own lines, indented under its key",
	"exceeded max depth of 10000":                            "values nested more than 10000 levels deep; no app spec nests like this",
	"did not find expected alphabetic or numeric character":  "a * or & starts a YAML alias or anchor, and none follows; quote the value, e.g. schedule: \"cron(0 3 * * ? *)\"",
}

// syntaxFail reports a YAML syntax error at the best position that can be recovered from yaml.v3's message.
func syntaxFail(r *reporter, data []byte, err error) (*App, error) {
	line, msg := 0, err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if parserProblems[msg] {
		line = problemLine(data, line+1, msg, &r.work)
	}
	line = max(line, 1)
	text := lineText(data, line)
	indent := len(text) - len(strings.TrimLeft(text, " \t"))
	if tab := strings.IndexByte(text[:indent], '\t'); tab >= 0 {
		r.at(Pos{line, tab + 1}, "", "YAML syntax error: a tab indents this line; YAML indents with spaces only, so replace the tab with spaces")
		return nil, r.diags.sorted()
	}
	if hint, ok := syntaxHints[msg]; ok {
		msg += " (" + hint + ")"
	}
	r.at(Pos{line, indent + 1}, "", "YAML syntax error: %s", msg)
	return nil, r.diags.sorted()
}

// syntaxBudget bounds the bytes problemLine re-parses in total.
const syntaxBudget = 32 << 20

// problemLine finds the line that makes a parser error happen: yaml.v3 names the start of the enclosing
// block, so parse ever longer prefixes from there until one fails the same way. The work is bounded;
// past the bound the enclosing block's line is the answer.
func problemLine(data []byte, from int, msg string, w *work) int {
	start := 0
	for l := 1; l < from && start < len(data); l++ {
		if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
			start += i + 1
		} else {
			start = len(data)
		}
	}
	spent := 0
	for l, end := from, start; end < len(data) && spent < syntaxBudget; l++ {
		if i := bytes.IndexByte(data[end:], '\n'); i >= 0 {
			end += i + 1
		} else {
			end = len(data)
		}
		spent += end
		w.SyntaxBytes += end
		err := parseAll(data[:end])
		if err != nil && strings.HasSuffix(err.Error(), msg) {
			return l
		}
	}
	return from
}

func parseAll(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func lineText(data []byte, line int) string {
	lines := bytes.SplitN(data, []byte("\n"), line+1)
	if line > len(lines) {
		return ""
	}
	return strings.TrimRight(string(lines[line-1]), "\r")
}

// largestAlias finds the alias that expands to the most nodes, counting what aliases expand to (capped
// just above maxNodes; an alias inside its own anchor counts as endless). Specs with anchors are small,
// so this is linear in the document thanks to memoization.
func largestAlias(root *yaml.Node, w *work) (*yaml.Node, int) {
	const limit = maxNodes + 1
	size := map[*yaml.Node]int{}
	inProgress := map[*yaml.Node]bool{}
	var biggest *yaml.Node
	biggestSize := 0
	var count func(n *yaml.Node) int
	count = func(n *yaml.Node) int {
		if s, ok := size[n]; ok {
			return s
		}
		if inProgress[n] {
			return limit
		}
		inProgress[n] = true
		w.AliasScan++
		total := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			total += count(n.Alias)
		}
		for _, c := range n.Content {
			total = min(total+count(c), limit)
		}
		total = min(total, limit)
		delete(inProgress, n)
		size[n] = total
		if n.Kind == yaml.AliasNode && total > biggestSize {
			biggest, biggestSize = n, total
		}
		return total
	}
	count(root)
	return biggest, biggestSize
}

package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseAWSExports reads the configuration object out of an aws-exports.js file (Amplify Gen 1's, or
// one underhood wrote) without executing it, and returns it as JSON with the keys in file order. It
// reads the object literal assigned to awsmobile (else the first object literal in the file): JSON
// plus what JavaScript allows in a literal, i.e. comments, unquoted keys, single quotes and trailing
// commas. Anything computed (a function call, a variable) is an error naming its line: the file is
// then not one a tool wrote. A .json file (amplifyconfiguration.json) is plain JSON and parses too.
func ParseAWSExports(data []byte) (json.RawMessage, error) {
	p := &jsParser{src: data}
	if m := awsmobileRE.FindIndex(data); m != nil {
		p.pos = m[1]
	}
	p.skip()
	if p.pos >= len(p.src) || p.src[p.pos] != '{' {
		i := bytes.IndexByte(data, '{')
		if i < 0 {
			return nil, fmt.Errorf("no object literal in the file")
		}
		p.pos = i
	}
	var out bytes.Buffer
	if err := p.value(&out, 0); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Keys lists the keys of a JSON object in the order they appear (json.RawMessage keeps it).
func Keys(obj json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

var awsmobileRE = regexp.MustCompile(`\bawsmobile\s*=`)

type jsParser struct {
	src []byte
	pos int
}

const maxJSDepth = 64

func (p *jsParser) errorf(format string, args ...any) error {
	line := 1 + bytes.Count(p.src[:min(p.pos, len(p.src))], []byte("\n"))
	return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...))
}

// skip passes white space and comments.
func (p *jsParser) skip() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case bytes.HasPrefix(p.src[p.pos:], []byte("//")):
			if i := bytes.IndexByte(p.src[p.pos:], '\n'); i >= 0 {
				p.pos += i + 1
			} else {
				p.pos = len(p.src)
			}
		case bytes.HasPrefix(p.src[p.pos:], []byte("/*")):
			if i := bytes.Index(p.src[p.pos+2:], []byte("*/")); i >= 0 {
				p.pos += i + 4
			} else {
				p.pos = len(p.src)
			}
		default:
			return
		}
	}
}

func (p *jsParser) value(out *bytes.Buffer, depth int) error {
	if depth > maxJSDepth {
		return p.errorf("nested too deep")
	}
	p.skip()
	if p.pos >= len(p.src) {
		return p.errorf("the file ends inside the object")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(out, depth)
	case c == '[':
		return p.array(out, depth)
	case c == '"' || c == '\'':
		s, err := p.str()
		if err != nil {
			return err
		}
		return writeJSONString(out, s)
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		for p.pos < len(p.src) && strings.IndexByte("+-.eE0123456789", p.src[p.pos]) >= 0 {
			p.pos++
		}
		num := string(p.src[start:p.pos])
		if _, err := strconv.ParseFloat(num, 64); err != nil {
			return p.errorf("%q is not a number", num)
		}
		out.WriteString(num)
		return nil
	default:
		id := p.ident()
		switch id {
		case "true", "false", "null":
			out.WriteString(id)
			return nil
		case "":
			return p.errorf("unexpected %q", string(c))
		}
		return p.errorf("%s is computed (not a literal value); the file is not a generated configuration", id)
	}
}

func (p *jsParser) object(out *bytes.Buffer, depth int) error {
	return p.items(out, '{', '}', "an object", func() (string, error) {
		var key string
		switch c := p.src[p.pos]; {
		case c == '"' || c == '\'':
			s, err := p.str()
			if err != nil {
				return "", err
			}
			key = s
		default:
			if key = p.ident(); key == "" {
				return "", p.errorf("unexpected %q where a key belongs", string(c))
			}
		}
		p.skip()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return "", p.errorf("key %q is not followed by a colon", key)
		}
		p.pos++
		if err := writeJSONString(out, key); err != nil {
			return "", err
		}
		out.WriteByte(':')
		return fmt.Sprintf("expected , or } after the value of %q", key), p.value(out, depth+1)
	})
}

func (p *jsParser) array(out *bytes.Buffer, depth int) error {
	return p.items(out, '[', ']', "a list", func() (string, error) {
		return "expected , or ] in a list", p.value(out, depth+1)
	})
}

// items parses an object's or a list's items, from its opening bracket open to close, each with item,
// and writes them to out between the brackets, comma-separated. item reads one item and returns what
// to say when the item is followed by neither a comma nor close (a trailing comma is JavaScript).
// inside names the container for a file that ends in it.
func (p *jsParser) items(out *bytes.Buffer, open, close byte, inside string, item func() (notSeparated string, err error)) error {
	p.pos++ // open
	out.WriteByte(open)
	first := true
	for {
		p.skip()
		if p.pos >= len(p.src) {
			return p.errorf("the file ends inside %s", inside)
		}
		if p.src[p.pos] == close {
			p.pos++
			out.WriteByte(close)
			return nil
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		notSeparated, err := item()
		if err != nil {
			return err
		}
		p.skip()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
		} else if p.pos < len(p.src) && p.src[p.pos] != close {
			return p.errorf("%s", notSeparated)
		}
	}
}

func (p *jsParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (p.pos > start && c >= '0' && c <= '9') {
			p.pos++
			continue
		}
		break
	}
	return string(p.src[start:p.pos])
}

// str reads a quoted string with JavaScript's escapes.
func (p *jsParser) str() (string, error) {
	quote := p.src[p.pos]
	p.pos++
	var sb strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return sb.String(), nil
		case c == '\n':
			return "", p.errorf("a string is not closed on its line")
		case c == '\\':
			if p.pos+1 >= len(p.src) {
				return "", p.errorf("the file ends inside a string")
			}
			e := p.src[p.pos+1]
			p.pos += 2
			switch e {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case 'r':
				sb.WriteByte('\r')
			case 'b':
				sb.WriteByte('\b')
			case 'f':
				sb.WriteByte('\f')
			case 'u':
				if p.pos+4 > len(p.src) {
					return "", p.errorf("a \\u escape is cut short")
				}
				n, err := strconv.ParseUint(string(p.src[p.pos:p.pos+4]), 16, 32)
				if err != nil {
					return "", p.errorf("bad \\u escape")
				}
				sb.WriteRune(rune(n))
				p.pos += 4
			default:
				sb.WriteByte(e) // \" \' \\ \/ and JavaScript's identity escapes
			}
		default:
			r, size := utf8.DecodeRune(p.src[p.pos:])
			sb.WriteRune(r)
			p.pos += size
		}
	}
	return "", p.errorf("the file ends inside a string")
}

func writeJSONString(out *bytes.Buffer, s string) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	out.Truncate(out.Len() - 1)
	return nil
}

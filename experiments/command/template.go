package command

import (
	"fmt"
	"strings"
)

// Template is one string with {name} placeholders. {{ and }} stand for
// literal braces. A name is one or more characters other than braces,
// spaces and quotes; its meaning is the caller's (Expand asks a lookup
// function).
type Template struct {
	parts []part
}

type part struct {
	lit    string // literal text (when name is "")
	name   string
	offset int // byte offset of the placeholder's '{' in the source
}

// Placeholder is one {name} of a template and where it starts (the byte
// offset of its '{').
type Placeholder struct {
	Name   string
	Offset int
}

// SyntaxError is a malformed template: an unclosed '{', a lone '}', an
// empty or ill-formed name. Offset is the byte offset of the problem.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return e.Msg }

// ParseTemplate parses s.
func ParseTemplate(s string) (Template, error) {
	var t Template
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{':
			if i+1 < len(s) && s[i+1] == '{' {
				lit.WriteByte('{')
				i++
				continue
			}
			end := strings.IndexByte(s[i+1:], '}')
			if end < 0 {
				return Template{}, &SyntaxError{i, "unclosed '{' (write {{ for a literal brace)"}
			}
			name := s[i+1 : i+1+end]
			if name == "" {
				return Template{}, &SyntaxError{i, "empty placeholder {} (write {{}} for literal braces)"}
			}
			if j := strings.IndexAny(name, "{ \t\n\"'"); j >= 0 {
				return Template{}, &SyntaxError{i, fmt.Sprintf("placeholder {%s is not closed before %q (write {{ for a literal brace)", name[:j], name[j])}
			}
			flush()
			t.parts = append(t.parts, part{name: name, offset: i})
			i += end + 1
		case '}':
			if i+1 < len(s) && s[i+1] == '}' {
				lit.WriteByte('}')
				i++
				continue
			}
			return Template{}, &SyntaxError{i, "lone '}' (write }} for a literal brace)"}
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return t, nil
}

// Placeholders returns the template's placeholders in order.
func (t Template) Placeholders() []Placeholder {
	var out []Placeholder
	for _, p := range t.parts {
		if p.name != "" {
			out = append(out, Placeholder{p.name, p.offset})
		}
	}
	return out
}

// Expand returns the template with every placeholder replaced by
// lookup's value; a name lookup does not know is an error.
func (t Template) Expand(lookup func(name string) (string, bool)) (string, error) {
	if len(t.parts) == 1 && t.parts[0].name == "" {
		return t.parts[0].lit, nil
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.lit)
			continue
		}
		v, ok := lookup(p.name)
		if !ok {
			return "", fmt.Errorf("unknown placeholder {%s}", p.name)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

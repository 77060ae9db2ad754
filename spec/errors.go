package spec

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// FieldError is a problem with one field of a spec, positioned in the spec
// file when the position is known. Error returns
// "file:line:col: field: message", leaving out the parts that are unknown.
type FieldError struct {
	File      string // spec file ("" when read from a reader without a name)
	Line, Col int    // 1-based; 0 when unknown
	Field     string // dotted path, e.g. "loss.terms[1].weight"; "" for the whole spec
	Value     string // the offending value as written, when there is one
	Err       error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid value")
	}
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// Errorf returns a *FieldError for field, positioned where that field (or,
// when it was not written in the file, its nearest written parent) stands
// in the spec file. Code that finds a problem after decoding, such as a
// missing CSV column, uses it so the message still names file, line and
// column. The format supports %w.
func (s *Spec) Errorf(field string, format string, args ...any) error {
	return s.fieldErr(field, "", fmt.Errorf(format, args...))
}

func (s *Spec) fieldErr(field, value string, err error) *FieldError {
	p := s.posOf(field)
	return &FieldError{File: s.File, Line: p.Line, Col: p.Col, Field: field, Value: value, Err: err}
}

// posOf returns the position of field or of its nearest recorded parent.
func (s *Spec) posOf(field string) Pos {
	for f := field; ; f = parentField(f) {
		if p, ok := s.Pos[f]; ok {
			return p
		}
		if f == "" {
			return Pos{}
		}
	}
}

// parentField returns the path one level up: "a.b[2]" → "a.b",
// "a.b" → "a", "a" → "".
func parentField(f string) string {
	if strings.HasSuffix(f, "]") {
		if i := strings.LastIndexByte(f, '['); i >= 0 {
			return f[:i]
		}
	}
	if i := strings.LastIndexByte(f, '.'); i >= 0 {
		return f[:i]
	}
	return ""
}

// joinField appends key to the dotted path.
func joinField(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexField(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// isWithin reports whether field is path itself or lies below it.
func isWithin(field, path string) bool {
	if path == "" || field == path {
		return true
	}
	return strings.HasPrefix(field, path) && (field[len(path)] == '.' || field[len(path)] == '[')
}

// joinErrors sorts errs by position (file order; unpositioned ones last,
// keeping their relative order) and returns nil, the one error, or all of
// them joined, one per line.
func joinErrors(errs []*FieldError) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	slices.SortStableFunc(errs, func(a, b *FieldError) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// oneOf formats an "unknown X" message with a suggestion for a near miss
// and the valid choices in their documented order.
func oneOf(what, got string, valid []string) error {
	if s := suggest(got, valid); s != "" {
		return fmt.Errorf("%s, did you mean %q? (valid: %s)", what, s, strings.Join(valid, ", "))
	}
	return fmt.Errorf("%s (valid: %s)", what, strings.Join(valid, ", "))
}

// suggest returns the choice closest to got when it is a plausible typo
// (same letters in another case, or at most two edits away on a word long
// enough for that to mean something), or "".
func suggest(got string, choices []string) string {
	best, bestD := "", 3
	for _, c := range choices {
		if strings.EqualFold(c, got) {
			return c
		}
		d := editDistance(strings.ToLower(got), c)
		if d < bestD && d*3 <= len(c) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and adjacent transpositions.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 30 // not a typo of a key; don't spend time on it
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Suggest returns the choice closest to got when got is a plausible typo of
// it (see suggest), or "". The command line uses it for setting names.
func Suggest(got string, choices []string) string { return suggest(got, choices) }

// IndexField returns the field of item i of the list at path: "loss.terms[1]".
func IndexField(path string, i int) string { return indexField(path, i) }

package command

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
)

// MaxLine bounds one line of metrics.jsonl.
const MaxLine = 1 << 20

// Report is what a trainer wrote to metrics.jsonl.
type Report struct {
	// Epochs are the lines with an "epoch" key, in file order.
	Epochs []Line
	// Final is the line with "final": true (nil when there is none).
	Final *Line
	// Lines is the number of lines read.
	Lines int
}

// Line is one reported line: its number (1-based) and its values.
type Line struct {
	No int
	// Values maps every key with a number to it. Python's NaN, Infinity
	// and -Infinity and JSON null are NaN, +Inf, −Inf and NaN.
	Values map[string]float64
	// Other holds the keys whose value is not a number (strings,
	// booleans, lists, objects) as raw JSON, for messages.
	Other map[string]string
}

// LineError is a problem on one line of metrics.jsonl.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ParseMetrics reads the metrics.jsonl protocol: one JSON object per
// line; blank lines are skipped. A line with "final": true holds the
// run's metrics (at most one such line); a line with "epoch" (a number)
// is a curve point. Other lines are allowed and ignored. The first
// malformed line ends the parse with a *LineError: invalid JSON, a value
// of "final" or "epoch" of the wrong type, a second final line, a line
// longer than MaxLine.
func ParseMetrics(r io.Reader) (*Report, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	rep := &Report{}
	no := 0
	for sc.Scan() {
		no++
		rep.Lines = no
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		ln, final, epoch, err := parseLine(b)
		if err != nil {
			return rep, &LineError{no, err}
		}
		ln.No = no
		if final {
			if rep.Final != nil {
				return rep, &LineError{no, fmt.Errorf(`a second line with "final": true (the first is line %d)`, rep.Final.No)}
			}
			rep.Final = &ln
		}
		if epoch {
			rep.Epochs = append(rep.Epochs, ln)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return rep, &LineError{no + 1, fmt.Errorf("longer than %d bytes", MaxLine)}
		}
		return rep, err
	}
	return rep, nil
}

// parseLine decodes one object.
func parseLine(b []byte) (ln Line, final, epoch bool, err error) {
	if b[0] != '{' {
		return ln, false, false, errors.New("invalid JSON: want an object {…}")
	}
	dec := json.NewDecoder(bytes.NewReader(quoteNonFinite(b)))
	dec.UseNumber()
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		return ln, false, false, fmt.Errorf("invalid JSON: %v", jsonMsg(err))
	}
	if dec.More() {
		return ln, false, false, errors.New("invalid JSON: text after the object")
	}
	ln.Values = make(map[string]float64, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		raw := m[k]
		if k == "final" {
			var f bool
			if json.Unmarshal(raw, &f) != nil {
				return ln, false, false, fmt.Errorf(`"final" must be true or false, got %s`, raw)
			}
			final = f
			continue
		}
		v, ok := number(raw)
		if !ok {
			if ln.Other == nil {
				ln.Other = map[string]string{}
			}
			ln.Other[k] = string(raw)
			if k == "epoch" {
				return ln, false, false, fmt.Errorf(`"epoch" must be a number, got %s`, raw)
			}
			continue
		}
		ln.Values[k] = v
		if k == "epoch" {
			epoch = true
		}
	}
	return ln, final, epoch, nil
}

// number decodes a JSON number, null (NaN) or one of the quoted
// non-finite tokens quoteNonFinite wrote.
func number(raw json.RawMessage) (float64, bool) {
	switch string(raw) {
	case "null", nanTok:
		return math.NaN(), true
	case infTok:
		return math.Inf(1), true
	case negInfTok:
		return math.Inf(-1), true
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	f, err := n.Float64()
	if err != nil { // out of float64 range: ±Inf
		if len(n) > 0 && n[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	return f, true
}

// The quoted forms of Python's non-finite tokens as quoteNonFinite writes
// them (raw JSON); the escaped NUL keeps a string the trainer wrote from
// being taken for one.
const (
	nanTok    = `"\u0000NaN"`
	infTok    = `"\u0000Infinity"`
	negInfTok = `"-\u0000Infinity"`
)

// quoteNonFinite rewrites the bare tokens NaN, Infinity and -Infinity
// that Python's json module writes (outside strings) as strings that
// number recognizes. Other text is copied unchanged.
func quoteNonFinite(b []byte) []byte {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	inStr, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			out = append(out, c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch {
		case c == '"':
			inStr = true
			out = append(out, c)
		case bytes.HasPrefix(b[i:], []byte("NaN")):
			out = append(out, nanTok...)
			i += 2
		case bytes.HasPrefix(b[i:], []byte("-Infinity")):
			out = append(out, negInfTok...)
			i += 8
		case bytes.HasPrefix(b[i:], []byte("Infinity")):
			out = append(out, infTok...)
			i += 7
		default:
			out = append(out, c)
		}
	}
	return out
}

func jsonMsg(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (column %d)", se, se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "the line ends inside the object (truncated?)"
	}
	return err.Error()
}

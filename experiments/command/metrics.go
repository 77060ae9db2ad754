package command

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/lossterms"
)

// MaxLine bounds one line of metrics.jsonl.
const MaxLine = 1 << 20

// MaxEpochs bounds the epoch lines a Report holds: beyond it the curve
// is thinned evenly (Report.Stride), so that memory stays flat however
// many lines a trainer writes.
const MaxEpochs = 10000

// The reserved keys of the protocol.
const (
	keyEpoch = "epoch"
	keyFinal = "final"
)

// Report is what a trainer wrote to metrics.jsonl.
type Report struct {
	// Epochs are the lines with an "epoch" key, in file order: all of
	// them up to MaxEpochs, else every Stride-th from the first, and the
	// last.
	Epochs []Line
	// EpochLines is the number of epoch lines read (len(Epochs) unless
	// thinned); Stride is 1 unless thinned.
	EpochLines, Stride int
	// NonFinite is the first epoch line on which one of the keys
	// ParseMetrics was asked to watch is NaN or ±Inf (nil when none),
	// whether or not thinning kept it.
	NonFinite *Line
	// Final is the line with "final": true (nil when there is none).
	Final *Line
	// Lines is the number of lines read.
	Lines int
}

// Thinned reports whether the epoch lines were thinned.
func (r *Report) Thinned() bool { return r.Stride > 1 }

// Line is one reported line: its number (1-based) and its values.
type Line struct {
	No int
	// Values maps every key but "final" to its number. Python's NaN,
	// Infinity and -Infinity and JSON null are NaN, +Inf, −Inf and NaN.
	Values map[string]float64
}

// LineError is a problem on one line of metrics.jsonl.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Options tunes ParseMetricsWith.
type Options struct {
	// Watch names the keys whose first non-finite value on an epoch line
	// is reported (Report.NonFinite).
	Watch []string
	// Curve, when not empty, names the only keys (besides "epoch") that
	// the kept epoch lines hold, so that the memory of a report is
	// bounded by MaxEpochs × len(Curve) however wide the lines.
	Curve []string
}

// ParseMetrics reads the metrics.jsonl protocol: one JSON object per
// line; blank lines are skipped. A line with "final": true holds the
// run's metrics (at most one such line); a line with "epoch" is a curve
// point. On these two kinds of line every key is a metric name
// (CheckMetricName) holding a JSON number (NaN, Infinity, -Infinity and
// null are accepted; a quoted "0.9" is not a number); "epoch" is a whole
// number ≥ 1, larger than the epoch before it, and "epochs_run" a whole
// number ≥ 0. Other lines are allowed and ignored. No line may hold a key
// twice. The first malformed line ends the parse with a *LineError:
// invalid JSON, a broken rule above, a second final line, a line longer
// than MaxLine.
func ParseMetrics(r io.Reader) (*Report, error) { return ParseMetricsWith(r, Options{}) }

// ParseMetricsWith is ParseMetrics with options.
func ParseMetricsWith(r io.Reader, opt Options) (*Report, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	rep := &Report{Stride: 1}
	var th thinner
	defer func() { rep.Epochs, rep.EpochLines, rep.Stride = th.lines() }()
	prev := Line{} // the last epoch line
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
		if !epoch {
			continue
		}
		if e, p := ln.Values[keyEpoch], prev.Values[keyEpoch]; prev.No > 0 && e <= p {
			return rep, &LineError{no, fmt.Errorf(`"epoch" must increase from line to line: %s after %s (line %d)`, fmtNum(e), fmtNum(p), prev.No)}
		}
		prev = ln
		if rep.NonFinite == nil && nonFinite(ln, opt.Watch) {
			rep.NonFinite = &ln
		}
		th.add(pick(ln, opt.Curve))
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return rep, &LineError{no + 1, fmt.Errorf("longer than %d bytes", MaxLine)}
		}
		return rep, err
	}
	return rep, nil
}

// nonFinite reports whether one of keys is NaN or ±Inf on ln.
func nonFinite(ln Line, keys []string) bool {
	for _, k := range keys {
		if v, ok := ln.Values[k]; ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			return true
		}
	}
	return false
}

// pick returns ln holding only "epoch" and the keys named (ln itself when
// none are named).
func pick(ln Line, keys []string) Line {
	if len(keys) == 0 {
		return ln
	}
	out := Line{No: ln.No, Values: make(map[string]float64, len(keys)+1)}
	out.Values[keyEpoch] = ln.Values[keyEpoch]
	for _, k := range keys {
		if v, ok := ln.Values[k]; ok {
			out.Values[k] = v
		}
	}
	return out
}

// thinner holds at most MaxEpochs epoch lines of a stream of any length:
// every stride-th line from the first (stride doubles each time the kept
// lines would pass the bound) and the last one.
type thinner struct {
	kept   []Line
	last   Line
	n      int // lines added
	stride int
}

func (t *thinner) add(ln Line) {
	if t.stride == 0 {
		t.stride = 1
	}
	if t.n > 0 && (t.n-1)%t.stride == 0 {
		t.kept = append(t.kept, t.last)
		if len(t.kept) >= MaxEpochs { // with the last line, one too many
			half := (len(t.kept) + 1) / 2
			for j := 0; j < half; j++ {
				t.kept[j] = t.kept[2*j]
			}
			clear(t.kept[half:])
			t.kept = t.kept[:half]
			t.stride *= 2
		}
	}
	t.last = ln
	t.n++
}

// lines returns the kept lines, how many were added and the stride.
func (t *thinner) lines() ([]Line, int, int) {
	if t.n == 0 {
		return nil, 0, 1
	}
	return append(t.kept, t.last), t.n, max(t.stride, 1)
}

// member is one key of a line and its raw value.
type member struct {
	key string
	raw json.RawMessage
}

// parseLine decodes one object and checks it against the protocol.
func parseLine(b []byte) (ln Line, final, epoch bool, err error) {
	if b[0] != '{' {
		return ln, false, false, errors.New("invalid JSON: want an object {…}")
	}
	ms, err := members(quoteNonFinite(b))
	if err != nil {
		return ln, false, false, err
	}
	for _, m := range ms {
		switch m.key {
		case keyFinal:
			if json.Unmarshal(m.raw, &final) != nil {
				return ln, false, false, fmt.Errorf(`"final" must be true or false, got %s`, shown(m.raw))
			}
		case keyEpoch:
			epoch = true
		}
	}
	if !final && !epoch {
		return ln, false, false, nil // not the protocol's: ignored
	}
	ln.Values = make(map[string]float64, len(ms))
	for _, m := range ms {
		if m.key == keyFinal {
			continue
		}
		if err := CheckMetricName(m.key); err != nil {
			return ln, false, false, fmt.Errorf("key %v", err)
		}
		v, err := number(m.key, m.raw)
		if err != nil {
			return ln, false, false, err
		}
		ln.Values[m.key] = v
	}
	return ln, final, epoch, nil
}

// members decodes the members of one JSON object in order, refusing a
// key that appears twice and text after the object. The object is
// decoded whole first, so that a syntax error names its column as the
// decoder counts it.
func members(b []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", jsonMsg(err))
	}
	if dec.More() {
		return nil, errors.New("invalid JSON: text after the object")
	}
	ms := make([]member, 0, len(m))
	seen := make(map[string]bool, len(m))
	dec = json.NewDecoder(bytes.NewReader(b))
	dec.Token() // '{'
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err) // valid above: not reached
		}
		k, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		if seen[k] {
			return nil, fmt.Errorf("key %q appears twice", k)
		}
		seen[k] = true
		ms = append(ms, member{k, m[k]})
	}
	return ms, nil
}

// number decodes the value of key: a JSON number, null (NaN) or one of
// the quoted non-finite tokens quoteNonFinite wrote; "epoch" must be a
// whole number ≥ 1, "epochs_run" one ≥ 0.
func number(key string, raw json.RawMessage) (float64, error) {
	var v float64
	switch s := string(raw); {
	case s == "null" || s == nanTok:
		v = math.NaN()
	case s == infTok:
		v = math.Inf(1)
	case s == negInfTok:
		v = math.Inf(-1)
	case s[0] == '-' || s[0] >= '0' && s[0] <= '9':
		// A JSON number (the decoder checked its syntax); out of range
		// it is ±Inf.
		v, _ = strconv.ParseFloat(s, 64)
	default:
		return 0, fmt.Errorf("%q must be a JSON number, got %s (%s)", key, shown(raw), jsonKind(raw))
	}
	whole := !math.IsInf(v, 0) && v == math.Trunc(v) && math.Abs(v) <= 1<<53
	switch {
	case key == keyEpoch && (!whole || v < 1):
		return 0, fmt.Errorf(`"epoch" must be a whole number >= 1 (1, 2, …), got %s`, shown(raw))
	case key == lossterms.EpochsRun && (!whole || v < 0):
		return 0, fmt.Errorf(`%q must be a whole number >= 0, got %s`, key, shown(raw))
	}
	return v, nil
}

// jsonKind names the kind of a JSON value that is not a number.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "a string: write numbers without quotes"
	case 't', 'f':
		return "a boolean"
	case '[':
		return "a list"
	}
	return "an object"
}

// shown returns a raw value as the trainer wrote it (the non-finite
// tokens back in their bare form), clipped to 60 bytes.
func shown(raw json.RawMessage) string {
	s := strings.NewReplacer(negInfTok, "-Infinity", infTok, "Infinity", nanTok, "NaN").Replace(string(raw))
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:60], "") + "…"
	}
	return s
}

// fmtNum formats a number for a message.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

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

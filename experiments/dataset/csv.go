package dataset

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/internal/saferead"
)

// CSVOptions say how to read a CSV file into a Table.
type CSVOptions struct {
	// Target is the label column (required).
	Target string
	// Task is "classification" (also when empty) or "regression".
	Task string
	// Features are the feature columns, in this order. Empty means every
	// column but the target and the group (the group too when it is listed
	// in Categorical), in header order.
	Features []string
	// Categorical are the features kept as strings (one-hot encoded by
	// Prepare); each must be among the features.
	Categorical []string
	// Missing says what to do with a row whose used cells are empty or
	// "?": "error" (also when empty) or "drop".
	Missing string
	// Group is the sensitive-attribute column, or "" for none.
	Group string
	// AuxTargets are numeric columns kept as auxiliary targets (the aux
	// term), never as features.
	AuxTargets []string
	// Sequence, when not nil, says the file is in long format, one row
	// per frame (the temporal term); see SequenceOptions.
	Sequence *SequenceOptions
	// Image, when not nil, says the features are the pixels of an image
	// and builds a restoration task from them (the perceptual term); see
	// ImageOptions.
	Image *ImageOptions
	// Known, when not nil, is the table of the training file this file is
	// the test split of: its classes, groups and categorical levels are
	// the valid ones (see Unseen), and the columns must be the same.
	Known *Table
	// Unseen says what a categorical level of a Known (test) file that
	// the training file lacks becomes: "error" (also when empty) or
	// "zero" (encoded as all zeros, counted in Table.Warnings).
	Unseen string

	// SizeHint, when > 0, is the size of the file in bytes: after its
	// first rows the reader reserves room for the rows the rest of the
	// file holds at the same bytes per row, instead of growing its slices
	// (each growth holds the old copy and the new at once).
	SizeHint int64

	// sniff marks SniffCSV's read of a file's first rows: a sample may
	// hold a single class, or a sequence's first frames only.
	sniff bool
}

// CSVError reports a bad cell or row of a CSV file.
type CSVError struct {
	File   string
	Row    int    // 1-based line number in the file (the header is line 1)
	Column string // "" when the error concerns the whole row
	Value  string // the offending cell, if any
	Err    error
}

func (e *CSVError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s: row %d: %v", e.File, e.Row, e.Err)
	}
	return fmt.Sprintf("%s: row %d, column %s: %v", e.File, e.Row, quoteCell(e.Column), e.Err)
}

func (e *CSVError) Unwrap() error { return e.Err }

// ErrMissingValue is wrapped by the CSVError for an empty or "?" cell when
// missing values are errors.
var ErrMissingValue = errors.New("dataset: missing value")

// missingValueError is the readable form of ErrMissingValue for one cell.
type missingValueError struct{ value string }

func (e missingValueError) Error() string {
	return fmt.Sprintf("missing value %s (use missing: drop to skip rows with missing values)", quoteCell(e.value))
}

func (e missingValueError) Is(target error) bool { return target == ErrMissingValue }

// ParseTask turns a spec's task name into a Task: "" and "classification"
// are Classification, "regression" is Regression.
func ParseTask(s string) (Task, error) {
	switch s {
	case "", "classification":
		return Classification, nil
	case "regression":
		return Regression, nil
	}
	return 0, fmt.Errorf("unknown task %q (valid: classification, regression)", s)
}

// LoadCSV reads the CSV file at path; see ReadCSV. Only a regular file is
// read (a named pipe or a device is refused, saferead.Open), and the read
// stops with context.Cause(ctx) once ctx is done.
func LoadCSV(ctx context.Context, path string, opt CSVOptions) (*Table, error) {
	f, err := saferead.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() // read-only: a close error cannot lose data
	return ReadCSV(saferead.Reader(ctx, f), path, opt)
}

// isMissing reports whether a (trimmed) cell counts as missing.
func isMissing(s string) bool { return s == "" || s == "?" }

// ReadCSV parses CSV data with a header row into a Table. file names the
// data in error messages. Numeric cells must be finite numbers;
// categorical features, classification labels and group values are kept
// as text. Errors about a cell or row are *CSVError values.
func ReadCSV(r io.Reader, file string, opt CSVOptions) (*Table, error) {
	task, err := ParseTask(opt.Task)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	drop := false
	switch opt.Missing {
	case "", "error":
	case "drop":
		drop = true
	default:
		return nil, fmt.Errorf("%s: unknown missing policy %q (valid: error, drop)", file, opt.Missing)
	}

	h := sha256.New()
	cr := csv.NewReader(io.TeeReader(r, h))
	cr.FieldsPerRecord = -1 // row widths are checked below, with names
	cr.ReuseRecord = true

	rec, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file (a header row is required)", file)
	}
	if err != nil {
		return nil, csvReadError(file, err)
	}
	names := make([]string, len(rec))
	for i, s := range rec {
		names[i] = strings.TrimSpace(strings.Clone(s))
	}
	names[0] = strings.TrimSpace(strings.TrimPrefix(names[0], "\ufeff"))
	// Trailing unnamed header fields (a header line ending in commas) are
	// tolerated; data rows may then have or lack the matching empty cells.
	width := len(names)
	for width > 0 && names[width-1] == "" {
		width--
	}
	names = names[:width]
	if width == 0 {
		return nil, fmt.Errorf("%s: the header row has no column names", file)
	}
	fullWidth := len(rec)
	col := make(map[string]int, width)
	for i, n := range names {
		if n == "" {
			return nil, &CSVError{File: file, Row: 1, Err: fmt.Errorf("header field %d has no name", i+1)}
		}
		if j, dup := col[n]; dup {
			return nil, &CSVError{File: file, Row: 1, Column: n, Err: fmt.Errorf("column name appears twice (fields %d and %d)", j+1, i+1)}
		}
		col[n] = i
	}
	cols := func() string { return strings.Join(names, ", ") }

	// Resolve the used columns.
	if opt.Target == "" {
		return nil, fmt.Errorf("%s: no target column given (columns: %s)", file, cols())
	}
	target, ok := col[opt.Target]
	if !ok {
		return nil, fmt.Errorf("%s: target column %q not found (columns: %s)", file, opt.Target, cols())
	}
	group := -1
	if opt.Group != "" {
		if group, ok = col[opt.Group]; !ok {
			return nil, fmt.Errorf("%s: group column %q not found (columns: %s)", file, opt.Group, cols())
		}
		if group == target {
			return nil, fmt.Errorf("%s: column %q cannot be both target and group", file, opt.Group)
		}
	}
	var aux []int
	for _, a := range opt.AuxTargets {
		i, ok := col[a]
		switch {
		case !ok:
			return nil, fmt.Errorf("%s: auxiliary target column %q not found (columns: %s)", file, a, cols())
		case i == target:
			return nil, fmt.Errorf("%s: column %q cannot be both target and auxiliary target", file, a)
		case i == group:
			return nil, fmt.Errorf("%s: column %q cannot be both group and auxiliary target", file, a)
		case slices.Contains(aux, i):
			return nil, fmt.Errorf("%s: auxiliary target column %q is listed twice", file, a)
		}
		aux = append(aux, i)
	}
	seqCol, ordCol := -1, -1
	if sq := opt.Sequence; sq != nil {
		for _, c := range []struct {
			role, name string
			dst        *int
		}{{"sequence id", sq.ID, &seqCol}, {"sequence order", sq.Order, &ordCol}} {
			i, ok := col[c.name]
			switch {
			case c.name == "":
				return nil, fmt.Errorf("%s: no %s column given", file, c.role)
			case !ok:
				return nil, fmt.Errorf("%s: %s column %q not found (columns: %s)", file, c.role, c.name, cols())
			case i == target:
				return nil, fmt.Errorf("%s: column %q cannot be both target and %s", file, c.name, c.role)
			case i == group:
				return nil, fmt.Errorf("%s: column %q cannot be both group and %s", file, c.name, c.role)
			case slices.Contains(aux, i):
				return nil, fmt.Errorf("%s: column %q cannot be both auxiliary target and %s", file, c.name, c.role)
			}
			*c.dst = i
		}
		if seqCol == ordCol {
			return nil, fmt.Errorf("%s: column %q cannot be both sequence id and sequence order", file, sq.ID)
		}
	}
	var feats []int
	if len(opt.Features) == 0 {
		// The group column is left out unless it is listed as categorical;
		// auxiliary targets are never features.
		for i, n := range names {
			if i != target && !slices.Contains(aux, i) && i != seqCol && i != ordCol && (i != group || slices.Contains(opt.Categorical, n)) {
				feats = append(feats, i)
			}
		}
	} else {
		seen := make(map[int]bool, len(opt.Features))
		for _, f := range opt.Features {
			i, ok := col[f]
			switch {
			case !ok:
				return nil, fmt.Errorf("%s: feature column %q not found (columns: %s)", file, f, cols())
			case i == target:
				return nil, fmt.Errorf("%s: column %q cannot be both target and feature", file, f)
			case slices.Contains(aux, i):
				return nil, fmt.Errorf("%s: column %q cannot be both auxiliary target and feature", file, f)
			case seen[i]:
				return nil, fmt.Errorf("%s: feature column %q is listed twice", file, f)
			case i == seqCol || i == ordCol:
				return nil, fmt.Errorf("%s: column %q cannot be both sequence column and feature", file, f)
			}
			seen[i] = true
			feats = append(feats, i)
		}
	}
	if len(feats) == 0 {
		return nil, fmt.Errorf("%s: no feature columns (columns: %s)", file, cols())
	}
	isCat := make(map[int]bool, len(opt.Categorical))
	for _, c := range opt.Categorical {
		i, ok := col[c]
		if !ok {
			return nil, fmt.Errorf("%s: categorical column %q not found (columns: %s)", file, c, cols())
		}
		if !slices.Contains(feats, i) {
			return nil, fmt.Errorf("%s: categorical column %q is not among the features", file, c)
		}
		isCat[i] = true
	}
	var numCols, catCols []int
	t := &Table{Name: file, Task: task, Columns: width}
	for _, i := range feats {
		if isCat[i] {
			catCols = append(catCols, i)
			t.CatNames = append(t.CatNames, names[i])
		} else {
			numCols = append(numCols, i)
			t.NumNames = append(t.NumNames, names[i])
		}
	}
	used := slices.Clone(feats)
	used = append(used, target)
	if group >= 0 && !slices.Contains(used, group) {
		used = append(used, group)
	}
	used = append(used, aux...)
	if seqCol >= 0 {
		used = append(used, seqCol, ordCol)
	}
	for _, i := range aux {
		t.AuxNames = append(t.AuxNames, names[i])
	}

	// Categorical values, labels and groups repeat a lot: rows store small
	// indices into per-column sets of distinct texts, and the string slices
	// are built once at the end (fewer pointers for the GC to chase while
	// reading).
	cats := make([]labelSet, len(catCols))
	var catIdx []int32
	var labels labelSet
	var groups labelSet
	var yIdx, gIdx []int32
	var seqs seqReader
	var badPixel error // the first pixel outside [0, max]
	kn, err := newKnownLevels(opt, t.CatNames)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}

	cellErr := func(c int, v string, err error) error {
		line, _ := cr.FieldPos(c)
		return &CSVError{File: file, Row: line, Column: names[c], Value: v, Err: err}
	}
	parseNum := func(c int, v string) (float64, error) {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, cellErr(c, v, fmt.Errorf("value %s is not a number", quoteCell(v)))
		}
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, cellErr(c, v, fmt.Errorf("value %s is not a finite number", quoteCell(v)))
		}
		return x, nil
	}

rows:
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvReadError(file, err)
		}
		if len(rec) != width && len(rec) != fullWidth {
			line, _ := cr.FieldPos(0)
			return nil, &CSVError{File: file, Row: line, Err: fmt.Errorf("row has %d fields, the header has %d", len(rec), width)}
		}
		for c := width; c < len(rec); c++ {
			if v := strings.TrimSpace(rec[c]); v != "" {
				line, _ := cr.FieldPos(c)
				return nil, &CSVError{File: file, Row: line, Value: v, Err: fmt.Errorf("value %s in unnamed field %d", quoteCell(v), c+1)}
			}
		}
		for _, c := range used {
			if v := strings.TrimSpace(rec[c]); isMissing(v) {
				if drop {
					t.Dropped++
					continue rows
				}
				return nil, cellErr(c, v, missingValueError{v})
			}
		}
		for _, c := range numCols {
			x, err := parseNum(c, strings.TrimSpace(rec[c]))
			if err != nil {
				var ce *CSVError
				if errors.As(err, &ce) && isText(ce.Value) {
					ce.Err = fmt.Errorf("%w: column %s holds text; list it under dataset.categorical to one-hot encode it, or leave it out of dataset.features", ce.Err, quoteCell(names[c]))
				}
				return nil, err
			}
			if im := opt.Image; im != nil && badPixel == nil && !(x >= 0 && x <= im.Max) {
				// Reported once the image options are known to be sound.
				badPixel = cellErr(c, strings.TrimSpace(rec[c]), fmt.Errorf("pixel value %v is outside [0, %v] (image max)", x, im.Max))
			}
			t.NumX = append(t.NumX, x)
		}
		for k, c := range catCols {
			v := strings.TrimSpace(rec[c])
			if kn != nil && !kn.cat(k, v) {
				line, _ := cr.FieldPos(c)
				if err := kn.unseen(file, line, names[c], v); err != nil {
					return nil, err
				}
			}
			catIdx = append(catIdx, cats[k].index(v))
		}
		if seqCol >= 0 {
			line, _ := cr.FieldPos(ordCol)
			if err := seqs.add(strings.TrimSpace(rec[seqCol]), strings.TrimSpace(rec[ordCol]), line); err != nil {
				return nil, cellErr(ordCol, strings.TrimSpace(rec[ordCol]), err)
			}
		}
		v := strings.TrimSpace(rec[target])
		if task == Regression {
			x, err := parseNum(target, v)
			if err != nil {
				var ce *CSVError
				if errors.As(err, &ce) {
					ce.Err = fmt.Errorf("%w (task regression needs a numeric target)", ce.Err)
				}
				return nil, err
			}
			t.Y = append(t.Y, x)
		} else {
			if kn != nil && !slices.Contains(kn.classes, v) {
				return nil, cellErr(target, v, fmt.Errorf("class %s does not occur in the training file %s (its classes: %s)", quoteCell(v), opt.Known.Name, strings.Join(kn.classes, ", ")))
			}
			if _, seen := labels.idx[v]; !seen {
				if err := checkClassLabel(v); err != nil {
					return nil, cellErr(target, v, err)
				}
			}
			yIdx = append(yIdx, labels.index(v))
		}
		if group >= 0 {
			g := strings.TrimSpace(rec[group])
			if kn != nil && !slices.Contains(kn.groups, g) {
				return nil, cellErr(group, g, fmt.Errorf("group %q does not occur in the training file %s (its groups: %s)", g, opt.Known.Name, strings.Join(kn.groups, ", ")))
			}
			gIdx = append(gIdx, groups.index(g))
		}
		for _, c := range aux {
			x, err := parseNum(c, strings.TrimSpace(rec[c]))
			if err != nil {
				return nil, err
			}
			t.Aux = append(t.Aux, x)
		}
		t.N++
		if t.N == reserveAfter && opt.SizeHint > 0 {
			rows := int(float64(opt.SizeHint)/float64(cr.InputOffset())*reserveAfter*reserveMargin) - t.N
			t.NumX = slices.Grow(t.NumX, rows*len(numCols))
			t.Aux = slices.Grow(t.Aux, rows*len(aux))
			catIdx = slices.Grow(catIdx, rows*len(catCols))
			if task == Regression {
				t.Y = slices.Grow(t.Y, rows)
			} else {
				yIdx = slices.Grow(yIdx, rows)
			}
			if group >= 0 {
				gIdx = slices.Grow(gIdx, rows)
			}
		}
	}
	if t.N == 0 {
		if t.Dropped > 0 {
			return nil, fmt.Errorf("%s: no rows left after dropping %d rows with missing values", file, t.Dropped)
		}
		return nil, fmt.Errorf("%s: no data rows after the header", file)
	}
	if q := len(catCols); q > 0 {
		t.CatX = make([]string, len(catIdx))
		for i, k := range catIdx {
			t.CatX[i] = cats[i%q].names[k]
		}
	}
	if task == Classification {
		var remap []int32
		t.Classes, remap = labels.sorted()
		if kn != nil {
			t.Classes, remap = kn.classes, kn.remap(labels.names, kn.classes)
		} else if len(t.Classes) < 2 && !opt.sniff {
			return nil, fmt.Errorf("%s: target column %q has a single class %q (classification needs at least 2)", file, opt.Target, t.Classes[0])
		}
		t.Y = make([]float64, t.N)
		for i, k := range yIdx {
			t.Y[i] = float64(remap[k])
		}
	}
	if group >= 0 {
		var remap []int32
		t.GroupNames, remap = groups.sorted()
		if kn != nil {
			t.GroupNames, remap = kn.groups, kn.remap(groups.names, kn.groups)
		}
		t.Group = make([]int, t.N)
		for i, k := range gIdx {
			t.Group[i] = int(remap[k])
		}
	}
	t.Checksum = hex.EncodeToString(h.Sum(nil))
	if kn != nil {
		t.Warnings = kn.warnings(file)
	}
	if seqCol >= 0 && !opt.sniff {
		if err := seqs.finish(t, file, opt.Sequence); err != nil {
			return nil, err
		}
	}
	if opt.Image != nil {
		if err := buildImages(t, file, opt.Target, *opt.Image, badPixel); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ReadCSV reserves room for the rest of a file of known size
// (CSVOptions.SizeHint) after reserveAfter rows, for reserveMargin × the
// rows predicted (rows vary in length; room never touched costs no
// resident memory).
const (
	reserveAfter  = 1000
	reserveMargin = 1.05
)

// csvReadError turns an encoding/csv error into a CSVError when it knows
// the line.
func csvReadError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine < pe.Line {
			// A quote never closed runs to the end of the file, where the
			// reader stops; the mistake is where the quoted field opens.
			return &CSVError{File: file, Row: pe.StartLine, Err: fmt.Errorf("the quoted field that opens on this line runs to line %d: %w (is a closing quote missing?)", pe.Line, pe.Err)}
		}
		return &CSVError{File: file, Row: pe.Line, Err: pe.Err}
	}
	return fmt.Errorf("read %s: %w", file, err)
}

// labelSet numbers distinct texts in order of first appearance.
type labelSet struct {
	idx   map[string]int32
	names []string
}

func (s *labelSet) index(v string) int32 {
	if k, ok := s.idx[v]; ok {
		return k
	}
	if s.idx == nil {
		s.idx = make(map[string]int32)
	}
	v = strings.Clone(v)
	k := int32(len(s.names))
	s.idx[v] = k
	s.names = append(s.names, v)
	return k
}

// sorted returns the names in label order (numerically when all are
// numbers, else lexically) and remap[old] = new index.
func (s *labelSet) sorted() (names []string, remap []int32) {
	order := make([]int32, len(s.names))
	for i := range order {
		order[i] = int32(i)
	}
	vals := make([]float64, len(s.names))
	numeric := true
	for i, n := range s.names {
		v, err := strconv.ParseFloat(n, 64)
		if err != nil || math.IsNaN(v) {
			numeric = false
			break
		}
		vals[i] = v
	}
	slices.SortFunc(order, func(a, b int32) int {
		if numeric {
			if c := cmp.Compare(vals[a], vals[b]); c != 0 {
				return c
			}
		}
		return strings.Compare(s.names[a], s.names[b])
	})
	names = make([]string, len(order))
	remap = make([]int32, len(order))
	for newIdx, old := range order {
		names[newIdx] = s.names[old]
		remap[old] = int32(newIdx)
	}
	return names, remap
}

// isText reports whether v is text rather than a number, however
// malformed ("1,5", "3.2.1") or out of range ("NaN", "1e999").
func isText(v string) bool {
	if _, err := strconv.ParseFloat(v, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return false
	}
	return strings.Trim(v, "0123456789.,+-eE ") != ""
}

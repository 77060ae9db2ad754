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
	rd := &csvReader{file: file, opt: opt, task: task, drop: drop, cr: cr}
	if err := rd.readHeader(); err != nil {
		return nil, err
	}
	if err := rd.resolve(); err != nil {
		return nil, err
	}
	if err := rd.readRows(); err != nil {
		return nil, err
	}
	if err := rd.finish(); err != nil {
		return nil, err
	}
	rd.t.Checksum = hex.EncodeToString(h.Sum(nil))
	return rd.t, rd.finishExtras()
}

// csvReader is ReadCSV's state: the header, the roles of the columns and
// the rows read so far.
type csvReader struct {
	file string
	opt  CSVOptions
	task Task
	drop bool
	cr   *csv.Reader

	names     []string // the named header fields
	width     int      // len(names)
	fullWidth int      // the header's fields, unnamed trailing ones included
	col       map[string]int

	target, group    int // group -1: none
	aux              []int
	seqCol, ordCol   int // -1: no sequences
	feats            []int
	numCols, catCols []int
	used             []int // the columns a row must have a value in

	t *Table
	// Categorical values, labels and groups repeat a lot: rows store small
	// indices into per-column sets of distinct texts, and the string slices
	// are built once at the end (fewer pointers for the GC to chase while
	// reading).
	cats       []labelSet
	catIdx     []int32
	labels     labelSet
	groups     labelSet
	yIdx, gIdx []int32
	seqs       seqReader
	badPixel   error // the first pixel outside [0, max]
	kn         *knownLevels
}

// readHeader reads the header row: the column names.
func (rd *csvReader) readHeader() error {
	file := rd.file
	rec, err := rd.cr.Read()
	if err == io.EOF {
		return fmt.Errorf("%s: empty file (a header row is required)", file)
	}
	if err != nil {
		return csvReadError(file, err)
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
		return fmt.Errorf("%s: the header row has no column names", file)
	}
	rd.names, rd.width, rd.fullWidth = names, width, len(rec)
	rd.col = make(map[string]int, width)
	for i, n := range names {
		if n == "" {
			return &CSVError{File: file, Row: 1, Err: fmt.Errorf("header field %d has no name", i+1)}
		}
		if j, dup := rd.col[n]; dup {
			return &CSVError{File: file, Row: 1, Column: n, Err: fmt.Errorf("column name appears twice (fields %d and %d)", j+1, i+1)}
		}
		rd.col[n] = i
	}
	return nil
}

func (rd *csvReader) cols() string { return strings.Join(rd.names, ", ") }

// resolve finds the columns of each role and lays out the table.
func (rd *csvReader) resolve() error {
	if err := rd.resolveTargets(); err != nil {
		return err
	}
	if err := rd.resolveSequence(); err != nil {
		return err
	}
	if err := rd.resolveFeatures(); err != nil {
		return err
	}
	return rd.layout()
}

// resolveTargets finds the target, group and auxiliary target columns.
func (rd *csvReader) resolveTargets() error {
	file, opt, col := rd.file, rd.opt, rd.col
	if opt.Target == "" {
		return fmt.Errorf("%s: no target column given (columns: %s)", file, rd.cols())
	}
	target, ok := col[opt.Target]
	if !ok {
		return fmt.Errorf("%s: target column %q not found (columns: %s)", file, opt.Target, rd.cols())
	}
	group := -1
	if opt.Group != "" {
		if group, ok = col[opt.Group]; !ok {
			return fmt.Errorf("%s: group column %q not found (columns: %s)", file, opt.Group, rd.cols())
		}
		if group == target {
			return fmt.Errorf("%s: column %q cannot be both target and group", file, opt.Group)
		}
	}
	var aux []int
	for _, a := range opt.AuxTargets {
		i, ok := col[a]
		switch {
		case !ok:
			return fmt.Errorf("%s: auxiliary target column %q not found (columns: %s)", file, a, rd.cols())
		case i == target:
			return fmt.Errorf("%s: column %q cannot be both target and auxiliary target", file, a)
		case i == group:
			return fmt.Errorf("%s: column %q cannot be both group and auxiliary target", file, a)
		case slices.Contains(aux, i):
			return fmt.Errorf("%s: auxiliary target column %q is listed twice", file, a)
		}
		aux = append(aux, i)
	}
	rd.target, rd.group, rd.aux = target, group, aux
	return nil
}

// resolveSequence finds the sequence id and order columns, if any.
func (rd *csvReader) resolveSequence() error {
	file := rd.file
	rd.seqCol, rd.ordCol = -1, -1
	sq := rd.opt.Sequence
	if sq == nil {
		return nil
	}
	for _, c := range []struct {
		role, name string
		dst        *int
	}{{"sequence id", sq.ID, &rd.seqCol}, {"sequence order", sq.Order, &rd.ordCol}} {
		i, ok := rd.col[c.name]
		switch {
		case c.name == "":
			return fmt.Errorf("%s: no %s column given", file, c.role)
		case !ok:
			return fmt.Errorf("%s: %s column %q not found (columns: %s)", file, c.role, c.name, rd.cols())
		case i == rd.target:
			return fmt.Errorf("%s: column %q cannot be both target and %s", file, c.name, c.role)
		case i == rd.group:
			return fmt.Errorf("%s: column %q cannot be both group and %s", file, c.name, c.role)
		case slices.Contains(rd.aux, i):
			return fmt.Errorf("%s: column %q cannot be both auxiliary target and %s", file, c.name, c.role)
		}
		*c.dst = i
	}
	if rd.seqCol == rd.ordCol {
		return fmt.Errorf("%s: column %q cannot be both sequence id and sequence order", file, sq.ID)
	}
	return nil
}

// resolveFeatures finds the feature columns: those listed, or every
// column without another role.
func (rd *csvReader) resolveFeatures() error {
	file, opt := rd.file, rd.opt
	if len(opt.Features) == 0 {
		// The group column is left out unless it is listed as categorical;
		// auxiliary targets are never features.
		for i, n := range rd.names {
			if i != rd.target && !slices.Contains(rd.aux, i) && i != rd.seqCol && i != rd.ordCol && (i != rd.group || slices.Contains(opt.Categorical, n)) {
				rd.feats = append(rd.feats, i)
			}
		}
	} else {
		seen := make(map[int]bool, len(opt.Features))
		for _, f := range opt.Features {
			i, ok := rd.col[f]
			switch {
			case !ok:
				return fmt.Errorf("%s: feature column %q not found (columns: %s)", file, f, rd.cols())
			case i == rd.target:
				return fmt.Errorf("%s: column %q cannot be both target and feature", file, f)
			case slices.Contains(rd.aux, i):
				return fmt.Errorf("%s: column %q cannot be both auxiliary target and feature", file, f)
			case seen[i]:
				return fmt.Errorf("%s: feature column %q is listed twice", file, f)
			case i == rd.seqCol || i == rd.ordCol:
				return fmt.Errorf("%s: column %q cannot be both sequence column and feature", file, f)
			}
			seen[i] = true
			rd.feats = append(rd.feats, i)
		}
	}
	if len(rd.feats) == 0 {
		return fmt.Errorf("%s: no feature columns (columns: %s)", file, rd.cols())
	}
	return nil
}

// layout splits the features into numeric and categorical ones and
// starts the table.
func (rd *csvReader) layout() error {
	file, opt, feats := rd.file, rd.opt, rd.feats
	isCat := make(map[int]bool, len(opt.Categorical))
	for _, c := range opt.Categorical {
		i, ok := rd.col[c]
		if !ok {
			return fmt.Errorf("%s: categorical column %q not found (columns: %s)", file, c, rd.cols())
		}
		if !slices.Contains(feats, i) {
			return fmt.Errorf("%s: categorical column %q is not among the features", file, c)
		}
		isCat[i] = true
	}
	t := &Table{Name: file, Task: rd.task, Columns: rd.width}
	for _, i := range feats {
		if isCat[i] {
			rd.catCols = append(rd.catCols, i)
			t.CatNames = append(t.CatNames, rd.names[i])
		} else {
			rd.numCols = append(rd.numCols, i)
			t.NumNames = append(t.NumNames, rd.names[i])
		}
	}
	used := slices.Clone(feats)
	used = append(used, rd.target)
	if rd.group >= 0 && !slices.Contains(used, rd.group) {
		used = append(used, rd.group)
	}
	used = append(used, rd.aux...)
	if rd.seqCol >= 0 {
		used = append(used, rd.seqCol, rd.ordCol)
	}
	rd.used = used
	for _, i := range rd.aux {
		t.AuxNames = append(t.AuxNames, rd.names[i])
	}
	rd.t = t
	rd.cats = make([]labelSet, len(rd.catCols))
	kn, err := newKnownLevels(opt, t.CatNames)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	rd.kn = kn
	return nil
}

func (rd *csvReader) cellErr(c int, v string, err error) error {
	line, _ := rd.cr.FieldPos(c)
	return &CSVError{File: rd.file, Row: line, Column: rd.names[c], Value: v, Err: err}
}

func (rd *csvReader) parseNum(c int, v string) (float64, error) {
	x, err := strconv.ParseFloat(v, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, rd.cellErr(c, v, fmt.Errorf("value %s is not a number", quoteCell(v)))
	}
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, rd.cellErr(c, v, fmt.Errorf("value %s is not a finite number", quoteCell(v)))
	}
	return x, nil
}

// readRows reads the data rows.
func (rd *csvReader) readRows() error {
	t, opt := rd.t, rd.opt
	for {
		rec, err := rd.cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvReadError(rd.file, err)
		}
		if dropped, err := rd.checkRow(rec); err != nil || dropped {
			if err != nil {
				return err
			}
			t.Dropped++
			continue
		}
		if err := rd.readRow(rec); err != nil {
			return err
		}
		t.N++
		if t.N == reserveAfter && opt.SizeHint > 0 {
			rd.reserve(int(float64(opt.SizeHint)/float64(rd.cr.InputOffset())*reserveAfter*reserveMargin) - t.N)
		}
	}
}

// checkRow checks a row's width and its missing values: dropped when it
// lacks a value and missing is drop.
func (rd *csvReader) checkRow(rec []string) (dropped bool, err error) {
	if len(rec) != rd.width && len(rec) != rd.fullWidth {
		line, _ := rd.cr.FieldPos(0)
		return false, &CSVError{File: rd.file, Row: line, Err: fmt.Errorf("row has %d fields, the header has %d", len(rec), rd.width)}
	}
	for c := rd.width; c < len(rec); c++ {
		if v := strings.TrimSpace(rec[c]); v != "" {
			line, _ := rd.cr.FieldPos(c)
			return false, &CSVError{File: rd.file, Row: line, Value: v, Err: fmt.Errorf("value %s in unnamed field %d", quoteCell(v), c+1)}
		}
	}
	for _, c := range rd.used {
		if v := strings.TrimSpace(rec[c]); isMissing(v) {
			if rd.drop {
				return true, nil
			}
			return false, rd.cellErr(c, v, missingValueError{v})
		}
	}
	return false, nil
}

// readRow adds a complete row to the table.
func (rd *csvReader) readRow(rec []string) error {
	if err := rd.readFeatures(rec); err != nil {
		return err
	}
	if rd.seqCol >= 0 {
		line, _ := rd.cr.FieldPos(rd.ordCol)
		if err := rd.seqs.add(strings.TrimSpace(rec[rd.seqCol]), strings.TrimSpace(rec[rd.ordCol]), line); err != nil {
			return rd.cellErr(rd.ordCol, strings.TrimSpace(rec[rd.ordCol]), err)
		}
	}
	if err := rd.readTarget(strings.TrimSpace(rec[rd.target])); err != nil {
		return err
	}
	if group := rd.group; group >= 0 {
		g, kn := strings.TrimSpace(rec[group]), rd.kn
		if kn != nil && !slices.Contains(kn.groups, g) {
			return rd.cellErr(group, g, fmt.Errorf("group %q does not occur in the training file %s (its groups: %s)", g, rd.opt.Known.Name, strings.Join(kn.groups, ", ")))
		}
		rd.gIdx = append(rd.gIdx, rd.groups.index(g))
	}
	for _, c := range rd.aux {
		x, err := rd.parseNum(c, strings.TrimSpace(rec[c]))
		if err != nil {
			return err
		}
		rd.t.Aux = append(rd.t.Aux, x)
	}
	return nil
}

// readFeatures adds a row's numeric and categorical features.
func (rd *csvReader) readFeatures(rec []string) error {
	t, kn := rd.t, rd.kn
	for _, c := range rd.numCols {
		x, err := rd.parseNum(c, strings.TrimSpace(rec[c]))
		if err != nil {
			var ce *CSVError
			if errors.As(err, &ce) && isText(ce.Value) {
				ce.Err = fmt.Errorf("%w: column %s holds text; list it under dataset.categorical to one-hot encode it, or leave it out of dataset.features", ce.Err, quoteCell(rd.names[c]))
			}
			return err
		}
		if im := rd.opt.Image; im != nil && rd.badPixel == nil && !(x >= 0 && x <= im.Max) {
			// Reported once the image options are known to be sound.
			rd.badPixel = rd.cellErr(c, strings.TrimSpace(rec[c]), fmt.Errorf("pixel value %v is outside [0, %v] (image max)", x, im.Max))
		}
		t.NumX = append(t.NumX, x)
	}
	for k, c := range rd.catCols {
		v := strings.TrimSpace(rec[c])
		if kn != nil && !kn.cat(k, v) {
			line, _ := rd.cr.FieldPos(c)
			if err := kn.unseen(rd.file, line, rd.names[c], v); err != nil {
				return err
			}
		}
		rd.catIdx = append(rd.catIdx, rd.cats[k].index(v))
	}
	return nil
}

// readTarget adds a row's target v.
func (rd *csvReader) readTarget(v string) error {
	target, kn := rd.target, rd.kn
	if rd.task == Regression {
		x, err := rd.parseNum(target, v)
		if err != nil {
			var ce *CSVError
			if errors.As(err, &ce) {
				ce.Err = fmt.Errorf("%w (task regression needs a numeric target)", ce.Err)
			}
			return err
		}
		rd.t.Y = append(rd.t.Y, x)
		return nil
	}
	if kn != nil && !slices.Contains(kn.classes, v) {
		return rd.cellErr(target, v, fmt.Errorf("class %s does not occur in the training file %s (its classes: %s)", quoteCell(v), rd.opt.Known.Name, strings.Join(kn.classes, ", ")))
	}
	if _, seen := rd.labels.idx[v]; !seen {
		if err := checkClassLabel(v); err != nil {
			return rd.cellErr(target, v, err)
		}
	}
	rd.yIdx = append(rd.yIdx, rd.labels.index(v))
	return nil
}

// reserve grows the row slices for rows more rows (opt.SizeHint).
func (rd *csvReader) reserve(rows int) {
	t := rd.t
	t.NumX = slices.Grow(t.NumX, rows*len(rd.numCols))
	t.Aux = slices.Grow(t.Aux, rows*len(rd.aux))
	rd.catIdx = slices.Grow(rd.catIdx, rows*len(rd.catCols))
	if rd.task == Regression {
		t.Y = slices.Grow(t.Y, rows)
	} else {
		rd.yIdx = slices.Grow(rd.yIdx, rows)
	}
	if rd.group >= 0 {
		rd.gIdx = slices.Grow(rd.gIdx, rows)
	}
}

// finish builds the categorical values, classes and groups from the rows'
// indices.
func (rd *csvReader) finish() error {
	t, kn, file, opt := rd.t, rd.kn, rd.file, rd.opt
	if t.N == 0 {
		if t.Dropped > 0 {
			return fmt.Errorf("%s: no rows left after dropping %d rows with missing values", file, t.Dropped)
		}
		return fmt.Errorf("%s: no data rows after the header", file)
	}
	if q := len(rd.catCols); q > 0 {
		t.CatX = make([]string, len(rd.catIdx))
		for i, k := range rd.catIdx {
			t.CatX[i] = rd.cats[i%q].names[k]
		}
	}
	if rd.task == Classification {
		var remap []int32
		t.Classes, remap = rd.labels.sorted()
		if kn != nil {
			t.Classes, remap = kn.classes, kn.remap(rd.labels.names, kn.classes)
		} else if len(t.Classes) < 2 && !opt.sniff {
			return fmt.Errorf("%s: target column %q has a single class %q (classification needs at least 2)", file, opt.Target, t.Classes[0])
		}
		t.Y = make([]float64, t.N)
		for i, k := range rd.yIdx {
			t.Y[i] = float64(remap[k])
		}
	}
	if rd.group >= 0 {
		var remap []int32
		t.GroupNames, remap = rd.groups.sorted()
		if kn != nil {
			t.GroupNames, remap = kn.groups, kn.remap(rd.groups.names, kn.groups)
		}
		t.Group = make([]int, t.N)
		for i, k := range rd.gIdx {
			t.Group[i] = int(remap[k])
		}
	}
	return nil
}

// finishExtras adds the warnings, the sequences and the images.
func (rd *csvReader) finishExtras() error {
	t, file, opt := rd.t, rd.file, rd.opt
	if rd.kn != nil {
		t.Warnings = rd.kn.warnings(file)
	}
	if rd.seqCol >= 0 && !opt.sniff {
		if err := rd.seqs.finish(t, file, opt.Sequence); err != nil {
			return err
		}
	}
	if opt.Image != nil {
		if err := buildImages(t, file, opt.Target, *opt.Image, rd.badPixel); err != nil {
			return err
		}
	}
	return nil
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

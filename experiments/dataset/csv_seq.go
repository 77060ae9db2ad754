package dataset

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SequenceOptions declare a CSV file in long format: one row per frame,
// ID naming the sequence (any text) and Order the frame's position in it
// (integers, consecutive within a sequence, in any row order).
type SequenceOptions struct {
	ID, Order string
	// Context is the number of frames c on each side a row's features
	// cover: the numeric features of frames t−c … t+c of its sequence
	// (clamped at the sequence's ends), frame t−c first, named
	// "<column>@<offset>" (x@-1, x@0, x@+1). 0: the frame's own features.
	Context int
}

// maxContext bounds SequenceOptions.Context.
const maxContext = 50

// seqReader collects the sequence columns row by row.
type seqReader struct {
	ids   labelSet
	idIdx []int32
	order []int
	line  []int
}

func (r *seqReader) add(id, ord string, line int) error {
	o, err := strconv.Atoi(ord)
	if err != nil {
		x, ferr := strconv.ParseFloat(ord, 64)
		if ferr != nil || x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return fmt.Errorf("frame order %q is not an integer", ord)
		}
		o = int(x)
	}
	r.idIdx = append(r.idIdx, r.ids.index(id))
	r.order = append(r.order, o)
	r.line = append(r.line, line)
	return nil
}

// finish sets t.SeqID (the sequences numbered in label order: numerically
// when every id is a number, else lexically) and t.Order (0 for each
// sequence's first frame), refusing duplicate frames, gaps and
// single-frame sequences, then widens the features by the context.
func (r *seqReader) finish(t *Table, file string, opt *SequenceOptions) error {
	names, remap := r.ids.sorted()
	S := len(names)
	bySeq := make([][]int, S)
	t.SeqID = make([]int, t.N)
	for i, k := range r.idIdx {
		q := int(remap[k])
		t.SeqID[i] = q
		bySeq[q] = append(bySeq[q], i)
	}
	t.Order = make([]int, t.N)
	for q, rows := range bySeq {
		slices.SortStableFunc(rows, func(a, b int) int { return cmp.Compare(r.order[a], r.order[b]) })
		if len(rows) == 1 {
			return &CSVError{File: file, Row: r.line[rows[0]], Column: opt.ID, Value: names[q],
				Err: fmt.Errorf("sequence %q has a single frame: consecutive frames need at least 2", names[q])}
		}
		for k := 1; k < len(rows); k++ {
			a, b := rows[k-1], rows[k]
			switch d := r.order[b] - r.order[a]; {
			case d == 0:
				return &CSVError{File: file, Row: r.line[b], Column: opt.Order, Value: strconv.Itoa(r.order[b]),
					Err: fmt.Errorf("sequence %q has frame %d twice (also on line %d)", names[q], r.order[b], r.line[a])}
			case d != 1:
				return &CSVError{File: file, Row: r.line[b], Column: opt.Order, Value: strconv.Itoa(r.order[b]),
					Err: fmt.Errorf("sequence %q jumps from frame %d (line %d) to frame %d: frames must be consecutive integers", names[q], r.order[a], r.line[a], r.order[b])}
			}
		}
		for k, i := range rows {
			t.Order[i] = k
		}
	}
	if c := opt.Context; c > 0 {
		if c > maxContext {
			return fmt.Errorf("%s: sequence context %d is above the limit of %d frames", file, c, maxContext)
		}
		if len(t.CatNames) > 0 {
			return fmt.Errorf("%s: sequence context widens numeric features only; categorical feature %q cannot have context (leave it out of features)", file, t.CatNames[0])
		}
		widenContext(t, bySeq, c)
	}
	return nil
}

// widenContext replaces each row's features by those of frames t−c … t+c
// of its sequence (bySeq: each sequence's rows in frame order), clamped
// at the ends.
func widenContext(t *Table, bySeq [][]int, c int) {
	d := len(t.NumNames)
	w := (2*c + 1) * d
	x := make([]float64, t.N*w)
	for _, rows := range bySeq {
		L := len(rows)
		for k, i := range rows {
			for o := -c; o <= c; o++ {
				src := rows[min(max(k+o, 0), L-1)]
				copy(x[i*w+(o+c)*d:i*w+(o+c+1)*d], t.NumX[src*d:(src+1)*d])
			}
		}
	}
	names := make([]string, 0, w)
	for o := -c; o <= c; o++ {
		off := strconv.Itoa(o)
		if o > 0 {
			off = "+" + off
		}
		for _, n := range t.NumNames {
			names = append(names, n+"@"+off)
		}
	}
	t.NumX, t.NumNames = x, names
}

// knownLevels checks a test file against its training file's table.
type knownLevels struct {
	classes, groups []string
	cats            []map[string]bool
	zero            bool
	// unseen levels met under policy zero: "column=value" → rows, first line
	count map[string]int
	first map[string]int
	order []string
}

func newKnownLevels(opt CSVOptions, catNames []string) (*knownLevels, error) {
	k := opt.Known
	if k == nil {
		return nil, nil
	}
	kn := &knownLevels{classes: k.Classes, groups: k.GroupNames, count: map[string]int{}, first: map[string]int{}}
	if k.Label != nil && k.Classes == nil {
		kn.classes = k.LabelNames // an image table: the class labels moved to Label
	}
	switch opt.Unseen {
	case "", "error":
	case "zero":
		kn.zero = true
	default:
		return nil, fmt.Errorf("unknown unseen-level policy %q (valid: error, zero)", opt.Unseen)
	}
	if !slices.Equal(catNames, k.CatNames) {
		return nil, fmt.Errorf("categorical columns %v differ from those of the training file %s (%v)", catNames, k.Name, k.CatNames)
	}
	q := len(k.CatNames)
	kn.cats = make([]map[string]bool, q)
	for j := range q {
		kn.cats[j] = map[string]bool{}
	}
	for i, v := range k.CatX {
		kn.cats[i%q][v] = true
	}
	return kn, nil
}

func (kn *knownLevels) cat(j int, v string) bool { return kn.cats[j][v] }

// unseen handles a categorical level the training file lacks.
func (kn *knownLevels) unseen(file string, line int, col, v string) error {
	if !kn.zero {
		return &CSVError{File: file, Row: line, Column: col, Value: v,
			Err: fmt.Errorf("level %q does not occur in the training file (categories are fitted on training rows; split.unseen: zero encodes it as all zeros)", v)}
	}
	key := col + "=" + v
	if kn.count[key] == 0 {
		kn.first[key] = line
		kn.order = append(kn.order, key)
	}
	kn.count[key]++
	return nil
}

// remap returns, for each name in first-appearance order, its index in ref
// (every name is in ref: checked row by row).
func (kn *knownLevels) remap(names, ref []string) []int32 {
	out := make([]int32, len(names))
	for i, n := range names {
		out[i] = int32(slices.Index(ref, n))
	}
	return out
}

// warnings lists the unseen levels encoded as zeros.
func (kn *knownLevels) warnings(file string) []string {
	if len(kn.order) == 0 {
		return nil
	}
	parts := make([]string, len(kn.order))
	rows := 0
	for i, key := range kn.order {
		parts[i] = fmt.Sprintf("%s (%d rows, first on line %d)", key, kn.count[key], kn.first[key])
		rows += kn.count[key]
	}
	return []string{fmt.Sprintf("%s: %d cells hold categorical levels the training file lacks, encoded as all zeros: %s", file, rows, strings.Join(parts, ", "))}
}

// AppendTest returns the table of train's rows followed by test's rows,
// with TestFrom = train.N: Prepare then takes test's rows as the test
// split and splits train's rows into train and validation. test must
// have been read with CSVOptions.Known = train (same columns, classes and
// groups by index). Sequence ids of test are numbered after train's.
func AppendTest(train, test *Table) (*Table, error) {
	switch {
	case train.Task != test.Task || train.T != test.T:
		return nil, fmt.Errorf("test file %s: task %s with %d targets per row, the training file %s has %s with %d", test.Name, test.Task, test.T, train.Name, train.Task, train.T)
	case !slices.Equal(train.NumNames, test.NumNames):
		return nil, fmt.Errorf("test file %s: numeric features %v differ from the training file's %v", test.Name, test.NumNames, train.NumNames)
	case !slices.Equal(train.CatNames, test.CatNames) || !slices.Equal(train.AuxNames, test.AuxNames):
		return nil, fmt.Errorf("test file %s: categorical features %v and auxiliary targets %v differ from the training file's %v and %v", test.Name, test.CatNames, test.AuxNames, train.CatNames, train.AuxNames)
	case (train.SeqID == nil) != (test.SeqID == nil) || (train.Group == nil) != (test.Group == nil) || (train.Label == nil) != (test.Label == nil):
		return nil, fmt.Errorf("test file %s: its sequence, group or label columns differ from the training file's", test.Name)
	case train.TestFrom > 0:
		return nil, fmt.Errorf("training file %s already has a test split", train.Name)
	}
	t := *train
	t.N = train.N + test.N
	t.TestFrom = train.N
	t.NumX = slices.Concat(train.NumX, test.NumX)
	t.CatX = slices.Concat(train.CatX, test.CatX)
	t.Y = slices.Concat(train.Y, test.Y)
	t.Aux = slices.Concat(train.Aux, test.Aux)
	if train.Group != nil {
		t.Group = slices.Concat(train.Group, test.Group)
	}
	if train.Label != nil {
		t.Label = slices.Concat(train.Label, test.Label)
	}
	if train.SeqID != nil {
		off := slices.Max(train.SeqID) + 1
		t.SeqID = slices.Clone(train.SeqID)
		for _, q := range test.SeqID {
			t.SeqID = append(t.SeqID, q+off)
		}
		t.Order = slices.Concat(train.Order, test.Order)
	}
	t.Dropped = train.Dropped + test.Dropped
	t.Warnings = slices.Concat(train.Warnings, test.Warnings)
	t.TestName = test.Name
	t.Checksum = sha256Hex("train " + train.Checksum + "\ntest " + test.Checksum + "\n")
	return &t, nil
}

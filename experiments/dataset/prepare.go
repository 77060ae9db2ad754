package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// PrepareOptions say how to split and encode a Table.
type PrepareOptions struct {
	// Test and Validation are the held-out fractions of the rows, each in
	// [0, 1) with Test+Validation < 1. A zero fraction leaves that split
	// nil.
	Test, Validation float64
	// Stratify keeps the class proportions in every split
	// (classification only; ignored for regression).
	Stratify bool
	// Standardize centers and scales the numeric features with the
	// training rows' mean and standard deviation (one-hot columns are left
	// as 0/1).
	Standardize bool
	// Carve, when Validation is 0, moves that fraction of the training
	// rows (the rows outside the test split) to the validation split:
	// the test split is the one Carve 0 gives, row for row. Stratified
	// like the rest; by whole sequences for sequence tables.
	Carve float64
	// Folds ≥ 2 cuts the training rows (the rows outside the test split)
	// into that many folds, stratified like the rest (by whole sequences
	// for sequence tables), sizes differing by at most one row or
	// sequence; fold Fold is the validation split and the others train.
	// The folds depend on the seed alone, so the Folds calls of one seed
	// partition the training rows. Validation must be 0.
	Folds, Fold int
}

// prepareStream is the second PCG word for splitting, so that the split
// stream differs from the generators' stream for the same seed.
const prepareStream = 0x73706c6974746572 // "splitter"

// split membership of a row.
const (
	inTrain uint8 = iota
	inValidation
	inTest
)

// Prepare splits t into train, validation and test sets for one repeat:
// rows are shuffled with seed (stratified by class when asked), categorical
// columns are one-hot encoded with the categories of the training rows
// (sorted; a category unseen in training encodes as all zeros), and numeric
// columns are optionally standardized with training statistics. The result
// is a pure function of (t, opt, seed); t is not modified.
func Prepare(t *Table, opt PrepareOptions, seed uint64) (*Splits, error) {
	if err := checkTable(t); err != nil {
		return nil, err
	}
	if err := checkFractions(opt); err != nil {
		return nil, err
	}
	// With a test file (TestFrom > 0) only the rows before it are split
	// at random; its rows are the test split, in file order.
	n := t.N
	if t.TestFrom > 0 {
		if t.TestFrom >= t.N {
			return nil, fmt.Errorf("prepare %s: the test file starts at row %d of %d", t.Name, t.TestFrom, t.N)
		}
		if opt.Test > 0 {
			return nil, fmt.Errorf("prepare %s: the test split is the test file %s; the test fraction must be 0, got %v", t.Name, t.TestName, opt.Test)
		}
		n = t.TestFrom
	}
	rng := rand.New(rand.NewPCG(seed, prepareStream))
	perm := rng.Perm(n)
	which := make([]uint8, t.N)
	for i := n; i < t.N; i++ {
		which[i] = inTest
	}
	nl, nTest, nVal, err := heldOutSizes(t, opt, n)
	if err != nil {
		return nil, err
	}
	switch {
	case t.SeqID != nil:
		// Split by sequence: whole sequences go to test, validation and
		// train, in the shuffled order of their ids.
		if err := splitSequences(t, n, opt, rng, which); err != nil {
			return nil, err
		}
	case opt.Stratify && t.Task == Classification:
		stratify(t, opt, perm, nTest, nVal, which)
	default:
		j := 0 // index among the labeled rows, in shuffled order
		for _, i := range perm {
			if nl < n && t.maskMissing(i) {
				continue // which[i] = inTrain
			}
			switch {
			case j < nTest:
				which[i] = inTest
			case j < nTest+nVal:
				which[i] = inValidation
			}
			j++
		}
	}
	if opt.Carve > 0 || opt.Folds > 0 {
		if err := holdOut(t, opt, rng, perm, which); err != nil {
			return nil, err
		}
	}
	return splitRows(t, opt, n, perm, which)
}

// heldOutSizes returns the rows that count for the held-out fractions
// (nl) and the sizes of the test and validation splits. Rows of a
// segmentation table whose mask is missing (semi-supervised data:
// auxiliary targets only) all train; the held-out fractions are of the
// labeled rows, so test and validation rows are all labeled. With every
// row labeled this is the plain split.
func heldOutSizes(t *Table, opt PrepareOptions, n int) (nl, nTest, nVal int, err error) {
	nl = n
	if t.Task == Segmentation {
		nl = 0
		for i := range n {
			if !t.maskMissing(i) {
				nl++
			}
		}
	}
	nTest = int(math.Round(opt.Test * float64(nl)))
	nVal = int(math.Round(opt.Validation * float64(nl)))
	if opt.Test > 0 && nTest == 0 {
		return 0, 0, 0, fmt.Errorf("prepare %s: test fraction %v of %d rows leaves the test split empty", t.Name, opt.Test, n)
	}
	if opt.Validation > 0 && nVal == 0 {
		return 0, 0, 0, fmt.Errorf("prepare %s: validation fraction %v of %d rows leaves the validation split empty", t.Name, opt.Validation, n)
	}
	if nTest+nVal >= n {
		return 0, 0, 0, fmt.Errorf("prepare %s: test %v and validation %v of %d rows leave no rows for training", t.Name, opt.Test, opt.Validation, n)
	}
	return nl, nTest, nVal, nil
}

// stratify marks nTest test and nVal validation rows of perm, class by
// class in proportion to the class sizes.
func stratify(t *Table, opt PrepareOptions, perm []int, nTest, nVal int, which []uint8) {
	k := len(t.Classes)
	byClass := make([][]int, k)
	for _, i := range perm {
		c := int(t.Y[i])
		byClass[c] = append(byClass[c], i)
	}
	sizes := make([]int, k)
	for c := range byClass {
		sizes[c] = len(byClass[c])
	}
	testC := apportion(nTest, opt.Test, sizes)
	left := make([]int, k)
	for c := range left {
		left[c] = sizes[c] - testC[c]
	}
	valC := apportionCapped(nVal, opt.Validation, sizes, left)
	for c, rows := range byClass {
		for j, i := range rows {
			switch {
			case j < testC[c]:
				which[i] = inTest
			case j < testC[c]+valC[c]:
				which[i] = inValidation
			}
		}
	}
}

// splitRows gathers the rows of each split (in shuffled order, or by
// sequence), checks them and encodes them.
func splitRows(t *Table, opt PrepareOptions, n int, perm []int, which []uint8) (*Splits, error) {
	var train, val, test []int
	for _, i := range perm {
		switch which[i] {
		case inTrain:
			train = append(train, i)
		case inValidation:
			val = append(val, i)
		default:
			test = append(test, i)
		}
	}
	for i := n; i < t.N; i++ {
		test = append(test, i)
	}
	if err := checkTrainClasses(t, opt, n, train); err != nil {
		return nil, err
	}
	if (opt.Validation > 0 || opt.Carve > 0 || opt.Folds > 0) && len(val) == 0 {
		return nil, fmt.Errorf("prepare %s: the validation split is empty", t.Name)
	}
	if t.SeqID != nil {
		bySeq := func(a, b int) int {
			if t.SeqID[a] != t.SeqID[b] {
				return t.SeqID[a] - t.SeqID[b]
			}
			return t.Order[a] - t.Order[b]
		}
		slices.SortFunc(train, bySeq)
		slices.SortFunc(val, bySeq)
		slices.SortFunc(test, bySeq)
	}
	enc, err := fitEncoder(t, train, opt.Standardize)
	if err != nil {
		return nil, err
	}
	s := &Splits{
		Task:        t.Task,
		Classes:     slices.Clone(t.Classes),
		Train:       enc.apply(t, train),
		GroupNames:  slices.Clone(t.GroupNames),
		AuxNames:    slices.Clone(t.AuxNames),
		FactorNames: slices.Clone(t.FactorNames),
		LabelNames:  slices.Clone(t.LabelNames),
	}
	if len(val) > 0 {
		s.Validation = enc.apply(t, val)
	}
	if opt.Test > 0 || t.TestFrom > 0 {
		s.Test = enc.apply(t, test)
	}
	return s, nil
}

// checkTrainClasses checks that the training split has rows of every
// class of a classification table (of its first n rows).
func checkTrainClasses(t *Table, opt PrepareOptions, n int, train []int) error {
	if t.Task != Classification {
		return nil
	}
	k := len(t.Classes)
	counts := make([]int, k)
	for _, i := range train {
		counts[int(t.Y[i])]++
	}
	for c, m := range counts {
		if m != 0 {
			continue
		}
		total := 0
		for i := range n {
			if int(t.Y[i]) == c {
				total++
			}
		}
		hint := "lower the test/validation fractions"
		if !opt.Stratify {
			hint += " or enable stratify"
		}
		if looksContinuous(t.Classes, n) {
			hint = fmt.Sprintf("the target has %d distinct values for %d rows, such as %q: it looks numeric, so set dataset.task: regression (a classification target has a few classes)", k, n, t.Classes[c])
		}
		return fmt.Errorf("prepare %s: the training split has no rows of class %q (%d in the table); %s", t.Name, t.Classes[c], total, hint)
	}
	return nil
}

// checkTable validates the shape and contents of a Table, so that Prepare
// never indexes out of range on a hand-made table.
func checkTable(t *Table) error {
	if t == nil {
		return fmt.Errorf("prepare: nil table")
	}
	n := t.N
	switch {
	case n <= 0:
		return fmt.Errorf("prepare %s: table has no rows", t.Name)
	case len(t.NumX) != n*len(t.NumNames):
		return fmt.Errorf("prepare %s: %d numeric values, want %d rows × %d columns", t.Name, len(t.NumX), n, len(t.NumNames))
	case len(t.CatX) != n*len(t.CatNames):
		return fmt.Errorf("prepare %s: %d categorical values, want %d rows × %d columns", t.Name, len(t.CatX), n, len(t.CatNames))
	case t.Task == Segmentation && t.T < 1:
		return fmt.Errorf("prepare %s: a segmentation table needs T ≥ 1 mask positions per row, got %d", t.Name, t.T)
	case len(t.Y) != n*t.targetsPerRow():
		return fmt.Errorf("prepare %s: %d target values, want %d", t.Name, len(t.Y), n*t.targetsPerRow())
	case len(t.NumNames)+len(t.CatNames) == 0:
		return fmt.Errorf("prepare %s: table has no features", t.Name)
	case t.Group != nil && len(t.Group) != n:
		return fmt.Errorf("prepare %s: %d group values, want %d", t.Name, len(t.Group), n)
	case len(t.Aux) != n*len(t.AuxNames):
		return fmt.Errorf("prepare %s: %d auxiliary values, want %d rows × %d columns", t.Name, len(t.Aux), n, len(t.AuxNames))
	case (t.SeqID == nil) != (t.Order == nil) || (t.SeqID != nil && (len(t.SeqID) != n || len(t.Order) != n)):
		return fmt.Errorf("prepare %s: %d sequence ids and %d frame orders, want %d each", t.Name, len(t.SeqID), len(t.Order), n)
	case len(t.Factors) != n*len(t.FactorNames):
		return fmt.Errorf("prepare %s: %d factor values, want %d rows × %d columns", t.Name, len(t.Factors), n, len(t.FactorNames))
	case t.Label != nil && len(t.Label) != n:
		return fmt.Errorf("prepare %s: %d labels, want %d", t.Name, len(t.Label), n)
	}
	for i, c := range t.Label {
		if c < 0 || c >= len(t.LabelNames) {
			return fmt.Errorf("prepare %s: row %d has label index %d, want 0..%d", t.Name, i, c, len(t.LabelNames)-1)
		}
	}
	for i, g := range t.Group {
		if g < 0 || g >= len(t.GroupNames) {
			return fmt.Errorf("prepare %s: row %d has group index %d, want 0..%d", t.Name, i, g, len(t.GroupNames)-1)
		}
	}
	if err := checkTargets(t); err != nil {
		return err
	}
	for i, v := range t.NumX {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("prepare %s: row %d, feature %q is %v", t.Name, i/len(t.NumNames), t.NumNames[i%len(t.NumNames)], v)
		}
	}
	return nil
}

func checkFractions(opt PrepareOptions) error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"test", opt.Test}, {"validation", opt.Validation}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v >= 1 {
			return fmt.Errorf("prepare: %s fraction must be in [0, 1), got %v", f.name, f.v)
		}
	}
	if opt.Test+opt.Validation >= 1 {
		return fmt.Errorf("prepare: test (%v) plus validation (%v) fractions must be below 1", opt.Test, opt.Validation)
	}
	switch {
	case math.IsNaN(opt.Carve) || opt.Carve < 0 || opt.Carve >= 1:
		return fmt.Errorf("prepare: carved validation fraction must be in [0, 1), got %v", opt.Carve)
	case opt.Folds < 0 || opt.Folds == 1:
		return fmt.Errorf("prepare: folds must be 0 or ≥ 2, got %d", opt.Folds)
	case opt.Folds > 0 && (opt.Fold < 0 || opt.Fold >= opt.Folds):
		return fmt.Errorf("prepare: fold %d of %d folds, want 0..%d", opt.Fold, opt.Folds, opt.Folds-1)
	case (opt.Carve > 0 || opt.Folds > 0) && opt.Validation > 0:
		return fmt.Errorf("prepare: a carved validation split or folds with validation fraction %v: the validation rows come from one or the other", opt.Validation)
	case opt.Carve > 0 && opt.Folds > 0:
		return fmt.Errorf("prepare: carve %v and %d folds: choose one", opt.Carve, opt.Folds)
	}
	return nil
}

// holdOut moves rows of the training split (which[i] = inTrain, labeled)
// to the validation split: opt.Carve of them, or fold opt.Fold of
// opt.Folds. Units are rows, or whole sequences for sequence tables;
// stratified by class when asked (classification), in the shuffled order
// perm (sequences in an order drawn from rng, which the split has
// finished using).
func holdOut(t *Table, opt PrepareOptions, rng *rand.Rand, perm []int, which []uint8) error {
	groups := holdOutUnits(t, opt, rng, perm, which)
	unit := "rows"
	if t.SeqID != nil {
		unit = "sequences"
	}
	total := 0
	sizes := make([]int, len(groups))
	for c, g := range groups {
		sizes[c] = len(g)
		total += len(g)
	}
	if opt.Folds > 0 {
		if total < opt.Folds {
			return fmt.Errorf("prepare %s: %d training %s cannot make %d folds", t.Name, total, unit, opt.Folds)
		}
		// Deal the units of every class in turn round the folds: each
		// class is spread evenly and fold sizes differ by at most one.
		k := 0
		for _, g := range groups {
			for _, u := range g {
				if k%opt.Folds == opt.Fold {
					for _, i := range u {
						which[i] = inValidation
					}
				}
				k++
			}
		}
		return nil
	}
	n := int(math.Round(opt.Carve * float64(total)))
	if n == 0 || n >= total {
		return fmt.Errorf("prepare %s: a validation fraction %v of the %d training %s leaves the validation or the training split empty", t.Name, opt.Carve, total, unit)
	}
	for c, m := range apportion(n, opt.Carve, sizes) {
		for _, u := range groups[c][:m] {
			for _, i := range u {
				which[i] = inValidation
			}
		}
	}
	return nil
}

// apportion splits total among classes in proportion to their sizes
// (quota frac·size), by largest remainder so the parts sum to total.
func apportion(total int, frac float64, sizes []int) []int {
	return apportionCapped(total, frac, sizes, sizes)
}

// apportionCapped is apportion with part[c] ≤ caps[c]; when the caps bind,
// the parts may sum to less than total.
func apportionCapped(total int, frac float64, sizes, caps []int) []int {
	k := len(sizes)
	part := make([]int, k)
	rem := make([]float64, k)
	sum := 0
	for c := range k {
		q := frac * float64(sizes[c])
		part[c] = min(int(math.Floor(q)), caps[c])
		rem[c] = q - math.Floor(q)
		sum += part[c]
	}
	order := make([]int, k)
	for c := range order {
		order[c] = c
	}
	// Largest fractional part first; ties go to the lower class index.
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rem[a] > rem[b]:
			return -1
		case rem[a] < rem[b]:
			return 1
		}
		return 0
	})
	for sum < total {
		progress := false
		for _, c := range order {
			if sum == total {
				break
			}
			if part[c] < caps[c] {
				part[c]++
				sum++
				progress = true
			}
		}
		if !progress {
			break
		}
	}
	return part
}

// encoder holds what is fitted on the training rows.
type encoder struct {
	mean, scale []float64        // per numeric column (0 and 1 without standardization)
	cats        []map[string]int // per categorical column: value → offset within its block
	offset      []int            // per categorical column: first one-hot column
	d           int              // output width
	names       []string         // output feature names
}

func fitEncoder(t *Table, train []int, standardize bool) (*encoder, error) {
	p := len(t.NumNames)
	e := &encoder{mean: make([]float64, p), scale: make([]float64, p)}
	for j := range p {
		e.scale[j] = 1
	}
	if standardize {
		for j := range p {
			if err := e.standardize(t, train, j); err != nil {
				return nil, err
			}
		}
	}
	e.names = slices.Clone(t.NumNames)
	e.d = p
	q := len(t.CatNames)
	e.cats = make([]map[string]int, q)
	e.offset = make([]int, q)
	for j := range q {
		seen := make(map[string]bool)
		var vals []string
		for _, i := range train {
			v := t.CatX[i*q+j]
			if !seen[v] {
				seen[v] = true
				vals = append(vals, v)
			}
		}
		slices.Sort(vals)
		e.offset[j] = e.d
		e.cats[j] = make(map[string]int, len(vals))
		for o, v := range vals {
			e.cats[j][v] = o
			e.names = append(e.names, t.CatNames[j]+"="+v)
		}
		e.d += len(vals)
	}
	return e, nil
}

// apply encodes the given rows of t.
func (e *encoder) apply(t *Table, rows []int) *Dataset {
	p, q := len(t.NumNames), len(t.CatNames)
	ds := &Dataset{
		N:        len(rows),
		D:        e.d,
		X:        make([]float64, len(rows)*e.d),
		T:        t.targetsPerRow(),
		Features: slices.Clone(e.names),
	}
	ds.Y = make([]float64, len(rows)*ds.T)
	if t.Group != nil {
		ds.Group = make([]int, len(rows))
	}
	if t.Label != nil {
		ds.Label = make([]int, len(rows))
	}
	ds.A, ds.F = len(t.AuxNames), len(t.FactorNames)
	if t.SeqID != nil {
		ds.Seq = make([]int, len(rows))
	}
	if ds.A > 0 {
		ds.Aux = make([]float64, len(rows)*ds.A)
	}
	if ds.F > 0 {
		ds.Factors = make([]float64, len(rows)*ds.F)
	}
	for r, i := range rows {
		out := ds.X[r*e.d : (r+1)*e.d]
		for j := range p {
			out[j] = (t.NumX[i*p+j] - e.mean[j]) / e.scale[j]
		}
		for j := range q {
			if o, ok := e.cats[j][t.CatX[i*q+j]]; ok {
				out[e.offset[j]+o] = 1
			}
		}
		copy(ds.Y[r*ds.T:(r+1)*ds.T], t.Y[i*ds.T:(i+1)*ds.T])
		if t.Group != nil {
			ds.Group[r] = t.Group[i]
		}
		if t.Label != nil {
			ds.Label[r] = t.Label[i]
		}
		if t.SeqID != nil {
			ds.Seq[r] = t.SeqID[i]
		}
		copy(ds.Aux[r*ds.A:(r+1)*ds.A], t.Aux[i*ds.A:(i+1)*ds.A])
		copy(ds.Factors[r*ds.F:(r+1)*ds.F], t.Factors[i*ds.F:(i+1)*ds.F])
	}
	return ds
}

// splitSequences assigns whole sequences to the splits: the distinct
// sequence ids in shuffled order, the first round(test·S) to test, the
// next round(validation·S) to validation, the rest to train.
func splitSequences(t *Table, n int, opt PrepareOptions, rng *rand.Rand, which []uint8) error {
	var ids []int
	seen := map[int]bool{}
	for _, q := range t.SeqID[:n] {
		if !seen[q] {
			seen[q] = true
			ids = append(ids, q)
		}
	}
	slices.Sort(ids)
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	S := len(ids)
	nTest := int(math.Round(opt.Test * float64(S)))
	nVal := int(math.Round(opt.Validation * float64(S)))
	if (opt.Test > 0 && nTest == 0) || (opt.Validation > 0 && nVal == 0) || nTest+nVal >= S {
		return fmt.Errorf("prepare %s: test %v and validation %v of %d sequences leave a split without a whole sequence (splits are by sequence)", t.Name, opt.Test, opt.Validation, S)
	}
	dest := map[int]uint8{}
	for j, q := range ids {
		switch {
		case j < nTest:
			dest[q] = inTest
		case j < nTest+nVal:
			dest[q] = inValidation
		default:
			dest[q] = inTrain
		}
	}
	for i, q := range t.SeqID[:n] {
		which[i] = dest[q]
	}
	return nil
}

// maskMissing reports whether row i of a segmentation table has no mask
// (its targets are NaN).
func (t *Table) maskMissing(i int) bool {
	T := t.targetsPerRow()
	return T > 0 && math.IsNaN(t.Y[i*T])
}

// looksContinuous reports whether class labels look like the values of a
// numeric target: every label a number and either one of them fractional
// or more distinct labels than a quarter of the rows.
func looksContinuous(classes []string, rows int) bool {
	if len(classes) < 3 {
		return false
	}
	frac := false
	for _, c := range classes {
		x, err := strconv.ParseFloat(strings.TrimSpace(c), 64)
		if err != nil {
			return false
		}
		frac = frac || x != math.Trunc(x)
	}
	return frac || 4*len(classes) > rows
}

// holdOutUnits returns the training rows that may be held out, as groups
// (one per class when stratified) of units (a sequence's rows, or a row),
// in shuffled order.
func holdOutUnits(t *Table, opt PrepareOptions, rng *rand.Rand, perm []int, which []uint8) [][][]int {
	var groups [][][]int
	switch {
	case t.SeqID != nil:
		rows := map[int][]int{}
		var ids []int
		for i, q := range t.SeqID {
			if which[i] != inTrain {
				continue
			}
			if rows[q] == nil {
				ids = append(ids, q)
			}
			rows[q] = append(rows[q], i)
		}
		slices.Sort(ids)
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		var g [][]int
		for _, q := range ids {
			g = append(g, rows[q])
		}
		groups = [][][]int{g}
	case opt.Stratify && t.Task == Classification:
		groups = make([][][]int, len(t.Classes))
		for _, i := range perm {
			if which[i] == inTrain {
				c := int(t.Y[i])
				groups[c] = append(groups[c], []int{i})
			}
		}
	default:
		var g [][]int
		for _, i := range perm {
			if which[i] == inTrain && !(t.Task == Segmentation && t.maskMissing(i)) {
				g = append(g, []int{i})
			}
		}
		groups = [][][]int{g}
	}
	return groups
}

// checkTargets checks the table's target values against its task.
func checkTargets(t *Table) error {
	tpr := t.targetsPerRow()
	for i, v := range t.Y {
		if t.Task == Segmentation && t.maskMissing(i/tpr) {
			if !math.IsNaN(v) {
				return fmt.Errorf("prepare %s: row %d has a missing mask (NaN) but mask value %v at position %d: a mask is missing whole or not at all", t.Name, i/tpr, v, i%tpr)
			}
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("prepare %s: row %d has target %v", t.Name, i/tpr, v)
		}
		if t.Task == Segmentation && !(v >= 0 && v <= 1) {
			return fmt.Errorf("prepare %s: row %d has mask value %v at position %d, want a value in [0, 1]", t.Name, i/tpr, v, i%tpr)
		}
		if t.Task == Classification && (v != math.Trunc(v) || v < 0 || int(v) >= len(t.Classes)) {
			return fmt.Errorf("prepare %s: row %d has class index %v, want an integer in 0..%d", t.Name, i, v, len(t.Classes)-1)
		}
	}
	return nil
}

// standardize sets the mean and scale of numeric column j from the
// training rows.
func (e *encoder) standardize(t *Table, train []int, j int) error {
	p := len(t.NumNames)
	first := t.NumX[train[0]*p+j]
	constant := true
	sum := 0.0
	for _, i := range train {
		v := t.NumX[i*p+j]
		sum += v
		constant = constant && v == first
	}
	if constant {
		// Centering on the exact value keeps the column at exact
		// zeros; the scale stays 1.
		e.mean[j] = first
		return nil
	}
	mean := sum / float64(len(train))
	ss := 0.0
	for _, i := range train {
		d := t.NumX[i*p+j] - mean
		ss += d * d
	}
	sd := math.Sqrt(ss / float64(len(train)))
	if math.IsInf(mean, 0) || math.IsInf(sd, 0) || math.IsNaN(sd) {
		return fmt.Errorf("prepare %s: feature %q is too large to standardize (values near ±1e308)", t.Name, t.NumNames[j])
	}
	e.mean[j] = mean
	if sd > 0 {
		e.scale[j] = sd
	}
	return nil
}

package experiments

import (
	"fmt"
	"strings"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
)

// DescribeData opens the spec's data (as OpenData, with the same lookup
// and errors) and returns its Describe text: what `lossexp validate`
// prints about the data.
func DescribeData(s *spec.Spec, dirs Folders) (string, error) {
	d, err := OpenData(s, dirs)
	if err != nil {
		return "", err
	}
	return d.Describe(), nil
}

// Warnings lists what the reader accepted but a user should hear about
// (test-file levels unseen in training, encoded as zeros under
// split.unseen: zero); nil for a builtin or a clean file.
func (d *DataSource) Warnings() []string {
	if d.table == nil {
		return nil
	}
	return d.table.Warnings
}

// Describe returns a few lines saying what data the spec reads: for a CSV
// the file(s) found, the rows and columns, the features after the
// sequence context, the classes with their counts, the groups with their
// counts, the sequences, the image shape, the rows dropped for missing
// values and any warning; for a built-in generator the same counts of
// the sample it draws for repeat 0's seed. `lossexp validate` prints it.
// A training command's spec has no data of its own: the line names its
// inputs and their hash.
func (d *DataSource) Describe() string {
	s := d.spec
	if s.Trainer != nil {
		in := "no inputs"
		if len(s.Trainer.Inputs) > 0 {
			in = "inputs " + strings.Join(s.Trainer.Inputs, ", ")
		}
		return fmt.Sprintf("data: the training command's own (%s, sha256 %.12s)\n", in, d.inputs)
	}
	var b strings.Builder
	t, msg := d.describeSource(&b)
	if t == nil {
		return msg
	}
	fmt.Fprintf(&b, "  features: %d numeric", len(t.NumNames))
	if len(t.CatNames) > 0 {
		fmt.Fprintf(&b, ", %d categorical (%s; one-hot on the training rows)", len(t.CatNames), strings.Join(t.CatNames, ", "))
	}
	b.WriteString("\n")
	describeTarget(&b, s, t)
	if t.Group != nil {
		name := s.Dataset.Group
		if name == "" {
			name = "built-in"
		}
		fmt.Fprintf(&b, "  groups (%s): %s\n", name, counts(t.GroupNames, t.N, func(i int) int { return t.Group[i] }))
	}
	if len(t.AuxNames) > 0 {
		fmt.Fprintf(&b, "  auxiliary targets: %d\n", len(t.AuxNames))
	}
	describeSequences(&b, s, t)
	for _, w := range t.Warnings {
		fmt.Fprintf(&b, "  warning: %s\n", w)
	}
	return b.String()
}

// describeSource writes the data's first lines (where it comes from, its
// rows) to b and returns its table; a built-in that cannot be sampled
// gives no table and the line saying why.
func (d *DataSource) describeSource(b *strings.Builder) (*dataset.Table, string) {
	s := d.spec
	t := d.table
	if t == nil {
		var err error
		t, err = dataset.Builtin(s.Dataset.Builtin, s.Dataset.Params, RepeatSeed(s.Seed, 0))
		if err != nil {
			return nil, fmt.Sprintf("data: builtin %s: %v\n", s.Dataset.Builtin, err)
		}
		fmt.Fprintf(b, "data: builtin %s (a fresh sample per repeat): %d rows\n", s.Dataset.Builtin, t.N)
	} else {
		nTrain := t.N
		if t.TestFrom > 0 {
			nTrain = t.TestFrom
		}
		fmt.Fprintf(b, "data: %s: %d rows, %d columns", d.csvPath, nTrain, t.Columns)
		if t.Dropped > 0 {
			fmt.Fprintf(b, " (%d rows with missing values dropped)", t.Dropped)
		}
		b.WriteString("\n")
		if t.TestFrom > 0 {
			fmt.Fprintf(b, "  test split: %s: %d rows\n", d.testPath, t.N-t.TestFrom)
		}
	}
	return t, ""
}

// describeTarget writes the line on t's target (classes, values, mask).
func describeTarget(b *strings.Builder, s *spec.Spec, t *dataset.Table) {
	switch {
	case t.Label != nil && t.Task == dataset.Regression && s.Dataset.Image != nil:
		im := s.Dataset.Image
		fmt.Fprintf(b, "  images: %d×%d, %d channel(s): the clean image (%d values) is the target, the input its degraded copy\n", im.Width, im.Height, im.Channels, t.T)
		fmt.Fprintf(b, "  image classes (%s, for the perceptual term's classifier): %s\n", s.Dataset.Target, counts(t.LabelNames, t.N, func(i int) int { return t.Label[i] }))
	case t.Task == dataset.Classification:
		fmt.Fprintf(b, "  classes (%s): %s\n", targetName(s), counts(t.Classes, t.N, func(i int) int { return int(t.Y[i]) }))
	case t.Task == dataset.Regression && t.T > 1:
		fmt.Fprintf(b, "  target: %d values per row (regression)\n", t.T)
	case t.Task == dataset.Segmentation:
		fmt.Fprintf(b, "  target: a mask of %d positions per row (segmentation)\n", t.T)
	default:
		fmt.Fprintf(b, "  target (%s): regression\n", targetName(s))
	}
}

// describeSequences writes the line on t's sequences, if it has any.
func describeSequences(b *strings.Builder, s *spec.Spec, t *dataset.Table) {
	if t.SeqID == nil {
		return
	}
	seqs := map[int]int{}
	for _, q := range t.SeqID {
		seqs[q]++
	}
	lo, hi := t.N, 0
	for _, n := range seqs {
		lo, hi = min(lo, n), max(hi, n)
	}
	frames := fmt.Sprintf("%d frames", lo)
	if hi != lo {
		frames = fmt.Sprintf("%d to %d frames", lo, hi)
	}
	inTest := ""
	if t.TestFrom > 0 {
		test := map[int]bool{}
		for _, q := range t.SeqID[t.TestFrom:] {
			test[q] = true
		}
		inTest = fmt.Sprintf(", %d of them in the test file", len(test))
	}
	fmt.Fprintf(b, "  sequences: %d of %s%s (splits by sequence)", len(seqs), frames, inTest)
	if sq := s.Dataset.Sequence; sq != nil && sq.Context > 0 {
		fmt.Fprintf(b, "; context ±%d frames", sq.Context)
	}
	b.WriteString("\n")
}

func targetName(s *spec.Spec) string {
	if s.Dataset.Target != "" {
		return s.Dataset.Target
	}
	return "built-in"
}

// counts lists each name with its number of rows: "a 3, b 5".
func counts(names []string, n int, of func(i int) int) string {
	c := make([]int, len(names))
	for i := range n {
		c[of(i)]++
	}
	parts := make([]string, len(names))
	for k, name := range names {
		parts[k] = fmt.Sprintf("%s %d", name, c[k])
	}
	return fmt.Sprintf("%d: %s", len(names), strings.Join(parts, ", "))
}

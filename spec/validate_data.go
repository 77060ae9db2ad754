package spec

import (
	"slices"
)

// unseenPolicies are the values of dataset.split.unseen.
var unseenPolicies = []string{"error", "zero"}

// maxSequenceContext bounds dataset.sequence.context.
const maxSequenceContext = 50

// validateDataExtras checks dataset.sequence, dataset.image and
// dataset.split.test_csv / unseen: csv only, columns named, numbers in
// range.
func (s *Spec) validateDataExtras(v *validator) {
	ds := &s.Dataset
	if ds.Builtin != "" || s.has("dataset.builtin") {
		for _, k := range []string{"sequence", "image", "split.test_csv", "split.unseen"} {
			if s.has("dataset." + k) {
				v.addf("dataset."+k, "only for csv datasets (builtin %q brings its own structure)", ds.Builtin)
			}
		}
		return
	}
	if ds.Sequence != nil {
		s.validateSequence(v)
	}
	if ds.Image != nil {
		s.validateImage(v)
	}
	sp := &ds.Split
	if s.has("dataset.split.test_csv") && sp.TestCSV == "" {
		v.addf("dataset.split.test_csv", "must not be empty")
	}
	if sp.TestCSV != "" && sp.Test != 0 {
		v.addf("dataset.split.test", "the test split is test_csv %q; remove test (or set it to 0) and use validation for a held-out part of the training file", sp.TestCSV)
	}
	if s.has("dataset.split.unseen") {
		if sp.TestCSV == "" {
			v.addf("dataset.split.unseen", "only with test_csv: it says what a categorical level of the test file that training lacks becomes")
		} else {
			v.choice("dataset.split.unseen", "unseen-level policy", sp.Unseen, unseenPolicies)
		}
	}
}

// validateSequence checks dataset.sequence: its id and order columns
// named, distinct and no other role, its context in range.
func (s *Spec) validateSequence(v *validator) {
	ds := &s.Dataset
	sq := ds.Sequence
	for _, c := range []struct{ key, val string }{{"id", sq.ID}, {"order", sq.Order}} {
		f := "dataset.sequence." + c.key
		switch {
		case c.val == "":
			if !s.has(f) {
				f = "dataset.sequence"
			}
			v.addf(f, "name the sequence's %s column (dataset.sequence: {id: <column>, order: <column>})", c.key)
		case c.val == ds.Target:
			v.addf(f, "%q is the target; it cannot also be a sequence column", c.val)
		case c.val == ds.Group:
			v.addf(f, "%q is the group column; it cannot also be a sequence column", c.val)
		case slices.Contains(ds.Features, c.val):
			v.addf(f, "%q is listed in features; a sequence column is not a feature", c.val)
		case slices.Contains(ds.AuxTargets, c.val):
			v.addf(f, "%q is an auxiliary target; it cannot also be a sequence column", c.val)
		}
	}
	if sq.ID != "" && sq.ID == sq.Order {
		v.addf("dataset.sequence.order", "%q is the id column; the order needs a column of its own", sq.Order)
	}
	if sq.Context < 0 || sq.Context > maxSequenceContext {
		v.addf("dataset.sequence.context", "must be between 0 and %d frames, got %d", maxSequenceContext, sq.Context)
	}
}

// validateImage checks dataset.image: its size, channels, pixel scale,
// blur, noise and downsampling, and that it sets no task.
func (s *Spec) validateImage(v *validator) {
	im := s.Dataset.Image
	for _, d := range []struct {
		key string
		val int
	}{{"width", im.Width}, {"height", im.Height}} {
		f := "dataset.image." + d.key
		if d.val < 1 || d.val > 4096 {
			if !s.has(f) {
				v.addf("dataset.image", "give the image's %s in pixels", d.key)
			} else {
				v.addf(f, "must be between 1 and 4096 pixels, got %d", d.val)
			}
		}
	}
	if im.Channels < 1 || im.Channels > 4 {
		v.addf("dataset.image.channels", "must be between 1 and 4, got %d", im.Channels)
	}
	v.inRange("dataset.image.max", im.Max, im.Max > 0, "> 0 (the pixel value that maps to 1)")
	v.inRange("dataset.image.blur", im.Blur, im.Blur >= 0, "≥ 0")
	v.inRange("dataset.image.noise", im.Noise, im.Noise >= 0, "≥ 0")
	if dn := im.Downsample; dn < 1 || (im.Width >= 1 && im.Width%dn != 0) || (im.Height >= 1 && im.Height%dn != 0) {
		v.addf("dataset.image.downsample", "must be ≥ 1 and divide the width (%d) and the height (%d), got %d", im.Width, im.Height, dn)
	}
	if s.has("dataset.task") {
		v.addf("dataset.task", "dataset.image builds a restoration task (regression: the clean image is the target; the target column holds the image's class, for the perceptual term's classifier): remove task")
	}
}

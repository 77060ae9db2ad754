package experiments

import (
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/lossterms"
)

// Kinds of Samples.
const (
	SamplesScatter  = "scatter"  // adversarial: columns x, y, yhat (first feature, target, generated)
	SamplesImages   = "images"   // perceptual: columns image, role (0 input, 1 restored, 2 target), p0…p63
	SamplesSequence = "sequence" // temporal: columns frame, truth, pred (one test sequence)
)

// Samples is a small table of one run's test predictions for figures:
// repeat 0 only, at most a few hundred rows, a pure function of (spec,
// grid point).
type Samples struct {
	Kind    string
	Columns []string
	Rows    [][]float64
}

// maxScatter is the most test rows a scatter sample keeps; maxImages the
// most images.
const (
	maxScatter = 150
	maxImages  = 6
)

// samples returns the run's figure samples, or nil when none of its
// terms has a figure.
func (t *trainer) samples() *Samples {
	ts := t.data.Test
	if ts == nil || ts.N == 0 {
		return nil
	}
	kind, _ := t.sampler()
	switch {
	case kind == lossterms.SampleScatter:
		out := t.outputs(ts)
		s := &Samples{Kind: SamplesScatter, Columns: []string{"x", "y", "yhat"}}
		for i := range min(ts.N, maxScatter) {
			s.Rows = append(s.Rows, []float64{ts.X[i*ts.D], ts.Y[i*t.k], out[i*t.k]})
		}
		return s
	case kind == lossterms.SampleImages && ts.T == dataset.GlyphSide*dataset.GlyphSide && ts.D == ts.T:
		out := t.outputs(ts)
		P := ts.T
		s := &Samples{Kind: SamplesImages, Columns: []string{"image", "role"}}
		for j := range P {
			s.Columns = append(s.Columns, "p"+itoa(j))
		}
		for i := range min(ts.N, maxImages) {
			for role, img := range [][]float64{ts.X[i*P : (i+1)*P], out[i*P : (i+1)*P], ts.Y[i*P : (i+1)*P]} {
				s.Rows = append(s.Rows, append([]float64{float64(i), float64(role)}, img...))
			}
		}
		return s
	case ts.Seq != nil && t.data.Task == dataset.Classification:
		out := t.outputs(ts)
		pred := make([]int, ts.N)
		lossterms.PredictedLabels(pred, out, ts.N, t.k)
		s := &Samples{Kind: SamplesSequence, Columns: []string{"frame", "truth", "pred"}}
		for i := 0; i < ts.N && ts.Seq[i] == ts.Seq[0]; i++ {
			s.Rows = append(s.Rows, []float64{float64(i), ts.Y[i], float64(pred[i])})
		}
		return s
	}
	return nil
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

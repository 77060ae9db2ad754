package experiments

import (
	"math/rand/v2"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/lossterms"
)

// Streams of the noise inputs of a conditional generator (model.noise):
// the training batches draw from streamNoise, one value per row, noise
// input and step, in batch order; the evaluation of split j (0 train,
// 1 validation, 2 test) draws one fixed sample from streamNoiseEval+j.
// Both depend on (seed, repeat) alone, so runs stay paired across λ.
const (
	streamNoise     = 0x6c6f737365787020
	streamNoiseEval = 0x6c6f737365787021
)

// gen is the trainer's state for a conditional generator: the noise
// inputs appended to every row and the terms that read the features
// without them.
type gen struct {
	noise    int        // noise inputs per row (model.noise)
	noiseRng *rand.Rand // training noise (streamNoise)
	noiseSrc *rand.PCG  // noiseRng's source (a rung's state keeps it)
	xc       []float64  // the batch's features without the noise (batch × D); nil when noise is 0
	conds    []lossterms.Conditioned
	evalX    map[*dataset.Dataset][]float64 // a split's features with its fixed noise (noise > 0)
	repeat   int
}

// initGen sizes the generator's buffers; batch is the largest batch.
func (t *trainer) initGen(run *Run, batch int) {
	t.noise = t.din - t.data.Train.D
	t.repeat = run.Repeat
	if t.noise == 0 {
		return
	}
	t.noiseSrc = repeatPCG(t.spec.Seed, run.Repeat, streamNoise)
	t.noiseRng = rand.New(t.noiseSrc)
	t.xc = make([]float64, batch*t.data.Train.D)
	t.evalX = map[*dataset.Dataset][]float64{}
}

// loadBatch copies the training rows perm[lo:lo+n] into the batch
// buffers, each row's features followed by fresh noise, with their
// targets, groups and auxiliary targets, points the conditioned terms at
// the batch's features, and returns the model's n×din inputs.
func (t *trainer) loadBatch(tr *dataset.Dataset, lo, n int) []float64 {
	d, din, T := tr.D, t.din, t.tpr
	for r := 0; r < n; r++ {
		i := t.perm[lo+r]
		row := t.xb[r*din : (r+1)*din]
		copy(row[:d], tr.X[i*d:(i+1)*d])
		for j := d; j < din; j++ {
			row[j] = t.noiseRng.NormFloat64()
		}
		if T == 1 {
			t.yb[r] = tr.Y[i]
		} else {
			copy(t.yb[r*T:(r+1)*T], tr.Y[i*T:(i+1)*T])
		}
	}
	if t.batchTerms > 0 {
		t.copyBatchColumns(tr, lo, n)
	}
	if len(t.conds) > 0 {
		xc := t.xb[:n*d]
		if t.noise > 0 {
			xc = t.xc[:n*d]
			for r := 0; r < n; r++ {
				i := t.perm[lo+r]
				copy(xc[r*d:(r+1)*d], tr.X[i*d:(i+1)*d])
			}
		}
		for _, c := range t.conds {
			c.SetInputs(xc)
		}
	}
	return t.xb[:n*din]
}

// inputs returns the model inputs of every row of ds (ds.N × din): its
// features, followed, for a generator, by one fixed draw of noise per
// split (the same at every λ), made on first use and kept.
func (t *trainer) inputs(ds *dataset.Dataset) []float64 {
	if t.noise == 0 {
		return ds.X
	}
	if x, ok := t.evalX[ds]; ok {
		return x
	}
	j := 0
	switch ds {
	case t.data.Validation:
		j = 1
	case t.data.Test:
		j = 2
	}
	rng := RepeatRand(t.spec.Seed, t.repeat, streamNoiseEval+uint64(j))
	d, din := ds.D, t.din
	x := make([]float64, ds.N*din)
	for i := range ds.N {
		row := x[i*din : (i+1)*din]
		copy(row, ds.X[i*d:(i+1)*d])
		for c := d; c < din; c++ {
			row[c] = rng.NormFloat64()
		}
	}
	t.evalX[ds] = x
	return x
}

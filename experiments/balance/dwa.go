package balance

import "math"

func init() { register(func() Method { return new(DWA) }) }

// DWA is dynamic weight averaging (Liu, Johns & Davison 2019): the
// weights of an epoch are K·softmax_i(r_i/T), r_i the ratio of loss i's
// mean over the last two epochs; 1 in the first two epochs.
type DWA struct {
	Base
	temp        float64
	prev, prev2 []float64 // the mean losses of the last two epochs
	epochs      int       // epochs seen
}

// Info describes the method.
func (*DWA) Info() Info {
	return Info{Name: "dwa", Order: 30,
		Summary: "Liu et al. 2019: weights K·softmax(r_i/T), r_i the ratio of the last two epochs' mean losses",
		Params:  []Param{{Name: "T", Value: 2, Meaning: "temperature: larger T, weights closer to 1", Valid: "> 0", In: above0}},
		Losses:  true}
}

// Start reads the temperature T.
func (d *DWA) Start(s *Setup) error {
	d.temp = s.Params["T"]
	d.prev, d.prev2 = make([]float64, s.K), make([]float64, s.K)
	return nil
}

// StartEpoch sets the epoch's weights.
func (d *DWA) StartEpoch(w []float64) {
	if d.epochs >= 2 {
		DWAWeights(w, d.prev, d.prev2, d.temp)
		return
	}
	for i := range w {
		w[i] = 1
	}
}

// EndEpoch records the epoch's mean losses.
func (d *DWA) EndEpoch(mean []float64) {
	copy(d.prev2, d.prev)
	copy(d.prev, mean)
	d.epochs++
}

// DWAWeights writes K·softmax_i(r_i/T) into w, r_i = prev[i]/prev2[i]
// the ratio of the mean losses of the last two epochs (Liu et al. 2019,
// eq. 7); a ratio that is not finite or positive counts as 1.
func DWAWeights(w, prev, prev2 []float64, temp float64) {
	k := len(w)
	checkK("DWAWeights", k, len(prev), len(prev2))
	mx := math.Inf(-1)
	for i := range k {
		w[i] = ratio(prev[i], prev2[i]) / temp
		mx = max(mx, w[i])
	}
	var s float64
	for i := range k {
		w[i] = math.Exp(w[i] - mx)
		s += w[i]
	}
	for i := range k {
		w[i] *= float64(k) / s
	}
}

package sweep

import (
	"fmt"

	"github.com/lossexp/lossexp/experiments"
)

// Scale sets Plan.Effective, the λ tuple each run trains with, when a term
// of s has a scale (experiments/scale.go): λ·factor for the scaled terms,
// λ for the others. The factors depend on the effective spec and the
// repeat alone, so they are measured once per axis point and repeat.
// data is the sweep's data (plans of an axis point use Plan.Data). A spec
// without scale leaves the plans alone.
func Scale(s *experiments.Spec, data *experiments.DataSource, plans []Plan) error {
	if !s.HasScale() {
		return nil
	}
	type key struct {
		spec   *experiments.Spec
		repeat int
	}
	cache := map[key][]float64{}
	for i := range plans {
		p := &plans[i]
		rs, rd := s, data
		if p.Spec != nil {
			rs, rd = p.Spec, p.Data
		}
		k := key{rs, p.Repeat}
		f, ok := cache[k]
		if !ok {
			if rd == nil {
				return fmt.Errorf("scale run %s: the data of its axis point is not open", p.ID)
			}
			sp, err := rd.Prepare(p.Repeat)
			if err != nil {
				return err
			}
			f, err = experiments.InitialScales(&experiments.Run{Index: p.Index, Point: p.Point, Repeat: p.Repeat, Lambdas: p.Lambdas, Spec: rs, Data: sp})
			if err != nil {
				return fmt.Errorf("scale repeat %d: %w", p.Repeat, err)
			}
			cache[k] = f
		}
		p.Effective = make([]float64, len(p.Lambdas))
		for j, l := range p.Lambdas {
			p.Effective[j] = experiments.EffectiveLambda(l, f[j])
		}
	}
	return nil
}

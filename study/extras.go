package study

import (
	"errors"
	"github.com/lossexp/lossexp/report/table"
	"maps"
	"math"
	"slices"

	"github.com/lossexp/lossexp/sweep"
)

// extraColumns returns the metrics that the stored runs of a training
// command reported beyond the layout's (sweep.Record.ExtraNames), in name
// order, for runs.csv's columns after the listed ones: one pass over the
// store holding the names alone. None for the built-in trainer.
func (st *Study) extraColumns(store *sweep.Store) ([]string, error) {
	if st.Spec.Trainer == nil {
		return nil, nil
	}
	set := map[string]bool{}
	for p := range st.Plans.All() {
		rec, err := store.Load(p.ID)
		if errors.Is(err, sweep.ErrNoRecord) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !rec.Columns(p.Base, st.Layout.Metrics, st.Layout.Curves) {
			continue
		}
		for _, n := range rec.ExtraNames {
			if !set[n] && table.ExtraColumn(n) && !slices.Contains(st.Layout.Metrics, n) {
				set[n] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set)), nil
}

// extraValues returns rec's values of the columns cols (NaN where it
// reported none); col maps a column to its index in cols.
func extraValues(rec *sweep.Record, cols []string, col map[string]int) []float64 {
	if len(cols) == 0 {
		return nil
	}
	v := make([]float64, len(cols))
	for i := range v {
		v[i] = math.NaN()
	}
	for i, n := range rec.ExtraNames {
		if j, ok := col[n]; ok {
			v[j] = rec.Extra[i]
		}
	}
	return v
}

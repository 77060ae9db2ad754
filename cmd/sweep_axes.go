package cmd

import (
	"math"
	"slices"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/sweep"
)

// prepareAxes readies the plans of a spec with sweep axes or scaled terms:
// it opens the data of every axis point (before the ids are assigned: an
// id covers the data's checksum) and adds the axis and lambda_eff columns
// to layout. Specs without either are left as they are.
func prepareAxes(s *experiments.Spec, plans []sweep.Plan, dataDir string, layout *report.Layout) error {
	if err := sweep.AttachData(plans, dataDir); err != nil {
		return inputError(err)
	}
	layout.Axes = s.AxisNames()
	for _, i := range s.ScaledTerms() {
		layout.Scaled = append(layout.Scaled, s.Loss.Terms[i].Name)
	}
	return nil
}

// runExtra returns the optional columns of a stored run: its axis values
// (from its plan) and the effective λ of the scaled terms (from its
// record).
func runExtra(layout report.Layout, p sweep.Plan, rec *sweep.Record) report.Extra {
	x := report.Extra{Axes: p.AxisValues}
	for _, name := range layout.Scaled {
		i := slices.Index(layout.Terms, name)
		v := math.NaN() // a record written without it: an empty cell
		if i >= 0 && i < len(rec.LambdaEff) {
			v = rec.LambdaEff[i]
		}
		x.LambdaEff = append(x.LambdaEff, v)
	}
	return x
}

package experiments

import (
	"maps"
	"slices"
)

// extraMetrics returns the metrics of a training command's final line
// that names (the sweep's metric columns) does not list, in name order,
// and their values: kept in the run's Result (ExtraNames, Extra) so that
// nothing the command reported is dropped.
func extraMetrics(final map[string]float64, names []string) ([]string, []float64) {
	var xn []string
	for _, k := range slices.Sorted(maps.Keys(final)) {
		if !slices.Contains(names, k) {
			xn = append(xn, k)
		}
	}
	if len(xn) == 0 {
		return nil, nil
	}
	xv := make([]float64, len(xn))
	for i, k := range xn {
		xv[i] = final[k]
	}
	return xn, xv
}

package experiments

import "strings"

// MetricBetter returns the direction in which a metric improves, "higher",
// "lower" or "" (neither), from MetricCatalogue: an exact entry
// ("gap.accuracy") wins over a split pattern ("<split>.accuracy"), and a
// per-group metric ("test.accuracy.female") takes its base metric's
// direction.
func MetricBetter(metric string) string {
	cat := MetricCatalogue()
	for _, m := range cat {
		if m.Name == metric {
			return m.Better
		}
	}
	_, base, ok := strings.Cut(metric, ".")
	if !ok {
		return ""
	}
	for _, name := range []string{"<split>." + base, "<split>." + strings.SplitN(base, ".", 2)[0]} {
		for _, m := range cat {
			if m.Name == name {
				return m.Better
			}
		}
	}
	for _, m := range cat { // exact non-split entries such as grad.conflict.<term>
		if p, _, ok := strings.Cut(m.Name, "<"); ok && p != "" && strings.HasPrefix(metric, p) {
			return m.Better
		}
	}
	return ""
}

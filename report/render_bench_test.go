package report_test

import (
	"fmt"
	"testing"
)

// BenchmarkRender: the report stage of a sweep (summary and analysis
// tables, every figure, report.html) on the fixed quickstart study of the
// golden tests, figures drawn on one goroutine and on two (issue 28:
// everything but training). Each iteration copies the study's CSVs
// into a new folder first, a small part of the time.
func BenchmarkRender(b *testing.B) {
	for _, study := range []string{"quickstart", "balancing-methods"} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", study, workers), func(b *testing.B) {
				for b.Loop() {
					renderGolden(b, study, workers)
				}
			})
		}
	}
}

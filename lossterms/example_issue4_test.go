package lossterms_test

import (
	"fmt"

	"github.com/lossexp/lossexp/lossterms"
)

// Flicker counts label changes between consecutive frames of the same
// sequence; FlickerExcess subtracts the true labels' rate.
func ExampleFlicker() {
	seq := []int{0, 0, 0, 0, 1, 1, 1}   // two sequences: 3 + 2 frame pairs
	pred := []int{0, 1, 0, 0, 2, 2, 2}  // changes 0→1, 1→0
	truth := []int{0, 0, 0, 0, 2, 2, 1} // change 2→1
	fmt.Println(lossterms.Flicker(pred, seq), lossterms.FlickerExcess(pred, truth, seq))
	// Output:
	// 0.4 0.2
}

// The energy distance (V-statistic) of the two 1-D samples {0, 2} and
// {1, 3}: 2·1.5 − 1 − 1.
func ExampleEnergyDistance() {
	fmt.Println(lossterms.EnergyDistance([]float64{0, 2}, []float64{1, 3}, 1))
	// Output:
	// 1
}

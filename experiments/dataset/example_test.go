package dataset_test

import (
	"fmt"

	"github.com/lossexp/lossexp/experiments/dataset"
)

func ExampleBuiltin() {
	t, err := dataset.Builtin("moons", map[string]float64{"samples": 200}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.N, t.NumNames, t.Classes)

	_, err = dataset.Builtin("moons", map[string]float64{"radius": 2}, 1)
	fmt.Println(err)
	// Output:
	// 200 [x0 x1] [0 1]
	// unknown parameter "radius" for builtin moons (valid: samples, noise)
}

func ExamplePrepare() {
	t, err := dataset.Builtin("blobs", nil, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := dataset.Prepare(t, dataset.PrepareOptions{Test: 0.25, Validation: 0.1, Stratify: true, Standardize: true}, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Train.N, s.Validation.N, s.Test.N, s.Train.D, s.K())
	// Output:
	// 390 60 150 2 3
}

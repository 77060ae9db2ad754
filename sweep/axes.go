package sweep

import (
	"github.com/lossexp/lossexp/experiments"
)

// AttachData opens the data of every axis point's effective spec (a plan
// with Plan.Spec set) once and sets Plan.Data; dataDir is where CSV files
// are looked for after the spec's folder (experiments.OpenData). Call it
// before AssignIDs: a run id covers the data's checksum, which an axis
// such as dataset.params.samples changes. Plans without an effective spec
// are left alone.
func AttachData(plans []Plan, dataDir string) error {
	opened := map[*experiments.Spec]*experiments.DataSource{}
	for i := range plans {
		p := &plans[i]
		if p.Spec == nil {
			continue
		}
		d, ok := opened[p.Spec]
		if !ok {
			var err error
			if d, err = experiments.OpenData(p.Spec, dataDir); err != nil {
				return err
			}
			opened[p.Spec] = d
		}
		p.Data = d
	}
	return nil
}

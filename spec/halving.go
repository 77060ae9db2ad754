package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"go.yaml.in/yaml/v3"
)

// HalvingSpec is sweep.halving: successive halving over the λ grid. Every
// grid point trains at MinEpochs first; after each rung the best
// ceil(n/Eta) points by their mean on the selection split go on to Eta
// times the budget, with every point that could still be λ_best or λ_1se
// (judged on its paired differences to the rung's best, with KeepSE
// standard errors of them as the margin; study/halving_keep.go) and the
// λ = 0 reference, until the full budget (train.epochs, or
// trainer.max_epochs for a command).
//
//	sweep:
//	  halving: {min_epochs: 3, eta: 3, keep_se: 1}
type HalvingSpec struct {
	MinEpochs int
	Eta       int     // default DefaultHalvingEta
	KeepSE    float64 // default DefaultHalvingKeepSE
}

// The defaults of sweep.halving's eta and keep_se.
const (
	DefaultHalvingEta    = 3
	DefaultHalvingKeepSE = 1
)

var halvingKeys = []string{"min_epochs", "eta", "keep_se"}

// halvingSpec decodes sweep.halving, with the defaults for what it leaves
// out.
func (d *decoder) halvingSpec(n *yaml.Node, path string) *HalvingSpec {
	h := &HalvingSpec{Eta: DefaultHalvingEta, KeepSE: DefaultHalvingKeepSE}
	before := len(d.errs)
	d.mapping(n, path, halvingKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "min_epochs":
			d.int(v, f, &h.MinEpochs)
		case "eta":
			d.int(v, f, &h.Eta)
		case "keep_se":
			d.float(v, f, &h.KeepSE)
		}
	})
	if len(d.errs) > before { // its range checks would only repeat the problem
		d.failed = append(d.failed, path)
	}
	return h
}

// Rungs returns the budgets of sweep.halving's rungs in order: MinEpochs,
// MinEpochs·Eta, … while below the full budget, then the full budget. nil
// without halving.
func (s *Spec) Rungs() []int {
	h, full := s.Sweep.Halving, s.FullEpochs()
	if h == nil || h.MinEpochs < 1 || h.Eta < 2 || full <= h.MinEpochs {
		return nil
	}
	var rungs []int
	for b := h.MinEpochs; b < full; b *= h.Eta {
		rungs = append(rungs, b)
	}
	return append(rungs, full)
}

// validateHalving checks sweep.halving.
func (s *Spec) validateHalving(v *validator) {
	h := s.Sweep.Halving
	if h == nil {
		return
	}
	full := s.FullEpochs()
	if s.Trainer != nil && full < 1 {
		v.addf("trainer.max_epochs", "required with sweep.halving: the full budget, the last rung's epochs (the command gets each rung's as {epochs} and LOSSEXP_EPOCHS)")
	}
	field := "train.epochs"
	if s.Trainer != nil {
		field = "trainer.max_epochs"
	}
	switch {
	case h.MinEpochs < 1:
		v.addf("sweep.halving.min_epochs", "required, an integer ≥ 1 (the first rung's epochs), got %d", h.MinEpochs)
	case full >= 1 && h.MinEpochs >= full:
		v.addf("sweep.halving.min_epochs", "must be below the full budget (%s = %d), got %d", field, full, h.MinEpochs)
	}
	if h.Eta < 2 {
		v.addf("sweep.halving.eta", "must be at least 2 (each rung keeps about 1/eta of the points), got %d", h.Eta)
	}
	v.inRange("sweep.halving.keep_se", h.KeepSE, h.KeepSE >= 0, "a finite number ≥ 0")
	switch {
	case s.Sweep.Refine != nil:
		v.addf("sweep.halving", "halving and sweep.refine do not combine: give one")
	case len(s.Sweep.Axes) > 0:
		v.addf("sweep.halving", "halving does not apply to sweep.axes yet: run one study per axis value")
	}
}

// BudgetRunID is the id of the run whose full-budget id is id, trained to
// budget epochs by a rung of sweep.halving below the full budget: 16 hex
// digits of a SHA-256 of id and the budget. The full budget's run keeps
// id (RunID), so it is the plain sweep's run.
func BudgetRunID(id string, budget int) string {
	h := sha256.New()
	h.Write([]byte(id))
	h.Write([]byte("budget"))
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(budget))
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil)[:8])
}

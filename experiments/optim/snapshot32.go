package optim

import "fmt"

// Save32 is Save for a float32 optimizer (train.precision: float32): its
// float32 moments are kept as float64 values (exactly), its β^t as they
// are. ok is false for an optimizer it does not know.
func Save32(o Optimizer32) (s Snapshot, ok bool) {
	s.Name = o.Name()
	switch o := o.(type) {
	case *SGD:
	case *Momentum32:
		s.Vecs = [][]float64{widen(o.v)}
	case *Adam32:
		s.Vecs = [][]float64{widen(o.m), widen(o.v)}
		s.B1t, s.B2t = o.b1t, o.b2t
	default:
		return s, false
	}
	return s, true
}

// Restore32 sets o's state to s, which Save32 returned for an optimizer
// of the same kind and size; anything else is an error and leaves o as it
// was.
func Restore32(o Optimizer32, s Snapshot) error {
	if s.Name != o.Name() {
		return fmt.Errorf("optim: restore a %s snapshot into %s", s.Name, o.Name())
	}
	switch o := o.(type) {
	case *SGD:
		return nil
	case *Momentum32:
		if len(s.Vecs) != 1 || len(s.Vecs[0]) != len(o.v) {
			return fmt.Errorf("optim: momentum snapshot of the wrong size")
		}
		narrow(o.v, s.Vecs[0])
		return nil
	case *Adam32:
		if len(s.Vecs) != 2 || len(s.Vecs[0]) != len(o.m) || len(s.Vecs[1]) != len(o.v) {
			return fmt.Errorf("optim: adam snapshot of the wrong size")
		}
		narrow(o.m, s.Vecs[0])
		narrow(o.v, s.Vecs[1])
		o.b1t, o.b2t = s.B1t, s.B2t
		return nil
	}
	return fmt.Errorf("optim: %s has no snapshot", o.Name())
}

// widen returns v as float64 values (exact).
func widen(v []float32) []float64 {
	w := make([]float64, len(v))
	for i, x := range v {
		w[i] = float64(x)
	}
	return w
}

// narrow sets dst to src's values, which widen made (exact).
func narrow(dst []float32, src []float64) {
	for i, x := range src {
		dst[i] = float32(x)
	}
}

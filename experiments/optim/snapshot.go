package optim

import "fmt"

// Snapshot is an optimizer's state between two steps: enough to go on
// with the next step exactly as the optimizer would have (bit for bit).
// Its fields are exported for encoding; only Save fills them.
type Snapshot struct {
	Name string      // the optimizer's Name
	Vecs [][]float64 // momentum's velocity; Adam's and AdamW's m and v
	T    int         // Adam's steps taken
	B1t  float64     // Adam's β1^t
	B2t  float64     // Adam's β2^t
}

// Save returns o's state (copies of its vectors). ok is false for an
// optimizer Save does not know (no snapshot can restore it).
func Save(o Optimizer) (s Snapshot, ok bool) {
	s.Name = o.Name()
	switch o := o.(type) {
	case *SGD:
	case *Momentum:
		s.Vecs = [][]float64{append([]float64(nil), o.v...)}
	case *Adam:
		o.adamState.save(&s)
	case *AdamW:
		o.adamState.save(&s)
	default:
		return s, false
	}
	return s, true
}

func (a *adamState) save(s *Snapshot) {
	s.Vecs = [][]float64{append([]float64(nil), a.m...), append([]float64(nil), a.v...)}
	s.T, s.B1t, s.B2t = a.t, a.b1t, a.b2t
}

// Restore sets o's state to s, which Save returned for an optimizer of
// the same kind and size; anything else is an error and leaves o as it
// was.
func Restore(o Optimizer, s Snapshot) error {
	if s.Name != o.Name() {
		return fmt.Errorf("optim: restore a %s snapshot into %s", s.Name, o.Name())
	}
	switch o := o.(type) {
	case *SGD:
		return nil
	case *Momentum:
		if len(s.Vecs) != 1 || len(s.Vecs[0]) != len(o.v) {
			return fmt.Errorf("optim: momentum snapshot of the wrong size")
		}
		copy(o.v, s.Vecs[0])
		return nil
	case *Adam:
		return o.adamState.restore(s)
	case *AdamW:
		return o.adamState.restore(s)
	}
	return fmt.Errorf("optim: %s has no snapshot", o.Name())
}

func (a *adamState) restore(s Snapshot) error {
	if len(s.Vecs) != 2 || len(s.Vecs[0]) != len(a.m) || len(s.Vecs[1]) != len(a.v) || s.T < 0 {
		return fmt.Errorf("optim: adam snapshot of the wrong size")
	}
	copy(a.m, s.Vecs[0])
	copy(a.v, s.Vecs[1])
	a.t, a.b1t, a.b2t = s.T, s.B1t, s.B2t
	return nil
}

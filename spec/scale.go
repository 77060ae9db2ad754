package spec

// Scale names, for a term's `scale:` key.
const (
	ScaleInitialLoss = "initial_loss"
	ScaleInitialGrad = "initial_grad"
)

// HasScale reports whether any term of s has a scale.
func (s *Spec) HasScale() bool {
	for _, t := range s.Loss.Terms {
		if t.Weight.Scale != "" {
			return true
		}
	}
	return false
}

// ScaledTerms returns the indices of the terms with a scale, in spec
// order.
func (s *Spec) ScaledTerms() []int {
	var idx []int
	for i, t := range s.Loss.Terms {
		if t.Weight.Scale != "" {
			idx = append(idx, i)
		}
	}
	return idx
}

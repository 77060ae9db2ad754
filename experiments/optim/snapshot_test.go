package optim

import (
	"math"
	"testing"
)

// TestSnapshot_Continues: an optimizer restored from a Snapshot taken
// after k steps takes the next steps exactly as the one that went on
// (bit-identity is the point here), for every optimizer Save knows; a
// snapshot of another kind or size is refused.
func TestSnapshot_Continues(t *testing.T) {
	const n = 7
	makers := map[string]func() Optimizer{
		"sgd":      func() Optimizer { return NewSGD(0.1) },
		"momentum": func() Optimizer { return NewMomentum(0.1, 0.9, n) },
		"adam":     func() Optimizer { return NewAdam(0.01, 0.9, 0.999, 1e-8, n) },
		"adamw":    func() Optimizer { return NewAdamW(0.01, 0.9, 0.999, 1e-8, 0.1, 4, n) },
	}
	grad := func(step int, g []float64) {
		for i := range g {
			g[i] = math.Sin(float64(step*n+i)) + 0.1*float64(i)
		}
	}
	for name, mk := range makers {
		t.Run(name, func(t *testing.T) {
			a, p, g := mk(), make([]float64, n), make([]float64, n)
			for i := range p {
				p[i] = float64(i) / 3
			}
			for s := range 5 {
				grad(s, g)
				a.Step(p, g)
			}
			snap, ok := Save(a)
			if !ok {
				t.Fatal("Save refused a known optimizer")
			}
			b, q := mk(), append([]float64(nil), p...)
			if err := Restore(b, snap); err != nil {
				t.Fatal(err)
			}
			for s := 5; s < 10; s++ {
				grad(s, g)
				a.Step(p, g)
				b.Step(q, g)
			}
			for i := range p {
				if math.Float64bits(p[i]) != math.Float64bits(q[i]) {
					t.Fatalf("param %d: %v went on, %v restored", i, p[i], q[i])
				}
			}
		})
	}
	snap, _ := Save(NewAdam(0.01, 0.9, 0.999, 1e-8, n))
	if Restore(NewMomentum(0.1, 0.9, n), snap) == nil || Restore(NewAdam(0.01, 0.9, 0.999, 1e-8, n+1), snap) == nil {
		t.Error("a snapshot of another kind or size was restored")
	}
}

// TestSnapshot32_Continues: TestSnapshot_Continues for the float32
// optimizers (train.precision: float32): restored from Save32 after k
// steps, they take the next steps exactly as the ones that went on.
func TestSnapshot32_Continues(t *testing.T) {
	const n = 7
	makers := map[string]func() Optimizer32{
		"sgd":      func() Optimizer32 { return NewSGD(0.1) },
		"momentum": func() Optimizer32 { return NewMomentum32(0.1, 0.9, n) },
		"adam":     func() Optimizer32 { return NewAdam32(0.01, 0.9, 0.999, 1e-8, n) },
		"adamw":    func() Optimizer32 { return NewAdamW32(0.01, 0.9, 0.999, 1e-8, 0.1, 4, n) },
	}
	grad := func(step int, g []float32) {
		for i := range g {
			g[i] = float32(math.Sin(float64(step*n+i)) + 0.1*float64(i))
		}
	}
	for name, mk := range makers {
		t.Run(name, func(t *testing.T) {
			a, p, g := mk(), make([]float32, n), make([]float32, n)
			for i := range p {
				p[i] = float32(i) / 3
			}
			for s := range 5 {
				grad(s, g)
				a.Step32(p, g)
			}
			snap, ok := Save32(a)
			if !ok {
				t.Fatal("Save32 refused a known optimizer")
			}
			b, q := mk(), append([]float32(nil), p...)
			if err := Restore32(b, snap); err != nil {
				t.Fatal(err)
			}
			for s := 5; s < 10; s++ {
				grad(s, g)
				a.Step32(p, g)
				b.Step32(q, g)
			}
			for i := range p {
				if math.Float32bits(p[i]) != math.Float32bits(q[i]) {
					t.Fatalf("param %d: %v went on, %v restored", i, p[i], q[i])
				}
			}
		})
	}
	snap, _ := Save32(NewAdam32(0.01, 0.9, 0.999, 1e-8, n))
	if Restore32(NewMomentum32(0.1, 0.9, n), snap) == nil || Restore32(NewAdam32(0.01, 0.9, 0.999, 1e-8, n+1), snap) == nil {
		t.Error("a snapshot of another kind or size was restored")
	}
}

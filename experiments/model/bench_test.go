package model

import (
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// benchCases: the sweep yardstick (8×8 digits, batch 32) and a larger MNIST-
// sized network.
var benchCases = []netCase{
	{"digits-mlp-b32", []int{64, 128, 64, 10}, ReLU, 32},
	{"mnist-mlp-b128", []int{784, 256, 256, 10}, ReLU, 128},
}

func BenchmarkForwardBackward(b *testing.B) {
	for _, tc := range benchCases {
		b.Run(tc.name, func(b *testing.B) {
			m := New(tc.sizes, tc.act)
			params := make([]float64, m.NumParams())
			m.Init(params, newRand(1))
			x := gradcheck.Random(2, tc.n*m.In(), 0, 1)
			dout := gradcheck.Random(3, tc.n*m.Out(), -0.1, 0.1)
			grad := make([]float64, m.NumParams())
			ws := m.NewWorkspace(tc.n)
			b.ReportAllocs()
			for b.Loop() {
				m.Forward(ws, params, x, tc.n)
				m.Backward(ws, params, x, dout, tc.n, grad)
			}
			b.ReportMetric(float64(m.FLOPs(tc.n))*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkForward(b *testing.B) {
	for _, tc := range benchCases {
		b.Run(tc.name, func(b *testing.B) {
			m := New(tc.sizes, tc.act)
			params := make([]float64, m.NumParams())
			m.Init(params, newRand(1))
			x := gradcheck.Random(2, tc.n*m.In(), 0, 1)
			ws := m.NewWorkspace(tc.n)
			flops := 0
			for l := 0; l < m.NumLayers(); l++ {
				flops += 2 * tc.n * m.sizes[l] * m.sizes[l+1]
			}
			b.ReportAllocs()
			for b.Loop() {
				m.Forward(ws, params, x, tc.n)
			}
			b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGemm times the bare products of the digits network through the
// backend in use (NT is not used by the pure-Go backend, which transposes
// W first; it runs the generic loops there), the ceiling
// for BenchmarkForwardBackward/digits-mlp-b32.
func BenchmarkGemm(b *testing.B) {
	for _, s := range []struct {
		name    string
		ta, tb  bool
		m, n, k int
	}{
		{"NN-32x128x64", false, false, 32, 128, 64},
		{"TN-64x128x32", true, false, 64, 128, 32},
		{"NT-32x64x128", false, true, 32, 64, 128},
		{"NN-32x64x128", false, false, 32, 64, 128},
	} {
		b.Run(s.name, func(b *testing.B) {
			a := gradcheck.Random(1, s.m*s.k, -1, 1)
			bb := gradcheck.Random(2, s.k*s.n, -1, 1)
			c := make([]float64, s.m*s.n)
			lda, ldb := s.k, s.n
			if s.ta {
				lda = s.m
			}
			if s.tb {
				ldb = s.k
			}
			b.ReportAllocs()
			for b.Loop() {
				gemm(s.ta, s.tb, s.m, s.n, s.k, a, lda, bb, ldb, c, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkElementwise times the element-wise kernels of one digits step
// (batch 32): bias + activation and the activation derivative on the
// 32×128 hidden layer, the bias gradient (column sums) and the weight
// transpose that the pure-Go backend makes for δ·Wᵀ.
func BenchmarkElementwise(b *testing.B) {
	const n, w = 32, 128
	z := gradcheck.Random(1, n*w, -1, 1)
	bias := gradcheck.Random(2, w, -0.1, 0.1)
	d := gradcheck.Random(3, n*w, -1, 1)
	dst := make([]float64, n*w)
	for _, act := range []Activation{ReLU, Tanh, Sigmoid} {
		b.Run("biasActivate-"+act.String(), func(b *testing.B) {
			b.SetBytes(8 * n * w)
			for b.Loop() {
				copy(dst, z)
				biasActivate(act, dst, n, bias)
			}
		})
		b.Run("mulDerivative-"+act.String(), func(b *testing.B) {
			a := make([]float64, n*w)
			copy(a, z)
			biasActivate(act, a, n, bias)
			b.SetBytes(8 * n * w)
			for b.Loop() {
				copy(dst, d)
				mulDerivative(act, dst, a)
			}
		})
	}
	b.Run("addBias", func(b *testing.B) {
		b.SetBytes(8 * n * w)
		for b.Loop() {
			addBias(dst, n, bias)
		}
	})
	b.Run("colSums", func(b *testing.B) {
		sums := make([]float64, w)
		b.SetBytes(8 * n * w)
		for b.Loop() {
			ops64{}.colSums(sums, d, n)
		}
	})
	b.Run("transpose-128x64", func(b *testing.B) {
		t := make([]float64, 128*64)
		src := gradcheck.Random(4, 128*64, -1, 1)
		b.SetBytes(8 * 128 * 64)
		for b.Loop() {
			ops64{}.transpose(t, src, 128, 64)
		}
	})
}

package kernel

import "math"

// vectorPart is how many of w columns the AVX2 kernels take: whole
// vectors of 4, or none without AVX2.
func vectorPart(w int) int {
	if !hasAVX2 {
		return 0
	}
	return w &^ 3
}

// BiasReLU adds b to every row of the n×len(b) matrix z and applies the
// ReLU in place: z + b < 0 becomes +0; anything else, NaN and -0 included,
// is kept (so a diverging run still shows NaN).
func BiasReLU(z []float64, n int, b []float64) {
	w := len(b)
	if n <= 0 || w == 0 {
		return
	}
	_ = z[n*w-1]
	w4 := vectorPart(w)
	if w4 > 0 {
		biasReLUAVX(&z[0], n, w, w4, &b[0])
	}
	if w4 == w {
		return
	}
	for i := 0; i < n; i++ {
		row := z[i*w+w4 : i*w+w]
		for j, bj := range b[w4:] {
			if v := row[j] + bj; v < 0 {
				row[j] = 0
			} else {
				row[j] = v
			}
		}
	}
}

// ReLUMask zeroes d[i] where a[i] is not positive, a being post-ReLU
// values (≥ 0, -0 or NaN): d[i] is kept exactly when the bits of a[i],
// read as an int64, are positive, which for such values is a[i] > 0 (and
// a NaN with its sign bit clear); -0 gives 0, the derivative at 0. d and a
// have the same length.
func ReLUMask(d, a []float64) {
	a = a[:len(d)]
	n4 := vectorPart(len(d))
	if n4 > 0 {
		reluMaskAVX(&d[0], &a[0], n4)
	}
	for i := n4; i < len(d); i++ {
		// Branch-free (a data-dependent branch mispredicts on half the
		// units): x | (x-1) has its sign bit clear exactly when x > 0,
		// MinInt64 (the bits of -0) included, so the shift gives all ones
		// for x ≤ 0 and the complement keeps d only for x > 0.
		x := int64(math.Float64bits(a[i]))
		mask := ^uint64((x | (x - 1)) >> 63)
		d[i] = math.Float64frombits(math.Float64bits(d[i]) & mask)
	}
}

// ColSums sets dst[j] to the sum over the n rows of the n×len(dst) matrix
// a of column j, adding rows in order (n ≥ 1).
func ColSums(dst, a []float64, n int) {
	w := len(dst)
	if n <= 0 || w == 0 {
		return
	}
	_ = a[n*w-1]
	w4 := vectorPart(w)
	if w4 > 0 {
		colSumsAVX(&dst[0], &a[0], n, w, w4)
	}
	if w4 == w {
		return
	}
	copy(dst[w4:], a[w4:w])
	for i := 1; i < n; i++ {
		row := a[i*w+w4 : i*w+w]
		for j, v := range row {
			dst[w4+j] += v
		}
	}
}

// AddScaled adds s·x[i] to dst[i] (a multiply and an add, each rounded),
// for the gradient of a weight penalty. x and dst have the same length.
func AddScaled(dst, x []float64, s float64) {
	x = x[:len(dst)]
	n4 := vectorPart(len(dst))
	if n4 > 0 {
		addScaledAVX(&dst[0], &x[0], n4, s)
	}
	for i := n4; i < len(dst); i++ {
		dst[i] += float64(s * x[i]) // the conversion forbids fusing into an FMA
	}
}

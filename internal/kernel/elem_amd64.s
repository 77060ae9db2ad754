#include "textflag.h"

// func biasReLUAVX(z *float64, n, w, w4 int, b *float64)
//
// For each of the n rows of the n×w matrix z, the first w4 (a multiple of
// 4) columns: z = max(0, z + b) with VMAXPD's rule, which returns its
// second operand when either is NaN or both are zero: z + b < 0 gives +0,
// anything else (NaN, -0, positive) is kept. BiasReLU's loop is the same.
TEXT ·biasReLUAVX(SB), NOSPLIT, $0-40
	MOVQ   z+0(FP), DI
	MOVQ   n+8(FP), CX
	MOVQ   w+16(FP), DX
	SHLQ   $3, DX
	MOVQ   w4+24(FP), R8
	MOVQ   b+32(FP), SI
	VXORPD Y15, Y15, Y15

row:
	TESTQ CX, CX
	JZ    done
	XORQ  AX, AX

col:
	CMPQ    AX, R8
	JGE     next
	VMOVUPD (DI)(AX*8), Y0
	VADDPD  (SI)(AX*8), Y0, Y0
	VMAXPD  Y0, Y15, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     col

next:
	ADDQ DX, DI
	DECQ CX
	JMP  row

done:
	VZEROUPPER
	RET

// func reluMaskAVX(d, a *float64, n4 int)
//
// d[i] = d[i] if a[i]'s bits, read as an int64, are positive, else +0, for
// i < n4 (a multiple of 4): ReLUMask's rule, with a 64-bit integer compare.
TEXT ·reluMaskAVX(SB), NOSPLIT, $0-24
	MOVQ   d+0(FP), DI
	MOVQ   a+8(FP), SI
	MOVQ   n4+16(FP), CX
	VPXOR  Y15, Y15, Y15
	XORQ   AX, AX

loop:
	CMPQ     AX, CX
	JGE      done
	VMOVDQU  (SI)(AX*8), Y0
	VPCMPGTQ Y15, Y0, Y1    // Y1 = a > 0 (signed 64-bit)
	VANDPD   (DI)(AX*8), Y1, Y1
	VMOVUPD  Y1, (DI)(AX*8)
	ADDQ     $4, AX
	JMP      loop

done:
	VZEROUPPER
	RET

// func colSumsAVX(dst, a *float64, n, w, w4 int)
//
// dst[j] = a[0][j] + a[1][j] + … + a[n-1][j], added in row order, for
// j < w4 (a multiple of 4) of the n×w matrix a (n ≥ 1): ColSums's order.
TEXT ·colSumsAVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ w+24(FP), DX
	SHLQ $3, DX
	MOVQ w4+32(FP), R8
	XORQ AX, AX

blk:
	CMPQ    AX, R8
	JGE     done
	LEAQ    (SI)(AX*8), R9
	VMOVUPD (R9), Y0
	MOVQ    CX, R10
	DECQ    R10

rows:
	TESTQ  R10, R10
	JZ     store
	ADDQ   DX, R9
	VADDPD (R9), Y0, Y0
	DECQ   R10
	JMP    rows

store:
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     blk

done:
	VZEROUPPER
	RET

// func addScaledAVX(dst, x *float64, n4 int, s float64)
//
// dst[i] += s*x[i] for i < n4 (a multiple of 4): a multiply, then an add,
// rounded separately (no FMA), as AddScaled's loop.
TEXT ·addScaledAVX(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n4+16(FP), CX
	VBROADCASTSD s+24(FP), Y15
	XORQ         AX, AX

loop:
	CMPQ    AX, CX
	JGE     done
	VMULPD  (SI)(AX*8), Y15, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     loop

done:
	VZEROUPPER
	RET

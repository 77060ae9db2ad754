#include "textflag.h"

// func biasReLU32AVX(z *float32, n, w, w8 int, b *float32)
//
// biasReLUAVX (elem_amd64.s) for float32: columns [0, w8) of every row,
// eight at a time; VMAXPS returns its second source, z + b, when either is
// NaN or both are zeros, so NaN and -0 are kept as BiasReLU32's loop keeps
// them.
TEXT ·biasReLU32AVX(SB), NOSPLIT, $0-40
	MOVQ   z+0(FP), DI
	MOVQ   n+8(FP), CX
	MOVQ   w+16(FP), DX
	SHLQ   $2, DX
	MOVQ   w8+24(FP), R8
	MOVQ   b+32(FP), SI
	VXORPS Y15, Y15, Y15

row:
	TESTQ CX, CX
	JZ    done
	XORQ  AX, AX

col:
	CMPQ    AX, R8
	JGE     next
	VMOVUPS (DI)(AX*4), Y0
	VADDPS  (SI)(AX*4), Y0, Y0
	VMAXPS  Y0, Y15, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     col

next:
	ADDQ DX, DI
	DECQ CX
	JMP  row

done:
	VZEROUPPER
	RET

// func reluMask32AVX(d, a *float32, n8 int)
//
// reluMaskAVX for float32: keeps d[i] where the bits of a[i], as a signed
// 32-bit integer, are positive; eight at a time over [0, n8).
TEXT ·reluMask32AVX(SB), NOSPLIT, $0-24
	MOVQ  d+0(FP), DI
	MOVQ  a+8(FP), SI
	MOVQ  n8+16(FP), CX
	VPXOR Y15, Y15, Y15
	XORQ  AX, AX

loop:
	CMPQ     AX, CX
	JGE      done
	VMOVDQU  (SI)(AX*4), Y0
	VPCMPGTD Y15, Y0, Y1    // Y1 = a > 0 (signed 32-bit)
	VANDPS   (DI)(AX*4), Y1, Y1
	VMOVUPS  Y1, (DI)(AX*4)
	ADDQ     $8, AX
	JMP      loop

done:
	VZEROUPPER
	RET

// func colSums32AVX(dst, a *float32, n, w, w8 int)
//
// dst[j] = ((0 + a[0][j]) + a[1][j]) + … + a[n-1][j], added in row order
// from +0, for j < w8 (a multiple of 8) of the n×w matrix a: ColSums32's
// order.
TEXT ·colSums32AVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ w+24(FP), DX
	SHLQ $2, DX
	MOVQ w8+32(FP), R8
	XORQ AX, AX

blk:
	CMPQ   AX, R8
	JGE    done
	LEAQ   (SI)(AX*4), R9
	VXORPS Y0, Y0, Y0
	MOVQ   CX, R10

rows:
	TESTQ  R10, R10
	JZ     store
	VADDPS (R9), Y0, Y0
	ADDQ   DX, R9
	DECQ   R10
	JMP    rows

store:
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     blk

done:
	VZEROUPPER
	RET

// func addScaled32AVX(dst, x *float32, n8 int, s float32)
//
// dst[i] += s*x[i] for i < n8 (a multiple of 8): a multiply, then an add,
// each rounded to float32 (no FMA), as AddScaled32's loop.
TEXT ·addScaled32AVX(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n8+16(FP), CX
	VBROADCASTSS s+24(FP), Y15
	XORQ         AX, AX

loop:
	CMPQ    AX, CX
	JGE     done
	VMULPS  (SI)(AX*4), Y15, Y0
	VADDPS  (DI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     loop

done:
	VZEROUPPER
	RET

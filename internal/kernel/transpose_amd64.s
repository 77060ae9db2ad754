#include "textflag.h"

// func transpose8AVX512(dst, a *float64, r8, c8, r, c int)
//
// Sets dst[j*r + i] = a[i*c + j] for i < r8 and j < c8 (both multiples
// of 8), in 8×8 blocks: the block's 8 rows of a are loaded into zmm
// registers, transposed with VUNPCKLPD/VUNPCKHPD (pairs of rows) and two
// rounds of VSHUFF64X2 (128-bit lanes), and stored as 8 rows of dst. Only
// moves: the values are copied bit for bit.
TEXT ·transpose8AVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ r+32(FP), R8
	SHLQ $3, R8               // row stride of dst in bytes
	MOVQ c+40(FP), R9
	SHLQ $3, R9               // row stride of a in bytes
	XORQ R10, R10             // i0

rows:
	CMPQ R10, r8+16(FP)
	JGE  done
	XORQ R11, R11             // j0

cols:
	CMPQ R11, c8+24(FP)
	JGE  nextrow

	// R12 = &a[i0*c + j0]
	MOVQ R10, R12
	IMULQ R9, R12
	LEAQ (SI)(R12*1), R12
	LEAQ (R12)(R11*8), R12
	MOVQ R12, R13
	VMOVUPD (R13), Z0
	ADDQ    R9, R13
	VMOVUPD (R13), Z1
	ADDQ    R9, R13
	VMOVUPD (R13), Z2
	ADDQ    R9, R13
	VMOVUPD (R13), Z3
	ADDQ    R9, R13
	VMOVUPD (R13), Z4
	ADDQ    R9, R13
	VMOVUPD (R13), Z5
	ADDQ    R9, R13
	VMOVUPD (R13), Z6
	ADDQ    R9, R13
	VMOVUPD (R13), Z7

	// t(2k) = rows 2k, 2k+1 interleaved (even columns), t(2k+1) odd columns.
	VUNPCKLPD Z1, Z0, Z8
	VUNPCKHPD Z1, Z0, Z9
	VUNPCKLPD Z3, Z2, Z10
	VUNPCKHPD Z3, Z2, Z11
	VUNPCKLPD Z5, Z4, Z12
	VUNPCKHPD Z5, Z4, Z13
	VUNPCKLPD Z7, Z6, Z14
	VUNPCKHPD Z7, Z6, Z15

	// Lanes (0, 1) and (2, 3) of the pairs (t0, t2), (t4, t6) ...
	VSHUFF64X2 $0x44, Z10, Z8, Z16
	VSHUFF64X2 $0xEE, Z10, Z8, Z17
	VSHUFF64X2 $0x44, Z14, Z12, Z18
	VSHUFF64X2 $0xEE, Z14, Z12, Z19
	VSHUFF64X2 $0x44, Z11, Z9, Z20
	VSHUFF64X2 $0xEE, Z11, Z9, Z21
	VSHUFF64X2 $0x44, Z15, Z13, Z22
	VSHUFF64X2 $0xEE, Z15, Z13, Z23

	// ... then lanes (0, 2) and (1, 3): the rows of the transpose.
	VSHUFF64X2 $0x88, Z18, Z16, Z0 // column 0
	VSHUFF64X2 $0xDD, Z18, Z16, Z2 // column 2
	VSHUFF64X2 $0x88, Z19, Z17, Z4 // column 4
	VSHUFF64X2 $0xDD, Z19, Z17, Z6 // column 6
	VSHUFF64X2 $0x88, Z22, Z20, Z1 // column 1
	VSHUFF64X2 $0xDD, Z22, Z20, Z3 // column 3
	VSHUFF64X2 $0x88, Z23, Z21, Z5 // column 5
	VSHUFF64X2 $0xDD, Z23, Z21, Z7 // column 7

	// R13 = &dst[j0*r + i0]
	MOVQ R11, R13
	IMULQ R8, R13
	LEAQ (DI)(R13*1), R13
	LEAQ (R13)(R10*8), R13
	VMOVUPD Z0, (R13)
	ADDQ    R8, R13
	VMOVUPD Z1, (R13)
	ADDQ    R8, R13
	VMOVUPD Z2, (R13)
	ADDQ    R8, R13
	VMOVUPD Z3, (R13)
	ADDQ    R8, R13
	VMOVUPD Z4, (R13)
	ADDQ    R8, R13
	VMOVUPD Z5, (R13)
	ADDQ    R8, R13
	VMOVUPD Z6, (R13)
	ADDQ    R8, R13
	VMOVUPD Z7, (R13)

	ADDQ $8, R11
	JMP  cols

nextrow:
	ADDQ $8, R10
	JMP  rows

done:
	VZEROUPPER
	RET

// func transpose8x32AVX(dst, a *float32, r8, c8, r, c int)
//
// transpose8AVX512 for float32 in ymm registers: 8×8 tiles, transposed
// with VUNPCKLPS/VUNPCKHPS, VSHUFPS and VPERM2F128. Moves only.
TEXT ·transpose8x32AVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ r+32(FP), R8
	SHLQ $2, R8               // row stride of dst in bytes
	MOVQ c+40(FP), R9
	SHLQ $2, R9               // row stride of a in bytes
	XORQ R10, R10             // i0

rows32:
	CMPQ R10, r8+16(FP)
	JGE  done32
	XORQ R11, R11             // j0

cols32:
	CMPQ R11, c8+24(FP)
	JGE  nextrow32

	MOVQ    R10, R12
	IMULQ   R9, R12
	LEAQ    (SI)(R12*1), R12
	LEAQ    (R12)(R11*4), R13
	VMOVUPS (R13), Y0
	ADDQ    R9, R13
	VMOVUPS (R13), Y1
	ADDQ    R9, R13
	VMOVUPS (R13), Y2
	ADDQ    R9, R13
	VMOVUPS (R13), Y3
	ADDQ    R9, R13
	VMOVUPS (R13), Y4
	ADDQ    R9, R13
	VMOVUPS (R13), Y5
	ADDQ    R9, R13
	VMOVUPS (R13), Y6
	ADDQ    R9, R13
	VMOVUPS (R13), Y7

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	VSHUFPS $0x44, Y10, Y8, Y0  // columns 0 and 4, rows 0-3
	VSHUFPS $0xEE, Y10, Y8, Y1  // columns 1 and 5
	VSHUFPS $0x44, Y11, Y9, Y2  // columns 2 and 6
	VSHUFPS $0xEE, Y11, Y9, Y3  // columns 3 and 7
	VSHUFPS $0x44, Y14, Y12, Y4 // the same, rows 4-7
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	VPERM2F128 $0x20, Y4, Y0, Y8  // column 0
	VPERM2F128 $0x20, Y5, Y1, Y9  // column 1
	VPERM2F128 $0x20, Y6, Y2, Y10 // column 2
	VPERM2F128 $0x20, Y7, Y3, Y11 // column 3
	VPERM2F128 $0x31, Y4, Y0, Y12 // column 4
	VPERM2F128 $0x31, Y5, Y1, Y13 // column 5
	VPERM2F128 $0x31, Y6, Y2, Y14 // column 6
	VPERM2F128 $0x31, Y7, Y3, Y15 // column 7

	MOVQ    R11, R13
	IMULQ   R8, R13
	LEAQ    (DI)(R13*1), R13
	LEAQ    (R13)(R10*4), R13
	VMOVUPS Y8, (R13)
	ADDQ    R8, R13
	VMOVUPS Y9, (R13)
	ADDQ    R8, R13
	VMOVUPS Y10, (R13)
	ADDQ    R8, R13
	VMOVUPS Y11, (R13)
	ADDQ    R8, R13
	VMOVUPS Y12, (R13)
	ADDQ    R8, R13
	VMOVUPS Y13, (R13)
	ADDQ    R8, R13
	VMOVUPS Y14, (R13)
	ADDQ    R8, R13
	VMOVUPS Y15, (R13)

	ADDQ $8, R11
	JMP  cols32

nextrow32:
	ADDQ $8, R10
	JMP  rows32

done32:
	VZEROUPPER
	RET

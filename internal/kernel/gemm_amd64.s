#include "textflag.h"

// Masks for the last 1-4 columns of a row panel: entry r-1 keeps r lanes.
DATA gemmMask<>+0(SB)/8, $-1
DATA gemmMask<>+8(SB)/8, $0
DATA gemmMask<>+16(SB)/8, $0
DATA gemmMask<>+24(SB)/8, $0
DATA gemmMask<>+32(SB)/8, $-1
DATA gemmMask<>+40(SB)/8, $-1
DATA gemmMask<>+48(SB)/8, $0
DATA gemmMask<>+56(SB)/8, $0
DATA gemmMask<>+64(SB)/8, $-1
DATA gemmMask<>+72(SB)/8, $-1
DATA gemmMask<>+80(SB)/8, $-1
DATA gemmMask<>+88(SB)/8, $0
DATA gemmMask<>+96(SB)/8, $-1
DATA gemmMask<>+104(SB)/8, $-1
DATA gemmMask<>+112(SB)/8, $-1
DATA gemmMask<>+120(SB)/8, $-1
GLOBL gemmMask<>(SB), RODATA|NOPTR, $128

// AVX-512 lane masks: entry r (r = 0..16) keeps the low r lanes.
DATA gemmKMask<>+0(SB)/2, $0
DATA gemmKMask<>+2(SB)/2, $1
DATA gemmKMask<>+4(SB)/2, $3
DATA gemmKMask<>+6(SB)/2, $7
DATA gemmKMask<>+8(SB)/2, $15
DATA gemmKMask<>+10(SB)/2, $31
DATA gemmKMask<>+12(SB)/2, $63
DATA gemmKMask<>+14(SB)/2, $127
DATA gemmKMask<>+16(SB)/2, $255
DATA gemmKMask<>+18(SB)/2, $511
DATA gemmKMask<>+20(SB)/2, $1023
DATA gemmKMask<>+22(SB)/2, $2047
DATA gemmKMask<>+24(SB)/2, $4095
DATA gemmKMask<>+26(SB)/2, $8191
DATA gemmKMask<>+28(SB)/2, $16383
DATA gemmKMask<>+30(SB)/2, $32767
DATA gemmKMask<>+32(SB)/2, $65535
GLOBL gemmKMask<>(SB), RODATA|NOPTR, $34

// func gemmPanel4FMA(k, n int, a *float64, sai, sap int, b *float64, ldb int, c *float64, ldc int)
//
// Sets the 4×n block of C at c (row stride ldc) to A·B, where A(i,p) is
// a[i*sai + p*sap] (i < 4, p < k) and B(p,j) is b[p*ldb + j]; strides are
// in elements, k ≥ 1, n ≥ 1. Every element is the chain
// c = fma(A(i,0), B(0,j), 0); c = fma(A(i,p), B(p,j), c) for p = 1..k-1,
// exactly what gemmGeneric computes with math.FMA, so both give the same
// bits. With zmm ≠ 0 (AVX-512F), columns go 32 at a time first (16
// zmm accumulators: 4 rows × 4 vectors of 8; the same chains, lane by
// lane), and the last 1-31 columns 16 at a time (8 zmm accumulators: 4
// rows × 2 vectors under lane masks; masked lanes are neither loaded nor
// stored). Without AVX-512, columns go 12 at a time (12 accumulators: 4 rows × 3 vectors, so
// that more FMAs are in flight per load), then 8 at a time (4 rows × 2
// vectors), then 4 at a time with a lane mask for the last 1-4.
TEXT ·gemmPanel4FMA(SB), NOSPLIT, $0-80
	MOVQ k+0(FP), AX
	MOVQ n+8(FP), CX
	MOVQ a+16(FP), SI
	MOVQ sai+24(FP), R9
	SHLQ $3, R9               // row stride of A in bytes
	LEAQ (R9)(R9*2), R10      // 3 rows
	MOVQ sap+32(FP), R11
	SHLQ $3, R11              // step of A along p in bytes
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), DX
	SHLQ $3, DX
	MOVQ c+56(FP), DI
	MOVQ ldc+64(FP), R8
	SHLQ $3, R8

blkz:
	CMPQ zmm+72(FP), $0
	JEQ  blk12
	CMPQ CX, $32
	JLT  blkzt
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	MOVQ SI, R12
	MOVQ BX, R13
	MOVQ AX, R14

loopz:
	VMOVUPD      (R13), Z16
	VMOVUPD      64(R13), Z17
	VMOVUPD      128(R13), Z18
	VMOVUPD      192(R13), Z19
	VBROADCASTSD (R12), Z20
	VFMADD231PD  Z16, Z20, Z0
	VFMADD231PD  Z17, Z20, Z1
	VFMADD231PD  Z18, Z20, Z2
	VFMADD231PD  Z19, Z20, Z3
	VBROADCASTSD (R12)(R9*1), Z20
	VFMADD231PD  Z16, Z20, Z4
	VFMADD231PD  Z17, Z20, Z5
	VFMADD231PD  Z18, Z20, Z6
	VFMADD231PD  Z19, Z20, Z7
	VBROADCASTSD (R12)(R9*2), Z20
	VFMADD231PD  Z16, Z20, Z8
	VFMADD231PD  Z17, Z20, Z9
	VFMADD231PD  Z18, Z20, Z10
	VFMADD231PD  Z19, Z20, Z11
	VBROADCASTSD (R12)(R10*1), Z20
	VFMADD231PD  Z16, Z20, Z12
	VFMADD231PD  Z17, Z20, Z13
	VFMADD231PD  Z18, Z20, Z14
	VFMADD231PD  Z19, Z20, Z15
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          loopz

	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VMOVUPD Z4, (DI)(R8*1)
	VMOVUPD Z5, 64(DI)(R8*1)
	VMOVUPD Z6, 128(DI)(R8*1)
	VMOVUPD Z7, 192(DI)(R8*1)
	LEAQ    (DI)(R8*2), R14
	VMOVUPD Z8, (R14)
	VMOVUPD Z9, 64(R14)
	VMOVUPD Z10, 128(R14)
	VMOVUPD Z11, 192(R14)
	ADDQ    R8, R14
	VMOVUPD Z12, (R14)
	VMOVUPD Z13, 64(R14)
	VMOVUPD Z14, 128(R14)
	VMOVUPD Z15, 192(R14)
	ADDQ    $256, BX
	ADDQ    $256, DI
	SUBQ    $32, CX
	JMP     blkz

blk12:
	CMPQ CX, $12
	JLT  blk8
	CMPQ CX, $16              // 16 left: two 8-column blocks, not 12 + a masked 4
	JEQ  blk8
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	MOVQ SI, R12
	MOVQ BX, R13
	MOVQ AX, R14

loop12:
	VMOVUPD      (R13), Y12
	VMOVUPD      32(R13), Y13
	VMOVUPD      64(R13), Y14
	VBROADCASTSD (R12), Y15
	VFMADD231PD  Y12, Y15, Y0
	VFMADD231PD  Y13, Y15, Y1
	VFMADD231PD  Y14, Y15, Y2
	VBROADCASTSD (R12)(R9*1), Y15
	VFMADD231PD  Y12, Y15, Y3
	VFMADD231PD  Y13, Y15, Y4
	VFMADD231PD  Y14, Y15, Y5
	VBROADCASTSD (R12)(R9*2), Y15
	VFMADD231PD  Y12, Y15, Y6
	VFMADD231PD  Y13, Y15, Y7
	VFMADD231PD  Y14, Y15, Y8
	VBROADCASTSD (R12)(R10*1), Y15
	VFMADD231PD  Y12, Y15, Y9
	VFMADD231PD  Y13, Y15, Y10
	VFMADD231PD  Y14, Y15, Y11
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          loop12

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, (DI)(R8*1)
	VMOVUPD Y4, 32(DI)(R8*1)
	VMOVUPD Y5, 64(DI)(R8*1)
	LEAQ    (DI)(R8*2), R14
	VMOVUPD Y6, (R14)
	VMOVUPD Y7, 32(R14)
	VMOVUPD Y8, 64(R14)
	ADDQ    R8, R14
	VMOVUPD Y9, (R14)
	VMOVUPD Y10, 32(R14)
	VMOVUPD Y11, 64(R14)
	ADDQ    $96, BX
	ADDQ    $96, DI
	SUBQ    $12, CX
	JMP     blk12

blk8:
	CMPQ CX, $8
	JLT  tail
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ SI, R12
	MOVQ BX, R13
	MOVQ AX, R14

loop8:
	VMOVUPD      (R13), Y8
	VMOVUPD      32(R13), Y9
	VBROADCASTSD (R12), Y10
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (R12)(R9*1), Y11
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (R12)(R9*2), Y12
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VBROADCASTSD (R12)(R10*1), Y13
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          loop8

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, (DI)(R8*1)
	VMOVUPD Y3, 32(DI)(R8*1)
	LEAQ    (DI)(R8*2), R14
	VMOVUPD Y4, (R14)
	VMOVUPD Y5, 32(R14)
	ADDQ    R8, R14
	VMOVUPD Y6, (R14)
	VMOVUPD Y7, 32(R14)
	ADDQ    $64, BX
	ADDQ    $64, DI
	SUBQ    $8, CX
	JMP     blk8

tail:
	// 1-7 columns left: blocks of up to 4 under a lane mask.
	CMPQ CX, $0
	JLE  done
	MOVQ CX, R14
	CMPQ R14, $4
	JLE  masked
	MOVQ $4, R14

masked:
	// R14 = columns in this block (1-4); Y15 = its mask.
	LEAQ    gemmMask<>(SB), R12
	MOVQ    R14, R13
	DECQ    R13
	SHLQ    $5, R13
	VMOVUPD (R12)(R13*1), Y15
	SUBQ    R14, CX
	VXORPD  Y0, Y0, Y0
	VXORPD  Y2, Y2, Y2
	VXORPD  Y4, Y4, Y4
	VXORPD  Y6, Y6, Y6
	MOVQ    SI, R12
	MOVQ    BX, R13
	MOVQ    R14, X14
	MOVQ    AX, R14

loop4:
	VMASKMOVPD   (R13), Y15, Y8
	VBROADCASTSD (R12), Y10
	VFMADD231PD  Y8, Y10, Y0
	VBROADCASTSD (R12)(R9*1), Y11
	VFMADD231PD  Y8, Y11, Y2
	VBROADCASTSD (R12)(R9*2), Y12
	VFMADD231PD  Y8, Y12, Y4
	VBROADCASTSD (R12)(R10*1), Y13
	VFMADD231PD  Y8, Y13, Y6
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          loop4

	MOVQ       X14, R14
	VMASKMOVPD Y0, Y15, (DI)
	VMASKMOVPD Y2, Y15, (DI)(R8*1)
	LEAQ       (DI)(R8*2), R12
	VMASKMOVPD Y4, Y15, (R12)
	ADDQ       R8, R12
	VMASKMOVPD Y6, Y15, (R12)
	SHLQ       $3, R14
	ADDQ       R14, BX
	ADDQ       R14, DI
	JMP        tail

blkzt:
	// AVX-512: the last 1-31 columns, up to 16 at a time in two vectors
	// under the lane masks K1 (columns 0-7 of the block) and K2 (8-15).
	CMPQ CX, $0
	JLE  done
	MOVQ CX, R14
	CMPQ R14, $16
	JLE  ztmask
	MOVQ $16, R14

ztmask:
	LEAQ  gemmKMask<>(SB), R12
	MOVQ  R14, R13
	CMPQ  R13, $8
	JLE   ztk1
	MOVQ  $8, R13

ztk1:
	KMOVW (R12)(R13*2), K1
	MOVQ  R14, R13
	SUBQ  $8, R13
	JGE   ztk2
	XORQ  R13, R13

ztk2:
	KMOVW  (R12)(R13*2), K2
	SUBQ   R14, CX
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	MOVQ   SI, R12
	MOVQ   BX, R13
	MOVQ   R14, X14
	MOVQ   AX, R14

ztloop:
	VMOVUPD.Z    (R13), K1, Z16
	VMOVUPD.Z    64(R13), K2, Z17
	VBROADCASTSD (R12), Z20
	VFMADD231PD  Z16, Z20, Z0
	VFMADD231PD  Z17, Z20, Z1
	VBROADCASTSD (R12)(R9*1), Z21
	VFMADD231PD  Z16, Z21, Z2
	VFMADD231PD  Z17, Z21, Z3
	VBROADCASTSD (R12)(R9*2), Z22
	VFMADD231PD  Z16, Z22, Z4
	VFMADD231PD  Z17, Z22, Z5
	VBROADCASTSD (R12)(R10*1), Z23
	VFMADD231PD  Z16, Z23, Z6
	VFMADD231PD  Z17, Z23, Z7
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          ztloop

	VMOVUPD Z0, K1, (DI)
	VMOVUPD Z1, K2, 64(DI)
	VMOVUPD Z2, K1, (DI)(R8*1)
	VMOVUPD Z3, K2, 64(DI)(R8*1)
	LEAQ    (DI)(R8*2), R12
	VMOVUPD Z4, K1, (R12)
	VMOVUPD Z5, K2, 64(R12)
	ADDQ    R8, R12
	VMOVUPD Z6, K1, (R12)
	VMOVUPD Z7, K2, 64(R12)
	MOVQ    X14, R14
	SHLQ    $3, R14
	ADDQ    R14, BX
	ADDQ    R14, DI
	JMP     blkzt

done:
	VZEROUPPER
	RET

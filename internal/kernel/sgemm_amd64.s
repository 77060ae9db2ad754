#include "textflag.h"

// Masks for the last 1-8 columns of a float32 row panel: entry r-1 keeps r lanes.
DATA sgemmMask<>+0(SB)/4, $-1
DATA sgemmMask<>+4(SB)/4, $0
DATA sgemmMask<>+8(SB)/4, $0
DATA sgemmMask<>+12(SB)/4, $0
DATA sgemmMask<>+16(SB)/4, $0
DATA sgemmMask<>+20(SB)/4, $0
DATA sgemmMask<>+24(SB)/4, $0
DATA sgemmMask<>+28(SB)/4, $0
DATA sgemmMask<>+32(SB)/4, $-1
DATA sgemmMask<>+36(SB)/4, $-1
DATA sgemmMask<>+40(SB)/4, $0
DATA sgemmMask<>+44(SB)/4, $0
DATA sgemmMask<>+48(SB)/4, $0
DATA sgemmMask<>+52(SB)/4, $0
DATA sgemmMask<>+56(SB)/4, $0
DATA sgemmMask<>+60(SB)/4, $0
DATA sgemmMask<>+64(SB)/4, $-1
DATA sgemmMask<>+68(SB)/4, $-1
DATA sgemmMask<>+72(SB)/4, $-1
DATA sgemmMask<>+76(SB)/4, $0
DATA sgemmMask<>+80(SB)/4, $0
DATA sgemmMask<>+84(SB)/4, $0
DATA sgemmMask<>+88(SB)/4, $0
DATA sgemmMask<>+92(SB)/4, $0
DATA sgemmMask<>+96(SB)/4, $-1
DATA sgemmMask<>+100(SB)/4, $-1
DATA sgemmMask<>+104(SB)/4, $-1
DATA sgemmMask<>+108(SB)/4, $-1
DATA sgemmMask<>+112(SB)/4, $0
DATA sgemmMask<>+116(SB)/4, $0
DATA sgemmMask<>+120(SB)/4, $0
DATA sgemmMask<>+124(SB)/4, $0
DATA sgemmMask<>+128(SB)/4, $-1
DATA sgemmMask<>+132(SB)/4, $-1
DATA sgemmMask<>+136(SB)/4, $-1
DATA sgemmMask<>+140(SB)/4, $-1
DATA sgemmMask<>+144(SB)/4, $-1
DATA sgemmMask<>+148(SB)/4, $0
DATA sgemmMask<>+152(SB)/4, $0
DATA sgemmMask<>+156(SB)/4, $0
DATA sgemmMask<>+160(SB)/4, $-1
DATA sgemmMask<>+164(SB)/4, $-1
DATA sgemmMask<>+168(SB)/4, $-1
DATA sgemmMask<>+172(SB)/4, $-1
DATA sgemmMask<>+176(SB)/4, $-1
DATA sgemmMask<>+180(SB)/4, $-1
DATA sgemmMask<>+184(SB)/4, $0
DATA sgemmMask<>+188(SB)/4, $0
DATA sgemmMask<>+192(SB)/4, $-1
DATA sgemmMask<>+196(SB)/4, $-1
DATA sgemmMask<>+200(SB)/4, $-1
DATA sgemmMask<>+204(SB)/4, $-1
DATA sgemmMask<>+208(SB)/4, $-1
DATA sgemmMask<>+212(SB)/4, $-1
DATA sgemmMask<>+216(SB)/4, $-1
DATA sgemmMask<>+220(SB)/4, $0
DATA sgemmMask<>+224(SB)/4, $-1
DATA sgemmMask<>+228(SB)/4, $-1
DATA sgemmMask<>+232(SB)/4, $-1
DATA sgemmMask<>+236(SB)/4, $-1
DATA sgemmMask<>+240(SB)/4, $-1
DATA sgemmMask<>+244(SB)/4, $-1
DATA sgemmMask<>+248(SB)/4, $-1
DATA sgemmMask<>+252(SB)/4, $-1
GLOBL sgemmMask<>(SB), RODATA|NOPTR, $256

// AVX-512 lane masks: entry r (r = 0..16) keeps the low r lanes.
DATA sgemmKMask<>+0(SB)/2, $0
DATA sgemmKMask<>+2(SB)/2, $1
DATA sgemmKMask<>+4(SB)/2, $3
DATA sgemmKMask<>+6(SB)/2, $7
DATA sgemmKMask<>+8(SB)/2, $15
DATA sgemmKMask<>+10(SB)/2, $31
DATA sgemmKMask<>+12(SB)/2, $63
DATA sgemmKMask<>+14(SB)/2, $127
DATA sgemmKMask<>+16(SB)/2, $255
DATA sgemmKMask<>+18(SB)/2, $511
DATA sgemmKMask<>+20(SB)/2, $1023
DATA sgemmKMask<>+22(SB)/2, $2047
DATA sgemmKMask<>+24(SB)/2, $4095
DATA sgemmKMask<>+26(SB)/2, $8191
DATA sgemmKMask<>+28(SB)/2, $16383
DATA sgemmKMask<>+30(SB)/2, $32767
DATA sgemmKMask<>+32(SB)/2, $65535
GLOBL sgemmKMask<>(SB), RODATA|NOPTR, $34

// func sgemmPanel4FMA(k, n int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int)
//
// gemmPanel4FMA (gemm_amd64.s) for float32: sets the 4×n block of C at c
// (row stride ldc) to A·B, where A(i,p) is a[i*sai + p*sap] (i < 4,
// p < k) and B(p,j) is b[p*ldb + j]; strides are in elements, k ≥ 1,
// n ≥ 1. Every element is the chain c = fma32(A(i,p), B(p,j), c) over
// p = 0..k-1 from 0, exactly what sgeneric computes with fma32, so both
// give the same bits. With zmm ≠ 0 (AVX-512F), columns go 64 at a time
// first (16 zmm accumulators: 4 rows × 4 vectors of 16), and the last 1-63
// columns 32 at a time (8 zmm accumulators: 4 rows × 2 vectors under lane
// masks; masked lanes are neither loaded nor stored). Without AVX-512, columns go 24
// at a time (12 accumulators: 4 rows × 3
// vectors of 8; with 32 left, two blocks of 16 instead of 24 and a masked 8),
// then 16 at a time (4 rows × 2 vectors), then up to 8 at a time with a
// lane mask for the last 1-15.
TEXT ·sgemmPanel4FMA(SB), NOSPLIT, $0-80
	MOVQ k+0(FP), AX
	MOVQ n+8(FP), CX
	MOVQ a+16(FP), SI
	MOVQ sai+24(FP), R9
	SHLQ $2, R9               // row stride of A in bytes
	LEAQ (R9)(R9*2), R10      // 3 rows
	MOVQ sap+32(FP), R11
	SHLQ $2, R11              // step of A along p in bytes
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), DX
	SHLQ $2, DX
	MOVQ c+56(FP), DI
	MOVQ ldc+64(FP), R8
	SHLQ $2, R8

blkz:
	CMPQ zmm+72(FP), $0
	JEQ  blk24
	CMPQ CX, $64
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
	VMOVUPS      (R13), Z16
	VMOVUPS      64(R13), Z17
	VMOVUPS      128(R13), Z18
	VMOVUPS      192(R13), Z19
	VBROADCASTSS (R12), Z20
	VFMADD231PS  Z16, Z20, Z0
	VFMADD231PS  Z17, Z20, Z1
	VFMADD231PS  Z18, Z20, Z2
	VFMADD231PS  Z19, Z20, Z3
	VBROADCASTSS (R12)(R9*1), Z20
	VFMADD231PS  Z16, Z20, Z4
	VFMADD231PS  Z17, Z20, Z5
	VFMADD231PS  Z18, Z20, Z6
	VFMADD231PS  Z19, Z20, Z7
	VBROADCASTSS (R12)(R9*2), Z20
	VFMADD231PS  Z16, Z20, Z8
	VFMADD231PS  Z17, Z20, Z9
	VFMADD231PS  Z18, Z20, Z10
	VFMADD231PS  Z19, Z20, Z11
	VBROADCASTSS (R12)(R10*1), Z20
	VFMADD231PS  Z16, Z20, Z12
	VFMADD231PS  Z17, Z20, Z13
	VFMADD231PS  Z18, Z20, Z14
	VFMADD231PS  Z19, Z20, Z15
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          loopz

	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	VMOVUPS Z4, (DI)(R8*1)
	VMOVUPS Z5, 64(DI)(R8*1)
	VMOVUPS Z6, 128(DI)(R8*1)
	VMOVUPS Z7, 192(DI)(R8*1)
	LEAQ    (DI)(R8*2), R14
	VMOVUPS Z8, (R14)
	VMOVUPS Z9, 64(R14)
	VMOVUPS Z10, 128(R14)
	VMOVUPS Z11, 192(R14)
	ADDQ    R8, R14
	VMOVUPS Z12, (R14)
	VMOVUPS Z13, 64(R14)
	VMOVUPS Z14, 128(R14)
	VMOVUPS Z15, 192(R14)
	ADDQ    $256, BX
	ADDQ    $256, DI
	SUBQ    $64, CX
	JMP     blkz

blk24:
	CMPQ CX, $24
	JLT  blk16
	CMPQ CX, $32
	JEQ  blk16
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	MOVQ SI, R12
	MOVQ BX, R13
	MOVQ AX, R14

loop24:
	VMOVUPS      (R13), Y12
	VMOVUPS      32(R13), Y13
	VMOVUPS      64(R13), Y14
	VBROADCASTSS (R12), Y15
	VFMADD231PS  Y12, Y15, Y0
	VFMADD231PS  Y13, Y15, Y1
	VFMADD231PS  Y14, Y15, Y2
	VBROADCASTSS (R12)(R9*1), Y15
	VFMADD231PS  Y12, Y15, Y3
	VFMADD231PS  Y13, Y15, Y4
	VFMADD231PS  Y14, Y15, Y5
	VBROADCASTSS (R12)(R9*2), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VFMADD231PS  Y14, Y15, Y8
	VBROADCASTSS (R12)(R10*1), Y15
	VFMADD231PS  Y12, Y15, Y9
	VFMADD231PS  Y13, Y15, Y10
	VFMADD231PS  Y14, Y15, Y11
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          loop24

	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, (DI)(R8*1)
	VMOVUPS Y4, 32(DI)(R8*1)
	VMOVUPS Y5, 64(DI)(R8*1)
	LEAQ    (DI)(R8*2), R14
	VMOVUPS Y6, (R14)
	VMOVUPS Y7, 32(R14)
	VMOVUPS Y8, 64(R14)
	ADDQ    R8, R14
	VMOVUPS Y9, (R14)
	VMOVUPS Y10, 32(R14)
	VMOVUPS Y11, 64(R14)
	ADDQ    $96, BX
	ADDQ    $96, DI
	SUBQ    $24, CX
	JMP     blk24

blk16:
	CMPQ CX, $16
	JLT  tail
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ SI, R12
	MOVQ BX, R13
	MOVQ AX, R14

loop16:
	VMOVUPS      (R13), Y8
	VMOVUPS      32(R13), Y9
	VBROADCASTSS (R12), Y10
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (R12)(R9*1), Y11
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (R12)(R9*2), Y12
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VBROADCASTSS (R12)(R10*1), Y13
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          loop16

	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, (DI)(R8*1)
	VMOVUPS Y3, 32(DI)(R8*1)
	LEAQ    (DI)(R8*2), R14
	VMOVUPS Y4, (R14)
	VMOVUPS Y5, 32(R14)
	ADDQ    R8, R14
	VMOVUPS Y6, (R14)
	VMOVUPS Y7, 32(R14)
	ADDQ    $64, BX
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     blk16

tail:
	// 1-15 columns left: blocks of up to 8 under a lane mask.
	CMPQ CX, $0
	JLE  done
	MOVQ CX, R14
	CMPQ R14, $8
	JLE  masked
	MOVQ $8, R14

masked:
	// R14 = columns in this block (1-8); Y15 = its mask.
	LEAQ    sgemmMask<>(SB), R12
	MOVQ    R14, R13
	DECQ    R13
	SHLQ    $5, R13
	VMOVUPS (R12)(R13*1), Y15
	SUBQ    R14, CX
	VXORPS  Y0, Y0, Y0
	VXORPS  Y2, Y2, Y2
	VXORPS  Y4, Y4, Y4
	VXORPS  Y6, Y6, Y6
	MOVQ    SI, R12
	MOVQ    BX, R13
	MOVQ    R14, X14
	MOVQ    AX, R14

loopm:
	VMASKMOVPS   (R13), Y15, Y8
	VBROADCASTSS (R12), Y10
	VFMADD231PS  Y8, Y10, Y0
	VBROADCASTSS (R12)(R9*1), Y11
	VFMADD231PS  Y8, Y11, Y2
	VBROADCASTSS (R12)(R9*2), Y12
	VFMADD231PS  Y8, Y12, Y4
	VBROADCASTSS (R12)(R10*1), Y13
	VFMADD231PS  Y8, Y13, Y6
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          loopm

	MOVQ       X14, R14
	VMASKMOVPS Y0, Y15, (DI)
	VMASKMOVPS Y2, Y15, (DI)(R8*1)
	LEAQ       (DI)(R8*2), R12
	VMASKMOVPS Y4, Y15, (R12)
	ADDQ       R8, R12
	VMASKMOVPS Y6, Y15, (R12)
	SHLQ       $2, R14
	ADDQ       R14, BX
	ADDQ       R14, DI
	JMP        tail

blkzt:
	// AVX-512: the last 1-63 columns, up to 32 at a time in two vectors
	// under the lane masks K1 (columns 0-15 of the block) and K2 (16-31).
	CMPQ CX, $0
	JLE  done
	MOVQ CX, R14
	CMPQ R14, $32
	JLE  ztmask
	MOVQ $32, R14

ztmask:
	LEAQ  sgemmKMask<>(SB), R12
	MOVQ  R14, R13
	CMPQ  R13, $16
	JLE   ztk1
	MOVQ  $16, R13

ztk1:
	KMOVW (R12)(R13*2), K1
	MOVQ  R14, R13
	SUBQ  $16, R13
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
	VMOVUPS.Z    (R13), K1, Z16
	VMOVUPS.Z    64(R13), K2, Z17
	VBROADCASTSS (R12), Z20
	VFMADD231PS  Z16, Z20, Z0
	VFMADD231PS  Z17, Z20, Z1
	VBROADCASTSS (R12)(R9*1), Z21
	VFMADD231PS  Z16, Z21, Z2
	VFMADD231PS  Z17, Z21, Z3
	VBROADCASTSS (R12)(R9*2), Z22
	VFMADD231PS  Z16, Z22, Z4
	VFMADD231PS  Z17, Z22, Z5
	VBROADCASTSS (R12)(R10*1), Z23
	VFMADD231PS  Z16, Z23, Z6
	VFMADD231PS  Z17, Z23, Z7
	ADDQ         R11, R12
	ADDQ         DX, R13
	DECQ         R14
	JNZ          ztloop

	VMOVUPS Z0, K1, (DI)
	VMOVUPS Z1, K2, 64(DI)
	VMOVUPS Z2, K1, (DI)(R8*1)
	VMOVUPS Z3, K2, 64(DI)(R8*1)
	LEAQ    (DI)(R8*2), R12
	VMOVUPS Z4, K1, (R12)
	VMOVUPS Z5, K2, 64(R12)
	ADDQ    R8, R12
	VMOVUPS Z6, K1, (R12)
	VMOVUPS Z7, K2, 64(R12)
	MOVQ    X14, R14
	SHLQ    $2, R14
	ADDQ    R14, BX
	ADDQ    R14, DI
	JMP     blkzt

done:
	VZEROUPPER
	RET

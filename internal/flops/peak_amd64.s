#include "textflag.h"

// fmaLoop64(n int) and fmaLoop32(n int): n rounds of 12 independent
// 256-bit fused multiply-adds (acc = acc·a + b on twelve accumulators),
// enough in flight to cover the FMA latency on two FMA pipes. Nothing is
// loaded or stored in the loop: the figure is the FMA throughput of one
// core. a = 1 and b = 0, so no value overflows or becomes subnormal.

// ROUND(FMA): one round, FMA being VFMADD231PD or VFMADD231PS.
#define ROUND(FMA) \
	FMA Y12, Y13, Y0; FMA Y12, Y13, Y1; FMA Y12, Y13, Y2; FMA Y12, Y13, Y3; \
	FMA Y12, Y13, Y4; FMA Y12, Y13, Y5; FMA Y12, Y13, Y6; FMA Y12, Y13, Y7; \
	FMA Y12, Y13, Y8; FMA Y12, Y13, Y9; FMA Y12, Y13, Y10; FMA Y12, Y13, Y11

// ZERO: the accumulators and b (Y13) to +0, the same bits in either precision.
#define ZERO \
	VPXOR Y0, Y0, Y0; VPXOR Y1, Y1, Y1; VPXOR Y2, Y2, Y2; VPXOR Y3, Y3, Y3; \
	VPXOR Y4, Y4, Y4; VPXOR Y5, Y5, Y5; VPXOR Y6, Y6, Y6; VPXOR Y7, Y7, Y7; \
	VPXOR Y8, Y8, Y8; VPXOR Y9, Y9, Y9; VPXOR Y10, Y10, Y10; VPXOR Y11, Y11, Y11; \
	VPXOR Y13, Y13, Y13

TEXT ·fmaLoop64(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	ZERO
	MOVQ $0x3ff0000000000000, AX // 1.0
	MOVQ AX, X12
	VBROADCASTSD X12, Y12
loop64:
	TESTQ CX, CX
	JZ done64
	ROUND(VFMADD231PD)
	DECQ CX
	JMP loop64
done64:
	VZEROUPPER
	RET

TEXT ·fmaLoop32(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	ZERO
	MOVL $0x3f800000, AX // 1.0
	MOVL AX, X12
	VBROADCASTSS X12, Y12
loop32:
	TESTQ CX, CX
	JZ done32
	ROUND(VFMADD231PS)
	DECQ CX
	JMP loop32
done32:
	VZEROUPPER
	RET

// The same loops on 512-bit vectors (AVX-512F: 8 float64 or 16 float32
// lanes), for CPUs whose GEMM kernels take zmm blocks (internal/kernel).
#define ROUNDZ(FMA) \
	FMA Z12, Z13, Z0; FMA Z12, Z13, Z1; FMA Z12, Z13, Z2; FMA Z12, Z13, Z3; \
	FMA Z12, Z13, Z4; FMA Z12, Z13, Z5; FMA Z12, Z13, Z6; FMA Z12, Z13, Z7; \
	FMA Z12, Z13, Z8; FMA Z12, Z13, Z9; FMA Z12, Z13, Z10; FMA Z12, Z13, Z11

#define ZEROZ \
	VPXORQ Z0, Z0, Z0; VPXORQ Z1, Z1, Z1; VPXORQ Z2, Z2, Z2; VPXORQ Z3, Z3, Z3; \
	VPXORQ Z4, Z4, Z4; VPXORQ Z5, Z5, Z5; VPXORQ Z6, Z6, Z6; VPXORQ Z7, Z7, Z7; \
	VPXORQ Z8, Z8, Z8; VPXORQ Z9, Z9, Z9; VPXORQ Z10, Z10, Z10; VPXORQ Z11, Z11, Z11; \
	VPXORQ Z13, Z13, Z13

TEXT ·fmaLoop64z(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	ZEROZ
	MOVQ $0x3ff0000000000000, AX // 1.0
	MOVQ AX, X12
	VBROADCASTSD X12, Z12
loop64z:
	TESTQ CX, CX
	JZ done64z
	ROUNDZ(VFMADD231PD)
	DECQ CX
	JMP loop64z
done64z:
	VZEROUPPER
	RET

TEXT ·fmaLoop32z(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	ZEROZ
	MOVL $0x3f800000, AX // 1.0
	MOVL AX, X12
	VBROADCASTSS X12, Z12
loop32z:
	TESTQ CX, CX
	JZ done32z
	ROUNDZ(VFMADD231PS)
	DECQ CX
	JMP loop32z
done32z:
	VZEROUPPER
	RET

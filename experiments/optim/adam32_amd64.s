#include "textflag.h"

// The update of 8 (ymm) or 16 (zmm) elements at R8, registers r0-r15
// given as Y0-Y15 or Z0-Z15; the operations and their order:
//
// VBROADCASTSS 0(AX), Y8   // b1
// VBROADCASTSS 4(AX), Y9   // a1
// VBROADCASTSS 8(AX), Y10  // b2
// VBROADCASTSS 12(AX), Y11 // a2
// VBROADCASTSS 16(AX), Y12 // c1
// VBROADCASTSS 20(AX), Y13 // c2
// VBROADCASTSS 24(AX), Y14 // eps
// VBROADCASTSS 28(AX), Y15 // lr
// VMOVUPS (BX)(R8*4), Y0 // g
// VMOVUPS (SI)(R8*4), Y1 // m
// VMULPS  Y8, Y1, Y1     // b1*m
// VMULPS  Y9, Y0, Y2     // a1*g
// VADDPS  Y2, Y1, Y1     // mi
// VMOVUPS Y1, (SI)(R8*4)
// VMOVUPS (DX)(R8*4), Y3 // v
// VMULPS  Y10, Y3, Y3    // b2*v
// VMULPS  Y11, Y0, Y4    // a2*g
// VMULPS  Y0, Y4, Y4     // (a2*g)*g
// VADDPS  Y4, Y3, Y3     // vi
// VMOVUPS Y3, (DX)(R8*4)
// VMULPS  Y12, Y1, Y1    // mi*c1
// VMULPS  Y13, Y3, Y3    // vi*c2
// VSQRTPS Y3, Y3
// VADDPS  Y14, Y3, Y3    // sqrt(vi*c2)+eps
// VDIVPS  Y3, Y1, Y1     // (mi*c1)/(...)
// VMULPS  Y15, Y1, Y1    // lr*d
// VMOVUPS (DI)(R8*4), Y5 // p
// VSUBPS  Y1, Y5, Y5     // p - lr*d
// VMOVUPS Y5, (DI)(R8*4)
#define ADAM32_CONSTS(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VBROADCASTSS 0(AX), r8; \
	VBROADCASTSS 4(AX), r9; \
	VBROADCASTSS 8(AX), r10; \
	VBROADCASTSS 12(AX), r11; \
	VBROADCASTSS 16(AX), r12; \
	VBROADCASTSS 20(AX), r13; \
	VBROADCASTSS 24(AX), r14; \
	VBROADCASTSS 28(AX), r15
// ADAM32_MV updates m and v from the gradient in r0 and leaves
// lr·(m·c1)/(√(v·c2) + ε) in r1; ADAM32_P then updates p (in r5).
#define ADAM32_MV(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VMOVUPS (SI)(R8*4), r1; \
	VMULPS  r8, r1, r1; \
	VMULPS  r9, r0, r2; \
	VADDPS  r2, r1, r1; \
	VMOVUPS r1, (SI)(R8*4); \
	VMOVUPS (DX)(R8*4), r3; \
	VMULPS  r10, r3, r3; \
	VMULPS  r11, r0, r4; \
	VMULPS  r0, r4, r4; \
	VADDPS  r4, r3, r3; \
	VMOVUPS r3, (DX)(R8*4); \
	VMULPS  r12, r1, r1; \
	VMULPS  r13, r3, r3; \
	VSQRTPS r3, r3; \
	VADDPS  r14, r3, r3; \
	VDIVPS  r3, r1, r1; \
	VMULPS  r15, r1, r1
#define ADAM32_P(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VSUBPS  r1, r5, r5; \
	VMOVUPS r5, (DI)(R8*4)
#define ADAM32_STEP(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VMOVUPS (BX)(R8*4), r0; \
	ADAM32_MV(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15); \
	VMOVUPS (DI)(R8*4), r5; \
	ADAM32_P(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15)

// ADAM32_L2_STEP is ADAM32_STEP on the gradient plus an L2 penalty's
// s·p (s at 36(AX)): the gradient becomes g + s·p, a multiply and an add
// each rounded to float32 in the order of internal/kernel's
// addScaled32AVX (VMULPS p, s; VADDPS g, s·p), before the same update
// (p is loaded first and kept in r5).
#define ADAM32_L2_STEP(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VMOVUPS      (DI)(R8*4), r5; \
	VBROADCASTSS 36(AX), r2; \
	VMULPS       r5, r2, r2; \
	VMOVUPS      (BX)(R8*4), r0; \
	VADDPS       r0, r2, r0; \
	ADAM32_MV(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15); \
	ADAM32_P(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15)

// func adam32AVX(p, m, v, g []float32, k *adamConsts32, zmm int) int
//
// adamAVX (adam_amd64.s) for float32: eight elements per iteration, the
// same operations in the same order as adam32Generic (no FMA), so the
// results are bit-identical. Returns how many elements it updated.
// With zmm ≠ 0 (AVX-512F) it first takes 16 elements an iteration in zmm
// registers, the same operations lane by lane, then the rest 8 at a time
// in ymm (ADAM*_CONSTS and ADAM*_STEP above, with r0-r15 the Y or Z
// registers). With k.l2 ≠ 0 (its bits) it runs ADAM32_L2_STEP instead.
TEXT ·adam32AVX(SB), NOSPLIT, $0-120
	MOVQ p_base+0(FP), DI
	MOVQ m_base+24(FP), SI
	MOVQ v_base+48(FP), DX
	MOVQ g_base+72(FP), BX
	MOVQ g_len+80(FP), CX
	MOVQ k+96(FP), AX
	XORQ R8, R8
	MOVL 36(AX), R10
	CMPL R10, $0
	JNE  l2
	CMPQ zmm+104(FP), $0
	JEQ  ymm
	ADAM32_CONSTS(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	MOVQ CX, R9
	ANDQ $-16, R9

zloop:
	CMPQ R8, R9
	JGE  ymm
	ADAM32_STEP(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ $16, R8
	JMP  zloop

ymm:
	ADAM32_CONSTS(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	ANDQ $-8, CX

yloop:
	CMPQ R8, CX
	JGE  done
	ADAM32_STEP(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	ADDQ $8, R8
	JMP  yloop

l2:
	CMPQ zmm+104(FP), $0
	JEQ  l2ymm
	ADAM32_CONSTS(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	MOVQ CX, R9
	ANDQ $-16, R9

l2zloop:
	CMPQ R8, R9
	JGE  l2ymm
	ADAM32_L2_STEP(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ $16, R8
	JMP  l2zloop

l2ymm:
	ADAM32_CONSTS(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	ANDQ $-8, CX

l2yloop:
	CMPQ R8, CX
	JGE  done
	ADAM32_L2_STEP(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	ADDQ $8, R8
	JMP  l2yloop

done:
	VZEROUPPER
	MOVQ R8, ret+112(FP)
	RET

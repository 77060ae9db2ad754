#include "textflag.h"

// The update of 4 (ymm) or 8 (zmm) elements at R8, registers r0-r15
// given as Y0-Y15 or Z0-Z15; the operations and their order:
//
// VBROADCASTSD 0(AX), Y8   // b1
// VBROADCASTSD 8(AX), Y9   // a1
// VBROADCASTSD 16(AX), Y10 // b2
// VBROADCASTSD 24(AX), Y11 // a2
// VBROADCASTSD 32(AX), Y12 // c1
// VBROADCASTSD 40(AX), Y13 // c2
// VBROADCASTSD 48(AX), Y14 // eps
// VBROADCASTSD 56(AX), Y15 // lr
// VBROADCASTSD 64(AX), Y7  // wd
// VMOVUPD (BX)(R8*8), Y0 // g
// VMOVUPD (SI)(R8*8), Y1 // m
// VMULPD  Y8, Y1, Y1     // b1*m
// VMULPD  Y9, Y0, Y2     // a1*g
// VADDPD  Y2, Y1, Y1     // mi
// VMOVUPD Y1, (SI)(R8*8)
// VMOVUPD (DX)(R8*8), Y3 // v
// VMULPD  Y10, Y3, Y3    // b2*v
// VMULPD  Y11, Y0, Y4    // a2*g
// VMULPD  Y0, Y4, Y4     // (a2*g)*g
// VADDPD  Y4, Y3, Y3     // vi
// VMOVUPD Y3, (DX)(R8*8)
// VMULPD  Y12, Y1, Y1    // mi*c1
// VMULPD  Y13, Y3, Y3    // vi*c2
// VSQRTPD Y3, Y3
// VADDPD  Y14, Y3, Y3    // sqrt(vi*c2)+eps
// VDIVPD  Y3, Y1, Y1     // (mi*c1)/(...)
// VMOVUPD (DI)(R8*8), Y5 // p
// VMULPD  Y7, Y5, Y6     // wd*p
// VADDPD  Y6, Y1, Y1     // d
// VMULPD  Y15, Y1, Y1    // lr*d
// VSUBPD  Y1, Y5, Y5     // p - lr*d
// VMOVUPD Y5, (DI)(R8*8)
#define ADAM64_CONSTS(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VBROADCASTSD 0(AX), r8; \
	VBROADCASTSD 8(AX), r9; \
	VBROADCASTSD 16(AX), r10; \
	VBROADCASTSD 24(AX), r11; \
	VBROADCASTSD 32(AX), r12; \
	VBROADCASTSD 40(AX), r13; \
	VBROADCASTSD 48(AX), r14; \
	VBROADCASTSD 56(AX), r15; \
	VBROADCASTSD 64(AX), r7
// ADAM64_MV updates m and v from the gradient in r0 and leaves
// (m·c1)/(√(v·c2) + ε) in r1; ADAM64_P then updates p (in r5).
#define ADAM64_MV(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VMOVUPD (SI)(R8*8), r1; \
	VMULPD  r8, r1, r1; \
	VMULPD  r9, r0, r2; \
	VADDPD  r2, r1, r1; \
	VMOVUPD r1, (SI)(R8*8); \
	VMOVUPD (DX)(R8*8), r3; \
	VMULPD  r10, r3, r3; \
	VMULPD  r11, r0, r4; \
	VMULPD  r0, r4, r4; \
	VADDPD  r4, r3, r3; \
	VMOVUPD r3, (DX)(R8*8); \
	VMULPD  r12, r1, r1; \
	VMULPD  r13, r3, r3; \
	VSQRTPD r3, r3; \
	VADDPD  r14, r3, r3; \
	VDIVPD  r3, r1, r1
#define ADAM64_P(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VMULPD  r7, r5, r6; \
	VADDPD  r6, r1, r1; \
	VMULPD  r15, r1, r1; \
	VSUBPD  r1, r5, r5; \
	VMOVUPD r5, (DI)(R8*8)
#define ADAM64_STEP(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VMOVUPD (BX)(R8*8), r0; \
	ADAM64_MV(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15); \
	VMOVUPD (DI)(R8*8), r5; \
	ADAM64_P(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15)

// ADAM64_L2_STEP is ADAM64_STEP on the gradient plus an L2 penalty's
// s·p (s at 72(AX)): p is loaded first and the gradient becomes g + s·p,
// a multiply and an add rounded separately in the order of
// internal/kernel's addScaledAVX (VMULPD p, s; VADDPD g, s·p), before the
// same update:
//
// VMOVUPD      (DI)(R8*8), Y5 // p
// VBROADCASTSD 72(AX), Y2     // s
// VMULPD       Y5, Y2, Y2     // s*p
// VMOVUPD      (BX)(R8*8), Y0
// VADDPD       Y0, Y2, Y0     // g = s*p + g
// ... ADAM64_STEP from m on, p already in Y5
#define ADAM64_L2_STEP(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15) \
	VMOVUPD      (DI)(R8*8), r5; \
	VBROADCASTSD 72(AX), r2; \
	VMULPD       r5, r2, r2; \
	VMOVUPD      (BX)(R8*8), r0; \
	VADDPD       r0, r2, r0; \
	ADAM64_MV(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15); \
	ADAM64_P(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15)

// func adamAVX(p, m, v, g []float64, k *adamConsts, zmm int) int
//
// Four elements per iteration with AVX, the same operations in the same
// order as adamGeneric (no FMA), so the results are bit-identical.
// With zmm ≠ 0 (AVX-512F) it first takes 8 elements an iteration in zmm
// registers, the same operations lane by lane, then the rest 4 at a time
// in ymm (ADAM*_CONSTS and ADAM*_STEP above, with r0-r15 the Y or Z
// registers). With k.l2 ≠ 0 (its bits) it runs ADAM64_L2_STEP instead.
TEXT ·adamAVX(SB), NOSPLIT, $0-120
	MOVQ p_base+0(FP), DI
	MOVQ m_base+24(FP), SI
	MOVQ v_base+48(FP), DX
	MOVQ g_base+72(FP), BX
	MOVQ g_len+80(FP), CX
	MOVQ k+96(FP), AX
	XORQ R8, R8
	MOVQ 72(AX), R10
	CMPQ R10, $0
	JNE  l2
	CMPQ zmm+104(FP), $0
	JEQ  ymm
	ADAM64_CONSTS(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	MOVQ CX, R9
	ANDQ $-8, R9

zloop:
	CMPQ R8, R9
	JGE  ymm
	ADAM64_STEP(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ $8, R8
	JMP  zloop

ymm:
	ADAM64_CONSTS(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	ANDQ $-4, CX

yloop:
	CMPQ R8, CX
	JGE  done
	ADAM64_STEP(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	ADDQ $4, R8
	JMP  yloop

l2:
	CMPQ zmm+104(FP), $0
	JEQ  l2ymm
	ADAM64_CONSTS(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	MOVQ CX, R9
	ANDQ $-8, R9

l2zloop:
	CMPQ R8, R9
	JGE  l2ymm
	ADAM64_L2_STEP(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ $8, R8
	JMP  l2zloop

l2ymm:
	ADAM64_CONSTS(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	ANDQ $-4, CX

l2yloop:
	CMPQ R8, CX
	JGE  done
	ADAM64_L2_STEP(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	ADDQ $4, R8
	JMP  l2yloop

done:
	VZEROUPPER
	MOVQ R8, ret+112(FP)
	RET

#include "textflag.h"

// func adam32AVX(p, m, v, g []float32, k *adamConsts32) int
//
// adamAVX (adam_amd64.s) for float32: eight elements per iteration, the
// same operations in the same order as adam32Generic (no FMA), so the
// results are bit-identical. Returns how many elements it updated.
TEXT ·adam32AVX(SB), NOSPLIT, $0-112
	MOVQ p_base+0(FP), DI
	MOVQ m_base+24(FP), SI
	MOVQ v_base+48(FP), DX
	MOVQ g_base+72(FP), BX
	MOVQ g_len+80(FP), CX
	MOVQ k+96(FP), AX
	VBROADCASTSS 0(AX), Y8   // b1
	VBROADCASTSS 4(AX), Y9   // a1
	VBROADCASTSS 8(AX), Y10  // b2
	VBROADCASTSS 12(AX), Y11 // a2
	VBROADCASTSS 16(AX), Y12 // c1
	VBROADCASTSS 20(AX), Y13 // c2
	VBROADCASTSS 24(AX), Y14 // eps
	VBROADCASTSS 28(AX), Y15 // lr
	XORQ R8, R8
	ANDQ $-8, CX

loop:
	CMPQ R8, CX
	JGE  done
	VMOVUPS (BX)(R8*4), Y0 // g
	VMOVUPS (SI)(R8*4), Y1 // m
	VMULPS  Y8, Y1, Y1     // b1*m
	VMULPS  Y9, Y0, Y2     // a1*g
	VADDPS  Y2, Y1, Y1     // mi
	VMOVUPS Y1, (SI)(R8*4)
	VMOVUPS (DX)(R8*4), Y3 // v
	VMULPS  Y10, Y3, Y3    // b2*v
	VMULPS  Y11, Y0, Y4    // a2*g
	VMULPS  Y0, Y4, Y4     // (a2*g)*g
	VADDPS  Y4, Y3, Y3     // vi
	VMOVUPS Y3, (DX)(R8*4)
	VMULPS  Y12, Y1, Y1    // mi*c1
	VMULPS  Y13, Y3, Y3    // vi*c2
	VSQRTPS Y3, Y3
	VADDPS  Y14, Y3, Y3    // sqrt(vi*c2)+eps
	VDIVPS  Y3, Y1, Y1     // (mi*c1)/(...)
	VMULPS  Y15, Y1, Y1    // lr*d
	VMOVUPS (DI)(R8*4), Y5 // p
	VSUBPS  Y1, Y5, Y5     // p - lr*d
	VMOVUPS Y5, (DI)(R8*4)
	ADDQ    $8, R8
	JMP     loop

done:
	VZEROUPPER
	MOVQ R8, ret+104(FP)
	RET

#include "textflag.h"

// func adamAVX(p, m, v, g []float64, k *adamConsts) int
//
// Four elements per iteration with AVX, the same operations in the same
// order as adamGeneric (no FMA), so the results are bit-identical.
TEXT ·adamAVX(SB), NOSPLIT, $0-112
	MOVQ p_base+0(FP), DI
	MOVQ m_base+24(FP), SI
	MOVQ v_base+48(FP), DX
	MOVQ g_base+72(FP), BX
	MOVQ g_len+80(FP), CX
	MOVQ k+96(FP), AX
	VBROADCASTSD 0(AX), Y8   // b1
	VBROADCASTSD 8(AX), Y9   // a1
	VBROADCASTSD 16(AX), Y10 // b2
	VBROADCASTSD 24(AX), Y11 // a2
	VBROADCASTSD 32(AX), Y12 // c1
	VBROADCASTSD 40(AX), Y13 // c2
	VBROADCASTSD 48(AX), Y14 // eps
	VBROADCASTSD 56(AX), Y15 // lr
	VBROADCASTSD 64(AX), Y7  // wd
	XORQ R8, R8
	ANDQ $-4, CX

loop:
	CMPQ R8, CX
	JGE  done
	VMOVUPD (BX)(R8*8), Y0 // g
	VMOVUPD (SI)(R8*8), Y1 // m
	VMULPD  Y8, Y1, Y1     // b1*m
	VMULPD  Y9, Y0, Y2     // a1*g
	VADDPD  Y2, Y1, Y1     // mi
	VMOVUPD Y1, (SI)(R8*8)
	VMOVUPD (DX)(R8*8), Y3 // v
	VMULPD  Y10, Y3, Y3    // b2*v
	VMULPD  Y11, Y0, Y4    // a2*g
	VMULPD  Y0, Y4, Y4     // (a2*g)*g
	VADDPD  Y4, Y3, Y3     // vi
	VMOVUPD Y3, (DX)(R8*8)
	VMULPD  Y12, Y1, Y1    // mi*c1
	VMULPD  Y13, Y3, Y3    // vi*c2
	VSQRTPD Y3, Y3
	VADDPD  Y14, Y3, Y3    // sqrt(vi*c2)+eps
	VDIVPD  Y3, Y1, Y1     // (mi*c1)/(...)
	VMOVUPD (DI)(R8*8), Y5 // p
	VMULPD  Y7, Y5, Y6     // wd*p
	VADDPD  Y6, Y1, Y1     // d
	VMULPD  Y15, Y1, Y1    // lr*d
	VSUBPD  Y1, Y5, Y5     // p - lr*d
	VMOVUPD Y5, (DI)(R8*8)
	ADDQ    $4, R8
	JMP     loop

done:
	VZEROUPPER
	MOVQ R8, ret+104(FP)
	RET

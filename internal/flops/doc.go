// Package flops holds the two yardsticks scripts/bench.sh divides by to
// judge the training kernels: the floating-point work of training an MLP,
// counted from the shapes of the matrix products its forward and backward
// passes make (MLPStep, MLPTrain), and the machine's fused multiply-add peak,
// measured by a loop that does nothing but independent 256-bit AVX2 FMAs
// (Peak).
package flops

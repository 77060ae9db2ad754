// Command benchmeter prints the two yardsticks scripts/bench.sh divides by
// (package internal/flops); not part of lossexp:
//
//	go run ./scripts/benchmeter flops SIZES ROWS BATCH EPOCHS RUNS
//	    the FLOPs of the matrix products of training RUNS MLPs with layer
//	    sizes SIZES (e.g. 64,128,64,10) on ROWS rows, batch BATCH, EPOCHS epochs
//	go run ./scripts/benchmeter peak float64|float32 [CORES]
//	    the FMA peak in FLOP/s of CORES goroutines at once (default
//	    GOMAXPROCS), best of three tries of 1 s, on the widest vectors the
//	    CPU has (512-bit with AVX-512F, as the GEMM kernels use, else 256)
//	go run ./scripts/benchmeter vector-bits
//	    that width (0: no FMA loop on this CPU)
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/lossexp/lossexp/internal/flops"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchmeter:", err)
		os.Exit(2)
	}
}

func ints(args []string) ([]int, error) {
	v := make([]int, len(args))
	for i, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("argument %d: %q is not a count", i+1, a)
		}
		v[i] = n
	}
	return v, nil
}

func run(args []string) error {
	switch {
	case len(args) == 6 && args[0] == "flops":
		sizes, err := ints(strings.Split(args[1], ","))
		if err != nil {
			return fmt.Errorf("sizes: %w", err)
		}
		n, err := ints(args[2:])
		if err != nil {
			return err
		}
		fmt.Printf("%.0f\n", flops.MLPTrain(sizes, n[0], n[1], n[2])*float64(n[3]))
		return nil
	case (len(args) == 2 || len(args) == 3) && args[0] == "peak" && (args[1] == "float64" || args[1] == "float32"):
		cores := runtime.GOMAXPROCS(0)
		if len(args) == 3 {
			n, err := ints(args[2:])
			if err != nil || n[0] < 1 {
				return fmt.Errorf("cores: want a positive count, not %q", args[2])
			}
			cores = n[0]
		}
		p, err := flops.Peak(args[1] == "float32", cores, time.Second)
		if err != nil {
			return err
		}
		fmt.Printf("%.0f\n", p)
		return nil
	case len(args) == 1 && args[0] == "vector-bits":
		fmt.Println(flops.VectorBits())
		return nil
	}
	return fmt.Errorf("usage: benchmeter flops SIZES ROWS BATCH EPOCHS RUNS | benchmeter peak float64|float32 [CORES] | benchmeter vector-bits")
}

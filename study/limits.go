package study

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/dataset"
)

// Limits bound what a study may ask of the machine. They are checked in
// Plan before anything large is allocated, so that an input that would
// exhaust memory ends in a message naming the field, not in a runtime
// fatal error.
type Limits struct {
	// MaxRuns bounds grid points × axis points × repeats.
	MaxRuns int
	// MaxMemory bounds the estimated memory of the study in bytes: the
	// data, every repeat's prepared splits, and Workers runs in flight
	// (parameters, gradients, optimizer state, activations).
	MaxMemory int64
	// Workers is the number of runs trained at once (0: GOMAXPROCS).
	Workers int
}

// DefaultMaxRuns is Limits.MaxRuns unless the caller sets another.
const DefaultMaxRuns = 2_000_000

// DefaultLimits returns the limits a command uses unless told otherwise:
// DefaultMaxRuns runs and three quarters of the memory this process may
// use (the container's limit where there is one, else the machine's).
func DefaultLimits() Limits {
	return Limits{MaxRuns: DefaultMaxRuns, MaxMemory: DefaultMaxMemory()}
}

// DefaultMaxMemory is three quarters of the memory available to this
// process: the cgroup limit when one is set, else the machine's total
// memory; 8 GiB when neither can be read.
func DefaultMaxMemory() int64 {
	avail := machineMemory()
	if c := cgroupMemory(); c > 0 && (avail == 0 || c < avail) {
		avail = c
	}
	if avail <= 0 {
		return 8 << 30
	}
	return avail / 4 * 3
}

func machineMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 2 && fs[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fs[1], 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

func cgroupMemory() int64 {
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err == nil && v > 0 && v < 1<<60 {
			return v
		}
	}
	return 0
}

func (l Limits) workers() int {
	if l.Workers > 0 {
		return l.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// countRuns returns grid points × axis points × repeats (× folds) of s without
// building any of them, or an error naming the field that makes the
// count exceed max.
func countRuns(s *experiments.Spec, gridPoints, max int) (int, error) {
	axes := 1.0
	for _, ax := range s.Sweep.Axes {
		axes *= float64(len(ax.Values))
	}
	methods := 0 // sweep.balance: each adaptive method is one more point per axis point
	for _, b := range s.Sweep.Balance {
		if b.Adaptive() {
			methods++
		}
	}
	gridPoints += methods
	total := float64(gridPoints) * axes * float64(s.Repeats) * float64(s.Folds())
	if total <= float64(max) {
		return int(total), nil
	}
	field := "repeats"
	switch {
	case float64(gridPoints)*axes > float64(max):
		field = "loss.terms"
		if len(s.Sweep.Axes) > 0 {
			field = "sweep.axes"
		}
	}
	folds := ""
	if s.Dataset.Split.CV > 0 {
		folds = fmt.Sprintf(" × %d folds", s.Dataset.Split.CV)
	}
	return 0, s.Errorf(field, "the study has %s runs (%d grid points × %.0f axis points × %d repeats%s), more than the limit of %d; sweep fewer values or repeats, or split the study (--max-runs raises the limit)",
		humanCount(total), gridPoints, axes, s.Repeats, folds, max)
}

// runMemory estimates the memory one run holds while it trains: its
// network's parameters with their gradients, optimizer state and work
// buffers, and the activations of a batch and of an evaluation pass over
// the largest split.
func runMemory(s *experiments.Spec, sp *dataset.Splits) float64 {
	in := float64(sp.Train.D)
	out := float64(max(1, sp.Train.T))
	if len(sp.Classes) > 2 {
		out = float64(len(sp.Classes))
	}
	sizes := []float64{in}
	for _, h := range s.Model.Hidden {
		sizes = append(sizes, float64(h))
	}
	sizes = append(sizes, out)
	params, widths, widest := 0.0, 0.0, 0.0
	for i := 1; i < len(sizes); i++ {
		params += (sizes[i-1] + 1) * sizes[i]
		widths += sizes[i]
		widest = math.Max(widest, sizes[i])
	}
	rows := float64(sp.Train.N)
	if sp.Test != nil {
		rows = math.Max(rows, float64(sp.Test.N))
	}
	batch := float64(s.Train.BatchSize)
	if batch <= 0 || batch > float64(sp.Train.N) {
		batch = float64(sp.Train.N)
	}
	// parameters, gradient, two optimizer moments, a work copy; three
	// buffers per layer of a batch (pre-activation, activation, delta);
	// two of the widest layer for an evaluation pass over every row.
	return 8 * (5*params + 3*batch*widths + 2*rows*widest)
}

// splitMemory is the memory of one repeat's prepared splits.
func splitMemory(sp *dataset.Splits) float64 {
	b := 0.0
	for _, d := range []*dataset.Dataset{sp.Train, sp.Validation, sp.Test} {
		if d == nil {
			continue
		}
		b += 8 * float64(len(d.X)+len(d.Y)+len(d.Aux)+len(d.Factors))
	}
	return b
}

// checkMemory refuses a study whose estimated memory exceeds l.MaxMemory,
// naming the field that drives the estimate.
func checkMemory(s *experiments.Spec, sp *dataset.Splits, l Limits) (perRun float64, err error) {
	if l.MaxMemory <= 0 {
		return 0, nil
	}
	perRun = runMemory(s, sp)
	workers := float64(l.workers())
	total := workers*perRun + float64(s.Repeats)*splitMemory(sp)
	if total <= float64(l.MaxMemory) {
		return perRun, nil
	}
	field, why := "model.hidden", fmt.Sprintf("each run needs about %s (model %s on %d features)", humanBytes(perRun), describeSizes(s), sp.Train.D)
	if workers*perRun <= float64(l.MaxMemory)/2 {
		field, why = "repeats", fmt.Sprintf("the %d repeats' data needs about %s", s.Repeats, humanBytes(float64(s.Repeats)*splitMemory(sp)))
	} else if len(s.Model.Hidden) == 0 {
		field = "dataset"
	}
	return perRun, s.Errorf(field, "the study needs about %s of memory, more than the limit of %s: %s, × %d workers; make it smaller, use fewer --workers, or raise --max-memory",
		humanBytes(total), humanBytes(float64(l.MaxMemory)), why, int(workers))
}

func describeSizes(s *experiments.Spec) string {
	if len(s.Model.Hidden) == 0 {
		return s.Model.Kind
	}
	parts := make([]string, len(s.Model.Hidden))
	for i, h := range s.Model.Hidden {
		parts[i] = strconv.Itoa(h)
	}
	return "hidden [" + strings.Join(parts, ", ") + "]"
}

func humanBytes(b float64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}

func humanCount(n float64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.0f", n)
	}
	return fmt.Sprintf("%.3g", n)
}

// ParseBytes reads a memory size: a number with an optional unit (B, KB,
// MB, GB, TB, or KiB, MiB, GiB, TiB; case-insensitive), e.g. "16GB", "512MiB".
func ParseBytes(v string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(v))
	mult := 1.0
	for _, u := range []struct {
		s string
		m float64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"B", 1}} {
		if strings.HasSuffix(t, u.s) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.s)), u.m
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || f <= 0 || f*mult > 1<<62 {
		return 0, fmt.Errorf("%q is not a memory size: want a positive number with an optional unit, e.g. 16GB or 512MiB", v)
	}
	return int64(f * mult), nil
}

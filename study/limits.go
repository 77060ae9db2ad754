package study

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
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
// DefaultMaxRuns runs and DefaultMaxMemory.
func DefaultLimits() Limits {
	return Limits{MaxRuns: DefaultMaxRuns, MaxMemory: DefaultMaxMemory()}
}

// DefaultMaxMemory is three quarters of the memory available to this
// process: the smaller of the machine's available memory (MemAvailable
// in /proc/meminfo: free memory and what the kernel can reclaim without
// swapping) and the cgroup's limit (memory.max, or cgroup v1's
// memory.limit_in_bytes); 8 GiB when neither can be read.
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
	return memAvailable(f)
}

// memAvailable reads MemAvailable from /proc/meminfo's text, in bytes (0
// when absent).
func memAvailable(r io.Reader) int64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 2 && fs[0] == "MemAvailable:" {
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
func countRuns(s *spec.Spec, gridPoints, max int) (int, error) {
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
func runMemory(s *spec.Spec, sp *dataset.Splits) float64 {
	out := float64(max(1, sp.Train.T))
	if len(sp.Classes) > 2 {
		out = float64(len(sp.Classes))
	}
	rows := float64(sp.Train.N)
	if sp.Test != nil {
		rows = math.Max(rows, float64(sp.Test.N))
	}
	return runBytes(s, float64(sp.Train.D), out, float64(sp.Train.N), rows)
}

// runBytes is runMemory for in features, out outputs, train training
// rows and rows in the largest split.
//
// evalRows are the rows of one evaluation pass (experiments.evalChunk).
const evalRows = 512

func runBytes(s *spec.Spec, in, out, train, rows float64) float64 {
	sizes := []float64{in}
	for _, h := range s.Model.Hidden {
		sizes = append(sizes, float64(h))
	}
	sizes = append(sizes, out)
	params, widths := 0.0, 0.0
	for i := 1; i < len(sizes); i++ {
		params += (sizes[i-1] + 1) * sizes[i]
		widths += sizes[i]
	}
	batch := float64(s.Train.BatchSize)
	if batch <= 0 || batch > train {
		batch = train
	}
	// parameters, gradient, two optimizer moments, a work copy; three
	// buffers per layer of a batch, or of a chunk of an evaluation pass
	// (pre-activation, activation, delta); the outputs of every row.
	return 8 * (5*params + 3*max(batch, evalRows)*widths + rows*out)
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
func checkMemory(s *spec.Spec, sp *dataset.Splits, l Limits) (perRun float64, err error) {
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

func describeSizes(s *spec.Spec) string {
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

// MemoryEstimate is the resident memory a study is expected to reach at
// its peak, in bytes, judged from its CSV files' sizes and first rows
// before they are read (EstimateMemory).
type MemoryEstimate struct {
	// Validate is the peak of planning the study: loading the data and
	// preparing repeat 0's splits (all that lossexp validate does).
	Validate float64
	// Sweep is the peak of a sweep: the data, every repeat's (and fold's)
	// prepared splits, and Workers runs training at once.
	Sweep float64
	// PerRun is one run's share (runMemory); Workers the runs at once.
	PerRun  float64
	Workers int
}

// The factors of the memory estimate; TestEstimateMemory pins them.
const (
	// processBytes is the resident memory of lossexp holding no data:
	// its code, the runtime, the spec and the plan; a sweep holds
	// reportBytes more (workers, the store, the report's fonts and
	// figures).
	processBytes = 24 << 20
	reportBytes  = 24 << 20
	// heapSlack is the resident memory per byte live: the runtime's heap
	// overhead and the garbage not yet collected, which boundHeap keeps
	// below the estimate.
	heapSlack = 1.3
	// prepareRowBytes are Prepare's index slices per row (a permutation,
	// a split tag, the rows of each split).
	prepareRowBytes = 24
)

// EstimateMemory estimates the memory of a study on CSV data of the
// given shapes (test nil without a test file) with workers runs at once:
// per row, the table ReadCSV builds (float64 numeric features, targets
// and auxiliary targets; a 4-byte index and a string header per
// categorical cell; class and group indices) and its transients (a grown
// slice's old copy; with a test file, both files' tables and their
// concatenation; for images the pixels read, the clean and the degraded
// images); then the prepared splits of one repeat (float64 one-hot
// encoded features, targets, auxiliary targets, group and label per row,
// and Prepare's index slices), once when planning and once per repeat
// and fold in a sweep; then the runs. Each peak is heapSlack × the bytes
// live (in whole bytes) + processBytes.
func EstimateMemory(s *spec.Spec, train, test *dataset.CSVShape, workers int) MemoryEstimate {
	sh := *train
	n := sh.Rows
	if test != nil {
		n += test.Rows
	}
	p, q, d := float64(sh.Numeric), float64(sh.Categorical), float64(sh.Numeric+sh.Levels)
	t, a := float64(sh.Targets), float64(sh.Aux)
	g := 0.0
	if sh.Group {
		g = 1
	}
	var tableRow, loadRow, splitRow float64
	if sh.Image {
		// ReadCSV's pixels, buildImages' clean and degraded images; the
		// pixels go once the images are built; the class becomes a label.
		tableRow = 16*p + 8 + 12*g
		loadRow = 24*p + 12 + 12*g
		splitRow = 16*p + 8 + 8*g
	} else {
		c := 0.0
		if sh.Classification {
			c = 4 // the class index beside the float64 label
		}
		tableRow = 8*p + 20*q + 8*t + c + 12*g + 8*a
		loadRow = tableRow // ReadCSV reserves its slices once (CSVOptions.SizeHint)
		splitRow = 8*d + 8*t + 8*a + 8*g
	}
	splitRow += prepareRowBytes
	if test != nil {
		loadRow = max(loadRow, 2*tableRow) // both files' tables and their concatenation
	}
	perRun := runBytes(s, max(d, 1), max(t, 1), n, n)
	validate := n * max(loadRow, tableRow+splitRow)
	sweep := max(validate, n*(tableRow+float64(s.Repeats*s.Folds())*splitRow)+float64(workers)*perRun)
	return MemoryEstimate{
		Validate: math.Ceil(heapSlack*validate) + processBytes,
		Sweep:    math.Ceil(heapSlack*sweep) + processBytes + reportBytes,
		PerRun:   perRun,
		Workers:  workers,
	}
}

// checkDataMemory estimates the memory of a study on CSV data before the
// data is read, and refuses a study whose sweep would need more than
// l.MaxMemory. ok is false when the data's shape is unknown (built-in
// data, a trainer, first rows the reader refuses). A non-nil loaded is
// the shape of data already loaded (experiments.OpenSmallData), which
// the files are then not sniffed for.
func checkDataMemory(s *spec.Spec, dirs experiments.Folders, l Limits, loaded *dataset.CSVShape) (est MemoryEstimate, ok bool, err error) {
	train, test := loaded, (*dataset.CSVShape)(nil)
	if train == nil {
		train, test = experiments.SniffData(s, dirs)
	}
	if train == nil {
		return est, false, nil
	}
	est = EstimateMemory(s, train, test, l.workers())
	if l.MaxMemory <= 0 || est.Sweep <= float64(l.MaxMemory) {
		return est, true, nil
	}
	rows := train.Rows
	size := train.Size
	if test != nil {
		rows += test.Rows
		size += test.Size
	}
	return est, true, s.Errorf("dataset.csv", "the study needs about %s of memory, more than the limit of %s: about %s rows × %d columns (%s of CSV, judged from its first rows), the splits of %d repeats and folds, %d workers at once; use a smaller file, fewer repeats or --workers, or raise --max-memory",
		humanBytes(est.Sweep), humanBytes(float64(l.MaxMemory)), humanCount(math.Round(rows)), train.Numeric+train.Levels, humanBytes(float64(size)), s.Repeats*s.Folds(), l.workers())
}

// boundHeap sets the Go runtime's soft memory limit to an estimate of
// the peak (MemoryEstimate) until restore is called, so that garbage is
// collected before the resident memory passes it: without it the heap
// may grow to twice the bytes live before the collector runs. base is
// the part of the estimate that is not data: an estimate whose data
// part is under minHeapBound is left alone (the collector's pacing costs
// little there, and a tight limit on a small heap only costs time). A
// limit already set and higher (a sweep's, while a refinement round is
// planned) is kept.
func boundHeap(bytes, base float64) (restore func()) {
	prev := debug.SetMemoryLimit(-1)
	limit := int64(bytes) - codeBytes
	if bytes-base < minHeapBound || bytes >= math.MaxInt64 || limit <= 0 || (prev != math.MaxInt64 && prev >= limit) {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(prev) }
}

const (
	// minHeapBound is the smallest data estimate boundHeap applies.
	minHeapBound = 16 << 20
	// codeBytes is the part of processBytes outside the Go heap (the
	// program's code and data pages), which the runtime's limit does not
	// count.
	codeBytes = 16 << 20
)

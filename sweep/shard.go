package sweep

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/spec"
)

// Shard is one of Count deterministic, disjoint slices of a sweep's runs,
// numbered from 0. Every process that expands the same spec computes the
// same slices, whatever machine it runs on, so n processes given 0/n …
// (n−1)/n train every run exactly once between them.
type Shard struct {
	Index, Count int
}

// String returns "i/n".
func (sh Shard) String() string { return fmt.Sprintf("%d/%d", sh.Index, sh.Count) }

// FileName is the shard's manifest file in the ShardDir of a results
// folder: shard-<i>-of-<n>.json.
func (sh Shard) FileName() string { return fmt.Sprintf("shard-%d-of-%d.json", sh.Index, sh.Count) }

// ErrShardSyntax reports a shard that is not two whole numbers i/n.
var ErrShardSyntax = errors.New("sweep: want i/n with whole numbers 0 ≤ i < n")

// ParseShard reads "i/n". It refuses anything but two whole numbers with
// n ≥ 1 and 0 ≤ i < n: ErrShardSyntax, or a message that says which
// rule was broken.
func ParseShard(v string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return Shard{}, ErrShardSyntax
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return Shard{}, ErrShardSyntax
	}
	sh := Shard{Index: i, Count: n}
	if err := sh.Validate(); err != nil {
		return Shard{}, err
	}
	return sh, nil
}

// Validate checks n ≥ 1 and 0 ≤ i < n.
func (sh Shard) Validate() error {
	switch {
	case sh.Count < 1:
		return fmt.Errorf("the number of shards must be at least 1, got %d", sh.Count)
	case sh.Index < 0:
		return fmt.Errorf("the shard index must be at least 0, got %d", sh.Index)
	case sh.Index >= sh.Count:
		return fmt.Errorf("shard index %d is out of range: %d shards are numbered 0 to %d", sh.Index, sh.Count, sh.Count-1)
	}
	return nil
}

// Environment variables ShardFromEnv reads.
const (
	EnvK8sIndex   = "JOB_COMPLETION_INDEX" // set by Kubernetes in the pods of an Indexed Job
	EnvShards     = "LOSSEXP_SHARDS"       // the number of shards (set by the exported Job and Slurm script)
	EnvSlurmID    = "SLURM_ARRAY_TASK_ID"
	EnvSlurmCount = "SLURM_ARRAY_TASK_COUNT"
	EnvSlurmMin   = "SLURM_ARRAY_TASK_MIN"
	EnvSlurmMax   = "SLURM_ARRAY_TASK_MAX"
	EnvSlurmStep  = "SLURM_ARRAY_TASK_STEP"
)

// ShardFromEnv finds this process's shard from a batch engine's
// environment; lookup is os.LookupEnv in production.
//
// Kubernetes (Indexed Job): i = JOB_COMPLETION_INDEX, n = LOSSEXP_SHARDS
// (Kubernetes does not tell a pod the number of completions, so the Job
// sets it).
//
// Slurm (job array): with LOSSEXP_SHARDS set, i = SLURM_ARRAY_TASK_ID as
// is and n = LOSSEXP_SHARDS, so the array must be numbered 0 to n−1 (the
// exported script does this), and re-submitting one task
// (sbatch --array=3) runs shard 3 again. Without it, the array itself
// gives the shards: n = SLURM_ARRAY_TASK_COUNT and
// i = (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP,
// so --array=1-8 is shards 0/8 … 7/8; an array that is not one evenly
// stepped range (--array=1,4,9) is refused.
//
// When both engines' variables are set they must name the same shard.
// source describes where the shard came from, for messages.
func ShardFromEnv(lookup func(string) (string, bool)) (sh Shard, source string, err error) {
	e := shardEnv(lookup)
	k8s, k8sSrc, err := e.k8s()
	if err != nil {
		return Shard{}, "", err
	}
	slurm, slurmSrc, err := e.slurm()
	if err != nil {
		return Shard{}, "", err
	}
	switch {
	case k8s != nil && slurm != nil && *k8s != *slurm:
		return Shard{}, "", fmt.Errorf("the Kubernetes variables say shard %s (%s) but the Slurm variables say shard %s (%s): unset one engine's variables, or give --shard i/n", k8s, k8sSrc, slurm, slurmSrc)
	case k8s != nil:
		return *k8s, k8sSrc, nil
	case slurm != nil:
		return *slurm, slurmSrc, nil
	}
	return Shard{}, "", fmt.Errorf("no shard in the environment: neither %s (Kubernetes Indexed Job, with %s) nor %s (Slurm job array) is set; give --shard i/n",
		EnvK8sIndex, EnvShards, EnvSlurmID)
}

// shardEnv looks up the environment's variables.
type shardEnv func(string) (string, bool)

// get returns a variable's value, trimmed; ok when it is set and not
// blank.
func (e shardEnv) get(k string) (string, bool) {
	v, ok := e(k)
	return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
}

// num returns a variable's value as a whole number.
func (e shardEnv) num(k string) (int, error) {
	v, _ := e.get(k)
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not a whole number", k, v)
	}
	return n, nil
}

// k8s returns the shard of a Kubernetes Indexed Job (nil: none) and the
// variables that say so.
func (e shardEnv) k8s() (*Shard, string, error) {
	idx, ok := e.get(EnvK8sIndex)
	if !ok {
		return nil, "", nil
	}
	shards, haveShards := e.get(EnvShards)
	if !haveShards {
		return nil, "", fmt.Errorf("%s=%s is set (a Kubernetes Indexed Job) but %s is not: set it to the Job's completions", EnvK8sIndex, idx, EnvShards)
	}
	i, err := e.num(EnvK8sIndex)
	if err != nil {
		return nil, "", err
	}
	n, err := e.num(EnvShards)
	if err != nil {
		return nil, "", err
	}
	s := Shard{i, n}
	src := fmt.Sprintf("%s=%s, %s=%s", EnvK8sIndex, idx, EnvShards, shards)
	if err := s.Validate(); err != nil {
		return nil, "", fmt.Errorf("%s: %w", src, err)
	}
	return &s, src, nil
}

// slurm returns the shard of a Slurm job array task (nil: none) and the
// variables that say so: with LOSSEXP_SHARDS the task id is the shard
// number, else the task's place in the array.
func (e shardEnv) slurm() (*Shard, string, error) {
	id, ok := e.get(EnvSlurmID)
	if !ok {
		return nil, "", nil
	}
	i, err := e.num(EnvSlurmID)
	if err != nil {
		return nil, "", err
	}
	shards, haveShards := e.get(EnvShards)
	if !haveShards {
		return e.slurmArray(i, id)
	}
	n, err := e.num(EnvShards)
	if err != nil {
		return nil, "", err
	}
	s := Shard{i, n}
	src := fmt.Sprintf("%s=%s, %s=%s", EnvSlurmID, id, EnvShards, shards)
	if err := s.Validate(); err != nil {
		return nil, "", fmt.Errorf("%s: %w (with %s set, array task ids are shard numbers: submit --array=0-%d)", src, err, EnvShards, max(n-1, 0))
	}
	return &s, src, nil
}

// slurmArray returns the shard of array task i (id as set): its place in
// the array's evenly stepped range of task ids.
func (e shardEnv) slurmArray(i int, id string) (*Shard, string, error) {
	cnt, ok := e.get(EnvSlurmCount)
	if !ok {
		return nil, "", fmt.Errorf("%s=%s is set (a Slurm job array) but neither %s nor %s is", EnvSlurmID, id, EnvSlurmCount, EnvShards)
	}
	n, err := e.num(EnvSlurmCount)
	if err != nil {
		return nil, "", err
	}
	lo, step := 0, 1
	if _, ok := e.get(EnvSlurmMin); ok {
		if lo, err = e.num(EnvSlurmMin); err != nil {
			return nil, "", err
		}
	}
	if _, ok := e.get(EnvSlurmStep); ok {
		if step, err = e.num(EnvSlurmStep); err != nil {
			return nil, "", err
		}
		if step < 1 {
			step = 1
		}
	}
	src := fmt.Sprintf("%s=%s, %s=%s, %s=%d", EnvSlurmID, id, EnvSlurmCount, cnt, EnvSlurmMin, lo)
	if hi, ok := e.get(EnvSlurmMax); ok {
		h, err := e.num(EnvSlurmMax)
		if err != nil {
			return nil, "", err
		}
		if (h-lo)%step != 0 || (h-lo)/step+1 != n {
			return nil, "", fmt.Errorf("%s, %s=%s: the array is not one evenly stepped range, so its task ids do not name shards: set %s to the number of shards and submit --array=0-(n-1)", src, EnvSlurmMax, hi, EnvShards)
		}
	}
	if (i-lo)%step != 0 {
		return nil, "", fmt.Errorf("%s: task id is not on the array's step %d", src, step)
	}
	s := Shard{(i - lo) / step, n}
	if err := s.Validate(); err != nil {
		return nil, "", fmt.Errorf("%s: %w", src, err)
	}
	return &s, src, nil
}

// CostFunc estimates the relative cost of training one run: only ratios
// between runs matter. Costs are integers so that the assignment is the
// same on every machine (no floating-point sums whose rounding could
// differ).
type CostFunc func(Plan) int64

// PlanCost is the cost model the shards are balanced by: epochs × training
// rows × model size, read from the run's spec (an axis point's effective
// spec, Plan.Spec, when sweep axes vary epochs, data size or the model).
// Runs that differ only in λ cost the same, so a spec without axes is
// dealt out in index order, round robin. Unknown factors (the rows of a
// CSV, the input width) count as 1: they are the same for every run of
// the spec.
func PlanCost(s *spec.Spec) CostFunc {
	base := specCost(s)
	return func(p Plan) int64 {
		if p.Spec != nil { // an axis point's effective spec
			return specCost(p.Spec)
		}
		return base
	}
}

func specCost(s *spec.Spec) int64 {
	c := int64(1)
	mul := func(f float64) {
		if f >= 1 && !math.IsInf(f, 0) && c < math.MaxInt64/int64(min(f, 1<<20)) {
			c *= int64(min(f, 1<<20))
		}
	}
	mul(float64(s.Train.Epochs))
	if s.Dataset.Params != nil {
		mul(s.Dataset.Params["samples"])
	}
	width, prev := 1.0, 1.0
	for _, h := range s.Model.Hidden {
		width += prev*float64(h) + float64(h)
		prev = float64(h)
	}
	mul(width)
	return c
}

// Assign deals plans out to n shards by longest processing time first:
// plans sorted by (cost descending, index ascending), each to the shard
// with the least cost so far (the lowest-numbered on a tie). It returns
// the shard of every plan, by position. The result depends on the plans
// and costs alone. Equal costs give round robin: plan k to shard k mod n.
func Assign(plans []Plan, n int, cost CostFunc) []int {
	if n < 1 {
		panic("sweep: Assign to fewer than 1 shard")
	}
	costs := make([]int64, len(plans))
	order := make([]int, len(plans))
	for i, p := range plans {
		costs[i] = max(cost(p), 0)
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if costs[a] != costs[b] {
			if costs[a] > costs[b] {
				return -1
			}
			return 1
		}
		return plans[a].Index - plans[b].Index
	})
	h := make(loadHeap, n)
	for i := range h {
		h[i] = shardLoad{shard: i}
	}
	heap.Init(&h)
	out := make([]int, len(plans))
	for _, i := range order {
		out[i] = h[0].shard
		h[0].load += costs[i]
		h[0].runs++
		heap.Fix(&h, 0)
	}
	return out
}

// Plans returns the plans of shard sh in index order.
func (sh Shard) Plans(plans []Plan, cost CostFunc) []Plan {
	assign := Assign(plans, sh.Count, cost)
	var mine []Plan
	for i, p := range plans {
		if assign[i] == sh.Index {
			mine = append(mine, p)
		}
	}
	return mine
}

// AssignStream is Assign for a sweep's Plans, without a slice of every
// run: it calls yield(i, shard) for every run in index order and gives
// the same shards as Assign(ps.Collect(), n, cost) — the same bytes on
// every machine, so shards and merge agree whichever of the two they
// use. cost is evaluated once per group of runs with one effective spec
// (an axis point's static runs, one balancing method's; on its first
// run): it must not vary with λ or the repeat, which PlanCost does not.
//
// How: Assign deals runs sorted by (cost descending, index ascending).
// The runs of a group are contiguous in index order and cost the same,
// so that order is the groups sorted stably by cost descending, each in
// index order. A first pass deals the groups in that order and keeps the
// shards' loads (the heap as an array, exactly) before each; the second
// walks the runs in index order, restarting each group from its saved
// heap. Memory: shards × groups.
func AssignStream(ps *Plans, n int, cost CostFunc, yield func(i, shard int) bool) {
	if n < 1 {
		panic("sweep: Assign to fewer than 1 shard")
	}
	ng := len(ps.groups)
	costs := make([]int64, ng)
	order := make([]int, ng)
	for g := range ng {
		if ps.groups[g].n > 0 && ps.per() > 0 {
			costs[g] = max(cost(ps.At(ps.groups[g].first*ps.per())), 0)
		}
		order[g] = g
	}
	// Groups are listed in index order, so ties keep it.
	slices.SortStableFunc(order, func(x, y int) int {
		switch {
		case costs[x] > costs[y]:
			return -1
		case costs[x] < costs[y]:
			return 1
		}
		return x - y
	})
	h := make(loadHeap, n)
	for i := range h {
		h[i] = shardLoad{shard: i}
	}
	heap.Init(&h)
	before := make([]loadHeap, ng)
	for _, g := range order {
		before[g] = slices.Clone(h)
		for range ps.groups[g].n * ps.per() {
			h[0].load += costs[g]
			h[0].runs++
			heap.Fix(&h, 0)
		}
	}
	for g := range ng {
		h := before[g]
		first := ps.groups[g].first * ps.per()
		for k := range ps.groups[g].n * ps.per() {
			sh := h[0].shard
			h[0].load += costs[g]
			h[0].runs++
			heap.Fix(&h, 0)
			if !yield(first+k, sh) {
				return
			}
		}
	}
}

// Mine returns the runs of ps that belong to shard sh, as a set of
// indices, and how many there are.
func (sh Shard) Mine(ps *Plans, cost CostFunc) (Bitset, int) {
	b := NewBitset(ps.Len())
	n := 0
	AssignStream(ps, sh.Count, cost, func(i, s int) bool {
		if s == sh.Index {
			b.Set(i)
			n++
		}
		return true
	})
	return b, n
}

// Bitset is a set of run indices: one bit a run.
type Bitset []uint64

// NewBitset returns an empty set for n runs.
func NewBitset(n int) Bitset { return make(Bitset, (n+63)/64) }

// Set adds i.
func (b Bitset) Set(i int) { b[i/64] |= 1 << (i % 64) }

// Has reports whether i is in the set.
func (b Bitset) Has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }

type shardLoad struct {
	shard int
	load  int64
	runs  int
}

// loadHeap orders shards by (load, number of runs, shard number): with
// zero-cost runs the count still spreads them.
type loadHeap []shardLoad

func (h loadHeap) Len() int { return len(h) }
func (h loadHeap) Less(a, b int) bool {
	if h[a].load != h[b].load {
		return h[a].load < h[b].load
	}
	if h[a].runs != h[b].runs {
		return h[a].runs < h[b].runs
	}
	return h[a].shard < h[b].shard
}
func (h loadHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *loadHeap) Push(x any)   { *h = append(*h, x.(shardLoad)) }
func (h *loadHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

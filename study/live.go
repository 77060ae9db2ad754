package study

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/sweep"
)

// A sweep's live state (`lossexp status`): each process that trains a
// results folder's runs (a sweep, each shard) publishes what it is doing
// in its own scratch folder runs/tmp/live-<pid>-<random>/ (ScratchDir's
// rule: the process holds the exclusive lock of its .owner while it
// lives), in the file state.json, rewritten whole (a temporary file
// renamed) at most once per liveEvery while something changed, and
// removed with its folder when the process ends. What a killed process
// left there is stale: `lossexp status` tells it by the .owner lock it
// can take, and never shows its runs as running; the next sweep removes
// it. The state never changes a result, and nothing else reads it.

const (
	livePrefix    = "live-"
	liveStateFile = "state.json"
)

// liveEvery is the longest a change waits before it is published, and
// the shortest time between two writes of the state file.
var liveEvery = time.Second

// liveState is the content of state.json.
type liveState struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	What    string    `json:"what"` // "sweep quickstart", "sweep quickstart --shard 1/2"
	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
	// Runs are this process's runs in its current training pass (a
	// shard's own), Done those stored so far by status (the reused ones
	// and those this pass trained), Trained how many this pass trained,
	// since PassStart; LastDone is when the last one was saved.
	Runs      int            `json:"runs"`
	Done      map[string]int `json:"done"`
	Trained   int            `json:"trained"`
	PassStart time.Time      `json:"pass_start"`
	LastDone  time.Time      `json:"last_done"`
	Running   []liveRunState `json:"running"`
	// SpecPath is the spec file the sweep read (absolute: its relative
	// paths resolve against it) and Data, Cache the folders where it
	// looked for CSV files: a partial report plans the study as it did.
	SpecPath string `json:"spec_path"`
	Data     string `json:"data_dir,omitempty"`
	Cache    string `json:"cache_dir,omitempty"`
	// Halving is the rung a halving sweep trains and what the rungs
	// before stored (status_halving.go); nil without sweep.halving.
	Halving *liveHalving `json:"halving,omitempty"`
}

// liveRunState is a running run as state.json has it.
type liveRunState struct {
	RunID   string             `json:"run_id"`
	Lambda  map[string]float64 `json:"lambda"`
	Label   string             `json:"lambda_label"`
	Repeat  int                `json:"repeat"`
	Attempt int                `json:"attempt"`
	Started time.Time          `json:"started"` // the attempt's start
	// LastEpoch is the run's last epoch line ("epoch" and the curve
	// values; a non-finite value is null), nil before the first.
	LastEpoch map[string]any `json:"last_epoch"`
	Rung      *int           `json:"rung"` // sweep.halving's rung, 1 for the first (null without halving)
}

// livePub publishes a process's live state; every method is nil-safe
// (a process that could not make its folder trains unwatched).
type livePub struct {
	mu      sync.Mutex
	scratch *Scratch
	state   liveState
	plans   sweep.Source
	running map[*liveRun]struct{}
	dirty   bool
	stop    chan struct{}
	done    chan struct{}
}

type livePubKey struct{}

// openLive makes this process's live folder in dir's runs/tmp (after
// openRunScratch swept it) and returns ctx carrying its publisher for the
// runs (experiments.WithLive) and the training passes, and the function
// that stops publishing and removes the folder. Watching is best effort:
// a folder that cannot be made leaves the sweep unwatched, never stopped.
func openLive(ctx context.Context, dir, what string, st *Study) (context.Context, func()) {
	s, err := OpenScratch(scratchRoot(dir), livePrefix)
	if err != nil {
		return ctx, func() {}
	}
	host, _ := os.Hostname()
	now := time.Now().UTC()
	p := &livePub{scratch: s, running: map[*liveRun]struct{}{}, dirty: true,
		stop: make(chan struct{}), done: make(chan struct{}),
		state: liveState{PID: os.Getpid(), Host: host, What: what, Started: now, PassStart: now, Done: map[string]int{}}}
	if abs, err := filepath.Abs(st.SpecPath); err == nil && st.SpecPath != "" && st.SpecPath != "-" {
		p.state.SpecPath = abs
	}
	p.state.Data, p.state.Cache = st.Dirs.Data, st.Dirs.Cache
	p.flush()
	go p.loop()
	ctx = context.WithValue(ctx, livePubKey{}, p)
	return experiments.WithLive(ctx, p), p.close
}

// livePubFrom returns the publisher openLive put in ctx (nil: none).
func livePubFrom(ctx context.Context) *livePub {
	p, _ := ctx.Value(livePubKey{}).(*livePub)
	return p
}

func (p *livePub) loop() {
	defer close(p.done)
	t := time.NewTicker(liveEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.readEpochLines()
			p.flush()
		}
	}
}

// close stops publishing and removes the live folder.
func (p *livePub) close() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.done
	p.scratch.Close()
}

// pass starts a training pass: plans are the runs (a Result's Index is
// a position there), runs how many are this process's and stats what
// the store already holds of them.
func (p *livePub) pass(plans sweep.Source, stats TrainStats) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.plans = plans
	s := &p.state
	s.Runs, s.Trained, s.PassStart, s.LastDone = stats.Runs, 0, time.Now().UTC(), time.Time{}
	s.Done = map[string]int{experiments.StatusOK: stats.Reused - stats.Diverged}
	if stats.Diverged > 0 {
		s.Done[experiments.StatusDiverged] = stats.Diverged
	}
	p.dirty = true
}

// watch starts a training pass (pass) and returns progress wrapped to
// count each run saved (stored) before it passes the run on.
func (p *livePub) watch(plans sweep.Source, stats TrainStats, progress func(int, int, *experiments.Result)) func(int, int, *experiments.Result) {
	if p == nil {
		return progress
	}
	p.pass(plans, stats)
	return func(done, total int, r *experiments.Result) {
		p.stored(r.Status)
		if progress != nil {
			progress(done, total, r)
		}
	}
}

// stored counts a run of the pass saved with status.
func (p *livePub) stored(status string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state.Done[status]++
	p.state.Trained++
	p.state.LastDone = time.Now().UTC()
	p.dirty = true
}

// Start implements experiments.Live.
func (p *livePub) Start(run *experiments.Run) experiments.LiveRun {
	s := run.Spec
	r := &liveRun{p: p, names: experiments.CurveNames(s)}
	r.st = liveRunState{RunID: run.ID(), Lambda: map[string]float64{}, Label: s.LambdaLabel(run.Lambdas),
		Repeat: run.Repeat, Attempt: 1, Started: time.Now().UTC()}
	for i, t := range s.Loss.Terms {
		if i < len(run.Lambdas) {
			r.st.Lambda[t.Name] = run.Lambdas[i]
		}
	}
	if k := slices.Index(s.Rungs(), run.EpochBudget()); k >= 0 { // sweep.halving: rung 1, 2, …
		k++
		r.st.Rung = &k
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.plans != nil && run.Index >= 0 && run.Index < p.plans.Len() {
		if id := p.plans.At(run.Index).ID; id != "" {
			r.st.RunID = id
		}
	}
	p.running[r] = struct{}{}
	p.dirty = true
	return r
}

// liveRun is one running run (experiments.LiveRun).
type liveRun struct {
	p       *livePub
	names   []string
	st      liveRunState // under p.mu
	metrics string       // a training command's metrics.jsonl (under p.mu)
}

func (r *liveRun) Attempt(k int, metrics string) {
	r.p.mu.Lock()
	defer r.p.mu.Unlock()
	r.st.Attempt, r.st.Started, r.st.LastEpoch, r.metrics = k, time.Now().UTC(), nil, metrics
	r.p.dirty = true
}

func (r *liveRun) Epoch(epoch int, row []float64) {
	line := make(map[string]any, len(row)+1)
	line["epoch"] = epoch
	for i, v := range row {
		if i < len(r.names) {
			line[r.names[i]] = finiteOrNil(v)
		}
	}
	r.p.mu.Lock()
	defer r.p.mu.Unlock()
	r.st.LastEpoch = line
	r.p.dirty = true
}

func (r *liveRun) End() {
	r.p.mu.Lock()
	defer r.p.mu.Unlock()
	delete(r.p.running, r)
	r.p.dirty = true
}

func finiteOrNil(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// readEpochLines reads the last epoch line of every running attempt of a
// training command from its metrics.jsonl (outside the lock: a slow
// disk never holds up a worker).
func (p *livePub) readEpochLines() {
	p.mu.Lock()
	paths := map[*liveRun]string{}
	for r := range p.running {
		if r.metrics != "" {
			paths[r] = r.metrics
		}
	}
	p.mu.Unlock()
	for r, path := range paths {
		vals, ok := command.LastEpoch(path)
		if !ok {
			continue
		}
		line := make(map[string]any, len(vals))
		for k, v := range vals {
			line[k] = finiteOrNil(v)
		}
		p.mu.Lock()
		if r.metrics == path { // still that attempt
			r.st.LastEpoch = line
			p.dirty = true
		}
		p.mu.Unlock()
	}
}

// flush writes state.json when something changed since the last write.
func (p *livePub) flush() {
	p.mu.Lock()
	if !p.dirty {
		p.mu.Unlock()
		return
	}
	p.dirty = false
	s := p.state
	s.Updated = time.Now().UTC()
	s.Running = make([]liveRunState, 0, len(p.running))
	for r := range p.running {
		s.Running = append(s.Running, r.st)
	}
	b, err := json.Marshal(&s)
	p.mu.Unlock()
	if err != nil {
		return
	}
	path := filepath.Join(p.scratch.Dir(), liveStateFile)
	tmp := path + ".tmp"
	if os.WriteFile(tmp, b, 0o644) == nil {
		os.Rename(tmp, path) // readers see the old state or the new, whole
	}
}

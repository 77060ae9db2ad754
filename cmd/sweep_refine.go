package cmd

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/sweep"
)

// refineRounds carries out sweep.refine: it trains the spec's grid, then
// for every round but the last adds the λ values report.RefineLambdas
// proposes from the tables written so far and trains them, and returns
// the spec of the last round (its grid holds every λ so far plus the last
// round's) and how many runs it trained. The caller trains and writes that
// last grid as any sweep, so a sweep with refinement ends like one
// without, and every run is trained once: each round reuses the stored
// runs by id. The proposals depend on runs.csv alone, so a resumed or
// re-run sweep refines the same way. Interrupted, it returns the spec of
// the round in progress: the caller's sweep then stops at once and writes
// what is stored.
func refineRounds(ctx context.Context, o *SweepOptions, s *experiments.Spec, out string, store *sweep.Store, workers int) (*experiments.Spec, int, error) {
	r := s.Sweep.Refine
	sw := s.SweptTerms()
	if r == nil || len(sw) != 1 {
		return s, 0, nil
	}
	term := s.Loss.Terms[sw[0]]
	trained := 0
	for round := 0; round < r.Rounds; round++ {
		st, err := setupSweep(s, o.DataDir)
		if err != nil {
			return nil, trained, err
		}
		n, err := trainStored(ctx, o, s, st, store, workers)
		trained += n
		if err != nil {
			if ctx.Err() != nil {
				return s, trained, nil
			}
			return nil, trained, err
		}
		if _, _, err := writeTables(out, st.layout, st.plans, store); err != nil {
			return nil, trained, err
		}
		runs, err := report.ReadRuns(filepath.Join(out, report.RunsFile))
		if err != nil {
			return nil, trained, err
		}
		add := report.RefineLambdas(report.Summarize(runs), term.Name, term.Kind, r.Points)
		if len(add) == 0 {
			fmt.Fprintf(o.IO.Err, "sweep %s: refinement round %d of %d: no interval left to refine\n", s.Name, round+1, r.Rounds)
			break
		}
		fmt.Fprintf(o.IO.Err, "sweep %s: refinement round %d of %d: λ_%s += %v\n", s.Name, round+1, r.Rounds, term.Name, add)
		s = sweep.WithLambdas(s, sw[0], add)
	}
	return s, trained, nil
}

// trainStored trains the runs of st that the store lacks, saving each as
// it finishes, and returns how many it trained.
func trainStored(ctx context.Context, o *SweepOptions, s *experiments.Spec, st *sweepSetup, store *sweep.Store, workers int) (int, error) {
	stored := make([]bool, len(st.plans))
	toTrain := 0
	for i, p := range st.plans {
		rec, err := store.Load(p.ID)
		if err == nil && rec.Fits(p.Base, st.layout.Metrics, st.layout.Curves) {
			stored[i] = true
		} else {
			toTrain++
		}
		if err != nil && !errors.Is(err, sweep.ErrNoRecord) {
			fmt.Fprintf(o.IO.Err, "note: retraining run %s: %v\n", p.ID, err)
		}
	}
	if toTrain == 0 {
		return 0, nil
	}
	specHash := s.ResultHash()
	prog := newProgress(o.IO, s.Name, toTrain, o.Quiet)
	trained := 0
	err := sweep.Run(ctx, s, st.data, st.plans, sinkFunc(func(experiments.Result) error { trained++; return nil }), sweep.Options{
		Workers:  workers,
		Progress: prog.update,
		Skip:     func(p sweep.Plan) bool { return stored[p.Index] },
		Save: func(r *experiments.Result) error {
			p := st.plans[r.Index]
			rec := sweep.NewRecord(r, st.layout.Terms, st.layout.Metrics, st.layout.Curves, p.Base, specHash, Version)
			rec.LambdaEff = p.Effective
			return store.Save(rec)
		},
	})
	prog.finish()
	return trained, err
}

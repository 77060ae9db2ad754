package study

import (
	"context"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"io"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/sweep"
)

// refineRounds carries out sweep.refine: it trains the spec's grid, then
// for every round but the last adds the λ values table.RefineLambdas
// proposes from the runs stored so far and trains them, and returns the
// study of the last round (its grid holds every λ so far plus the last
// round's) and what it trained (runs and training seconds). The caller
// trains and writes that last grid as any sweep, so a sweep with
// refinement ends like one without, and every run is trained once: each round reuses the stored
// runs by id. The proposals depend on the stored runs alone, so a resumed
// or re-run sweep refines the same way. Interrupted, it returns the study
// of the round in progress: the caller's sweep then stops at once and
// writes what is stored.
func (st *Study) refineRounds(ctx context.Context, store *sweep.Store, opt SweepOptions, log io.Writer) (*Study, TrainStats, error) {
	s := st.Spec
	r := s.Sweep.Refine
	sw := s.SweptTerms()
	if r == nil || len(sw) != 1 {
		return st, TrainStats{}, nil
	}
	term := s.Loss.Terms[sw[0]]
	var trained TrainStats
	for round := 0; round < r.Rounds; round++ {
		var finish func()
		stats, err := st.TrainMissing(ctx, store, nil, TrainOptions{
			Workers: opt.Workers, Log: log, Tool: opt.Tool,
			Start: func(pass *Pass) func(int, int, *experiments.Result) {
				if opt.Start == nil || pass.ToTrain == 0 {
					return nil
				}
				var progress func(int, int, *experiments.Result)
				progress, finish = opt.Start(pass)
				return progress
			},
		})
		if finish != nil {
			finish()
		}
		trained.Trained += stats.Trained
		trained.Seconds += stats.Seconds
		if err != nil {
			if ctx.Err() != nil {
				return st, trained, nil
			}
			return nil, trained, err
		}
		sum, err := st.storedSummary(store)
		if err != nil {
			return nil, trained, err
		}
		add := table.RefineLambdas(sum, st.Spec, term.Name, term.Kind, r.Points)
		if len(add) == 0 {
			fmt.Fprintf(log, "sweep %s: refinement round %d of %d: no interval left to refine\n", s.Name, round+1, r.Rounds)
			break
		}
		fmt.Fprintf(log, "sweep %s: refinement round %d of %d: λ_%s += %v\n", s.Name, round+1, r.Rounds, term.Name, add)
		next, err := st.Replan(ctx, sweep.WithLambdas(st.Spec, sw[0], add))
		if err != nil {
			return nil, trained, err
		}
		st = next
	}
	return st, trained, nil
}

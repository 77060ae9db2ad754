package experiments

import "context"

// Watching a sweep (`lossexp status`): a sweep puts a Live in the context
// of its runs, and each run tells it when it starts, when an attempt of a
// training command starts and, for the built-in trainer, the end of each
// epoch. None of it ever changes a result. The hooks are called from the
// workers, several at once; Epoch is called once per epoch (never per
// step) and must not block.

// Live hears of the runs trained under a context (WithLive).
type Live interface {
	// Start is called when run starts training; the LiveRun it returns
	// hears of that run until its End.
	Start(run *Run) LiveRun
}

// LiveRun hears of one run.
type LiveRun interface {
	// Attempt: attempt k of a training command starts, writing its
	// epoch lines to the file metrics.
	Attempt(k int, metrics string)
	// Epoch: the built-in trainer ended an epoch; row is its curve row
	// (CurveNames order), only read during the call.
	Epoch(epoch int, row []float64)
	// End: the run ended (whatever its outcome).
	End()
}

type liveKey struct{}
type liveRunKey struct{}

// WithLive returns ctx carrying l, which hears of every run trained under
// ctx.
func WithLive(ctx context.Context, l Live) context.Context {
	return context.WithValue(ctx, liveKey{}, l)
}

// noLive is the LiveRun of a run nobody watches.
type noLive struct{}

func (noLive) Attempt(int, string)  {}
func (noLive) Epoch(int, []float64) {}
func (noLive) End()                 {}

// startLive tells ctx's Live (WithLive) that run starts, and returns ctx
// carrying the run's LiveRun (for its attempts) and the LiveRun (a no-op
// one when nobody watches).
func startLive(ctx context.Context, run *Run) (context.Context, LiveRun) {
	l, ok := ctx.Value(liveKey{}).(Live)
	if !ok || l == nil {
		return ctx, noLive{}
	}
	lr := l.Start(run)
	if lr == nil {
		return ctx, noLive{}
	}
	return context.WithValue(ctx, liveRunKey{}, lr), lr
}

// liveAttempt tells the run's LiveRun under ctx that attempt k starts,
// writing its epoch lines to metrics.
func liveAttempt(ctx context.Context, k int, metrics string) {
	if lr, ok := ctx.Value(liveRunKey{}).(LiveRun); ok {
		lr.Attempt(k, metrics)
	}
}

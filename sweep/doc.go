// Package sweep expands a spec into runs in a fixed order, trains them on a
// bounded pool of goroutine workers and hands the results to a sink in
// index order. It knows nothing of CSV or PNG.
//
// # Order and determinism
//
// Runs are numbered point-major: index = point·repeats + repeat. The
// points are axis-major (axes.go): point = axis·len(Spec.Grid) + λ point,
// so a spec without axes has the points of Spec.Grid. Every run's result
// is a pure function of (spec, grid point, repeat). Run hands each result
// to Options.Save as soon as it is trained, in completion order; the
// tables are rebuilt from the run store in index order afterwards, so the
// worker count and the order in which runs finish cannot change a byte.
//
// # Shutdown protocol
//
// One dispatcher goroutine sends run indices on an unbuffered channel and
// selects on ctx.Done() for every send. Workers receive indices until the
// channel closes, train with the shared ctx (checked between batches),
// save the result themselves and send a done message on a channel the
// collector (the calling goroutine) drains. On the first error (a failed
// run, a failed save, or ctx cancelled) the collector cancels the pool's
// context, the dispatcher stops sending and closes its channel, workers
// finish or abandon their run and exit, and Run waits for all of them
// before it returns the first error. Runs saved before the error are kept.
package sweep

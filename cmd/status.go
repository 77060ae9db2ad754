package cmd

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/study"
)

// StatusOptions are the settings of `lossexp status`.
type StatusOptions struct {
	IO   *IO
	Dir  string
	JSON bool
	Now  func() time.Time // the clock (tests); nil: time.Now
}

func newCmdStatus(streams *IO, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: streams}
	c := &cobra.Command{
		Use:   "status DIR",
		Short: "Show what a sweep is doing in a results folder: runs by status, the running ones, the ETA",
		Long: `Read the results folder DIR, from any terminal, while a sweep (or its shards)
trains there and after: the runs by status (ok, diverged, failed, running,
pending), each running run with its λ, repeat, attempt, time since the attempt
started and its last epoch line, and an estimate of the time left (from the
pace of the runs finished so far).

A running sweep publishes its state in DIR/runs/tmp/ about once a second;
status reads it, takes no lock of the folder's and writes nothing, so it
never slows or stops the sweep. The state a killed sweep left is shown as
"stopped", never as running. A finished folder is read from its manifest.

With --json, one JSON document: dir, state (running, stopped, interrupted,
finished), sweeps, runs, counts, running (run_id, lambda, lambda_label,
repeat, attempt, elapsed_s, last_epoch, rung) and eta_s (null when not
known yet). A halving sweep (sweep.halving) adds halving (rung, rungs,
budget, rung_runs, earlier_runs, later_rungs): its counts cover the rungs
so far, the later rungs' size is not known yet, and eta_s is then a lower
bound (eta_at_least true).`,
		Example: `  lossexp status results/quickstart
  watch -n 5 lossexp status results/my-model
  lossexp status results/my-model --json | jq '.running[].last_epoch'`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return statusRun(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the status as JSON on standard output")
	return c
}

func statusRun(_ context.Context, o *StatusOptions) error {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	s, err := study.ReadStatus(o.Dir, now())
	if err != nil {
		return err
	}
	if o.JSON {
		return writeJSON(o.IO.Out, s)
	}
	writeStatus(o.IO.Out, s)
	return nil
}

// writeStatus prints s for a reader.
func writeStatus(w io.Writer, s *study.SweepStatus) {
	fmt.Fprintf(w, "%s: %s", s.Dir, s.State)
	for _, p := range s.Sweeps {
		fmt.Fprintf(w, "; %s (pid %d on %s, since %s)", p.What, p.PID, p.Host, p.Started.Local().Format(time.DateTime))
	}
	fmt.Fprintln(w)
	c := s.Counts
	done := c["ok"] + c["pruned"] + c["diverged"] + c["failed"]
	pruned := "" // a halving study's, read from its manifest
	if c["pruned"] > 0 {
		pruned = fmt.Sprintf(", %d pruned", c["pruned"])
	}
	if h := s.Halving; h != nil {
		fmt.Fprintf(w, "halving: rung %d of %d (%d runs at %d epochs), %d runs stored at the rungs before; the later rungs' size is not known yet\n",
			h.Rung, h.Rungs, h.RungRuns, h.Budget, h.EarlierRuns)
		fmt.Fprintf(w, "runs so far: %d of %d done (%d ok, %d diverged, %d failed), %d running, %d pending in rung %d",
			done, s.Runs, c["ok"], c["diverged"], c["failed"], c["running"], c["pending"], h.Rung)
	} else {
		fmt.Fprintf(w, "runs: %d of %d done (%d ok%s, %d diverged, %d failed), %d running, %d pending",
			done, s.Runs, c["ok"], pruned, c["diverged"], c["failed"], c["running"], c["pending"])
	}
	switch {
	case s.ETA != nil && s.ETAAtLeast:
		fmt.Fprintf(w, "; at least %s left (the later rungs at one grid point each)", (time.Duration(math.Round(*s.ETA)) * time.Second).String())
	case s.ETA != nil:
		fmt.Fprintf(w, "; about %s left", (time.Duration(math.Round(*s.ETA)) * time.Second).String())
	case s.State == study.StateRunning:
		fmt.Fprint(w, "; time left not known before the first run ends")
	}
	fmt.Fprintln(w)
	for _, r := range s.Running {
		rung := ""
		if r.Rung != nil {
			rung = fmt.Sprintf("  rung %d", *r.Rung)
		}
		fmt.Fprintf(w, "  %s  %s  repeat %d  attempt %d%s  %s  %s\n", r.RunID, r.Label, r.Repeat, r.Attempt, rung,
			(time.Duration(r.Elapsed) * time.Second).String(), epochLine(r.LastEpoch))
	}
}

// epochLine shows a last epoch line: "epoch 3: loss.task=0.41 …" in
// name order, or "no epoch yet".
func epochLine(line map[string]any) string {
	if line == nil {
		return "no epoch yet"
	}
	var b strings.Builder
	if e, ok := line["epoch"].(float64); ok {
		fmt.Fprintf(&b, "epoch %s:", strconv.FormatFloat(e, 'g', -1, 64))
	}
	keys := make([]string, 0, len(line))
	for k := range line {
		if k != "epoch" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch v := line[k].(type) {
		case float64:
			fmt.Fprintf(&b, " %s=%.4g", k, v)
		default:
			fmt.Fprintf(&b, " %s=NaN", k)
		}
	}
	return strings.TrimSpace(b.String())
}

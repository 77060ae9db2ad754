package cmd

// Machine-readable output: what `--json` prints on standard output, one
// JSON document per command (indented, ending in a newline). The types
// below are the schema; docs/json.md (Machine-readable output)
// documents them. A number that has no value (NaN) is null, never a
// string, so every document is valid JSON. Fields are only ever added.

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/study"
)

// writeJSON writes v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// jnum is v for JSON: nil (null) when v is NaN or ±Inf.
func jnum(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// RunJSON is the output of `lossexp run --json`.
type RunJSON struct {
	Spec    string              `json:"spec"`           // the spec's path ("-" for standard input)
	Name    string              `json:"name"`           // the spec's name
	Repeat  int                 `json:"repeat"`         // the repeat index trained
	Seed    uint64              `json:"seed"`           // the run's seed, as runs.csv's seed column holds it
	Fold    *int                `json:"fold,omitempty"` // the cross-validation fold (specs with dataset.split.cv only)
	Axes    map[string]string   `json:"axes,omitempty"` // the axis point, by field, values as runs.csv writes them (specs with sweep.axes only)
	Lambdas map[string]float64  `json:"lambdas"`        // λ of every term, by term name
	Status  string              `json:"status"`         // ok | diverged
	Reason  string              `json:"reason,omitempty"`
	Metrics map[string]*float64 `json:"metrics"` // by metric name; null = no value
	Seconds float64             `json:"seconds"`
}

func newRunJSON(spec string, one *study.OneRun, res *study.Result) RunJSON {
	out := RunJSON{Spec: spec, Name: one.Spec.Name, Repeat: one.Repeat, Seed: res.Seed, Lambdas: map[string]float64{}, Status: string(res.Status),
		Reason: res.Reason, Metrics: map[string]*float64{}, Seconds: res.Seconds}
	for i, t := range one.Spec.Loss.Terms {
		out.Lambdas[t.Name] = one.Lambdas[i]
	}
	for i, n := range one.Metrics {
		out.Metrics[n] = jnum(res.Metrics[i])
	}
	if one.Folds > 0 {
		out.Fold = &one.Fold
	}
	if one.AxisNames != nil {
		out.Axes = map[string]string{}
		for k, f := range one.AxisNames {
			out.Axes[f] = one.AxisValues[k]
		}
	}
	return out
}

// ValidateJSON is the output of `lossexp validate --json`.
type ValidateJSON struct {
	Spec       string         `json:"spec"`
	Valid      bool           `json:"valid"` // always true: an invalid spec exits 2 with its errors on standard error
	Name       string         `json:"name"`
	Dataset    string         `json:"dataset"`
	Model      string         `json:"model"`
	Terms      []ValidateTerm `json:"terms"`
	Axes       []ValidateAxis `json:"axes,omitempty"`
	Mode       string         `json:"mode"` // grid | random | …, the sweep mode
	GridPoints int            `json:"grid_points"`
	Repeats    int            `json:"repeats"`
	Runs       int            `json:"runs"` // grid points × repeats (refinement rounds not counted)
}

// ValidateTerm is one added loss term.
type ValidateTerm struct {
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`
	Swept   bool      `json:"swept"`
	Lambdas []float64 `json:"lambdas"`
}

// ValidateAxis is one non-λ sweep axis.
type ValidateAxis struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// newValidateJSON describes a valid spec of runs runs on grid grid
// points (its study's Plans and Grid). The validate command calls it for
// --json: writeJSON(o.IO.Out, newValidateJSON(o.Spec, s, runs, grid)).
func newValidateJSON(path string, s *study.Spec, runs, grid int) ValidateJSON {
	v := ValidateJSON{Spec: path, Valid: true, Name: s.Name, Dataset: describeData(s), Model: describeModel(s),
		Terms: []ValidateTerm{}, Mode: s.Sweep.Mode, GridPoints: grid, Repeats: s.Repeats, Runs: runs}
	for _, t := range s.Loss.Terms {
		v.Terms = append(v.Terms, ValidateTerm{Name: t.Name, Kind: t.Kind, Swept: t.Weight.Swept, Lambdas: append([]float64{}, t.Weight.Values...)})
	}
	for _, ax := range s.Sweep.Axes {
		a := ValidateAxis{Field: ax.Field}
		for _, x := range ax.Values {
			a.Values = append(a.Values, x.String())
		}
		v.Axes = append(v.Axes, a)
	}
	return v
}

// SweepResult is what a finished sweep (or merge) did; the command fills
// it from its manifest and hands it to printSweepResult.
type SweepResult struct {
	Name     string  `json:"name"`
	Out      string  `json:"out"` // the output folder
	Runs     int     `json:"runs"`
	Finished int     `json:"runs_finished"`
	Trained  int     `json:"runs_trained"` // by this invocation
	Reused   int     `json:"runs_reused"`  // taken from the run store
	Diverged int     `json:"diverged"`
	Complete bool    `json:"complete"`
	Seconds  float64 `json:"seconds"`
	// TrainSeconds is the part of Seconds spent training the runs.
	TrainSeconds float64 `json:"train_seconds,omitempty"`
	// EpochsBudgeted and EpochsFullGrid are sweep.halving's epochs
	// against the full grid's (the manifest's; 0 without halving).
	EpochsBudgeted int      `json:"epochs_budgeted,omitempty"`
	EpochsFullGrid int      `json:"epochs_full_grid,omitempty"`
	Files          []string `json:"files"`
}

// newSweepResult is the SweepResult of a sweep or merge that wrote out
// with manifest m (study.SweepOutcome.Manifest, study.MergeOutcome's).
func newSweepResult(out string, m study.Manifest) SweepResult {
	return SweepResult{Name: m.Name, Out: out, Runs: m.Runs, Finished: m.Finished, Trained: m.Trained, Reused: m.Reused,
		Diverged: m.Diverged, Complete: m.Complete, Seconds: m.Seconds, TrainSeconds: m.TrainSeconds,
		EpochsBudgeted: m.EpochsBudgeted, EpochsFullGrid: m.EpochsFullGrid,
		Files: append(slices.Clone(m.Files), study.ManifestFile)}
}

// SweepJSON is the output of `lossexp sweep --json` and `lossexp merge
// --json`: what was run, and the answer (the balance points of every
// swept term and the report's path).
type SweepJSON struct {
	SweepResult
	Answer *study.Answer `json:"answer"`
}

// printSweepResult ends a sweep or a merge. As text (on w, standard
// output): one line per swept term with λ_best, λ_1se, the knee and
// λ_overshadow, then the report's path; the run counts and the list of
// files are for errw (standard error), in one line each. As JSON: the
// SweepJSON document on w and nothing on errw.
func printSweepResult(w, errw io.Writer, asJSON bool, r SweepResult) error {
	ans, err := study.ReadAnswer(r.Out)
	if err != nil {
		return err
	}
	if r.Files == nil {
		r.Files = []string{}
	}
	if asJSON {
		return writeJSON(w, SweepJSON{SweepResult: r, Answer: ans})
	}
	fmt.Fprintf(errw, "sweep %s: %s in %.1fs", r.Name, plural(r.Runs, "run"), r.Seconds)
	switch {
	case r.Trained > 0:
		// runs/s is the training's throughput, what --workers scales; the
		// whole time also holds loading, tables and figures.
		secs := r.TrainSeconds
		if secs <= 0 {
			secs = r.Seconds
		}
		fmt.Fprintf(errw, " (%d trained in %.1fs, %.2f runs/s", r.Trained, secs, float64(r.Trained)/max(secs, 1e-9))
		if r.Reused > 0 {
			fmt.Fprintf(errw, "; %d reused from the run store", r.Reused)
		}
		fmt.Fprint(errw, ")")
	case r.Runs > 0:
		fmt.Fprint(errw, " (all reused from the run store; --fresh retrains)")
	}
	if r.Diverged > 0 {
		fmt.Fprintf(errw, ", %d diverged (see runs.csv, column reason)", r.Diverged)
	}
	if r.EpochsFullGrid > 0 {
		fmt.Fprintf(errw, "\nhalving: %s", HalvingLine(r.EpochsBudgeted, r.EpochsFullGrid))
	}
	fmt.Fprintf(errw, "\nwrote %s: %s\n", r.Out, strings.Join(r.Files, ", "))
	return ans.WriteText(w)
}

// CheckJSON is the output of `lossexp check --json`; the exit status is
// the same as without --json (1 when Regressions > 0).
type CheckJSON struct {
	Name        string             `json:"name"`
	Results     string             `json:"results"`
	Baseline    string             `json:"baseline"`
	Passed      bool               `json:"passed"`
	Checks      int                `json:"checks"`
	Regressions int                `json:"regressions"`
	Metrics     []string           `json:"metrics"`
	Points      []CheckPointJSON   `json:"points"` // every metric at every grid point
	Balance     []CheckBalanceJSON `json:"balance"`
	Fronts      []CheckFrontJSON   `json:"fronts"`
	Warnings    []string           `json:"warnings"`
}

// CheckPointJSON is one metric at one grid point.
type CheckPointJSON struct {
	Metric    string   `json:"metric"`
	Point     string   `json:"point"` // "l2=0.01"
	Better    string   `json:"better"`
	Baseline  *float64 `json:"baseline"`
	New       *float64 `json:"new"`
	Change    *float64 `json:"change"`
	Band      *float64 `json:"band"` // the allowed move
	Regressed bool     `json:"regressed"`
	Note      string   `json:"note,omitempty"`
}

// CheckBalanceJSON is one balance point of one term.
type CheckBalanceJSON struct {
	Term      string   `json:"term"`
	Point     string   `json:"point"` // lambda_best | lambda_1se
	Baseline  *float64 `json:"baseline"`
	New       *float64 `json:"new"`
	Steps     int      `json:"steps"` // grid steps moved; -1 when one side is undefined
	Regressed bool     `json:"regressed"`
	Note      string   `json:"note,omitempty"`
}

// CheckFrontJSON is the trade-off front of one term.
type CheckFrontJSON struct {
	Term      string   `json:"term"`
	Task      string   `json:"task_metric"`
	Metric    string   `json:"term_metric"`
	Baseline  *float64 `json:"baseline_hypervolume"`
	New       *float64 `json:"new_hypervolume"`
	Epsilon   *float64 `json:"epsilon"`
	Regressed bool     `json:"regressed"`
	Note      string   `json:"note,omitempty"`
}

func newCheckJSON(name, results, baseline string, rep *study.CheckReport) CheckJSON {
	c := CheckJSON{Name: name, Results: results, Baseline: baseline, Passed: rep.Regressions() == 0,
		Checks: rep.Total(), Regressions: rep.Regressions(), Metrics: append([]string{}, rep.Metrics...),
		Points: []CheckPointJSON{}, Balance: []CheckBalanceJSON{}, Fronts: []CheckFrontJSON{}, Warnings: append([]string{}, rep.Warnings...)}
	for _, p := range rep.Points {
		c.Points = append(c.Points, CheckPointJSON{Metric: p.Metric, Point: p.Label, Better: p.Better, Baseline: jnum(p.Base),
			New: jnum(p.New), Change: jnum(p.Delta), Band: jnum(p.Band), Regressed: p.Regressed, Note: p.Note})
	}
	for _, b := range rep.Balance {
		c.Balance = append(c.Balance, CheckBalanceJSON{Term: b.Term, Point: b.Which, Baseline: jnum(b.Base), New: jnum(b.New),
			Steps: b.Steps, Regressed: b.Regressed, Note: b.Note})
	}
	for _, f := range rep.Fronts {
		c.Fronts = append(c.Fronts, CheckFrontJSON{Term: f.Term, Task: f.Task, Metric: f.Metric, Baseline: jnum(f.Base),
			New: jnum(f.New), Epsilon: jnum(f.Epsilon), Regressed: f.Regressed, Note: f.Note})
	}
	return c
}

// HalvingLine says what sweep.halving spent: "N of M epochs (x%)".
func HalvingLine(budgeted, full int) string {
	return fmt.Sprintf("%d of %d epochs (%.1f%%)", budgeted, full, 100*float64(budgeted)/float64(max(full, 1)))
}

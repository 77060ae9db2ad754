package report

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

// PlotOptions are the options of Render: those of the figures
// (package report/figure), named here so that a caller of Render needs
// this package only.
type PlotOptions = figure.PlotOptions

// Render reads dir/runs.csv (and, when present, spec.yaml, curves.csv and
// timings.csv) and writes, from them alone:
//
//	summary.csv        statistics per grid point (WriteSummary)
//	balance.csv        balance points per swept term (WriteBalance)
//	paired.csv         paired comparisons with λ = 0 (WritePaired)
//	stability.csv      the balance points' shares over resamples of the
//	                   repeats (stability.go)
//	cost.csv           seconds per run and per epoch (WriteCost; needs timings.csv)
//	*.png              the figures of Plot, with the balance points marked,
//	                   and the analysis figures: tradeoff_<term>.png,
//	                   heat_<metric>.png (two swept terms),
//	                   grad_ratio_vs_<term>.png, grad_cos_vs_<term>.png,
//	                   cost_vs_<term>.png, training_<term>_<k>.png
//	methods.csv        a sweep.balance study's methods against the static
//	                   front (WriteMethods), weights.csv their effective
//	                   weights per epoch (WriteWeights), with the figures
//	                   methods_front.png and methods_weights_<term>.png
//	report.html        one page that puts them together (WriteHTML)
//
// It serves both the end of a sweep and `lossexp report DIR`. When opts.X
// is empty the x axis is the first term with more than one λ; when no term
// is swept, summary.csv, the empty analysis tables and report.html are
// written. An empty opts.Title defaults to the folder's name. With
// opts.Workers > 1 the figures are drawn on that many goroutines at once;
// every file is the same, byte for byte, as with one.
func Render(dir string, opts figure.PlotOptions) error {
	return RenderContext(context.Background(), dir, opts)
}

// RenderContext is Render that stops when ctx is done: it checks ctx
// between its stages and before each figure, and returns ctx.Err()
// (wrapped) without starting more. Every file it wrote before is whole
// (each is written atomically, and figures already being drawn finish);
// report.html, written last, is then absent or the previous one. `lossexp
// report DIR` rebuilds everything.
func RenderContext(ctx context.Context, dir string, opts figure.PlotOptions) error {
	stop := func(stage string) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("report %s: stopped before %s: %w", dir, stage, err)
		}
		return nil
	}
	if err := stop("summary.csv"); err != nil {
		return err
	}
	// Every file below is synced and renamed into dir as it is written;
	// dir itself is synced once, on return, instead of after each of
	// them (atomicfile.DeferDirSync).
	defer atomicfile.DeferDirSync(dir)()
	// runs.csv is read a row at a time, once for the summary and again
	// for each analysis that needs the runs themselves: memory does not
	// grow with the number of runs. A sweep.balance study (a method
	// column) is read whole: its methods are compared run by run with the
	// static front (methods.go); so is a cross-validated one (a fold
	// column), whose folds are pooled per grid point and repeat
	// (PoolFolds) before anything else.
	s, runs, nRuns, err := table.SummarizeRuns(filepath.Join(dir, table.RunsFile))
	if err != nil {
		return err
	}
	if err := table.WriteSummary(filepath.Join(dir, table.SummaryFile), s); err != nil {
		return err
	}
	if opts.Title == "" {
		if base := filepath.Base(filepath.Clean(dir)); base != "." && base != string(filepath.Separator) {
			opts.Title = base
		}
	}
	if err := stop("the analysis"); err != nil {
		return err
	}
	a, err := table.AnalyzeStream(dir, runs, nRuns, s)
	if err != nil {
		return err
	}
	if opts.Description == "" && a.Spec != nil {
		opts.Description = a.Spec.Description
	}
	if err := writeTables(dir, s, a); err != nil {
		return err
	}
	popts := figureOptions(s, a, opts)
	if err := stop("the figures"); err != nil {
		return err
	}
	figs, err := renderFigures(ctx, dir, s, a, opts, popts)
	if err != nil {
		return err
	}
	if err := stop("report.html"); err != nil {
		return err
	}
	return WriteHTML(dir, a, popts, figs)
}

// writeTables writes the analysis tables of a into dir: balance.csv,
// paired.csv, and when they apply cost.csv, methods.csv and weights.csv.
func writeTables(dir string, s *table.Summary, a *table.Analysis) error {
	if err := table.WriteBalance(filepath.Join(dir, table.BalanceFile), a); err != nil {
		return err
	}
	if err := table.WritePaired(filepath.Join(dir, table.PairedFile), a); err != nil {
		return err
	}
	if err := a.WriteStability(filepath.Join(dir, table.StabilityFile)); err != nil {
		return err
	}
	if a.Cost != nil {
		if err := table.WriteCost(filepath.Join(dir, table.CostFile), s, a.Cost); err != nil {
			return err
		}
	}
	if a.Methods != nil {
		if err := table.MethodsTables(dir, a.Methods); err != nil {
			return err
		}
	}
	return nil
}

// figureOptions are the options of the metric figures: opts with the
// balance points marked, and the task metric and the terms' metrics among
// the metrics when the caller chose a list that lacks them.
func figureOptions(s *table.Summary, a *table.Analysis, opts figure.PlotOptions) figure.PlotOptions {
	popts := opts
	popts.Marks = append(slices.Clip(opts.Marks), figure.BalanceMarks(a)...)
	if len(popts.Metrics) == 0 {
		// Every metric but the gradient diagnostics, which have figures
		// of their own.
		for _, m := range s.Metrics {
			if !strings.HasPrefix(m, "grad.") {
				popts.Metrics = append(popts.Metrics, m)
			}
		}
		return popts
	}
	popts.Metrics = slices.Clone(popts.Metrics)
	want := []string{a.Task.Name}
	for _, ta := range a.Terms {
		want = append(want, ta.Metric.Name)
	}
	for _, m := range want {
		if m != "" && !slices.Contains(popts.Metrics, m) {
			popts.Metrics = append(popts.Metrics, m)
		}
	}
	return popts
}

// renderFigures draws every figure into dir, the metric figures with
// popts and the analysis figures with opts, and returns them. Every
// figure handed over is written (or has failed) before it returns, and so
// before report.html links to it.
func renderFigures(ctx context.Context, dir string, s *table.Summary, a *table.Analysis, opts, popts figure.PlotOptions) (figs *Figures, err error) {
	figs = &Figures{}
	fw := figure.NewWriter(dir, opts.Workers)
	fw.Ctx = ctx
	defer func() {
		if werr := fw.Wait(); err == nil {
			err = werr
		}
	}()
	paths, err := figure.PlotMetrics(fw, s, popts)
	if err != nil && !(opts.X == "" && errors.Is(err, figure.ErrNoSweptTerm)) {
		return nil, err
	}
	figs.Metrics = baseNames(paths)
	if err := writeFigures(a, fw, opts, figs); err != nil {
		return nil, err
	}
	if err := fw.Wait(); err != nil {
		return nil, err
	}
	return figs, nil
}

// add records the figure files paths in section sec.
func (f *Figures) add(sec figure.Section, paths []string) {
	if f.Sections == nil {
		f.Sections = map[string][]string{}
	}
	f.Sections[sec.ID] = append(f.Sections[sec.ID], baseNames(paths)...)
}

// writeFigures writes the analysis figures and records them in figs.
func writeFigures(a *table.Analysis, fw *figure.Writer, opts figure.PlotOptions, figs *Figures) error {
	for _, fam := range figure.Families {
		paths, err := fam.Draw(a, fw, opts)
		if err != nil {
			return err
		}
		figs.add(fam.Section, paths)
	}
	return writeTrainingFigures(a, fw, opts, figs)
}

// writeTrainingFigures writes the training curves of each term and records
// them in figs.Training.
func writeTrainingFigures(a *table.Analysis, fw *figure.Writer, opts figure.PlotOptions, figs *Figures) error {
	train, err := figure.TrainingFigures(a, fw, opts)
	if err != nil {
		return err
	}
	figs.Training = map[string][]string{}
	for t, ps := range train {
		figs.Training[t] = baseNames(ps)
	}
	return nil
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

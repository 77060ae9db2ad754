package report

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

// doneAfter is a context that reports itself cancelled from its n-th Err
// call on: a Ctrl-C arriving part way through the report stage, at a
// moment the test chooses.
type doneAfter struct {
	context.Context
	n int
}

func (c *doneAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestRenderContext_Stops: a cancelled context stops the report before
// its first file; one cancelled part way stops it before report.html,
// with the files it wrote whole, and the error says context.Canceled.
func TestRenderContext_Stops(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := RenderContext(ctx, dir, figure.PlotOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, table.SummaryFile)); err == nil {
		t.Error("summary.csv written after cancellation")
	}
	for _, n := range []int{1, 3, 4, 6} {
		err := RenderContext(&doneAfter{context.Background(), n}, dir, figure.PlotOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled after %d checks: %v", n, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
			t.Errorf("cancelled after %d checks: report.html written", n)
		}
		if tmps, _ := filepath.Glob(filepath.Join(dir, ".*")); len(tmps) > 0 {
			t.Errorf("temporary files left: %v", tmps)
		}
	}
	if err := RenderContext(context.Background(), dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Error("an uncancelled render wrote no report.html")
	}
}

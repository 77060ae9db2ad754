package cmd

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/study"
	"github.com/lossexp/lossexp/sweep"
)

// TestProgress_LineFits: the terminal line never reaches the last column,
// whatever the width, the name and the counts, so it never wraps.
func TestProgress_LineFits(t *testing.T) {
	names := []string{"q", "quickstart", "a-study-with-a-very-long-name-that-goes-on-and-on 3/8", strings.Repeat("λ", 90)}
	for _, name := range names {
		for width := 8; width <= 200; width++ {
			p := &progress{name: name, diverged: 12}
			line := p.line(12345, 99999, 3*time.Hour, 17*time.Hour, width)
			if n := utf8.RuneCountInString(line); n > max(width-1, 10) {
				t.Fatalf("width %d, name %q: line of %d columns: %q", width, name, n, line)
			}
			if width >= 60 && !strings.Contains(line, "ETA") {
				t.Errorf("width %d: the ETA was dropped: %q", width, line)
			}
		}
	}
	p := &progress{name: "quickstart"}
	if line := p.line(3, 10, time.Second, 2*time.Second, 80); !strings.Contains(line, "[") || !strings.Contains(line, "3/10") {
		t.Errorf("80 columns leave room for the bar: %q", line)
	}
}

// TestProgress_TTYRedraws: on a terminal each update redraws one line in
// place (carriage return, erase line, no newline until the end).
func TestProgress_TTYRedraws(t *testing.T) {
	var errb bytes.Buffer
	p := newProgress(&IO{Err: &errb, TTY: true}, "tiny", 3, false)
	p.width = func() int { return 40 }
	for i := 1; i <= 3; i++ {
		p.update(i, 3, &experiments.Result{Index: i - 1, Status: experiments.StatusOK})
	}
	p.finish()
	out := errb.String()
	if strings.Count(out, "\r\x1b[K") != 3 || strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("redraws: %q", out)
	}
	for _, seg := range strings.Split(strings.TrimSuffix(out, "\n"), "\r\x1b[K")[1:] {
		if utf8.RuneCountInString(seg) > 39 {
			t.Errorf("segment longer than the terminal: %q", seg)
		}
	}
}

// TestProgress_ETAByCost: the ETA extrapolates by the cost model, not the
// run count. Two runs cost 1 and 9: after the cheap one in 1 s, 9 s are
// left, not 1 s.
func TestProgress_ETAByCost(t *testing.T) {
	plans := []sweep.Plan{{Index: 0}, {Index: 1}, {Index: 2}}
	costs := map[int]int64{0: 1, 1: 9, 2: 100}
	p := newProgress(&IO{Err: &bytes.Buffer{}}, "s", 2, true)
	p.setCosts((&study.Pass{Plans: sweep.PlanSlice(plans), Cost: func(pl sweep.Plan) int64 { return costs[pl.Index] }, Stored: func(pl sweep.Plan) bool { return pl.Index == 2 }}).Costs())
	p.update(1, 2, &experiments.Result{Index: 0, Status: experiments.StatusOK})
	if got := p.eta(1, 2, time.Second); got != 9*time.Second {
		t.Errorf("ETA = %v, want 9s", got)
	}
	if got := p.fraction(1, 2); got != 0.1 {
		t.Errorf("fraction = %g, want 0.1", got)
	}
	// Only the plans to train, indices beyond their count.
	r := newProgress(&IO{Err: &bytes.Buffer{}}, "s", 1, true)
	r.setCosts((&study.Pass{Plans: sweep.PlanSlice{{Index: 7}}, Cost: func(sweep.Plan) int64 { return 5 }}).Costs())
	r.update(1, 1, &experiments.Result{Index: 7, Status: experiments.StatusOK})
	if got := r.fraction(1, 1); got != 1 {
		t.Errorf("fraction after the only plan = %g, want 1", got)
	}
	// Without costs every run counts the same.
	q := newProgress(&IO{Err: &bytes.Buffer{}}, "s", 2, true)
	if got := q.eta(1, 2, time.Second); got != time.Second {
		t.Errorf("ETA without costs = %v, want 1s", got)
	}
}

// TestIsTerminal: files, pipes and /dev/null are not terminals.
func TestIsTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, x := range map[string]any{"/dev/null": null, "a file": f, "a pipe": w, "a buffer": &bytes.Buffer{}} {
		if isTerminal(x.(interface{ Write([]byte) (int, error) })) {
			t.Errorf("%s counts as a terminal", name)
		}
	}
	if termWidth(null) != 80 {
		t.Errorf("width of /dev/null = %d, want the default 80", termWidth(null))
	}
}

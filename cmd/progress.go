package cmd

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/lossexp/lossexp/study"
)

// progress shows how far a sweep is: on a terminal, one line redrawn in
// place that always fits the terminal's width (a line that wraps would add
// a line at every redraw); otherwise plain lines, at most one every 5 s
// and one at the end.
//
// The ETA weighs runs by the cost model the shards are balanced by
// (sweep.PlanCost: epochs × rows × model size) once setCosts has been
// called, so a sweep whose axes make later runs dearer does not promise
// an early end; without costs every run counts the same.
type progress struct {
	io       *IO
	name     string
	total    int
	start    time.Time
	last     time.Time
	quiet    bool
	drawn    bool
	diverged int
	failed   int // a training command's runs that failed, apart from the diverged

	cost      []int64 // by plan index; nil: every run costs the same
	totalCost int64   // of the runs to train
	doneCost  int64
	width     func() int // the terminal's width in columns
}

func newProgress(streams *IO, name string, total int, quiet bool) *progress {
	now := time.Now()
	return &progress{io: streams, name: name, total: total, start: now, last: now, quiet: quiet, width: func() int { return termWidth(streams.Err) }}
}

// setCosts weighs the runs by cost for the ETA: costs are by a Result's
// Index, 0 for a run that will not be trained (study.Pass.Costs).
func (p *progress) setCosts(costs []int64) {
	p.cost = costs
	p.totalCost = 0
	for _, c := range costs {
		p.totalCost += c
	}
}

// update is called after each finished run, from one goroutine.
func (p *progress) update(done, total int, r *study.Result) {
	switch r.Status {
	case study.StatusOK:
	case study.StatusFailed:
		p.failed++
	default:
		p.diverged++
	}
	if p.cost != nil && r.Index >= 0 && r.Index < len(p.cost) {
		p.doneCost += p.cost[r.Index]
	}
	if p.quiet {
		return
	}
	now := time.Now()
	elapsed := now.Sub(p.start)
	eta := p.eta(done, total, elapsed)
	if p.io.TTY {
		fmt.Fprint(p.io.Err, "\r\x1b[K"+p.line(done, total, elapsed, eta, p.width()))
		p.drawn = true
		return
	}
	if done == total || now.Sub(p.last) >= 5*time.Second {
		p.last = now
		fmt.Fprintf(p.io.Err, "sweep %s: %d/%d runs (%.0f%%), elapsed %s, ETA %s%s\n",
			p.name, done, total, 100*p.fraction(done, total), round(elapsed), round(eta), p.notOK(","))
	}
}

// notOK counts the runs that did not end ok so far, each after sep and a
// space: ", 2 diverged, 3 failed"; "" when every run was ok.
func (p *progress) notOK(sep string) string {
	s := ""
	if p.diverged > 0 {
		s += fmt.Sprintf("%s %d diverged", sep, p.diverged)
	}
	if p.failed > 0 {
		s += fmt.Sprintf("%s %d failed", sep, p.failed)
	}
	return s
}

// fraction is the share of the work done: by cost when known.
func (p *progress) fraction(done, total int) float64 {
	if p.cost != nil && p.totalCost > 0 {
		return min(1, float64(p.doneCost)/float64(p.totalCost))
	}
	return float64(done) / float64(max(total, 1))
}

// eta extrapolates the time per unit of cost so far to the cost left.
func (p *progress) eta(done, total int, elapsed time.Duration) time.Duration {
	f := p.fraction(done, total)
	if f <= 0 || done == 0 {
		return 0
	}
	return time.Duration(float64(elapsed) * (1 - f) / f)
}

// line is the terminal line, at most width−1 columns (the last column
// is left free: some terminals wrap on writing it). What does not fit is
// dropped in this order: the bar shrinks and goes, then the elapsed time,
// then the name is shortened.
func (p *progress) line(done, total int, elapsed, eta time.Duration, width int) string {
	width = max(width-1, 10)
	f := p.fraction(done, total)
	counts := fmt.Sprintf(" %d/%d %3.0f%%", done, total, 100*f)
	tail := fmt.Sprintf(" ETA %s", round(eta)) + p.notOK("")
	el := fmt.Sprintf(" %s", round(elapsed))
	name := p.name
	fixed := func() int { return cols(name) + cols(counts) + cols(el) + cols(tail) }
	bar := ""
	if room := width - fixed() - 3; room >= 5 { // " [" + "]"
		n := min(room, 30)
		fill := int(float64(n) * f)
		bar = " [" + strings.Repeat("=", fill) + strings.Repeat(" ", n-fill) + "]"
	}
	if fixed()+cols(bar) > width {
		el = ""
	}
	if over := fixed() + cols(bar) - width; over > 0 {
		name = shorten(name, max(cols(name)-over, 1))
	}
	s := name + bar + counts + el + tail
	if cols(s) > width { // a tiny terminal: cut the end
		s = string([]rune(s)[:width])
	}
	return s
}

func cols(s string) int { return utf8.RuneCountInString(s) }

// shorten cuts s to n columns, ending in "…".
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.io.Err)
	}
}

func round(d time.Duration) time.Duration {
	if d > time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// isTerminal reports whether w is a terminal: a file whose descriptor
// answers the terminal ioctl. A regular file, a pipe and /dev/null (a
// character device but no terminal) are not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// termWidth is w's width in columns when it is a terminal, else 80.
func termWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if c, _, err := term.GetSize(int(f.Fd())); err == nil && c > 0 {
			return c
		}
	}
	return 80
}

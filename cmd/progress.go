package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/lossexp/lossexp/experiments"
)

// progress shows how far a sweep is: a bar redrawn in place on a terminal,
// plain lines (at most one every 5 s, and at the end) otherwise.
type progress struct {
	io       *IO
	name     string
	total    int
	start    time.Time
	last     time.Time
	quiet    bool
	drawn    bool
	diverged int
}

func newProgress(streams *IO, name string, total int, quiet bool) *progress {
	now := time.Now()
	return &progress{io: streams, name: name, total: total, start: now, last: now, quiet: quiet}
}

// update is called after each finished run, from one goroutine.
func (p *progress) update(done, total int, r *experiments.Result) {
	if r.Status != experiments.StatusOK {
		p.diverged++
	}
	if p.quiet {
		return
	}
	now := time.Now()
	elapsed := now.Sub(p.start)
	eta := time.Duration(0)
	if done > 0 {
		eta = time.Duration(float64(elapsed) / float64(done) * float64(total-done))
	}
	div := ""
	if p.diverged > 0 {
		div = fmt.Sprintf(", %d diverged", p.diverged)
	}
	if p.io.TTY {
		const width = 30
		fill := width * done / max(total, 1)
		bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
		fmt.Fprintf(p.io.Err, "\r\x1b[K%s [%s] %d/%d runs %3.0f%%  elapsed %s  ETA %s%s",
			p.name, bar, done, total, 100*float64(done)/float64(max(total, 1)), round(elapsed), round(eta), div)
		p.drawn = true
		return
	}
	if done == total || now.Sub(p.last) >= 5*time.Second {
		p.last = now
		fmt.Fprintf(p.io.Err, "sweep %s: %d/%d runs (%.0f%%), elapsed %s, ETA %s%s\n",
			p.name, done, total, 100*float64(done)/float64(max(total, 1)), round(elapsed), round(eta), div)
	}
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

package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// statusHalvingJSON is what the tests read of a halving sweep's status.
type statusHalvingJSON struct {
	statusJSON
	AtLeast bool `json:"eta_at_least"`
	Halving *struct {
		Rung        int `json:"rung"`
		Rungs       int `json:"rungs"`
		Budget      int `json:"budget"`
		RungRuns    int `json:"rung_runs"`
		EarlierRuns int `json:"earlier_runs"`
		LaterRungs  int `json:"later_rungs"`
	} `json:"halving"`
}

// TestStatus_HalvingCountsEveryRung: while a halving sweep (rungs 3, 9,
// 27 epochs; 8 points × 2 repeats at rung 1, the λ = 0 reference only at
// the full budget) trains its second rung, `lossexp status --json` counts
// the 16 runs rung 1 stored as done, says rung 2 of 3 (the later rung's
// size not known yet) and never claims 0 s left while rungs remain: its
// ETA is a lower bound covering rung 3. The text says it too. Before,
// the counts and the ETA were the current rung's alone ("6 of 6 done,
// 0 pending; about 0s left").
func TestStatus_HalvingCountsEveryRung(t *testing.T) {
	spec := halvingCommandSpec(t, false, 150) // rung 2 lasts long enough for status to be polled in it under load
	out := filepath.Join(t.TempDir(), "res")
	done := make(chan string, 1)
	go func() {
		code, _, errb := run(t, "sweep", spec, "--out", out, "--workers", "2", "-q")
		if code != 0 {
			done <- "exit " + strconv.Itoa(code) + ": " + errb
			return
		}
		done <- ""
	}()
	var seen statusHalvingJSON
	var text, finished string
	deadline := time.Now().Add(90 * time.Second)
poll:
	for time.Now().Before(deadline) {
		select {
		case finished = <-done:
			break poll
		default:
		}
		_, b, _ := run(t, "status", out, "--json")
		var s statusHalvingJSON
		if json.Unmarshal([]byte(b), &s) == nil && s.State == "running" && s.Halving != nil && s.Halving.Rung == 2 && s.ETA != nil && s.Counts["ok"] > 16 {
			seen = s
			_, text, _ = run(t, "status", out)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if seen.Halving == nil {
		t.Fatalf("status never showed rung 2 with its ETA and runs done (sweep ended: %q)", finished)
	}
	h, c := seen.Halving, seen.Counts
	if h.Rungs != 3 || h.Budget != 9 || h.EarlierRuns != 16 || h.LaterRungs != 1 || h.RungRuns < 2 || h.RungRuns > 16 {
		t.Errorf("halving part: %+v, want rung 2 of 3 at 9 epochs after 16 runs of rung 1", *h)
	}
	done2 := c["ok"] + c["diverged"] + c["failed"]
	if sum := done2 + c["running"] + c["pending"]; done2 < 16 || sum != 16+h.RungRuns || seen.Runs != sum {
		t.Errorf("counts in rung 2: %v (runs %d), want rung 1's 16 runs done and rung 2's %d", c, seen.Runs, h.RungRuns)
	}
	// Rung 3 trains at least one point's 2 repeats for 18 more epochs.
	if !seen.AtLeast || *seen.ETA <= 0 {
		t.Errorf("ETA in rung 2 of 3: %v (at least: %v), want a lower bound above 0", *seen.ETA, seen.AtLeast)
	}
	for _, r := range seen.Running {
		if n, ok := r.Rung.(float64); !ok || n != 2 {
			t.Errorf("running run's rung %v, want 2", r.Rung)
		}
	}
	if !strings.Contains(text, "rung 2 of 3") || !strings.Contains(text, "not known yet") || !strings.Contains(text, "at least") {
		t.Errorf("status text in rung 2:\n%s", text)
	}
	sweepEnded(t, done, finished)
}

// TestSweep_HalvingInterruptedCountsLowerRungs: Ctrl-C in rung 2 of a
// halving sweep says how many runs the rungs stored (rung 1's 16 at
// least) and which rung it was in, not "0 of 18 runs".
func TestSweep_HalvingInterruptedCountsLowerRungs(t *testing.T) {
	spec := halvingCommandSpec(t, false, 40)
	out := filepath.Join(t.TempDir(), "res")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var stdout bytes.Buffer
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"sweep", spec, "--out", out, "--workers", "2"}, strings.NewReader(""), &stdout, stderr)
	}()
	// The sweep logs rung 1's end; a moment later rung 2 has stored runs.
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(stderr.String(), "halving rung 1 of 3") {
			time.Sleep(300 * time.Millisecond)
			break
		}
	}
	cancel(&Interrupted{Signal: os.Interrupt})
	var code int
	select {
	case code = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the sweep did not stop")
	}
	msg := stderr.String()
	if code != ExitInterrupt {
		t.Fatalf("exit %d, want %d\n%s", code, ExitInterrupt, msg)
	}
	m := regexp.MustCompile(`interrupted: (\d+) runs stored at halving rungs 1 to 2 of 3 \(rung 2 unfinished; the later rungs' size is not known yet\)`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("interrupt message:\n%s", msg)
	}
	if n, _ := strconv.Atoi(m[1]); n < 16 || n >= 32 {
		t.Errorf("%s runs stored, want rung 1's 16 and part of rung 2's", m[1])
	}
	if !strings.Contains(msg, "resume with: ") {
		t.Errorf("no resume command:\n%s", msg)
	}
	if strings.Contains(msg, "without runs") {
		t.Errorf("the lower rungs' runs are stored, yet the message says the tables were written without runs:\n%s", msg)
	}
}

// lockedBuffer is a bytes.Buffer that a test reads while a command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// sweepEnded waits (unless finished was already received) for the sweep
// that sends its error on done and fails the test if it failed.
func sweepEnded(t *testing.T, done <-chan string, finished string) {
	t.Helper()
	if finished == "" {
		select {
		case finished = <-done:
		case <-time.After(90 * time.Second):
			t.Fatal("the sweep did not end")
		}
	}
	if finished != "" {
		t.Fatalf("sweep: %s", finished)
	}
}

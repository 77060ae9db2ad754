package study

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
)

// SweepStatus is what `lossexp status` tells of a results folder: the
// runs by status, the running ones and the time left. It is read from the
// live state of the processes training there (live.go) and, when none
// is, from the manifest; reading it takes no lock of the folder's and
// writes nothing.
type SweepStatus struct {
	Dir string `json:"dir"`
	// State is "running" (a live process trains there), "stopped" (the
	// process that trained there is gone without writing its manifest,
	// killed: the next sweep resumes), "interrupted" or "finished" (the
	// manifest of the last sweep or merge).
	State  string         `json:"state"`
	Sweeps []SweepProcess `json:"sweeps"` // the live processes (the stopped ones when State is "stopped")
	Runs   int            `json:"runs"`   // runs of the study (summed over the shards running)
	// Counts are the runs by status: ok, diverged, failed (stored),
	// running and pending; read from a halving study's manifest, pruned
	// too (when it has pruned runs).
	Counts  map[string]int `json:"counts"`
	Running []RunningRun   `json:"running"`
	// ETA is the estimated seconds left (nil: not known yet); with
	// ETAAtLeast a lower bound (a halving sweep's later rungs).
	ETA        *float64 `json:"eta_s"`
	ETAAtLeast bool     `json:"eta_at_least,omitempty"`
	// Halving is the rung a halving sweep trains (nil without
	// sweep.halving, or read from the manifest): Runs and Counts then
	// cover the rungs so far, not the later ones, not known yet.
	Halving *StatusHalving `json:"halving,omitempty"`
}

// SweepProcess is a process that trains (or trained) a results folder.
type SweepProcess struct {
	What    string    `json:"what"`
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
}

// RunningRun is a run being trained.
type RunningRun struct {
	RunID     string             `json:"run_id"`
	Lambda    map[string]float64 `json:"lambda"`
	Label     string             `json:"lambda_label"`
	Repeat    int                `json:"repeat"`
	Attempt   int                `json:"attempt"`
	Elapsed   float64            `json:"elapsed_s"` // since the attempt started
	LastEpoch map[string]any     `json:"last_epoch"`
	Rung      *int               `json:"rung"`
}

// Status states.
const (
	StateRunning     = "running"
	StateStopped     = "stopped"
	StateInterrupted = "interrupted"
	StateFinished    = "finished"
)

// ReadStatus reads the status of the results folder dir at time now.
// A folder with neither a live or stale sweep state nor a manifest is an
// input error.
func ReadStatus(dir string, now time.Time) (*SweepStatus, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, inputf("status: %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	if !st.IsDir() {
		return nil, inputf("status: %s is a file, not a results folder", dir)
	}
	live, stale := readLiveStates(dir)
	out := &SweepStatus{Dir: dir, Sweeps: []SweepProcess{}, Counts: map[string]int{}, Running: []RunningRun{}}
	for _, k := range []string{experiments.StatusOK, experiments.StatusDiverged, experiments.StatusFailed, StateRunning, "pending"} {
		out.Counts[k] = 0
	}
	if len(live) > 0 {
		out.State = StateRunning
		out.fromStates(live, now, true)
		return out, nil
	}
	m, merr := ReadManifest(dir)
	if len(stale) > 0 && (merr != nil || stale[0].Updated.After(m.Ended)) {
		out.State = StateStopped
		out.fromStates(stale, now, false)
		return out, nil
	}
	if merr != nil {
		if errors.Is(merr, fs.ErrNotExist) {
			return nil, inputf("status: %s holds no sweep: no %s and no sweep running there", dir, ManifestFile)
		}
		return nil, input(merr)
	}
	out.State = StateInterrupted
	if m.Complete {
		out.State = StateFinished
	}
	out.Runs = m.Runs
	out.Counts[experiments.StatusOK] = m.Finished - m.Diverged - m.Failed - m.Pruned
	if m.Pruned > 0 { // a halving study's: runs.csv's rows by status
		out.Counts[experiments.StatusPruned] = m.Pruned
	}
	out.Counts[experiments.StatusDiverged] = m.Diverged
	out.Counts[experiments.StatusFailed] = m.Failed
	out.Counts["pending"] = max(m.Runs-m.Finished, 0)
	return out, nil
}

// fromStates fills the counts from the states of the processes (newest
// first); running says they live (else their running runs are pending).
func (out *SweepStatus) fromStates(states []liveState, now time.Time, running bool) {
	for _, s := range states {
		out.Sweeps = append(out.Sweeps, SweepProcess{What: s.What, PID: s.PID, Host: s.Host, Started: s.Started, Updated: s.Updated})
		out.Runs += s.Runs
		done := 0
		for k, n := range s.Done {
			out.Counts[k] += n
			done += n
		}
		left := max(s.Runs-done, 0)
		if running {
			n := min(len(s.Running), left)
			out.Counts[StateRunning] += n
			left -= n
			for _, r := range s.Running {
				out.Running = append(out.Running, RunningRun{RunID: r.RunID, Lambda: r.Lambda, Label: r.Label,
					Repeat: r.Repeat, Attempt: r.Attempt, Elapsed: max(now.Sub(r.Started).Seconds(), 0),
					LastEpoch: r.LastEpoch, Rung: r.Rung})
			}
			if eta, ok := s.eta(now, len(s.Running)+left); ok && (out.ETA == nil || eta > *out.ETA) {
				out.ETA, out.ETAAtLeast = &eta, s.Halving.laterRungs()
			}
		}
		out.Counts["pending"] += left
		s.Halving.status(out, s.Runs)
	}
	slices.SortFunc(out.Running, func(a, b RunningRun) int { return strings.Compare(a.RunID, b.RunID) })
}

// eta estimates the seconds left for the runs left (running and pending)
// at the pace of the runs this pass trained so far, and a lower bound of
// a halving sweep's later rungs; ok is false before the first one.
func (s *liveState) eta(now time.Time, left int) (float64, bool) {
	if s.Trained == 0 || s.LastDone.IsZero() {
		return 0, false
	}
	per := s.LastDone.Sub(s.PassStart).Seconds() / float64(s.Trained)
	return max(per*float64(left)-now.Sub(s.LastDone).Seconds(), 0) + s.Halving.laterSeconds(per), true
}

// readLiveStates reads the state of every process that publishes one in
// dir's runs/tmp (live.go), newest first: live the processes that hold
// their folder's lock, stale those that are gone. Nothing is locked
// but, for an instant, the .owner of a process that is gone (to tell
// that it is), and nothing is removed. Links are never followed.
func readLiveStates(dir string) (live, stale []liveState) {
	root := scratchRoot(dir)
	if st, err := os.Lstat(root); err != nil || !st.IsDir() {
		return nil, nil
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), livePrefix) {
			continue // another process's scratch, or a folder being born (.live-…)
		}
		p := filepath.Join(root, e.Name())
		b, err := saferead.ReadFile(filepath.Join(p, liveStateFile), 1<<20)
		if err != nil {
			continue
		}
		var s liveState
		if json.Unmarshal(b, &s) != nil {
			continue
		}
		if ownerLives(p) {
			live = append(live, s)
		} else {
			stale = append(stale, s)
		}
	}
	newest := func(a, b liveState) int { return b.Updated.Compare(a.Updated) }
	slices.SortFunc(live, newest)
	slices.SortFunc(stale, newest)
	return live, stale
}

// ownerLives reports whether the process owning the scratch folder p
// lives: it holds the lock of p/.owner. Where locks do not work, every
// owner is taken to live.
func ownerLives(p string) bool {
	if !locksWork {
		return true
	}
	f, err := os.OpenFile(filepath.Join(p, scratchOwnerFile), os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return false
	}
	defer f.Close() // releases the lock taken below, if any
	return errors.Is(flock(f, true), errWouldBlock)
}

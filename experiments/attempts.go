package experiments

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments/command"
)

// What a run keeps of each attempt, so that it can be reproduced and its
// failures read after any number of sweeps:
//
//   - attempt-<k>.cmd.json: the argv, the working folder and the
//     environment lossexp adds (every LOSSEXP_ variable and trainer.env),
//     written before the command starts;
//   - attempt-<k>.stdout, .stderr, .metrics.jsonl (runAttempt).
//
// Attempt numbers continue across sweeps: a run whose kept log folder
// (WithKeptLogs: a sweep's runs/logs/<run-id>/) holds attempts 1 to 3
// starts at attempt 4, so no attempt's logs replace another's.

type keptLogsKey struct{}

// WithKeptLogs returns ctx carrying the folder where the logs of earlier
// attempts of the runs are kept, one folder per run id (a sweep's
// runs/logs): the attempts of a run trained under ctx are numbered on from
// the highest attempt found there. It never changes a result.
func WithKeptLogs(ctx context.Context, root string) context.Context {
	return context.WithValue(ctx, keptLogsKey{}, root)
}

// firstAttempt returns the number of run id's next attempt: one more than
// the highest attempt-<k>.* in its kept log folder (WithKeptLogs) and in
// logs, the folder this run writes its logs to; 1 when there is none. A
// folder that is a link is not read (the store refuses it when it saves
// the run).
func firstAttempt(ctx context.Context, id, logs string) int {
	dirs := []string{logs}
	if root, _ := ctx.Value(keptLogsKey{}).(string); root != "" {
		dirs = append(dirs, filepath.Join(root, id))
	}
	last := 0
	for _, d := range dirs {
		if st, err := os.Lstat(d); err != nil || !st.IsDir() {
			continue
		}
		es, _ := os.ReadDir(d)
		for _, e := range es {
			if k := attemptNo(e.Name()); k > last {
				last = k
			}
		}
	}
	return last + 1
}

// attemptNo returns k of a file named attempt-<k>.<ext>, 0 for any other
// name.
func attemptNo(name string) int {
	rest, ok := strings.CutPrefix(name, "attempt-")
	if !ok {
		return 0
	}
	digits, _, ok := strings.Cut(rest, ".")
	if !ok || len(digits) == 0 || len(digits) > 9 || strings.TrimLeft(digits, "0123456789") != "" {
		return 0
	}
	k, _ := strconv.Atoi(digits)
	return k
}

// cmdLog is the content of attempt-<k>.cmd.json.
type cmdLog struct {
	Attempt int               `json:"attempt"`
	Argv    []string          `json:"argv"`
	Dir     string            `json:"dir"`
	Env     map[string]string `json:"env"`
	// Devices are the devices the attempt held (trainer.devices).
	Devices []string `json:"devices,omitempty"`
}

// writeCmdLog writes what reproduces attempt k to path: argv, the working
// folder dir (absolute) and, of env, every LOSSEXP_ variable and the keys
// of trainer.env (the last value of a key, as exec uses it), and the
// devices the attempt holds with their CUDA_VISIBLE_DEVICES. The rest of
// lossexp's environment is not written (it may hold secrets).
func writeCmdLog(path string, k int, argv []string, dir string, env []string, trainerEnv map[string]string, devices []string) error {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	c := cmdLog{Attempt: k, Argv: argv, Dir: dir, Env: map[string]string{}, Devices: devices}
	for _, kv := range env {
		key, v, _ := strings.Cut(kv, "=")
		if _, set := trainerEnv[key]; set || strings.HasPrefix(key, "LOSSEXP_") || devices != nil && key == command.EnvDevices {
			c.Env[key] = v
		}
	}
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/internal/faketrainer"
)

// deviceSpec writes a trainer spec whose command (this test binary in
// mode devices:<log> or devfail:<log>) records each attempt's devices in
// the returned log file; extra lines go into the trainer: section.
func deviceSpec(t *testing.T, mode, extra string) (specPath, log string) {
	t.Helper()
	dir := t.TempDir()
	log = filepath.Join(dir, "devices.jsonl")
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	text := `name: dev
repeats: 2
trainer:
  command: [` + q(os.Args[0]) + `, ` + q(mode+":"+log) + `, "{devices}"]
  env: {FAKE_LOSSEXP_TRAINER: "1"}
  grace: 500ms
  metrics: {test.accuracy: higher, test.penalty: lower}
` + extra + `loss:
  terms:
    - {kind: external, name: l2, weight: [0, 0.1, 0.3, 1, 3], metric: test.penalty}
report:
  metrics: [test.accuracy, test.penalty]
  select_on: test
`
	specPath = filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(specPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return specPath, log
}

// sweepWithin runs lossexp with args and fails the test if it has not
// ended after limit (an attempt waiting forever for a device).
func sweepWithin(t *testing.T, limit time.Duration, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var out, errb bytes.Buffer
	code := Main(ctx, args, strings.NewReader(""), &out, &errb)
	if ctx.Err() != nil {
		t.Fatalf("lossexp %s did not end within %s (a device never given back?)\n%s", strings.Join(args, " "), limit, errb.String())
	}
	return code, errb.String()
}

// deviceUses reads the attempts' records of log.
func deviceUses(t *testing.T, log string) []faketrainer.DeviceUse {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var us []faketrainer.DeviceUse
	for _, ln := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var u faketrainer.DeviceUse
		if err := json.Unmarshal([]byte(ln), &u); err != nil {
			t.Fatalf("%s: %q: %v", log, ln, err)
		}
		us = append(us, u)
	}
	return us
}

// checkExclusive fails when two attempts that ran at the same time got a
// device in common, when an attempt got other than perRun devices or one
// not in devices, or when its CUDA_VISIBLE_DEVICES is not cuda(its
// {devices}).
func checkExclusive(t *testing.T, us []faketrainer.DeviceUse, devices []string, perRun int, cuda func(string) string) {
	t.Helper()
	for i, u := range us {
		got := strings.Split(u.Arg, ",")
		if len(got) != perRun || slices.ContainsFunc(got, func(d string) bool { return !slices.Contains(devices, d) }) {
			t.Errorf("run %s attempt %s got devices %q, want %d of %v", u.RunID, u.Attempt, u.Arg, perRun, devices)
		}
		if want := cuda(u.Arg); !u.CUDASet || u.CUDA != want {
			t.Errorf("run %s: CUDA_VISIBLE_DEVICES %q (set %v), want %q", u.RunID, u.CUDA, u.CUDASet, want)
		}
		for _, v := range us[i+1:] {
			overlap := u.Start < v.End && v.Start < u.End
			if !overlap {
				continue
			}
			for _, d := range got {
				if slices.Contains(strings.Split(v.Arg, ","), d) {
					t.Errorf("runs %s and %s ran at the same time on device %s (%q and %q)", u.RunID, v.RunID, d, u.Arg, v.Arg)
				}
			}
		}
	}
}

// maxOverlap is the largest number of attempts of us that ran at once.
func maxOverlap(us []faketrainer.DeviceUse) int {
	best := 0
	for _, u := range us {
		n := 0
		for _, v := range us {
			if v.Start <= u.Start && u.Start < v.End {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// TestDevices_Exclusive: 2 devices and 4 workers: every attempt holds one
// device that no attempt running at the same time holds, gets it as
// {devices} and CUDA_VISIBLE_DEVICES, and its attempt-<k>.cmd.json names
// it; the terminal says once that only 2 runs train at once. Then 2
// devices a run on 4 devices.
func TestDevices_Exclusive(t *testing.T) {
	same := func(s string) string { return s }
	t.Run("2 devices, 4 workers", func(t *testing.T) {
		sp, log := deviceSpec(t, "devices", "  devices: [\"0\", \"1\"]\n")
		out := filepath.Join(t.TempDir(), "out")
		code, stderr := sweepWithin(t, time.Minute, "sweep", sp, "--out", out, "--workers", "4", "-q")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		us := deviceUses(t, log)
		if len(us) != 10 {
			t.Fatalf("%d attempts recorded, want 10", len(us))
		}
		checkExclusive(t, us, []string{"0", "1"}, 1, same)
		if n := maxOverlap(us); n > 2 {
			t.Errorf("%d attempts ran at once on 2 devices", n)
		}
		if w := "4 workers but trainer.devices makes 2 device slots"; strings.Count(stderr, w) != 1 {
			t.Errorf("the terminal should say once %q:\n%s", w, stderr)
		}
		logs, _ := filepath.Glob(filepath.Join(out, "runs", "logs", "*", "attempt-1.cmd.json"))
		if len(logs) != 10 {
			t.Fatalf("%d attempt-1.cmd.json, want 10", len(logs))
		}
		var c struct {
			Devices []string          `json:"devices"`
			Env     map[string]string `json:"env"`
		}
		b, _ := os.ReadFile(logs[0])
		if err := json.Unmarshal(b, &c); err != nil || len(c.Devices) != 1 || c.Env["CUDA_VISIBLE_DEVICES"] != c.Devices[0] {
			t.Errorf("attempt-1.cmd.json does not record the devices: %v\n%s", err, b)
		}
	})
	t.Run("2 a run on 4 devices", func(t *testing.T) {
		sp, log := deviceSpec(t, "devices", "  devices: [\"a\", \"b\", \"c\", \"d\"]\n  devices_per_run: 2\n")
		code, stderr := sweepWithin(t, time.Minute, "sweep", sp, "--out", filepath.Join(t.TempDir(), "out"), "--workers", "3", "-q")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		us := deviceUses(t, log)
		checkExclusive(t, us, []string{"a", "b", "c", "d"}, 2, same)
		if n := maxOverlap(us); n > 2 {
			t.Errorf("%d attempts ran at once on 2 slots", n)
		}
	})
}

// TestDevices_SpecEnvWins: trainer.env's CUDA_VISIBLE_DEVICES is the one
// the command gets (it may use {devices} itself); without it, the slot
// replaces a CUDA_VISIBLE_DEVICES lossexp inherited (exported in the
// shell).
func TestDevices_SpecEnvWins(t *testing.T) {
	t.Setenv("CUDA_VISIBLE_DEVICES", "7")
	sp0, log0 := deviceSpec(t, "devices", "  devices: [\"0\", \"1\"]\n")
	code, stderr := sweepWithin(t, time.Minute, "sweep", sp0, "--out", filepath.Join(t.TempDir(), "out"), "--workers", "2", "-q")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	checkExclusive(t, deviceUses(t, log0), []string{"0", "1"}, 1, func(s string) string { return s })

	sp, log := deviceSpec(t, "devices", "  devices: [\"0\", \"1\"]\n")
	text, _ := os.ReadFile(sp)
	os.WriteFile(sp, bytes.Replace(text, []byte(`env: {`), []byte(`env: {CUDA_VISIBLE_DEVICES: "gpu{devices}", `), 1), 0o644)
	code, stderr = sweepWithin(t, time.Minute, "sweep", sp, "--out", filepath.Join(t.TempDir(), "out"), "--workers", "2", "-q")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	checkExclusive(t, deviceUses(t, log), []string{"0", "1"}, 1, func(s string) string { return "gpu" + s })
}

// TestDevices_ReleasedOnFailure: attempts that fail (and are retried)
// give their device back: 10 runs, 2 attempts each, all failing, on 2
// devices, end; none of them ran beside another on its device.
func TestDevices_ReleasedOnFailure(t *testing.T) {
	sp, log := deviceSpec(t, "devfail", "  devices: [\"0\", \"1\"]\n  retries: 1\n  max_failures: 0\n")
	code, stderr := sweepWithin(t, 30*time.Second, "sweep", sp, "--out", filepath.Join(t.TempDir(), "out"), "--workers", "4", "-q")
	if code == 0 {
		t.Fatalf("exit 0 for failing runs\n%s", stderr)
	}
	us := deviceUses(t, log)
	if len(us) != 20 {
		t.Errorf("%d attempts, want 20 (10 runs × 2 attempts)", len(us))
	}
	checkExclusive(t, us, []string{"0", "1"}, 1, func(s string) string { return s })
}

// TestDevices_DefaultWorkers: without --workers, a sweep runs one worker
// per device slot (7 devices: 7 workers, whatever the CPUs).
func TestDevices_DefaultWorkers(t *testing.T) {
	sp, _ := deviceSpec(t, "devices", "  devices: [0, 1, 2, 3, 4, 5, 6]\n")
	out := filepath.Join(t.TempDir(), "out")
	code, stderr := sweepWithin(t, time.Minute, "sweep", sp, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var m struct{ Workers int }
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil || m.Workers != 7 {
		t.Errorf("manifest workers %d (%v), want 7 (one a device slot)", m.Workers, err)
	}
	if strings.Contains(stderr, "wait for a device") {
		t.Errorf("warned of waiting workers with the default count:\n%s", stderr)
	}
}

// TestDevices_Validate: validate describes the device slots, and refuses
// a device listed twice with exit 2 and the spec's line.
func TestDevices_Validate(t *testing.T) {
	sp, _ := deviceSpec(t, "devices", "  devices: [\"0\", \"1\", \"2\"]\n  devices_per_run: 2\n")
	code, stdout, stderr := run(t, "validate", sp)
	if want := "devices: 0, 1, 2; 2 per run: at most 1 run at once, each holding its own as {devices} and CUDA_VISIBLE_DEVICES (2 never used)"; code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("exit %d, want 0 and %q in:\n%s%s", code, want, stdout, stderr)
	}
	sp, _ = deviceSpec(t, "devices", "  devices: [\"0\", \"1\", \"0\"]\n")
	code, _, stderr = run(t, "validate", sp)
	if want := sp + `:8:`; code != 2 || !strings.Contains(stderr, want) || !strings.Contains(stderr, `trainer.devices[2]: device "0" listed twice`) {
		t.Errorf("exit %d, want 2 and %s… trainer.devices[2] in:\n%s", code, want, stderr)
	}
}

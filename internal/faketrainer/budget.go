package faketrainer

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// BudgetState is the file the budget mode keeps in
// $LOSSEXP_CHECKPOINT_DIR: the last epoch it finished.
const BudgetState = "state.json"

// BudgetBest is the sum of λ at which the budget mode's metrics are best
// (at every epoch and seed).
const BudgetBest = 0.3

// BudgetAccuracy is the budget mode's test and validation accuracy at
// epoch e for λ sum s and a seed: a smooth curve, best at s = BudgetBest,
// rising with the epochs, with a little noise from the seed.
func BudgetAccuracy(s float64, e int, seed uint64) float64 {
	noise := float64(seed%1000)/1000 - 0.5
	return 0.9 - (s-BudgetBest)*(s-BudgetBest) - 0.3*math.Exp(-float64(e)/3) + 0.004*noise
}

// budget is the mode of an expensive study: it trains to
// $LOSSEXP_EPOCHS (10 when unset) epochs, continuing after the epoch
// $LOSSEXP_CHECKPOINT_DIR/state.json holds, and writes that file after
// every epoch; one epoch line per epoch it trains, then the final line
// (test.accuracy, validation.accuracy, test.penalty). With failOnce (a
// file path) it stops with exit status 6 halfway through the epochs the
// first time (while failOnce does not exist), as a preempted job would.
// $FAKE_EPOCH_MS makes each epoch last that many milliseconds.
func budget(dir string, failOnce string) int {
	p, _, err := readParams()
	if err != nil {
		fmt.Fprintln(os.Stderr, "faketrainer: LOSSEXP_PARAMS:", err)
		return 1
	}
	epochs := 10
	if v := os.Getenv("LOSSEXP_EPOCHS"); v != "" {
		if epochs, err = strconv.Atoi(v); err != nil {
			fmt.Fprintln(os.Stderr, "faketrainer: LOSSEXP_EPOCHS:", err)
			return 1
		}
	}
	ckpt := os.Getenv("LOSSEXP_CHECKPOINT_DIR")
	start := loadEpoch(ckpt) + 1
	stop := epochs
	if _, err := os.Stat(failOnce); failOnce != "" && err != nil {
		os.WriteFile(failOnce, []byte("failed once\n"), 0o644)
		stop = max(start, epochs/2)
	}
	var sum float64
	for _, l := range p.Lambda {
		sum += l
	}
	// Each epoch line is written when its epoch ends, as a real
	// trainer's, so `lossexp status` shows the last one.
	out, err := os.Create(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		return failed(err)
	}
	defer out.Close()
	pace, _ := strconv.Atoi(os.Getenv("FAKE_EPOCH_MS"))
	for e := start; e <= stop; e++ {
		time.Sleep(time.Duration(pace) * time.Millisecond)
		task := 1/float64(e) + 0.1*sum
		if _, err := fmt.Fprintf(out, `{"epoch": %d, "loss.task": %g, "loss.total": %g, "test.accuracy": %g}`+"\n",
			e, task, task+0.1*sum, BudgetAccuracy(sum, e, p.Seed)); err != nil {
			return failed(err)
		}
		if err := saveEpoch(ckpt, e); err != nil {
			return failed(err)
		}
	}
	if stop < epochs {
		fmt.Fprintf(os.Stderr, "faketrainer: preempted after epoch %d\n", stop)
		return 6
	}
	acc := BudgetAccuracy(sum, epochs, p.Seed)
	if _, err := fmt.Fprintf(out, `{"final": true, "test.accuracy": %g, "validation.accuracy": %g, "test.penalty": %g}`+"\n", acc, acc, 1/(1+sum)); err != nil {
		return failed(err)
	}
	if err := out.Close(); err != nil {
		return failed(err)
	}
	return 0
}

// loadEpoch is the epoch the checkpoint folder's state holds, 0 when
// there is none.
func loadEpoch(ckpt string) int {
	b, err := os.ReadFile(filepath.Join(ckpt, BudgetState))
	if ckpt == "" || err != nil {
		return 0
	}
	var st struct{ Epoch int }
	if json.Unmarshal(b, &st) != nil {
		return 0
	}
	return st.Epoch
}

// saveEpoch records epoch e in the checkpoint folder (a temporary file
// renamed over the state, as a trainer should).
func saveEpoch(ckpt string, e int) error {
	if ckpt == "" {
		return nil
	}
	tmp := filepath.Join(ckpt, BudgetState+".tmp")
	if err := os.WriteFile(tmp, fmt.Appendf(nil, `{"epoch": %d}`+"\n", e), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(ckpt, BudgetState))
}

// readParams reads $LOSSEXP_PARAMS: the part the fake uses, and the bytes.
func readParams() (params, []byte, error) {
	var p params
	b, err := os.ReadFile(os.Getenv("LOSSEXP_PARAMS"))
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	return p, b, err
}

// failed tells the error on standard error and returns exit status 1.
func failed(err error) int {
	fmt.Fprintln(os.Stderr, "faketrainer:", err)
	return 1
}

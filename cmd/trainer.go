package cmd

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/study"
)

// describeTrainer prints what `lossexp validate` says of a spec with a
// trainer: section, in place of its dataset, model and train lines: the
// command as written (placeholders kept), where it runs, the inputs, the
// environment it adds, the limits and the metrics every run must report.
func describeTrainer(w io.Writer, s *study.Spec) {
	t := s.Trainer
	args := make([]string, len(t.Command))
	for i, a := range t.Command {
		args[i] = shellQuote(a)
	}
	fmt.Fprintf(w, "trainer:  %s\n", strings.Join(args, " "))
	fmt.Fprintf(w, "  runs in %s, one process group per run", s.SpecDir())
	if t.Timeout > 0 {
		fmt.Fprintf(w, ", timeout %s", study.ShortDuration(t.Timeout))
	}
	retries := "retries"
	if t.Retries == 1 {
		retries = "retry"
	}
	fmt.Fprintf(w, ", %d %s of a failed run", t.Retries, retries)
	if n := t.FailFast(); n > 0 {
		fmt.Fprintf(w, "; a sweep stops after %d alike failed attempts at its start (trainer.max_failures)\n", n)
	} else {
		fmt.Fprintln(w, "; every run is tried however many fail (trainer.max_failures: 0)")
	}
	if len(t.Inputs) > 0 {
		fmt.Fprintf(w, "  inputs (their content enters every run id): %s\n", strings.Join(t.Inputs, ", "))
	}
	if len(t.Env) > 0 {
		var env []string
		for _, k := range slices.Sorted(maps.Keys(t.Env)) {
			env = append(env, k+"="+shellQuote(t.Env[k]))
		}
		fmt.Fprintf(w, "  env: %s\n", strings.Join(env, " "))
	}
	describeDevices(w, s)
	fmt.Fprint(w, t.DescribeBudget())
	if len(t.Params) > 0 {
		var ps []string
		for _, k := range slices.Sorted(maps.Keys(t.Params)) {
			ps = append(ps, k+"="+strconv.FormatFloat(t.Params[k], 'g', -1, 64))
		}
		fmt.Fprintf(w, "  params: %s\n", strings.Join(ps, ", "))
	}
	var ms []string
	for _, m := range t.Metrics {
		ms = append(ms, m.Name+" ("+m.Better+")")
	}
	fmt.Fprintf(w, "  metrics each run must report: %s\n", strings.Join(ms, ", "))
}

package study

import (
	"bytes"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/balance"
	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
)

// What the commands need of the spec, the results and the catalogues,
// through study: cmd imports study (and export, datasets, lossterms,
// internal/...), never the training packages. Each is a thin wrapper or
// an alias of a plain data type the commands read and pass back.

// Spec is a parsed spec (plain data: read by the commands, passed back
// to study).
type Spec = spec.Spec

// Folders are where CSV datasets are looked for after the spec's folder:
// the settings --data-dir and --cache-dir, resolved by the command.
type Folders = experiments.Folders

// Result is one run's outcome as a sweep's progress and `lossexp run`
// report it.
type Result = experiments.Result

// The statuses of a Result.
const (
	StatusOK       = experiments.StatusOK
	StatusDiverged = experiments.StatusDiverged
	StatusFailed   = experiments.StatusFailed
)

// Stdin is the spec path that means standard input; StdinName names it in
// messages.
const (
	Stdin     = spec.Stdin
	StdinName = spec.StdinName
)

// The report.select_on values a command describes.
const (
	SelectCV   = spec.SelectCV
	SelectTest = spec.SelectTest
)

// LoadSpec reads and validates the spec file at path.
func LoadSpec(path string) (*Spec, error) { return spec.Load(path) }

// ParseSpec parses and validates the spec text; file names it in
// messages and anchors relative dataset paths.
func ParseSpec(text []byte, file string) (*Spec, error) {
	return spec.Parse(bytes.NewReader(text), file)
}

// StdinHint is the hint added to a spec read error that reading
// standard input ("-") would avoid; "" for other errors.
func StdinHint(err error) string { return spec.StdinHint(err) }

// Suggest returns the choice closest to got ("did you mean"), or "".
func Suggest(got string, choices []string) string { return spec.Suggest(got, choices) }

// ShortDuration formats d as a spec writes it (90s, 5m, 1h30m).
func ShortDuration(d time.Duration) string { return experiments.ShortDuration(d) }

// MetricCatalogue is every metric runs.csv and summary.csv may report.
func MetricCatalogue() []experiments.MetricInfo { return experiments.MetricCatalogue() }

// BalanceMethods is the catalogue of loss.balance / sweep.balance methods.
func BalanceMethods() []balance.Info { return balance.Methods() }

// BuiltinDatasets is the catalogue of dataset.builtin generators.
func BuiltinDatasets() []dataset.GeneratorInfo { return dataset.Builtins() }

// TrainerEnv returns the environment variables lossexp sets for a
// training command it runs (names, then families by prefix): the trainer
// protocol's own list (experiments/command), which the settings do not
// refuse when a lossexp is started by such a command.
func TrainerEnv() (names, prefixes []string) { return command.ChildEnv(), command.ChildEnvPrefixes() }

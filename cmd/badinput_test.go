package cmd

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

var printBadInput = flag.Bool("print-bad-input", false, "print the messages of the bad-input catalogue instead of checking them")

// okSpec is a valid spec the catalogue breaks one piece at a time.
const okSpec = `name: bad
seed: 1
repeats: 2
dataset:
  builtin: moons
  params: {samples: 60}
model: {kind: linear}
train: {optimizer: sgd, epochs: 3, batch_size: 0}
loss:
  terms:
    - kind: l2
      weight: [0.01, 0.1]
report:
  metrics: [test.accuracy]
`

// noMetricsSpec is okSpec without report metrics, for check fixtures
// whose summaries hold a metric m.
var noMetricsSpec = strings.Replace(okSpec, "report:\n  metrics: [test.accuracy]\n", "", 1)

// baselineJSON is a baseline.json for spec src.
func baselineJSON(t *testing.T, src string) string {
	s, err := spec.Parse(strings.NewReader(src), "spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"name": %q, "result_hash": %q}`, s.Name, s.ResultHash())
}

// csvSpec reads data.csv from the spec's folder.
const csvSpec = `name: badcsv
repeats: 1
dataset:
  csv: data.csv
  target: y
  split: {test: 0.25, stratify: false}
model: {kind: linear}
train: {epochs: 2}
`

const goodCSV = "a,b,y\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n5,2,0\n6,1,1\n7,2,0\n8,1,1\n"

// TestBadInput is the catalogue of bad input: spec files, CSV data, flags
// and results folders, each with the exact message a user sees (the
// temporary folder written as $DIR) and the exit status. Nothing here
// panics or exits 0. Run with -print-bad-input to print the messages.
func TestBadInput(t *testing.T) {
	t.Setenv("LOSSEXP_CACHE_DIR", "/no-cache") // the fetch cache the messages name
	type files map[string]string
	tests := []struct {
		name  string
		files files // written into $DIR first
		setup func(dir string)
		args  []string // $DIR is replaced by the folder
		code  int
		want  string // the whole of stderr, $DIR for the folder
	}{
		// Spec files.
		{name: "spec: missing file", args: []string{"validate", "$DIR/nope.yaml"}, code: 2, want: "lossexp: spec $DIR/nope.yaml: no such file\n"},
		{name: "spec: empty", files: files{"s.yaml": ""}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml: empty spec\n"},
		{name: "spec: not YAML", files: files{"s.yaml": "name: [x\n"}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:1: invalid YAML: did not find expected ',' or ']'\n"},
		{name: "spec: a list", files: files{"s.yaml": "- a\n- b\n"}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:1:1: a spec must be a mapping of keys (name, dataset, model, …), got a list\n"},
		{name: "spec: unknown key", files: files{"s.yaml": strings.Replace(okSpec, "seed: 1", "sead: 1", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:2:1: sead: unknown key, did you mean \"seed\"? (valid: name, description, seed, repeats, dataset, model, train, trainer, loss, sweep, report, check)\n"},
		{name: "spec: key in the wrong section", files: files{"s.yaml": strings.Replace(okSpec, "repeats: 2", "repeats: 2\nepochs: 3", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:4:1: epochs: unknown key, did you mean train.epochs? (valid: name, description, seed, repeats, dataset, model, train, trainer, loss, sweep, report, check)\n"},
		{name: "spec: wrong type", files: files{"s.yaml": strings.Replace(okSpec, "repeats: 2", "repeats: many", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:3:10: repeats: expected an integer, got \"many\"\n"},
		{name: "spec: negative repeats", files: files{"s.yaml": strings.Replace(okSpec, "repeats: 2", "repeats: -1", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:3:10: repeats: must be at least 1, got -1\n"},
		{name: "spec: unknown model kind", files: files{"s.yaml": strings.Replace(okSpec, "kind: linear", "kind: cnn", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:7:15: model.kind: unknown model kind \"cnn\" (valid: linear, mlp)\n"},
		{name: "spec: unknown optimizer", files: files{"s.yaml": strings.Replace(okSpec, "optimizer: sgd", "optimizer: sgdd", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:8:20: train.optimizer: unknown optimizer \"sgdd\", did you mean \"sgd\"? (valid: sgd, momentum, adam, adamw, lbfgs)\n"},
		{name: "spec: unknown term kind", files: files{"s.yaml": strings.Replace(okSpec, "kind: l2", "kind: l3", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:11:13: loss.terms[0].kind: unknown term kind \"l3\" (valid: " + strings.Join(lossterms.Kinds(), ", ") + ")\n"},
		{name: "spec: negative weight", files: files{"s.yaml": strings.Replace(okSpec, "[0.01, 0.1]", "[0.01, -0.1]", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:12:22: loss.terms[0].weight[1]: λ must be ≥ 0, got -0.1\n"},
		{name: "spec: bad logspace", files: files{"s.yaml": strings.Replace(okSpec, "[0.01, 0.1]", "{logspace: {from: 1, to: 1e-3}}", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:12:26: loss.terms[0].weight.logspace: missing num (need from, to and num)\n"},
		{name: "spec: report.x not a term", files: files{"s.yaml": strings.Replace(okSpec, "report:", "report:\n  x: l1", 1)}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:14:6: report.x: no term named \"l1\"; swept terms: l2\n"},
		{name: "spec: check section unknown key", files: files{"s.yaml": okSpec + "check: {tol: 1}\n"}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:15:9: check.tol: unknown key (valid: abs, rel, k, metrics)\n"},
		{name: "spec: check negative tolerance", files: files{"s.yaml": okSpec + "check: {abs: -0.1}\n"}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:15:14: check.abs: want a finite number ≥ 0, got -0.1\n"},
		{name: "spec: check unknown direction", files: files{"s.yaml": okSpec + "check:\n  metrics:\n    test.accuracy: {better: up}\n"}, args: []string{"validate", "$DIR/s.yaml"}, code: 2, want: "lossexp: $DIR/s.yaml:17:29: check.metrics.test.accuracy.better: unknown direction \"up\" (valid: higher, lower, both)\n"},

		// CSV data.
		{name: "csv: file not found", files: files{"s.yaml": csvSpec}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: $DIR/s.yaml:4:8: dataset.csv: file \"data.csv\" not found; tried $DIR/data.csv, the datasets shipped with lossexp, /no-cache/datasets/data.csv (set --data-dir or LOSSEXP_DATA_DIR to the folder that holds it; `lossexp datasets` lists the shipped and fetchable files)\n"},
		{name: "csv: not fetched", files: files{"s.yaml": strings.Replace(csvSpec, "data.csv", "compas/compas.csv", 1)}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: $DIR/s.yaml:4:8: dataset.csv: compas/compas.csv is not fetched yet: run `lossexp datasets fetch compas` (it downloads the compas dataset into /no-cache/datasets; LOSSEXP_CACHE_DIR selects another cache folder)\n"},
		{name: "datasets: unknown fetch name", args: []string{"datasets", "fetch", "compass"}, code: 2, want: "lossexp: unknown dataset \"compass\" (fetchable: adult, compas)\n"},
		{name: "csv: no target column", files: files{"s.yaml": strings.Replace(csvSpec, "target: y", "target: label", 1), "data.csv": goodCSV}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: $DIR/s.yaml:4:8: dataset.csv: $DIR/data.csv: target column \"label\" not found (columns: a, b, y)\n"},
		{name: "csv: ragged row", files: files{"s.yaml": csvSpec, "data.csv": goodCSV + "9,1\n"}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: $DIR/s.yaml:4:8: dataset.csv: $DIR/data.csv: row 10: row has 2 fields, the header has 3\n"},
		{name: "csv: text in a numeric column", files: files{"s.yaml": csvSpec, "data.csv": strings.Replace(goodCSV, "3,3,0", "3,three,0", 1)}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: $DIR/s.yaml:4:8: dataset.csv: $DIR/data.csv: row 4, column \"b\": value \"three\" is not a number: column \"b\" holds text; list it under dataset.categorical to one-hot encode it, or leave it out of dataset.features\n"},
		{name: "csv: missing value", files: files{"s.yaml": csvSpec, "data.csv": strings.Replace(goodCSV, "3,3,0", "3,,0", 1)}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: $DIR/s.yaml:4:8: dataset.csv: $DIR/data.csv: row 4, column \"b\": missing value \"\" (use missing: drop to skip rows with missing values)\n"},
		{name: "csv: header only", files: files{"s.yaml": csvSpec, "data.csv": "a,b,y\n"}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: $DIR/s.yaml:4:8: dataset.csv: $DIR/data.csv: no data rows after the header\n"},
		{name: "csv: duplicate column", files: files{"s.yaml": csvSpec, "data.csv": strings.Replace(goodCSV, "a,b,y", "a,a,y", 1)}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: $DIR/s.yaml:4:8: dataset.csv: $DIR/data.csv: row 1, column \"a\": column name appears twice (fields 1 and 2)\n"},

		// Flags.
		{name: "flags: no spec", args: []string{"sweep"}, code: 2, want: "lossexp: accepts 1 arg(s), received 0\n"},
		{name: "flags: unknown flag", files: files{"s.yaml": okSpec}, args: []string{"sweep", "$DIR/s.yaml", "--wrokers", "2"}, code: 2, want: "lossexp: unknown flag: --wrokers\n"},
		{name: "flags: negative workers", files: files{"s.yaml": okSpec}, args: []string{"sweep", "$DIR/s.yaml", "--workers", "-1"}, code: 2, want: "lossexp: --workers must be ≥ 0 (0 = number of CPUs), got -1\n"},
		{name: "flags: workers not a number", files: files{"s.yaml": okSpec}, args: []string{"sweep", "$DIR/s.yaml", "--workers", "two"}, code: 2, want: "lossexp: invalid argument \"two\" for \"-w, --workers\" flag: strconv.ParseInt: parsing \"two\": invalid syntax\n"},
		{name: "flags: check without --baseline", args: []string{"check", "$DIR"}, code: 2, want: "lossexp: --baseline BASELINE is required: the folder lossexp baseline stored\n"},
		{name: "flags: check negative --abs", args: []string{"check", "$DIR", "--baseline", "$DIR", "--abs", "-1e-3"}, code: 2, want: "lossexp: --abs must be a finite number ≥ 0, got -0.001\n"},
		{name: "flags: check bad --tol", files: files{"baseline.json": baselineJSON(t, noMetricsSpec), "spec.yaml": noMetricsSpec, "summary.csv": "lambda.l2,n,diverged,m.mean\n0,1,0,1\n"}, args: []string{"check", "$DIR", "--baseline", "$DIR", "--tol", "m=abs=1"}, code: 2, want: "lossexp: --tol m=abs=1: \"abs=1\" is not key:value\n"},
		{name: "flags: baseline without --to", args: []string{"baseline", "$DIR"}, code: 2, want: "lossexp: --to DIR is required: the folder to store the baseline in\n"},
		{name: "flags: run with an unknown term", files: files{"s.yaml": okSpec}, args: []string{"run", "$DIR/s.yaml", "--set", "l9=0.1"}, code: 2, want: "lossexp: --set l9=0.1: no term named \"l9\" in $DIR/s.yaml (terms: l2)\n"},

		// Results folders.
		{name: "folder: output is a file", files: files{"s.yaml": okSpec, "o": "x"}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: output folder $DIR/o is a file, not a folder\n"},
		{name: "folder: another spec's results", files: files{"s.yaml": okSpec, "o/spec.yaml": strings.Replace(okSpec, "seed: 1", "seed: 2", 1), "o/runs.csv": "run_id\n", "o/.lossexp.lock": ""}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: output folder $DIR/o holds the results of another spec: $DIR/o/spec.yaml (name bad, result hash cd2eaa4a87cc) differs from $DIR/s.yaml (name bad, result hash 0a4d7f5a63b6) in seed; pass --force to replace them, or choose another --out\n"},
		{name: "folder: results without spec.yaml", files: files{"s.yaml": okSpec, "o/runs.csv": "run_id\n", "o/.lossexp.lock": ""}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: output folder $DIR/o holds results (runs.csv) but no spec.yaml to tell which spec made them; pass --force to replace them, or choose another --out\n"},
		{name: "folder: a runs.csv of the user's", files: files{"s.yaml": okSpec, "o/runs.csv": "run_id\n"}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q", "--force"}, code: 2, want: "lossexp: output folder $DIR/o is not empty and holds no lossexp results (found runs.csv); choose another --out\n"},
		{name: "folder: not a results folder", files: files{"s.yaml": okSpec, "o/thesis.tex": "x"}, args: []string{"sweep", "$DIR/s.yaml", "--out", "$DIR/o", "-q"}, code: 2, want: "lossexp: output folder $DIR/o is not empty and holds no lossexp results (found thesis.tex); choose another --out\n"},
		{name: "flags: report with negative workers", args: []string{"report", "$DIR", "--workers", "-2"}, code: 2, want: "lossexp: --workers must be ≥ 0 (0 = number of CPUs), got -2\n"},
		{name: "folder: report without runs.csv", args: []string{"report", "$DIR"}, code: 2, want: "lossexp: $DIR has no runs.csv: is it a results folder written by lossexp sweep?\n"},
		{name: "folder: report of a broken runs.csv", files: files{"runs.csv": "run_id,repeat,status,lambda.l2,test.accuracy\np0,x,ok,0,0.5\n"}, args: []string{"report", "$DIR"}, code: 2, want: "lossexp: $DIR/runs.csv: line 2, column \"repeat\": invalid repeat \"x\", want an integer ≥ 0\n"},
		{name: "folder: baseline without summary", args: []string{"baseline", "$DIR", "--to", "$DIR/b"}, code: 2, want: "lossexp: $DIR has no summary.csv: is it a results folder written by lossexp sweep?\n"},
		{name: "folder: check of a folder without summary", files: files{"b/baseline.json": baselineJSON(t, noMetricsSpec), "b/spec.yaml": noMetricsSpec, "b/summary.csv": "lambda.l2,n,diverged,m.mean\n0,1,0,1\n"}, args: []string{"check", "$DIR", "--baseline", "$DIR/b"}, code: 2, want: "lossexp: results folder $DIR has no summary.csv\n"},
		{name: "folder: check against a non-baseline", files: files{"summary.csv": "lambda.l2,n,diverged,m.mean\n0,1,0,1\n"}, args: []string{"check", "$DIR", "--baseline", "$DIR"}, code: 2, want: "lossexp: $DIR is not a baseline: it has no baseline.json (store one with: lossexp baseline RESULTS --to $DIR)\n"},
		{name: "folder: check with a malformed summary", files: files{"b/baseline.json": baselineJSON(t, noMetricsSpec), "b/spec.yaml": noMetricsSpec, "b/summary.csv": "lambda.l2,n,diverged,m.mean\n0,1,0,1\n", "summary.csv": "lambda.l2,n,diverged,m.mean\n0,one,0,1\n"}, args: []string{"check", "$DIR", "--baseline", "$DIR/b"}, code: 2, want: "lossexp: $DIR/summary.csv: line 2, column \"n\": invalid count \"one\"\n"},
		{name: "folder: check of another grid", files: files{"b/baseline.json": baselineJSON(t, noMetricsSpec), "b/spec.yaml": noMetricsSpec, "b/summary.csv": "lambda.l2,n,diverged,m.mean\n0,1,0,1\n", "summary.csv": "lambda.l1,n,diverged,m.mean\n0,1,0,1\n"}, args: []string{"check", "$DIR", "--baseline", "$DIR/b"}, code: 2, want: "lossexp: compare $DIR with baseline $DIR/b: the baseline's terms are l2, the results' l1\n"},
		{name: "folder: baseline of an unfinished sweep", files: files{"summary.csv": "lambda.l2,n,diverged,m.mean\n0,1,0,1\n", "spec.yaml": okSpec, "manifest.json": `{"runs": 6, "runs_finished": 2, "complete": false}`}, args: []string{"baseline", "$DIR", "--to", "$DIR/b"}, code: 2, want: "lossexp: $DIR holds an unfinished sweep (2 of 6 runs): finish it before storing a baseline\n"},
	}
	if len(tests) < 30 {
		t.Fatalf("the catalogue has %d cases, want at least 30", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.setup != nil {
				tt.setup(dir)
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "$DIR", dir)
			}
			code, _, stderr := run(t, args...)
			got := strings.ReplaceAll(stderr, dir, "$DIR")
			if *printBadInput {
				fmt.Printf("%s\t%d\t%q\n", tt.name, code, got)
				return
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if got != tt.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

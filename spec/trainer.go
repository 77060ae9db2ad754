package spec

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/lossterms"
)

// durationRE matches what time.ParseDuration reads (numbers with units,
// sign optional), so a string it matches that does not parse is a
// duration out of range, not a misspelling.
var durationRE = regexp.MustCompile(`^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`)

// TrainerSpec is the spec's trainer section: the user's own training
// command, run once per run instead of the built-in model (it replaces
// dataset, model and train). See experiments/train_command.go for the protocol.
//
//	trainer:
//	  command: [python3, train.py, "--fairness={lambda.fairness}", "--seed={seed}"]
//	  inputs: [train.py, model/]
//	  env: {CUDA_VISIBLE_DEVICES: "{worker}"}
//	  params: {lr: 0.01}
//	  timeout: 30m
//	  retries: 1
//	  max_failures: 3
//	  metrics: {test.accuracy: higher, test.dp_diff: lower}
type TrainerSpec struct {
	// Command is the argv, run without a shell; each element may hold
	// placeholders (TrainerPlaceholders).
	Command []string
	// Inputs are files and folders (relative to the spec's folder) whose
	// content enters every run id.
	Inputs []string `json:",omitempty"`
	// Env adds variables to the command's environment; values may hold
	// placeholders.
	Env map[string]string `json:",omitempty"`
	// Params are named numbers passed to the command as {params.<name>},
	// LOSSEXP_PARAM_<NAME> and in LOSSEXP_PARAMS; a sweep axis
	// trainer.params.<name> varies one.
	Params map[string]float64 `json:",omitempty"`
	// Timeout bounds one attempt (0 = none); Retries is the number of
	// extra attempts of a run that failed (not one that diverged).
	Timeout time.Duration `json:",omitempty"`
	Retries int           `json:",omitempty"`
	// MaxFailures stops a sweep whose first MaxFailures attempts all
	// failed the same way (FailFast); nil is DefaultMaxFailures, 0 turns
	// the rule off. Like Timeout and Retries it does not change what a run
	// computes: it is left out of the run ids and of ResultHash.
	MaxFailures *int `json:"-"`
	// Grace is the time the command's process group has between SIGTERM
	// and SIGKILL when a run is stopped (0 = command.DefaultGrace, 10s).
	Grace time.Duration `json:",omitempty"`
	// Metrics are the metrics every run must report, with the direction
	// in which each improves ("higher" or "lower"), in the order written.
	Metrics []TrainerMetric
	// Devices are the devices (GPU indices, usually) the runs share,
	// DevicesPerRun (0 = 1) how many each attempt holds (devices.go).
	// Like MaxFailures they do not change what a run computes: they are
	// left out of the run ids and of ResultHash.
	Devices       []string `json:"-"`
	DevicesPerRun int      `json:"-"`
	// MaxEpochs is trainer.max_epochs, the command's full budget
	// (sweep.halving's last rung; {epochs}); 0 = not given.
	MaxEpochs int `json:",omitempty"`

	// shift is, per field (trainer.command[i], trainer.env.<KEY>), the
	// column of the value's first character relative to the node's (1
	// for a quoted scalar), so a placeholder error points at its brace.
	shift map[string]int
}

// TrainerMetric is one entry of trainer.metrics.
type TrainerMetric struct {
	Name   string
	Better string // higher | lower
}

// MaxRetries bounds trainer.retries.
const MaxRetries = 100

// DefaultMaxFailures is trainer.max_failures when the spec leaves it out.
const DefaultMaxFailures = 3

// FailFast returns how many failed attempts, all alike, at the start of a
// sweep stop it: trainer.max_failures, DefaultMaxFailures when left out;
// 0 means never.
func (t *TrainerSpec) FailFast() int {
	if t.MaxFailures == nil {
		return DefaultMaxFailures
	}
	return *t.MaxFailures
}

var (
	trainerKeys      = []string{"command", "inputs", "env", "params", "timeout", "grace", "retries", "max_failures", "metrics", "devices", "devices_per_run"}
	trainerBetter    = []string{"higher", "lower"}
	envKeyRE         = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	trainerParamRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reservedMetricKs = []string{"epoch", "final", lossterms.EpochsRun}
)

// TrainerPlaceholders lists the placeholders of trainer.command and
// trainer.env values; <name> is a term's name, <param> a key of
// trainer.params.
func TrainerPlaceholders() []string {
	return append([]string{command.PlaceholderLambda + "<name>", command.PlaceholderParam + "<param>"}, command.Placeholders()...)
}

func (t *TrainerSpec) decode(d *decoder, n *yaml.Node, path string) {
	t.shift = map[string]int{}
	shift := func(v *yaml.Node, f string) {
		if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			t.shift[f] = 1
		}
	}
	d.mapping(n, path, trainerKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "command":
			cmd := []string{}
			if d.list(v, f, "strings (the program, then its arguments)", func(_ int, item *yaml.Node, fi string) {
				var s string
				d.str(item, fi, &s)
				shift(item, fi)
				cmd = append(cmd, s)
			}) {
				t.Command = cmd
			}
		case "inputs":
			d.strList(v, f, &t.Inputs)
		case "env":
			env := map[string]string{}
			if d.mapping(v, f, nil, func(k string, v *yaml.Node, fk string) {
				var s string
				d.str(v, fk, &s)
				shift(v, fk)
				env[k] = s
			}) {
				t.Env = env
			}
		case "params":
			if ps, ok := d.floatMap(v, f); ok {
				t.Params = ps
			}
		case "timeout":
			d.duration(v, f, key, &t.Timeout)
		case "grace":
			d.duration(v, f, key, &t.Grace)
		case "retries":
			d.int(v, f, &t.Retries)
		case "max_failures":
			var n int
			d.int(v, f, &n)
			t.MaxFailures = &n
		case "devices":
			d.strList(v, f, &t.Devices)
		case "devices_per_run":
			d.int(v, f, &t.DevicesPerRun)
		case "metrics":
			ms := []TrainerMetric{}
			if d.mapping(v, f, nil, func(k string, v *yaml.Node, fk string) {
				var b string
				d.str(v, fk, &b)
				ms = append(ms, TrainerMetric{Name: k, Better: b})
			}) {
				t.Metrics = ms
			}
		}
	})
}

// duration decodes a positive duration (trainer.timeout, trainer.grace)
// into dst; dst is left alone on an error.
func (d *decoder) duration(v *yaml.Node, f, key string, dst *time.Duration) {
	var s string
	d.str(v, f, &s)
	dur, err := time.ParseDuration(s)
	if err != nil && durationRE.MatchString(s) {
		d.errorf(v, f, "%q is out of range: a duration is at most %s (about 292 years)", s, time.Duration(math.MaxInt64))
		return
	}
	if err != nil {
		d.errorf(v, f, "%q is not a duration: write a number and a unit, such as 90s, 30m or 2h30m", s)
		return
	}
	if dur <= 0 {
		d.errorf(v, f, "must be > 0 (leave %s out for the default), got %s", key, s)
		return
	}
	*dst = dur
}

// validateTrainer checks the trainer section and the rest of the spec
// against it: no dataset, model or train; external terms only.
func (s *Spec) validateTrainer(v *validator) {
	if s.devicesWithoutCommand(v) {
		return
	}
	for _, sec := range []string{"dataset", "model", "train", "loss.task", "loss.huber_delta"} {
		if s.has(sec) {
			v.addf(sec, "not used with trainer: (the training command owns its data, model and training); remove %s", sec)
		}
	}
	s.validateTrainerCommand(v)
	s.validateTrainerDevices(v)
	s.validateTrainerInputs(v)
	s.validateTrainerMetrics(v)
	s.validateTrainerTerms(v)
}

// validateTrainerCommand checks trainer.command and trainer.env: a
// program, known placeholders, usable variable names.
func (s *Spec) validateTrainerCommand(v *validator) {
	t := s.Trainer
	switch {
	case len(t.Command) == 0:
		v.addf("trainer.command", "required: the program and its arguments as a list, e.g. [python3, train.py, \"--lambda={lambda.<name>}\"]")
	case t.Command[0] == "":
		v.addf("trainer.command[0]", "the program must not be empty")
	}
	valid := s.placeholderNames()
	for i, arg := range t.Command {
		s.checkTemplate(v, indexField("trainer.command", i), arg, valid)
	}
	for _, k := range slices.Sorted(maps.Keys(t.Env)) {
		f := "trainer.env." + k
		switch {
		case !envKeyRE.MatchString(k):
			v.addf(f, "%q is not an environment variable name (letters, digits and '_', not starting with a digit)", k)
		case strings.HasPrefix(k, "LOSSEXP_"):
			v.addf(f, "LOSSEXP_* variables are set by lossexp for every run; choose another name")
		}
		s.checkTemplate(v, f, t.Env[k], valid)
	}
}

// validateTrainerInputs checks trainer.inputs, trainer.params,
// trainer.retries and trainer.max_failures.
func (s *Spec) validateTrainerInputs(v *validator) {
	t := s.Trainer
	seen := map[string]int{}
	for i, in := range t.Inputs {
		f := indexField("trainer.inputs", i)
		if in == "" {
			v.addf(f, "empty path")
		} else if j, dup := seen[filepath.Clean(in)]; dup {
			v.addf(f, "%q listed twice (also trainer.inputs[%d])", in, j)
		} else {
			seen[filepath.Clean(in)] = i
		}
	}
	for _, k := range slices.Sorted(maps.Keys(t.Params)) {
		f := "trainer.params." + k
		if !trainerParamRE.MatchString(k) {
			v.addf(f, "%q: use letters, digits and '_', not starting with a digit", k)
		}
		v.inRange(f, t.Params[k], true, "finite")
	}
	if t.Retries < 0 || t.Retries > MaxRetries {
		v.addf("trainer.retries", "must be between 0 and %d, got %d", MaxRetries, t.Retries)
	}
	if n := t.FailFast(); n < 0 {
		v.addf("trainer.max_failures", "must be >= 0 (0: try every run however many fail), got %d", n)
	}
}

// validateTrainerMetrics checks trainer.metrics: given, usable names,
// a direction each.
func (s *Spec) validateTrainerMetrics(v *validator) {
	t := s.Trainer
	if len(t.Metrics) == 0 {
		v.addf("trainer.metrics", "required: the metrics every run reports and which way each is better, e.g. {test.accuracy: higher}")
	}
	for _, m := range t.Metrics {
		f := "trainer.metrics." + m.Name
		switch {
		case slices.Contains(reservedMetricKs, m.Name):
			v.addf(f, "%q is a reserved key of metrics.jsonl, not a metric", m.Name)
		case command.CheckMetricName(m.Name) != nil:
			v.addf(f, "%v", command.CheckMetricName(m.Name))
		}
		if !slices.Contains(trainerBetter, m.Better) {
			v.add(f, oneOf(fmt.Sprintf("unknown direction %q", m.Better), m.Better, trainerBetter))
		}
	}
}

// validateTrainerTerms refuses what a training command cannot do: terms
// other than external, adaptive balancing, axes other than seed and
// trainer.params.
func (s *Spec) validateTrainerTerms(v *validator) {
	t := s.Trainer
	for i, ts := range s.Loss.Terms {
		base := indexField("loss.terms", i)
		if ts.Kind != "" && ts.Kind != "external" {
			v.addf(base+".kind", "with trainer: every term is kind external (the command computes it); term %s is %s", ts.Name, ts.Kind)
		}
		if m, ok := ts.Params["metric"].(string); ok && ts.Kind == "external" && !slices.ContainsFunc(t.Metrics, func(x TrainerMetric) bool { return x.Name == m }) {
			v.addf(base+".metric", "metric %q is not in trainer.metrics; list it there with its direction", m)
		}
	}
	// Adaptive balancing reweights the terms inside lossexp's training
	// loop, which a training command does not run.
	if s.Loss.Balance.Adaptive() {
		v.addf("loss.balance", "balancing method %s sets the weights during lossexp's own training; a training command (trainer:) cannot be balanced this way", s.Loss.Balance.Method)
	}
	for i := range s.Sweep.Balance {
		if b := &s.Sweep.Balance[i]; b.Adaptive() {
			v.addf(indexField("sweep.balance", i), "balancing method %s sets the weights during lossexp's own training; a training command (trainer:) cannot be balanced this way", b.Method)
		}
	}
	for _, ax := range s.Sweep.Axes {
		if ax.Field != "seed" && !strings.HasPrefix(ax.Field, trainerParamsPrefix) {
			v.addf(joinField("sweep.axes", ax.Field), "with trainer: an axis is seed or trainer.params.<name>")
		}
	}
}

// placeholderNames returns the valid placeholders of this spec.
func (s *Spec) placeholderNames() []string {
	names := command.Placeholders()
	if len(s.Trainer.Devices) > 0 {
		names = append(names, command.PlaceholderDevices)
	}
	for _, t := range s.Loss.Terms {
		names = append(names, command.PlaceholderLambda+t.Name)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Trainer.Params)) {
		names = append(names, command.PlaceholderParam+k)
	}
	for _, ax := range s.Sweep.Axes {
		if p, ok := strings.CutPrefix(ax.Field, trainerParamsPrefix); ok && !slices.Contains(names, command.PlaceholderParam+p) {
			names = append(names, command.PlaceholderParam+p)
		}
	}
	return names
}

// checkTemplate reports a malformed template or an unknown placeholder in
// the value of field, at the placeholder's own column.
func (s *Spec) checkTemplate(v *validator, field, val string, valid []string) {
	at := func(off int, err error) {
		fe := s.fieldErr(field, "", err)
		if p, ok := s.Pos[field]; ok && p.Line > 0 {
			fe.Col = p.Col + s.Trainer.shift[field] + utf8.RuneCountInString(val[:off])
		}
		v.errs = append(v.errs, fe)
	}
	tpl, err := command.ParseTemplate(val)
	if err != nil {
		se := err.(*command.SyntaxError)
		at(se.Offset, err)
		return
	}
	for _, p := range tpl.Placeholders() {
		if !slices.Contains(valid, p.Name) {
			at(p.Offset, oneOf(fmt.Sprintf("unknown placeholder {%s}", p.Name), p.Name, valid))
		}
	}
}

const trainerParamsPrefix = "trainer.params."

// trainerRunBase is RunBase for a spec with a trainer: the command, the
// environment settings, the parameters, the content of the inputs
// (InputsSum), the seed and the terms' names. Timeout, retries and the
// metric directions are left out: they do not change what a run
// computes.
func (s *Spec) trainerRunBase(inputsSum string) string {
	t := s.Trainer
	type term struct{ Kind, Name string }
	k := struct {
		Numerics     int
		Seed         uint64
		Command      []string
		Env          map[string]string  `json:",omitempty"`
		Params       map[string]float64 `json:",omitempty"`
		InputsSHA256 string
		Terms        []term
	}{Numerics: NumericsVersion, Seed: s.Seed, Command: t.Command, Env: t.Env, Params: t.Params, InputsSHA256: inputsSum}
	for _, ts := range s.Loss.Terms {
		k.Terms = append(k.Terms, term{ts.Kind, ts.Name})
	}
	return hashJSON(k)
}

// SpecDir returns the absolute folder of the spec file (the working
// directory for a spec read from a reader).
func (s *Spec) SpecDir() string {
	dir := "."
	if s.File != "" {
		dir = filepath.Dir(s.File)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// inputsCache holds each trainer spec's inputs hash, computed once: the
// hash at planning time is the one every run id and {run_id} use, even if
// a file changes while the sweep runs.
var inputsCache sync.Map // *Spec → string

// CheckProgram refuses a program that is not there, or that exec would
// refuse (command.CheckProgram: a directory, no execute permission, a
// script whose #! interpreter is missing, a binary for another
// processor…): otherwise every run would fail after validate passed.
// A program holding a placeholder is checked when it runs.
func (s *Spec) CheckProgram() error {
	prog := s.Trainer.Command[0]
	if strings.ContainsRune(prog, '{') {
		return nil
	}
	p := prog
	if !strings.ContainsRune(prog, '/') {
		lp, err := exec.LookPath(prog)
		if err != nil {
			return s.Errorf("trainer.command[0]", "program %q not found in PATH", prog)
		}
		p = lp
	} else if !filepath.IsAbs(p) {
		p = filepath.Join(s.SpecDir(), p)
	}
	err := command.CheckProgram(p, s.SpecDir())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s.Errorf("trainer.command[0]", "program %q not found (looked for %s)", prog, p)
	case err != nil:
		return s.Errorf("trainer.command[0]", "program %q is %v", prog, err)
	}
	return nil
}

// InputsSum returns the hash of the trainer's inputs, cached per spec.
func (s *Spec) InputsSum(ctx context.Context) (string, error) {
	if v, ok := inputsCache.Load(s); ok {
		return v.(string), nil
	}
	sum, err := HashInputs(ctx, s.SpecDir(), s.Trainer.Inputs, func(i int, err error) error {
		return s.Errorf(indexField("trainer.inputs", i), "%v", err)
	})
	if err != nil {
		return "", err
	}
	v, _ := inputsCache.LoadOrStore(s, sum)
	return v.(string), nil
}

// HashInputs returns the SHA-256 (hex) of the content of the files and
// folders inputs names (relative paths resolve against dir): for each
// input in order, its path as written and, for a folder, every regular
// file below it by relative path in lexical order, with each file's
// content. Names starting with '.' (.git, .DS_Store), __pycache__ folders
// and *.pyc files are left out: they change when the program runs, not
// when the study does. A missing input is an error made by bad(i, err).
//
// Only regular files are read: an input, or an entry of a folder, that
// is a named pipe, a device (/dev/zero) or a socket, or a link to one, is
// an error made by bad (it would block or never end). A folder is walked
// without following links out of it: a link to a file inside the folder
// is hashed by the file's content, a link to a file outside by where it
// points (its target as written), a link to a folder or a dangling link
// is left out. Once ctx is done HashInputs returns context.Cause(ctx).
func HashInputs(ctx context.Context, dir string, inputs []string, bad func(i int, err error) error) (string, error) {
	ih := &inputHasher{ctx: ctx, h: sha256.New()}
	fail := func(i int, err error) (string, error) {
		if ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		if errors.Is(err, saferead.ErrNotRegular) {
			err = fmt.Errorf("%w: the inputs are hashed into the run ids, so each must be a regular file or a folder of them (remove it, or list the files the trainer reads)", err)
		}
		return "", bad(i, err)
	}
	for i, in := range inputs {
		p := in
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		fmt.Fprintf(ih.h, "input\x00%s\n", in)
		st, err := os.Stat(p)
		if err != nil {
			return "", bad(i, fmt.Errorf("input %q not found (looked for %s)", in, p))
		}
		if st.IsDir() {
			err = ih.folder(p)
		} else {
			err = ih.file(p, "")
		}
		if err != nil {
			return fail(i, err)
		}
	}
	return hex.EncodeToString(ih.h.Sum(nil)), nil
}

// inputHasher writes the inputs of HashInputs into h.
type inputHasher struct {
	ctx context.Context
	h   hash.Hash
}

// file hashes the content of the file at path, named name in the hash.
func (ih *inputHasher) file(path, name string) error {
	f, err := saferead.Open(path)
	if err != nil {
		return err
	}
	defer f.Close() // read-only
	fh := sha256.New()
	if _, err := io.Copy(fh, saferead.Reader(ih.ctx, f)); err != nil {
		return err
	}
	fmt.Fprintf(ih.h, "file\x00%s\x00%x\n", filepath.ToSlash(name), fh.Sum(nil))
	return nil
}

// folder hashes every file below the folder p, by relative path in
// lexical order, leaving out hidden names and Python's caches.
func (ih *inputHasher) folder(p string) error {
	root, err := filepath.EvalSymlinks(p)
	if err != nil {
		return err
	}
	return filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := e.Name()
		if path != p && (strings.HasPrefix(name, ".") || name == "__pycache__" || strings.HasSuffix(name, ".pyc")) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(p, path)
		switch {
		case e.IsDir():
			return nil
		case e.Type().IsRegular():
			return ih.file(path, rel)
		case e.Type()&fs.ModeSymlink == 0:
			return &saferead.NotRegularError{Path: path, Mode: e.Type()}
		}
		return ih.link(root, path, rel)
	})
}

// link hashes the link at path (rel below the folder root): a link to a
// file inside root by the file's content, one to a file outside by its
// target as written; a link to a folder or a dangling link is left out.
func (ih *inputHasher) link(root, path, rel string) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil // a dangling link: not followed
	}
	st, err := os.Stat(target)
	switch {
	case err != nil || st.IsDir():
		return nil // a link to a folder: not followed
	case !st.Mode().IsRegular():
		return &saferead.NotRegularError{Path: path, Mode: st.Mode(), Link: target}
	case !within(root, target):
		dest, err := os.Readlink(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(ih.h, "link\x00%s\x00%s\n", filepath.ToSlash(rel), dest)
		return nil
	}
	return ih.file(path, rel)
}

// within reports whether path lies in the folder root (both resolved).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// MetricDirection returns the direction in which metric improves for this
// spec: trainer.metrics first, then the catalogue (MetricBetter).
func (s *Spec) MetricDirection(metric string) string {
	if s != nil && s.Trainer != nil {
		for _, m := range s.Trainer.Metrics {
			if m.Name == metric {
				return m.Better
			}
		}
	}
	return MetricBetter(metric)
}

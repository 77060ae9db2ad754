package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/lossexp/lossexp/internal/saferead"
)

// Stdin is the path that names standard input: Load("-") parses the spec
// from os.Stdin, with StdinName in messages and in Spec.File, so that a
// relative dataset path resolves against the working directory.
const (
	Stdin     = "-"
	StdinName = "<stdin>"
)

// Load reads and parses the spec file at path (see Parse) and sets
// Spec.File to path; path "-" is standard input (see Stdin).
func Load(path string) (*Spec, error) {
	if path == Stdin {
		return Parse(os.Stdin, StdinName)
	}
	// A named pipe, a device or a socket would block the open or the read
	// (a FIFO with no writer waits forever): only a regular file (or a
	// symbolic link to one) is a spec, or "-".
	f, err := saferead.Open(path)
	if errors.Is(err, saferead.ErrNotRegular) {
		return nil, fmt.Errorf("load spec: %w%s", err, StdinHint(err))
	}
	if err != nil {
		return nil, fmt.Errorf("load spec: %w", err)
	}
	defer f.Close() // read-only: a close error cannot lose data
	return Parse(f, path)
}

// StdinHint is the cure for a spec path that is a pipe or a device: a
// spec that only a pipe gives is read from standard input.
func StdinHint(err error) string {
	var nr *saferead.NotRegularError
	if errors.As(err, &nr) && !nr.Mode.IsDir() {
		return " (give - to read the spec from standard input)"
	}
	return ""
}

// Parse decodes a spec strictly from r, applies the defaults (DefaultSpec,
// then those that depend on other fields) and validates it. file names the
// source in error messages and is stored in Spec.File.
//
// Decoding is strict: an unknown key, a duplicate key, a value of the wrong
// type, a malformed weight or malformed YAML is an error. Every problem
// found is reported, one *FieldError per line in file order, each naming
// file:line:column and the field ("quick.yaml:7:3: dataset.sampels:
// unknown key (valid: builtin, csv, …)"); errors.As finds the first
// *FieldError. Decoding and validating a spec never panics.
//
// On success Spec.Pos holds the position of every value written in the
// file, keyed by its dotted path ("loss.terms[1].weight").
func Parse(r io.Reader, file string) (*Spec, error) {
	data, err := io.ReadAll(io.LimitReader(r, saferead.MaxSpecBytes+1))
	if err != nil {
		return nil, &FieldError{File: file, Err: fmt.Errorf("read spec: %w", err)}
	}
	if len(data) > saferead.MaxSpecBytes {
		return nil, &FieldError{File: file, Err: fmt.Errorf("spec is larger than %d bytes", saferead.MaxSpecBytes)}
	}
	root, ferr := parseYAML(data, file)
	if ferr != nil {
		return nil, ferr
	}

	s := DefaultSpec()
	s.File = file
	s.Pos = map[string]Pos{"": {root.Line, root.Column}}
	d := &decoder{spec: &s}
	d.spec.decode(d, root)
	s.applyDefaults()

	errs := d.errs
	for _, e := range s.validate() {
		// A field that failed to decode has been reported already; its
		// zero value would only produce a second, confusing message.
		if !d.failedNear(e.Field) {
			errs = append(errs, e)
		}
	}
	if err := joinErrors(errs); err != nil {
		return nil, err
	}
	return &s, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML parses one YAML document into its root node, turning the YAML
// library's errors into *FieldError with the line it gives.
func parseYAML(data []byte, file string) (*yaml.Node, *FieldError) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FieldError{File: file, Err: errors.New("empty spec")}
		}
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, yamlError(file, err)
		}
		return nil, &FieldError{File: file, Line: extra.Line, Col: extra.Column,
			Err: errors.New("a spec file holds one YAML document; found a second one")}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, &FieldError{File: file, Err: errors.New("empty spec")}
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, &FieldError{File: file, Err: errors.New("empty spec")}
	}
	if root.Kind != yaml.MappingNode {
		return nil, &FieldError{File: file, Line: root.Line, Col: root.Column,
			Err: fmt.Errorf("a spec must be a mapping of keys (name, dataset, model, …), got %s", describe(root))}
	}
	return root, nil
}

func yamlError(file string, err error) *FieldError {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &FieldError{File: file, Line: line, Err: errors.New("invalid YAML: " + m[2])}
	}
	return &FieldError{File: file, Err: errors.New("invalid YAML: " + strings.TrimPrefix(msg, "yaml: "))}
}

// decoder walks yaml.Node trees into a Spec, recording positions in
// spec.Pos and collecting errors instead of stopping at the first.
type decoder struct {
	spec   *Spec
	errs   []*FieldError
	failed []string // fields with a decoding error
}

func (d *decoder) errAt(n *yaml.Node, field string, err error) {
	fe := &FieldError{File: d.spec.File, Field: field, Err: err}
	if n != nil {
		fe.Line, fe.Col = n.Line, n.Column
		if n.Kind == yaml.ScalarNode {
			fe.Value = n.Value
		}
	}
	d.errs = append(d.errs, fe)
	if field != "" {
		d.failed = append(d.failed, field)
	}
}

func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	d.errAt(n, field, fmt.Errorf(format, args...))
}

// failedNear reports whether field or one of its parents failed to
// decode.
func (d *decoder) failedNear(field string) bool {
	for _, f := range d.failed {
		if isWithin(field, f) {
			return true
		}
	}
	return false
}

// describe names a node's kind for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "an empty value"
		case "!!str":
			return strconv.Quote(n.Value)
		}
		return n.Value
	}
	return "nothing"
}

// usable rejects aliases (anchors would let a small file expand into an
// enormous tree) and reports whether n can be decoded.
func (d *decoder) usable(n *yaml.Node, field string) bool {
	if n.Kind == yaml.AliasNode {
		d.errorf(n, field, "aliases (*name) are not supported in specs")
		return false
	}
	return true
}

// mapping calls fn for each key of the mapping n in file order. Unknown
// keys (when valid is not nil) and duplicate keys are errors; the position
// of every value is recorded under its dotted path.
func (d *decoder) mapping(n *yaml.Node, path string, valid []string, fn func(key string, v *yaml.Node, field string)) bool {
	if !d.usable(n, path) {
		return false
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, got %s", describe(n))
		return false
	}
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
			d.errorf(k, path, "keys must be plain names, got %s", describe(k))
			continue
		}
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			d.errorf(k, path, "merge keys (<<) are not supported in specs")
			continue
		}
		field := joinField(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.errorf(k, field, "duplicate key (first at line %d, column %d)", first.Line, first.Column)
			continue
		}
		seen[k.Value] = k
		if valid != nil && !slices.Contains(valid, k.Value) {
			d.errAt(k, field, unknownKey(path, k.Value, valid))
			continue
		}
		d.spec.Pos[field] = Pos{v.Line, v.Column}
		fn(k.Value, v, field)
	}
	return true
}

// unknownKey explains an unknown key: a near miss, or the section the key
// belongs to ("epochs" at the top level is train.epochs), then the valid
// keys.
func unknownKey(path, key string, valid []string) error {
	if path == "dataset.split" && key == "train" {
		return fmt.Errorf("unknown key: the training rows are those test and validation leave, no fraction to give (valid: %s)", strings.Join(valid, ", "))
	}
	if (path == "" || path == "trainer") && key == "workers" {
		return fmt.Errorf("unknown key: how many runs train at once is not the study's (it never changes a result): give --workers, LOSSEXP_WORKERS or workers: in the config file; with trainer.devices the default is one per device slot (valid: %s)", strings.Join(valid, ", "))
	}
	if suggest(key, valid) == "" {
		for _, sec := range sections {
			if sec.path != path && slices.Contains(sec.keys, key) {
				return fmt.Errorf("unknown key, did you mean %s? (valid: %s)", joinField(sec.path, key), strings.Join(valid, ", "))
			}
		}
	}
	return oneOf("unknown key", key, valid)
}

// scalar checks that n is a non-null scalar.
func (d *decoder) scalar(n *yaml.Node, field, want string) bool {
	if !d.usable(n, field) {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, field, "expected %s, got %s", want, describe(n))
		return false
	}
	return true
}

// str decodes a string. Numbers are taken as written (a column may be
// called "2024"); booleans and null are errors.
func (d *decoder) str(n *yaml.Node, field string, dst *string) {
	if !d.scalar(n, field, "a string") {
		return
	}
	switch n.ShortTag() {
	case "!!str", "!!int", "!!float", "!!timestamp":
		*dst = n.Value
	default:
		d.errorf(n, field, "expected a string, got %s (quote it if you mean the text)", describe(n))
	}
}

func (d *decoder) integer(n *yaml.Node, field string) (int64, bool) {
	if !d.scalar(n, field, "an integer") {
		return 0, false
	}
	var v int64
	if n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		d.errorf(n, field, "expected an integer, got %s", describe(n))
		return 0, false
	}
	return v, true
}

func (d *decoder) int(n *yaml.Node, field string, dst *int) {
	v, ok := d.integer(n, field)
	if !ok {
		return
	}
	if v > math.MaxInt32 || v < math.MinInt32 {
		d.errorf(n, field, "%d is out of range", v)
		return
	}
	*dst = int(v)
}

func (d *decoder) uint64(n *yaml.Node, field string, dst *uint64) {
	if !d.scalar(n, field, "a non-negative integer") {
		return
	}
	var v uint64
	if n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		d.errorf(n, field, "expected a non-negative integer, got %s", describe(n))
		return
	}
	*dst = v
}

// number decodes a float; integers are accepted. NaN and ±Inf are
// accepted here (.nan, .inf) and rejected by the checks that know the
// field's range.
func (d *decoder) number(n *yaml.Node, field string) (float64, bool) {
	if !d.scalar(n, field, "a number") {
		return 0, false
	}
	var v float64
	if t := n.ShortTag(); (t != "!!float" && t != "!!int") || n.Decode(&v) != nil {
		d.errorf(n, field, "expected a number, got %s", describe(n))
		return 0, false
	}
	return v, true
}

func (d *decoder) float(n *yaml.Node, field string, dst *float64) {
	if v, ok := d.number(n, field); ok {
		*dst = v
	}
}

func (d *decoder) bool(n *yaml.Node, field string, dst *bool) {
	if !d.scalar(n, field, "true or false") {
		return
	}
	var v bool
	if n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		d.errorf(n, field, "expected true or false, got %s", describe(n))
		return
	}
	*dst = v
}

// list calls fn for each item of the sequence n.
func (d *decoder) list(n *yaml.Node, field, what string, fn func(i int, item *yaml.Node, field string)) bool {
	if !d.usable(n, field) {
		return false
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, field, "expected a list of %s, got %s", what, describe(n))
		return false
	}
	for i, item := range n.Content {
		f := indexField(field, i)
		d.spec.Pos[f] = Pos{item.Line, item.Column}
		fn(i, item, f)
	}
	return true
}

func (d *decoder) strList(n *yaml.Node, field string, dst *[]string) {
	out := []string{}
	ok := d.list(n, field, "strings", func(_ int, item *yaml.Node, f string) {
		var s string
		d.str(item, f, &s)
		out = append(out, s)
	})
	if ok {
		*dst = out
	}
}

// anyValue decodes an inline term parameter to a plain Go value: float64
// (integers too), string, bool, nil, []any or map[string]any.
func (d *decoder) anyValue(n *yaml.Node, field string) any {
	if !d.usable(n, field) {
		return nil
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		d.list(n, field, "values", func(_ int, item *yaml.Node, f string) {
			out = append(out, d.anyValue(item, f))
		})
		return out
	case yaml.MappingNode:
		out := map[string]any{}
		d.mapping(n, field, nil, func(key string, v *yaml.Node, f string) {
			out[key] = d.anyValue(v, f)
		})
		return out
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		d.bool(n, field, &b)
		return b
	case "!!int", "!!float":
		v, _ := d.number(n, field)
		return v
	}
	return n.Value
}

// Keys of each section, in documented order (the order "valid: …" lists).
var (
	specKeys    = []string{"name", "description", "seed", "repeats", "dataset", "model", "train", "trainer", "loss", "sweep", "report", "check"}
	datasetKeys = []string{"builtin", "csv", "target", "task", "features", "categorical", "missing", "group", "aux_targets", "sequence", "image", "params", "standardize", "split"}
	splitKeys   = []string{"test", "validation", "stratify", "test_csv", "unseen", "cv"}
	seqKeys     = []string{"id", "order", "context"}
	imageKeys   = []string{"width", "height", "channels", "max", "blur", "downsample", "noise"}
	modelKeys   = []string{"kind", "hidden", "activation", "noise"}
	trainKeys   = []string{"optimizer", "learning_rate", "epochs", "batch_size", "momentum", "weight_decay", "beta1", "beta2", "epsilon", "eval_every", "tolerance", "precision"}
	lossKeys    = []string{"task", "huber_delta", "terms", "balance"}
	sweepKeys   = []string{"mode", "total", "points", "step", "axes", "refine", "balance", "halving"}
	refineKeys  = []string{"rounds", "points"}
	reportKeys  = []string{"x", "metrics", "select_on", "task_metric", "validation", "resamples"}
)

// sections lists where each key belongs, for unknownKey.
var sections = []struct {
	path string
	keys []string
}{
	{"", specKeys}, {"dataset", datasetKeys}, {"dataset.split", splitKeys},
	{"dataset.sequence", seqKeys}, {"dataset.image", imageKeys},
	{"model", modelKeys}, {"train", trainKeys}, {"trainer", trainerKeys}, {"loss", lossKeys},
	// sweep.step is left out: a step in a logspace is not a sweep step.
	{"sweep", []string{"mode", "total", "points", "axes", "refine", "balance", "halving"}}, {"sweep.refine", refineKeys}, {"sweep.halving", halvingKeys}, {"report", reportKeys}, {"check", checkKeys},
}

func (s *Spec) decode(d *decoder, n *yaml.Node) {
	d.mapping(n, "", specKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "name":
			d.str(v, f, &s.Name)
		case "description":
			d.str(v, f, &s.Description)
		case "seed":
			d.uint64(v, f, &s.Seed)
		case "repeats":
			d.int(v, f, &s.Repeats)
		case "dataset":
			s.Dataset.decode(d, v, f)
		case "model":
			s.Model.decode(d, v, f)
		case "train":
			s.Train.decode(d, v, f)
		case "trainer":
			s.Trainer = &TrainerSpec{}
			s.Trainer.decode(d, v, f)
		case "loss":
			s.Loss.decode(d, v, f)
		case "sweep":
			s.Sweep.decode(d, v, f)
		case "report":
			d.mapping(v, f, reportKeys, func(key string, v *yaml.Node, f string) {
				switch key {
				case "x":
					d.str(v, f, &s.Report.X)
				case "metrics":
					d.strList(v, f, &s.Report.Metrics)
				case "select_on":
					d.str(v, f, &s.Report.SelectOn)
				case "task_metric":
					d.str(v, f, &s.Report.TaskMetric)
				case "validation":
					d.float(v, f, &s.Report.Validation)
				case "resamples":
					d.int(v, f, &s.Report.Resamples)
				}
			})
		case "check":
			s.Check = &CheckSpec{}
			s.Check.decode(d, v, f)
		}
	})
}

func (sw *SweepSpec) decode(d *decoder, n *yaml.Node, path string) {
	d.mapping(n, path, sweepKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "mode":
			d.str(v, f, &sw.Mode)
		case "total":
			d.float(v, f, &sw.Total)
		case "points":
			d.int(v, f, &sw.Points)
		case "step":
			d.float(v, f, &sw.Step)
		case "axes":
			sw.Axes = d.decodeAxes(v, f)
		case "balance":
			list := []BalanceSpec{}
			before := len(d.errs)
			defer func() {
				if len(d.errs) > before { // a list with a bad entry: its checks would only repeat the problem
					d.failed = append(d.failed, f)
				}
			}()
			d.list(v, f, "methods", func(_ int, item *yaml.Node, f string) {
				if b, ok := d.balanceSpec(item, f); ok {
					list = append(list, b)
				}
			})
			sw.Balance = list
		case "refine":
			r := &RefineSpec{}
			before := len(d.errs)
			defer func() {
				if len(d.errs) > before { // its range checks would only repeat the problem
					d.failed = append(d.failed, f)
				}
			}()
			d.mapping(v, f, refineKeys, func(key string, v *yaml.Node, f string) {
				switch key {
				case "rounds":
					d.int(v, f, &r.Rounds)
				case "points":
					d.int(v, f, &r.Points)
				}
			})
			sw.Refine = r
		case "halving":
			sw.Halving = d.halvingSpec(v, f)
		}
	})
}

func (ds *DatasetSpec) decode(d *decoder, n *yaml.Node, path string) {
	d.mapping(n, path, datasetKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "builtin":
			d.str(v, f, &ds.Builtin)
		case "csv":
			d.str(v, f, &ds.CSV)
		case "target":
			d.str(v, f, &ds.Target)
		case "task":
			d.str(v, f, &ds.Task)
		case "features":
			d.strList(v, f, &ds.Features)
		case "categorical":
			d.strList(v, f, &ds.Categorical)
		case "missing":
			d.str(v, f, &ds.Missing)
		case "group":
			d.str(v, f, &ds.Group)
		case "aux_targets":
			d.strList(v, f, &ds.AuxTargets)
		case "sequence":
			ds.Sequence = d.sequence(v, f)
		case "image":
			ds.Image = d.image(v, f)
		case "params":
			if params, ok := d.floatMap(v, f); ok {
				ds.Params = params
			}
		case "standardize":
			d.bool(v, f, &ds.Standardize)
		case "split":
			ds.Split.decode(d, v, f)
		}
	})
}

// floatMap decodes a mapping of names to numbers (dataset.params,
// trainer.params); ok is false when n is not a mapping.
func (d *decoder) floatMap(n *yaml.Node, path string) (m map[string]float64, ok bool) {
	m = map[string]float64{}
	ok = d.mapping(n, path, nil, func(key string, v *yaml.Node, f string) {
		var x float64
		d.float(v, f, &x)
		m[key] = x
	})
	return m, ok
}

// sequence decodes dataset.sequence.
func (d *decoder) sequence(n *yaml.Node, path string) *SequenceSpec {
	sq := &SequenceSpec{}
	d.mapping(n, path, seqKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "id":
			d.str(v, f, &sq.ID)
		case "order":
			d.str(v, f, &sq.Order)
		case "context":
			d.int(v, f, &sq.Context)
		}
	})
	return sq
}

// image decodes dataset.image, with its defaults.
func (d *decoder) image(n *yaml.Node, path string) *ImageSpec {
	im := &ImageSpec{Channels: 1, Max: 1, Blur: 1, Downsample: 2, Noise: 0.1}
	d.mapping(n, path, imageKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "width":
			d.int(v, f, &im.Width)
		case "height":
			d.int(v, f, &im.Height)
		case "channels":
			d.int(v, f, &im.Channels)
		case "max":
			d.float(v, f, &im.Max)
		case "blur":
			d.float(v, f, &im.Blur)
		case "downsample":
			d.int(v, f, &im.Downsample)
		case "noise":
			d.float(v, f, &im.Noise)
		}
	})
	return im
}

// decode decodes dataset.split.
func (sp *SplitSpec) decode(d *decoder, n *yaml.Node, path string) {
	d.mapping(n, path, splitKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "test":
			d.float(v, f, &sp.Test)
		case "validation":
			d.float(v, f, &sp.Validation)
		case "stratify":
			d.bool(v, f, &sp.Stratify)
		case "test_csv":
			d.str(v, f, &sp.TestCSV)
		case "unseen":
			d.str(v, f, &sp.Unseen)
		case "cv":
			d.int(v, f, &sp.CV)
		}
	})
}

func (m *ModelSpec) decode(d *decoder, n *yaml.Node, path string) {
	d.mapping(n, path, modelKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "kind":
			d.str(v, f, &m.Kind)
		case "activation":
			d.str(v, f, &m.Activation)
		case "noise":
			d.int(v, f, &m.Noise)
		case "hidden":
			// A single integer is one hidden layer: hidden: 32 = [32].
			if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int" {
				var h int
				d.int(v, f, &h)
				m.Hidden = []int{h}
				return
			}
			hidden := []int{}
			if d.list(v, f, "integers", func(_ int, item *yaml.Node, f string) {
				var h int
				d.int(item, f, &h)
				hidden = append(hidden, h)
			}) {
				m.Hidden = hidden
			}
		}
	})
}

func (t *TrainSpec) decode(d *decoder, n *yaml.Node, path string) {
	d.mapping(n, path, trainKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "optimizer":
			d.str(v, f, &t.Optimizer)
		case "learning_rate":
			d.float(v, f, &t.LearningRate)
		case "epochs":
			d.int(v, f, &t.Epochs)
		case "batch_size":
			d.int(v, f, &t.BatchSize)
		case "momentum":
			d.float(v, f, &t.Momentum)
		case "weight_decay":
			d.float(v, f, &t.WeightDecay)
		case "beta1":
			d.float(v, f, &t.Beta1)
		case "beta2":
			d.float(v, f, &t.Beta2)
		case "epsilon":
			d.float(v, f, &t.Epsilon)
		case "eval_every":
			d.int(v, f, &t.EvalEvery)
		case "tolerance":
			d.float(v, f, &t.Tolerance)
		case "precision":
			d.str(v, f, &t.Precision)
		}
	})
}

func (l *LossSpec) decode(d *decoder, n *yaml.Node, path string) {
	d.mapping(n, path, lossKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "task":
			d.str(v, f, &l.Task)
		case "huber_delta":
			d.float(v, f, &l.HuberDelta)
		case "terms":
			terms := []TermSpec{}
			d.list(v, f, "terms", func(_ int, item *yaml.Node, f string) {
				terms = append(terms, decodeTerm(d, item, f))
			})
			l.Terms = terms
		case "balance":
			if b, ok := d.balanceSpec(v, f); ok {
				l.Balance = &b
			}
		}
	})
}

// decodeTerm decodes one term: kind, name and weight, plus the term's own
// parameters inline (every other key, validated later by the term's
// constructor).
func decodeTerm(d *decoder, n *yaml.Node, path string) TermSpec {
	var t TermSpec
	d.mapping(n, path, nil, func(key string, v *yaml.Node, f string) {
		switch key {
		case "kind":
			d.str(v, f, &t.Kind)
		case "name":
			d.str(v, f, &t.Name)
		case "weight":
			w, err := d.weight(v, f)
			if err == nil {
				w.Scale = t.Weight.Scale
				t.Weight = w
			}
		case "scale":
			// λ relative to the task at initialization (scale.go); it
			// qualifies the weight, so it is kept with it.
			d.str(v, f, &t.Weight.Scale)
		default:
			if t.Params == nil {
				t.Params = map[string]any{}
			}
			t.Params[key] = d.anyValue(v, f)
		}
	})
	return t
}

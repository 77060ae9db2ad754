package experiments

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/datasets"
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
)

// writeSpec writes spec text to dir/s.yaml and loads it.
func writeSpec(t *testing.T, dir, text string) *spec.Spec {
	t.Helper()
	p := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := spec.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func writeFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOpenData_Lookup: a relative dataset.csv is found in the spec's
// folder, then the data dir, then the shipped datasets, then the fetch
// cache; a fetchable file not in the cache is a spec error at
// dataset.csv naming the fetch command; a file found nowhere lists the
// places tried.
func TestOpenData_Lookup(t *testing.T) {
	cache := t.TempDir()
	in := Folders{Cache: cache} // the fetch cache, as the command resolved it
	const iris = "name: x\ndataset: {csv: sklearn/iris.csv, target: target}\nloss: {terms: [{kind: l2, weight: 1}]}\n"
	mini := "a,b,target\n1,2,x\n3,4,y\n"

	// Shipped.
	dir := t.TempDir()
	s := writeSpec(t, dir, iris)
	d, err := OpenData(s, in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Path() != "datasets/sklearn/iris.csv" || d.table.N != 150 {
		t.Errorf("shipped: path %q, %d rows", d.Path(), d.table.N)
	}
	for _, f := range datasets.Shipped {
		if f.Path == "sklearn/iris.csv" && d.Checksum() != f.SHA256 {
			t.Errorf("shipped checksum %s, want the file's %s", d.Checksum(), f.SHA256)
		}
	}

	// The data dir wins over the shipped file.
	dataDir := t.TempDir()
	writeFile(t, filepath.Join(dataDir, "sklearn", "iris.csv"), mini)
	if d, err = OpenData(s, Folders{Data: dataDir, Cache: cache}); err != nil || d.table.N != 2 || d.Path() != filepath.Join(dataDir, "sklearn", "iris.csv") {
		t.Errorf("data dir: %v, path %q", err, d.Path())
	}
	// The spec's folder wins over both.
	writeFile(t, filepath.Join(dir, "sklearn", "iris.csv"), mini+"5,6,x\n")
	if d, err = OpenData(s, Folders{Data: dataDir, Cache: cache}); err != nil || d.table.N != 3 {
		t.Errorf("spec folder: %v", err)
	}

	// Not fetched: the spec's position and the command.
	s = writeSpec(t, t.TempDir(), "name: x\ndataset:\n  csv: compas/compas.csv\n  target: target\nloss: {terms: [{kind: l2, weight: 1}]}\n")
	_, err = OpenData(s, in)
	var fe *spec.FieldError
	var nf *datasets.NotFetchedError
	if !errors.As(err, &fe) || !errors.As(err, &nf) || fe.Line != 3 || fe.Col != 8 || !strings.Contains(err.Error(), "`lossexp datasets fetch compas`") {
		t.Fatalf("not fetched: err = %v, want a FieldError at 3:8 naming the fetch command", err)
	}
	// Fetched (a file in the cache).
	writeFile(t, datasets.CachePath(cache, "compas/compas.csv"), mini)
	if d, err = OpenData(s, in); err != nil || d.Path() != datasets.CachePath(cache, "compas/compas.csv") {
		t.Errorf("cached: %v, path %q", err, d.Path())
	}

	// Nowhere.
	s = writeSpec(t, dir, "name: x\ndataset: {csv: none/x.csv, target: target}\nloss: {terms: [{kind: l2, weight: 1}]}\n")
	_, err = OpenData(s, in)
	for _, w := range []string{"s.yaml:2:16", `file "none/x.csv" not found`, filepath.Join(dir, "none/x.csv"), "the datasets shipped with lossexp", datasets.CachePath(cache, "none/x.csv"), "--data-dir"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("not found: err = %v, want %q", err, w)
		}
	}
}

// TestOpenData_TestCSV: split.test_csv is the test split (found like
// dataset.csv), with the unseen-level policy of the spec, and Describe
// reports both files.
func TestOpenData_TestCSV(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tr.csv"), "x,c,g,y\n1,a,m,0\n2,b,f,1\n3,a,f,0\n4,b,m,1\n5,a,m,1\n6,b,f,0\n")
	writeFile(t, filepath.Join(dir, "te.csv"), "x,c,g,y\n7,a,m,1\n8,z,f,0\n")
	src := "name: x\ndataset:\n  csv: tr.csv\n  target: y\n  categorical: [c]\n  group: g\n  split: {test_csv: te.csv%s}\nloss: {terms: [{kind: l2, weight: 1}]}\n"
	s := writeSpec(t, dir, strings.Replace(src, "%s", "", 1))
	if s.Dataset.Split.Test != 0 || s.Dataset.Split.Unseen != "error" {
		t.Errorf("defaults with test_csv: test %v, unseen %q; want 0, error", s.Dataset.Split.Test, s.Dataset.Split.Unseen)
	}
	_, err := OpenData(s, Folders{})
	var ce *dataset.CSVError
	if !errors.As(err, &ce) || ce.Row != 3 || ce.Column != "c" || !strings.Contains(err.Error(), "s.yaml:7:") {
		t.Fatalf("unseen level: err = %v, want the spec position and te.csv row 3, column c", err)
	}
	s = writeSpec(t, dir, strings.Replace(src, "%s", ", unseen: zero", 1))
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(0)
	if err != nil {
		t.Fatal(err)
	}
	// The six rows of tr.csv train, but for round(0.2·6) = 1 carved out
	// for validation (the spec selects on validation by default).
	if sp.Train.N != 5 || sp.Validation == nil || sp.Validation.N != 1 || sp.Test == nil || sp.Test.N != 2 {
		t.Fatalf("splits: train %d, validation %v, test %v", sp.Train.N, sp.Validation, sp.Test)
	}
	if ws := d.Warnings(); len(ws) != 1 || !strings.Contains(ws[0], "c=z") {
		t.Errorf("warnings %q, want the unseen level c=z", ws)
	}
	desc := d.Describe()
	for _, w := range []string{
		"data: " + filepath.Join(dir, "tr.csv") + ": 6 rows, 4 columns",
		"test split: " + filepath.Join(dir, "te.csv") + ": 2 rows",
		"features: 1 numeric, 1 categorical (c; one-hot on the training rows)",
		"classes (y): 2: 0 4, 1 4",
		"groups (g): 2: f 4, m 4",
		"warning: " + filepath.Join(dir, "te.csv") + ": 1 cells hold categorical levels the training file lacks, encoded as all zeros: c=z (1 rows, first on line 3)",
	} {
		if !strings.Contains(desc, w) {
			t.Errorf("Describe lacks %q:\n%s", w, desc)
		}
	}
	// The run ids follow the content of both files, not their paths.
	base := s.RunBase(d.Checksum())
	writeFile(t, filepath.Join(dir, "te2.csv"), "x,c,g,y\n7,a,m,1\n8,z,f,0\n")
	s2 := writeSpec(t, dir, strings.Replace(strings.Replace(src, "%s", ", unseen: zero", 1), "te.csv", "te2.csv", 1))
	d2, err := OpenData(s2, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	if s2.RunBase(d2.Checksum()) != base {
		t.Error("renaming the test file changed the run ids")
	}
	writeFile(t, filepath.Join(dir, "te2.csv"), "x,c,g,y\n7,a,m,1\n9,z,f,0\n")
	if d2, _ = OpenData(s2, Folders{}); s2.RunBase(d2.Checksum()) == base {
		t.Error("changing the test file kept the run ids")
	}
}

// TestDescribe_Shipped: Describe on the shipped BasicMotions files as a
// sequence dataset with its test file, and on the digits as images.
func TestDescribe_Shipped(t *testing.T) {
	s := loadStudy(t, "temporal-basicmotions")
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	desc := d.Describe()
	for _, w := range []string{
		"data: datasets/basicmotions/basicmotions_train.csv: 4000 rows, 9 columns",
		"test split: datasets/basicmotions/basicmotions_test.csv: 4000 rows",
		"features: 30 numeric", // 6 channels × (2·2 + 1) frames
		"classes (target): 4: Badminton 2000, Running 2000, Standing 2000, Walking 2000",
		"sequences: 80 of 100 frames, 40 of them in the test file (splits by sequence); context ±2 frames",
	} {
		if !strings.Contains(desc, w) {
			t.Errorf("Describe lacks %q:\n%s", w, desc)
		}
	}
	s = loadStudy(t, "perceptual-digits")
	if desc, err = DescribeData(s, Folders{}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"data: datasets/sklearn/digits.csv: 1797 rows, 65 columns",
		"images: 8×8, 1 channel(s): the clean image (64 values) is the target",
		"image classes (target, for the perceptual term's classifier): 10: 0 178, 1 182,",
	} {
		if !strings.Contains(desc, w) {
			t.Errorf("Describe lacks %q:\n%s", w, desc)
		}
	}
	if _, err := DescribeData(mustParse(t, "name: x\ndataset: {csv: compas/compas.csv, target: target}\n"), Folders{Cache: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "lossexp datasets fetch compas") {
		t.Errorf("DescribeData of unfetched data: err = %v", err)
	}
	s = mustParse(t, "name: x\ndataset: {builtin: fair}\nloss: {terms: [{kind: l2, weight: 1}]}\n")
	if d, err = OpenData(s, Folders{}); err != nil {
		t.Fatal(err)
	}
	if desc = d.Describe(); !strings.Contains(desc, "data: builtin fair (a fresh sample per repeat)") || !strings.Contains(desc, "groups (built-in): 2:") {
		t.Errorf("builtin: %s", desc)
	}
}

// TestValidate_DataExtras: dataset.sequence, dataset.image and
// split.test_csv / unseen are refused where they do not apply or are
// malformed, with the position of the key.
func TestValidate_DataExtras(t *testing.T) {
	const loss = "loss: {terms: [{kind: l2, weight: 1}]}\n"
	for _, tt := range []struct {
		name, spec string
		want       []string
	}{
		{"sequence on a builtin", "name: x\ndataset:\n  builtin: moons\n  sequence: {id: a, order: b}\n" + loss, []string{"t.yaml:4:13", "dataset.sequence", "only for csv datasets"}},
		{"sequence without order", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  sequence: {id: s}\n" + loss, []string{"t.yaml:5:13", "name the sequence's order column"}},
		{"sequence order is the target", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  sequence: {id: s, order: y}\n" + loss, []string{"t.yaml:5:28", "dataset.sequence.order", `"y" is the target`}},
		{"sequence id equals order", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  sequence: {id: s, order: s}\n" + loss, []string{"dataset.sequence.order", "needs a column of its own"}},
		{"negative context", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  sequence: {id: s, order: t, context: -1}\n" + loss, []string{"t.yaml:5:40", "dataset.sequence.context", "between 0 and 50"}},
		{"unknown sequence key", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  sequence: {id: s, frame: t}\n" + loss, []string{"t.yaml:5:21", "frame", "id, order, context"}},
		{"image without width", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  image: {height: 8}\n" + loss, []string{"t.yaml:5:10", "give the image's width"}},
		{"image downsample", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  image: {width: 8, height: 6, downsample: 4}\n" + loss, []string{"dataset.image.downsample", "divide the width (8) and the height (6)"}},
		{"image max", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  image: {width: 8, height: 8, max: 0}\n" + loss, []string{"dataset.image.max", "> 0"}},
		{"image with task", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  task: classification\n  image: {width: 8, height: 8}\n" + loss, []string{"t.yaml:5:9", "dataset.image builds a restoration task"}},
		{"image on a builtin", "name: x\ndataset:\n  builtin: glyphs\n  image: {width: 8, height: 8}\n" + loss, []string{"t.yaml:4:10", "only for csv datasets"}},
		{"test_csv with a test fraction", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  split: {test: 0.3, test_csv: b.csv}\n" + loss, []string{"t.yaml:5:17", "dataset.split.test", `the test split is test_csv "b.csv"`}},
		{"unseen without test_csv", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  split: {unseen: zero}\n" + loss, []string{"t.yaml:5:19", "only with test_csv"}},
		{"unknown unseen policy", "name: x\ndataset:\n  csv: a.csv\n  target: y\n  split: {test_csv: b.csv, unseen: drop}\n" + loss, []string{"t.yaml:5:36", `unknown unseen-level policy "drop"`, "error, zero"}},
		{"test_csv on a builtin", "name: x\ndataset:\n  builtin: moons\n  split: {test_csv: b.csv}\n" + loss, []string{"t.yaml:4:21", "only for csv datasets"}},
		{"temporal on a csv without sequence", "name: x\ndataset: {csv: a.csv, target: y}\nloss:\n  terms:\n    - {kind: temporal, weight: 1}\n", []string{"t.yaml:5:14", "term temporal", "dataset.sequence: {id: <column>, order: <column>}"}},
		{"perceptual on a csv without image", "name: x\ndataset: {csv: a.csv, target: y, task: regression}\nloss:\n  task: mse\n  terms:\n    - {kind: perceptual, weight: 1}\n", []string{"t.yaml:6:14", "term perceptual", "dataset.image: {width, height}"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			expectRefused(t, tt.spec, tt.want...)
		})
	}
}

// TestParse_DataExtras: the keys decode with their defaults, and a spec
// without them keeps its hash (the new fields are omitted when empty).
func TestParse_DataExtras(t *testing.T) {
	s := mustParse(t, "name: x\ndataset:\n  csv: a.csv\n  target: y\n  sequence: {id: s, order: t, context: 3}\n  image: {width: 8, height: 4}\n  split: {test_csv: b.csv, unseen: zero}\nloss: {terms: [{kind: l2, weight: 1}]}\n")
	ds := s.Dataset
	if *ds.Sequence != (spec.SequenceSpec{ID: "s", Order: "t", Context: 3}) {
		t.Errorf("sequence %+v", *ds.Sequence)
	}
	if *ds.Image != (spec.ImageSpec{Width: 8, Height: 4, Channels: 1, Max: 1, Blur: 1, Downsample: 2, Noise: 0.1}) {
		t.Errorf("image %+v", *ds.Image)
	}
	if ds.Split.TestCSV != "b.csv" || ds.Split.Unseen != "zero" || ds.Split.Test != 0 {
		t.Errorf("split %+v", ds.Split)
	}
	if ds.Task != "regression" || s.Loss.Task != "mse" {
		t.Errorf("image dataset: task %q, loss %q; want regression, mse", ds.Task, s.Loss.Task)
	}
	plain := mustParse(t, "name: x\ndataset: {csv: a.csv, target: y}\nloss: {terms: [{kind: l2, weight: 1}]}\n")
	b, err := json.Marshal(plain.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Sequence", "Image", "TestCSV", "Unseen"} {
		if strings.Contains(string(b), k) {
			t.Errorf("a spec without the new keys encodes %s (its hash and run ids would change): %s", k, b)
		}
	}
}

package dataset

// Task says what the target is.
type Task int

const (
	Classification Task = iota
	Regression
	// Segmentation: each row's target is a binary mask of T positions
	// (Table.T, Dataset.T), one logit per position.
	Segmentation
)

func (t Task) String() string {
	switch t {
	case Regression:
		return "regression"
	case Segmentation:
		return "segmentation"
	}
	return "classification"
}

// Table is a dataset before splitting: a built-in generator's output or a
// parsed CSV. Numeric features are in X; categorical features are kept as
// strings until the split is known, so one-hot categories are fixed on the
// training rows only.
type Table struct {
	Name string
	Task Task
	N    int // rows

	// NumNames are the numeric feature names, NumX their values
	// (N × len(NumNames), row-major).
	NumNames []string
	NumX     []float64

	// CatNames are the categorical feature names, CatX their values
	// (N × len(CatNames), row-major).
	CatNames []string
	CatX     []string

	// Y holds the target: for classification the class index (0..K-1)
	// stored as float64, for regression the value (or T values per row
	// when T > 1: an image), for segmentation T mask values (0 or 1) per
	// row (N × T, row-major).
	Y       []float64
	T       int      // targets per row: the mask length for segmentation, the outputs of a multi-output regression; 0 or 1 otherwise
	Classes []string // class labels in index order (classification)

	// Group holds the sensitive-attribute index per row (nil when none),
	// GroupNames its labels. Used by the fairness terms and metrics.
	Group      []int
	GroupNames []string

	// Aux holds auxiliary targets (N × len(AuxNames), row-major; nil
	// when none), for the aux term. Factors holds the generating factors
	// of a built-in (N × len(FactorNames)), for decorrelation's gap score.
	// Neither is a feature.
	Aux         []float64
	AuxNames    []string
	Factors     []float64
	FactorNames []string

	// Label holds a class index per row that is neither a feature nor
	// the target (nil when none), LabelNames the classes: the glyph class
	// of an image-restoration table, on which the perceptual term's
	// frozen classifier is trained. Kept through splitting like Group.
	Label      []int
	LabelNames []string

	// SeqID and Order are the sequence structure of the rows (nil when
	// the data has none; the temporal term): row i is frame Order[i] of
	// sequence SeqID[i]. Prepare splits by sequence, never by frame.
	SeqID []int
	Order []int

	// Checksum identifies the data (SHA-256 of the CSV bytes, or of the
	// generator name, parameters and seed).
	Checksum string

	// Dropped counts the CSV rows skipped for missing values (missing:
	// drop); always 0 for generators.
	Dropped int

	// TestFrom, when > 0, says rows TestFrom … N−1 are the test split,
	// from a separate test file named TestName (AppendTest): Prepare
	// splits only the rows before it.
	TestFrom int
	TestName string

	// Columns is the number of named columns of a CSV file's header (0
	// for generators).
	Columns int

	// Warnings are things the reader accepted but a user should know
	// (test-file levels unseen in training, encoded as zeros).
	Warnings []string
}

// Dataset is one split ready for training: all features numeric (one-hot
// expanded, optionally standardized).
type Dataset struct {
	N, D     int
	X        []float64 // N × D row-major
	Y        []float64 // N × T (class index, regression value(s), or T mask values)
	T        int       // targets per row (1 unless segmentation or multi-output regression)
	Group    []int     // nil when the spec names no group
	Label    []int     // class index per row besides the target (Table.Label); nil when none
	Features []string  // D names (one-hot columns as "col=value")
	A        int       // auxiliary targets per row (0: none)
	Aux      []float64 // N × A
	F        int       // generating factors per row (0: none)
	Factors  []float64 // N × F
	// Seq is the sequence index of each row (nil when the data has no
	// sequences). The rows of a split are then sorted by (sequence,
	// order): rows i and i+1 are consecutive frames when Seq[i] = Seq[i+1].
	Seq []int
}

// Splits are the prepared train, validation and test sets of one repeat.
// Validation and Test are nil when their fraction is 0.
type Splits struct {
	Task        Task
	Classes     []string // class labels (classification)
	Train       *Dataset
	Validation  *Dataset
	Test        *Dataset
	GroupNames  []string
	AuxNames    []string // auxiliary target names (Dataset.Aux columns)
	FactorNames []string // generating factor names (Dataset.Factors columns)
	LabelNames  []string // classes of Dataset.Label (nil when the data has no labels)

	// Frozen holds the networks trained once per repeat on these splits,
	// before any run, by name (the perceptual term's classifier, keyed by
	// the term's name); nil when none. Runs read them and never modify
	// them.
	Frozen map[string]*Network
}

// Network is a trained network held fixed: sizes [in, h1, …, out], the
// hidden activation and the parameters in model.MLP's layout.
type Network struct {
	Sizes      []int
	Activation string
	Params     []float64
	// Accuracy is its accuracy on the training rows it was fitted on,
	// and TestAccuracy on the test split's clean rows (NaN when there is
	// no test split): how good a judge it is.
	Accuracy, TestAccuracy float64
}

// K returns the number of model outputs the task needs: 1 for regression
// and for two classes (one logit, sigmoid), K for K > 2 classes (softmax),
// the mask length T for segmentation (one logit per position) and T for a
// multi-output regression.
func (s *Splits) K() int {
	if s.Task == Segmentation || (s.Task == Regression && s.Train.T > 1) {
		return s.Train.T
	}
	if s.Task == Regression || len(s.Classes) <= 2 {
		return 1
	}
	return len(s.Classes)
}

// targetsPerRow returns the number of target values per row of t.
func (t *Table) targetsPerRow() int {
	if t.Task == Segmentation || (t.Task == Regression && t.T > 1) {
		return t.T
	}
	return 1
}

package lossterms

// The hooks below are how the trainer reaches what a term does beyond its
// value and gradient: the frozen classifier it reads, the figure samples
// it wants (its metrics are rows of its Info.Metrics, each computing its
// value). The trainer asks for these
// interfaces and never for a concrete term type or kind, so adding a term
// touches this package, a config and the docs.

// SplitView is one split of a run's data as the metrics see it, at the
// end of training (MetricDef.Value).
type SplitView struct {
	Split   string // train, validation or test: the prefix of the metric names
	Task    string // classification, regression or segmentation
	N, D, K int    // rows, features, outputs per row
	X, Y    []float64
	Out     []float64 // the model's outputs on the rows (N × K)
	A       int       // auxiliary targets per row
	Aux     []float64 // N × A
	F       int       // generating factors per row
	Factors []float64 // N × F
	Labels  []int     // class labels besides the target; nil when none
	Group   []int     // group of dataset.group per row; nil when none
	Seq     []int     // sequence index per row; nil when the data has none
	Own     []float64 // the term's own parameters (OwnParams), at their final values
	// Hidden returns the activations of hidden layer l over the rows
	// (N × width, row-major) and the layer's width.
	Hidden func(l int) ([]float64, int)
}

// ClassifierSpec is how a term wants its frozen classifier trained.
type ClassifierSpec struct {
	Hidden       []int
	Activation   string
	Epochs       int
	LearningRate float64 // 0: the run's
}

// ClassifierUser is a term that reads a classifier trained once per
// repeat on the training split's clean targets and labels and held fixed
// (the perceptual term's φ).
type ClassifierUser interface {
	Classifier() ClassifierSpec
	SetExtractor(phi *FrozenMLP)
}

// Sample kinds a term can ask the trainer to keep for its figures.
const (
	SampleScatter = "scatter" // real against generated (x, y, ŷ) points
	SampleImages  = "images"  // input, restored and target images
)

// Sampler is a term whose figures need samples of the test split's
// predictions (repeat 0 keeps them).
type Sampler interface {
	SampleKind() string
}

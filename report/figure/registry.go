package figure

import "github.com/lossexp/lossexp/report/table"

// Section is a section of report.html that shows figures: its anchor
// (#ID), its link in the page's contents and its heading. The page
// (report/sections.go) places the sections it knows among its own, each
// with its text above the figures; a section it does not know comes after
// the training curves, its heading above its figures. A family names its
// section with one of the values below, or a Section of its own.
type Section struct {
	ID, Nav, Title string
}

var (
	SectionTradeoff = Section{"tradeoff", "Trade-off", "Trade-off"}
	SectionMethods  = Section{"methods", "Methods", "Balancing methods against the static front"}
	SectionGrad     = Section{"grad", "Gradient conflict", "Gradient conflict"}
	SectionCost     = Section{"cost", "Cost", "Cost"}
)

// Family is one family of analysis figures: how they are drawn
// (returning the files written, none when they do not apply), the names
// of those files and where report.html shows them.
type Family struct {
	Name    string // what the figures show, for readers of this table
	Draw    func(a *table.Analysis, fw *Writer, opts PlotOptions) ([]string, error)
	Section Section
	// Files is the pattern (filepath.Match) every file Draw writes
	// matches; TestFamilies_FileNames holds Draw to it.
	Files string
}

// Families are the analysis figures, registered once, in the order
// they are drawn and shown within their section. A new figure is a
// function and one row here: report.html shows it in its section without
// an edit of the page. The metric figures (plotMetrics) and the
// training curves (per term, Figures.Training) are drawn apart.
var Families = []Family{
	{"trade-off of each term's metric against the task", tradeoffFigures, SectionTradeoff, "tradeoff_*.png"},
	{"heatmaps over two swept terms", heatmapFigures, SectionTradeoff, "heat_*.png"},
	{"comparison figures", compareFigures, SectionTradeoff, "compare_*.png"},
	{"balancing methods against the static front", methodsFigures, SectionMethods, "methods_*.png"},
	{"gradient ratio and conflict", gradFigures, SectionGrad, "grad_*_vs_*.png"},
	{"cost per run", costFigures, SectionCost, "cost_vs_*.png"},
	{"samples of the trained models", func(_ *table.Analysis, fw *Writer, _ PlotOptions) ([]string, error) { return samplesFigures(fw) }, SectionTradeoff, "samples_*.png"},
}

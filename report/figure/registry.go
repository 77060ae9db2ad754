package figure

import "github.com/lossexp/lossexp/report/table"

// Section is the section of report.html that shows a figure; each is
// a field of Figures.
type Section int

const (
	SectionTradeoff Section = iota // Figures.Tradeoff
	SectionMethods                 // Figures.Methods
	SectionGrad                    // Figures.Grad
	SectionCost                    // Figures.Cost
)

// Family is one family of analysis figures: how they are drawn
// (returning the files written, none when they do not apply) and where
// report.html shows them.
type Family struct {
	Name    string // what the figures show, for readers of this table
	Draw    func(a *table.Analysis, fw *Writer, opts PlotOptions) ([]string, error)
	Section Section
}

// Families are the analysis figures, registered once, in the order
// they are drawn and shown within their section. A new figure is a
// function and one row here. The metric figures (plotMetrics) and the
// training curves (per term, Figures.Training) are drawn apart.
var Families = []Family{
	{"trade-off of each term's metric against the task", tradeoffFigures, SectionTradeoff},
	{"heatmaps over two swept terms", heatmapFigures, SectionTradeoff},
	{"comparison figures", compareFigures, SectionTradeoff},
	{"balancing methods against the static front", methodsFigures, SectionMethods},
	{"gradient ratio and conflict", gradFigures, SectionGrad},
	{"cost per run", costFigures, SectionCost},
	{"samples of the trained models", func(_ *table.Analysis, fw *Writer, _ PlotOptions) ([]string, error) { return samplesFigures(fw) }, SectionTradeoff},
}

package report

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"

	"github.com/lossexp/lossexp/report/figure"
)

// The sections of report.html come from two lists: the page's own order
// (pageSections, below) and the figure registry (figure.Families), which
// says which section shows each family. A section's text is the template
// body-<ID> (html.go's sectionBodies); its figures follow that text. A
// section that a family names and the page does not list comes after the
// training curves, in the registry's order, its heading above its
// figures: a new figure family is a function and a registry row, and
// the page needs no edit.

// pageSection is one section of report.html in pageSections. figs gives
// its figures when they are not drawn by the registry's families (nil:
// the families' figures of the section).
type pageSection struct {
	figure.Section
	figs func(d *htmlData) []string
}

// pageSections are the sections of report.html in page order.
var pageSections = []pageSection{
	{Section: figure.Section{ID: "reading", Nav: "Reading", Title: "Reading of the curves"}, figs: none},
	{Section: figure.Section{ID: "balance", Nav: "Balance points", Title: "Balance points"}, figs: none},
	{Section: figure.Section{ID: "plots", Nav: "Plots", Title: "Metrics against λ"}, figs: func(d *htmlData) []string { return d.Figs.Metrics }},
	{Section: figure.SectionTradeoff},
	{Section: figure.SectionMethods},
	{Section: figure.Section{ID: "paired", Nav: "Paired tests", Title: "Paired comparisons with λ = 0"}, figs: none},
	{Section: figure.SectionGrad},
	{Section: figure.SectionCost},
	{Section: figure.Section{ID: "training", Nav: "Training curves", Title: "Training curves"}, figs: trainingFigs},
	{Section: figure.Section{ID: "runs", Nav: "Runs", Title: "Runs"}, figs: none},
	{Section: figure.Section{ID: "spec", Nav: "Spec", Title: "Spec"}, figs: none},
}

// otherSectionsAfter is the section after which the sections the page
// does not list are shown.
const otherSectionsAfter = "training"

func none(*htmlData) []string { return nil }

// trainingFigs are the training curves, term by term in the page's order.
func trainingFigs(d *htmlData) []string {
	var out []string
	for _, t := range d.Terms {
		out = append(out, t.Training...)
	}
	return out
}

// htmlSection is one section of the page as the template shows it: its
// heading and link, its text (the template body-<ID>, empty when there is
// none) and its figures.
type htmlSection struct {
	figure.Section
	Body template.HTML
	Figs []string
}

// pageLayout returns the sections of the page: pageSections with the
// sections only the registry names after otherSectionsAfter. A section
// with neither text nor figure is left out, its link too (the methods
// section of a study without sweep.balance).
func pageLayout(d *htmlData) ([]htmlSection, error) {
	layout := slices.Clone(pageSections)
	at := slices.IndexFunc(layout, func(p pageSection) bool { return p.ID == otherSectionsAfter }) + 1
	for _, fam := range figure.Families {
		if !slices.ContainsFunc(layout, func(p pageSection) bool { return p.ID == fam.Section.ID }) {
			layout = slices.Insert(layout, at, pageSection{Section: fam.Section})
			at++
		}
	}
	var out []htmlSection
	for _, p := range layout {
		hs := htmlSection{Section: p.Section}
		if p.figs != nil {
			hs.Figs = p.figs(d)
		} else {
			hs.Figs = d.Figs.Sections[p.ID]
		}
		if t := pageTemplate.Lookup("body-" + p.ID); t != nil {
			var b bytes.Buffer
			if err := t.Execute(&b, d); err != nil {
				return nil, fmt.Errorf("section %s of the page: %w", p.ID, err)
			}
			// Written by html/template, which escaped every value.
			hs.Body = template.HTML(b.String())
		}
		if hs.Body != "" || len(hs.Figs) > 0 {
			out = append(out, hs)
		}
	}
	return out, nil
}

package report

import (
	"slices"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
)

// TestPageLayout_RegistryOrder: the sections of report.html in order
// when the registry names two sections the page does not list, "toy"
// (two families) and "toy2" (one), registered in that order: the page's
// own sections in pageSections' order, then after the training curves
// toy once (both its families' figures, in the registry's order) and
// toy2, then the runs and the spec. The methods section (no text without
// sweep.balance, no figure) is left out. By hand, from pageSections.
func TestPageLayout_RegistryOrder(t *testing.T) {
	keep := figure.Families
	t.Cleanup(func() { figure.Families = keep })
	toy := figure.Section{ID: "toy", Nav: "Toy", Title: "Toy figures"}
	toy2 := figure.Section{ID: "toy2", Nav: "Toy 2", Title: "More toy figures"}
	figure.Families = append(slices.Clone(keep),
		figure.Family{Name: "toy a", Section: toy, Files: "toy_a.png"},
		figure.Family{Name: "toy 2", Section: toy2, Files: "toy2.png"},
		figure.Family{Name: "toy b", Section: toy, Files: "toy_b.png"},
	)
	d := &htmlData{Figs: &Figures{Sections: map[string][]string{
		"toy": {"toy_a.png", "toy_b.png"}, "toy2": {"toy2.png"}, "tradeoff": {"tradeoff_l1.png"},
	}}}
	secs, err := pageLayout(d)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range secs {
		ids = append(ids, s.ID)
	}
	want := []string{"reading", "balance", "plots", "tradeoff", "paired", "grad", "cost", "training", "toy", "toy2", "runs", "spec"}
	if !slices.Equal(ids, want) {
		t.Fatalf("sections %v, want %v", ids, want)
	}
	at := slices.Index(ids, "toy")
	if s := secs[at]; s.Title != "Toy figures" || s.Nav != "Toy" || !slices.Equal(s.Figs, []string{"toy_a.png", "toy_b.png"}) {
		t.Errorf("section toy: %q %q %v, want its heading, link and both figures", s.Title, s.Nav, s.Figs)
	}
	if s := secs[at+1]; !slices.Equal(s.Figs, []string{"toy2.png"}) {
		t.Errorf("section toy2's figures %v", s.Figs)
	}
	if s := secs[slices.Index(ids, "tradeoff")]; !slices.Equal(s.Figs, []string{"tradeoff_l1.png"}) {
		t.Errorf("trade-off section's figures %v", s.Figs)
	}
	// sweep.balance's section shows once the study has methods.
	d.Methods = &htmlMethods{Term: "fair", Task: "accuracy"}
	if secs, err = pageLayout(d); err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(secs, func(s htmlSection) bool { return s.ID == "methods" }); i != 4 {
		t.Errorf("methods section at %d with methods, want 4 (after the trade-off)", i)
	}
}

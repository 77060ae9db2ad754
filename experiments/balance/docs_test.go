package balance

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocs_MethodTable: the table of methods in docs/balancing.md names
// every registered method, in the registry's order, with each of its
// parameters, and the default the registry gives where the table shows
// one: a new method (one file, registered by itself) or a changed default
// cannot leave the page behind unnoticed.
func TestDocs_MethodTable(t *testing.T) {
	b, err := os.ReadFile("../../docs/balancing.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` \\| .* \\| (.*) \\|$")
	param := regexp.MustCompile("`([A-Za-z0-9_]+)`(?: \\(([^)]*)\\))?")
	var names []string
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		names = append(names, m[1])
		info, ok := Lookup(m[1])
		if !ok {
			continue
		}
		cell := m[2]
		var got []string
		for _, pm := range param.FindAllStringSubmatch(cell, -1) {
			got = append(got, pm[1])
			for _, p := range info.Params {
				if p.Name == pm[1] && pm[2] != "" && !strings.HasPrefix(pm[2], p.Default) {
					t.Errorf("docs/balancing.md: %s's %s defaults to %q, the registry to %q", m[1], p.Name, pm[2], p.Default)
				}
			}
		}
		var want []string
		for _, p := range info.Params {
			want = append(want, p.Name)
		}
		if !slices.Equal(got, want) && !(len(want) == 0 && strings.TrimSpace(cell) == "—") {
			t.Errorf("docs/balancing.md: %s's parameters %q, the registry's %q", m[1], got, want)
		}
	}
	if !slices.Equal(names, Names()) {
		t.Errorf("docs/balancing.md's table lists the methods %v, the registry %v: one row a method, in Order", names, Names())
	}
}

package check

import (
	"encoding/xml"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"io"
	"math"
	"strconv"
)

// JUnit XML, the format every CI system reads: one test suite per kind of
// check; in "points" one test case per metric × grid point (classname the
// metric, name the point), each regression a <failure>.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes rep as JUnit XML to path (atomically); name names the
// study ("quickstart").
func WriteJUnit(path, name string, rep *CheckReport) error {
	return table.WriteFileAtomic(path, func(w io.Writer) error { return writeJUnit(w, name, rep) })
}

func writeJUnit(w io.Writer, name string, rep *CheckReport) error {
	top := junitSuites{Name: "lossexp check " + name}
	add := func(s *junitSuite, c junitCase) {
		s.Tests++
		if c.Failure != nil {
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	pts := junitSuite{Name: name + ".points"}
	for _, p := range rep.Points {
		c := junitCase{Classname: name + "." + p.Metric, Name: p.Label,
			SystemOut: fmt.Sprintf("baseline %s, now %s, delta %s, band %s, %s", num(p.Base), num(p.New), num(p.Delta), num(p.Band), betterWords(p.Better))}
		if p.Regressed {
			c.Failure = &junitFailure{Type: "regression", Message: fmt.Sprintf("%s at %s: %s", p.Metric, p.Label, p.Note), Text: c.SystemOut}
		}
		add(&pts, c)
	}
	bal := junitSuite{Name: name + ".balance"}
	for _, b := range rep.Balance {
		c := junitCase{Classname: name + ".balance." + b.Term, Name: b.Which,
			SystemOut: fmt.Sprintf("baseline λ=%s, now λ=%s", num(b.Base), num(b.New))}
		if b.Regressed {
			c.Failure = &junitFailure{Type: "regression", Message: fmt.Sprintf("%s of %s: %s", b.Which, b.Term, b.Note), Text: c.SystemOut}
		}
		add(&bal, c)
	}
	fr := junitSuite{Name: name + ".fronts"}
	for _, f := range rep.Fronts {
		c := junitCase{Classname: name + ".front", Name: f.Term + " (" + f.Task + " vs " + f.Metric + ")",
			SystemOut: fmt.Sprintf("hypervolume baseline %.4f, now %.4f; ε %.4f", f.Base, f.New, f.Epsilon)}
		if f.Regressed {
			c.Failure = &junitFailure{Type: "regression", Message: "front of " + f.Term + ": " + f.Note, Text: c.SystemOut}
		}
		add(&fr, c)
	}
	for _, s := range []junitSuite{pts, bal, fr} {
		if s.Tests == 0 {
			continue
		}
		top.Tests += s.Tests
		top.Failures += s.Failures
		top.Suites = append(top.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(top); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func num(v float64) string {
	if math.IsNaN(v) {
		return "none"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

func betterWords(b string) string {
	switch b {
	case "higher", "lower":
		return b + " is better"
	}
	return "two-sided"
}

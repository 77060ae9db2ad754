package table

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/lossexp/lossexp/internal/saferead"
)

// Answer is what a study found, in a form to print at the end of a sweep
// or encode as JSON: the balance points of every swept term (from
// balance.csv) and where the report is.
type Answer struct {
	TaskMetric string `json:"task_metric"`           // the metric the points are chosen on; "" = none had values
	TaskBetter string `json:"task_better,omitempty"` // higher | lower
	// TestMetric is the task metric on the test split when the points
	// are chosen on another split ("" otherwise): each point's TestMean
	// is the estimate to quote.
	TestMetric string       `json:"test_metric,omitempty"`
	Terms      []TermAnswer `json:"terms"`
	Report     string       `json:"report,omitempty"` // path of report.html; "" when absent
}

// TermAnswer holds the balance points of one swept term on one slice.
type TermAnswer struct {
	Term       string      `json:"term"`
	Fixed      string      `json:"fixed,omitempty"` // the other swept terms' λ on the slice ("l2=0")
	Best       AnswerPoint `json:"lambda_best"`
	OneSE      AnswerPoint `json:"lambda_1se"`
	Knee       AnswerPoint `json:"knee"`
	Overshadow AnswerPoint `json:"lambda_overshadow"`
	// LeftOut names the grid points of the slice left out of every choice
	// and why ("λ=1 (all 3 runs failed)"), from balance.csv's note; ""
	// when none.
	LeftOut string `json:"left_out,omitempty"`
	// PartlyFailed names the grid points of the slice that take part
	// although some of their runs failed ("λ=1: 1 of 3 runs failed"),
	// from balance.csv's note; "" when none.
	PartlyFailed string `json:"partly_failed,omitempty"`
	// Stability says how sure λ_best, λ_1se and the knee are, from
	// stability.csv (answer_stability.go); none without it.
	Stability []AnswerStability `json:"stability,omitempty"`
}

// AnswerPoint is one balance point; Lambda is nil when it is undefined
// and Note then says why.
type AnswerPoint struct {
	Lambda   *float64 `json:"lambda"`
	TaskMean *float64 `json:"task_mean,omitempty"`
	TaskSE   *float64 `json:"task_se,omitempty"`
	TestMean *float64 `json:"test_mean,omitempty"`
	N        int      `json:"n,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// ReadAnswer reads the answer of the study in dir from its balance.csv
// (written by Render). A folder without balance.csv has an empty answer.
func ReadAnswer(dir string) (*Answer, error) {
	a := &Answer{Terms: []TermAnswer{}}
	if _, err := os.Stat(filepath.Join(dir, HTMLFile)); err == nil {
		a.Report = filepath.Join(dir, HTMLFile)
	}
	f, err := saferead.Open(filepath.Join(dir, BalanceFile))
	if errors.Is(err, os.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	defer f.Close() // read-only
	if err := a.readBalance(f); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, BalanceFile), err)
	}
	if err := a.readStability(dir); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Answer) readBalance(r io.Reader) error {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return err
	}
	if len(rows) == 0 || !slices.Equal(rows[0], BalanceHeader) {
		return fmt.Errorf("header is not %s", strings.Join(BalanceHeader, ","))
	}
	num := func(s string) (*float64, error) {
		if s == "" {
			return nil, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, err
		}
		return &v, nil
	}
	noteCol, testCol := slices.Index(BalanceHeader, "note"), slices.Index(BalanceHeader, "test_metric")
	for i, row := range rows[1:] {
		term, fixed, point := row[0], row[1], row[2]
		a.TaskMetric, a.TaskBetter = row[4], row[5]
		if len(a.Terms) == 0 || a.Terms[len(a.Terms)-1].Term != term || a.Terms[len(a.Terms)-1].Fixed != fixed {
			a.Terms = append(a.Terms, TermAnswer{Term: term, Fixed: fixed})
		}
		ta := &a.Terms[len(a.Terms)-1]
		var p *AnswerPoint
		switch point {
		case BalanceBest:
			p = &ta.Best
		case Balance1SE:
			p = &ta.OneSE
		case BalanceKnee:
			p = &ta.Knee
		case BalanceOvershadow:
			p = &ta.Overshadow
		default:
			return fmt.Errorf("row %d: unknown point %q", i+2, point)
		}
		var note string
		note, ta.PartlyFailed = splitPartlyFailed(row[noteCol])
		p.Note, ta.LeftOut = splitLeftOut(note)
		a.TestMetric = row[testCol]
		var errs [4]error
		p.Lambda, errs[0] = num(row[3])
		p.TaskMean, errs[1] = num(row[6])
		p.TaskSE, errs[2] = num(row[7])
		p.TestMean, errs[3] = num(row[testCol+1])
		if err := errors.Join(errs[:]...); err != nil {
			return fmt.Errorf("row %d: %w", i+2, err)
		}
		if row[8] != "" {
			if p.N, err = strconv.Atoi(row[8]); err != nil {
				return fmt.Errorf("row %d: n: %w", i+2, err)
			}
		}
	}
	return nil
}

// WriteText prints the answer for a reader: one line per swept term with
// its four balance points ("-" where undefined), a line per term naming
// the grid points left out of the choice, then the report's path.
func (a *Answer) WriteText(w io.Writer) error {
	if len(a.Terms) > 0 {
		if a.TaskMetric == "" {
			fmt.Fprintln(w, "no balance points: no task metric has values")
		} else {
			fmt.Fprintf(w, "balance points, chosen on %s (%s is better)", a.TaskMetric, a.TaskBetter)
			if strings.HasPrefix(a.TaskMetric, "test.") {
				fmt.Fprint(w, ", on the test split as report.select_on: test asks (the test score at these λ is optimistic)")
			}
			if a.TestMetric != "" {
				fmt.Fprintf(w, ", %s there in parentheses", a.TestMetric)
			}
			fmt.Fprintln(w, ":")
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			for _, t := range a.Terms {
				fmt.Fprintf(tw, "  %s\tλ_best %s\tλ_1se %s\tknee %s\tλ_overshadow %s\n", t.label(),
					t.Best.text(), t.OneSE.text(), t.Knee.text(), t.Overshadow.text())
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, t := range a.Terms {
				if t.LeftOut != "" {
					fmt.Fprintf(w, "  %s: left out of the choice: %s\n", t.label(), t.LeftOut)
				}
				if t.PartlyFailed != "" {
					fmt.Fprintf(w, "  %s: some runs failed, the mean is over the others: %s\n", t.label(), t.PartlyFailed)
				}
				for _, st := range t.Stability {
					fmt.Fprintf(w, "  %s: %s\n", t.label(), st.Line)
				}
			}
		}
	}
	if a.Report != "" {
		_, err := fmt.Fprintf(w, "report: %s\n", a.Report)
		return err
	}
	return nil
}

// label names the term and its slice: "l2 (l1=0)".
func (t TermAnswer) label() string {
	if t.Fixed != "" {
		return t.Term + " (" + t.Fixed + ")"
	}
	return t.Term
}

func (p AnswerPoint) text() string {
	if p.Lambda == nil {
		return "-"
	}
	t := strconv.FormatFloat(*p.Lambda, 'g', 4, 64)
	if p.TestMean != nil {
		t += " (" + strconv.FormatFloat(*p.TestMean, 'g', 3, 64) + ")"
	}
	return t
}

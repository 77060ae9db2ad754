package cmd

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/study"
)

// CompareOptions are the settings of `lossexp compare`.
type CompareOptions struct {
	IO   *IO
	A, B string
	Out  string // output folder ("": results/compare-<a>-<b>)
	JSON bool   // print the comparison as JSON on standard output
}

func newCmdCompare(streams *IO, runF func(context.Context, *CompareOptions) error) *cobra.Command {
	opts := &CompareOptions{IO: streams}
	c := &cobra.Command{
		Use:     "compare A B",
		Short:   "Compare two studies whose λ grids overlap: means, paired differences B − A, balance points, figures",
		Long:    compareLong,
		Example: compareExample,
		Args:    cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.A, opts.B = args[0], args[1]
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return compareRun(c.Context(), opts)
		},
	}
	c.Flags().StringVarP(&opts.Out, "out", "o", "", "output folder (default results/compare-<a>-<b>, a and b the folders' names)")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the comparison (balance points, per-metric rows) as one JSON document on standard output")
	return c
}

const compareLong = `Compare two results folders A and B (B − A) at the grid points both have
(the same λ of every term; a term one study does not sweep is at λ = 0
there) on the metrics both have (the same split.name). Neither folder is
written or locked: a sweep still running there goes on, and its stored
runs are compared ("k of n runs").

Writes into --out (default results/compare-<a>-<b>/):

  compare.csv            per metric and common point: both means with 95% CI
                         and n, B − A, and its test: paired t-test where runs
                         pair (same seed, repeat and fold), else Welch's;
                         p and p_holm (Holm over the points of the metric)
  compare_<metric>.png   the metric against λ, both studies with their bands
  compare_tradeoff.png   both trade-off fronts (task metric against the
                         term's metric; one file per term when several)
  compare.html           balance points side by side, the figures, the table

Exit status: 0 done, 2 when the folders cannot be compared (not a results
folder, no λ besides λ = 0 in common, no metric in common) or --out is A,
B, inside them, or a folder with other files. See docs/compare.md.`

const compareExample = `  lossexp compare results/quickstart results/quickstart-small
  lossexp compare results/a results/b --out results/a-vs-b --json`

func compareRun(ctx context.Context, o *CompareOptions) error {
	c, err := study.Compare(ctx, o.A, o.B, o.Out)
	if err != nil {
		return err
	}
	if o.JSON {
		for _, n := range c.Notes {
			fmt.Fprintf(o.IO.Err, "note: %s\n", n)
		}
		fmt.Fprintf(o.IO.Err, "wrote %s to %s\n", plural(len(c.Files), "file"), c.Out)
		return writeJSON(o.IO.Out, c.Comparison)
	}
	printCompare(o.IO.Out, c)
	return nil
}

// printCompare prints what was compared, the balance points side by
// side and per metric the points where B differs from A after Holm.
func printCompare(out io.Writer, c *study.Compared) {
	fmt.Fprintf(out, "compare A = %s with B = %s: %s, %s\n", c.A.Title(), c.B.Title(),
		plural(len(c.Rows)/max(1, len(c.Metrics)), "common grid point"), plural(len(c.Metrics), "metric"))
	for _, n := range c.Notes {
		fmt.Fprintf(out, "note: %s\n", termSafe(n))
	}
	lo := c.LeftOut
	for _, l := range []struct {
		what string
		v    []string
	}{{"grid points only in A", lo.PointsA}, {"grid points only in B", lo.PointsB}, {"metrics only in A", lo.MetricsA}, {"metrics only in B", lo.MetricsB}, {"metrics without values in one", lo.NoValues}} {
		if len(l.v) > 0 {
			fmt.Fprintf(out, "left out, %s: %s\n", l.what, firstFew(l.v, 6))
		}
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nterm\tpoint\tA\tB")
	for _, b := range c.Balance {
		name := b.Term
		if b.Fixed != "" {
			name += " (" + b.Fixed + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", termSafe(name), termSafe(b.Point), lam(b.A), lam(b.B))
	}
	tw.Flush()
	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, m := range c.Metrics {
		n, sig := 0, 0
		for _, r := range c.Rows {
			if r.Metric == m {
				n++
				if r.PHolm < 0.05 {
					sig++
				}
			}
		}
		fmt.Fprintf(tw, "%s\tB differs from A at %d of %d points (p_holm < 0.05)\n", termSafe(m), sig, n)
	}
	tw.Flush()
	fmt.Fprintf(out, "wrote %s to %s\n", plural(len(c.Files), "file"), c.Out)
}

// firstFew joins the first n of l, saying how many there are in all.
func firstFew(l []string, n int) string {
	s := ""
	for i, v := range l {
		if i == n {
			return s + fmt.Sprintf("; … (%d in all)", len(l))
		}
		if i > 0 {
			s += "; "
		}
		s += termSafe(v)
	}
	return s
}

// termSafe returns s as it is when every rune prints, else quoted (Go
// syntax): a metric or term name comes from the studies' files, and a
// newline, tab or terminal escape in one would break the printed table
// or reach the terminal (the files compare writes are escaped apart). A
// byte that is not UTF-8 (0x9b, a terminal's 8-bit CSI) does not print
// either.
func termSafe(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 && utf8.ValidString(s) {
		return s
	}
	return strconv.Quote(s)
}

package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/study"
)

func newCmdTerms(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "terms",
		Short: "List the task losses and the loss terms a spec can add",
		Long: `List every task loss (loss.task) and every added term kind (loss.terms[].kind)
with one line of meaning, its inline parameters and the metrics it adds,
then the balancing methods (loss.balance, sweep.balance) and their
parameters.`,
		Example: `  lossexp terms`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			w := tabwriter.NewWriter(streams.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "TASK LOSS\tMEANING")
			for _, t := range lossterms.TaskLosses() {
				fmt.Fprintf(w, "%s\t%s\n", t.Name, t.Summary)
			}
			fmt.Fprintln(w)
			fmt.Fprintln(w, "TERM\tFAMILY\tMEANING")
			for _, i := range lossterms.Catalogue() {
				fmt.Fprintf(w, "%s\t%s\t%s\n", i.Kind, i.Family, i.Summary)
				for _, p := range i.Params {
					fmt.Fprintf(w, "\t\t  %s: %s (default %s)\n", p.Name, p.Meaning, p.Default)
				}
				if len(i.Metrics) > 0 {
					names := make([]string, len(i.Metrics))
					for k, m := range i.Metrics {
						names[k] = m.Pattern
					}
					fmt.Fprintf(w, "\t\t  metrics: %s\n", strings.Join(names, ", "))
				}
			}
			fmt.Fprintln(w)
			fmt.Fprintln(w, "BALANCING METHOD\t\tMEANING (loss.balance, sweep.balance)")
			for _, m := range study.BalanceMethods() {
				fmt.Fprintf(w, "%s\t\t%s\n", m.Name, m.Summary)
				for _, p := range m.Params {
					fmt.Fprintf(w, "\t\t  %s: %s (default %s)\n", p.Name, p.Meaning, p.Default)
				}
			}
			return w.Flush()
		},
	}
}

func newCmdMetrics(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "metrics",
		Short: "List the metrics runs.csv and summary.csv report",
		Long: `List every metric: the one metric table every sweep's columns, the
report's directions and "lossexp check" are drawn from. Split metrics are
named <split>.<metric> with split = train, validation (when the spec has
one) or test; model-level metrics have no prefix. TERM is the term kind
whose metric it is ("-": the trainer reports it for every run whose data
supports it).`,
		Example: `  lossexp metrics`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			w := tabwriter.NewWriter(streams.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "METRIC\tTASK\tBETTER\tTERM\tMEANING (COMPUTED BY)")
			for _, m := range study.MetricCatalogue() {
				task, better, term := m.Task, m.Better, m.Term
				if task == "" {
					task = "any"
				}
				if better == "" {
					better = "-"
				}
				if term == "" {
					term = "-"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s (%s)\n", m.Name, task, better, term, m.Meaning, m.How)
			}
			return w.Flush()
		},
	}
}

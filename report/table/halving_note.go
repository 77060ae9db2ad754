package table

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/saferead"
)

// halvingNote says, for a sweep.halving study whose runs.csv holds pruned
// runs, how many grid points reached the full budget and which were
// pruned at which budget, and that every table, figure and balance point
// uses the full budget's runs alone: without it a reader of the report
// would not know that, say, "no λ in the grid is worse than λ = 0" was
// said of the kept points only. "" when nothing was pruned (or runs.csv
// has no budget column).
func halvingNote(dir string, full int) (string, error) {
	f, err := saferead.Open(filepath.Join(dir, RunsFile))
	if err != nil {
		return "", err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return "", nil // the tables' own reader says what is wrong
	}
	status, budget := slices.Index(head, "status"), slices.Index(head, "budget")
	var lamCols []int
	var terms []string
	for i, h := range head {
		if strings.HasPrefix(h, LambdaPrefix) {
			lamCols, terms = append(lamCols, i), append(terms, strings.TrimPrefix(h, LambdaPrefix))
		}
	}
	if status < 0 || budget < 0 || len(lamCols) == 0 {
		return "", nil
	}
	prunedAt := map[string]int{} // point label → the largest budget it was pruned at
	kept := map[string]bool{}
	var order []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil
		}
		parts := make([]string, len(lamCols))
		for k, c := range lamCols {
			v, err := strconv.ParseFloat(rec[c], 64)
			if err != nil {
				parts[k] = terms[k] + "=" + rec[c]
				continue
			}
			parts[k] = terms[k] + "=" + FormatLambda(v)
		}
		label := strings.Join(parts, ", ")
		if rec[status] != experiments.StatusPruned {
			kept[label] = true
			continue
		}
		b, _ := strconv.Atoi(rec[budget])
		if _, seen := prunedAt[label]; !seen {
			order = append(order, label)
		}
		prunedAt[label] = max(prunedAt[label], b)
	}
	var pruned []string
	for _, l := range order {
		if !kept[l] {
			pruned = append(pruned, fmt.Sprintf("%s after %d", l, prunedAt[l]))
		}
	}
	if len(pruned) == 0 {
		return "", nil
	}
	budgetText := ""
	if full > 0 {
		budgetText = fmt.Sprintf(" of %d epochs", full)
	}
	return fmt.Sprintf("successive halving (sweep.halving): %d of %d grid points reached the full budget%s; pruned, with the epochs they reached: %s. The tables, figures and balance points use the full budget's runs alone (the pruned runs are in runs.csv with status pruned): a pruned λ ranked below the kept ones at its rung, so it is in none of them, λ_overshadow included.",
		len(kept), len(kept)+len(pruned), budgetText, strings.Join(pruned, "; ")), nil
}

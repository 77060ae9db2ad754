package dataset

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// maxCellEcho is how much of a cell a message quotes: a 1 MB cell must not
// become a 1 MB error.
const maxCellEcho = 60

// quoteCell quotes a cell (or a column name) for a message, cut to
// maxCellEcho bytes on a rune boundary with its length said.
func quoteCell(v string) string {
	if len(v) <= maxCellEcho {
		return strconv.Quote(v)
	}
	cut := maxCellEcho
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", v[:cut], len(v))
}

// checkClassLabel refuses a class label that is a number but not a class:
// a non-finite one (-Inf, NaN) or a fraction (0.5), which a classification
// task would otherwise take as one more class. Names ("yes", "setosa") and
// whole numbers ("0", "3", "1.0") are classes.
func checkClassLabel(v string) error {
	x, err := strconv.ParseFloat(v, 64)
	if err != nil && !isRangeErr(err) {
		return nil // a name
	}
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return fmt.Errorf("class label %s is not a finite number: a classification target holds class names or whole-number codes", quoteCell(v))
	case x != math.Trunc(x):
		return fmt.Errorf("class label %s is not a whole number: a classification target holds class names or whole-number codes; for a numeric target set dataset.task: regression", quoteCell(v))
	}
	return nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

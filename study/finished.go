package study

import "fmt"

// finishedKept says where the runs that finished before a stop are kept,
// in words that agree with their number: "no run finished", "the 1 run
// finished is kept in DIR", "the 3 runs finished are kept in DIR".
func finishedKept(n int, storeDir string) string {
	switch n {
	case 0:
		return "no run finished"
	case 1:
		return "the 1 run finished is kept in " + storeDir
	}
	return fmt.Sprintf("the %d runs finished are kept in %s", n, storeDir)
}

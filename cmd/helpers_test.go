package cmd

import (
	"encoding/csv"
	"os"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

type cobraCommand = cobra.Command

func newTestViper() *viper.Viper { return viper.New() }

// readTable reads the CSV file at path: its rows (header first) and the
// column index of every header name.
func readTable(t *testing.T, path string) (rows [][]string, col map[string]int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err = csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %d rows, %v", path, len(rows), err)
	}
	col = map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	return rows, col
}

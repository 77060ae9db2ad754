package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/lossexp/lossexp/sweep"
)

// storeSegments returns the segment files of out's run store.
func storeSegments(t *testing.T, out string) []string {
	t.Helper()
	return mustGlob(t, filepath.Join(out, sweep.StoreDir, "seg-*.jsonl"))
}

// segmentLines reads the one segment of out's run store: its path, its
// header line and its record lines (each with its newline).
func segmentLines(t *testing.T, out string) (path string, header []byte, recs [][]byte) {
	t.Helper()
	segs := storeSegments(t, out)
	if len(segs) != 1 {
		t.Fatalf("%d segments in %s, want 1", len(segs), out)
	}
	b, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return segs[0], lines[0], lines[1:]
}

// writeSegment rewrites a segment from its header and record lines (test
// surgery: lossexp itself never rewrites one).
func writeSegment(t *testing.T, path string, header []byte, recs [][]byte) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Join(append([][]byte{header}, recs...), nil), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineID returns the run id of a record line.
func lineID(line []byte) string {
	const p = `{"run_id":"`
	if !bytes.HasPrefix(line, []byte(p)) {
		return ""
	}
	rest := line[len(p):]
	return string(rest[:bytes.IndexByte(rest, '"')])
}

package command

import (
	"bytes"

	"github.com/lossexp/lossexp/internal/saferead"
)

// liveTail is how much of the end of a metrics.jsonl LastEpoch reads.
const liveTail = 64 << 10

// LastEpoch returns the values of the last complete epoch line of the
// metrics.jsonl at path, as a running trainer has written it so far
// (`lossexp status`): the last line ending in a newline, among the file's
// last 64 KiB, that the protocol reads as an epoch line. ok is false when
// there is none yet (or the file is absent). It only reads the file.
func LastEpoch(path string) (values map[string]float64, ok bool) {
	f, err := saferead.Open(path) // a named pipe there must not block the sweep's publisher
	if err != nil {
		return nil, false
	}
	defer f.Close() // read-only
	st, err := f.Stat()
	if err != nil {
		return nil, false
	}
	off := max(st.Size()-liveTail, 0)
	b := make([]byte, st.Size()-off)
	n, _ := f.ReadAt(b, off)
	b = b[:n]
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i] // a line being written is not read
	} else {
		return nil, false
	}
	for len(b) > 0 {
		line := b
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			line, b = b[i+1:], b[:i]
		} else {
			b = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		ln, _, epoch, err := parseLine(line)
		if err == nil && epoch {
			return ln.Values, true
		}
		if off > 0 && len(b) == 0 {
			break // the first line read may be cut
		}
	}
	return nil, false
}

package figure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/lossexp/lossexp/report/table"
)

// Writer writes the figures of one Render (or Plot) into dir. With
// one worker it draws and writes each figure when it is handed over, as
// before; with more, each is drawn on a goroutine of its own, at most
// workers at a time, while the caller goes on building the next. A
// figure's bytes depend only on the figure value, so the files are the
// same either way: the values handed over must not change afterwards
// (every figure function builds a new one per file).
type Writer struct {
	dir string
	Ctx context.Context // nil: never stops; else write refuses once ctx is done
	sem chan struct{}   // nil: write on the caller's goroutine
	wg  sync.WaitGroup

	mu     sync.Mutex
	next   int   // sequence number of the next figure handed over
	errSeq int   // sequence number of err's figure
	err    error // the error of the earliest failed figure
}

// NewWriter returns a writer into dir drawing up to workers figures
// at once; workers ≤ 1 writes them one after another on the caller's
// goroutine.
func NewWriter(dir string, workers int) *Writer {
	fw := &Writer{dir: dir}
	if workers > 1 {
		fw.sem = make(chan struct{}, workers)
	}
	return fw
}

// write writes fig as dir/name and appends the path to written. With
// workers it only starts the work (waiting first while workers figures are
// being drawn) and appends the path at once: the lists keep the order of
// the calls, and wait reports what failed.
func (fw *Writer) write(name string, fig io.WriterTo, written *[]string) error {
	path := filepath.Join(fw.dir, FigureFileName(name))
	if fw.Ctx != nil {
		if err := fw.Ctx.Err(); err != nil {
			return fmt.Errorf("report %s: stopped before %s: %w", fw.dir, name, err)
		}
	}
	if fw.sem == nil {
		if err := table.WriteFileAtomic(path, WriteTo(fig)); err != nil {
			return err
		}
		*written = append(*written, path)
		return nil
	}
	seq := fw.next
	fw.next++
	fw.sem <- struct{}{}
	fw.wg.Add(1)
	go func() {
		defer fw.wg.Done()
		if err := fw.drawThenWrite(path, fig); err != nil {
			fw.mu.Lock()
			if fw.err == nil || seq < fw.errSeq {
				fw.err, fw.errSeq = err, seq
			}
			fw.mu.Unlock()
		}
	}()
	*written = append(*written, path)
	return nil
}

// drawThenWrite draws fig into memory holding one of the workers' slots,
// which it then gives back, and writes the bytes to path: the file's
// sync and rename wait on the disk, not on a core, while the next figure
// is drawn (issue 28). A figure that cannot be drawn fails as the serial
// writer's would, through WriteFileAtomic.
func (fw *Writer) drawThenWrite(path string, fig io.WriterTo) error {
	var buf bytes.Buffer
	err := WriteTo(fig)(&buf)
	<-fw.sem
	if err != nil {
		return table.WriteFileAtomic(path, func(io.Writer) error { return err })
	}
	return table.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// wait returns when every figure handed over is written, with the error of
// the earliest one (in the order of the write calls) that failed: the one a
// serial writer would have stopped at.
func (fw *Writer) Wait() error {
	fw.wg.Wait()
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return fw.err
}

// MaxFileName is the longest figure file name FigureFileName returns, in
// bytes: file systems allow 255, and the temporary file of an atomic
// write adds about 16 (".<name>.tmp-<digits>").
const MaxFileName = 200

// FigureFileName turns a figure's name, built from metric, term and axis
// names (<metric>_vs_<term>.png), into the name of a file of the results
// folder: never a path. '/', '\\', '%' and control characters become %XX
// (so "val/acc_vs_l2.png" is "val%2Facc_vs_l2.png", and no two names
// meet), and a name too long for a file system keeps its start, then a
// hash of the whole, then its extension. Any other name, the names of
// every built-in metric, term and axis, comes back unchanged.
func FigureFileName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '/' || c == '\\' || c == '%' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	safe := b.String()
	// Never the folder itself or its parent: '.' is escaped nowhere
	// else, and a lone '%' is no escape, so no other name maps here.
	switch safe {
	case "":
		return "%"
	case ".", "..":
		return strings.Repeat("%2E", len(safe))
	}
	if len(safe) <= MaxFileName {
		return safe
	}
	ext := filepath.Ext(safe)
	if len(ext) > 8 {
		ext = ""
	}
	sum := sha256.Sum256([]byte(name))
	head := strings.ToValidUTF8(safe[:MaxFileName-len(ext)-17], "")
	return head + "-" + hex.EncodeToString(sum[:8]) + ext
}

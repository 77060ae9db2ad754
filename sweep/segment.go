package sweep

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
)

// # The run store
//
// A results folder's run store (StoreDir) holds every finished run in
// segment files, seg-<time>-<random>.jsonl: JSON lines, appended to by
// one process each and never rewritten. A process creates its own segment
// the first time it saves a run, so the shards of one sweep, on one
// machine or many sharing a file system, never write to the same file.
//
// The first line of a segment is its header (SegmentHeader): the terms,
// metric and curve columns of every record in it, so a record carries its
// values alone (about 300 bytes for a run without curves). Every other
// line is one run (segRecord), written with a single write call and
// ending in "checksum":"sha256:<hex>" of the bytes before it: a record
// cut short by a crash or a full disk, or edited by hand, fails it and is
// ignored (its run is retrained), whatever its position. The segment is
// synced at most once a second and when the store is closed: a process
// killed at any moment loses nothing it wrote; a power loss loses at most
// the last second, and the checksum tells.
//
// Opening a store reads every segment once, checking each checksum, and
// keeps an index sorted by run id (24 bytes a run: the only memory that
// grows with the number of runs); a run saved twice (retrained after a
// damaged record or a failure, or by two processes) is read from its
// newest segment. Two whole records of one run whose results differ are a
// Conflict: the newer is used, and the sweep and merge say so, naming
// both. A whole record that does not decode is a BadRecordError naming
// it and the cure.
//
// Records of lossexp 0.1 (one file per run, <run-id>.json, format 2) are
// still read; a store opened for writing moves them into its segment
// (migration) and removes the files.

// SegmentFormat is the version of the segment layout.
const SegmentFormat = 3

// segmentName matches a segment file.
var segmentName = regexp.MustCompile(`^seg-[0-9a-f]{16}-[0-9a-f]{8}\.jsonl$`)

// legacyName matches a record file of the one-file-per-run layout.
var legacyName = regexp.MustCompile(`^[0-9a-f]{16}\.json$`)

// IsStoreFile reports whether name (a file in StoreDir) is one lossexp
// writes there: a segment or a record of the one-file-per-run layout.
func IsStoreFile(name string) bool {
	return segmentName.MatchString(name) || legacyName.MatchString(name)
}

// SegmentHeader is a segment's first line.
type SegmentHeader struct {
	Segment     int      `json:"segment"` // SegmentFormat
	Terms       []string `json:"terms"`
	MetricNames []string `json:"metric_names"`
	CurveNames  []string `json:"curve_names"`
	Tool        string   `json:"tool_version,omitempty"`
	Checksum    string   `json:"checksum"`
}

func (h *SegmentHeader) same(terms, metrics, curves []string, tool string) bool {
	return slices.Equal(h.Terms, terms) && slices.Equal(h.MetricNames, metrics) && slices.Equal(h.CurveNames, curves) && h.Tool == tool
}

// segRecord is one run in a segment; the field order is the line's: run
// id and run base first, so the index reads them without decoding.
type segRecord struct {
	RunID        string         `json:"run_id"`
	RunBase      string         `json:"run_base"`
	SpecHash     string         `json:"spec_hash"`
	Point        int            `json:"point"`
	Repeat       int            `json:"repeat"`
	Seed         *uint64        `json:"seed,omitempty"` // absent in records of versions before issue 23
	Fold         int            `json:"fold,omitempty"`
	Lambdas      Floats         `json:"lambdas"`
	LambdaEff    Floats         `json:"lambda_eff,omitempty"`
	Status       string         `json:"status"`
	Reason       string         `json:"reason,omitempty"`
	Metrics      Floats         `json:"metrics"`
	ExtraNames   []string       `json:"extra_names,omitempty"`
	Extra        Floats         `json:"extra,omitempty"`
	Curves       []Floats       `json:"curves"`
	Seconds      float64        `json:"seconds"`
	EpochSeconds Floats         `json:"epoch_seconds"`
	EpochsTrain  int            `json:"epochs_trained,omitempty"` // a training command's (Record.EpochsTrained)
	Samples      *RecordSamples `json:"samples,omitempty"`
	Balance      *RecordBalance `json:"balance,omitempty"`
	Checksum     string         `json:"checksum"`
}

const sumKey = `,"checksum":"sha256:`

// sealLine turns the JSON object b (whose last field is "checksum":"")
// into a line whose checksum covers every byte before the field.
func sealLine(b []byte) []byte {
	empty := `,"checksum":""}`
	if !bytes.HasSuffix(b, []byte(empty)) {
		panic("sweep: record encoding does not end with its checksum")
	}
	body := b[:len(b)-len(empty)]
	h := sha256.Sum256(body)
	out := make([]byte, 0, len(body)+len(sumKey)+64+3)
	out = append(out, body...)
	out = append(out, sumKey...)
	out = hex.AppendEncode(out, h[:])
	return append(out, '"', '}', '\n')
}

// checkLine verifies a line (without its newline) sealed by sealLine.
func checkLine(line []byte) error {
	n := len(sumKey) + 64 + 2
	if len(line) < n+2 || !bytes.HasSuffix(line, []byte(`"}`)) || !bytes.Equal(line[len(line)-n:len(line)-n+len(sumKey)], []byte(sumKey)) {
		return fmt.Errorf("%w: no checksum at the end of the line (cut short?)", ErrChecksum)
	}
	body := line[:len(line)-n]
	h := sha256.Sum256(body)
	var want [32]byte
	if _, err := hex.Decode(want[:], line[len(line)-n+len(sumKey):len(line)-2]); err != nil || want != h {
		return fmt.Errorf("%w: the line was changed after it was written", ErrChecksum)
	}
	return nil
}

// entry locates one record in 24 bytes: the index holds one a run.
type entry struct {
	key  uint64 // runKey of the run id
	loc  uint64 // segment index + 1 (0: a <run-id>.json file) << 40 | byte offset of the line
	n    uint32 // line length without the newline; the top two bits: the run diverged, failed
	base uint32 // index in Store.bases
}

const (
	offBits     = 40
	divergedBit = 1 << 31
	failedBit   = 1 << 30
	statusBits  = divergedBit | failedBit
)

func mkEntry(key uint64, seg int32, off int64, n int, base int32, status string) entry {
	e := entry{key: key, loc: uint64(seg+1)<<offBits | uint64(off), n: uint32(n), base: uint32(base)}
	switch status {
	case experiments.StatusDiverged:
		e.n |= divergedBit
	case experiments.StatusFailed:
		e.n |= failedBit
	}
	return e
}

func (e entry) seg() int32     { return int32(e.loc>>offBits) - 1 }
func (e entry) off() int64     { return int64(e.loc & (1<<offBits - 1)) }
func (e entry) size() int      { return int(e.n &^ statusBits) }
func (e entry) diverged() bool { return e.n&divergedBit != 0 }
func (e entry) failed() bool   { return e.n&failedBit != 0 }

// lineStatus reads the status of a record line without decoding it: the
// first "status" key (every field before it is a number, a hex string or
// an array of numbers).
func lineStatus(b []byte) string {
	const k = `,"status":"`
	i := bytes.Index(b, []byte(k))
	if i < 0 {
		return ""
	}
	rest := b[i+len(k):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// runKey maps a run id to the index key: its 16 hex digits, else a hash
// (the record's own id is compared on load).
func runKey(id string) uint64 {
	if len(id) == 16 {
		if v, err := strconv.ParseUint(id, 16, 64); err == nil {
			return v
		}
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

type segment struct {
	name string
	hdr  *SegmentHeader
	f    *os.File // opened on first read
}

// Store is a results folder's run store (see the top of this file). Save
// and Load may be called from several goroutines at once.
type Store struct {
	dir string

	mu      sync.Mutex
	segs    []*segment
	bases   []string
	baseIdx map[string]int32
	index   []entry // sorted by key; the newest record of a key last
	pending []entry // saved since the index was last sorted
	legacy  map[uint64]string
	bad     int      // ignored lines (and segments) of unknown run
	badKeys []uint64 // run keys of the other ignored lines
	// conflicts: runs with two whole records of different results (see
	// Conflicts), found when the store is read.
	conflicts []Conflict

	// Writing.
	w       *os.File
	wseg    int32
	wsize   int64
	synced  time.Time
	wbroken error
}

// OpenStore opens the store in dir for reading and writing: it creates
// dir if needed, removes the temporary files of the one-file-per-run
// layout, reads the index and moves the records of that layout into a
// segment of this process.
func OpenStore(dir string) (*Store, error) { return openStore(dir, true) }

// OpenShardStore is OpenStore for a shard, whose folder other shards
// write at the same time: it removes no temporary file.
func OpenShardStore(dir string) (*Store, error) { return openStore(dir, false) }

func openStore(dir string, removeTemps bool) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create run store %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	if removeTemps {
		tmps, _ := atomicfile.GlobIn(dir, atomicfile.TempPattern)
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	s, err := readStore(dir)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(); err != nil {
		return nil, err
	}
	return s, nil
}

// ReadStore opens the store in dir for reading only: it creates and
// removes nothing (a missing folder is an empty store). Save on it
// creates the folder and a segment.
func ReadStore(dir string) (*Store, error) { return readStore(dir) }

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

func readStore(dir string) (*Store, error) {
	s := &Store{dir: dir, baseIdx: map[string]int32{}, wseg: -1, legacy: map[uint64]string{}}
	names, err := listDir(dir)
	if err != nil {
		return nil, err
	}
	for _, n := range names { // sorted: segments in the order they were made
		switch {
		case legacyName.MatchString(n):
			id := strings.TrimSuffix(n, ".json")
			s.index = append(s.index, mkEntry(runKey(id), -1, 0, 0, 0, ""))
			s.legacy[runKey(id)] = id
		case segmentName.MatchString(n):
			if err := s.scan(n); err != nil {
				return nil, err
			}
		}
	}
	// Legacy entries come first (older than any segment); stable sort
	// keeps the order of appearance among equal keys.
	slices.SortStableFunc(s.index, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	s.findConflicts()
	return s, nil
}

// A Conflict is a run whose store holds two whole records (both pass
// their checksums, neither failed) with different results: two trainings
// of one run id that disagree (a nondeterministic training command, or a
// record edited and resealed). The newer record is used; Kept and Dropped
// name each as "<segment path> line <n> (byte <offset>)".
type Conflict struct {
	ID            string
	Kept, Dropped string
}

func (c Conflict) String() string {
	return fmt.Sprintf("run %s has two stored records with different results: using the newer, %s, not %s", c.ID, c.Kept, c.Dropped)
}

// Conflicts returns the runs found with two whole records of different
// results when the store was read, one per run (the newest record
// against the one before it), in run-key order.
func (s *Store) Conflicts() []Conflict {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.conflicts)
}

// NoteConflicts writes a note to w for each of the first 5 conflicts of
// s (see Conflicts), and how many more there are.
func NoteConflicts(w io.Writer, s *Store) {
	cs := s.Conflicts()
	for i, c := range cs {
		if i == 5 {
			fmt.Fprintf(w, "note: %d more runs with two stored records of different results (the newer is used)\n", len(cs)-5)
			break
		}
		fmt.Fprintf(w, "note: %s\n", c)
	}
}

// findConflicts compares, for every run saved more than once, its newest
// record with the one before it. Only such runs are read (a rerun of a
// failed run, or the same run saved by two processes, is rare).
func (s *Store) findConflicts() {
	for i := 1; i < len(s.index); i++ {
		a, b := s.index[i-1], s.index[i]
		if a.key != b.key || (i+1 < len(s.index) && s.index[i+1].key == b.key) {
			continue // not a duplicate, or not the newest pair yet
		}
		if a.seg() < 0 || b.seg() < 0 || a.failed() || b.failed() {
			continue // a retried failed run is no conflict
		}
		ra, erra := s.readEntry(a)
		rb, errb := s.readEntry(b)
		if erra != nil || errb != nil || ra.RunID != rb.RunID {
			continue // unreadable records are reported when loaded
		}
		if ra.Status != rb.Status || !sameFloats(ra.Metrics, rb.Metrics) {
			s.conflicts = append(s.conflicts, Conflict{ID: rb.RunID, Kept: s.where(b), Dropped: s.where(a)})
		}
	}
}

// sameFloats reports whether a and b hold the same values bit for bit
// (NaN equal to NaN).
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

// readEntry reads and decodes the record at e (a segment's), without the
// store's lock or its open files.
func (s *Store) readEntry(e entry) (*Record, error) {
	sg := s.segs[e.seg()]
	f, err := os.Open(filepath.Join(s.dir, sg.name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, e.size())
	if _, err := f.ReadAt(b, e.off()); err != nil {
		return nil, err
	}
	return decodeLine(b, sg.hdr)
}

// where names the record at e: "<segment path> line <n> (byte <offset>)".
// The line is counted by reading the segment up to the record.
func (s *Store) where(e entry) string {
	path := filepath.Join(s.dir, s.segs[e.seg()].name)
	line := 1
	if f, err := os.Open(path); err == nil {
		r := bufio.NewReader(io.LimitReader(f, e.off()))
		for {
			b, err := r.ReadSlice('\n')
			if len(b) > 0 && b[len(b)-1] == '\n' {
				line++
			}
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		f.Close()
	}
	return fmt.Sprintf("%s line %d (byte %d)", path, line, e.off())
}

// A BadRecordError is a whole record (its checksum holds) whose content
// cannot be read: written by a lossexp whose records this one does not
// know, or edited and resealed. It names the record and the cure.
type BadRecordError struct {
	ID     string
	Where  string // "<segment path> line <n> (byte <offset>)"
	Path   string // the segment
	Others int    // the other runs recorded in that segment
	Err    error
}

func (e *BadRecordError) Error() string {
	return fmt.Sprintf("stored run %s, %s, passes its checksum but cannot be read: %v (written by another lossexp version, or edited and its checksum recomputed); "+
		"to go on, remove %s (its %d other runs are then retrained by the next sweep; the runs in other segments are kept), or sweep again with --fresh to retrain every run",
		e.ID, e.Where, e.Err, e.Path, e.Others)
}

func (e *BadRecordError) Unwrap() error { return e.Err }

// listDir returns the names in dir, sorted; a missing folder is empty.
func listDir(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read run store %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("read run store %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	sort.Strings(names)
	return names, nil
}

// openStoreFile opens a file of the store for reading: only a regular
// file (a named pipe would block, a link to /dev/zero never ends), with
// the cure for anything else.
func openStoreFile(path string) (*os.File, error) {
	f, err := saferead.Open(path)
	if errors.Is(err, saferead.ErrNotRegular) {
		return nil, fmt.Errorf("read run store: %w: lossexp writes only regular files there; remove it (rm %s) and run again (its runs, if any, are retrained)", err, path)
	}
	if err != nil {
		return nil, fmt.Errorf("read run store %s: %w", path, atomicfile.UnwrapPath(err))
	}
	return f, nil
}

// scan reads segment name into the index.
func (s *Store) scan(name string) error {
	f, err := openStoreFile(filepath.Join(s.dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var off int64
	var long []byte
	seg := int32(-1)
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) { // a long line (samples)
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil {
			if err != io.EOF {
				return fmt.Errorf("read run store %s: %w", filepath.Join(s.dir, name), atomicfile.UnwrapPath(err))
			}
			if len(line) > 0 { // no newline: cut short, or still being written
				s.ignore(line)
			}
			return nil
		}
		n := len(line)
		body := line[:n-1]
		if seg < 0 {
			hdr, err := parseHeader(body)
			if err != nil {
				s.bad++
				return nil // a segment without a readable header holds nothing
			}
			s.segs = append(s.segs, &segment{name: name, hdr: hdr})
			seg = int32(len(s.segs) - 1)
		} else if id, base, ok := lineIDs(body); ok && checkLine(body) == nil {
			s.index = append(s.index, mkEntry(runKey(id), seg, off, n-1, s.baseOf(base), lineStatus(body)))
		} else {
			s.ignore(body)
		}
		off += int64(n)
	}
}

// ignore notes a line that fails its checksum (or has no newline).
func (s *Store) ignore(line []byte) {
	if id, _, ok := lineIDs(line); ok {
		s.badKeys = append(s.badKeys, runKey(id))
		return
	}
	s.bad++
}

func parseHeader(b []byte) (*SegmentHeader, error) {
	if err := checkLine(b); err != nil {
		return nil, err
	}
	var h SegmentHeader
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, err
	}
	if h.Segment != SegmentFormat {
		return nil, fmt.Errorf("segment format %d, want %d", h.Segment, SegmentFormat)
	}
	return &h, nil
}

// lineIDs reads the run id and run base at the start of a record line.
func lineIDs(b []byte) (id, base string, ok bool) {
	const p1, p2 = `{"run_id":"`, `","run_base":"`
	if !bytes.HasPrefix(b, []byte(p1)) {
		return "", "", false
	}
	rest := b[len(p1):]
	i := bytes.IndexByte(rest, '"')
	if i < 0 || bytes.IndexByte(rest[:i], '\\') >= 0 || !bytes.HasPrefix(rest[i:], []byte(p2)) {
		return "", "", false
	}
	id = string(rest[:i])
	rest = rest[i+len(p2):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || bytes.IndexByte(rest[:j], '\\') >= 0 {
		return "", "", false
	}
	return id, string(rest[:j]), true
}

func (s *Store) baseOf(b string) int32 {
	if i, ok := s.baseIdx[b]; ok {
		return i
	}
	s.bases = append(s.bases, b)
	i := int32(len(s.bases) - 1)
	s.baseIdx[b] = i
	return i
}

// sortPending merges the entries saved since the last lookup into the
// index; s.mu is held.
func (s *Store) sortPending() {
	if len(s.pending) == 0 {
		return
	}
	slices.SortStableFunc(s.pending, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	if len(s.index) == 0 {
		s.index, s.pending = s.pending, nil
		return
	}
	merged := make([]entry, 0, len(s.index)+len(s.pending))
	i, j := 0, 0
	for i < len(s.index) || j < len(s.pending) {
		if j == len(s.pending) || (i < len(s.index) && s.index[i].key <= s.pending[j].key) {
			merged = append(merged, s.index[i])
			i++
		} else {
			merged = append(merged, s.pending[j])
			j++
		}
	}
	s.index, s.pending = merged, s.pending[:0]
}

// lookup returns the newest entries of key, newest last; s.mu is held.
func (s *Store) lookup(key uint64) []entry {
	s.sortPending()
	i := sort.Search(len(s.index), func(k int) bool { return s.index[k].key >= key })
	j := i
	for j < len(s.index) && s.index[j].key == key {
		j++
	}
	return s.index[i:j]
}

// ErrNoRecord reports that the store holds no record of a run.
var ErrNoRecord = errors.New("sweep: no stored record")

// Has reports whether the store holds a record of run id (whole, by its
// checksum; not necessarily one this sweep can use: see Usable).
func (s *Store) Has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.lookup(runKey(id))) > 0
}

// Usable reports whether the newest record of run id fits the sweep (see
// Record.Fits: not a failed run, the same run base and columns) without
// reading it, and so may be reused; a record of the one-file-per-run
// layout is read.
func (s *Store) Usable(id, base string, metrics, curves []string) bool {
	return s.fits(id, base, metrics, curves, true)
}

// Columns is Usable for a failed run's record too: the run base and the
// columns are this sweep's (a merge writes a failed run's row).
func (s *Store) Columns(id, base string, metrics, curves []string) bool {
	return s.fits(id, base, metrics, curves, false)
}

// fits is Usable (reuse: a failed run never fits) or Columns.
func (s *Store) fits(id, base string, metrics, curves []string, reuse bool) bool {
	s.mu.Lock()
	es := s.lookup(runKey(id))
	if len(es) == 0 {
		s.mu.Unlock()
		return false
	}
	e := es[len(es)-1]
	if e.seg() < 0 {
		s.mu.Unlock()
		rec, err := s.Load(id)
		if err != nil {
			return false
		}
		if reuse {
			return rec.Fits(base, metrics, curves)
		}
		return rec.Columns(base, metrics, curves)
	}
	h := s.segs[e.seg()].hdr
	ok := (!reuse || !e.failed()) && s.bases[e.base] == base && slices.Equal(h.MetricNames, metrics) && slices.Equal(h.CurveNames, curves)
	s.mu.Unlock()
	return ok
}

// Diverged reports whether the newest record of run id (a segment's)
// says the run diverged, without reading it.
func (s *Store) Diverged(id string) bool {
	s.mu.Lock()
	es := s.lookup(runKey(id))
	if len(es) == 0 {
		s.mu.Unlock()
		return false
	}
	e := es[len(es)-1]
	s.mu.Unlock()
	if e.seg() < 0 {
		rec, err := s.Load(id)
		return err == nil && rec.Status == experiments.StatusDiverged
	}
	return e.diverged()
}

// Load reads the newest record of run id. A missing record is
// ErrNoRecord; an unusable one an error naming the file.
func (s *Store) Load(id string) (*Record, error) {
	s.mu.Lock()
	es := s.lookup(runKey(id))
	var e entry
	found := false
	for k := len(es) - 1; k >= 0; k-- {
		if es[k].seg() >= 0 || s.legacy[es[k].key] == id {
			e, found = es[k], true
			break
		}
	}
	if !found {
		s.mu.Unlock()
		return nil, ErrNoRecord
	}
	if e.seg() < 0 {
		s.mu.Unlock()
		return s.loadLegacy(id)
	}
	sg := s.segs[e.seg()]
	if sg.f == nil {
		f, err := openStoreFile(filepath.Join(s.dir, sg.name))
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		sg.f = f
	}
	f := sg.f
	s.mu.Unlock()
	path := filepath.Join(s.dir, sg.name)
	b := make([]byte, e.size())
	if _, err := f.ReadAt(b, e.off()); err != nil {
		return nil, fmt.Errorf("read stored run %s in %s: %w", id, path, atomicfile.UnwrapPath(err))
	}
	rec, err := decodeLine(b, sg.hdr)
	if err != nil {
		if checkLine(b) != nil { // changed since the store was read
			return nil, fmt.Errorf("read stored run %s in %s at byte %d: %w", id, path, e.off(), err)
		}
		s.mu.Lock()
		others := -1
		for _, x := range s.index {
			if x.seg() == e.seg() {
				others++
			}
		}
		s.mu.Unlock()
		return nil, &BadRecordError{ID: id, Where: s.where(e), Path: path, Others: max(others, 0), Err: err}
	}
	if rec.RunID != id {
		return nil, ErrNoRecord // another id with the same key
	}
	return rec, nil
}

// decodeLine turns a record line of a segment with header h into a Record.
func decodeLine(b []byte, h *SegmentHeader) (*Record, error) {
	if err := checkLine(b); err != nil {
		return nil, err
	}
	var sr segRecord
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sr); err != nil {
		return nil, err
	}
	rec := &Record{
		Format: SegmentFormat, RunID: sr.RunID, RunBase: sr.RunBase, SpecHash: sr.SpecHash, Tool: h.Tool,
		Point: sr.Point, Repeat: sr.Repeat, Seed: sr.Seed, Fold: sr.Fold, Terms: h.Terms, Lambdas: sr.Lambdas, LambdaEff: sr.LambdaEff,
		Status: sr.Status, Reason: sr.Reason, MetricNames: h.MetricNames, Metrics: sr.Metrics, ExtraNames: sr.ExtraNames, Extra: sr.Extra,
		CurveNames: h.CurveNames, Curves: sr.Curves, Seconds: sr.Seconds, EpochSeconds: sr.EpochSeconds, EpochsTrained: sr.EpochsTrain,
		Samples: sr.Samples, Balance: sr.Balance, Checksum: sr.Checksum,
	}
	if err := rec.check(); err != nil {
		return nil, err
	}
	return rec, nil
}

// Path returns the file of run id in the one-file-per-run layout.
func (s *Store) legacyPath(id string) string { return filepath.Join(s.dir, id+".json") }

// loadLegacy reads <id>.json (format 2).
func (s *Store) loadLegacy(id string) (*Record, error) {
	path := s.legacyPath(id)
	f, err := openStoreFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoRecord
	}
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(f)
	f.Close() // read-only
	if err != nil {
		return nil, fmt.Errorf("read stored run %s: %w", path, atomicfile.UnwrapPath(err))
	}
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("read stored run %s: %w (delete the file, or sweep with --fresh)", path, err)
	}
	if err := rec.validate(id); err != nil {
		return nil, fmt.Errorf("read stored run %s: %w (delete the file, or sweep with --fresh)", path, err)
	}
	return &rec, nil
}

// migrate moves the records of the one-file-per-run layout into this
// process's segment, removing each file once its record is written there.
// A record that cannot be read stays where it is (Load reports it, and
// the sweep retrains the run).
func (s *Store) migrate() error {
	ids := make([]string, 0, len(s.legacy))
	for _, id := range s.legacy {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if s.newerThanLegacy(id) {
			os.Remove(s.legacyPath(id))
			continue
		}
		rec, err := s.loadLegacy(id)
		if err != nil {
			continue
		}
		if err := s.Save(rec); err != nil {
			return err
		}
	}
	return s.Sync()
}

// newerThanLegacy reports whether a segment holds a record of id.
func (s *Store) newerThanLegacy(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.lookup(runKey(id)) {
		if e.seg() >= 0 {
			return true
		}
	}
	return false
}

// syncEvery bounds how long a saved record stays unsynced.
const syncEvery = time.Second

// Save appends rec to this process's segment (created on the first save;
// a new one when rec's columns differ from the current segment's) with a
// single write. A failed write is cut off again, so the segment never
// holds a torn record followed by others.
func (s *Store) Save(rec *Record) error {
	if rec.RunID == "" {
		panic("sweep: Save of a record without a run id")
	}
	sr := segRecord{
		RunID: rec.RunID, RunBase: rec.RunBase, SpecHash: rec.SpecHash, Point: rec.Point, Repeat: rec.Repeat, Seed: rec.Seed, Fold: rec.Fold,
		Lambdas: rec.Lambdas, LambdaEff: rec.LambdaEff, Status: rec.Status, Reason: rec.Reason,
		Metrics: rec.Metrics, ExtraNames: rec.ExtraNames, Extra: rec.Extra, Curves: rec.Curves, Seconds: rec.Seconds, EpochSeconds: rec.EpochSeconds,
		EpochsTrain: rec.EpochsTrained, Samples: rec.Samples, Balance: rec.Balance,
	}
	if sr.Curves == nil {
		sr.Curves = []Floats{}
	}
	b, err := json.Marshal(&sr)
	if err != nil {
		return fmt.Errorf("encode run %s: %w", rec.RunID, err)
	}
	line := sealLine(b)
	if len(line) > 1<<30 {
		return fmt.Errorf("encode run %s: a record of %d bytes", rec.RunID, len(line))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wbroken != nil {
		return s.wbroken
	}
	if s.w == nil || !s.segs[s.wseg].hdr.same(rec.Terms, rec.MetricNames, rec.CurveNames, rec.Tool) {
		if err := s.newSegment(rec); err != nil {
			return err
		}
	}
	path := filepath.Join(s.dir, s.segs[s.wseg].name)
	if _, err := s.w.Write(line); err != nil {
		s.w.Truncate(s.wsize)
		s.w.Seek(s.wsize, io.SeekStart)
		return fmt.Errorf("save run %s to %s: %w", rec.RunID, path, atomicfile.UnwrapPath(err))
	}
	key := runKey(rec.RunID)
	if s.legacy[key] == rec.RunID {
		// The run's old file is superseded (migrated, or retrained
		// because it could not be read).
		os.Remove(s.legacyPath(rec.RunID))
		delete(s.legacy, key)
	}
	s.pending = append(s.pending, mkEntry(key, s.wseg, s.wsize, len(line)-1, s.baseOf(rec.RunBase), rec.Status))
	s.wsize += int64(len(line))
	if rec.logs != "" && rec.logs != s.LogDir(rec.RunID) {
		if err := moveDir(rec.logs, s.LogDir(rec.RunID)); err != nil {
			return fmt.Errorf("keep the logs of run %s: %w", rec.RunID, err)
		}
	}
	if time.Since(s.synced) >= syncEvery {
		if err := s.w.Sync(); err != nil {
			s.wbroken = fmt.Errorf("sync %s: %w", path, atomicfile.UnwrapPath(err))
			return s.wbroken
		}
		s.synced = time.Now()
	}
	return nil
}

// newSegment closes the current segment and starts another with rec's
// columns; s.mu is held.
func (s *Store) newSegment(rec *Record) error {
	if s.w != nil {
		if err := s.closeWriter(); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("create run store %s: %w", s.dir, atomicfile.UnwrapPath(err))
	}
	h := SegmentHeader{Segment: SegmentFormat, Terms: rec.Terms, MetricNames: rec.MetricNames, CurveNames: rec.CurveNames, Tool: rec.Tool}
	if h.Terms == nil {
		h.Terms = []string{}
	}
	b, err := json.Marshal(&h)
	if err != nil {
		return fmt.Errorf("encode segment header: %w", err)
	}
	line := sealLine(b)
	var f *os.File
	var name string
	for try := 0; ; try++ {
		var r [4]byte
		rand.Read(r[:])
		name = fmt.Sprintf("seg-%016x-%s.jsonl", time.Now().UnixNano(), hex.EncodeToString(r[:]))
		f, err = os.OpenFile(filepath.Join(s.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
		if err == nil || !errors.Is(err, fs.ErrExist) || try == 10 {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create segment in %s: %w", s.dir, atomicfile.UnwrapPath(err))
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.Name(), atomicfile.UnwrapPath(err))
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("sync %s: %w", f.Name(), atomicfile.UnwrapPath(err))
	}
	atomicfile.SyncDir(s.dir)
	hd, _ := parseHeader(line[:len(line)-1])
	s.segs = append(s.segs, &segment{name: name, hdr: hd})
	s.w, s.wseg, s.wsize, s.synced = f, int32(len(s.segs)-1), int64(len(line)), time.Now()
	return nil
}

// closeWriter syncs and closes the segment being written; s.mu is held.
func (s *Store) closeWriter() error {
	if s.w == nil {
		return nil
	}
	path := s.w.Name()
	err := s.w.Sync()
	if cerr := s.w.Close(); err == nil {
		err = cerr
	}
	s.w = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", path, atomicfile.UnwrapPath(err))
	}
	return nil
}

// Sync makes every record saved so far durable.
func (s *Store) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		return s.wbroken
	}
	if err := s.w.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", s.w.Name(), atomicfile.UnwrapPath(err))
	}
	s.synced = time.Now()
	return nil
}

// Close syncs and closes the store's files. The store stays readable
// (files are opened again on demand); a later Save starts a new segment.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.closeWriter()
	for _, sg := range s.segs {
		if sg.f != nil {
			sg.f.Close()
			sg.f = nil
		}
	}
	return err
}

// Count returns the number of runs the store holds a whole record of.
func (s *Store) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sortPending()
	n := 0
	for i, e := range s.index {
		if i == 0 || e.key != s.index[i-1].key {
			n++
		}
	}
	return n
}

// Ignored returns the number of records the store skipped when it was
// read (cut short by a crash, edited, or still being written by another
// process) and holds no whole record of since: a record torn by a kill
// and retrained later is not counted again. Segments without a readable
// header count too.
func (s *Store) Ignored() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.bad
	for _, k := range s.badKeys {
		if len(s.lookup(k)) == 0 {
			n++
		}
	}
	return n
}

// CountRecords returns the number of runs whose whole record the store in
// dir holds, reading it without changing anything (for tests and tools).
func CountRecords(dir string) int {
	s, err := ReadStore(dir)
	if err != nil {
		return 0
	}
	defer s.Close()
	return s.Count()
}

// Clear removes every record from the store (the folder stays).
func (s *Store) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeWriter()
	for _, sg := range s.segs {
		if sg.f != nil {
			sg.f.Close()
		}
	}
	names, err := listDir(s.dir)
	if err != nil {
		return err
	}
	for _, n := range names {
		if IsStoreFile(n) {
			if err := os.Remove(filepath.Join(s.dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("clear run store: %w", err)
			}
		}
	}
	s.segs, s.index, s.pending, s.legacy = nil, nil, nil, map[uint64]string{}
	s.wseg = -1
	return nil
}

// Import copies the record of run id from src into s unless s holds it
// already, and reports whether it copied. Has sorts the index when runs
// were saved since the last lookup: to copy many runs, decide first which
// s lacks, then Copy them.
func (s *Store) Import(src *Store, id string) (bool, error) {
	if s.Has(id) {
		return false, nil
	}
	return true, s.Copy(src, id)
}

// Copy saves the record of run id in src into s.
func (s *Store) Copy(src *Store, id string) error {
	rec, err := src.Load(id)
	if err != nil {
		return fmt.Errorf("copy stored run %s from %s: %w", id, src.Dir(), err)
	}
	return s.Save(rec)
}

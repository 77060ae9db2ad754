package study

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"unsafe"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/spec"
)

// countOpens watches path with inotify (the real kernel's count, no hook
// in lossexp) and returns a function that says how many times it has
// been opened since.
func countOpens(t *testing.T, path string) func() int {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	// The closes too: inotify merges an event with the one before it when
	// they are the same and unread, so two opens in a row would count one.
	if _, err := syscall.InotifyAddWatch(fd, path, syscall.IN_OPEN|syscall.IN_CLOSE); err != nil {
		t.Fatalf("inotify watch %s: %v", path, err)
	}
	n := 0
	return func() int {
		buf := make([]byte, 64*syscall.SizeofInotifyEvent)
		for {
			k, err := syscall.Read(fd, buf)
			if k <= 0 || err != nil {
				return n
			}
			for off := 0; off+syscall.SizeofInotifyEvent <= k; {
				ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
				if ev.Mask&syscall.IN_OPEN != 0 {
					n++
				}
				off += syscall.SizeofInotifyEvent + int(ev.Len)
			}
		}
	}
}

// memStudy writes memSpec with a CSV of rows rows (writeMemStudy) and
// returns the spec's path, text and parse, and the memory estimate of
// the sniff before the load (checkDataMemory on the files).
func memStudy(t *testing.T, rows int) (string, []byte, *spec.Spec, MemoryEstimate) {
	t.Helper()
	p := writeMemStudy(t, rows)
	text, _ := os.ReadFile(p)
	s, err := spec.Parse(bytes.NewReader(text), p)
	if err != nil {
		t.Fatal(err)
	}
	est, ok, err := checkDataMemory(s, experiments.Folders{}, Limits{Workers: 2}, nil)
	if !ok || err != nil {
		t.Fatalf("no estimate: %v", err)
	}
	return p, text, s, est
}

// TestPlan_SmallCSVReadOnce: a CSV file small enough that the look
// before the load (SniffData) would read it whole is opened and parsed
// once (issue 28: the sniff and the load parsed the bench's data twice);
// its memory is judged from the loaded table with the same estimate as
// the sniff gives. A larger file is still sniffed before it is loaded
// (TestPlan_MemoryRefusedBeforeReading: refused before it is read).
func TestPlan_SmallCSVReadOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rows  int
		opens int
	}{{"small", 400, 1}, {"larger than a look", 60_000, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			p, text, _, sniffed := memStudy(t, tc.rows)
			opens := countOpens(t, filepath.Join(filepath.Dir(p), "data.csv"))
			st, err := Plan(t.Context(), text, p, experiments.Folders{}, Limits{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if n := opens(); n != tc.opens {
				t.Errorf("data.csv opened %d times, want %d", n, tc.opens)
			}
			if st.Memory != sniffed {
				t.Errorf("memory estimate %+v, the sniff's %+v", st.Memory, sniffed)
			}
		})
	}
}

// TestPlan_SmallCSVMemoryRefused: a small file's study over --max-memory
// is refused as before, with the sniff's message.
func TestPlan_SmallCSVMemoryRefused(t *testing.T) {
	p, text, s, est := memStudy(t, 400)
	_, _, want := checkDataMemory(s, experiments.Folders{}, Limits{Workers: 2, MaxMemory: int64(est.Sweep) - 1}, nil)
	if want == nil {
		t.Fatal("the sniff path does not refuse a limit one byte under its estimate")
	}
	if _, err := Plan(t.Context(), text, p, experiments.Folders{}, Limits{Workers: 2, MaxMemory: int64(est.Sweep)}); err != nil {
		t.Errorf("limit equal to the estimate: %v", err)
	}
	_, err := Plan(t.Context(), text, p, experiments.Folders{}, Limits{Workers: 2, MaxMemory: int64(est.Sweep) - 1})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(want.Error())) {
		t.Errorf("limit one byte under: %v, want %v", err, want)
	}
}

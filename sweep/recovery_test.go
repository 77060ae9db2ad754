//go:build linux

package sweep

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
)

// recoveryEnv names the store folder TestStore_HalfWrittenRecordChild
// writes into; unset, that test does nothing.
const recoveryEnv = "LOSSEXP_TEST_RECOVERY_STORE"

// bigRecord is a record of a few KB (a long curve).
func bigRecord(id string) *Record {
	r := testRecord(id)
	r.Curves = make([]Floats, 400)
	for i := range r.Curves {
		r.Curves[i] = Floats{float64(i) + 0.123456789}
	}
	return r
}

// TestStore_WriteFailsHalfWay (issue 26): a record whose write stops half
// way (the file size limit: the kernel writes part of it, then refuses
// the rest) is cut off again, so the next Save of the same process lands
// on a line of its own: it reads back from the open store and from a
// fresh reading, and nothing is ignored. Run in a child process: the
// limit holds for the whole process.
func TestStore_WriteFailsHalfWay(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStore_HalfWrittenRecordChild$", "-test.v")
	cmd.Env = append(os.Environ(), recoveryEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "child: done") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	r, err := ReadStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Count() != 2 || !r.Has(hexID(1)) || r.Has(hexID(2)) || !r.Has(hexID(3)) || r.Ignored() != 0 {
		t.Errorf("after a half-written record: %d records (1 %v, 2 %v, 3 %v), %d ignored; want runs 1 and 3, none ignored\n%s",
			r.Count(), r.Has(hexID(1)), r.Has(hexID(2)), r.Has(hexID(3)), r.Ignored(), out)
	}
	rec, err := r.Load(hexID(3))
	if err != nil || len(rec.Curves) != 400 || rec.Curves[399][0] != 399.123456789 {
		t.Errorf("run 3 read back: %v", err)
	}
	segs := segmentFiles(t, dir)
	if len(segs) != 1 {
		t.Fatalf("%d segments, want 1", len(segs))
	}
	b, _ := os.ReadFile(segs[0])
	if n := strings.Count(string(b), "\n"); n != 3 || b[len(b)-1] != '\n' {
		t.Errorf("the segment has %d lines (want header and 2 records), ends in %q", n, b[len(b)-1])
	}
}

// TestStore_HalfWrittenRecordChild is TestStore_WriteFailsHalfWay's
// child: save run 1, limit the file size to 100 bytes more, save run 2
// (a few KB: cut half way), lift the limit, save run 3 and read it back.
func TestStore_HalfWrittenRecordChild(t *testing.T) {
	dir := os.Getenv(recoveryEnv)
	if dir == "" {
		t.Skip("the child of TestStore_WriteFailsHalfWay")
	}
	signal.Ignore(syscall.SIGXFSZ)
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(bigRecord(hexID(1))); err != nil {
		t.Fatal(err)
	}
	seg := segmentFiles(t, dir)[0]
	st, _ := os.Stat(seg)
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = uint64(st.Size()) + 100
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	err = s.Save(bigRecord(hexID(2)))
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if err == nil {
		t.Fatal("the save beyond the file size limit succeeded")
	}
	if s.Has(hexID(2)) {
		t.Errorf("the store lists the run whose save failed")
	}
	if err := s.Save(bigRecord(hexID(3))); err != nil {
		t.Fatalf("the save after the failed one: %v", err)
	}
	rec, err := s.Load(hexID(3))
	if err != nil || len(rec.Curves) != 400 {
		t.Fatalf("run 3 read back from the open store: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Println("child: done")
}

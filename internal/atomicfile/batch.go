package atomicfile

import (
	"path/filepath"
	"sync"
)

// deferred are the folders whose sync after each rename is deferred
// (DeferDirSync): for each, the deferrals open and whether a rename
// into it has happened since the first.
var deferred = struct {
	sync.Mutex
	dirs map[string]*dirBatch
}{dirs: map[string]*dirBatch{}}

type dirBatch struct {
	open    int
	renamed bool
}

// DeferDirSync defers the folder sync that follows each rename into dir
// (Write, Commit) until the returned function is called, which syncs dir
// once if anything was renamed into it meanwhile: a stage that writes
// many files into one folder (a report: its tables, figures and
// report.html) pays for one folder sync instead of one per file, each a
// journal commit (about 5–10 ms on the VMs of issue 28).
//
// Every file is still written to a temporary file, synced and renamed
// into place: after a crash, a file is the old one or the new one,
// whole, never a mix. Only the durability of the renames waits for the
// returned function, which the caller runs before it reports the files
// written (before a manifest lists them, before the command returns).
// Deferrals of one folder nest (the last one to end syncs); other
// folders are synced after each rename as before. Safe for concurrent
// writers.
func DeferDirSync(dir string) (flush func()) {
	key := filepath.Clean(dir)
	deferred.Lock()
	b := deferred.dirs[key]
	if b == nil {
		b = &dirBatch{}
		deferred.dirs[key] = b
	}
	b.open++
	deferred.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			deferred.Lock()
			b.open--
			last, renamed := b.open == 0, b.renamed
			if last {
				delete(deferred.dirs, key)
			}
			deferred.Unlock()
			if last && renamed {
				syncDir(key)
			}
		})
	}
}

// syncAfterRename makes a rename into dir durable now, or at the end of
// the deferral open for dir (DeferDirSync).
func syncAfterRename(dir string) {
	deferred.Lock()
	b := deferred.dirs[filepath.Clean(dir)]
	if b != nil {
		b.renamed = true
	}
	deferred.Unlock()
	if b == nil {
		syncDir(dir)
	}
}

// syncDir is SyncDir with the "syncdir" step announced to the test
// hook first (its error ignored, as SyncDir's: the file itself is
// synced), so that tests count the folder syncs.
func syncDir(dir string) {
	_ = step("syncdir", dir)
	SyncDir(dir)
}

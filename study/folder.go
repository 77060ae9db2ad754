package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/layout"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/spec"
	"github.com/lossexp/lossexp/sweep"
)

// Names in a results folder: every name is defined once, here or (for
// what the report stage reads and writes) in report, and used by name.
const (
	ManifestFile = "manifest.json"
	SpecFile     = layout.SpecFile
	LockFile     = ".lossexp.lock"
	RunsFile     = table.RunsFile
	SummaryFile  = table.SummaryFile
	CurvesFile   = table.CurvesFile
	TimingsFile  = table.TimingsFile
	BalanceFile  = table.BalanceFile
	PairedFile   = table.PairedFile
	CostFile     = table.CostFile
	HTMLFile     = table.HTMLFile
	StoreDir     = sweep.StoreDir // the run store
	ShardDir     = sweep.ShardDir // the shard manifests
	// CheckpointsDir holds a training command's checkpoint folders,
	// one per (grid point, repeat) (experiments/checkpoint.go).
	CheckpointsDir = layout.CheckpointsDir
)

// TableFiles are the tables a sweep writes from the run store, and
// ReportFiles what the report stage writes beside the figures.
var (
	TableFiles = []string{table.RunsFile, table.SummaryFile, table.CurvesFile, table.TimingsFile}
	// RunTableFiles are the tables WriteTables writes from the run store
	// (summary.csv is the report's).
	RunTableFiles = []string{table.RunsFile, table.CurvesFile, table.TimingsFile}
	ReportFiles   = []string{table.BalanceFile, table.PairedFile, table.StabilityFile, table.CostFile, table.MethodsFile, table.WeightsFile, table.HTMLFile}
)

// ExportFiles are what `lossexp export` writes into a results folder
// (the engine's job files), and ExportLogDir the folder the exported
// Slurm jobs write their logs into. They are lossexp's but not results:
// the shards accept a folder holding them, and --force keeps them.
const (
	ExportSlurmFile = "submit.sh"
	ExportK8sFile   = "job.yaml"
	ExportLogDir    = "slurm-logs"
)

var ExportFiles = []string{ExportSlurmFile, ExportK8sFile}

// knownFiles are the names lossexp writes in a results folder whatever
// the manifest says (a sweep killed before its manifest leaves them).
func knownFiles() []string {
	return slices.Concat(TableFiles, ReportFiles, []string{ManifestFile, SpecFile, LockFile, table.SamplesFile})
}

// Lock is a held lock on a results folder.
type Lock struct {
	f *os.File
}

var errWouldBlock = errors.New("study: lock held")

// LockFolder creates dir if needed and locks it for what (e.g. "sweep
// quickstart"): exclusively, or shared with other holders of a shared lock
// (the shards of one sweep). A folder another process holds is a
// *LockedError naming the holder. The lock is released by Unlock, or by
// the operating system when the process dies.
func LockFolder(dir, what string, exclusive bool) (*Lock, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, inputf("output folder %s is a file, not a folder", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, inputf("create output folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|oNoFollow, 0o644)
	if err != nil {
		if st, lerr := os.Lstat(path); lerr == nil && !st.Mode().IsRegular() {
			return nil, inputf("output folder %s: %s is not a file (a link?); lossexp never follows links in its results folder: remove it, or choose another --out", dir, path)
		}
		return nil, inputf("output folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	if err := flock(f, exclusive); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			b, _ := os.ReadFile(path)
			return nil, &LockedError{Dir: dir, Holder: strings.TrimSpace(string(b))}
		}
		return nil, inputf("lock output folder %s: %w", dir, err)
	}
	host, _ := os.Hostname()
	note := fmt.Sprintf("%s, pid %d on %s, since %s", what, os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(note+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// LockAccepted locks dir like LockFolder, but only once accept (which
// must not write) has accepted it: a folder accept refuses is left as it
// was, without a lock file. accept runs again under the lock, since
// another process may have changed the folder between the two looks: the
// second answer is the one that counts.
func LockAccepted(dir, what string, exclusive bool, accept func() error) (*Lock, error) {
	if err := accept(); err != nil {
		return nil, err
	}
	l, err := LockFolder(dir, what, exclusive)
	if err != nil {
		return nil, err
	}
	if err := accept(); err != nil {
		l.Unlock()
		return nil, err
	}
	return l, nil
}

// Unlock releases the lock (nil-safe).
func (l *Lock) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	l.f.Close() // closing the last descriptor releases a flock
	l.f = nil
}

// Inventory is what a results folder holds, sorted into what lossexp wrote
// there and what it did not.
type Inventory struct {
	Exists  bool
	Ours    []string // names (relative to the folder) lossexp wrote
	Foreign []string // everything else
	Records []string // files of the run store: segments, and records of the one-file-per-run layout (paths relative to the folder)
	Logs    []string // log folders of a training command's runs (runs/logs/<run-id>); their log files are in Ours, anything else in them in Foreign
	// Checkpoints are the checkpoint folders of a training command's
	// runs (checkpoints/p003-r01): lossexp's, whatever the trainer wrote
	// in them (removed whole, links in them removed, never followed).
	Checkpoints []string
	Scratch     bool     // runs/tmp is a folder: lossexp's scratch (see ScratchDir), whatever it holds
	Links       []string // symbolic links (or other non-regular files) where lossexp reads or writes: never followed, never removed; the folder is refused
	Results     bool     // the folder holds results (tables, records, shard manifests)
}

// Take stock of dir. A file is ours when the manifest lists it, when it is
// one of the names lossexp always writes in a folder that shows lossexp
// wrote it (sortByName), a run record or a shard
// manifest, a log file of a run, or a temporary file of an atomic write.
// Only regular files and real folders are ours: a symbolic link at a name
// lossexp uses is listed in Links, and nothing is ever read or removed
// through one (dir itself, named by the user, may be a link).
func takeInventory(dir string) (*Inventory, error) {
	inv := &Inventory{}
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return inv, nil // absent (or under a file): LockFolder creates it, or says why not
	}
	if err != nil {
		return nil, inputf("output folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	if !st.IsDir() {
		return nil, inputf("output folder %s is a file, not a folder", dir)
	}
	inv.Exists = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, inputf("output folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	listed, made := manifestListing(dir) // made: a manifest or the lock file of lossexp's
	known := knownFiles()
	var byName []string // regular files at a name lossexp writes, not in the manifest
	for _, e := range entries {
		n := e.Name()
		switch {
		case ownedName(n, listed, known) && !e.Type().IsRegular() && !e.IsDir():
			inv.Links = append(inv.Links, n)
		case isTemp(n) && e.Type().IsRegular(), n == LockFile:
			// lossexp's, but neither results nor worth naming
			made = made || n == LockFile && e.Type().IsRegular()
		case e.Type().IsRegular() && slices.Contains(ExportFiles, n), e.IsDir() && n == ExportLogDir:
			// export's: kept as they are (see ExportFiles)
		case n == sweep.StoreDir && e.IsDir():
			if err := inv.scanSub(dir, n, sweep.IsStoreFile); err != nil {
				return nil, err
			}
			if err := inv.scanLogs(dir); err != nil {
				return nil, err
			}
		case n == CheckpointsDir && e.IsDir():
			if err := inv.scanCheckpoints(dir); err != nil {
				return nil, err
			}
		case n == sweep.ShardDir && e.IsDir():
			if err := inv.scanSub(dir, n, func(name string) bool { return strings.HasPrefix(name, "shard-") && strings.HasSuffix(name, ".json") }); err != nil {
				return nil, err
			}
		case e.Type().IsRegular() && listed[n]:
			inv.addOurs(n)
		case e.Type().IsRegular() && slices.Contains(known, n):
			byName = append(byName, n)
		default:
			inv.Foreign = append(inv.Foreign, n)
		}
	}
	inv.sortByName(byName, made)
	return inv, nil
}

// manifestListing returns the files dir's manifest lists, and whether it
// is a manifest of lossexp's.
func manifestListing(dir string) (listed map[string]bool, made bool) {
	listed = map[string]bool{}
	m, err := ReadManifest(dir)
	if err != nil {
		return listed, false
	}
	for _, f := range m.Files {
		listed[f] = true
	}
	return listed, m.Tool != "" && m.RunBase != ""
}

// addOurs lists the top-level file n as lossexp's.
func (inv *Inventory) addOurs(n string) {
	inv.Ours = append(inv.Ours, n)
	if n != SpecFile {
		inv.Results = true
	}
}

// sortByName sorts the top-level files byName, named as lossexp's files
// are but not listed by a manifest: they are lossexp's only where the
// folder shows that lossexp wrote it (made: a manifest of lossexp's, or
// the lock file every command that writes a folder leaves there; or run
// records, shard manifests, run logs or checkpoints); else they are
// the user's (a summary.csv or spec.yaml of their own, kept before the
// first sweep), never removed nor overwritten.
func (inv *Inventory) sortByName(byName []string, made bool) {
	if made || inv.Results || len(inv.Logs) > 0 {
		for _, n := range byName {
			inv.addOurs(n)
		}
		return
	}
	inv.Foreign = append(inv.Foreign, byName...)
}

// scanSub sorts the entries of the sub-folder sub: names ours accepts are
// lossexp's (run records are listed in Records), the rest foreign.
func (inv *Inventory) scanSub(dir, sub string, ours func(string) bool) error {
	entries, err := os.ReadDir(filepath.Join(dir, sub))
	if err != nil {
		return inputf("output folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	for _, e := range entries {
		rel := filepath.Join(sub, e.Name())
		switch {
		case e.Type()&fs.ModeSymlink != 0 && (ours(e.Name()) || sub == sweep.StoreDir && (e.Name() == sweep.LogsDir || e.Name() == ScratchDir)):
			inv.Links = append(inv.Links, rel)
		case sub == sweep.StoreDir && e.Name() == ScratchDir && e.IsDir():
			inv.Scratch = true // never looked into: scratch, removed whole
		case isTemp(e.Name()) && e.Type().IsRegular():
		case e.Type().IsRegular() && ours(e.Name()):
			inv.Ours = append(inv.Ours, rel)
			inv.Results = true
			if sub == sweep.StoreDir {
				inv.Records = append(inv.Records, rel)
			}
		default:
			inv.Foreign = append(inv.Foreign, rel)
		}
	}
	return nil
}

// scanLogs sorts runs/logs/: a folder per run id is lossexp's, and in it
// the log files of a training command's attempts (sweep.IsLogFile);
// anything else there is the user's. A link is never followed.
func (inv *Inventory) scanLogs(dir string) error {
	logsRel := filepath.Join(sweep.StoreDir, sweep.LogsDir)
	if st, err := os.Lstat(filepath.Join(dir, logsRel)); err != nil || !st.IsDir() {
		return nil // absent, or a link or file scanSub listed
	}
	// the folder itself was listed as foreign by scanSub: take it back
	inv.Foreign = slices.DeleteFunc(inv.Foreign, func(f string) bool { return f == logsRel })
	entries, err := os.ReadDir(filepath.Join(dir, logsRel))
	if err != nil {
		return inputf("output folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	for _, e := range entries {
		rel := filepath.Join(logsRel, e.Name())
		switch {
		case !runIDRE.MatchString(e.Name()):
			inv.Foreign = append(inv.Foreign, rel)
		case e.Type()&fs.ModeSymlink != 0:
			inv.Links = append(inv.Links, rel)
		case !e.IsDir():
			inv.Foreign = append(inv.Foreign, rel)
		default:
			inv.Logs = append(inv.Logs, rel)
			if err := inv.scanLogFolder(dir, rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// scanLogFolder sorts the files of one run's log folder rel.
func (inv *Inventory) scanLogFolder(dir, rel string) error {
	entries, err := os.ReadDir(filepath.Join(dir, rel))
	if err != nil {
		return inputf("output folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	for _, e := range entries {
		f := filepath.Join(rel, e.Name())
		switch {
		case e.Type().IsRegular() && sweep.IsLogFile(e.Name()):
			inv.Ours = append(inv.Ours, f)
		case e.Type()&fs.ModeSymlink != 0 && sweep.IsLogFile(e.Name()):
			inv.Links = append(inv.Links, f)
		default:
			inv.Foreign = append(inv.Foreign, f)
		}
	}
	return nil
}

// scanCheckpoints sorts checkpoints/: a folder per (point, repeat) is
// lossexp's (a sweep's results: a new spec must not continue from it);
// a link or a special file at such a name, or at a file lossexp writes
// in one (its marker, the built-in trainer's state), is refused;
// anything else is the user's.
func (inv *Inventory) scanCheckpoints(dir string) error {
	entries, err := os.ReadDir(filepath.Join(dir, CheckpointsDir))
	if err != nil {
		return inputf("output folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	for _, e := range entries {
		rel := filepath.Join(CheckpointsDir, e.Name())
		switch {
		case !layout.IsCheckpointName(e.Name()):
			inv.Foreign = append(inv.Foreign, rel)
		case !e.IsDir():
			inv.Links = append(inv.Links, rel)
		default:
			inv.Checkpoints = append(inv.Checkpoints, rel)
			inv.Results = true
			for _, f := range []string{layout.CheckpointMark, layout.TrainerStateFile} { // the files lossexp writes there
				if st, err := os.Lstat(filepath.Join(dir, rel, f)); err == nil && !st.Mode().IsRegular() {
					inv.Links = append(inv.Links, filepath.Join(rel, f))
				}
			}
		}
	}
	return nil
}

// ownedName reports whether lossexp writes the top-level name n of a
// results folder (or reads it as its own).
func ownedName(n string, listed map[string]bool, known []string) bool {
	return listed[n] || slices.Contains(known, n) || n == sweep.StoreDir || n == sweep.ShardDir || n == CheckpointsDir
}

var runIDRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

func isTemp(name string) bool { return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") }

// ClaimOptions say how a command may take a results folder.
type ClaimOptions struct {
	// Force lets a sweep replace another spec's results: what lossexp
	// wrote is removed first. Never with foreign files in the folder.
	Force bool
	// Shard: the folder is shared with the other shards of the sweep;
	// nothing is ever removed.
	Shard bool
}

// Claim decides whether st may write its results to dir, which the
// caller has locked. An absent or empty folder, or one holding results of
// the same study (same run base: it may differ in name, description,
// report, grid or repeats) is fine. Another spec's results are refused
// unless opt.Force, and then only what lossexp wrote is removed. A folder
// with files lossexp did not write and no results of this study is
// refused, force or not: nothing the user owns is ever removed. A folder
// with a symbolic link where lossexp reads or writes (runs, runs/logs, a
// run's log folder, a table...) is refused, force or not: lossexp never
// follows a link out of the folder, nor removes the user's link.
func Claim(dir string, st *Study, opt ClaimOptions) error {
	inv, err := checkClaim(dir, st, opt)
	if err != nil || inv == nil {
		return err
	}
	return removeOurs(dir, inv)
}

// CheckClaim is Claim without removing anything: what LockAccepted asks
// before it creates the lock file.
func CheckClaim(dir string, st *Study, opt ClaimOptions) error {
	_, err := checkClaim(dir, st, opt)
	return err
}

// checkClaim returns the inventory of what Claim must remove (nil when
// nothing), or why the folder is refused.
func checkClaim(dir string, st *Study, opt ClaimOptions) (*Inventory, error) {
	inv, err := takeInventory(dir)
	if err != nil {
		return nil, err
	}
	if err := inv.refuseLinks(dir); err != nil {
		return nil, err
	}
	if !inv.Results {
		if len(inv.Foreign) > 0 && !inv.onlyTheSpec(dir, st.SpecPath) {
			return nil, inputf("output folder %s is not empty and holds no lossexp results (found %s); choose another --out",
				dir, strings.Join(firstN(inv.Foreign, 3), ", "))
		}
		return nil, nil
	}
	prev, prevPath, err := previousSpec(dir)
	same := err == nil && prev.RunBase("") == st.Spec.RunBase("")
	if same {
		return nil, nil
	}
	if opt.Shard {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil // only runs so far: a shard that started a moment ago
		}
		if err != nil {
			return nil, inputf("output folder %s holds results of a spec that cannot be read (%v); choose another --out", dir, err)
		}
		return nil, inputf("output folder %s holds the results of another spec: %s (name %s, result hash %.12s) differs from %s (name %s, result hash %.12s) in %s; a shard never replaces results: choose another --out, or empty the folder before starting the shards",
			dir, prevPath, prev.Name, prev.ResultHash(), st.SpecPath, st.Spec.Name, st.Spec.ResultHash(), strings.Join(SpecDiff(prev, st.Spec), ", "))
	}
	var why string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = fmt.Sprintf("output folder %s holds results (%s) but no spec.yaml to tell which spec made them", dir, strings.Join(firstN(inv.Ours, 3), ", "))
	case err != nil:
		why = fmt.Sprintf("output folder %s holds results of a spec that cannot be read (%v)", dir, err)
	default:
		why = fmt.Sprintf("output folder %s holds the results of another spec: %s (name %s, result hash %.12s) differs from %s (name %s, result hash %.12s) in %s",
			dir, prevPath, prev.Name, prev.ResultHash(), st.SpecPath, st.Spec.Name, st.Spec.ResultHash(), strings.Join(SpecDiff(prev, st.Spec), ", "))
	}
	if len(inv.Foreign) > 0 { // said with or without --force: it would not help
		return nil, inputf("%s, and files lossexp did not write (%s); --force removes only lossexp's own files and never a folder with yours in it: move them away, or choose another --out",
			why, strings.Join(firstN(inv.Foreign, 3), ", "))
	}
	if !opt.Force {
		return nil, inputf("%s; pass --force to replace them, or choose another --out", why)
	}
	return inv, nil
}

// onlyTheSpec reports whether the one file of the user's in dir is its
// spec.yaml and that file is the spec being swept (path): the sweep writes
// the same bytes there.
func (inv *Inventory) onlyTheSpec(dir, path string) bool {
	if len(inv.Foreign) != 1 || inv.Foreign[0] != SpecFile {
		return false
	}
	a, errA := os.Stat(filepath.Join(dir, SpecFile))
	b, errB := os.Stat(path)
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// refuseLinksIn refuses the folder dir when it has a link where lossexp
// reads or writes (see refuseLinks).
func refuseLinksIn(dir string) error {
	inv, err := takeInventory(dir)
	if err != nil {
		return err
	}
	return inv.refuseLinks(dir)
}

// refuseLinks refuses a folder with links where lossexp reads or writes.
func (inv *Inventory) refuseLinks(dir string) error {
	if len(inv.Links) == 0 {
		return nil
	}
	return inputf("output folder %s has a symbolic link (or a special file) where lossexp keeps its own files: %s; lossexp never follows a link out of its results folder nor removes one of yours: replace it by the folder or file it points to, or choose another --out",
		dir, strings.Join(firstN(inv.Links, 3), ", "))
}

// removeOurs removes what lossexp wrote in dir (inv.Ours: tables,
// records, shard manifests, the files of the runs' log folders, the
// scratch folder runs/tmp), but the
// lock file, which the caller holds; then the folders this emptied. A
// folder is removed only when empty: never with its contents.
func removeOurs(dir string, inv *Inventory) error {
	for _, rel := range inv.Ours {
		if err := os.Remove(filepath.Join(dir, rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return inputf("replace results in %s: %w", dir, atomicfile.UnwrapPath(err))
		}
	}
	for _, rel := range inv.Logs {
		os.Remove(filepath.Join(dir, rel)) // only if now empty
	}
	if inv.Scratch {
		// The caller holds the exclusive lock: no live process owns any
		// of it. Links in it are removed, never followed.
		if _, err := SweepScratch(scratchRoot(dir), "", true); err != nil {
			return inputf("replace results in %s: %w", dir, atomicfile.UnwrapPath(err))
		}
		os.Remove(scratchRoot(dir))
	}
	if err := removeCheckpoints(dir, inv); err != nil {
		return inputf("replace results in %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	os.Remove(filepath.Join(dir, sweep.StoreDir, sweep.LogsDir))
	for _, sub := range []string{sweep.StoreDir, sweep.ShardDir} {
		os.Remove(filepath.Join(dir, sub)) // only if now empty
	}
	return nil
}

// ClearRecords removes the run records lossexp wrote in dir's run store
// (--fresh): its segments and the records of the one-file-per-run layout;
// other files there are left alone.
func ClearRecords(dir string) error {
	inv, err := takeInventory(dir)
	if err != nil {
		return err
	}
	if err := inv.refuseLinks(dir); err != nil {
		return err
	}
	for _, rel := range inv.Records {
		if err := os.Remove(filepath.Join(dir, rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return inputf("clear the run store of %s: %w", dir, atomicfile.UnwrapPath(err))
		}
	}
	// A retrained run starts over: it must not continue from a checkpoint.
	if err := removeCheckpoints(dir, inv); err != nil {
		return inputf("clear the checkpoints of %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	return nil
}

// removeCheckpoints removes the checkpoint folders of inv (whole: what a
// trainer wrote in them is lossexp's to remove; os.RemoveAll removes a
// link, never follows it), then checkpoints/ once empty.
func removeCheckpoints(dir string, inv *Inventory) error {
	for _, rel := range inv.Checkpoints {
		if err := os.RemoveAll(filepath.Join(dir, rel)); err != nil {
			return err
		}
	}
	os.Remove(filepath.Join(dir, CheckpointsDir)) // only if now empty
	return nil
}

// previousSpec returns the spec whose results a folder holds: its
// spec.yaml (written by sweep and merge), else the spec a shard manifest
// carries. fs.ErrNotExist when there is neither; path names spec.yaml
// then.
func previousSpec(dir string) (*spec.Spec, string, error) {
	path := filepath.Join(dir, SpecFile)
	s, err := spec.Load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return s, path, err
	}
	recs, lerr := sweep.LoadShardRecords(filepath.Join(dir, sweep.ShardDir))
	if lerr != nil {
		return nil, path, lerr
	}
	if len(recs) == 0 {
		return nil, path, err
	}
	mpath := filepath.Join(dir, sweep.ShardDir, recs[0].Of().FileName())
	s, err = spec.Parse(strings.NewReader(recs[0].Spec), mpath)
	return s, mpath, err
}

// SpecDiff names the result-relevant sections in which a and b differ.
func SpecDiff(a, b *spec.Spec) []string {
	js := func(v any) string { j, _ := json.Marshal(v); return string(j) }
	var d []string
	if a.Seed != b.Seed {
		d = append(d, "seed")
	}
	if js(a.Dataset) != js(b.Dataset) {
		d = append(d, "dataset")
	}
	if js(a.Model) != js(b.Model) {
		d = append(d, "model")
	}
	if js(a.Train) != js(b.Train) {
		d = append(d, "train")
	}
	if js(a.Loss) != js(b.Loss) {
		d = append(d, "loss")
	}
	if js(a.Trainer) != js(b.Trainer) {
		d = append(d, "trainer")
	}
	if len(d) == 0 {
		d = append(d, "the tool's numerics version")
	}
	return d
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}

// Manifest is manifest.json: what a results folder holds and how it was
// made. Files lists every file lossexp wrote there (the folder contract:
// --force removes these and nothing else).
type Manifest struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	SpecFile    string    `json:"spec_file"`
	SpecHash    string    `json:"spec_hash"`
	ResultHash  string    `json:"result_hash"` // spec hash without name, description, report, check
	RunBase     string    `json:"run_base"`    // what every run id is derived from
	Tool        string    `json:"tool_version"`
	Numerics    int       `json:"numerics_version"`
	GoVersion   string    `json:"go_version"`
	BLAS        string    `json:"blas"`
	Dataset     string    `json:"dataset"`
	DataSHA256  string    `json:"dataset_sha256"`
	GridPoints  int       `json:"grid_points"`
	Repeats     int       `json:"repeats"`
	Runs        int       `json:"runs"`
	Complete    bool      `json:"complete"` // false after an interrupted sweep
	Finished    int       `json:"runs_finished"`
	Trained     int       `json:"runs_trained"` // by this invocation
	Reused      int       `json:"runs_reused"`  // taken from the run store
	Diverged    int       `json:"diverged"`
	Failed      int       `json:"failed,omitempty"` // runs of a training command that did not report (retried by the next sweep)
	Pruned      int       `json:"pruned,omitempty"` // sweep.halving's runs of the points dropped after their rung (runs.csv's status pruned)
	Workers     int       `json:"workers"`
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"finished"`
	Seconds     float64   `json:"seconds"`
	// TrainSeconds is the part of Seconds spent training (the runs on
	// the workers); the rest is checking, loading, tables and figures.
	TrainSeconds float64 `json:"train_seconds,omitempty"`
	// ReportSeconds is the part of Seconds spent after training writing
	// the tables from the run store, the figures and report.html.
	ReportSeconds float64 `json:"report_seconds,omitempty"`
	// EpochsBudgeted are the epochs sweep.halving's stored attempts
	// trained (each its budget), EpochsFullGrid those of every run at the
	// full budget; both 0 (left out) without halving.
	EpochsBudgeted int      `json:"epochs_budgeted,omitempty"`
	EpochsFullGrid int      `json:"epochs_full_grid,omitempty"`
	Files          []string `json:"files"`
}

// BLAS is the BLAS backend this build trains with, as manifests and
// baselines record it.
func BLAS() string { return model.BLASBackend() }

// maxManifestBytes bounds a manifest.json: lossexp writes a few KiB (the
// files list grows with the figures, a few hundred bytes each); a larger
// file is not one of ours and is refused before it is read.
const maxManifestBytes = 64 << 20

// ReadManifest reads dir's manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	b, err := saferead.ReadFile(path, maxManifestBytes)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, saferead.ErrNotRegular):
		return nil, err
	default:
		return nil, fmt.Errorf("read %s: %w", path, atomicfile.UnwrapPath(err))
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return &m, nil
}

// newManifest fills the fields a manifest takes from the study.
func (st *Study) newManifest(specFile, tool, blas string, started time.Time) Manifest {
	s := st.Spec
	return Manifest{
		Name: s.Name, Description: s.Description, SpecFile: specFile, SpecHash: s.Hash(),
		ResultHash: s.ResultHash(), RunBase: st.Base, Numerics: spec.NumericsVersion,
		Tool: tool, GoVersion: runtime.Version(), BLAS: blas,
		Dataset: st.DatasetLabel(), DataSHA256: st.Data.Checksum(),
		GridPoints: len(st.Grid), Repeats: s.Repeats, Runs: st.Plans.Len(),
		Started: started.UTC(),
	}
}

// writeManifest writes m as dir's manifest.json.
func writeManifest(dir string, m *Manifest) error {
	return atomicfile.Write(filepath.Join(dir, ManifestFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// outputFiles lists the files of dir a finished sweep or merge owns, in
// a fixed order: the tables, spec.yaml, the analysis files and every
// figure written since since (a figure of an earlier run of the same
// study stays listed while it exists).
func outputFiles(dir string, since time.Time, before []string) []string {
	var files []string
	for _, f := range slices.Concat(TableFiles, []string{SpecFile}, ReportFiles, []string{table.SamplesFile}) {
		if fileExists(filepath.Join(dir, f)) && !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	pngs, _ := atomicfile.GlobIn(dir, "*.png")
	for _, p := range pngs {
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if !st.ModTime().Before(since) || slices.Contains(before, filepath.Base(p)) {
			files = append(files, filepath.Base(p))
		}
	}
	return files
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

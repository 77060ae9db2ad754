// Package atomicfile writes files so that a crash at any moment leaves
// each one whole or absent: the bytes go to a temporary file in the
// destination's folder, which is flushed, synced, closed and renamed over
// the destination; then the folder is synced (SyncDir) so the rename
// survives a power loss. The tables, figures, manifests and shard
// manifests lossexp writes go through this package; the run store's
// segments, which are appended to, are synced by package sweep itself, and
// a trainer's logs and parameter files are written directly.
//
// Temporary files are named ".<base>.tmp-<random>" beside the destination,
// so a folder can be swept of the leftovers of a killed process with
// TempPattern. UnwrapPath drops the path of a *fs.PathError (often that of
// a temporary file) from an error whose message names the path already.
package atomicfile

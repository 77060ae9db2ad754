//go:build !unix

package study

import "os"

// flock is a no-op where advisory file locks are not available: the
// folder is then not protected against a second writer.
func flock(f *os.File, exclusive bool) error { return nil }

// oNoFollow is 0 where O_NOFOLLOW is not available.
const oNoFollow = 0

// locksWork says flock does not lock here: a shard never removes another
// process's scratch folder, since it cannot tell whether its owner lives.
const locksWork = false

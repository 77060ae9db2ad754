//go:build !unix

package study

import "os"

// flock is a no-op where advisory file locks are not available: the
// folder is then not protected against a second writer.
func flock(f *os.File, exclusive bool) error { return nil }

// oNoFollow is 0 where O_NOFOLLOW is not available.
const oNoFollow = 0

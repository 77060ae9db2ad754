package table

import (
	"io"
	"os"

	"github.com/lossexp/lossexp/internal/atomicfile"
)

// WriteFileAtomic writes path through write atomically (see package
// internal/atomicfile): on error path is left untouched.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, write)
}

// commitTemp syncs, closes and renames the temporary file f to path, then
// syncs the folder. f is closed whatever happens; the caller removes it on
// error.
func commitTemp(f *os.File, path string) error {
	return atomicfile.Commit(f, path)
}

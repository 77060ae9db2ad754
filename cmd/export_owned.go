package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/lossexp/lossexp/internal/saferead"
)

// exportMark is how every file export writes begins (after the #! line
// of a script): what tells lossexp's submit.sh or job.yaml from the user's.
const exportMark = "# lossexp sweep "

// refuseUserExportFile refuses to write the export's file target over a
// file lossexp did not write (a submit.sh or job.yaml of the user's in the
// results folder, a link, a special file): export replaced it silently.
// An absent target, or one an earlier export wrote, is fine.
func refuseUserExportFile(target string) error {
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return inputError(err)
	}
	if !fi.Mode().IsRegular() {
		return inputError(fmt.Errorf("%s is %s: export never replaces a link or special file of yours; remove it, or choose another --out", target, saferead.Kind(fi.Mode())))
	}
	f, err := os.Open(target)
	if err != nil {
		return inputError(err)
	}
	defer f.Close()
	head := make([]byte, 256)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("#!")) {
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			head = head[i+1:]
		}
	}
	if !bytes.HasPrefix(head, []byte(exportMark)) {
		return inputError(fmt.Errorf("%s exists and lossexp export did not write it: export never replaces a file of yours; move it away, or choose another --out", target))
	}
	return nil
}

package study

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lossexp/lossexp/internal/saferead"
)

// baselineFiles are what Baseline writes into its folder.
var baselineFiles = []string{SummaryFile, SpecFile, BaselineFile}

// refuseBaselineTarget refuses the folder to when Baseline would replace
// a file there that is not a baseline's: a summary.csv, spec.yaml or
// baseline.json beside no baseline.json of lossexp's (the user's own
// files), or a link or special file at one of those names (never
// followed, never replaced). An absent or empty folder, one with other
// files only, or an earlier baseline is fine: the baseline is replaced.
func refuseBaselineTarget(to string) error {
	var present []string
	for _, f := range baselineFiles {
		fi, err := os.Lstat(filepath.Join(to, f))
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			continue
		}
		if err != nil {
			continue // MkdirAll or the write says why
		}
		if !fi.Mode().IsRegular() {
			return inputf("baseline folder %s: %s is %s: lossexp never writes through a link nor replaces one of yours; remove it, or choose another --to", to, f, saferead.Kind(fi.Mode()))
		}
		present = append(present, f)
	}
	if len(present) == 0 || isBaseline(to) {
		return nil
	}
	return inputf("baseline folder %s holds %s but no baseline stored by lossexp (its %s): lossexp never replaces a file of yours; move them away, or choose another --to",
		to, strings.Join(present, ", "), BaselineFile)
}

// isBaseline reports whether to holds a baseline.json lossexp wrote.
func isBaseline(to string) bool {
	b, err := saferead.ReadFile(filepath.Join(to, BaselineFile), maxManifestBytes)
	if err != nil {
		return false
	}
	var info BaselineInfo
	return json.Unmarshal(b, &info) == nil && info.Tool != "" && info.ResultHash != ""
}

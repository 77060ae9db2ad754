package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExport_UserFileKept (round 6, red team): export wrote its submit.sh
// or job.yaml over a file of that name the user kept in the results
// folder (their own script), and replaced a link there by a file. Now it
// refuses (exit 2, naming the file) and leaves both as they were; the
// file an earlier export wrote is replaced as before.
func TestExport_UserFileKept(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "s.yaml")
	os.WriteFile(spec, []byte(okSpec), 0o644)
	kinds := map[string][]string{
		"submit.sh": {"export", "slurm", spec, "--shards", "2"},
		"job.yaml":  {"export", "k8s", spec, "--shards", "2", "--image", "img", "--pvc", "p"},
	}
	for file, args := range kinds {
		out := filepath.Join(dir, "o-"+strings.TrimSuffix(strings.TrimSuffix(file, ".sh"), ".yaml"))
		os.Mkdir(out, 0o755)
		mine := filepath.Join(out, file)
		os.WriteFile(mine, []byte("#!/bin/sh\n# my own\n"), 0o755)
		code, _, stderr := run(t, append(args, "--out", out)...)
		if code != 2 || !strings.Contains(stderr, mine+" exists and lossexp export did not write it") {
			t.Errorf("%s of the user's: exit %d, %q; want 2 naming it", file, code, stderr)
		}
		if b, _ := os.ReadFile(mine); string(b) != "#!/bin/sh\n# my own\n" {
			t.Errorf("%s of the user's was replaced: %q", file, b)
		}

		target := filepath.Join(dir, "target-"+file)
		os.WriteFile(target, []byte("mine"), 0o644)
		os.Remove(mine)
		os.Symlink(target, mine)
		code, _, stderr = run(t, append(args, "--out", out)...)
		if fi, err := os.Lstat(mine); code != 2 || !strings.Contains(stderr, "symbolic link") || err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s a link: exit %d, %q, %v; want 2 and the link kept", file, code, stderr, err)
		}

		os.Remove(mine) // an export's own file is replaced
		for i := range 2 {
			if code, _, stderr := run(t, append(args, "--out", out)...); code != 0 {
				t.Errorf("%s export %d: exit %d, %q", file, i+1, code, stderr)
			}
		}
	}
}

package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweep_UserFileNamedLikeOutput (round 6, red team): a summary.csv or
// spec.yaml of the user's own in the output folder, before any sweep wrote
// there, is the user's: the folder is refused with or without --force and
// the file is untouched (--force removed a user's summary.csv, and a sweep
// wrote its spec over the user's spec.yaml). Named like an output is not
// written by lossexp: only a manifest of lossexp's, run records, shard
// manifests, run logs or checkpoints show that. The folder whose only file
// is the very spec being swept is still taken (the sweep writes the same
// bytes there).
func TestSweep_UserFileNamedLikeOutput(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(spec, []byte(okSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"summary.csv", "spec.yaml", "report.html", "manifest.json"} {
		out := filepath.Join(dir, "o-"+name)
		mine := filepath.Join(out, name)
		os.Mkdir(out, 0o755)
		if err := os.WriteFile(mine, []byte(`{"mine": "hand made"}`), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, force := range []bool{false, true} {
			args := []string{"sweep", spec, "--out", out, "-q"}
			if force {
				args = append(args, "--force")
			}
			code, _, stderr := run(t, args...)
			if code != 2 || !strings.Contains(stderr, "holds no lossexp results (found "+name+")") {
				t.Errorf("%s, --force %v: exit %d, %q; want 2 and the folder refused naming %s", name, force, code, stderr, name)
			}
			if b, err := os.ReadFile(mine); err != nil || string(b) != `{"mine": "hand made"}` {
				t.Errorf("%s, --force %v: the user's file is gone or changed: %q, %v", name, force, b, err)
			}
		}
	}

	// The spec being swept, kept in its own output folder.
	own := filepath.Join(dir, "own")
	os.Mkdir(own, 0o755)
	if err := os.WriteFile(filepath.Join(own, "spec.yaml"), []byte(okSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the first sweep, then the resume
		if code, _, stderr := run(t, "sweep", filepath.Join(own, "spec.yaml"), "--out", own, "-q"); code != 0 {
			t.Fatalf("sweep %d of the folder's own spec.yaml: exit %d\n%s", i+1, code, stderr)
		}
	}
}

// TestSweep_ForeignFilesNamedBeforeForce (round 6, red team): a folder
// with another spec's results and a file of the user's is refused, without
// --force, with the message --force would give (it said "pass --force to
// replace them", and --force then refused naming the user's file).
func TestSweep_ForeignFilesNamedBeforeForce(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "s.yaml")
	other := filepath.Join(dir, "other.yaml")
	os.WriteFile(spec, []byte(okSpec), 0o644)
	os.WriteFile(other, []byte(strings.Replace(okSpec, "seed: 1", "seed: 2", 1)), 0o644)
	out := filepath.Join(dir, "o")
	if code, _, stderr := run(t, "sweep", other, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	for _, force := range []bool{false, true} {
		args := []string{"sweep", spec, "--out", out, "-q"}
		if force {
			args = append(args, "--force")
		}
		code, _, stderr := run(t, args...)
		if code != 2 || !strings.Contains(stderr, "files lossexp did not write (notes.txt)") || strings.Contains(stderr, "pass --force") {
			t.Errorf("--force %v: exit %d, %q; want 2 naming notes.txt, never advising --force", force, code, stderr)
		}
	}
}

// TestReport_LinkRefused (round 6, red team): a results folder whose
// summary.csv is the user's link to a file elsewhere: a sweep refused it
// ("never follows a link out of its results folder nor removes one of
// yours"), but `lossexp report` replaced the link by a file. Now report
// refuses the folder the same way and the link stays.
func TestReport_LinkRefused(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "s.yaml")
	os.WriteFile(spec, []byte(okSpec), 0o644)
	out := filepath.Join(dir, "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	mine := filepath.Join(dir, "mine.csv")
	os.WriteFile(mine, []byte("mine"), 0o644)
	link := filepath.Join(out, "summary.csv")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(mine, link); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "report", out)
	if code != 2 || !strings.Contains(stderr, "symbolic link") || !strings.Contains(stderr, "summary.csv") {
		t.Errorf("report: exit %d, %q; want 2 naming the link summary.csv", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the user's link is gone: %v", err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "mine" {
		t.Errorf("the file the link points to changed: %q", b)
	}
}

// TestCheck_PlotsLinkRefused (round 6, red team): RESULTS/check, where
// `lossexp check` writes its overlay PNGs by default, was followed when it
// is a link: four PNGs landed in the folder it points to, outside the
// results. Now check refuses it before anything is written (exit 2,
// naming it); --plots names a folder of the user's choice, link or not.
func TestCheck_PlotsLinkRefused(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "s.yaml")
	os.WriteFile(spec, []byte(okSpec), 0o644)
	out, base := filepath.Join(dir, "o"), filepath.Join(dir, "b")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "baseline", out, "--to", base); code != 0 {
		t.Fatalf("baseline: exit %d\n%s", code, stderr)
	}
	outside := filepath.Join(dir, "outside")
	os.Mkdir(outside, 0o755)
	if err := os.Symlink(outside, filepath.Join(out, "check")); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(dir, "j.xml")
	code, _, stderr := run(t, "check", out, "--baseline", base, "--junit", junit)
	if code != 2 || !strings.Contains(stderr, filepath.Join(out, "check")+" is a symbolic link") {
		t.Errorf("check: exit %d, %q; want 2 naming the link", code, stderr)
	}
	if ents, _ := os.ReadDir(outside); len(ents) > 0 {
		t.Errorf("check wrote %d files through the link", len(ents))
	}
	if _, err := os.Stat(junit); err == nil {
		t.Errorf("the refused check wrote %s", junit)
	}
	code, _, stderr = run(t, "check", out, "--baseline", base, "--plots", outside)
	if ents, _ := os.ReadDir(outside); code != 0 || len(ents) == 0 {
		t.Errorf("check --plots %s: exit %d, %d files; want 0 and the plots there\n%s", outside, code, len(ents), stderr)
	}
}

package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// hostile are path fragments a shell would act on if a path reached it
// unquoted or double-quoted.
var hostile = []string{
	"p$(touch PWNED)",
	"p`touch PWNED`",
	"it's \"quoted\"",
	"semi;touch PWNED",
	"${HOME:+x}$((1))",
	"back\\slash & amp | pipe > gt",
	"-dash *glob? [x]",
	"SBATCH",
}

// TestWriteSlurm_HostilePaths writes the driver for paths full of shell
// syntax, checks it with bash -n, then runs it against a fake sbatch (which
// runs the job scripts it is given) and a fake lossexp binary that records
// its arguments: each argument must arrive exactly as given, and nothing
// the paths spell may run.
func TestWriteSlurm_HostilePaths(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for i, h := range hostile {
		t.Run(h, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			os.Mkdir(bin, 0o755)
			argsLog := filepath.Join(dir, "args.log")
			// The fake lossexp records its arguments one per line (NUL-safe
			// enough: no hostile path holds a newline).
			writeExe(t, filepath.Join(bin, "fake lossexp"), "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> "+shq(argsLog)+"\necho --- >> "+shq(argsLog)+"\n")
			// The fake sbatch runs the job script from standard input, the
			// way a node would, and prints a job id.
			writeExe(t, filepath.Join(bin, "sbatch"), "#!/bin/bash\nscript=$(mktemp)\ncat > \"$script\"\nSLURM_ARRAY_TASK_ID=0 bash \"$script\" >/dev/null\necho 4242\n")
			o := SlurmOptions{
				Name: "quick", SpecPath: filepath.Join(dir, h, "spec.yaml"), Shards: 2, Runs: 6,
				Out: filepath.Join(dir, h, "results"), DataDir: filepath.Join(dir, h, "data"),
				Binary: filepath.Join(bin, "fake lossexp"), CPUs: 2, Memory: "4G", Time: "1-00:00:00", Partition: "cpu",
				Script: filepath.Join(dir, h, "submit.sh"),
			}
			os.MkdirAll(o.Out, 0o755) // the script sits there
			var buf bytes.Buffer
			if err := WriteSlurm(&buf, o); err != nil {
				t.Fatal(err)
			}
			script := filepath.Join(dir, "submit.sh")
			os.WriteFile(script, buf.Bytes(), 0o755)
			if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
				t.Fatalf("bash -n: %v\n%s\n%s", err, out, buf.String())
			}
			cmd := exec.Command(bash, script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("submit.sh: %v\n%s", err, out)
			}
			if fileExists(filepath.Join(dir, "PWNED")) || fileExists(filepath.Join(o.Out, "PWNED")) {
				t.Fatalf("case %d: a path ran a command\n%s", i, buf.String())
			}
			if !strings.Contains(string(out), "results in "+o.Out) {
				t.Errorf("the last line does not name the results folder literally:\n%s", out)
			}
			logb, err := os.ReadFile(argsLog)
			if err != nil {
				t.Fatalf("the fake lossexp never ran: %v\n%s", err, out)
			}
			calls := strings.Split(strings.TrimSuffix(string(logb), "---\n"), "---\n")
			if len(calls) != 2 {
				t.Fatalf("want the shard and the merge call, got %d:\n%s", len(calls), logb)
			}
			shard := strings.Split(strings.TrimSuffix(calls[0], "\n"), "\n")
			want := []string{"sweep", o.SpecPath, "--shard", "auto", "--out", o.Out, "--workers", "2", "--quiet", "--data-dir", o.DataDir}
			if !slices.Equal(shard, want) {
				t.Errorf("shard argv\n got %q\nwant %q", shard, want)
			}
			if logs, _ := os.ReadDir(filepath.Join(o.Out, "slurm-logs")); len(logs) != 2 {
				t.Errorf("want the shard's and the merge's log in %s/slurm-logs, got %v", o.Out, logs)
			}
			merge := strings.Split(strings.TrimSuffix(calls[1], "\n"), "\n")
			if !slices.Equal(merge, []string{"merge", o.Out}) {
				t.Errorf("merge argv %q", merge)
			}
		})
	}
}

// TestWriteSlurm_RefusesBadValues: values that would inject a directive,
// that sbatch would reject, or that a typo made, are refused by name.
func TestWriteSlurm_RefusesBadValues(t *testing.T) {
	ok := SlurmOptions{Name: "q", SpecPath: "/s/q.yaml", Out: "/r/q", Shards: 2, Runs: 6, CPUs: 2}
	for _, tt := range []struct {
		name string
		edit func(*SlurmOptions)
		want string
	}{
		{"mem newline directive", func(o *SlurmOptions) { o.Memory = "4G\n#SBATCH --wrap=evil" }, "--mem"},
		{"mem words", func(o *SlurmOptions) { o.Memory = "lots" }, "--mem"},
		{"mem zero", func(o *SlurmOptions) { o.Memory = "0" }, "--mem"},
		{"time forever", func(o *SlurmOptions) { o.Time = "forever" }, "--time"},
		{"time minutes 75", func(o *SlurmOptions) { o.Time = "1:75:00" }, "--time"},
		{"cpus negative", func(o *SlurmOptions) { o.CPUs = -4 }, "--cpus must be ≥ 1"},
		{"shards beyond runs", func(o *SlurmOptions) { o.Shards = 100000000 }, "more than the sweep's 6 runs"},
		{"shards 7 of 6", func(o *SlurmOptions) { o.Shards = 7 }, "more than the sweep's 6 runs"},
		{"shards zero", func(o *SlurmOptions) { o.Shards = 0 }, "--shards must be ≥ 1"},
		{"partition injection", func(o *SlurmOptions) { o.Partition = "cpu\n#SBATCH --wrap=evil" }, "--partition"},
		{"name", func(o *SlurmOptions) { o.Name = "x$(id)" }, "spec name"},
		{"out newline", func(o *SlurmOptions) { o.Out = "/r/a\nSBATCH\nrm -rf /" }, "--out"},
		{"data-dir newline", func(o *SlurmOptions) { o.DataDir = "/d\n" }, "--data-dir"},
		{"trainer newline", func(o *SlurmOptions) { o.Trainer = "py\nrm -rf /" }, "trainer"},
		{"max-at-once", func(o *SlurmOptions) { o.MaxAtOnce = -1 }, "--max-at-once"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			var buf bytes.Buffer
			err := WriteSlurm(&buf, o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before refusing", buf.Len())
			}
		})
	}
	for _, tm := range []string{"30", "30:00", "01:30:00", "2-00", "2-12:00", "2-12:30:00"} {
		o := ok
		o.Time = tm
		if err := WriteSlurm(&bytes.Buffer{}, o); err != nil {
			t.Errorf("--time %s refused: %v", tm, err)
		}
	}
	for _, m := range []string{"4096", "4G", "512M", "1T"} {
		o := ok
		o.Memory = m
		if err := WriteSlurm(&bytes.Buffer{}, o); err != nil {
			t.Errorf("--mem %s refused: %v", m, err)
		}
	}
}

func TestK8sObjects_RefusesBadValues(t *testing.T) {
	ok := K8sOptions{Name: "q", Image: "i:1", Shards: 2, Runs: 6}
	for _, tt := range []struct {
		name string
		edit func(*K8sOptions)
		want string
	}{
		{"shards beyond runs", func(o *K8sOptions) { o.Shards = 100000000 }, "more than the sweep's 6 runs"},
		{"negative cpu", func(o *K8sOptions) { o.CPU = "-4" }, "--cpu"},
		{"zero memory", func(o *K8sOptions) { o.Memory = "0" }, "--memory"},
		{"namespace", func(o *K8sOptions) { o.Namespace = "Bad Name" }, "--namespace"},
		{"pvc", func(o *K8sOptions) { o.PVC = "a;b" }, "--pvc"},
		{"parallelism", func(o *K8sOptions) { o.Parallelism = -1 }, "--parallelism"},
		{"image newline", func(o *K8sOptions) { o.Image = "i\nx" }, "--image"},
		{"trainer newline", func(o *K8sOptions) { o.Trainer = "py\nkind: Secret" }, "the trainer program"},
		{"name", func(o *K8sOptions) { o.Name = "../x" }, "spec name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			if _, _, err := K8sObjects(o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %q", err, tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("é", 1<<19) // 1 MB
	c := Clip(long)
	if len(c) > 100 || !strings.Contains(c, "(1048576 bytes)") {
		t.Errorf("Clip of 1 MB = %d bytes: %.120s", len(c), c)
	}
	if Clip("abc") != `"abc"` {
		t.Errorf("Clip(abc) = %s", Clip("abc"))
	}
}

func writeExe(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestWriteSlurm_Resubmit runs the driver against a fake sbatch that
// records its arguments: by default the whole array, then a merge that
// depends on it and is cancelled when a task fails (--kill-on-invalid-dep);
// with TASKS, only those shards and a new merge after them; a task that is
// no shard, or a list that is no array range, is refused before sbatch.
func TestWriteSlurm_Resubmit(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	out := filepath.Join(dir, "res")
	os.MkdirAll(bin, 0o755)
	os.MkdirAll(out, 0o755)
	sbatchLog := filepath.Join(dir, "sbatch.log")
	writeExe(t, filepath.Join(bin, "sbatch"), "#!/bin/bash\ncat >/dev/null\necho \"$*\" >> "+shq(sbatchLog)+"\necho 77\n")
	var buf bytes.Buffer
	if err := WriteSlurm(&buf, SlurmOptions{Name: "q", SpecPath: "/s/q.yaml", Shards: 4, Runs: 8, Out: out, MaxAtOnce: 2}); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(out, "submit.sh")
	os.WriteFile(script, buf.Bytes(), 0o755)
	for _, tt := range []struct {
		args []string
		code int
		want []string // sbatch's argument lines
	}{
		{nil, 0, []string{"--parsable --array=0-3%2", "--parsable --dependency=afterok:77 --kill-on-invalid-dep=yes"}},
		{[]string{"2"}, 0, []string{"--parsable --array=2%2", "--parsable --dependency=afterok:77 --kill-on-invalid-dep=yes"}},
		{[]string{"0,2-3"}, 0, []string{"--parsable --array=0,2-3%2", "--parsable --dependency=afterok:77 --kill-on-invalid-dep=yes"}},
		{[]string{"4"}, 2, nil},
		{[]string{"1-9"}, 2, nil},
		{[]string{"01"}, 2, nil},
		{[]string{"1;touch PWNED"}, 2, nil},
		{[]string{"--array=7"}, 2, nil},
	} {
		os.Remove(sbatchLog)
		cmd := exec.Command(bash, append([]string{script}, tt.args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
		b, err := cmd.CombinedOutput()
		code := 0
		if err != nil {
			code = cmd.ProcessState.ExitCode()
		}
		logb, _ := os.ReadFile(sbatchLog)
		var got []string
		if len(logb) > 0 {
			got = strings.Split(strings.TrimSuffix(string(logb), "\n"), "\n")
		}
		if code != tt.code || !slices.Equal(got, tt.want) {
			t.Errorf("bash submit.sh %q: exit %d, sbatch calls %q; want exit %d, %q\n%s", tt.args, code, got, tt.code, tt.want, b)
		}
		if fileExists(filepath.Join(dir, "PWNED")) || fileExists(filepath.Join(out, "PWNED")) {
			t.Fatalf("%q ran a command", tt.args)
		}
	}
	if fi, err := os.Stat(filepath.Join(out, "slurm-logs")); err != nil || !fi.IsDir() {
		t.Errorf("the driver did not make the log folder: %v", err)
	}
}

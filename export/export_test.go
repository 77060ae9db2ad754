package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// TestWriteK8s_DecodesIntoAPITypes writes the manifest and decodes it
// back into the Kubernetes API types, checking what the cluster will see.
func TestWriteK8s_DecodesIntoAPITypes(t *testing.T) {
	var buf bytes.Buffer
	err := WriteK8s(&buf, K8sOptions{
		Name: "l1_sparsity", SpecYAML: []byte("name: l1_sparsity\n"), Shards: 6, Parallelism: 3,
		Image: "registry.example/lossexp:1", PVC: "lossexp-results", DataDir: "/results/data",
		CPU: "2", Memory: "2Gi", BackoffPerIndex: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(buf.String(), "\n---\n")
	if len(docs) != 3 {
		t.Fatalf("want header + 2 documents, got %d", len(docs))
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict([]byte(docs[1]), &cm); err != nil {
		t.Fatalf("configmap: %v\n%s", err, docs[1])
	}
	var job batchv1.Job
	if err := yaml.UnmarshalStrict([]byte(docs[2]), &job); err != nil {
		t.Fatalf("job: %v\n%s", err, docs[2])
	}
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Name != "lossexp-l1-sparsity" {
		t.Errorf("job identity %s %s %s", job.APIVersion, job.Kind, job.Name)
	}
	s := job.Spec
	if *s.CompletionMode != batchv1.IndexedCompletion || *s.Completions != 6 || *s.Parallelism != 3 || *s.BackoffLimitPerIndex != 2 {
		t.Errorf("job spec: mode %v completions %d parallelism %d backoff %d", *s.CompletionMode, *s.Completions, *s.Parallelism, *s.BackoffLimitPerIndex)
	}
	pod := s.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restart policy %s: Indexed Jobs with backoffLimitPerIndex need Never", pod.RestartPolicy)
	}
	c := pod.Containers[0]
	args := strings.Join(c.Args, " ")
	for _, want := range []string{"sweep /etc/lossexp/spec.yaml", "--shard auto", "--out /results/l1_sparsity", "--data-dir /results/data", "--workers 2"} {
		if !strings.Contains(args, want) {
			t.Errorf("args %q lack %q", args, want)
		}
	}
	if c.Resources.Limits.Cpu().String() != "2" || c.Resources.Requests.Memory().String() != "2Gi" {
		t.Errorf("resources %v", c.Resources)
	}
	if len(c.Env) != 1 || c.Env[0].Name != "LOSSEXP_SHARDS" || c.Env[0].Value != "6" {
		t.Errorf("env %v", c.Env)
	}
	if pod.Volumes[1].PersistentVolumeClaim == nil || pod.Volumes[1].PersistentVolumeClaim.ClaimName != "lossexp-results" {
		t.Errorf("results volume %+v", pod.Volumes[1])
	}
	if pod.Volumes[0].ConfigMap.Name != cm.Name || cm.Data["spec.yaml"] != "name: l1_sparsity\n" {
		t.Errorf("spec volume %v / configmap %v", pod.Volumes[0], cm.Data)
	}
}

func TestK8sObjects_Errors(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    K8sOptions
		want string
	}{
		{"no shards", K8sOptions{Name: "x", Image: "i"}, "--shards must be ≥ 1"},
		{"no image", K8sOptions{Name: "x", Shards: 2}, "--image is required"},
		{"bad cpu", K8sOptions{Name: "x", Shards: 2, Image: "i", CPU: "two"}, `--cpu "two"`},
		{"bad memory", K8sOptions{Name: "x", Shards: 2, Image: "i", Memory: "lots"}, `--memory "lots"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := K8sObjects(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestObjectName(t *testing.T) {
	for in, want := range map[string]string{
		"quickstart":            "lossexp-quickstart",
		"L1_Sparsity":           "lossexp-l1-sparsity",
		"a.b..c":                "lossexp-a-b-c",
		strings.Repeat("x", 80): "lossexp-" + strings.Repeat("x", 44),
	} {
		if got := objectName(in); got != want {
			t.Errorf("objectName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteSlurm checks the array range, the dependency and that bash
// parses the script.
func TestWriteSlurm(t *testing.T) {
	var buf bytes.Buffer
	err := WriteSlurm(&buf, SlurmOptions{Name: "quickstart", SpecPath: "/shared/specs/q.yaml", Shards: 4, Out: "/shared/results/quick start",
		CPUs: 4, Memory: "4G", Time: "00:30:00", Partition: "cpu", MaxAtOnce: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, want := range []string{"tasks=${1:-0-3}", `--array="${tasks}%2"`, "--kill-on-invalid-dep=yes", "cd -- '/shared/results/quick start'", "#SBATCH --output=/dev/null", `exec >>"slurm-logs/lossexp-quickstart-${SLURM_ARRAY_JOB_ID:-}_${SLURM_ARRAY_TASK_ID:-}.log" 2>&1`, "#SBATCH --cpus-per-task=4", "#SBATCH --mem=4G", "#SBATCH --time=00:30:00",
		"#SBATCH --partition=cpu", "export LOSSEXP_SHARDS=4", "--dependency=afterok:${array_id}", "lossexp merge '/shared/results/quick start'",
		"sweep /shared/specs/q.yaml --shard auto --out '/shared/results/quick start' --workers 4"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	if bash, err := exec.LookPath("bash"); err == nil {
		p := filepath.Join(t.TempDir(), "submit.sh")
		os.WriteFile(p, buf.Bytes(), 0o755)
		if out, err := exec.Command(bash, "-n", p).CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v\n%s", err, out)
		}
	}
	if err := WriteSlurm(&buf, SlurmOptions{Name: "x", Shards: 0}); err == nil {
		t.Error("0 shards accepted")
	}
}

// TestExport_TrainerNote: a spec with a training command gets a note of
// what the image (or the nodes) must hold; a built-in spec does not.
func TestExport_TrainerNote(t *testing.T) {
	for _, prog := range []string{"", "python3"} {
		var k, s bytes.Buffer
		if err := WriteK8s(&k, K8sOptions{Name: "x", SpecYAML: []byte("name: x\n"), Shards: 2, Image: "img", Trainer: prog}); err != nil {
			t.Fatal(err)
		}
		if err := WriteSlurm(&s, SlurmOptions{Name: "x", SpecPath: "/s/x.yaml", Shards: 2, Out: "/r", Trainer: prog}); err != nil {
			t.Fatal(err)
		}
		want := "training command (trainer:, program " + prog + ")"
		for name, b := range map[string]string{"k8s": k.String(), "slurm": s.String()} {
			if got := strings.Contains(b, want); got != (prog != "") {
				t.Errorf("%s, trainer %q: note present = %v", name, prog, got)
			}
		}
		if prog != "" && !strings.Contains(k.String(), "absolute paths inside the image") {
			t.Error("k8s note lacks the advice on paths")
		}
	}
}

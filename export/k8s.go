package export

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// K8sOptions describe the Kubernetes objects for one sharded sweep.
type K8sOptions struct {
	Name            string // spec name; objects are named lossexp-<name>
	SpecYAML        []byte // the spec file, shipped in a ConfigMap
	Shards          int    // completions: one pod index per shard
	Parallelism     int    // pods at once (0 = Shards)
	Image           string // container image holding the lossexp binary
	PVC             string // PersistentVolumeClaim for results (and data); "" = emptyDir (results lost with the pod)
	DataDir         string // --data-dir inside the container ("" = none)
	CPU             string // CPU request and limit, e.g. "2"
	Memory          string // memory request and limit, e.g. "2Gi"
	BackoffPerIndex int32  // retries per failed index
	Namespace       string
	// Trainer is the program of the spec's training command (trainer:),
	// "" for the built-in trainer; the header then says what the image
	// must hold.
	Trainer string
	Runs    int // runs of the sweep: Shards may not exceed it (0 = unknown)
}

// Paths inside the container.
const (
	specMount    = "/etc/lossexp"
	resultsMount = "/results"
)

var dnsLabel = regexp.MustCompile(`[^a-z0-9-]+`)

// objectName turns a spec name into a valid Kubernetes object name.
func objectName(name string) string {
	n := dnsLabel.ReplaceAllString(strings.ToLower(name), "-")
	n = strings.Trim(n, "-")
	if n == "" {
		n = "sweep"
	}
	n = "lossexp-" + n
	if len(n) > 52 { // leave room for the pod suffixes Kubernetes adds
		n = strings.TrimRight(n[:52], "-")
	}
	return n
}

// K8sObjects returns the ConfigMap holding the spec and the Indexed Job.
func K8sObjects(o K8sOptions) (*corev1.ConfigMap, *batchv1.Job, error) {
	if err := checkK8sOptions(&o); err != nil {
		return nil, nil, err
	}
	res, err := k8sResources(o)
	if err != nil {
		return nil, nil, err
	}
	name := objectName(o.Name)
	labels := map[string]string{"app.kubernetes.io/name": "lossexp", "lossexp/spec": dnsLabel.ReplaceAllString(strings.ToLower(o.Name), "-")}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name + "-spec", Namespace: o.Namespace, Labels: labels},
		Data:       map[string]string{"spec.yaml": string(o.SpecYAML)},
	}
	mode := batchv1.IndexedCompletion
	completions, parallelism := int32(o.Shards), int32(o.Parallelism)
	backoff := o.BackoffPerIndex
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: o.Namespace, Labels: labels},
		Spec: batchv1.JobSpec{
			CompletionMode:       &mode,
			Completions:          &completions,
			Parallelism:          &parallelism,
			BackoffLimitPerIndex: &backoff,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       k8sPod(o, cm.Name, res),
			},
		},
	}
	return cm, job, nil
}

// checkK8sOptions checks o's flags and settles its parallelism (0: all
// shards at once).
func checkK8sOptions(o *K8sOptions) error {
	if err := checkName(o.Name); err != nil {
		return err
	}
	if err := checkShards(o.Shards, o.Runs); err != nil {
		return err
	}
	if o.Parallelism < 0 {
		return fmt.Errorf("--parallelism must be ≥ 0 (0: all shards at once), got %d", o.Parallelism)
	}
	for _, f := range []struct{ flag, v string }{{"--namespace", o.Namespace}, {"--pvc", o.PVC}} {
		if f.v != "" && !dns1123.MatchString(f.v) {
			return fmt.Errorf("%s %s: want a Kubernetes name (lower-case letters, digits, '-' and '.')", f.flag, Clip(f.v))
		}
	}
	for _, p := range []struct{ what, v string }{{"--data-dir", o.DataDir}, {"the trainer program", o.Trainer}} {
		if err := checkPath(p.what, p.v); err != nil {
			return err
		}
	}
	if strings.IndexFunc(o.Image, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return fmt.Errorf("--image %s: holds a space or a control character", Clip(o.Image))
	}
	if o.Image == "" {
		return fmt.Errorf("--image is required: the container image with the lossexp binary")
	}
	if o.Parallelism <= 0 || o.Parallelism > o.Shards {
		o.Parallelism = o.Shards
	}
	if o.BackoffPerIndex < 0 {
		return fmt.Errorf("--backoff-per-index must be ≥ 0")
	}
	return nil
}

// k8sResources returns the pod's requests and limits of --cpu and
// --memory.
func k8sResources(o K8sOptions) (corev1.ResourceList, error) {
	res := corev1.ResourceList{}
	for _, r := range []struct {
		flag, v string
		name    corev1.ResourceName
	}{{"--cpu", o.CPU, corev1.ResourceCPU}, {"--memory", o.Memory, corev1.ResourceMemory}} {
		if r.v == "" {
			continue
		}
		q, err := resource.ParseQuantity(r.v)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.flag, Clip(r.v), err)
		}
		if q.Sign() <= 0 {
			return nil, fmt.Errorf("%s %s: must be more than 0", r.flag, Clip(r.v))
		}
		res[r.name] = q
	}
	return res, nil
}

// k8sPod is the pod of each shard: lossexp sweep --shard auto on the
// spec of ConfigMap cm, writing to the results volume.
func k8sPod(o K8sOptions, cm string, res corev1.ResourceList) corev1.PodSpec {
	out := resultsMount + "/" + o.Name
	args := []string{"sweep", specMount + "/spec.yaml", "--shard", "auto", "--out", out, "--quiet"}
	if o.DataDir != "" {
		args = append(args, "--data-dir", o.DataDir)
	}
	workers := "0"
	if q, ok := res[corev1.ResourceCPU]; ok {
		if v := q.Value(); v >= 1 {
			workers = strconv.FormatInt(v, 10)
		}
	}
	args = append(args, "--workers", workers)
	resultsVol := corev1.Volume{Name: "results"}
	if o.PVC != "" {
		resultsVol.VolumeSource = corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: o.PVC}}
	} else {
		resultsVol.VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
	}
	nonRoot, uid := true, int64(65532)
	return corev1.PodSpec{
		RestartPolicy: corev1.RestartPolicyNever,
		// The image runs as the distroless non-root user; fsGroup
		// lets it write to the results volume.
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &nonRoot, RunAsUser: &uid, FSGroup: &uid},
		Containers: []corev1.Container{{
			Name:    "lossexp",
			Image:   o.Image,
			Command: []string{"lossexp"},
			Args:    args,
			Env: []corev1.EnvVar{
				// JOB_COMPLETION_INDEX is set by Kubernetes for
				// Indexed Jobs; the count comes from here.
				{Name: "LOSSEXP_SHARDS", Value: strconv.Itoa(o.Shards)},
			},
			Resources: corev1.ResourceRequirements{Requests: res, Limits: res},
			VolumeMounts: []corev1.VolumeMount{
				{Name: "spec", MountPath: specMount, ReadOnly: true},
				{Name: "results", MountPath: resultsMount},
			},
		}},
		Volumes: []corev1.Volume{
			{Name: "spec", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: cm}}}},
			resultsVol,
		},
	}
}

// WriteK8s writes the ConfigMap and the Job as one multi-document YAML
// stream, ready for `kubectl apply -f`.
func WriteK8s(w io.Writer, o K8sOptions) error {
	cm, job, err := K8sObjects(o)
	if err != nil {
		return err
	}
	a, err := yaml.Marshal(cm)
	if err != nil {
		return fmt.Errorf("encode configmap: %w", err)
	}
	b, err := yaml.Marshal(job)
	if err != nil {
		return fmt.Errorf("encode job: %w", err)
	}
	header := fmt.Sprintf("# lossexp sweep %s as a Kubernetes Indexed Job: %d shards, %d pods at once.\n"+
		"# Apply with: kubectl apply -f <this file>\n"+
		"# When the Job has completed, build the tables and plots on the results volume:\n"+
		"#   lossexp merge %s/%s\n", o.Name, *job.Spec.Completions, *job.Spec.Parallelism, resultsMount, o.Name)
	if o.Trainer != "" {
		header += fmt.Sprintf("# The spec runs a training command (trainer:, program %s): the image must hold\n"+
			"# lossexp, that program and every file the command and trainer.inputs name. In the\n"+
			"# pod the spec's folder is %s (the ConfigMap), against which relative paths\n"+
			"# resolve: name the code by absolute paths inside the image (e.g. /app/train.py).\n", o.Trainer, specMount)
	}
	_, err = fmt.Fprintf(w, "%s---\n%s---\n%s", header, a, b)
	return err
}

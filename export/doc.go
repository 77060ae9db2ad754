// Package export writes the files that run a lossexp sweep as shards on
// the batch engines researchers already have: a Kubernetes Indexed Job
// (built from the real k8s.io/api types) and a Slurm job array with a
// dependent merge step. Each shard runs `lossexp sweep SPEC --shard auto`,
// which takes its index from JOB_COMPLETION_INDEX (Kubernetes) or
// SLURM_ARRAY_TASK_ID (Slurm) and the shard count from LOSSEXP_SHARDS or
// SLURM_ARRAY_TASK_COUNT, and writes only its own run files into the
// shared results folder; `lossexp merge` then builds the tables and plots.
package export

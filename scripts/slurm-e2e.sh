#!/bin/bash
# The Slurm export end to end on a real one-node Slurm (scripts/slurm-one-node.sh:
# Debian's slurmctld, slurmd and munge; needs root, as in CI).
#
#  1. `lossexp export slurm` a small study (4 shards), `bash OUT/submit.sh`
#     as README says; every array task and the afterok merge must end
#     COMPLETED, and the merged tables equal a local `lossexp sweep` of the
#     same spec byte for byte.
#  2. A second export, one shard at a time (--max-at-once 1): task 3 is
#     cancelled while it waits and task 1 while it runs. The merge must be
#     cancelled (DependencyNeverSatisfied, --kill-on-invalid-dep), not wait
#     forever; `bash OUT/submit.sh 1,3` (README) re-submits the two shards
#     and a new merge, which must complete with the same tables.
#
# Every wait is bounded (SLURM_E2E_TIMEOUT seconds in all, default 240); on
# failure it prints squeue, scontrol's job records, the daemons' logs and the
# jobs' outputs, cancels the jobs it submitted, and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
deadline=$((SECONDS + ${SLURM_E2E_TIMEOUT:-240}))
work=$(mktemp -d /tmp/lossexp-slurm-e2e.XXXXXX)
jobs=() # every job id this script submitted, cancelled on failure

say() { printf 'slurm-e2e: %s\n' "$*"; }
sq() { timeout 10 "$@"; } # a Slurm client never blocks the script for long

diagnostics() {
	say "--- squeue"
	sq squeue -a || true
	say "--- scontrol show job (the jobs this script submitted)"
	for id in "${jobs[@]}"; do sq scontrol show job -o "$id" || true; done
	say "--- slurmctld.log, slurmd.log (last lines)"
	tail -n 30 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log 2>/dev/null || true
	for f in "$work"/*/slurm-logs/*.log; do # "cancel 50% [x] 'q'" too: a glob's results are not globbed again
		[ -e "$f" ] || continue
		say "--- $f"
		tail -n 30 "$f"
	done
}

fail() {
	say "FAIL: $*"
	diagnostics
	if [ ${#jobs[@]} -gt 0 ]; then sq scancel "${jobs[@]}" || true; fi
	exit 1
}
trap 'fail "interrupted"' INT TERM

# states ID: "<task> <state> <reason>" per task of job ID (an array, or one
# job: task "-"), from slurmctld's records (no accounting here: no sacct).
states() {
	sq scontrol show job -o "$1" | while read -r line; do
		task=$(grep -o 'ArrayTaskId=[^ ]*' <<<"$line" | cut -d= -f2)
		st=$(grep -o 'JobState=[^ ]*' <<<"$line" | cut -d= -f2)
		why=$(grep -o ' Reason=[^ ]*' <<<"$line" | cut -d= -f2)
		echo "${task:--} $st $why"
	done | sort
}

# wait_gone ID...: until none of the jobs is pending, running or completing.
wait_gone() {
	while :; do
		left=$(sq squeue -h -j "$(IFS=,; echo "$*")" -t PD,R,CG,CF,S 2>/dev/null | wc -l) || left=1
		[ "$left" -eq 0 ] && return 0
		((SECONDS < deadline)) || fail "jobs $* still queued or running after the time limit"
		sleep 0.5
	done
}

# submit DIR [TASKS]: run DIR/submit.sh as README says (from another
# folder); sets array_id and merge_id from what it prints.
submit() {
	local out
	out=$(cd "$work" && sq bash "$1/submit.sh" ${2:+"$2"}) || fail "bash $1/submit.sh $2: exit $?: $out"
	echo "$out"
	array_id=$(sed -n 's/^submitted shard array \([0-9]*\) .*/\1/p' <<<"$out")
	merge_id=$(sed -n 's/^submitted merge \([0-9]*\),.*/\1/p' <<<"$out")
	[ -n "$array_id" ] && [ -n "$merge_id" ] || fail "submit.sh did not print the job ids: $out"
	jobs+=("$array_id" "$merge_id")
}

# same_tables DIR: DIR's tables and plots are the local sweep's, byte for
# byte, but for what README says holds the shards' seconds (timings.csv,
# cost.csv, the cost plot, report.html).
same_tables() {
	local n=0 f
	for f in "$work/local"/*.csv "$work/local"/*.png "$work/local/spec.yaml"; do
		case "$(basename "$f")" in timings.csv | cost.csv | cost_vs_*.png) continue ;; esac
		cmp "$f" "$1/$(basename "$f")" || fail "$1/$(basename "$f") differs from the local sweep's"
		n=$((n + 1))
	done
	for f in runs.csv summary.csv curves.csv balance.csv paired.csv; do
		[ -s "$1/$f" ] || fail "$1 has no $f"
	done
	say "$1: $n tables and plots identical to the local sweep's"
}

expect_states() { # ID WANT: states ID must print WANT
	got=$(states "$1")
	[ "$got" = "$2" ] || fail "job $1: states
$got
want
$2"
	say "job $1: $(tr '\n' ';' <<<"$got")"
}

say "start a one-node Slurm"
sq bash scripts/slurm-one-node.sh >/dev/null || fail "scripts/slurm-one-node.sh failed"
sq sinfo -h -o '%P %a %D %T %N' >/dev/null || fail "sinfo: the controller does not answer"
say "build lossexp into $work"
go build -o "$work/lossexp" .

# A small study: 5 grid points × 2 repeats, about a second of training a shard.
cat >"$work/spec.yaml" <<'EOF'
name: slurm-e2e
seed: 3
repeats: 2
dataset:
  builtin: moons
  params: {samples: 1500, noise: 0.3}
model: {kind: mlp, hidden: [32], activation: tanh}
train: {optimizer: adam, learning_rate: 0.05, epochs: 300, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: {logspace: {from: 1e-3, to: 1e-1, num: 4}}
report:
  metrics: [test.accuracy, weight_l2]
EOF
say "local sweep (the reference)"
"$work/lossexp" sweep "$work/spec.yaml" --out "$work/local" --quiet --workers 2 >/dev/null

say "1. the whole array and its merge"
"$work/lossexp" export slurm "$work/spec.yaml" --shards 4 --cpus 1 --binary "$work/lossexp" --out "$work/all"
submit "$work/all"
wait_gone "$array_id" "$merge_id"
expect_states "$array_id" "$(printf '%s COMPLETED None\n' 0 1 2 3)"
expect_states "$merge_id" "- COMPLETED None"
same_tables "$work/all"

say "2. one task cancelled while it waits, one while it runs; re-submitted alone"
# A folder name Slurm and glob would act on: % (log file patterns), [ ] and
# a quote; submit.sh and the jobs must take it literally.
cancel="$work/cancel 50% [x] 'q'"
"$work/lossexp" export slurm "$work/spec.yaml" --shards 4 --cpus 1 --max-at-once 1 --binary "$work/lossexp" --out "$cancel"
submit "$cancel"
first_array=$array_id first_merge=$merge_id
sq scancel "${array_id}_3" # pending: one task at a time, and task 0 goes first
while [ -z "$(sq squeue -h -j "${array_id}_1" -t R -o %i 2>/dev/null)" ]; do
	((SECONDS < deadline)) || fail "task 1 never ran"
	sleep 0.1
done
sq scancel "${array_id}_1"
wait_gone "$first_array" "$first_merge"
got=$(states "$first_array")
say "array $first_array: $(tr '\n' ';' <<<"$got")"
# Task 1 may, on a loaded machine, have finished before scancel reached
# it: then only the cancel of task 3 is tested (said so, not failed).
grep -q '^0 COMPLETED' <<<"$got" && grep -q '^1 \(CANCELLED\|COMPLETED\)' <<<"$got" && grep -q '^2 COMPLETED' <<<"$got" ||
	fail "array $first_array: want tasks 0 and 2 COMPLETED and 1 CANCELLED, got
$got"
grep -q '^1 CANCELLED' <<<"$got" || say "note: task 1 finished before the cancel reached it"
# Task 3, cancelled before it ran, may have left no record at all.
! grep -q '^3 \(COMPLETED\|FAILED\)' <<<"$got" || fail "array $first_array: task 3 ran although it was cancelled"
for f in "$cancel/slurm-logs/lossexp-slurm-e2e-${first_array}_1.log"; do
	[ -e "$f" ] && say "the log of task 1 (cancelled while running): $(tr '\n' '|' <"$f")"
done
say "its run store: $(cd "$cancel" && ls runs | tr '\n' ' ')"
expect_states "$first_merge" "- CANCELLED DependencyNeverSatisfied"
[ ! -e "$cancel/runs.csv" ] || fail "the cancelled merge wrote tables"
submit "$cancel" 1,3
wait_gone "$array_id" "$merge_id"
expect_states "$array_id" "$(printf '%s COMPLETED None\n' 1 3)"
expect_states "$merge_id" "- COMPLETED None"
same_tables "$cancel"

trap - INT TERM
[ -n "${SLURM_E2E_KEEP:-}" ] || rm -rf "$work"
say "ok in ${SECONDS}s"

#!/usr/bin/env bash
# mutate.sh: plant known bugs one at a time and show that the tests catch
# each. Every mutant replaces one exact piece of code (a sign, a factor, a
# threshold, an ordering, a tolerance, an atomic write, an off-by-one in a
# statistic, a missing check) in a scratch copy of the repository (the
# tracked files as they are in the working tree), runs the tests of the
# package that should catch it, and reports caught or MISSED. The working
# tree is never touched.
#
#   scripts/mutate.sh              # every mutant (a few minutes on 2 cores)
#   scripts/mutate.sh prox l2      # only the mutants whose names match
#   MUTATE_FULL=1 scripts/mutate.sh   # each package's whole -short suite
#                                     # instead of the tests named per mutant
#
# Exit status: 0 when every mutant is caught, 1 when one is missed, 2 when
# a mutant no longer applies (its code moved: update the table below).
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/lossexp-mutate.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
# The tracked files (and the committed baselines) as they are now.
git ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$scratch")

caught=0 missed=0 stale=0
declare -a report

# mutant NAME FILE PACKAGE TESTS FROM TO
#   FROM must occur in FILE exactly once; TESTS is a go test -run regex
#   (ignored with MUTATE_FULL=1).
mutant() {
	local name=$1 file=$2 pkg=$3 tests=$4 from=$5 to=$6
	if [ "${#filters[@]}" -gt 0 ]; then
		local f hit=0
		for f in "${filters[@]}"; do [[ $name == *"$f"* ]] && hit=1; done
		[ $hit = 1 ] || return 0
	fi
	local path="$scratch/$file" orig
	orig="$(cat "$path"; printf x)"
	orig="${orig%x}"
	local rest="${orig#*"$from"}"
	if [ "$rest" = "$orig" ] || [[ $rest == *"$from"* ]]; then
		report+=("STALE   $name: the code to mutate is not (exactly once) in $file")
		stale=$((stale + 1))
		return 0
	fi
	printf '%s' "${orig/"$from"/"$to"}" >"$path"
	local args=(-short -count=1)
	[ "${MUTATE_FULL:-}" = 1 ] || args+=(-run "$tests")
	local out status
	out="$(cd "$scratch" && timeout 600 go test "${args[@]}" "./$pkg/" 2>&1)"
	status=$?
	printf '%s' "$orig" >"$path"
	if [[ $out == *"[build failed]"* || $out == *"setup failed"* ]]; then
		report+=("STALE   $name: the mutant does not compile")
		stale=$((stale + 1))
		printf '%s\n' "$out" | head -5 >&2
	elif [ $status -ne 0 ]; then
		local first
		first="$(printf '%s\n' "$out" | grep -m1 -E -- '^\s*--- FAIL' | sed 's/^ *//')"
		report+=("caught  $name ($pkg: ${first:-exit $status})")
		caught=$((caught + 1))
	else
		report+=("MISSED  $name ($pkg, -run '$tests')")
		missed=$((missed + 1))
	fi
	printf '%s\n' "${report[-1]}"
}

filters=("$@")

# --- training: penalties, the proximal step, optimizers --------------------
mutant prox-threshold-lambda experiments/train.go experiments 'OneStepByHand' \
	'pp.prox.Prox(w, t.lr*pp.lambda)' 'pp.prox.Prox(w, pp.lambda)'
mutant l2-half-strength-in-trainer experiments/train.go experiments 'OneStepByHand|BatchStepGradient' \
	'pp.pen.AddGrad(t.grad[:t.nw], w, pp.lambda)' 'pp.pen.AddGrad(t.grad[:t.nw], w, pp.lambda/2)'
mutant penalty-on-biases-too experiments/train.go experiments 'OneStepByHand|BatchStepGradient' \
	'pp.pen.AddGrad(t.grad[:t.nw], w, pp.lambda)' 'pp.pen.AddGrad(t.grad, t.param, pp.lambda)'
mutant l2-gradient-sign lossterms/l2.go lossterms '.' \
	'kernel.AddScaled(dst, w, 2*scale)' 'kernel.AddScaled(dst, w, -2*scale)'
mutant l1-prox-threshold-doubled lossterms/l1.go lossterms '.' \
	'a := math.Abs(v) - t' 'a := math.Abs(v) - 2*t'
mutant momentum-dampened experiments/optim/optim.go experiments/optim '.' \
	'v[i] = mu*v[i] + g' 'v[i] = mu*v[i] + (1-mu)*g'
mutant adam-no-bias-correction experiments/optim/optim.go experiments/optim '.' \
	'c1 := 1 / (1 - s.b1t) // bias corrections' 'c1 := 1.0'
mutant gradient-copy-every-5th-step experiments/train.go experiments 'HotLoopDoesNotAllocate/l1_l2' \
	'			t.opt.Step(t.param, t.grad)' '			if steps%5 == 0 { t.grad = append([]float64(nil), t.grad...) }; t.opt.Step(t.param, t.grad)'
mutant logspace-subnormal-log10 experiments/weights.go experiments 'Weight' \
	'if x > 0 && x < 0x1p-1022 {' 'if false {'

# --- statistics and the regression check -----------------------------------
mutant check-band-10x-looser report/check.go report 'Check' \
	'tol.K*se))' 'tol.K*se*10))'
mutant check-se-summed-not-hypot report/check.go report 'Check' \
	'se := math.Hypot(stdErr(bs, bp), stdErr(cs, cp))' 'se := stdErr(bs, bp) + stdErr(cs, cp)'
mutant stderr-off-by-one report/check.go report 'Check' \
	'return st.Std / math.Sqrt(float64(n))' 'return st.Std / math.Sqrt(float64(n-1))'
mutant check-direction-flipped report/check.go report 'Check' \
	'		worse = -pc.Delta' '		worse = pc.Delta'
mutant check-diverged-one-allowed report/check.go report 'Check' \
	'if cp.Diverged > bp.Diverged {' 'if cp.Diverged > bp.Diverged+1 {'
mutant ci-student-t-dof report/summary.go report 'Describe' \
	'Nu: float64(len(x) - 1)' 'Nu: float64(len(x))'
mutant usable-accepts-infinite-std report/check_usable.go report 'Usable' \
	'case math.IsInf(st.Std, 0) || st.Std < 0:' 'case st.Std < 0:'

# --- ordering, atomicity, integrity ------------------------------------------
mutant shards-dealt-shortest-first sweep/shard.go sweep 'Assign|Shard' \
	'			if costs[a] > costs[b] {' '			if costs[a] < costs[b] {'
mutant segment-line-checksum-unchecked sweep/segment.go sweep 'Segment|Torn' \
	'err != nil || want != h {' 'err != nil || (want != h && false) {'
mutant record-checksum-unchecked sweep/store.go sweep 'Checksum' \
	'return verifySum(r, &r.Checksum)' 'return nil'
mutant manifests-not-compared sweep/shard_store.go sweep 'Integrity' \
	'if a.Spec != b.Spec {' 'if false {'

# --- shell safety --------------------------------------------------------------
mutant slurm-echo-unquoted export/slurm.go export 'Hostile' \
	'results in "{{q .Out}}' 'results in {{.Out}}"'
mutant shell-quote-keeps-quote export/slurm.go export 'Hostile' \
	"strings.ReplaceAll(s, \"'\", \`'\\''\`)" 's'
mutant slurm-mem-unchecked export/slurm.go export 'RefusesBadValues' \
	'case o.Memory != "" && !slurmMem.MatchString(o.Memory):' 'case false:'

# --- selection, checks and reporting (added with the cv and check fixes) --------
mutant hypervolume-overflows report/check.go report 'Hypervolumes' \
	'(v/2-lo/2)/(hi/2-lo/2)' '(v-lo)/(hi-lo)'
mutant summary-drops-pooled-se report/summary.go report 'FuzzParseSummary' \
	'pooled[m] = pooled[m] || st.Pooled' 'pooled[m] = pooled[m] && st.Pooled'
mutant check-band-ignores-pooled-se report/check.go report 'PooledSEBand' \
	'	if st.Pooled {' '	if false {'
mutant verify-summary-unpooled report/check_usable.go cmd 'TestCheck_CVBalanceAsReport' \
	's, _, _, err := summarizeRuns(runsPath)' 'runs, err := ReadRuns(runsPath); s := Summarize(runs)'
mutant run-ignores-fold cmd/run.go cmd 'TestRun_SameAsSweep' \
	'data.PrepareFold(o.Repeat, o.Fold)' 'data.Prepare(o.Repeat)'
mutant run-ignores-axes cmd/run.go cmd 'TestRun_SameAsSweep' \
	'		s = s.WithAxes(axes)' '		_ = s.WithAxes(axes)'
mutant lbfgs-ignores-tolerance experiments/train.go experiments 'LBFGSTolerance' \
	't.spec.Train.LBFGSTolerance())' 'DefaultTolerance)'
mutant same-spot-labels-not-merged report/labels.go report 'PointLabels' \
	'd.X*d.X+d.Y*d.Y <= same*same' 'd.X*d.X+d.Y*d.Y < same*same-same*same'

# --- issue 21: memory bounded before loading, CSV quote and pixel range ---
mutant memory-no-heap-slack study/limits.go study 'TestEstimateMemory' \
	'	heapSlack = 1.3' '	heapSlack = 1.0'
mutant memory-one-split-for-all-repeats study/limits.go study 'TestEstimateMemory' \
	'float64(s.Repeats*s.Folds())*splitRow' 'splitRow'
mutant memory-limit-equal-refused study/limits.go study 'TestPlan_MemoryRefusedBeforeReading' \
	'est.Sweep <= float64(l.MaxMemory)' 'est.Sweep < float64(l.MaxMemory)'
mutant memory-judged-after-load study/limits.go study 'TestPlan_MemoryRefusedBeforeReading' \
	'	if train == nil {' '	if true {'
mutant memory-heap-not-bounded study/limits.go study 'TestBoundHeap' \
	'	debug.SetMemoryLimit(limit)' '	_ = limit'
mutant memory-default-from-memtotal study/limits.go study 'TestMemAvailable' \
	'fs[0] == "MemAvailable:"' 'fs[0] == "MemTotal:"'
mutant sniff-counts-dropped-rows experiments/dataset/csv_estimate.go experiments/dataset 'TestSniffCSV' \
	' * float64(t.N) / float64(t.N+t.Dropped)' ''
mutant csv-size-hint-ignored experiments/dataset/csv.go experiments/dataset 'TestReadCSV_SizeHint$' \
	'if t.N == reserveAfter && opt.SizeHint > 0 {' 'if false {'
mutant csv-quote-at-end-of-file experiments/dataset/csv.go experiments/dataset 'TestReadCSV_UnterminatedQuote' \
	'Row: pe.StartLine' 'Row: pe.Line'
mutant image-pixel-over-max experiments/dataset/csv.go experiments/dataset 'TestReadCSV_ImagePixelRange' \
	'!(x >= 0 && x <= im.Max)' '!(x >= 0)'

echo
echo "=== mutation summary: $caught caught, $missed missed, $stale stale (of $((caught + missed + stale)))"
printf '%s\n' "${report[@]}"
[ $stale -eq 0 ] || exit 2
[ $missed -eq 0 ] || exit 1

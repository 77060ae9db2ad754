#!/usr/bin/env bash
# mutate.sh: plant known bugs one at a time and show that the tests catch
# each. Every mutant replaces one exact piece of code (a sign, a factor, a
# threshold, an ordering, a tolerance, an atomic write, an off-by-one in a
# statistic, a missing check) in a scratch copy of the repository (the
# tracked files as they are in the working tree), runs the tests of the
# package that should catch it, and reports caught or MISSED. The working
# tree is never touched.
#
#   scripts/mutate.sh              # every mutant (about half an hour on 2 cores)
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
	'a := T(math.Abs(float64(v))) - tt' 'a := T(math.Abs(float64(v))) - 2*tt'
mutant momentum-dampened experiments/optim/optim.go experiments/optim '.' \
	'v[i] = mu*v[i] + g' 'v[i] = mu*v[i] + (1-mu)*g'
mutant adam-no-bias-correction experiments/optim/optim.go experiments/optim '.' \
	'c1 := 1 / (1 - s.b1t) // bias corrections' 'c1 := 1.0'
mutant gradient-copy-every-5th-step experiments/train32.go experiments 'HotLoopDoesNotAllocate/l1_l2' \
	'	t.opt.Step(t.param, t.grad)' '	t.grad = append([]float64(nil), t.grad...); t.opt.Step(t.param, t.grad)'
mutant logspace-subnormal-log10 spec/weights.go spec 'Weight' \
	'if x > 0 && x < 0x1p-1022 {' 'if false {'

# --- statistics and the regression check -----------------------------------
mutant check-band-10x-looser report/check/check.go report/check 'Check' \
	'tol.K*se))' 'tol.K*se*10))'
mutant check-se-summed-not-hypot report/check/check.go report/check 'Check' \
	'se := math.Hypot(stdErr(bs, bp), stdErr(cs, cp))' 'se := stdErr(bs, bp) + stdErr(cs, cp)'
mutant stderr-off-by-one report/check/check.go report/check 'Check' \
	'return st.Std / math.Sqrt(float64(n))' 'return st.Std / math.Sqrt(float64(n-1))'
mutant check-direction-flipped report/check/check.go report/check 'Check' \
	'		worse = -pc.Delta' '		worse = pc.Delta'
mutant check-diverged-one-allowed report/check/check.go report/check 'Check' \
	'	if cur > base {' '	if cur > base+1 {'
mutant ci-student-t-dof report/table/summary.go report 'Describe' \
	'half := tq(len(x)-1) * st.Std' 'half := tq(len(x)) * st.Std'
mutant usable-accepts-infinite-std report/check/usable.go report/check 'Usable' \
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
mutant hypervolume-overflows report/check/check.go report/check 'Hypervolumes' \
	'(v/2-lo/2)/(hi/2-lo/2)' '(v-lo)/(hi-lo)'
mutant summary-drops-pooled-se report/table/summary.go report/table 'FuzzParseSummary' \
	'pooled[m] = pooled[m] || st.Pooled' 'pooled[m] = pooled[m] && st.Pooled'
mutant check-band-ignores-pooled-se report/check/check.go report/check 'PooledSEBand' \
	'	if st.Pooled {' '	if false {'
mutant verify-summary-unpooled report/check/usable.go cmd 'TestCheck_CVBalanceAsReport' \
	's, _, _, err := table.SummarizeRuns(runsPath)' 'runs, err := table.ReadRuns(runsPath); s := table.Summarize(runs)'
mutant run-ignores-fold study/one.go cmd 'TestRun_SameAsSweep' \
	'st.Plans.At(req.Repeat*max(folds, 1) + req.Fold)' 'st.Plans.At(req.Repeat*max(folds, 1))'
mutant run-ignores-axes study/one.go cmd 'TestRun_SameAsSweep' \
	'Values: pt[k : k+1]})' 'Values: ax.Values[k-k : k-k+1]})'
mutant lbfgs-ignores-tolerance experiments/train.go experiments 'LBFGSTolerance' \
	't.spec.Train.LBFGSTolerance())' 'DefaultTolerance)'
mutant same-spot-labels-not-merged report/figure/labels.go report/figure 'PointLabels' \
	'd.X*d.X+d.Y*d.Y <= same*same' 'd.X*d.X+d.Y*d.Y < same*same-same*same'

# --- issue 21: mgda exact, report ticks, store integrity ---
mutant mgda-no-pairwise-fallback experiments/balance/mgda.go experiments/balance 'MinNorm' \
	'best, from, step := 0.0, -1, 0.0' 'best, from, step := math.Inf(1), -1, 0.0'
mutant mgda-keeps-negative-weights experiments/balance/mgda.go experiments/balance 'MinNorm' \
	'if in[i] != 0 && mu[i] <= 0 {' 'if in[i] != 0 && mu[i] < -1 {'
mutant mgda-stops-at-first-vertex experiments/balance/mgda.go experiments/balance 'MinNorm' \
	'		if xx-ga[t] <= tol {' '		if xx-ga[t] <= tol || true {'
# --- issue 21: slurm export ---
mutant export-files-foreign study/folder.go cmd 'TestExport_ShardsAcceptTheFolder' \
	'e.Type().IsRegular() && slices.Contains(ExportFiles, n), e.IsDir() && n == ExportLogDir:' 'false:'
mutant export-files-removed-by-force study/folder.go cmd 'TestExport_ShardsAcceptTheFolder' \
	'			// export'"'"'s: kept as they are (see ExportFiles)' '			inv.Ours = append(inv.Ours, n)'
mutant slurm-merge-waits-forever export/slurm.go export 'TestWriteSlurm_Resubmit' \
	' --kill-on-invalid-dep=yes <<' ' <<'
mutant slurm-resubmit-unchecked export/slurm.go export 'TestWriteSlurm_Resubmit' \
	'	if ((t > {{.Last}})); then' '	if false; then'
mutant slurm-stdin-spec-accepted cmd/export.go cmd 'TestExport_SlurmStdinRefused' \
	'if !k8s && o.Spec == study.Stdin {' 'if !k8s && o.Spec == study.Stdin+"x" {'
mutant shard-manifests-glob-folder sweep/shard_store.go sweep 'GlobIn' \
	'atomicfile.GlobIn(dir, "shard-*-of-*.json")' 'filepath.Glob(filepath.Join(dir, "shard-*-of-*.json"))'
mutant store-temps-glob-folder sweep/segment.go sweep 'GlobIn' \
	'atomicfile.GlobIn(dir, atomicfile.TempPattern)' 'filepath.Glob(filepath.Join(dir, atomicfile.TempPattern))'
mutant remove-temps-glob-folder internal/atomicfile/atomicfile.go internal/atomicfile 'RemoveTemps' \
	'tmps, _ := GlobIn(dir, TempPattern)' 'tmps, _ := filepath.Glob(filepath.Join(dir, TempPattern))'
mutant manifest-pngs-glob-folder study/folder.go cmd 'TestExport_ShardsAcceptTheFolder' \
	'atomicfile.GlobIn(dir, "*.png")' 'filepath.Glob(filepath.Join(dir, "*.png"))'
mutant slurm-data-dir-relative cmd/export.go cmd 'TestExport_SlurmPathsAbsolute' \
	'	if o.Slurm.DataDir != "" {' '	if false {'
# --- issue 21: nothing outside the folder, nothing of the user's ---------------
mutant inventory-log-folder-all-ours study/folder.go study 'TestFolder_Hostile' \
	'		case e.Type().IsRegular() && sweep.IsLogFile(e.Name()):' '		case true:'
mutant inventory-follows-links study/folder.go study 'TestFolder_Hostile' \
	'	if len(inv.Links) == 0 {' '	if true {'
mutant lock-before-accept study/folder.go study 'TestLockAccepted' \
	$'\t\treturn nil, err\n\t}\n\tl, err := LockFolder' $'\t}\n\tl, err := LockFolder'
mutant lock-not-rechecked study/folder.go study 'TestLockAccepted' \
	$'\tif err := accept(); err != nil {\n\t\tl.Unlock()' $'\tif err := error(nil); err != nil {\n\t\tl.Unlock()'
mutant lock-follows-link study/folder.go study 'TestLockFolder_LinkRefused' \
	'os.O_RDWR|os.O_CREATE|oNoFollow' 'os.O_RDWR|os.O_CREATE'
mutant logs-move-removes-all sweep/store.go sweep 'TestMoveDir' \
	'if st, err := os.Lstat(to); err == nil && !(st.Mode().IsRegular() && IsLogFile(e.Name())) {' 'if st, err := os.Lstat(to); err == nil && st == nil {'
mutant logs-move-follows-link sweep/store.go sweep 'TestMoveDir' \
	'	case !st.IsDir():' '	case !st.IsDir() && false:'
mutant figure-name-unescaped report/figure/figwriter.go report 'HostileMetricNames' \
	'filepath.Join(fw.dir, FigureFileName(name))' 'filepath.Join(fw.dir, name)'
mutant figure-name-collides report/figure/figwriter.go report 'TestFigureFileName' \
	"c == '/' || c == '\\\\' || c == '%' ||" "c == '/' || c == '\\\\' ||"
mutant validate-dotdot-segment spec/validate.go spec 'NamesThatBecomeFiles' \
	'seg == "" || seg == "." || seg == ".."' 'seg == "" || seg == "."'


# --- issue 21: only regular files are read, reads and loads honour signals ---
mutant reads-open-blocks-on-fifo internal/saferead/saferead.go internal/saferead 'TestOpen_ChecksTheOpenFile' \
	'os.O_RDONLY|syscall.O_NONBLOCK' 'os.O_RDONLY|0*syscall.O_NONBLOCK'
mutant reads-no-fstat-after-open internal/saferead/saferead.go internal/saferead 'TestOpen_ChecksTheOpenFile' \
	'if !st.Mode().IsRegular() { // swapped in after the stat' 'if false {'
mutant reads-reader-ignores-ctx internal/saferead/saferead.go internal/saferead 'TestReader_StopsOnCancel' \
	'if c.ctx.Err() != nil {' 'if false {'
mutant reads-stdin-read-not-cancellable internal/saferead/saferead.go internal/saferead 'TestReadAll_CancelledWhileBlocked' \
	'case <-ctx.Done():' 'case <-make(chan struct{}):'
mutant reads-spec-bound-doubled internal/saferead/saferead.go cmd 'TestReads_SpecFromStdinBound' \
	'const MaxSpecBytes = 4 << 20' 'const MaxSpecBytes = 8 << 20'
mutant reads-sigterm-exits-130 cmd/signal.go cmd 'TestMain_SignalNeverExitsZero' \
	'if e.Signal == syscall.SIGTERM {' 'if false {'
mutant reads-signal-after-work-exits-0 cmd/root.go cmd 'TestMain_SignalNeverExitsZero' \
	'		if in := interruptedBy(ctx); in != nil {' '		if in := interruptedBy(ctx); false && in != nil {'
mutant reads-second-signal-swallowed cmd/signal.go cmd 'TestSignals_SecondSignalEndsAtOnce' \
	'signal.Stop(ch) // a second signal has its default action' '// swallowed'
mutant reads-csv-load-not-cancellable experiments/dataset/csv.go experiments 'TestOpenDataContext_CancelStopsTheCSVLoad' \
	'return ReadCSV(saferead.Reader(ctx, f), path, opt)' 'return ReadCSV(f, path, opt)'
mutant reads-inputs-follow-links-out spec/trainer.go experiments 'TestHashInputs_LinksOutOfAFolder' \
	'case !within(root, target):' 'case !within(root, target) && false:'
mutant reads-inputs-folder-fifo-skipped spec/trainer.go cmd 'TestReads_OnlyRegularFiles' \
	'return &saferead.NotRegularError{Path: path, Mode: e.Type()}' 'return nil'
mutant reads-store-opens-fifo sweep/segment.go cmd 'TestReads_StoreSegmentNotRegular/fifo' \
	'f, err := saferead.Open(path)' 'f, err := os.Open(path)'
# --- issue 21: memory bounded before loading, CSV quote and pixel range ---
mutant memory-no-heap-slack study/limits.go study 'TestEstimateMemory' \
	'	heapSlack = 1.3' '	heapSlack = 1.0'
mutant memory-one-split-for-all-repeats study/limits.go study 'TestEstimateMemory' \
	'float64(s.Repeats*s.Folds())*splitRow' 'splitRow'
mutant memory-limit-equal-refused study/limits.go study 'TestPlan_MemoryRefusedBeforeReading' \
	'est.Sweep <= float64(l.MaxMemory)' 'est.Sweep < float64(l.MaxMemory)'
mutant memory-judged-after-load study/limits.go study 'TestPlan_MemoryRefusedBeforeReading' \
	'		train, test = experiments.SniffData(s, dirs)' '		train, test = nil, nil'
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
# --- issue 21: supervisor, metrics.jsonl, program check ---
mutant i21-sup-no-subreaper internal/supervise/supervise_linux.go experiments/command 'TestRun_Tree' \
	'syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)' 'syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 0, 0)'
mutant i21-sup-no-session internal/supervise/supervise_linux.go experiments/command 'TestRun_Tree' \
	'Sys:   &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL},' 'Sys:   &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL},'
mutant i21-sup-eof-ignored internal/supervise/supervise_linux.go experiments/command 'TestRun_Kill9' \
	'				s.killAll()' '				_ = s'
mutant i21-sup-quiet-lies internal/supervise/supervise_linux.go experiments/command 'TestRun_Tree' \
	'if a := s.attempts[pid]; a == nil || a.done {' 'if a := s.attempts[pid]; a != nil && a == nil {'
mutant i21-sup-escapee-unreported internal/supervise/supervise_linux.go experiments/command 'TestRun_Tree' \
	'Seconds: a.end.Sub(a.start).Seconds(), Escaped: stillRunning(a.escaped)})' 'Seconds: a.end.Sub(a.start).Seconds()})'
mutant i21-sup-orphan-env-exact internal/supervise/supervise_linux.go experiments 'TestTrainCommand_TreeStopped' \
	'if !have[e] && !shellOwned(e) {' 'if !have[e] {'
mutant i21-metrics-fifo-blocks experiments/train_command.go experiments 'TestTrainCommand_MetricsNotAFile' \
	'	f, err := saferead.Open(path)
	var nr' '	f, err := os.Open(path)
	var nr'
mutant i21-metrics-not-regular-read experiments/train_command.go experiments 'TestTrainCommand_MetricsNotAFile' \
	'	if errors.As(err, &nr) {
		// Named by its base name' '	if false {
		// Named by its base name'
mutant i21-program-no-x-check experiments/command/program.go experiments 'TestTrainerSpec_ProgramRefused' \
	'if !executable(p, st) {' 'if false {'
mutant i21-program-any-machine experiments/command/program.go experiments 'TestTrainerSpec_ProgramRefused' \
	'ok = ok || ef.Machine == m' 'ok = ok || m != 0'
mutant i21-program-interp-unchecked experiments/command/program.go experiments 'TestTrainerSpec_ProgramRefused' \
	'if err := checkProgram(interp, dir, depth+1); err != nil {' 'if err := error(nil); err != nil {'
mutant i21-program-loader-unchecked experiments/command/program.go experiments 'TestTrainerSpec_ProgramRefused' \
	'if _, err := os.Stat(loader); err != nil {' 'if false {'
mutant i21-program-any-format experiments/command/program.go experiments 'TestTrainerSpec_ProgramRefused' \
	'return bad("%s is neither a binary (ELF) nor a script starting with #! (exec would say: exec format error)", p)' 'return nil'
# --- issue 21: single-λ terms, durations, cache-dir, fetch cache path, interrupted message, baselines ---
mutant single-lambda-default-x spec/validate.go cmd 'TestSweep_SingleLambdaTerm' \
	'if len(s.Loss.Terms[i].Weight.Values) > 1 {' 'if len(s.Loss.Terms[i].Weight.Values) > 0 {'
mutant single-lambda-report-x-accepted spec/validate.go cmd 'TestSweep_SingleLambdaTerm' \
	'len(s.Loss.Terms[swept[i]].Weight.Values) == 1 {' 'len(s.Loss.Terms[swept[i]].Weight.Values) == 0 {'
mutant duration-range-called-not-a-duration spec/trainer.go experiments 'TestTrainerSpec_Refused' \
	'err != nil && durationRE.MatchString(s)' 'err != nil && false'
mutant cache-dir-setting-ignored cmd/datasets.go cmd 'TestCacheDirSetting_ReachesData' \
	'if d := v.GetString("cache-dir"); d != "" {' 'if d := ""; d != "" {'
mutant cache-dir-flag-unbound-in-validate cmd/validate.go cmd 'TestCacheDirSetting_ReachesData' \
	'bind(v, c, "workers", "data-dir", "cache-dir")' 'bind(v, c, "workers", "data-dir")'
mutant cache-dir-not-passed-down experiments/run.go cmd 'TestCacheDirSetting_ReachesData' \
	'cache := dirs.Cache' 'cache := ""'
mutant fetch-cache-path-unchecked datasets/fetch.go cmd 'TestDatasetsFetch_CachePathNotAFolder' \
	'if err := checkCachePath(CachePath(cache, r.Files[i].Path)); err != nil {' 'if err := checkCachePath(CachePath(cache, r.Files[i].Path)); err != nil && i < 0 {'
mutant fetch-cache-file-as-folder datasets/fetch.go cmd 'TestDatasetsFetch_CachePathNotAFolder' \
	'if fi, err := os.Stat(dst); err == nil && !fi.Mode().IsRegular() {' 'if fi, err := os.Stat(dst); err == nil && fi.Mode().IsRegular() {'
mutant interrupted-claims-report-drawn study/sweep.go cmd 'TestSweep_InterruptedAfterTraining' \
	'oc.Rendered = err == nil' 'oc.Rendered = true'
mutant check-backend-former-name study/check.go cmd 'TestBaseline_StableSourceAndBackendName' \
	'model.CanonicalBackend(m.BLAS) != model.CanonicalBackend(info.BLAS)' 'model.CanonicalBackend(m.BLAS) != info.BLAS'
mutant baseline-source-results-folder study/baseline.go cmd 'TestBaseline_StableSourceAndBackendName' \
	'info.Source = stableSource(m.SpecFile, results)' 'info.Source = results'
mutant resume-forgets-cache-dir cmd/sweep.go cmd 'TestResumeCommand_CacheDir' \
	'o.Cache != "" && (err != nil || o.Cache != def)' 'o.Cache == "-" && (err != nil || o.Cache != def)'

# --- issue 21: integration (export k8s -) ---
mutant export-k8s-stdin-read-as-path cmd/root.go cmd 'TestExport_K8sSpecFromStdin' \
	'	if path == study.Stdin {
		return readSpecInput(ctx, streams)' '	if false {
		return readSpecInput(ctx, streams)'
mutant ticks-flat-default-panics report/figure/ticks.go report/figure 'LinTicks|ExtremeValues' \
	'	if hi == lo {' '	if hi == lo { return plot.DefaultTicks{}.Ticks(lo, hi) }; if false {'
mutant ticks-overflowing-span report/figure/ticks.go report/figure 'LinTicks' \
	'if math.IsInf(e, 0) {' 'if false {'
mutant pad-flat-off report/figure/ticks.go report/figure 'PadFlat' \
	'v == a.Max && v-1 == v' 'false && v == a.Max && v-1 == v'
mutant figure-panic-not-recovered report/figure/plot.go report/figure 'PanicIsAnError' \
	'if r := recover(); r != nil {' 'if r := any(nil); r != nil {'
mutant atomic-temp-kept-on-panic internal/atomicfile/atomicfile.go internal/atomicfile 'PanicOfTheCallback' \
	'if err != nil || !done {' 'if err != nil || !done && false {'
mutant store-conflict-silent sweep/segment.go sweep 'ConflictingRecords' \
	'if ra.Status != rb.Status || !sameFloats(ra.Metrics, rb.Metrics) {' 'if false {'
mutant store-conflict-failed-rerun sweep/segment.go sweep 'ConflictingRecords' \
	'a.failed() || b.failed() {' 'false {'
mutant store-where-no-lines sweep/segment.go sweep 'ConflictingRecords|BadPayload' \
	'				line++' '				line += 0'
mutant store-bad-payload-no-cure sweep/segment.go sweep 'BadPayload' \
	'if checkLine(b) != nil { // changed since the store was read' 'if true {'
mutant store-conflict-not-noted study/train.go cmd 'ConflictingRecordsNoted' \
	'sweep.NoteConflicts(opt.Log, store)' '_ = store'

mutant report-keeps-stale-temps study/report.go cmd 'TestReport_RemovesStaleTemps' \
	'	atomicfile.RemoveTemps(dir)' '	_ = dir'

mutant panic-exits-input cmd/root.go cmd 'TestGuard' \
	'			code = ExitFailure' '			code = ExitInput'

# --- issue 23: run folders and log staging in runs/tmp ---
mutant scratch-attempts-in-tmpdir experiments/train_command.go experiments 'TrainCommand_Scratch' \
	'if d := scratchDir(ctx); d != "" {' 'if d := scratchDir(ctx); false && d != "" {'
mutant scratch-shard-removes-live-owner study/scratch.go study 'SweepScratch_Rules' \
	'if flock(f, true) != nil {' 'if false {'
mutant scratch-shard-removes-born study/scratch.go study 'SweepScratch_Rules' \
	'continue // being born' '// being born'
mutant scratch-kept-on-close study/scratch.go study 'SweepScratch_Rules' \
	'err := os.RemoveAll(s.dir)' 'err := error(nil)'
mutant scratch-not-swept-by-sweep study/scratch.go study 'Sweep_ScratchLeftovers' \
	'SweepScratch(root, "", exclusive)' 'SweepScratch(root, "-", exclusive)'
mutant scratch-link-not-listed study/folder.go study 'Inventory_Scratch' \
	'(e.Name() == sweep.LogsDir || e.Name() == ScratchDir)' '(e.Name() == sweep.LogsDir)'
mutant scratch-foreign study/folder.go study 'Inventory_Scratch|Folder_Hostile' \
	'inv.Scratch = true // never looked into' 'inv.Foreign = append(inv.Foreign, rel) // never looked into'
mutant scratch-shard-removes-all study/shard.go study 'Shard_ScratchOfLiveShardKept' \
	'openRunScratch(out, st, false, log)' 'openRunScratch(out, st, true, log)'
mutant scratch-merge-not-swept study/merge.go study 'Shard_ScratchOfLiveShardKept' \
	'sweepRunScratch(out, true, opt.Log)' 'sweepRunScratch(out, false, opt.Log)'
mutant scratch-run-out-ignored cmd/run.go cmd 'TestRun_OutScratch' \
	'	if out != "" {' '	if false {'
mutant scratch-path-in-reason experiments/train_command.go experiments 'ReasonWithoutRunDir' \
	'a.reason = strings.ReplaceAll(a.reason, dir, "$"+command.EnvRunDir)' '_ = dir'
mutant scratch-run-keeps-temp cmd/run.go cmd 'TestRun_NoTempLeft' \
	'defer release() // on every return' '_ = release // on every return'
mutant scratch-run-no-stale-sweep cmd/run.go cmd 'TestRun_NoTempLeft' \
	'study.SweepScratch(os.TempDir(), runScratchPrefix, false)' 'study.SweepScratch(os.TempDir(), runScratchPrefix+"-", false)'

mutant scratch-relative-run-dir study/scratch.go cmd 'TestTrainer_RelativeOut' \
	'	root, err := filepath.Abs(root)' '	root, err := root, error(nil)'
# --- issue 22: balancing methods registered, not switched ---
mutant balance-dwa-default-T experiments/balance/dwa.go experiments/balance 'DefaultTemperature' \
	'Name: "T", Value: 2,' 'Name: "T", Value: 3,'
mutant balance-gradnorm-default-alpha experiments/balance/gradnorm.go experiments/balance 'DefaultAlpha' \
	'Name: "alpha", Value: 1.5,' 'Name: "alpha", Value: 2,'
mutant balance-gradnorm-default-layer-first experiments/balance/gradnorm.go experiments 'TestGradNorm_Layer' \
	'g.lo, g.hi = s.Layers[last][0], s.Layers[last][1]' 'g.lo, g.hi = s.Layers[0][0], s.Layers[0][1]'
mutant balance-defaults-not-filled experiments/balance/balance.go experiments/balance 'DefaultTemperature|DefaultAlpha' \
	'!ok && !math.IsNaN(p.Value) {' '!ok && false {'
mutant balance-lr-param-ignored experiments/balance/balance.go experiments/balance 'DefaultAlpha' \
	'lr, ok := s.Params["lr"]' 'lr, ok := s.Params["learning_rate"]'
mutant balance-listing-order experiments/balance/balance.go experiments/balance 'Listing' \
	'return e.info.Order - o' 'return o - e.info.Order'
mutant balance-weigh-skipped experiments/train_balance.go experiments 'TestBalanceStep_GradientOfWeightedObjective' \
	'	b.method.Weigh(b.w)' '	_ = b.w'
mutant balance-epoch-means-lost experiments/train_balance.go experiments 'DWAWeighsByEpochMeans' \
	'	b.method.EndEpoch(b.mean)' '	_ = b.mean'
mutant balance-shared-only-ignored experiments/train_balance.go experiments 'TestBalanceStep_SharedOnly' \
	'if shared || !b.info.SharedOnly {' 'if shared || true {'
mutant balance-gram-not-shared experiments/balance/balance.go experiments/balance 'TestStep_Gram' \
	'for _, r := range s.Shared {' 'for _, r := range [][2]int{{0, len(s.Grad[0])}} {'
mutant balance-param-range-unchecked spec/balance_spec.go experiments 'TestParse_Balance' \
	'v.inRange(pf, x, p.In(x), p.Valid)' 'v.inRange(pf, x, true, p.Valid)'
mutant balance-linear-layer-unchecked spec/balance_spec.go experiments 'TestParse_Balance' \
	'if p.Layer && x > float64(h) {' 'if p.Layer && s.Model.Kind != "linear" && x > float64(h) {'
# --- issue 22: metric values placed by name, not position ---
mutant metric-epochs-run-by-position experiments/train_command.go experiments 'EpochsRunByName' \
	'if i := slices.Index(names, lossterms.EpochsRun); i >= 0 {' 'if i := slices.Index(names, lossterms.EpochsRun)*0 + len(names) - 1; i >= 0 {'
mutant metric-epochs-run-command-by-position experiments/train_command.go experiments 'EpochsRunByName' \
	'res.Metrics[i] = epochsRun(&a)' 'res.Metrics[len(names)-1] = epochsRun(&a)'
# --- issue 22: cmd talks to study (report, baseline, check, export) ---
mutant manifest-read-blocks-on-fifo study/folder.go study 'TestReadManifest_FIFONoHang' \
	'b, err := saferead.ReadFile(path, maxManifestBytes)' 'b, err := os.ReadFile(path); _ = saferead.ReadFile'
mutant plot-options-spec-over-flag study/report.go study 'TestPlotOptions' \
	'	if opt.X == "" {' '	if opt.X != "-" {'
mutant outline-wrong-program study/outline.go study 'TestOutlineOf' \
	'o.Trainer = s.Trainer.Command[0]' 'o.Trainer = s.Trainer.Command[1]'
mutant parse-shard-auto-literal study/shard.go study 'TestParseShard' \
	'	if v == "auto" {' '	if v == "AUTO" {'
mutant is-input-misses-csv study/errors.go study 'TestIsInput' \
	'return errors.As(err, &fe) || errors.As(err, &ce) ||' 'return errors.As(err, &fe) || (ce != nil && errors.As(err, &ce)) ||'
# --- issue 22: duplicates (one did-you-mean, one result constructor) ---
mutant i22-report-metric-no-did-you-mean study/plan.go study 'TestCheckReportMetrics_DidYouMean' \
	'if c := spec.Suggest(m, have); c != "" {' 'if c := ""; c != "" {'
mutant i22-new-result-drops-fold experiments/result.go experiments 'TestNewResult' \
	'		Fold:    run.Fold,' ''

# --- issue 23: lossexp run exits 1 for a failed run ---
mutant run-failed-exits-0 cmd/run.go cmd 'TestRun_ExitByStatus' \
	'	if res.Status != study.StatusFailed {' '	if true {'

# --- issue 23: fail fast (trainer.max_failures) and the progress line ---
mutant failfast-never-stops study/train.go study 'TestFailFast_Rule' \
	'	if f.n == f.limit {' '	if f.n == f.limit+1 {'
mutant failfast-streak-anywhere study/train.go study 'TestFailFast_Rule' \
	'		f.n = -1' '		f.n = 0'
mutant failfast-default-off spec/trainer.go cmd 'TestSweep_FailFast$' \
	'const DefaultMaxFailures = 3' 'const DefaultMaxFailures = 0'
mutant failfast-in-result-hash spec/trainer.go experiments 'TestTrainer_MaxFailures' \
	'MaxFailures *int `json:"-"`' 'MaxFailures *int'
mutant progress-failed-as-diverged cmd/progress.go cmd 'TestProgress_FailedApart' \
	'		p.failed++' '		p.diverged++'

# --- issue 22: report functions under 60 lines (summary columns and figures as tables) ---
mutant i22-summary-ci-columns-swapped report/table/summary_read.go report/table 'Summary|Check|Usable' \
	'{SuffixCILow, func(st *Stat) *float64 { return &st.CILow }},' '{SuffixCILow, func(st *Stat) *float64 { return &st.CIHigh }},'
mutant i22-summary-se-not-pooled report/table/summary_read.go report/table 'Summary|Check|Usable' \
	'st.Pooled = cols[statSE] >= 0' 'st.Pooled = false'
mutant i22-figure-family-wrong-section report/figure/registry.go report 'TestRender_Analysis$' \
	'gradFigures, SectionGrad,' 'gradFigures, SectionCost,'
mutant i22-figure-family-dropped report/figure/registry.go report 'TestRender_Analysis$' \
	'	{"heatmaps over two swept terms", heatmapFigures, SectionTradeoff, "heat_*.png"},' ''
mutant i22-sample-kind-file-name report/figure/samples_plot.go report/figure 'TestSampleKinds' \
	'{"samples_temporal.png", sequencePanel}' '{"samples_sequence.png", sequencePanel}'
mutant i22-metric-series-ref-dropped report/figure/plot.go report 'Plot|Figure' \
	'		if f.logX && x == 0 {
			sr.ref = &st' '		if false && f.logX && x == 0 {
			sr.ref = &st'
mutant i22-methods-static-cost-kept report/table/methods.go report 'TestMethods_Cost' \
	'	b.staticMean = mean(staticSecs)' '	b.staticMean = math.NaN()'
# --- issue 22: cmd imports study only; lossexp run is the sweep's one-run plan ---
mutant i22-cmd-imports-experiments cmd/version.go cmd 'TestCmd_ImportsStudyOnly' \
	'import (' 'import (
	_ "github.com/lossexp/lossexp/experiments"'
mutant i22-run-plans-repeat-0 study/one.go cmd 'TestRun_SameAsSweep' \
	'st.Plans.At(req.Repeat*max(folds, 1) + req.Fold)' 'st.Plans.At(req.Fold)'
mutant i22-protocol-env-unlisted experiments/command/protocol.go experiments 'TestCommandLine_ProtocolNames' \
	'EnvRunDir, EnvParams, EnvAttempt, EnvEpochs' 'EnvRunDir, EnvParams, EnvEpochs'
# --- issue 23: the strict trainer protocol, its thinning bound, attempt numbering ---
mutant proto-quoted-number-read experiments/command/metrics.go experiments/command 'TestParseMetrics_Strict' \
	'return 0, fmt.Errorf("%q must be a JSON number, got %s (%s)", key, shown(raw), jsonKind(raw))' 'return 0, nil'
mutant proto-epoch-any-number experiments/command/metrics.go experiments/command 'TestParseMetrics_Strict' \
	'case key == keyEpoch && (!whole || v < 1):' 'case key == keyEpoch && v < 0:'
mutant proto-epoch-may-repeat experiments/command/metrics.go experiments 'TestTrainCommand_StrictProtocol' \
	'prev.No > 0 && e <= p' 'prev.No > 0 && e < p'
mutant proto-duplicate-keys experiments/command/metrics.go experiments/command 'TestParseMetrics_Strict' \
	'		if seen[k] {' '		if false {'
mutant proto-epochs-run-negative experiments/command/metrics.go experiments 'TestTrainCommand_StrictProtocol' \
	'case key == lossterms.EpochsRun && (!whole || v < 0):' 'case key == lossterms.EpochsRun && !whole:'
mutant proto-keys-not-names experiments/command/metrics.go experiments/command 'TestParseMetrics_Strict' \
	'if err := CheckMetricName(m.key); err != nil {' 'if err := CheckMetricName("x"); err != nil {'
mutant proto-name-any-char experiments/command/names.go experiments/command 'TestParseMetrics_Strict' \
	'	if !ok {' '	if false {'
mutant proto-name-dotdot experiments/command/names.go experiments 'TestTrainCommand_StrictProtocol' \
	'if seg == "" || seg == "." || seg == ".." {' 'if seg == "" || seg == "." {'
mutant proto-name-long experiments/command/names.go experiments/command 'TestParseMetrics_Strict' \
	'if len(name) > MaxMetricName {' 'if len(name) > 2*MaxMetricName {'
mutant proto-validate-skips-names spec/trainer.go spec 'TestSpec_NamesThatBecomeFiles' \
	'case command.CheckMetricName(m.Name) != nil:' 'case false:'
mutant thin-bound-doubled experiments/command/metrics.go experiments/command 'TestParseMetrics_Thinned' \
	'if len(t.kept) >= MaxEpochs {' 'if len(t.kept) >= 2*MaxEpochs {'
mutant thin-drops-last experiments/command/metrics.go experiments 'TestTrainCommand_ThinnedCurve' \
	'return append(t.kept, t.last), t.n, max(t.stride, 1)' 'return t.kept, t.n, max(t.stride, 1)'
mutant thin-misses-nan experiments/command/metrics.go experiments 'TestTrainCommand_ThinnedCurve' \
	'if rep.NonFinite == nil && nonFinite(ln, opt.Watch) {' 'if rep.NonFinite == nil && nonFinite(ln, opt.Watch) && ln.No%2 == 1 {'
mutant thin-keeps-wide-lines experiments/command/metrics.go experiments/command 'TestParseMetrics_Thinned' \
	'th.add(pick(ln, opt.Curve))' 'th.add(ln)'
mutant thin-no-note experiments/train_command.go experiments 'TestTrainCommand_ThinnedCurve' \
	'	if rep.Thinned() {' '	if false {'
mutant thin-epochs-run-kept-only experiments/train_command.go experiments 'TestTrainCommand_ThinnedCurve' \
	'a.epochs = rep.EpochLines' 'a.epochs = len(rep.Epochs)'
mutant attempt-restarts-at-1 experiments/attempts.go cmd 'TestTrainer_AttemptsContinue' \
	'	return last + 1' '	return 1'
mutant attempt-sweep-forgets-kept-logs study/scratch.go cmd 'TestTrainer_AttemptsContinue' \
	's.logs = filepath.Join(dir, sweep.StoreDir, sweep.LogsDir)' 's.logs = ""'
mutant attempt-cmd-log-whole-env experiments/attempts.go experiments 'TestTrainCommand_CmdLog' \
	'set || strings.HasPrefix(key, "LOSSEXP_")' 'set || key != ""'
# --- issue 23: report.task_metric and honest selection for a trainer ---
mutant taskmetric-lower-as-higher report/table/analysis.go cmd 'TestTrainer_TaskMetric$' \
	'BetterHigher(sp, name) != "lower", Why: why}' 'BetterHigher(sp, name) != "lowr", Why: why}'
mutant taskmetric-name-ignored spec/taskmetric.go cmd 'TestTrainer_TaskMetric$' \
	'		cands, by = []string{named}, TaskByName' '		by = TaskByName'
mutant taskmetric-test-split-accepted spec/taskmetric.go cmd 'TestTrainer_TaskMetricRefused' \
	'	if name == "" || !ok || got == split {' '	if name == "" || !ok || got != "" {'
mutant taskmetric-unknown-accepted spec/taskmetric.go cmd 'TestTrainer_TaskMetricRefused' \
	'		if slices.Contains(avail, tm) {' '		if tm != "" {'
mutant taskmetric-trainer-split-last spec/taskmetric.go spec 'TestSpec_TaskMetric' \
	'		if named != "" || s == nil || s.Trainer == nil {' '		if true {'
mutant taskmetric-not-checked study/plan.go cmd 'TestTrainer_TaskMetricRefused' \
	'	if err := s.CheckTaskMetric(layout.Metrics); err != nil {' '	if err := s.CheckTaskMetric(layout.Metrics); false && err != nil {'
# --- issue 26: the rules of the newer code (study, trainer command, balancing, methods, store, CSV warnings) ---
mutant i26-inventory-spec-is-results study/folder.go study 'TestInventory_EveryKnownName' \
	'	if n != SpecFile {' '	if true {'
mutant i26-inventory-temp-without-dot study/folder.go study 'TestInventory_EveryKnownName' \
	'strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")' 'strings.Contains(name, ".tmp-")'
mutant i26-inventory-export-any-type study/folder.go study 'TestInventory_EveryKnownName' \
	'e.Type().IsRegular() && slices.Contains(ExportFiles, n), e.IsDir() && n == ExportLogDir:' 'slices.Contains(ExportFiles, n), n == ExportLogDir:'
mutant i26-inventory-shard-any-suffix study/folder.go study 'TestInventory_EveryKnownName' \
	'strings.HasPrefix(name, "shard-") && strings.HasSuffix(name, ".json")' 'strings.HasPrefix(name, "shard-")'
mutant i26-inventory-samples-foreign study/folder.go study 'TestInventory_EveryKnownName' \
	'LockFile, table.SamplesFile}' 'LockFile}'
mutant i26-sweep-lock-shared study/sweep.go study 'LockExclusiveSeenFromAnotherProcess' \
	'"lossexp sweep "+st.Spec.Name, true,' '"lossexp sweep "+st.Spec.Name, false,'
mutant i26-report-lock-shared study/report.go study 'TestReport_LockExclusive' \
	'LockFolder(dir, "lossexp report", true)' 'LockFolder(dir, "lossexp report", false)'
mutant i26-lock-never-refuses study/folder.go study 'LockedFolderForcedAndKilledHolder' \
	'	if err := flock(f, exclusive); err != nil {' '	if err := flock(f, exclusive); err != nil && false {'
mutant i26-max-runs-equal-refused study/limits.go study 'TestCountRuns_Boundary' \
	'if total <= float64(max) {' 'if total < float64(max) {'
mutant i26-max-runs-methods-uncounted study/limits.go study 'TestCountRuns_Boundary' \
	'gridPoints += methods' 'gridPoints += 0 * methods'
mutant i26-max-runs-blames-grid-at-limit study/limits.go study 'TestCountRuns_Boundary' \
	'case float64(gridPoints)*axes > float64(max):' 'case float64(gridPoints)*axes >= float64(max):'
mutant i26-max-runs-folds-uncounted study/limits.go study 'TestCountRuns_Boundary' \
	'float64(s.Repeats) * float64(s.Folds())' 'float64(s.Repeats)'
mutant i26-memory-one-table-with-test-file study/limits.go study 'TestEstimateMemory' \
	'loadRow = max(loadRow, 2*tableRow)' 'loadRow = max(loadRow, tableRow)'
mutant i26-memory-split-no-aux study/limits.go study 'TestEstimateMemory' \
	'8*d + 8*t + 8*a + 8*g' '8*d + 8*t + 8*g'
mutant i26-memory-table-no-aux study/limits.go study 'TestEstimateMemory' \
	'12*g + 8*a' '12*g'
mutant i26-memory-splits-no-folds study/limits.go study 'TestEstimateMemory' \
	'float64(s.Repeats*s.Folds())*splitRow' 'float64(s.Repeats)*splitRow'
mutant i26-memory-one-worker study/limits.go study 'TestEstimateMemory' \
	'float64(workers)*perRun' 'perRun'
mutant i26-diverged-epoch-nan-only experiments/train_command.go experiments 'TestJudge_Rules' \
	'ok && (math.IsNaN(v) || math.IsInf(v, 0))' 'ok && math.IsNaN(v)'
mutant i26-diverged-final-nan-only experiments/train_command.go experiments 'TestJudge_Rules' \
	'if v := a.final[m.Name]; math.IsNaN(v) || math.IsInf(v, 0) {' 'if v := a.final[m.Name]; math.IsNaN(v) {'
mutant i26-diverged-task-loss-unchecked experiments/train_command.go experiments 'TestJudge_Rules' \
	'[]string{"loss.total", "loss.task"}' '[]string{"loss.total"}'
mutant i26-diverged-retried experiments/train_command.go experiments 'TestTrainCommand_AttemptsPerOutcome' \
	'		if a.status != StatusFailed {' '		if a.status == StatusOK {'
mutant i26-command-seed-32-bits experiments/train_command.go experiments 'TestCommandSeed_Range' \
	'return RepeatSeed(seed, repeat) >> 33' 'return RepeatSeed(seed, repeat) >> 32'
mutant i26-metrics-overflow-sign experiments/command/metrics.go experiments/command 'TestParseMetrics_SignsAndFinal' \
	'		v, _ = strconv.ParseFloat(s, 64)' '		v, _ = strconv.ParseFloat(s, 64); v = math.Abs(v)'
mutant i26-metrics-final-false-is-final experiments/command/metrics.go experiments/command 'TestParseMetrics_SignsAndFinal' \
	'			if json.Unmarshal(m.raw, &final) != nil {' '			if final = true; json.Unmarshal(m.raw, new(bool)) != nil {'
mutant i26-gradnorm-floor-not-scaled experiments/balance/gradnorm.go experiments/balance 'FlooredStep|Renormalize_Floor' \
	'floor := WeightFloor * total' 'floor := WeightFloor'
mutant i26-gradnorm-floor-misses-nan experiments/balance/gradnorm.go experiments/balance 'Renormalize_Floor' \
	'if !(v >= floor) {' 'if v < floor {'
mutant i26-gradnorm-floor-value experiments/balance/gradnorm.go experiments/balance 'FlooredStep|Renormalize_Floor' \
	'const WeightFloor = 1e-6' 'const WeightFloor = 1e-4'
mutant i26-gradnorm-tie-moves experiments/balance/gradnorm.go experiments/balance 'GradNormGrad_Ties' \
	'		case d > 0:' '		case d >= 0:'
mutant i26-gradnorm-zero-rate experiments/balance/gradnorm.go experiments/balance 'GradNormGrad_Ties' \
	'		if rbar > 0 {' '		if rbar >= 0 {'
mutant i26-dwa-factor-two experiments/balance/dwa.go experiments/balance 'TestDWA_EpochByEpoch' \
	'w[i] *= float64(k) / s' 'w[i] *= 2 / s'
mutant i26-dwa-three-epochs-of-ones experiments/balance/dwa.go experiments/balance 'TestDWA_EpochByEpoch' \
	'if d.epochs >= 2 {' 'if d.epochs >= 3 {'
mutant i26-dwa-window-not-slid experiments/balance/dwa.go experiments/balance 'TestDWA_EpochByEpoch' \
	'copy(d.prev2, d.prev)' 'copy(d.prev2, mean)'
mutant i26-methods-beats-any-static report/table/methods.go report 'TestMethods_BeatsParetoOptimalOnly' \
	'		if st.Pareto {' '		if true {'
mutant i26-methods-alpha-inclusive report/table/methods.go report/table 'TestHolmBest_AtAlpha' \
	'p < DominanceAlpha &&' 'p <= DominanceAlpha &&'
mutant i26-methods-cv-not-on-test report/table/methods.go report/table 'TestTestAxis' \
	'(split != "validation" && split != "cv")' '(split != "validation")'
mutant i26-methods-test-without-values report/table/methods.go report/table 'TestTestAxis' \
	'mi >= 0 && HasValues(s, mi)' 'mi >= 0'
mutant i26-store-half-write-kept sweep/segment.go sweep 'TestStore_WriteFailsHalfWay' \
	'		s.w.Truncate(s.wsize)' '		_ = s.wsize'
mutant i26-csv-warning-counts-levels experiments/dataset/csv_seq.go experiments/dataset 'TestReadCSV_WarningCounts' \
	'rows += kn.count[key]' 'rows++'
mutant i26-csv-warning-first-line-lost experiments/dataset/csv_seq.go experiments/dataset 'TestReadCSV_WarningCounts' \
	'		kn.first[key] = line' '		_ = line'
# --- issue 23: failed points visible, the seed, what a trainer said ---
mutant i23-summary-failed-not-counted report/table/summary.go report 'TestSummarize$' \
	'		pt.Failed++' '		pt.Failed += 0'
mutant i23-check-ok-runs-count-failed report/table/summary_read.go report 'TestSummarize$' \
	'			st.N = p.N - p.Diverged - p.Failed' '			st.N = p.N - p.Diverged'
mutant i23-failed-point-unnamed report/table/balance.go cmd 'TestTrainer_FailedPointVisible' \
	'		case cp.Task.N == 0 && p.Failed == p.N:' '		case false:'
mutant i23-balance-note-no-left-out report/table/balance_csv.go cmd 'TestTrainer_FailedPointVisible' \
	'withLeftOut(bp.p.Note, b.Excluded)' 'bp.p.Note'
mutant i23-answer-no-left-out report/table/answer.go cmd 'TestTrainer_FailedPointVisible' \
	'				if t.LeftOut != "" {' '				if false {'
mutant i23-runs-csv-seed-zero report/table/writer.go cmd 'TestSeed_' \
	'strconv.FormatUint(r.Seed, 10)' '"0"'
mutant i23-store-drops-seed sweep/segment.go cmd 'TestSeed_Builtin' \
	'Repeat: rec.Repeat, Seed: rec.Seed,' 'Repeat: rec.Repeat,'
mutant i23-old-store-no-seed study/train.go cmd 'TestSeed_TrainerCommand' \
	'			res.Seed = experiments.RunSeed(sp, p.Repeat)' '			res.Seed = 0'
mutant i23-extra-metrics-dropped study/extras.go cmd 'TestTrainer_KeepsWhatItSaid' \
	'	return slices.Sorted(maps.Keys(set)), nil' '	return slices.Sorted(maps.Keys(set))[:0], nil'
mutant i23-cost-no-epochs-run report/table/cost.go cmd 'TestTrainer_KeepsWhatItSaid' \
	'		return total / n' '		return math.NaN()'
mutant i23-training-needs-loss-task report/figure/analysis_plot.go cmd 'TestTrainer_KeepsWhatItSaid' \
	'anyFinite(task) || totalC < 0' 'true'
mutant i23-grad-note-older-version report/table/analysis_grad.go cmd 'TestTrainer_KeepsWhatItSaid' \
	'		if ri >= 0 && len(ratios) == 0 {' '		if false {'
# --- issue 22: metric rows compute their values; shorter functions ---
mutant i22m-group-spread-dropped lossterms/metrictable.go lossterms 'TestMetricValues_ByRow' \
	'return Spread(groupAccuracies(e, v)), true' 'return Spread(groupAccuracies(e, v)), false'
mutant i22m-group-column-first lossterms/metrictable.go lossterms 'TestMetricValues_ByRow' \
	'return groupAccuracies(e, v)[c.Group], true' 'return groupAccuracies(e, v)[0], true'
mutant i22m-diverged-reports-all lossterms/metricvalue.go lossterms 'TestMetricValues_ByRow' \
	'if e.Diverged && !col.Def.EveryRun {' 'if false {'
mutant i22m-epochs-not-every-run lossterms/metrictable.go lossterms 'TestMetricValues_ByRow' \
	'EveryRun: true,' 'EveryRun: false,'
mutant i22m-conflict-as-cosine lossterms/metrictable.go lossterms 'TestMetricValues_ByRow' \
	'return float64(g.Negative)' 'return g.CosSum'
mutant i22l-adversarial-tanh-derivative lossterms/mlprow.go lossterms 'Adversarial' \
	'g[j] *= 1 - v*v' 'g[j] *= 1 - v'
mutant i22l-temporal-l2-unnormalised lossterms/temporal.go lossterms 'Temporal' \
	'g = d / norm' 'g = d'
mutant i22l-csv-missing-accepted experiments/dataset/csv.go experiments/dataset 'ReadCSV' \
	'return false, rd.cellErr(c, v, missingValueError{v})' 'return false, nil'
mutant i22l-slurm-array-step-ignored sweep/shard.go sweep 'Shard' \
	's := Shard{(i - lo) / step, n}' 's := Shard{i - lo, n}'
# --- issue 24: devices ---
mutant i24d-pool-not-shared experiments/devices.go cmd 'TestDevices_Exclusive' \
	'pool, _ := ctx.Value(devicePoolKey{}).(*command.DevicePool)' 'var pool *command.DevicePool'
mutant i24d-acquire-keeps-slot-free experiments/command/devices.go experiments/command 'TestDevicePool' \
	'case slot := <-p.free:' 'case slot := <-p.free: p.free <- slot;'
mutant i24d-kept-after-failure experiments/train_command.go cmd 'TestDevices_ReleasedOnFailure' \
	'defer release()' 'defer func() { if a.status == StatusOK { release() } }()'
mutant i24d-spec-env-overridden experiments/devices.go cmd 'TestDevices_SpecEnvWins' \
	'if _, set := trainerEnv[command.EnvDevices]; set {' 'if _, set := trainerEnv[command.EnvDevices]; set && false {'
mutant i24d-inherited-env-wins experiments/command/exec.go cmd 'TestDevices_SpecEnvWins' \
	'a.Env = dedupEnv(a.Env)' 'a.Env = append(a.Env[:0:0], a.Env...)'
mutant i24d-workers-not-slots study/devices.go cmd 'TestDevices_DefaultWorkers' \
	'lim.Workers = n' 'lim.Workers = 0'
mutant i24d-workers-default-lost cmd/devices.go cmd 'TestDevices_DefaultWorkers' \
	'if o.limitFlags.workersDefault {' 'if false {'
mutant i24d-duplicate-device spec/devices.go spec 'TestSpec_Devices' \
	'if j, dup := seen[d]; dup {' 'if j, dup := seen[d]; dup && false {'

# --- issue 24: watching a sweep (status, partial report) ---
mutant i24s-counts-ignore-done study/status.go cmd 'TestStatus_WatchesARunningSweep' \
	'left := max(s.Runs-done, 0)' 'left := max(s.Runs, 0)'
mutant i24s-manifest-counts-failed-as-ok study/status.go study 'TestReadStatus_ManifestAndStaleState' \
	'm.Finished - m.Diverged - m.Failed' 'm.Finished - m.Failed'
mutant i24s-stale-shown-running study/status.go cmd 'TestStatus_KilledSweepIsNotRunning' \
	'return errors.Is(flock(f, true), errWouldBlock)' 'return true'
mutant i24s-stale-running-counted study/status.go cmd 'TestStatus_KilledSweepIsNotRunning' \
	'		if running {
			n := min(len(s.Running), left)' '		if true {
			n := min(len(s.Running), left)'
mutant i24s-eta-ignores-pace study/status.go study 'TestReadStatus_ManifestAndStaleState' \
	'per*float64(left)-now.Sub(s.LastDone).Seconds()' 'per*float64(left)'
mutant i24s-partial-takes-sweep-lock study/partial.go cmd 'TestReport_PartialWhileRunning' \
	'LockAccepted(out, ' 'LockAccepted(dir, '
mutant i24s-partial-not-marked study/partial.go cmd 'TestReport_PartialWhileRunning' \
	'"%s (partial: %d of %d runs)"' '"%s (partial: %d runs)"'
mutant i24s-builtin-epoch-unpublished experiments/train.go study 'TestLive_BuiltinSweepPublishesEpochs' \
	't.live.Epoch(t.epochs, res.Curves[len(res.Curves)-1])' '_ = t.epochs'
mutant i24s-live-state-left study/live.go study 'TestLive_BuiltinSweepPublishesEpochs' \
	'	<-p.done
	p.scratch.Close()' '	<-p.done'

# --- issue 23: gaps (failed rise in check, partly failed points, loss.balance report, run's seed) ---
mutant i23g-check-failed-rise-ignored report/check/check.go report/check 'TestCheck_FailedBoundary' \
	'countCheck(MetricFailed, pi, label, bp, cp, bp.Failed, cp.Failed)' 'countCheck(MetricFailed, pi, label, bp, cp, cp.Failed, cp.Failed)'
mutant i23g-partly-failed-unnamed report/table/balance.go cmd 'TestTrainer_PartlyFailedPointNamed' \
	'p.Failed > 0 && pts[k].Excluded == ""' 'p.Failed > 1 && pts[k].Excluded == ""'
mutant i23g-partly-failed-not-split report/table/leftout.go report/table 'TestNote_PartlyFailedRoundTrip' \
	'for i > 0 && partlyFailedItem' 'for i > len(parts) && partlyFailedItem'
mutant i23g-loss-balance-no-method-column study/plan.go cmd 'TestLossBalance_SweepRendersAndRunAgrees' \
	'len(s.Sweep.Balance) > 0 || s.Loss.Balance.Adaptive()' 'len(s.Sweep.Balance) > 0'
mutant i23g-loss-balance-runs-as-methods report/table/runs.go cmd 'TestLossBalance_SweepRendersAndRunAgrees' \
	'if len(runs.Runs) > 0 || len(runs.Methods) == 0 {' 'if true {'
mutant i23g-run-json-no-seed cmd/output.go cmd 'TestRun_PrintsSeed' \
	'Repeat: one.Repeat, Seed: res.Seed,' 'Repeat: one.Repeat,'
mutant i23g-run-table-no-seed cmd/run.go cmd 'TestRun_PrintsSeed' \
	'fmt.Fprintf(w, "seed\t%d\n", res.Seed)' 'fmt.Fprintf(w, "seed\t%d\n", res.Repeat)'
mutant i23g-one-run-finished-plural study/finished.go study 'TestFinishedKept' \
	'	case 1:' '	case -1:'
# --- issue 25: stability of the balance points, repeats that suffice ---
mutant i25-stability-unpaired report/table/stability.go report/table 'TestStability_' \
	'pt := &rs.s.Points[pi]' 'pt := &rs.s.Points[pi]; draw := slices.Clone(draw); for i := range draw { draw[i] = (draw[i] + pi) % len(byRep) }'
mutant i25-stability-share-sum report/table/stability.go report/table 'TestStability_CSV' \
	'if st.Undefined > 0 {' 'if st.Undefined > st.B {'
mutant i25-stability-run90 report/table/stability.go report/table 'TestRun90' \
	'if 10*sum >= 9*total {' 'if 10*sum >= 8*total {'
mutant i25-power-formula report/table/power.go report/table 'TestDetectableDiff' \
	'return (t.Quantile(1-PowerAlpha/2) + t.Quantile(PowerTarget))' 'return (t.Quantile(1-PowerAlpha) + t.Quantile(PowerTarget))'
mutant i25-stability-cv-se report/table/stability.go report/table 'TestStability_CVWholeRepeats' \
	'pt.Stats[m].Pooled, pt.Stats[m].PooledSE = true, pooledSE(rs.ses)' 'pt.Stats[m].Pooled, pt.Stats[m].PooledSE = true, pooledSE(rs.ses[:1])'
mutant i25-power-pooled-sd report/table/power.go report/table 'TestPower_Pooled' \
	'ss += pr.Std * pr.Std' 'ss += pr.Std'
mutant i25-resamples-unchecked spec/validate.go spec 'TestValidate_ReportResamples' \
	'r.Resamples >= 0 && r.Resamples <= 100000' 'true'
# --- issue 22: report bodies shortened (costOf, pairAll, balancePoints) ---
mutant i22r-pairs-scattered-not-reread report/table/balance.go report 'TestAnalyze_ScatteredPoints$' \
	'		return true, nil' '		return false, nil'
mutant i22r-cost-scattered-point-kept report/table/cost.go report 'TestAnalyze_ScatteredPoints$' \
	'		if tr.donePts[p] {' '		if false {'
mutant i22r-holm-not-applied report/table/balance.go report 'TestRender_Analysis$' \
	'	for i, q := range HolmAdjust(ps) {' '	for i, q := range ps {'
mutant i22r-one-se-smallest-lambda report/table/balance.go report/table 'TestBalancePoints$' \
	'&& pts[i].Lambda > pts[pick].Lambda {' '&& pts[i].Lambda < pts[pick].Lambda {'

# --- issue 25: figure intervals and labels ---
mutant i25f-range-band-ends report/figure/plot.go report/figure 'TestFigureRanges_HoldBandsAndWhiskers' \
	'			e.addStat(st)' '			e.add(st.Mean)'
mutant i25f-range-tradeoff-whiskers report/figure/tradeoff.go report/figure 'TestFigureRanges_HoldBandsAndWhiskers' \
	'ex.addStat(pt.cx)' 'ex.add(pt.cx.Mean)'
mutant i25f-range-methods-whiskers report/figure/methods_plot.go report/figure 'TestFigureRanges_HoldBandsAndWhiskers' \
	'ey.addStat(r.Side)' 'ey.add(r.Side.Mean)'
mutant i25f-label-overlap-test report/figure/labels.go report/figure 'TestPointLabels_Hostile|TestPointLabels_NoCollision|TestMethodsFront_Labels' \
	'b.Min.X < r.Max.X && r.Min.X < b.Max.X' 'b.Min.X < r.Max.X && r.Min.X > b.Max.X'
mutant i25f-whisker-half-width report/figure/intervals.go report/figure 'TestWhiskers_AreTheCIs' \
	'lo, hi := st.Mean-st.CILow, st.CIHigh-st.Mean' 'lo, hi := (st.Mean-st.CILow)/2, (st.CIHigh-st.Mean)/2'
mutant i25f-label-under-method-marker report/figure/methods_plot.go report/figure 'TestMethodsFront_Labels' \
	'lab.avoidMark(r.Task.Mean, r.Side.Mean, vg.Points(4.5))' '_ = vg.Points(4.5)'
mutant i25f-leader-crosses report/figure/labels.go report/figure 'TestPointLabels_Hostile' \
	'return !holdsP && segmentCrosses(from, to, b)' 'return !holdsP && false'
mutant i25f-whisker-caps-on-undefined report/figure/intervals.go report/figure 'TestWhiskers_UndefinedCIDrawsNone' \
	'if e.xe[i].Low+e.xe[i].High > 0 {' 'if true {'

# --- integration: a built-in sweep's live state and runs/tmp ---
mutant live-runs-tmp-left study/sweep.go study 'TestSweep_ScratchLeftovers' \
	'	f.scratchSwept = true' ''

# --- issue 25: compare ---
mutant i25c-always-welch report/compare/stats.go report/compare 'TestCompare_PairedAgainstReference$' \
	'if r.Pairs >= 2 {' 'if r.Pairs >= 1000 {'
mutant i25c-never-welch report/compare/stats.go report/compare 'TestCompare_WelchWhenRunsDoNotPair$' \
	'if sa.N < 2 || sb.N < 2 {' 'if true {'
mutant i25c-holm-not-applied report/compare/stats.go report/compare 'TestCompare_Holm$' \
	'for i, v := range table.HolmAdjust(p) {' 'for i, v := range p {'
mutant i25c-zero-lambda-counts report/compare/compare.go report/compare 'TestCompare_Incomparable$' \
	'func(v float64) bool { return v != 0 }' 'func(v float64) bool { return true }'
mutant i25c-tuple-first-term-only report/compare/compare.go report/compare 'TestCompare_FullTuple$' \
	'for _, j := range k.terms {' 'for _, j := range k.terms[:1] {'
mutant i25c-diff-a-minus-b report/compare/stats.go report/compare 'TestCompare_PairedAgainstReference$' \
	'r.Diff = r.B.Mean - r.A.Mean' 'r.Diff = r.A.Mean - r.B.Mean'
mutant i25c-paired-a-minus-b report/compare/stats.go report/compare 'TestCompare_PairedAgainstReference$' \
	'd := table.PairedTest(xb, xa) // d = B − A' 'd := table.PairedTest(xa, xb) // d = B − A'
mutant i25c-welch-a-minus-b report/compare/stats.go report/compare 'TestCompare_WelchWhenRunsDoNotPair$' \
	'w := WelchTest{Diff: mb - ma,' 'w := WelchTest{Diff: ma - mb,'
mutant i25c-pair-key-without-seed report/compare/stats.go report/compare 'TestCompare_WelchWhenRunsDoNotPair$' \
	'pk := r.Seed + "\x00" +' 'pk := "\x00" +'
mutant i25c-out-inside-allowed study/compare.go study 'TestCompare_Refused$' \
	'rel, err := filepath.Rel(realAbs(d), ao)' 'rel, err := filepath.Rel(realAbs(d), "/nowhere"+ao)'
# --- issue 24: command budget ---
mutant i24b-checkpoint-rung-removed experiments/checkpoint.go experiments 'TestCheckpoint_RemovedWhenFinal$' \
	'full := run.EpochBudget() >= run.Spec.Trainer.MaxEpochs' 'full := true'
mutant i24b-checkpoint-failed-kept experiments/checkpoint.go experiments 'TestCheckpoint_RemovedWhenFinal$' \
	'(status != StatusOK || full) && !run.Spec.Trainer.KeepCheckpoints' 'full && !run.Spec.Trainer.KeepCheckpoints'
mutant i24b-checkpoint-keep-ignored experiments/checkpoint.go experiments 'TestCheckpoint_RemovedWhenFinal$' \
	'(status != StatusOK || full) && !run.Spec.Trainer.KeepCheckpoints' '(status != StatusOK || full)'
mutant i24b-epochs-added-total experiments/train_command.go experiments 'TestCheckpoint_RemovedWhenFinal$' \
	'first := rep.Epochs[0].Values["epoch"]' 'first := 1.0'
mutant i24b-epochs-run-continued experiments/train_command.go experiments 'TestCheckpoint_RemovedWhenFinal$' \
	'a.epochs += int(rep.Epochs[0].Values["epoch"]) - 1' 'a.epochs += 0'
mutant i24b-epochs-placeholder-unbudgeted spec/trainer.go cmd 'TestBudget_SpecErrors$' \
	'	if s.Trainer.MaxEpochs > 0 {
		names = append(names, command.PlaceholderEpochs)' '	if true {
		names = append(names, command.PlaceholderEpochs)'
mutant i24b-checkpoint-not-ours study/folder.go cmd 'TestBudget_KeepCheckpoints$' \
	'			inv.Checkpoints = append(inv.Checkpoints, rel)
			inv.Results = true' '			inv.Checkpoints = append(inv.Checkpoints, rel)'

# --- issue 26: newer code ---
mutant i26n-status-stale-always-newer study/status.go study 'TestStatusRules_' \
	'(merr != nil || stale[0].Updated.After(m.Ended))' '(merr != nil || true)'
mutant i26n-status-never-finished study/status.go study 'TestStatusRules_' \
	'	if m.Complete {' '	if false {'
mutant i26n-status-shard-runs-not-summed study/status.go study 'TestStatusRules_' \
	'out.Runs += s.Runs' 'out.Runs = s.Runs'
mutant i26n-status-running-over-left study/status.go study 'TestStatusRules_' \
	'n := min(len(s.Running), left)' 'n := len(s.Running)'
mutant i26n-status-eta-fastest-shard study/status.go study 'TestStatusRules_' \
	'eta > *out.ETA' 'eta < *out.ETA'
mutant i26n-status-eta-before-first-run study/status.go study 'TestStatusRules_' \
	'if s.Trained == 0 || s.LastDone.IsZero() {' 'if s.Trained < 0 {'
mutant i26n-status-eta-negative study/status.go study 'TestStatusRules_' \
	'max(per*float64(left)-now.Sub(s.LastDone).Seconds(), 0)' 'per*float64(left)-now.Sub(s.LastDone).Seconds()'
mutant i26n-status-elapsed-negative study/status.go study 'TestStatusRules_' \
	'Elapsed: max(now.Sub(r.Started).Seconds(), 0)' 'Elapsed: now.Sub(r.Started).Seconds()'
mutant i26n-status-stale-oldest-first study/status.go study 'TestStatusRules_' \
	'newest := func(a, b liveState) int { return b.Updated.Compare(a.Updated) }' 'newest := func(a, b liveState) int { return a.Updated.Compare(b.Updated) }'
mutant i26n-status-reads-other-scratch study/status.go study 'TestStatusRules_' \
	'if !e.IsDir() || !strings.HasPrefix(e.Name(), livePrefix) {' 'if !e.IsDir() {'
mutant i26n-status-ownerless-lives study/status.go study 'TestStatusRules_' \
	'os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return false' 'os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return true'
mutant i26n-live-reused-diverged-ok study/live.go study 'TestLiveRules_' \
	'experiments.StatusOK: stats.Reused - stats.Diverged' 'experiments.StatusOK: stats.Reused'
mutant i26n-live-stored-not-trained study/live.go study 'TestLiveRules_' \
	'	p.state.Trained++' ''
mutant i26n-live-attempt-keeps-epoch study/live.go study 'TestLiveRules_' \
	'r.st.Attempt, r.st.Started, r.st.LastEpoch, r.metrics = k, time.Now().UTC(), nil, metrics' 'r.st.Attempt, r.st.Started, r.metrics = k, time.Now().UTC(), metrics'
mutant i26n-live-attempt-start-kept study/live.go study 'TestLiveRules_' \
	'r.st.Attempt, r.st.Started, r.st.LastEpoch, r.metrics = k, time.Now().UTC(), nil, metrics' 'r.st.Attempt, r.st.LastEpoch, r.metrics = k, nil, metrics'
mutant i26n-live-epoch-nan-unmarshalable study/live.go study 'TestLiveRules_' \
	'line[r.names[i]] = finiteOrNil(v)' 'line[r.names[i]] = v'
mutant i26n-live-end-kept-running study/live.go study 'TestLiveRules_' \
	'	delete(r.p.running, r)' ''
mutant i26n-live-run-id-not-plan study/live.go study 'TestLiveRules_' \
	'			r.st.RunID = id' '			_ = id'
mutant i26n-live-pass-trained-carried study/live.go study 'TestLiveRules_' \
	's.Runs, s.Trained, s.PassStart, s.LastDone = stats.Runs, 0, time.Now().UTC(), time.Time{}' 's.Runs, s.PassStart, s.LastDone = stats.Runs, time.Now().UTC(), time.Time{}'
mutant i26n-live-attempt-not-told experiments/live.go experiments 'TestLiveRules_' \
	'		lr.Attempt(k, metrics)' '		_ = lr'
mutant i26n-partial-spec-path-ignored study/partial.go study 'TestPartial' \
	'len(s) > 0 && s[0].SpecPath != ""' 'false'
mutant i26n-partial-none-stored study/partial.go study 'TestPartial' \
	'	if k == 0 {' '	if k < 0 {'
mutant i26n-devices-warn-at-slots study/devices.go study 'TestDeviceRules_' \
	'workers > slots' 'workers >= slots'
mutant i26n-devices-warn-rest study/devices.go study 'TestDeviceRules_' \
	'rest := n - slots*per; rest > 0' 'rest := n - slots; rest > 0'
mutant i26n-devices-workers-overridden study/devices.go study 'TestDeviceRules_' \
	'n > 0 && lim.Workers <= 0' 'n > 0'
mutant i26n-spec-per-run-default spec/devices.go spec 'TestDeviceRules_' \
	'if t.DevicesPerRun == 0 {' 'if t.DevicesPerRun == -1 {'
mutant i26n-spec-slots-round-up spec/devices.go spec 'TestDeviceRules_' \
	'return len(s.Trainer.Devices) / s.Trainer.PerRun()' 'return (len(s.Trainer.Devices) + s.Trainer.PerRun() - 1) / s.Trainer.PerRun()'
mutant i26n-spec-per-run-all-refused spec/devices.go spec 'TestDeviceRules_' \
	'case n > len(t.Devices):' 'case n >= len(t.Devices):'
mutant i26n-spec-device-space spec/devices.go spec 'TestDeviceRules_' \
	'strings.ContainsAny(d, ", \t\n")' 'strings.ContainsAny(d, ",")'
mutant i26n-devices-env-first-only experiments/devices.go experiments 'TestDeviceRules_' \
	'return []string{command.EnvDevices + "=" + command.JoinDevices(slot)}' 'return []string{command.EnvDevices + "=" + slot[0]}'
mutant i26n-pool-slots-overlap experiments/command/devices.go experiments/command 'TestDevicePool' \
	'p.free <- devices[i*perRun : (i+1)*perRun : (i+1)*perRun]' 'p.free <- devices[i : i+perRun : i+perRun]'
mutant i26n-run90-tie-last report/table/stability.go report/table 'TestStabilityRules_|TestRun90' \
	'(n == bestLen && sum > bestSum)' '(n == bestLen && sum >= bestSum)'
mutant i26n-stability-diverged-not-counted report/table/stability.go report/table 'TestStabilityRules_' \
	'				pt.count(r.status)' '				_ = r.status'
mutant i26n-stability-need-level report/table/stability.go report/table 'TestStabilityRules_' \
	'				out[k] = level * r' '				out[k] = level'
mutant i26n-stability-need-threshold report/table/stability.go report/table 'TestStabilityRules_' \
	'case shares[k][0].Share(best) >= 0.8:' 'case shares[k][0].Share(best) > 0.8:'
mutant i26n-stability-zero-rows report/table/stability.go report/table 'TestStabilityRules_' \
	'				if c > 0 {' '				if c >= 0 {'
mutant i26n-stability-line-at report/table/stability.go report/table 'TestStabilityRules_' \
	'		if *lo == *hi {' '		if false {'
mutant i26n-power-max-n report/table/power.go report/table 'TestStabilityRules_|TestPower' \
	'if p.N == 0 || pr.N < p.N {' 'if p.N == 0 || pr.N > p.N {'
mutant i26n-power-other-metric report/table/power.go report/table 'TestStabilityRules_|TestPower' \
	'if pr.Metric != a.Task.Name || pr.N < 2 || !IsFinite(pr.Std) {' 'if pr.N < 2 || !IsFinite(pr.Std) {'
mutant i26n-power-line-levels report/table/power.go report/table 'TestStabilityRules_' \
	'levels[i] = strconv.Itoa(l * st.Repeats)' 'levels[i] = strconv.Itoa(l)'
mutant i26n-power-line-even report/table/power.go report/table 'TestStabilityRules_|TestPower_Pooled' \
	'StabilityLevels[len(StabilityLevels)-1]*st.Repeats, how))' 'StabilityLevels[len(StabilityLevels)-1], how))'
mutant i26n-answer-share-any-row report/table/answer_stability.go report/table 'TestStabilityRules_|TestAnswer' \
	'if (lam == nil && p.Lambda == nil) || (lam != nil && p.Lambda != nil && *lam == *p.Lambda) {' 'if (lam == nil) == (p.Lambda == nil) {'
mutant i26n-leftout-raw-item report/table/leftout.go report/table 'TestLeftOutRules_' \
	'items[i] = at + " (" + why + ")"' 'items[i] = at + ": " + why'
mutant i26n-leftout-empty-note report/table/leftout.go report/table 'TestLeftOutRules_' \
	'	if note == "" {
		return lo' '	if false {
		return lo'
mutant i26n-leftout-split-keeps-sep report/table/leftout.go report/table 'TestLeftOutRules_' \
	'strings.TrimSuffix(note[:i], "; ")' 'note[:i]'
mutant i26n-partly-empty-note report/table/leftout.go report/table 'TestLeftOutRules_' \
	'	if note != "" {' '	if true {'
mutant i26n-seed-command-repeat experiments/seed.go experiments 'TestSeedRules_' \
	'return CommandSeed(s.Seed, r)' 'return CommandSeed(s.Seed, 0)'
mutant i26n-seed-builtin-repeat experiments/seed.go experiments 'TestSeedRules_' \
	'	return s.Seed
}' '	return CommandSeed(s.Seed, r)
}'
mutant i26n-attempt-counts-files experiments/attempts.go experiments 'TestAttemptRules_|TestFirstAttempt' \
	'if k := attemptNo(e.Name()); k > last {
				last = k' 'if k := attemptNo(e.Name()); k > 0 {
				last++'
mutant i26n-attempt-kept-folder-ignored experiments/attempts.go experiments 'TestAttemptRules_|TestFirstAttempt' \
	'dirs = append(dirs, filepath.Join(root, id))' 'dirs = append(dirs, root)'
mutant i26n-attempt-link-followed experiments/attempts.go experiments 'TestAttemptRules_|TestFirstAttempt' \
	'if st, err := os.Lstat(d); err != nil || !st.IsDir() {' 'if st, err := os.Stat(d); err != nil || !st.IsDir() {'
mutant i26n-attempt-long-number experiments/attempts.go experiments 'TestAttemptRules_|TestFirstAttempt' \
	'len(digits) > 9' 'len(digits) > 2'
mutant i26n-cmdlog-devices-env experiments/attempts.go experiments 'TestAttemptRules_|TestFirstAttempt' \
	'devices != nil && key == command.EnvDevices' 'devices != nil && key == "_"+command.EnvDevices'
mutant i26n-thin-kept-odd experiments/command/metrics.go experiments/command 'TestThinRules_' \
	'				t.kept[j] = t.kept[2*j]' '				t.kept[j] = t.kept[2*j+1]'
mutant i26n-thin-phase experiments/command/metrics.go experiments/command 'TestThinRules_' \
	'if t.n > 0 && (t.n-1)%t.stride == 0 {' 'if t.n > 0 && t.n%t.stride == 0 {'
mutant i26n-thin-stride-triples experiments/command/metrics.go experiments/command 'TestThinRules_' \
	'			t.stride *= 2' '			t.stride *= 3'
mutant i26n-proto-huge-epoch experiments/command/metrics.go experiments/command 'TestProtocolRules_' \
	'v == math.Trunc(v) && math.Abs(v) <= 1<<53' 'v == math.Trunc(v)'
mutant i26n-proto-null-refused experiments/command/metrics.go experiments/command 'TestProtocolRules_' \
	'case s == "null" || s == nanTok:' 'case s == nanTok:'
mutant i26n-proto-long-line-number experiments/command/metrics.go experiments/command 'TestProtocolRules_' \
	'return rep, &LineError{no + 1, fmt.Errorf("longer than %d bytes", MaxLine)}' 'return rep, &LineError{no, fmt.Errorf("longer than %d bytes", MaxLine)}'
mutant i26n-proto-second-final experiments/command/metrics.go experiments/command 'TestProtocolRules_' \
	'			if rep.Final != nil {' '			if false {'
mutant i26n-proto-nonfinite-first experiments/command/metrics.go experiments/command 'TestProtocolRules_' \
	'if rep.NonFinite == nil && nonFinite(ln, opt.Watch) {' 'if nonFinite(ln, opt.Watch) {'
mutant i26n-proto-name-dot-first experiments/command/names.go experiments/command 'TestProtocolRules_' \
	"i > 0 && (c == '.' || c == '-' || c == ':' || c == '/')" "(c == '.' || c == '-' || c == ':' || c == '/')"

mutant i26n-partial-into-sweep-folder study/partial.go study 'TestPartialRules_' \
	'		out = filepath.Join(dir, PartialDir)' '		out = dir'
mutant i26n-tm-select-on-not-first spec/taskmetric.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'	if selectOn != "" {' '	if false {'
mutant i26n-tm-term-metric-as-task spec/taskmetric.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'if strings.HasPrefix(m.Name, split+".") && !own[m.Name] && has(m.Name) {' 'if strings.HasPrefix(m.Name, split+".") && has(m.Name) {'
mutant i26n-tm-cv-columns spec/taskmetric.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'		return "validation"' '		return SelectCV'
mutant i26n-tm-split-prefixed-hint spec/taskmetric.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'if _, base, ok := strings.Cut(tm, "."); ok && slices.Contains(avail, base) {' 'if _, base, ok := strings.Cut(tm, "."); ok && slices.Contains(avail, base) && false {'
mutant i26n-tm-no-direction-ok spec/taskmetric.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'if ok && s.MetricDirection(m) != "" && !slices.Contains(avail, base) {' 'if ok && !slices.Contains(avail, base) {'
mutant i26n-tm-test-choice-message spec/taskmetric.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'	if s.Report.SelectOn == SelectTest {' '	if false {'
mutant i26n-tm-builtin-checked spec/taskmetric.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'	if s.Trainer == nil {
		return nil
	}
	name, by' '	if false {
		return nil
	}
	name, by'
mutant i26n-tm-unsplit-refused spec/taskmetric.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'	if name == "" || !ok || got == split {' '	if name == "" || (!ok && false) || got == split {'
mutant i26n-direction-diagnostic spec/direction.go spec 'TestTaskMetricRules_|TestSpec_TaskMetric' \
	'	return m.Diagnostic' '	return !m.Diagnostic'
mutant i26n-failfast-default-zero spec/trainer.go spec 'TestFailFastRules_' \
	'		return DefaultMaxFailures' '		return 0'
mutant i26n-failfast-negative-kept spec/trainer.go spec 'TestFailFastRules_' \
	'if n := t.FailFast(); n < 0 {' 'if n := t.FailFast(); n < -1 {'
mutant i26n-answer-empty-stability-panics report/table/answer_stability.go report/table 'TestStabilityRules_' \
	'	if len(rows) == 0 {' '	if false {'
mutant i26n-judge-missing-one-named experiments/missing_metrics.go experiments 'TestJudgeRules_|TestJudge_Rules' \
	'word, strings.Join(missing, ", "), metricsFile' 'word, missing[0], metricsFile'
mutant i26n-judge-gap-zero experiments/train_command.go experiments 'TestJudgeRules_|TestJudge_Rules' \
	'				v = math.NaN()' '				v = 0'
mutant i26n-judge-epochs-kept experiments/train_command.go experiments 'TestJudgeRules_|TestJudge_Rules|TestTrainCommand_ThinnedCurve' \
	'	a.epochs = rep.EpochLines' '	a.epochs = len(rep.Epochs)'
# --- issue 24: halving ---
mutant i24-halving-topk-floor study/halving_keep.go study 'TestKeepAfterRung$' \
	'for top := (len(pts) - kept + eta - 1) / eta;' 'for top := (len(pts) - kept) / eta;'
mutant i24-halving-keep-se-ignored study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'i == best || d+k*se >= 0' 'i == best || d+se >= 0'
mutant i24-halving-reference-dropped study/halving_keep.go study 'TestKeepAfterRung$|TestHalving_Sweep$' \
	'		if p.ref {' '		if p.ref && false {'
mutant i24-halving-two-at-least study/halving_keep.go study 'TestKeepAfterRung$' \
	'(top > 0 || kept < least)' '(top > 0)'
mutant i24-halving-reference-in-rungs study/halving.go study 'TestHalving_DecisionsFromStore$' \
	'if allZero(st.Plans.At(pt * st.Plans.PerPoint()).Lambdas) {' 'if false {'
mutant i24-halving-rung-budgets spec/halving.go spec 'TestSpec_Rungs$' \
	'b *= h.Eta {' 'b *= h.Eta + 1 {'
mutant i24-halving-min-epochs-at-full spec/halving.go spec 'TestHalving_Validate$' \
	'full >= 1 && h.MinEpochs >= full' 'full >= 1 && h.MinEpochs > full'
mutant i24-halving-not-pruned study/halving.go study 'TestHalving_Sweep$' \
	'return st.Plans.WithBudget(b).At(p.Index), b, experiments.StatusPruned' 'return st.Plans.WithBudget(b).At(p.Index), b, ""'
mutant i24-halving-pruned-read report/table/runs.go report/table 'TestReadRuns_PrunedLeftOut$' \
	'if err != nil || run.Status != experiments.StatusPruned {' 'if err != nil || run.Status != experiments.StatusPruned+"?" {'
mutant i24-halving-budget-not-in-id sweep/plans.go study 'TestHalving_DecisionsFromStore$' \
	'p.ID = spec.BudgetRunID(p.ID, ps.budget)' 'p.ID = p.ID + ""'
mutant i24-halving-budget-not-trained experiments/train.go experiments 'TestTrain_Budget$' \
	'budget: run.EpochBudget(),' 'budget: s.Train.Epochs,'
mutant i24-halving-status-rung study/live.go study 'TestLive_HalvingRung$' \
	'		r.st.Rung = &k' ''
mutant i24-halving-shard-allowed study/shard.go cmd 'TestHalving_ShardRefused$' \
	'	if s.Sweep.Halving != nil {' '	if false {'

# --- issue 28: float32 ---
mutant i28-f32-precision-not-in-runid spec/runid.go spec 'TestPrecision_' \
	'	if t.Precision == PrecisionFloat64 {' '	if t.Precision != "" {'
mutant i28-f32-float64-written-changes-runid spec/runid.go spec 'TestPrecision_' \
	'	if t.Precision == PrecisionFloat64 {' '	if false {'
mutant i28-f32-lbfgs-not-refused spec/precision.go spec 'TestPrecision_' \
	'	case t.Optimizer == "lbfgs":' '	case false:'
mutant i28-f32-term-not-refused spec/precision.go spec 'TestPrecision_' \
	'if _, ok := t.(lossterms.WeightPenalty32); err == nil && !ok {' 'if _, ok := t.(lossterms.WeightPenalty32); err == nil && ok && !ok {'
mutant i28-f32-kernel-row-index internal/kernel/sgemm_amd64.s internal/kernel 'TestSgemm' \
	'VFMADD231PS  Y9, Y12, Y5' 'VFMADD231PS  Y9, Y11, Y5'
mutant i28-f32-loops-accumulation internal/kernel/sgemm.go internal/kernel 'TestSgemm_Generic' \
	'row[j] = fma32(aip, bp[j*sbj], row[j])' 'row[j] = fma32(aip, bp[j*sbj], 0)'
mutant i28-f32-fma32-double-rounding internal/kernel/sgemm.go internal/kernel 'TestFMA32' \
	'		if bits&1 == 0 {' '		if false {'
mutant i28-f32-bias-grad-row experiments/model/mlp.go experiments/model 'TestBackward' \
	'			ws.ops.colSums(gb, cur, n)' '			ws.ops.colSums(gb, cur, n-1)'
mutant i28-f32-adam-kernel-order experiments/optim/adam32_amd64.s experiments/optim 'TestAdam32' \
	'	VMULPS  r13, r3, r3; \' '	VMULPS  r12, r3, r3; \'
# --- issue 26: golden images ---
# The figures a reader trusts, drawn wrong: report/golden_test.go compares
# them with the frozen images (each of these is missed by every other test
# of report; swapped trade-off axes and missing whiskers are caught by
# TestWhiskers_AreTheCIs, TestWhiskers_UndefinedCIDrawsNone and
# TestMethodsFront_Labels already).
mutant i26g-band-at-mean report/figure/plot.go report 'TestGoldenFigures$' \
	'ring = append(ring, plotter.XY{X: xs[i], Y: st.CIHigh})' 'ring = append(ring, plotter.XY{X: xs[i], Y: st.Mean})'
mutant i26g-ref-band-from-mean report/figure/plot.go report 'TestGoldenFigures$' \
	'[]table.Stat{*sr.ref, *sr.ref}' '[]table.Stat{{Mean: sr.ref.Mean, CILow: sr.ref.Mean, CIHigh: sr.ref.CIHigh}, {Mean: sr.ref.Mean, CILow: sr.ref.Mean, CIHigh: sr.ref.CIHigh}}'
mutant i26g-methods-axes-swapped report/figure/methods_plot.go report 'TestGoldenFigures$' \
	'ep.addCI(r.Task, r.Side, false)' 'ep.addCI(r.Side, r.Task, false)'
mutant i26g-label-moved report/figure/labels.go report 'TestGoldenFigures$' \
	'{X: d, Y: gap + extra}' '{X: d + gap, Y: gap + extra}'
mutant i26g-colour-blue report/figure/plot.go report 'TestGoldenFigures$' \
	'{0, 114, 178, 255},   // blue' '{0, 114, 200, 255},   // blue'
mutant i26g-colour-test-loss report/figure/analysis_plot.go report 'TestGoldenFigures$' \
	'"test loss", epochMeans(means, pi, testC), 1, Palette[1]' '"test loss", epochMeans(means, pi, testC), 1, Palette[4]'
mutant i26g-colour-dominated report/figure/tradeoff.go report 'TestGoldenFigures$' \
	'muted := color.NRGBA{170, 170, 170, 255}' 'muted := color.NRGBA{120, 120, 120, 255}'
mutant i26g-training-term-unscaled report/figure/analysis_plot.go report 'TestGoldenFigures$' \
	'epochMeans(means, pi, c), p.Lambdas[j], Palette' 'epochMeans(means, pi, c), 1, Palette'
mutant i26g-methods-whisker-caps-missing report/figure/methods_plot.go report 'TestGoldenFigures$' \
	'Width: vg.Points(1)}, plotter.DefaultCapWidth)' 'Width: vg.Points(1)}, 0)'
# --- issue 26: halving, budget, compare ---
mutant i26h-keep-sorted-worst-first study/halving_keep.go study 'TestKeepAfterRung$' \
	'cmp.Compare(pts[b].mean, pts[a].mean)' 'cmp.Compare(pts[a].mean, pts[b].mean)'
mutant i26h-keep-se-boundary study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'i == best || d+k*se >= 0' 'i == best || d+k*se > 0'
mutant i26h-least-one-without-reference study/halving.go study 'TestHalvingRules_LeastTwoWithoutReference$' \
	'max(1, 2-len(hs.refs))' '1'
mutant i26h-decide-on-incomplete-rung study/halving.go study 'TestHalvingRules_EmptyStoreDecidesNothing$' \
	'		if err != nil || !complete {
			return hs, err' '		if err != nil || !complete && false {
			return hs, err'
mutant i26h-full-rung-before-decided study/halving.go study 'TestHalvingRules_EmptyStoreDecidesNothing$' \
	'	if len(hs.alive) < len(hs.rungs) {' '	if false {'
mutant i26h-pruned-at-next-rung study/halving.go study 'TestHalvingRules_PrunedAtAndFullPoints$' \
	'			return hs.rungs[k]' '			return hs.rungs[k+1]'
mutant i26h-epochs-count-runs study/halving_epochs.go study 'TestHalvingRules_EpochsExact$|TestHalving_Continues$' \
	'	added := addedEpochs(trained, budget)' '	added := addedEpochs(0*trained, budget)'
mutant i26h-epochs-refs-uncounted study/halving.go study 'TestHalvingRules_EpochsExact$' \
	'		if k == len(hs.rungs)-1 {
			pts = hs.fullPoints(st)' '		if false {
			pts = hs.fullPoints(st)'
mutant i26h-epochs-full-grid study/halving.go study 'TestHalvingRules_EmptyStoreDecidesNothing$' \
	'full = st.Plans.Len() * hs.rungs[len(hs.rungs)-1]' 'full = st.Plans.Static() * st.Plans.PerPoint() * hs.rungs[0]'
mutant i26h-lower-better-not-flipped study/halving.go study 'TestHalvingRules_LowerIsBetter$' \
	'			if !task.Higher {' '			if false {'
mutant i26h-methods-pruned study/halving.go study 'TestHalvingRules_MethodsAtFullBudget$' \
	'	for p := st.Plans.Static(); p < st.Plans.Points(); p++ {' '	for p := st.Plans.Points(); p < st.Plans.Points(); p++ {'
mutant i26h-rungs-include-full spec/halving.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'for b := h.MinEpochs; b < full; b *= h.Eta {' 'for b := h.MinEpochs; b <= full; b *= h.Eta {'
mutant i26h-default-eta spec/halving.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'	DefaultHalvingEta    = 3' '	DefaultHalvingEta    = 2'
mutant i26h-default-keep-se spec/halving.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'	DefaultHalvingKeepSE = 1' '	DefaultHalvingKeepSE = 0'
mutant i26h-eta-two-refused spec/halving.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'	if h.Eta < 2 {' '	if h.Eta < 3 {'
mutant i26h-keep-se-zero-refused spec/halving.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'h.KeepSE >= 0, "a finite' 'h.KeepSE > 0, "a finite'
mutant i26h-min-epochs-zero spec/halving.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'	case h.MinEpochs < 1:' '	case h.MinEpochs < 0:'
mutant i26h-budget-id-same spec/halving.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'binary.LittleEndian.PutUint64(b[:], uint64(budget))' 'binary.LittleEndian.PutUint64(b[:], 0)'
mutant i26h-refine-combined spec/halving.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'	case s.Sweep.Refine != nil:' '	case false:'
mutant i26h-max-epochs-zero spec/budget.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'if n := s.Trainer.MaxEpochs; n < 1 || n > MaxEpochsLimit {' 'if n := s.Trainer.MaxEpochs; n < 0 || n > MaxEpochsLimit {'
mutant i26h-max-epochs-limit spec/budget.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'if n := s.Trainer.MaxEpochs; n < 1 || n > MaxEpochsLimit {' 'if n := s.Trainer.MaxEpochs; n < 1 || n >= MaxEpochsLimit {'
mutant i26h-full-epochs-builtin spec/budget.go spec 'TestHalving_Validate$|TestSpec_Rungs$|TestHalvingRules_' \
	'		return s.Trainer.MaxEpochs
	}
	return s.Train.Epochs' '		return s.Train.Epochs
	}
	return s.Train.Epochs'
mutant i26h-ckpt-full-strict experiments/checkpoint.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'full := run.EpochBudget() >= run.Spec.Trainer.MaxEpochs' 'full := run.EpochBudget() > run.Spec.Trainer.MaxEpochs'
mutant i26h-ckpt-temp-kept experiments/checkpoint.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'	if temp || (status' '	if (status'
mutant i26h-ckpt-remove-keep-ignored experiments/checkpoint.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'if t := run.Spec.Trainer; (t != nil && t.KeepCheckpoints) || root == "" {' 'if root == "" {'
mutant i26h-ckpt-remove-no-root experiments/checkpoint.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'if t := run.Spec.Trainer; (t != nil && t.KeepCheckpoints) || root == "" {' 'if t := run.Spec.Trainer; t != nil && t.KeepCheckpoints {'
mutant i26h-ckpt-other-key-continued experiments/checkpoint.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'if b, err := readMark(mark); err == nil && string(b) == key {' 'if b, err := readMark(mark); err == nil && len(b) > 0 {'
mutant i26h-ckpt-marker-unwritten experiments/checkpoint.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'	if err := os.WriteFile(mark, []byte(key), 0o644); err != nil {' '	if err := os.WriteFile(mark, []byte("x"), 0o644); err != nil {'
mutant i26h-ckpt-mark-link-followed experiments/checkpoint.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'	st, err := os.Lstat(path)
	if err != nil {
		return nil, err' '	st, err := os.Stat(path)
	if err != nil {
		return nil, err'
mutant i26h-epochs-env-zero experiments/train_command.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'if n := inv.run.EpochBudget(); n > 0 {' 'if n := inv.run.EpochBudget(); n >= 0 {'
mutant i26h-epochs-trained-none experiments/train_command.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'		res.EpochsTrained = run.EpochBudget() // no epoch lines' '		res.EpochsTrained = 0 // no epoch lines'
mutant i26h-run-budget-ignored experiments/run.go experiments 'TestCheckpoint_|TestBudgetRules_|TestTrain_Budget$' \
	'	if r.Budget > 0 {
		return r.Budget' '	if r.Budget > 1<<40 {
		return r.Budget'
mutant i26h-pruned-curves-written report/table/writer.go study 'TestHalvingRules_EpochsExact$' \
	'	if r.Status == experiments.StatusPruned {
		return nil // a pruned' '	if false {
		return nil // a pruned'
mutant i26c-one-pair-paired report/compare/stats.go report/compare 'TestCompare_|TestCompareRules_' \
	'if r.Pairs >= 2 {' 'if r.Pairs >= 1 {'
mutant i26c-welch-one-value report/compare/stats.go report/compare 'TestCompare_|TestCompareRules_' \
	'if sa.N < 2 || sb.N < 2 {' 'if sa.N < 2 && sb.N < 2 {'
mutant i26c-welch-df-n report/compare/stats.go report/compare 'TestCompare_|TestCompareRules_' \
	'va*va/float64(na-1)' 'va*va/float64(na)'
mutant i26c-welch-one-sided report/compare/stats.go report/compare 'TestCompare_|TestCompareRules_' \
	'w.P = 2 * t.Survival(math.Abs(w.T))' 'w.P = t.Survival(math.Abs(w.T))'
mutant i26c-welch-no-variance report/compare/stats.go report/compare 'TestCompare_|TestCompareRules_' \
	'	if !(se2 > 0) {' '	if se2 < 0 {'
mutant i26c-diverged-paired report/compare/stats.go report/compare 'TestCompare_|TestCompareRules_' \
	'if r.Status != experiments.StatusOK || !isFinite(v) {' 'if r.Status == experiments.StatusFailed || !isFinite(v) {'
mutant i26c-dup-last-wins report/compare/stats.go report/compare 'TestCompare_|TestCompareRules_' \
	'		if _, dup := out[key][pk]; !dup {' '		if true {'
mutant i26c-metric-one-side-values report/compare/compare.go report/compare 'TestCompare_|TestCompareRules_' \
	'		if hasA && hasB {' '		if hasA || hasB {'
mutant i26c-partial-note-at-planned report/compare/compare.go report/compare 'TestCompare_|TestCompareRules_' \
	'if s.Planned > 0 && s.Stored < s.Planned {' 'if s.Planned > 0 && s.Stored <= s.Planned {'
mutant i26c-task-differs-compared report/compare/compare.go report/compare 'TestCompare_|TestCompareRules_' \
	'	case taskA == taskB && (taskA == "" || c.a.Analysis.Task.Higher == c.b.Analysis.Task.Higher):' '	case true:'
mutant i26c-balance-b-only-dropped report/compare/compare.go report/compare 'TestCompare_|TestCompareRules_' \
	'			add(nil, &tb[j])' '			_ = j'
mutant i26c-balance-undefined-lambda report/compare/compare.go report/compare 'TestCompare_|TestCompareRules_' \
	'	if bp.Point < 0 {' '	if bp.Point < -1 {'
mutant i26c-leftout-b-points report/compare/compare.go report/compare 'TestCompare_|TestCompareRules_' \
	'		if !seen[kb.key(p.Lambdas, p.Axes)] {' '		if false {'
mutant i26c-out-compare-file-any-png study/compare.go study 'TestCompare_|TestCompareOut_|TestCompareRules_' \
	'strings.HasPrefix(name, "compare_") && strings.HasSuffix(name, ".png")' 'strings.HasPrefix(name, "compare_") || strings.HasSuffix(name, ".png")'
mutant i26c-out-rerun-refused study/compare.go study 'TestCompare_|TestCompareOut_|TestCompareRules_' \
	'		if !isCompareFile(n) {' '		if true {'
mutant i26c-out-results-allowed study/compare.go study 'TestCompare_|TestCompareOut_|TestCompareRules_' \
	'	if inv.Results {' '	if false {'
mutant i26c-out-links-followed study/compare.go study 'TestCompare_|TestCompareOut_|TestCompareRules_' \
	'	if err := inv.refuseLinks(out); err != nil {' '	if err := inv.refuseLinks(out); false {'
mutant i26c-out-parent-link-not-resolved study/compare.go study 'TestCompare_|TestCompareOut_|TestCompareRules_' \
	'		if r, err := filepath.EvalSymlinks(p); err == nil {' '		if r, err := p, error(nil); err == nil {'
mutant i26c-partial-stored-planned study/compare.go study 'TestCompare_|TestCompareOut_|TestCompareRules_' \
	'm.Runs > 0 && !m.Complete {' 'm.Runs > 0 && m.Complete {'
mutant i26c-safe-base-dot-first study/compare.go study 'TestCompare_|TestCompareOut_|TestCompareRules_' \
	"c == '.' && i > 0" "c == '.'"
mutant i26c-safe-base-long study/compare.go study 'TestCompareRules_OutNameBounded$' \
	'	if len(b) > 60 {' '	if len(b) > 600 {'
mutant i26c-out-compare-name-link-replaced study/compare.go study 'TestCompareRules_' \
	'} else if st, err := os.Lstat(filepath.Join(out, n)); err == nil && !st.Mode().IsRegular() {' '} else if st, err := os.Lstat(filepath.Join(out, n)); err == nil && false && !st.Mode().IsRegular() {'
mutant i26f-ci-one-side-undefined report/figure/intervals.go report/figure 'TestIntervalRules_|TestWhiskers_' \
	'if !table.IsFinite(lo) || !table.IsFinite(hi) {' 'if !table.IsFinite(lo) && !table.IsFinite(hi) {'
mutant i26f-log-low-end-zero report/figure/intervals.go report/figure 'TestIntervalRules_|TestWhiskers_' \
	'if logY && !(y.Mean-ye.Low > 0) {' 'if logY && y.Mean-ye.Low < 0 {'
mutant i26f-log-extent-zero report/figure/intervals.go report/figure 'TestIntervalRules_|TestFigureRanges_' \
	'if table.IsFinite(v) && (!e.log || v > 0) {' 'if table.IsFinite(v) && (!e.log || v >= 0) {'
mutant i26f-log-margin-inward report/figure/intervals.go report/figure 'TestIntervalRules_|TestFigureRanges_' \
	'a.Min, a.Max = min(a.Min, e.lo/f), max(a.Max, e.hi*f)' 'a.Min, a.Max = min(a.Min, e.lo*f), max(a.Max, e.hi/f)'
mutant i26f-range-margin report/figure/intervals.go report/figure 'TestIntervalRules_|TestFigureRanges_' \
	'const rangeMargin = 0.04' 'const rangeMargin = 0.02'
mutant i26f-segment-touch-crosses report/figure/labels.go report/figure 'TestLabelRules_|TestPointLabels_' \
	'	return t0 < t1' '	return t0 <= t1'
mutant i26f-segment-along-edge report/figure/labels.go report/figure 'TestLabelRules_|TestPointLabels_' \
	'			if q <= 0 {' '			if q < 0 {'
mutant i26f-inside-strict report/figure/labels.go report/figure 'TestLabelRules_|TestPointLabels_' \
	'b.Min.X >= area.Min.X && b.Min.Y >= area.Min.Y' 'b.Min.X > area.Min.X && b.Min.Y > area.Min.Y'
mutant i26f-leader-from-centre report/figure/labels.go report/figure 'TestLabelRules_|TestPointLabels_' \
	'	return p.Add(d.Scale(r / n)), to' '	return p, to'
mutant i26f-candidates-left-first report/figure/labels.go report/figure 'TestLabelRules_|TestPointLabels_' \
	'{X: d, Y: -h / 2}, {X: -d - w, Y: -h / 2},' '{X: -d - w, Y: -h / 2}, {X: d, Y: -h / 2},'
mutant i26f-same-spot-strict report/figure/labels.go report/figure 'TestLabelRules_|TestPointLabels_' \
	'd.X*d.X+d.Y*d.Y <= same*same && l.group(i) == l.group(j) {' 'd.X*d.X+d.Y*d.Y < same*same && l.group(i) == l.group(j) {'
mutant i26f-same-spot-lighter report/figure/labels.go report/figure 'TestLabelRules_|TestPointLabels_' \
	'if luminance(out[j].style.Color) < luminance(out[i].style.Color) {' 'if luminance(out[j].style.Color) > luminance(out[i].style.Color) {'
# --- issue 24: halving with commands and continuation ---
mutant i24h2-added-epochs-sum study/halving.go cmd 'TestHalving_Command$' \
	'	if trained > 0 {' '	if trained < 0 {'
mutant i24h2-pruned-checkpoints-kept study/halving.go cmd 'TestHalving_Command$' \
	'if rerr := st.removePruned(store, hs); err == nil {' 'if rerr := error(nil); err == nil {'
mutant i24h2-keep-checkpoints-ignored experiments/checkpoint.go cmd 'TestHalving_Command$' \
	'(t != nil && t.KeepCheckpoints) || root == ""' 't == nil && root == ""'
mutant i24h2-continue-epoch-offset experiments/train_continue.go study 'TestHalving_Continues$' \
	'	return st.Epochs, st.Bound, nil' '	return st.Epochs-1, st.Bound, nil'
mutant i24h2-continue-from-scratch experiments/train_continue.go study 'TestHalving_Continues$' \
	'		c.from = st' '		c.from = nil'
mutant i24h2-continue-epochs-added experiments/train_continue.go study 'TestHalving_Continues$' \
	'	res.EpochsTrained = t.budget - st.Epochs' '	res.EpochsTrained = t.budget'
mutant i24h2-continue-rng-not-restored experiments/train_continue.go study 'TestHalving_Continues$' \
	'	if err := src.UnmarshalBinary(st.Rng); err != nil {' '	if err := error(nil); err != nil {'
mutant i24h2-continue-optimizer-not-restored experiments/train_continue.go study 'TestHalving_Continues$' \
	'	return optim.Restore(t.opt, s)' '	return nil'
mutant i24h2-continue-eval-row-kept experiments/train_continue.go study 'TestHalving_Continues$' \
	'		last[testLossColumn(len(t.pens))] = math.NaN()' ''
mutant i24h2-continue-link-followed experiments/train_continue.go study 'TestHalving_ContinueHostile$' \
	'	if !fi.Mode().IsRegular() {' '	if false {'
mutant i24h2-continue-state-left experiments/train_continue.go study 'TestHalving_Continues$' \
	'		return os.RemoveAll(c.dir)
	}
	opt, _' '		return nil
	}
	opt, _'

# --- issue 25: compare figures ---
mutant i25cf-log-threshold report/compare/fronts.go report/compare 'TestFronts_AxesFollowSweep$' \
	'f.logY = lo > 0 && hi/lo > 30' 'f.logY = lo > 0 && hi/lo > 3000'
mutant i25cf-log-negative report/compare/fronts.go report/compare 'TestFronts_AxesFollowSweep$' \
	'f.logY = lo > 0 && hi/lo > 30' 'f.logY = hi/lo > 30 || hi/lo < -30'
mutant i25cf-log-scale-unset report/compare/fronts.go report/compare 'TestFronts_AxesFollowSweep$' \
	'		p.Y.Scale = plot.LogScale{}' ''
mutant i25cf-axes-swapped report/compare/figures.go report/compare 'TestFronts_AxesFollowSweep$' \
	'		fr.x = append(fr.x, p.Stats[ti])' '		fr.x = append(fr.x, p.Stats[t.Metric.Index])'
mutant i25cf-whisker-y-is-x report/compare/fronts.go report/compare 'TestFronts_WhiskersAreCIs$' \
	'figure.Whiskers(s.x, s.y, f.logY,' 'figure.Whiskers(s.x, s.x, f.logY,'
mutant i25cf-pareto-direction report/compare/fronts.go report/compare 'TestFronts_WhiskersAreCIs$' \
	'orient(s.y[i].Mean, t.Metric.Higher)' 'orient(s.y[i].Mean, !t.Metric.Higher)'
mutant i25cf-labels-one-group report/compare/fronts.go report/compare 'TestFronts_LabelsPerStudy$' \
	'lab.Add(g, s.x[i].Mean,' 'lab.Add(0, s.x[i].Mean,'
mutant i25cf-join-across-groups report/figure/labels.go report/compare 'TestFronts_LabelsPerStudy$' \
	' && l.group(i) == l.group(j) {' ' {'
mutant i25cf-label-colour-shared report/compare/fronts.go report/compare 'TestFronts_LabelsPerStudy$' \
	'	col := figure.Palette[g%len(figure.Palette)]' '	col := figure.Palette[0]'
mutant i25cf-title-without-spec report/compare/compare.go report/compare 'TestFronts_LabelsPerStudy$' \
	'	if spec == "" {' '	if true {'
mutant i25cf-spec-name-unread study/compare.go cmd 'TestCompare_EndToEnd$' \
	'		cs.Spec = an.Spec.Name' '		cs.Spec = ""'
# --- issue 25: compare, a term at λ = 0 is the unswept term ---
mutant i25m-fixed-zero-kept report/compare/compare.go report/compare 'TestCompareRules_BalanceSideBySide$' \
	'if p != "" && !strings.HasSuffix(p, "=0") {' 'if p != "" {'
# --- issue 22: report split (figure registry) ---
mutant i22s-family-pattern-wrong report/figure/registry.go report/figure 'TestFamilies_FileNames' \
	'methodsFigures, SectionMethods, "methods_*.png"}' 'methodsFigures, SectionMethods, "method_*.png"}'
mutant i22s-family-draw-swapped report/figure/registry.go report/figure 'TestFamilies_FileNames' \
	'tradeoffFigures, SectionTradeoff, "tradeoff_*.png"}' 'methodsFigures, SectionTradeoff, "tradeoff_*.png"}'

# --- issue 22: registry-driven page ---
mutant i22p-figure-only-section-dropped report/sections.go report 'TestHTML_RegisteredFamilyShown' \
	'if hs.Body != "" || len(hs.Figs) > 0 {' 'if hs.Body != "" {'
mutant i22p-empty-section-kept report/sections.go report 'TestHTML_RegisteredFamilyShown' \
	'if hs.Body != "" || len(hs.Figs) > 0 {' 'if true {'
mutant i22p-registry-figures-unshown report/sections.go report 'TestHTML_RegisteredFamilyShown|TestRender_Analysis$' \
	'hs.Figs = d.Figs.Sections[p.ID]' 'hs.Figs = nil'
mutant i22p-unknown-section-unlisted report/sections.go report 'TestHTML_RegisteredFamilyShown' \
	'layout = slices.Insert(layout, at, pageSection{Section: fam.Section})' '_ = at'
mutant i22p-section-family-replaces report/render.go report 'TestHTML_RegisteredFamilyShown|TestRender_Analysis$' \
	'f.Sections[sec.ID] = append(f.Sections[sec.ID], baseNames(paths)...)' 'f.Sections[sec.ID] = baseNames(paths)'
mutant i22p-unknown-section-first report/sections.go report 'TestHTML_RegisteredFamilyShown' \
	'return p.ID == otherSectionsAfter }) + 1' 'return p.ID == otherSectionsAfter }) * 0'

mutant i22p-docs-method-default-stale docs/balancing.md experiments/balance 'TestDocs_MethodTable' \
	'| `T` (2) |' '| `T` (3) |'
mutant i22p-docs-method-row-missing docs/balancing.md experiments/balance 'TestDocs_MethodTable' \
	'| `pcgrad` | each gradient projected off those it conflicts with, random order (Yu et al. 2020) | — |' ''

mutant i22p-tuple-joiner spec/spec.go spec 'TestTupleLabel' \
	'		parts[i] = item(t, lam[i])
	}
	return strings.Join(parts, ", ")' '		parts[i] = item(t, lam[i])
	}
	return strings.Join(parts, ",")'
mutant i22p-compare-label-own-format report/compare/compare.go report/compare 'TestComparison_Label' \
	's := table.PointLabel(c.Terms, lams)' 's := strings.Trim(table.PointLabel(c.Terms, lams), "()")'

mutant i22p-adversary-activation lossterms/adversarial.go lossterms 'TestAdversarial' \
	'a.net, err = newRowMLP(sizes, "tanh")' 'a.net, err = newRowMLP(sizes, "relu")'
mutant i22p-adversary-eo-input lossterms/adversarial.go lossterms 'TestAdversarial' \
	'logits := a.net.forward(b.Own, in[:a.in], a.net.layers()-1)' 'logits := a.net.forward(b.Own, in[:1], a.net.layers()-1)'

mutant i22p-aux-head-activation lossterms/aux.go lossterms 'TestAux' \
	'x.net, err = newRowMLP(sizes, "tanh")' 'x.net, err = newRowMLP(sizes, "sigmoid")'
mutant i22p-aux-hidden-scale lossterms/aux.go lossterms 'TestAux' \
	'x.net.backward(b.Own, h, last, dz, dhi, scale, down)' 'x.net.backward(b.Own, h, last, dz, dhi, 1, down)'

mutant i22p-epoch-mean-over-all report/figure/analysis_plot.go report/figure 'TestEpochMeans' \
	'out[i] = acc.sum[i] / float64(acc.n[i])' 'out[i] = acc.sum[i] / float64(len(acc.n))'

# --- issue 27: docs ---
mutant i27-baseline-example-over-committed cmd/baseline.go . 'TestDocs_HelpExamplesKeepCommittedFiles' \
	'  lossexp baseline results/my-study --to results/baselines/my-study' '  lossexp baseline results/quickstart --to results/baselines/quickstart'
mutant i27-docker-command-unmarked docs/cluster.md . 'TestDocs_Commands' \
	'<!-- not run: * — needs a Docker daemon and a registry -->' ''
mutant i27-exempt-mark-ignored docs_commands_test.go . 'TestDocs_Commands' \
	'				cmd.exempt = e.reason' '				_ = e.reason'
# --- issue 28: kernels and generic model ---
mutant i28k-colsums32-overwrites internal/kernel/elem32_amd64.s internal/kernel 'TestColSums32AddScaled32$' \
	'	VADDPS (R9), Y0, Y0' '	VMOVUPS (R9), Y0'
mutant i28k-addscaled32-fused lossterms/float32.go experiments 'TestPrecision32_StepByHand$' \
	'kernel.AddScaled32(dst, w, float32(2*scale))' 'kernel.AddScaled32(dst, w, float32(scale))'
mutant i28k-zmm-block-column internal/kernel/gemm_amd64.s internal/kernel 'TestDgemm$' \
	'	VMOVUPD      64(R13), Z17' '	VMOVUPD      (R13), Z17'
mutant i28k-zmm-dispatch-off internal/kernel/gemm_amd64.go internal/kernel 'TestKernel_SelectsAVX512$' \
	'var hasAVX512 = hasFMA && cpu.X86.HasAVX512F' 'var hasAVX512 = false'
mutant i28k-adam-zmm-skips experiments/optim/adam_amd64.s experiments/optim 'TestAdamKernel_BitIdentical$' \
	'Z15)
	ADDQ $8, R8
	JMP  zloop' 'Z15)
	ADDQ $16, R8
	JMP  zloop'
mutant i28k-adam-step-divide experiments/optim/adam_amd64.s experiments/optim 'TestAdamKernel_BitIdentical$' \
	'	VDIVPD  r3, r1, r1' '	VMULPD  r3, r1, r1'
mutant i28k-sgeneric-stride internal/kernel/sgemm.go internal/kernel '.' \
	'				row[j] = fma32(aip, bp[j*sbj], row[j])' '				row[j] = fma32(aip, bp[j], row[j])'
mutant i28k-dispatch-float32-to-float64 experiments/model/ops.go experiments/model 'TestBackward32_' \
	'	case float32:' '	case int:'
mutant i28k-momentum32-factor experiments/optim/optim32.go experiments 'TestPrecision32_StepByHand$' \
	'		vi := float32(mu*v[i]) + g' '		vi := float32(mu*mu*v[i]) + g'
mutant i28k-adamw32-decay-factor experiments/optim/optim32.go experiments 'TestPrecision32_StepByHand$' \
	'			u += float32(k.wd * p[i])' '			u += float32(k.lr * p[i])'
mutant i28k-l1-prox32-threshold lossterms/float32.go experiments 'TestPrecision32_StepByHand$' \
	'{ softThreshold(w, t) }' '{ softThreshold(w, 2*t) }'
mutant i28k-l1-grad32-sign lossterms/l1.go experiments 'TestPrecision32_PenaltyGradcheck$' \
	'			dst[i] -= s' '			dst[i] += s'
# --- issue 24: halving keep rule (paired) ---
mutant i24p-paired-se-ignored study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'i == best || d+k*se >= 0' 'i == best || d+k*pts[best].se+0*se >= 0'
mutant i24p-band-boundary study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'd+k*se >= -pts[best].se {' 'd+k*se > -pts[best].se {'
mutant i24p-band-k-ignored study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'd+k*se >= -pts[best].se {' 'd+0*se >= -pts[best].se {'
mutant i24p-band-below-best study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'pts[i].lambdas[j] > pts[best].lambdas[j] && d+k*se' 'pts[i].lambdas[j] >= 0 && d+k*se'
mutant i24p-next-above-dropped study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'keep[sl[last+1]] = true' 'keep[sl[last]] = true'
mutant i24p-ties-to-smaller-lambda study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'pts[i].lambdas[j] >= pts[best].lambdas[j]' 'pts[i].lambdas[j] < pts[best].lambdas[j]'
mutant i24p-slice-ignores-other-terms study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'if k != j && l != grid[k] {' 'if k != j && l < grid[k] {'
mutant i24p-pairs-not-by-repeat study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'x := p.reps[r] - q.reps[r];' 'x := p.reps[r] - q.reps[len(q.reps)-1-r];'
mutant i24p-missing-repeat-paired study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'; !math.IsNaN(x) && !math.IsInf(x, 0) {' '; true {'
mutant i24p-paired-se-not-of-mean study/halving_keep.go study 'TestPairedDiff$|TestKeepAfterRung_Paired$' \
	'math.Sqrt(ss / (n - 1) / n)' 'math.Sqrt(ss / (n - 1))'
mutant i24p-repeats-not-oriented study/halving.go study 'TestHalvingRules_LowerIsBetter$|TestHalving_Sweep$' \
	'v[r.Repeat] = sign * r.Metrics[task.Index]' 'v[r.Repeat] = r.Metrics[task.Index] + 0*sign'
mutant i24p-grid-reference-largest study/halving_keep.go study 'TestHalvingRules_GridReference$' \
	'if v >= 0 && v < ref[k] {' 'if v > ref[k] {'
mutant i24p-pruned-counted-by-record study/train.go study 'TestHalvingRules_PrunedDivergedCounts$' \
	'switch res.Status { // runs.csv' 'switch rec.Status { // runs.csv'
# --- issue 28: bench and report stage ---
mutant i28b-flops-input-gradient internal/flops/count.go internal/flops 'TestMLPStep_HandCount$' \
	'		if l > 0 {' '		if l >= 0 {'
mutant i28b-flops-no-dW internal/flops/count.go internal/flops 'TestMLPStep_HandCount$' \
	'		f += GEMM(in, out, n) // dW' '		f += 0 // dW'
mutant i28b-flops-partial-batch-full internal/flops/count.go internal/flops 'TestMLPTrain_PartialBatch$' \
	'MLPStep(sizes, min(batch, rows-s))' 'MLPStep(sizes, batch)'
mutant i28b-peak-lanes-f64 internal/flops/peak.go internal/flops 'TestPeak_(Sane|WidestVectors)$' \
	'	lane := 64' '	lane := 8'
mutant i28b-peak-lanes-f32 internal/flops/peak.go internal/flops 'TestPeak_(Sane|WidestVectors)$' \
	'		lane = 32' '		lane = 4'
mutant m5-manifest-unbounded study/folder.go study 'TestReadManifest_Bounded$' \
	'const maxManifestBytes = 64 << 20' 'const maxManifestBytes = 0'
mutant m5-halving-interrupted-without-runs cmd/sweep.go cmd 'TestInterruptedWritten_HalvingLowerRungs$' \
	'	case oc.Manifest.Finished == 0 && oc.Halving != nil && oc.Halving.Lower > 0:' '	case false:'
mutant m5-one-method-plural spec/balance_spec.go experiments 'TestSpec_BalanceSummary$' \
	'	if len(labels) == 1 {' '	if len(labels) == 0 {'
mutant m5-compare-names-raw cmd/compare.go cmd 'TestTermSafe$' \
	'	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 && utf8.ValidString(s) {' '	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 1<<30 && utf8.ValidString(s) {'
mutant i28b-peak-256-on-avx512 internal/flops/peak_amd64.go internal/flops 'TestPeak_WidestVectors$' \
	'	hasAVX512 = hasFMA && cpu.X86.HasAVX512F' '	hasAVX512 = false'
mutant i28b-html-plus-unescaped report/html.go report 'TestHTML_ImagesAreTheFiles$' \
	'"+", "&#43;")' '"+", "+")'
mutant i28b-html-src-dropped report/html.go report 'TestHTML_ImagesAreTheFiles$' \
	'template.HTMLAttr(`src="data:image/png;base64,` +' 'template.HTMLAttr(`src="data:image/png;base64,A` +'
mutant i28b-frame-filled-again report/figure/plot.go report/figure 'TestDrawFramed_PaintsNoBackground$' \
	'	const margin = 0.3 * vg.Centimeter' '	c.Fill(c.Rectangle.Path()); const margin = 0.3 * vg.Centimeter'
# --- edges of the newer features ---
mutant e5-empty-summary-indexed report/figure/plot.go study 'TestHalving_CtrlCMidRung$' \
	'	if len(s.Points) == 0 {' '	if false {'
mutant e5-compare-direction-ignored report/compare/compare.go report/compare 'TestCompare_OppositeDirections$' \
	'(taskA == "" || c.a.Analysis.Task.Higher == c.b.Analysis.Task.Higher)' 'true'
mutant e5-compare-term-direction-ignored report/compare/figures.go report/compare 'TestCompare_OppositeDirections$' \
	'				if ta.Metric.Higher != tb.Metric.Higher {' '				if false {'
mutant e5-live-tail-blocking-open experiments/command/live.go experiments/command 'TestLastEpoch_HostileFile$' \
	'"github.com/lossexp/lossexp/internal/saferead"' 'saferead "os"'
mutant e5-checkpoint-files-unchecked study/folder.go study 'TestHalving_CheckpointFileNotAFile$' \
	'inv.Links = append(inv.Links, filepath.Join(rel, f))' '_ = f'
mutant e5-partial-link-followed study/partial.go study 'TestPartial_DefaultOutALink$' \
	'if fi, err := os.Lstat(out); err == nil && !fi.IsDir() {' 'if fi, err := os.Lstat(out); err == nil && false && !fi.IsDir() {'
mutant e5-compare-spec-warning-dropped report/compare/compare.go report/compare 'TestCompare_SpecUnreadable$' \
	'		c.Notes = append(c.Notes, specWarnings(s)...)' '		_ = specWarnings'
mutant e5-partial-spec-unwritten study/partial.go study 'TestPartial_SpecBeside$' \
	'if err := atomicfile.WriteBytes(filepath.Join(out, SpecFile), st.SpecText); err != nil {' 'if false {'
mutant e5-compare-ignores-ctrl-c report/compare/figures.go report/compare 'TestCompare_StopsOnCancel$' \
	'		if err := ctx.Err(); err != nil { // Ctrl-C: a figure a metric, each takes a while' '		if err := ctx.Err(); err != nil && false {'
mutant i24p-insure-at-last-decision study/halving_keep.go study 'TestKeepAfterRung_Paired$' \
	'if insure && last+1 < len(sl) {' 'if last+1 < len(sl) {'
mutant i24p-insure-until-full study/halving.go study 'TestInsures$' \
	'return k+2 < len(rungs)' 'return k+1 < len(rungs)'
mutant i24p-insure-one-early study/halving.go study 'TestInsures$' \
	'return k+2 < len(rungs)' 'return k+3 < len(rungs)'
mutant i24p-insure-not-passed study/halving.go cmd 'TestHalving_Command$' \
	'h.KeepSE, max(1, 2-len(hs.refs)), insures(k, rungs, h.Eta))' 'h.KeepSE, max(1, 2-len(hs.refs)), true || insures(k, rungs, h.Eta))'
mutant i24p-warn-cost-last-rung experiments/halving_warn.go cmd 'TestHalving_WarnsWithoutContinuation$' \
	'		sum += r' '		sum = r'
mutant i24p-warn-checkpoint-dir-ignored experiments/halving_warn.go cmd 'TestHalving_WarnsWithoutContinuation$' \
	'	if uses {' '	if false && uses {'
mutant i24p-warn-not-in-validate cmd/validate.go cmd 'TestHalving_WarnsWithoutContinuation$' \
	'if h := st.HalvingWarning(); h != "" {' 'if h := st.HalvingWarning(); false && h != "" {'
mutant i24p-warn-not-in-sweep study/plan.go cmd 'TestHalving_WarnsWithoutContinuation$' \
	'		w = append(w, h)' '		_ = h'
# --- issue 24: status with halving ---
mutant i24st-earlier-rungs-uncounted study/status_halving.go study 'TestStatusRules_HalvingRungDone$' \
	'		out.Counts[s] += n' '		_, _ = s, n'
mutant i24st-done-not-folded study/status_halving.go cmd 'TestStatus_HalvingCountsEveryRung$' \
	'		h.Earlier[s] += n' '		_, _ = s, n'
mutant i24st-later-rungs-zero study/status_halving.go study 'TestStatusRules_HalvingRungDone$' \
	'	return perEpoch * float64(epochs*max(h.PerPoint, 1))' '	return 0 * perEpoch * float64(epochs*max(h.PerPoint, 1))'
mutant i24st-eta-not-at-least study/status.go study 'TestStatusRules_HalvingRungDone$' \
	'out.ETA, out.ETAAtLeast = &eta, s.Halving.laterRungs()' 'out.ETA = &eta'
mutant i24st-rung-not-published study/halving.go cmd 'TestStatus_HalvingCountsEveryRung$' \
	'		st.liveRung(live, k+1) // lossexp status' '		_ = live'
mutant i24st-interrupt-lower-uncounted study/status_halving.go cmd 'TestSweep_HalvingInterruptedCountsLowerRungs$' \
	'				hp.Lower++' '				hp.Lower += 0'
mutant i24st-interrupt-message-plain cmd/sweep.go cmd 'TestSweep_HalvingInterruptedCountsLowerRungs$' \
	'oc.Halving.Finished(m.Finished, m.Runs)' '(*study.HalvingProgress)(nil).Finished(m.Finished, m.Runs)'
# --- issue 24: continuation of batch terms ---
mutant i24c-own-params-not-restored experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'		copy(o.ownP, st.Own[i].Param)' ''
mutant i24c-own-optimizer-not-restored experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'		if err := optim.Restore(o.ownOpt, st.Own[i].Opt); err != nil {' '		if err := error(nil); err != nil {'
mutant i24c-own-saved-one-step-back experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'st.Own = append(st.Own, ownState{Param: o.ownP, Opt: opt})' 'st.Own = append(st.Own, ownState{Param: o.ownG, Opt: opt})'
mutant i24c-windows-not-restored experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'	copy(t.win, st.Win)' ''
mutant i24c-own-one-step-ahead experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'		copy(o.ownP, st.Own[i].Param)' '		copy(o.ownP, st.Own[i].Param); o.ownOpt.Step(o.ownP, o.ownG)'
mutant i24c-windows-one-epoch-ahead experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'	copy(t.win, st.Win)' '	copy(t.win, st.Win); t.arrangeWindows(rand.New(rand.NewPCG(1, 2)))'
mutant i24c-noise-one-draw-off experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'		return t.noiseSrc.UnmarshalBinary(st.Noise)' '		err := t.noiseSrc.UnmarshalBinary(st.Noise); t.noiseRng.NormFloat64(); return err'
mutant i24c-noise-not-restored experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'		return t.noiseSrc.UnmarshalBinary(st.Noise)' '		return nil'
mutant i24c-own-shape-unchecked experiments/train_continue.go experiments 'TestContinue_OtherShapeIgnored$' \
	'		if len(st.Own[i].Param) != len(o.ownP) {' '		if len(st.Own[i].Param) > len(o.ownP)+1 {'
mutant i24c-windows-unchecked experiments/train_continue.go experiments 'TestContinue_OtherShapeIgnored$' \
	'	return slices.Equal(win, t.win)' '	return true'
mutant i24c-noise-unchecked experiments/train_continue.go experiments 'TestContinue_OtherShapeIgnored$' \
	'(len(st.Noise) == 0) != (t.noise == 0)' 'false'
mutant i24c-adam32-powers-not-restored experiments/optim/snapshot32.go experiments/optim 'TestSnapshot32_Continues$' \
	'		o.b1t, o.b2t = s.B1t, s.B2t' ''
mutant i24c-last-short-step-uninsured study/halving.go study 'TestInsures$' \
	'	return k+2 < len(rungs) || (full-rungs[k])*eta <= full' '	return k+2 < len(rungs) || (full-rungs[k])*eta < 0*full'
mutant i24c-folds-continue experiments/train_continue.go experiments 'TestContinue_WarningAgrees$' \
	'	case s.Folds() > 1:' '	case false:'
mutant i24c-float32-weights-not-restored experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'		t.f32.start(t.param) // the float32 weights' '		_ = t.param // the float32 weights'
mutant i24c-float32-moments-not-restored experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'		return optim.Restore32(t.f32.opt, s)' '		return nil'
mutant i24c-batch-terms-refused experiments/train_continue.go experiments 'TestContinue_BatchTerms$' \
	'	if s.Sweep.Halving == nil || run.Key == "" || checkpointRoot(ctx) == "" || continueRefusal(s) != "" {' '	if s.Sweep.Halving == nil || run.Key == "" || checkpointRoot(ctx) == "" || continueRefusal(s) != "" || t.batchTerms > 0 {'

# --- issue 28: fused step (round 6) ---
mutant i28s-adam-l2-sign experiments/optim/adam_amd64.s experiments/optim 'TestStepL2_BitIdentical$' \
	'VADDPD       r0, r2, r0' 'VSUBPD       r0, r2, r0'
mutant i28s-adam32-l2-factor experiments/optim/adam32_amd64.s experiments/optim 'TestStep32L2_BitIdentical$' \
	'VBROADCASTSS 36(AX), r2' 'VBROADCASTSS 32(AX), r2'
mutant i28s-adam32-l2-sign experiments/optim/adam32_amd64.s experiments/optim 'TestStep32L2_BitIdentical$' \
	'VADDPS       r0, r2, r0' 'VSUBPS       r0, r2, r0'
mutant i28s-adam-loop-l2-sign experiments/optim/adam_kernel.go experiments/optim 'TestStepL2_BitIdentical$' \
	'gi += float64(k.l2 * p[i])' 'gi -= float64(k.l2 * p[i])'
mutant i28s-adam-l2-cut-off-by-one experiments/optim/optim.go experiments/optim 'TestStepL2_BitIdentical$' \
	'range [3]int{min(nd, nl), max(nd, nl), n}' 'range [3]int{min(nd, nl), max(nd, nl) - 1, n}'
mutant i28s-adam32-l2-cut-off-by-one experiments/optim/optim32.go experiments/optim 'TestStep32L2_BitIdentical$' \
	'o.update(params, grad, &k, done, max(done, nl), s, useAVX)' 'o.update(params, grad, &k, done, max(done, nl-1), s, useAVX)'
mutant i28s-fused-factor experiments/fused.go experiments 'TestFusedL2_BitIdentical$' \
	'return last, 2 * t.pens[last].lambda' 'return last, t.pens[last].lambda'
mutant i28s-fused-also-added experiments/train.go experiments 'TestFusedL2_BitIdentical$' \
	'p != skip && pp.lambda != 0' 'pp.lambda != 0'
mutant i28s-fused-not-last experiments/fused.go experiments 'TestFusedL2_BitIdentical$' \
	'			last = p' '			last = max(last, 0)'
mutant i28s-fused32-also-added experiments/train32.go experiments 'TestFusedL2_BitIdentical$' \
	'i != skip && p.lambda != 0' 'i != skip-1000 && p.lambda != 0'
mutant i28s-dgemm-zmm-tail-mask internal/kernel/gemm_amd64.s internal/kernel 'TestDgemm$' \
	'SUBQ  $8, R13' 'SUBQ  $7, R13'
mutant i28s-sgemm-zmm-tail-width internal/kernel/sgemm_amd64.s internal/kernel 'TestSgemm$' \
	'MOVQ  $16, R13' 'MOVQ  $15, R13'
mutant i28s-transpose-lanes internal/kernel/transpose_amd64.s internal/kernel 'TestTranspose$' \
	'VSHUFF64X2 $0x88, Z19, Z17, Z4' 'VSHUFF64X2 $0xDD, Z19, Z17, Z4'
mutant i28s-transpose-edge-rows internal/kernel/transpose.go internal/kernel 'TestTranspose$' \
	'transposeLoops(dst, a, r, c, r8, r, 0)  // the rows below them' 'transposeLoops(dst, a, r, c, r8, r, c8) // the rows below them'
# --- issue 28: report stage (round 6) ---
mutant i28r-png-wrong-channel report/figure/pngenc.go report/figure 'TestWritePNG_Pixels$' \
	'row[j], row[j+1], row[j+2] = pix[4*x], pix[4*x+1], pix[4*x+2]' 'row[j], row[j+1], row[j+2] = pix[4*x], pix[4*x+1], pix[4*x+1]'
mutant i28r-png-subimage-origin report/figure/pngenc.go report/figure 'TestWritePNG_Pixels$' \
	'pix := rgba.Pix[rgba.PixOffset(b.Min.X, y):]' 'pix := rgba.Pix[y*rgba.Stride:]'
mutant i28r-png-alpha-dropped report/figure/pngenc.go report/figure 'TestWritePNG_Pixels$' \
	'if !ok || rgba.Rect.Empty() || !rgba.Opaque() {' 'if !ok || rgba.Rect.Empty() {'
mutant i28r-png-last-idat-lost report/figure/pngenc.go report/figure 'TestWritePNG_Pixels$' \
	'if err := idat.Flush(); err != nil {' 'if err := error(nil); err != nil {'
mutant i28r-png-compressor-shared report/figure/pngenc.go report/figure 'TestWritePNG_Concurrent$' \
	'defer zlibWriters.Put(zw)' 'zlibWriters.Put(zw)'
mutant i28r-small-csv-sniffed-again study/limits.go study 'TestPlan_SmallCSVReadOnce$' \
	'train, test := loaded, (*dataset.CSVShape)(nil)' 'train, test := (*dataset.CSVShape)(nil), (*dataset.CSVShape)(nil)'
mutant i28r-large-csv-loaded-unchecked experiments/memory.go study 'TestPlan_MemoryRefusedBeforeReading$|TestPlan_SmallCSVReadOnce$' \
	'size > dataset.SniffBytes' 'size > 1<<40'
mutant i28r-small-csv-memory-unchecked study/plan.go study 'TestPlan_SmallCSVMemoryRefused$' \
	'mem, sniffed, err := checkDataMemory(s, st.Dirs, lim, shape)' 'mem, sniffed, err := checkDataMemory(s, st.Dirs, Limits{}, shape)'
mutant i28r-shape-not-exact experiments/dataset/csv_estimate.go experiments/dataset 'TestShapeOf_SniffOfWholeFile$' \
	'Size: size, Rows: float64(t.N), Exact: true,' 'Size: size, Rows: float64(t.N), Exact: false,'
mutant i28r-dirsync-never internal/atomicfile/batch.go internal/atomicfile 'TestDeferDirSync$' \
	'if last && renamed {' 'if false && last && renamed {'
mutant i28r-dirsync-nested-early internal/atomicfile/batch.go internal/atomicfile 'TestDeferDirSync$' \
	'last, renamed := b.open == 0, b.renamed' 'last, renamed := true, b.renamed'
mutant i28r-dirsync-other-folder-skipped internal/atomicfile/batch.go internal/atomicfile 'TestDeferDirSync$' \
	'	if b == nil {
		syncDir(dir)' '	if b == nil && false {
		syncDir(dir)'
mutant i28r-render-syncs-per-file report/render.go report 'TestRender_OneFolderSync$' \
	'defer atomicfile.DeferDirSync(dir)()' 'defer atomicfile.DeferDirSync(dir + "-other")()'
mutant i28r-sweep-syncs-per-file study/sweep.go study 'TestSweep_OutputsOneFolderSync$' \
	'defer atomicfile.DeferDirSync(out)()' 'defer atomicfile.DeferDirSync(out + "-other")()'
mutant i28r-figure-slot-held-through-sync report/figure/figwriter.go report/figure 'TestWriter_SyncOutsideSlot$' \
	'	err := WriteTo(fig)(&buf)
	<-fw.sem' '	err := WriteTo(fig)(&buf)
	defer func() { <-fw.sem }()'
mutant i28r-figure-draw-error-lost report/figure/figwriter.go report/figure 'TestWriter_DrawError$' \
	'return table.WriteFileAtomic(path, func(io.Writer) error { return err })' 'return nil'
# --- round 6: red team ---
mutant r6-byname-always-ours study/folder.go cmd 'TestSweep_UserFileNamedLikeOutput$' \
	'	if made || inv.Results || len(inv.Logs) > 0 {' '	if true || made || inv.Results || len(inv.Logs) > 0 {'
mutant r6-lock-not-proof study/folder.go study 'TestInventory_EveryKnownName$' \
	'			made = made || n == LockFile && e.Type().IsRegular()' '			_ = made'
mutant r6-own-spec-refused study/folder.go cmd 'TestSweep_UserFileNamedLikeOutput$' \
	'	return errA == nil && errB == nil && os.SameFile(a, b)' '	return false && errA == nil && errB == nil && os.SameFile(a, b)'
mutant r6-force-advised-over-user-files study/folder.go cmd 'TestSweep_ForeignFilesNamedBeforeForce$' \
	'	if len(inv.Foreign) > 0 { // said with or without --force: it would not help' '	if opt.Force && len(inv.Foreign) > 0 {'
mutant r6-missing-reason-bare experiments/train_command.go experiments 'TestTrainCommand_Outcomes$' \
	'		a.reason = missingReason(missing, rep.Final)' '		a.reason = "missing metrics " + strings.Join(missing, ", ")'
mutant r6-missing-no-suggestion experiments/missing_metrics.go experiments 'TestMissingReason$' \
	'		if s := spec.Suggest(m, held); s != "" {' '		if s := spec.Suggest(m, held); s == "-" {'
mutant r6-missing-names-uncapped experiments/missing_metrics.go experiments 'TestMissingReason$' \
	'	case len(held) > maxNamesShown:' '	case len(held) > 2*maxNamesShown:'
mutant r6-unreported-not-in-sweep study/sweep.go cmd 'TestTrainer_UnreportedReportMetric$' \
	'		st.noteUnreported(opt.Log, oc)' '		_ = oc'
mutant r6-unreported-not-in-report study/report.go cmd 'TestTrainer_UnreportedReportMetric$' \
	'	noteUnreported(log, dir, opt.Metrics)' '	_ = opt'
mutant r6-unreported-any-run study/unreported.go cmd 'TestTrainer_UnreportedReportMetric$' \
	'		if r.Status == experiments.StatusOK && !math.IsNaN(r.Metrics[col]) {' '		if r.Status == experiments.StatusOK || !math.IsNaN(r.Metrics[col]) {'
mutant r6-message-raw cmd/root.go cmd 'TestMain_MessageTerminalSafe$' \
	'	fmt.Fprintf(errw, "lossexp: %s\n", terminalSafe(msg))' '	fmt.Fprintf(errw, "lossexp: %s\n", msg)'
mutant r6-stderr-tail-raw experiments/train_command.go experiments 'TestStderrTail_Clean$' \
	'		if c := strings.TrimSpace(cleanLine(string(l))); c != "" {' '		if c := strings.TrimSpace(string(l)); c != "" {'
mutant r6-stderr-progress-first experiments/stderr_clean.go experiments 'TestStderrTail_Clean$' \
	'		l = l[i+1:]' '		l = l[:i]'
mutant r6-description-raw cmd/validate.go cmd 'TestMain_MessageTerminalSafe$' \
	'		fmt.Fprintf(w, "about:    %s\n", terminalSafe(s.Description))' '		fmt.Fprintf(w, "about:    %s\n", s.Description)'
mutant r6-report-follows-links study/report.go cmd 'TestReport_LinkRefused$' \
	'	if err := refuseLinksIn(dir); err != nil { // as a sweep of dir would' '	if err := refuseLinksIn(dir); false && err != nil {'
mutant r6-check-plots-link-followed study/check.go cmd 'TestCheck_PlotsLinkRefused$' \
	'	if fi, err := os.Lstat(dir); err == nil && !fi.IsDir() {' '	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {'
mutant r6-export-overwrites-user-file cmd/export_owned.go cmd 'TestExport_UserFileKept$' \
	'	if !bytes.HasPrefix(head, []byte(exportMark)) {' '	if false && !bytes.HasPrefix(head, []byte(exportMark)) {'
mutant r6-export-replaces-link cmd/export_owned.go cmd 'TestExport_UserFileKept$' \
	'	fi, err := os.Lstat(target)' '	fi, err := os.Stat(target)'
mutant r6-baseline-overwrites-user-file study/baseline_target.go cmd 'TestBaseline_UserFilesKept$' \
	'	if len(present) == 0 || isBaseline(to) {' '	if true || len(present) == 0 || isBaseline(to) {'
mutant r6-baseline-replaces-link study/baseline_target.go cmd 'TestBaseline_UserFilesKept$' \
	'		if !fi.Mode().IsRegular() {' '		if false && !fi.Mode().IsRegular() {'
mutant r6-shellpath-dash study/shellpath.go cmd 'TestResumeCommand_DashAndSpace$' \
	'	if strings.HasPrefix(p, "-") {' '	if strings.HasPrefix(p, "--") {'
mutant r6-run-command-dash study/train.go study 'TestRunCommand_Dash$' \
	'		spec = "./" + spec // not an option (ShellPath)' '		spec = "" + spec'
# --- round 6: the stopping notice after the first signal ---
mutant r6m-stopping-notice-at-once cmd/signal.go cmd 'TestNotifyContext_StoppingNotice$' \
	't := time.NewTimer(after)' 't := time.NewTimer(0)'
mutant r6m-stopping-notice-no-way-out cmd/signal.go cmd 'TestNotifyContext_StoppingNotice$' \
	'%s again stops at once' '%s stops'
# --- issue 24: status, devices, partial report (round 6) ---
mutant r6-partial-single-lambda-fails study/partial.go cmd 'TestReport_PartialOnlyReference$' \
	'table.Distinct(s, xi) > 1 {' 'table.Distinct(s, xi) > 0 {'
mutant r6-status-pruned-as-ok study/status.go cmd 'TestStatus_FinishedHalvingCountsPruned$' \
	'm.Finished - m.Diverged - m.Failed - m.Pruned' 'm.Finished - m.Diverged - m.Failed'
mutant r6-tables-pruned-uncounted study/train.go cmd 'TestStatus_FinishedHalvingCountsPruned$' \
	'			c.Pruned++' '			c.Pruned += 0'
mutant r6-manifest-pruned-dropped study/sweep.go cmd 'TestStatus_FinishedHalvingCountsPruned$' \
	'counts.Diverged, counts.Failed, counts.Pruned, st.limits.workersOr(workers)' 'counts.Diverged, counts.Failed, 0, st.limits.workersOr(workers)'
mutant r6-epochs-chain-ignored study/halving_epochs.go cmd 'TestHalving_EpochsAfterLadderChange$' \
	'	for from := budget - added; from > prev; {' '	for from := budget - added; false && from > prev; {'
mutant r6-lambda-full-precision spec/spec.go cmd 'TestLambdaMessages$' \
	'const LambdaDigits = 4' 'const LambdaDigits = 17'
mutant r6-lambda-list-not-distinct spec/spec.go spec 'TestTupleLabel$' \
	'		if distinct || prec >= 17 {' '		if true || prec >= 17 {'
mutant r6-partial-halving-rung1-plain study/partial.go cmd 'TestReport_PartialHalvingFirstRung$' \
	'if n := sweep.CountRecords(store.Dir()); n > 0 && st.Spec.Sweep.Halving != nil {' 'if n := sweep.CountRecords(store.Dir()); false && n > 0 {'
mutant r6-spec-workers-bare-unknown spec/parse.go cmd 'TestDevices_FourWorkersAskedElsewhere$' \
	'(path == "" || path == "trainer") && key == "workers"' 'false && key == "workers"'
# --- round 6: tests of newer code ---
mutant r6-keep-tie-exact study/halving_keep.go study 'TestKeepAfterRung_Edges$' \
	'return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))' 'return math.Abs(a-b) <= 0*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))'
mutant r6-keep-insure-without-se study/halving_keep.go study 'TestKeepAfterRung_Edges$' \
	'	if best < 0 || math.IsNaN(pts[best].se) || math.IsInf(pts[best].se, 0) {' '	if best < 0 {'
mutant r6-keep-pairs-past-shorter study/halving_keep.go study 'TestKeepAfterRung_Edges$' \
	'	for r := range min(len(p.reps), len(q.reps)) {' '	for r := range len(p.reps) {'
mutant r6-keep-missing-value-paired study/halving_keep.go study 'TestKeepAfterRung_Edges$' \
	'if x := p.reps[r] - q.reps[r]; !math.IsNaN(x) && !math.IsInf(x, 0) {' 'if x := p.reps[r] - q.reps[r]; !math.IsInf(x, 0) {'
mutant r6-repeats-not-oriented study/halving.go study 'TestRepeatValues_LowerIsBetter$' \
	'		sign = -1' '		sign = 1'
mutant r6-repeats-failed-counted study/halving.go study 'TestRepeatValues_LowerIsBetter$' \
	'		if r.Status == experiments.StatusOK {' '		if r.Status != "" {'
mutant r6-status-fold-replaces study/status_halving.go study 'TestStatusRules_RungsFoldedByThePublisher$' \
	'		h.Earlier[s] += n' '		h.Earlier[s] = n'
mutant r6-status-runs-rung-only study/status_halving.go study 'TestStatusRules_RungsFoldedByThePublisher$' \
	'	out.Runs += earlier' '	out.Runs += 0 * earlier'
mutant r6-sections-registry-reversed report/sections.go report 'TestPageLayout_RegistryOrder$' \
	'			at++' '			_ = at'
mutant r6-sections-duplicated report/sections.go report 'TestPageLayout_RegistryOrder$' \
	'if !slices.ContainsFunc(layout, func(p pageSection) bool { return p.ID == fam.Section.ID }) {' 'if !slices.ContainsFunc(pageSections, func(p pageSection) bool { return p.ID == fam.Section.ID }) {'
mutant r6-sections-figures-only-dropped report/sections.go report 'TestPageLayout_RegistryOrder$' \
	'		if hs.Body != "" || len(hs.Figs) > 0 {' '		if hs.Body != "" {'
mutant r6-compare-note-raw cmd/compare.go cmd 'TestPrintCompare_HostileNamesQuoted$' \
	'fmt.Fprintf(out, "note: %s\n", termSafe(n))' 'fmt.Fprintf(out, "note: %s\n", n)'
mutant r6-compare-leftout-raw cmd/compare.go cmd 'TestPrintCompare_HostileNamesQuoted$' \
	'		s += termSafe(v)' '		s += v'
mutant r6-compare-point-raw cmd/compare.go cmd 'TestPrintCompare_HostileNamesQuoted$' \
	'termSafe(name), termSafe(b.Point)' 'termSafe(name), b.Point'
mutant r6-compare-metric-raw cmd/compare.go cmd 'TestPrintCompare_HostileNamesQuoted$' \
	'termSafe(m), sig, n)' 'm, sig, n)'
mutant r6-l1-auto-prox-under-adam experiments/train.go experiments 'TestStepByHand_EveryOptimizerPenalty$' \
	'	return optimizer == "sgd" || optimizer == "momentum"' '	return optimizer != "lbfgs"'
mutant r6-l2-32-half lossterms/float32.go experiments 'TestStepByHand_EveryOptimizerPenalty$' \
	'kernel.AddScaled32(dst, w, float32(2*scale))' 'kernel.AddScaled32(dst, w, float32(scale))'
mutant r6-prox32-threshold-lambda experiments/train32.go experiments 'TestStepByHand_EveryOptimizerPenalty$' \
	'p.prox.Prox32(w, t.lr*p.lambda) // as proxStep' 'p.prox.Prox32(w, p.lambda) // as proxStep'
mutant r6-adamw32-decays-biases experiments/optim/optim32.go experiments/optim 'TestOptimizer32_StepsByHand$' \
	'		done = o.nWeights' '		done = n'
mutant r6-momentum32-velocity-sign experiments/optim/optim32.go experiments/optim 'TestOptimizer32_StepsByHand$' \
	'		vi := float32(mu*v[i]) + g' '		vi := float32(mu*v[i]) - g'
mutant r6-gap-mse-sign lossterms/metrictable.go lossterms 'TestMetricValues_RegressionByHand$' \
	'return gapOf(e, splitMSEOf, true) }},' 'return gapOf(e, splitMSEOf, false) }},'
mutant r6-boundary-exact-match lossterms/segmetrics.go lossterms 'TestMetricValues_SegmentationByHand$' \
	'const BoundaryTolerance = 1' 'const BoundaryTolerance = 0'
mutant r6-model32-no-relu-mask experiments/model/ops.go experiments/model 'TestForwardBackward_HandBothPrecisions$' \
	'		kernel.ReLUMask32(d, a[:len(d)])' '		_ = a'
mutant r6-model32-bias-grad-first-row experiments/model/ops.go experiments/model 'TestForwardBackward_HandBothPrecisions$' \
	'func (ops32) colSums(dst, a []float32, n int) { kernel.ColSums32(dst, a, n) }' 'func (ops32) colSums(dst, a []float32, n int) { kernel.ColSums32(dst, a, min(n, 1)) }'
mutant r6-sigmoid-bias-after experiments/model/activation.go experiments/model 'TestForward_HandSigmoidIdentity$' \
	'				row[j] = sigmoid(row[j] + bj)' '				row[j] = sigmoid(row[j]) + bj'
mutant r6-locked-exit-1 study/errors.go cmd 'TestSweep_LockedFolderForcedInProcess$' \
	'	return errors.As(err, &fe) || errors.As(err, &ce) || errors.As(err, &ie) || errors.As(err, &le)' '	return errors.As(err, &fe) || errors.As(err, &ce) || errors.As(err, &ie) || (le != nil && errors.As(err, &le))'
mutant r6-checkpoint-never-removed experiments/checkpoint.go cmd 'TestBudget_Kill9Continues$|TestHalving_CommandKill9$' \
	'	if err := os.RemoveAll(CheckpointDir(root, run)); err != nil {' '	if err := error(nil); err != nil {'
mutant r6-keep-overall-tie-first study/halving_keep.go study 'TestKeepAfterRung_OverallTieByPointOrder$' \
	'		later := j < 0 || pts[i].lambdas[j] >= pts[best].lambdas[j]' '		later := j >= 0 && pts[i].lambdas[j] >= pts[best].lambdas[j]'
mutant r6-termsafe-invalid-utf8-raw cmd/compare.go cmd 'TestTermSafe_InvalidUTF8$' \
	'}) < 0 && utf8.ValidString(s) {' '}) < 0 && (true || utf8.ValidString(s)) {'
mutant r6-flicker-across-sequences lossterms/temporal.go lossterms 'TestMetricValues_SequenceByHand$' \
	'		if seq != nil && seq[i] != seq[i+1] {
			continue
		}
		pairs++' '		if false && seq != nil && seq[i] != seq[i+1] {
			continue
		}
		pairs++'
mutant r6-flops-epochs-plus-one internal/flops/count.go internal/flops 'TestMLPTrain_HandCount$' \
	'	return perEpoch * float64(epochs)' '	return perEpoch * float64(epochs+1)'
mutant r6-flops-last-batch-dropped internal/flops/count.go internal/flops 'TestMLPTrain_HandCount$' \
	'	for s := 0; s < rows; s += batch {' '	for s := 0; s+batch <= rows; s += batch {'
mutant r6m-report-lists-fixed-tables study/report.go study 'TestReportWritten_EveryTable$' \
	'	for _, name := range append(first, ReportFiles...) {' '	for _, name := range append(first, BalanceFile, PairedFile, CostFile) {'
mutant r6m-halving-note-kept-inverted report/table/halving_note.go report/table 'TestHalvingNote$' \
	'		if rec[status] != experiments.StatusPruned {' '		if rec[status] == experiments.StatusPruned {'
mutant r6m-halving-note-counts report/table/halving_note.go report/table 'TestHalvingNote$' \
	'len(kept), len(kept)+len(pruned), budgetText' 'len(kept), len(pruned), budgetText'
mutant r6m-halving-note-not-added report/table/analysis.go study 'TestHalving_Sweep$' \
	'		if note != "" {
			a.Notes = append(a.Notes, note)' '		if false {
			a.Notes = append(a.Notes, note)'
echo
echo "=== mutation summary: $caught caught, $missed missed, $stale stale (of $((caught + missed + stale)))"
printf '%s\n' "${report[@]}"
[ $stale -eq 0 ] || exit 2
[ $missed -eq 0 ] || exit 1

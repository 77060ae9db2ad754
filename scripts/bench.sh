#!/usr/bin/env bash
# The speed yardstick: configs/bench-digits.yaml (27 runs, 2 workers) with
#   lossexp, pure-Go BLAS build            (go build .)
#   lossexp, OpenBLAS build                (go build -tags openblas .; only if libopenblas-dev is installed)
#   PyTorch CPU, float32 (the reference)   (scripts/bench_torch.py, 2 processes x 1 thread)
#   PyTorch CPU, float64                   (like-for-like with lossexp's float64; skip with --no-float64)
# and prints: backend, wall s, runs/s, speed-up vs PyTorch float32.
#
# Wall times are whole-process times taken around each command with date +%s.%N
# (so they include start-up, data loading and, for lossexp, writing results; for
# PyTorch, the interpreter start and the torch import). bench_torch.py also
# prints its own in-process numbers.
#
# Usage: scripts/bench.sh [--no-float64] [--keep]
# Env:   LOSSEXP_SHARED_DATASETS  folder holding sklearn/digits.csv
#                                 (default: <repo>/datasets, the copy shipped with lossexp)
#        PYTHON                   python with Debian's python3-torch (default /usr/bin/python3)
#        OPENBLAS_CORETYPE        passed through untouched; OpenBLAS 0.3.21 does not know
#                                 every recent CPU and may fall back to slow generic kernels
#                                 (the detected core is printed below). It affects both the
#                                 OpenBLAS build of lossexp and PyTorch (Debian's torch uses
#                                 the system libblas = OpenBLAS).
# Not used by CI.
set -euo pipefail

die() { echo "bench.sh: error: $*" >&2; exit 1; }
note() { echo "bench.sh: $*" >&2; }

RUN_F64=1
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --no-float64) RUN_F64=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null) ||
  die "not inside a git checkout of lossexp (needed to find the repo root)"
cd "$top"

shared=${LOSSEXP_SHARED_DATASETS:-$top/datasets}
data_dir="$shared/sklearn"
spec="configs/bench-digits.yaml"
PYTHON=${PYTHON:-/usr/bin/python3}

# ---- check every piece before spending time --------------------------------
[[ -f "$spec" ]] || die "spec not found: $top/$spec"
[[ -f "$data_dir/digits.csv" ]] ||
  die "dataset not found: $data_dir/digits.csv (set LOSSEXP_SHARED_DATASETS to the folder holding sklearn/digits.csv)"
command -v go >/dev/null || die "go not found on PATH"
compgen -G "./*.go" >/dev/null || die "no Go main package at the repo root ($top) yet"
[[ -x "$PYTHON" ]] || die "python not found: $PYTHON (set PYTHON)"
"$PYTHON" -c 'import torch, numpy' 2>/dev/null ||
  die "$PYTHON cannot import torch/numpy; install Debian's: apt-get install -y python3-torch"

have_openblas=0
if dpkg -s libopenblas-dev >/dev/null 2>&1; then
  have_openblas=1
else
  note "libopenblas-dev is not installed: skipping the OpenBLAS build (apt-get install -y libopenblas-dev)"
fi

out=$(mktemp -d /tmp/lossexp-bench.XXXXXX)
if [[ $KEEP == 0 ]]; then trap 'rm -rf "$out"' EXIT; else note "keeping outputs in $out"; fi

# ---- machine facts ----------------------------------------------------------
corename=$("$PYTHON" - <<'EOF' 2>/dev/null || echo "?"
import ctypes
l = ctypes.CDLL("libopenblas.so.0")
l.openblas_get_corename.restype = ctypes.c_char_p
print(l.openblas_get_corename().decode())
EOF
)
echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}; OpenBLAS uses core: $corename"
if [[ $corename == Prescott ]]; then
  note "warning: OpenBLAS fell back to the generic Prescott (SSE3) kernels on this CPU;"
  note "         try e.g. OPENBLAS_CORETYPE=SkylakeX (AVX-512) or Haswell (AVX2) for a fair BLAS number"
fi
echo "== $(go version)"

# ---- build ------------------------------------------------------------------
backends=()
echo "== building /tmp/lossexp-purego"
go build -o /tmp/lossexp-purego . || die "go build (pure Go) failed"
backends+=("purego:/tmp/lossexp-purego")
if [[ $have_openblas == 1 ]]; then
  echo "== building /tmp/lossexp-openblas (-tags openblas)"
  go build -tags openblas -o /tmp/lossexp-openblas . || die "go build -tags openblas failed"
  backends+=("openblas:/tmp/lossexp-openblas")
fi

now() { date +%s.%N; }
# bash's `time` gives the children's CPU seconds (user + sys): less sensitive
# than wall time to other work on the machine.
TIMEFORMAT='%U %S'
cpu_of() { awk '{printf "%.3f", $1 + $2}' "$1"; }
declare -A WALL CPU

# ---- lossexp ----------------------------------------------------------------
for b in "${backends[@]}"; do
  name=${b%%:*} bin=${b#*:}
  dir="$out/$name"
  echo "== lossexp ($name): sweep $spec --workers 2"
  t0=$(now)
  if ! { time "$bin" sweep "$spec" --workers 2 --data-dir "$shared" --out "$dir" >"$out/$name.log" 2>&1; } 2>"$out/$name.time"; then
    cat "$out/$name.log" >&2
    die "lossexp ($name) sweep failed (log above)"
  fi
  t1=$(now)
  WALL[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
  CPU[$name]=$(cpu_of "$out/$name.time")
  [[ -s "$dir/runs.csv" ]] || die "lossexp ($name) wrote no $dir/runs.csv"
  nruns=$(($(wc -l <"$dir/runs.csv") - 1))
  [[ $nruns == 27 ]] || note "warning: lossexp ($name) runs.csv has $nruns rows, expected 27"
  # status column: count anything that is not ok
  awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="status") s=i; next} s && $s!="ok" {bad[$s]++}
           END{for(k in bad) printf "bench.sh: warning: %d runs with status %s\n", bad[k], k > "/dev/stderr"}' "$dir/runs.csv"
  echo "   wall ${WALL[$name]} s, CPU ${CPU[$name]} s"
  # mean test accuracy per λ, to compare with PyTorch's (roughly: different random streams)
  if [[ -s "$dir/summary.csv" ]]; then
    awk -F, 'NR==1{for(i=1;i<=NF;i++){if($i=="lambda.l2")l=i; if($i=="test.accuracy.mean")m=i; if($i=="train.accuracy.mean")t=i}
                   if(!l||!m){print "   (summary.csv lacks lambda.l2 / test.accuracy.mean)"; exit}
                   printf "   %12s  %13s  %14s\n","lambda","test.acc mean","train.acc mean"; next}
             {printf "   %12.4g  %13.4f  %14s\n",$l,$m,(t?sprintf("%.4f",$t):"-")}' "$dir/summary.csv"
  fi
done

# ---- PyTorch ----------------------------------------------------------------
torch_variants=(float32)
[[ $RUN_F64 == 1 ]] && torch_variants+=(float64)
for dt in "${torch_variants[@]}"; do
  name="torch-$dt"
  echo "== PyTorch ($dt): scripts/bench_torch.py --workers 2"
  t0=$(now)
  if ! { time LOSSEXP_SHARED_DATASETS="$shared" "$PYTHON" scripts/bench_torch.py --workers 2 --dtype "$dt" \
      --data "$data_dir/digits.csv" >"$out/$name.log" 2>&1; } 2>"$out/$name.time"; then
    cat "$out/$name.log" >&2
    die "bench_torch.py ($dt) failed (log above)"
  fi
  t1=$(now)
  WALL[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
  CPU[$name]=$(cpu_of "$out/$name.time")
  sed 's/^/   /' "$out/$name.log" | grep -v '^   BENCH '
done

# ---- table --------------------------------------------------------------------
ref=${WALL[torch-float32]}
refc=${CPU[torch-float32]}
echo
echo "== bench-digits: 27 runs, 2 workers; wall = whole process (date +%s.%N), CPU = user+sys of the process tree"
printf "%-16s %8s %8s %8s %14s %14s\n" backend "wall s" "runs/s" "CPU s" "speed-up wall" "speed-up CPU"
for name in "${!WALL[@]}"; do echo "$name"; done | sort | while read -r name; do
  awk -v n="$name" -v w="${WALL[$name]}" -v c="${CPU[$name]}" -v r="$ref" -v rc="$refc" \
    'BEGIN{printf "%-16s %8.2f %8.2f %8.2f %13.2fx %13.2fx\n", n, w, 27/w, c, r/w, rc/c}'
done
echo "(speed-up = PyTorch float32 / backend; load now $(cut -d' ' -f1-3 /proc/loadavg): other work on the machine inflates wall time)"

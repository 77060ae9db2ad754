#!/usr/bin/env bash
# scripts/docs.sh [--check]: run the studies the docs quote and rewrite the
# generated blocks of README.md and docs/ (<!-- generated: NAME --> …
# <!-- end: NAME -->: answers, tables, numbers, alt texts) and the figures
# they show (docs/figures/) from the studies' results (scripts/docs.py).
#
# --check writes nothing: it fails (exit 1, showing the diff) when a block
# or figure differs from what the code produces now. CI runs it.
#
# --stored DIR keeps a sweep the check cannot run (the PyTorch example:
# torch, minutes) in docs/data/pytorch-digits/; its blocks are generated
# from those committed tables.
#
# It also runs every command the docs show (TestDocs_Commands) in a fresh
# copy of the repository.
#
# The studies are the shipped configs that run in seconds, built with the
# pure-Go backend (results are a pure function of the spec; --workers does
# not change a byte). Timings are never generated here: the docs quote
# them from committed scripts/bench.sh logs, naming the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

check=
case "${1:-}" in
--check) check=--check ;;
--stored)
	# scripts/docs.sh --stored DIR: DIR is a sweep of
	# examples/pytorch/digits.yaml (torch, minutes: not run by the check).
	# Its tables go to docs/data/pytorch-digits/, its figures to
	# docs/figures/; the blocks are generated from them from then on.
	dir="${2:?usage: scripts/docs.sh --stored DIR (a sweep of examples/pytorch/digits.yaml)}"
	data=docs/data/pytorch-digits
	mkdir -p "$data"
	for f in summary.csv balance.csv paired.csv; do cp "$dir/$f" "$data/$f"; done
	for f in tradeoff_recon.png test.accuracy_vs_recon.png grad_cos_vs_recon.png; do
		cp "$dir/$f" "docs/figures/pytorch-digits_$f"
	done
	# training_recon_<k>.png: the last is the largest λ.
	last="$(ls "$dir"/training_recon_*.png | sort -t_ -k3 -n | tail -1)"
	cp "$last" docs/figures/pytorch-digits_training_recon.png
	echo "docs: stored $dir in $data and docs/figures/; now run scripts/docs.sh"
	exit 0
	;;
"") ;;
*) echo "usage: scripts/docs.sh [--check | --stored DIR]" >&2; exit 2 ;;
esac

# The studies the docs quote: configs/<name>.yaml, and specs that only the
# docs use (docs/data/specs/<name>.yaml).
studies=(quickstart temporal-basicmotions temporal-smoothing adversarial-realism
	perceptual-digits perceptual-glyphs fairness fairness-methods decorrelation
	aux-segmentation l1-sparsity balancing-methods balancing-methods-edges l2-data-size
	docs/data/specs/quickstart-refine.yaml docs/data/specs/quickstart-grid30.yaml)

tmp="$(mktemp -d)"
mkdir "$tmp/results"
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -o "$tmp/lossexp" .
# sweep SPEC NAME: the answer it prints in results/NAME.out, what it
# tells on standard error in results/NAME.err.
sweep() {
	"$tmp/lossexp" sweep "$1" --out "$tmp/results/$2" --workers 2 \
		>"$tmp/results/$2.out" 2>"$tmp/results/$2.err" || {
		echo "docs: $1 failed:" >&2
		cat "$tmp/results/$2.err" >&2
		exit 1
	}
}
for s in "${studies[@]}"; do
	spec="configs/$s.yaml"
	case "$s" in *.yaml) spec="$s" s="$(basename "$s" .yaml)" ;; esac
	sweep "$spec" "$s"
done
# docs/halving.md: the quickstart with sweep.halving added before its
# report: section (as TestHalving_Quickstart does), with the keep rule's
# settings the page compares; the first is the page's example.
halving=("6, eta: 3, keep_se: 1" "2, eta: 3, keep_se: 1" "6, eta: 3, keep_se: 0.5" "6, eta: 3, keep_se: 0")
for i in "${!halving[@]}"; do
	sed "s/^report:/sweep:\n  halving: {min_epochs: ${halving[$i]}}\nreport:/" configs/quickstart.yaml \
		>"$tmp/quickstart-halving-$i.yaml"
	sweep "$tmp/quickstart-halving-$i.yaml" "quickstart-halving-$i"
done
# docs/cluster.md: what merge prints when a shard never ran (shard 5 of 8
# of l1-sparsity); it must exit 1 and write nothing.
for i in 0 1 2 3 4 6 7; do
	"$tmp/lossexp" sweep configs/l1-sparsity.yaml --shard "$i/8" --out "$tmp/results/l1-sparsity-shards" \
		--workers 2 >/dev/null 2>"$tmp/shard.err" || { cat "$tmp/shard.err" >&2; exit 1; }
done
rc=0
"$tmp/lossexp" merge "$tmp/results/l1-sparsity-shards" >"$tmp/results/merge-missing.out" 2>"$tmp/results/merge-missing.err" || rc=$?
[ "$rc" = 1 ] || {
	echo "docs: lossexp merge of 7 of 8 shards exited $rc, want 1:" >&2
	cat "$tmp/results/merge-missing.out" "$tmp/results/merge-missing.err" >&2
	exit 1
}
# docs/grids.md quotes the refinement measurement on a known curve.
go test -count=1 -run '^TestRefineLambdas_LocatesOneSE$' -v ./report/table/ >"$tmp/results/refine-measure.out" 2>&1 || {
	cat "$tmp/results/refine-measure.out" >&2
	exit 1
}
# The help texts the docs quote (one source: the help text).
"$tmp/lossexp" help exit-status >"$tmp/results/help-exit-status.out"
# … and every command's help (help-<command>.out, a space as "-"), whose
# Flags sections the docs show (<!-- generated: help-<command>-flags -->).
"$tmp/lossexp" help >"$tmp/results/help.out"
for c in $(awk '/^Available Commands:/ {on = 1; next} /^$/ {on = 0} on {print $1}' "$tmp/results/help.out") \
	"export k8s" "export slurm"; do
	# shellcheck disable=SC2086 # "export k8s" is two words
	"$tmp/lossexp" help $c >"$tmp/results/help-${c// /-}.out"
done

# Every command the docs show, run as a reader would from a fresh clone:
# TestDocs_Commands runs them in order (README first, then docs/), in a
# copy of the repository's tracked files as they are now (with
# uncommitted edits), `go install .` into a temporary GOBIN first; those
# it cannot run are marked <!-- not run: … --> in the docs with the reason.
clone="$tmp/clone"
mkdir "$clone"
rev="$(git stash create)"
git archive "${rev:-HEAD}" | tar -x -C "$clone"
# A failed command is reported, and the blocks are still compared (the
# same change often moves both); the status is 1 at the end.
failed=
LOSSEXP_DOCS_CLONE="$clone" go test -count=1 -timeout 30m -run '^TestDocs_Commands$' . >"$tmp/commands.out" 2>&1 || {
	echo "docs: a command the docs show failed (TestDocs_Commands):" >&2
	cat "$tmp/commands.out" >&2
	failed=1
}
# docs/compare.md shows what its last command prints (the clone holds
# the two studies its commands swept).
(cd "$clone" && "$tmp/lossexp" compare results/quickstart results/quickstart-small) \
	>"$tmp/results/compare.out" 2>"$tmp/compare.err" || {
	cat "$tmp/compare.err" >&2
	exit 1
}

python3 scripts/docs.py "$tmp/results" $check || failed=1
[ -z "$failed" ]

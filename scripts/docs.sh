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
for s in "${studies[@]}"; do
	spec="configs/$s.yaml"
	case "$s" in *.yaml) spec="$s" s="$(basename "$s" .yaml)" ;; esac
	"$tmp/lossexp" sweep "$spec" --out "$tmp/results/$s" --workers 2 \
		>"$tmp/results/$s.out" 2>"$tmp/$s.err" || {
		echo "docs: $spec failed:" >&2
		cat "$tmp/$s.err" >&2
		exit 1
	}
done
# The help texts the docs quote (one source: the help text).
"$tmp/lossexp" help exit-status >"$tmp/results/help-exit-status.out"

# Every command the docs show, run as a reader would from a fresh clone:
# TestDocs_Commands runs them in order (README first, then docs/), in a
# copy of the repository's tracked files as they are now (with
# uncommitted edits), `go install .` into a temporary GOBIN first; those
# it cannot run are marked <!-- not run: … --> in the docs with the reason.
clone="$tmp/clone"
mkdir "$clone"
rev="$(git stash create)"
git archive "${rev:-HEAD}" | tar -x -C "$clone"
LOSSEXP_DOCS_CLONE="$clone" go test -count=1 -timeout 30m -run '^TestDocs_Commands$' . >"$tmp/commands.out" 2>&1 || {
	echo "docs: a command the docs show failed (TestDocs_Commands):" >&2
	cat "$tmp/commands.out" >&2
	exit 1
}
# docs/compare.md shows what its last command prints (the clone holds
# the two studies its commands swept).
(cd "$clone" && "$tmp/lossexp" compare results/quickstart results/quickstart-small) \
	>"$tmp/results/compare.out" 2>"$tmp/compare.err" || {
	cat "$tmp/compare.err" >&2
	exit 1
}

python3 scripts/docs.py "$tmp/results" $check

#!/usr/bin/env bash
# scripts/docs.sh [--check]: run the studies the docs quote and rewrite the
# generated blocks of README.md and docs/ (<!-- generated: NAME --> …
# <!-- end: NAME -->: answers, tables, numbers, alt texts) and the figures
# they show (docs/figures/) from the studies' results (scripts/docs.py).
#
# --check writes nothing: it fails (exit 1, showing the diff) when a block
# or figure differs from what the code produces now. CI runs it.
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
"") ;;
*) echo "usage: scripts/docs.sh [--check]" >&2; exit 2 ;;
esac

# The studies the docs quote (configs/<name>.yaml).
studies=(quickstart temporal-basicmotions temporal-smoothing adversarial-realism
	perceptual-digits perceptual-glyphs fairness fairness-methods decorrelation
	aux-segmentation l1-sparsity balancing-methods balancing-methods-edges)

tmp="$(mktemp -d)"
mkdir "$tmp/results"
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -o "$tmp/lossexp" .
for s in "${studies[@]}"; do
	"$tmp/lossexp" sweep "configs/$s.yaml" --out "$tmp/results/$s" --workers 2 \
		>"$tmp/results/$s.out" 2>"$tmp/$s.err" || {
		echo "docs: configs/$s.yaml failed:" >&2
		cat "$tmp/$s.err" >&2
		exit 1
	}
done
python3 scripts/docs.py "$tmp/results" $check

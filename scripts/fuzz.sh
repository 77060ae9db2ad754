#!/usr/bin/env bash
# Fuzz every fuzz target of lossexp for a while (default 60 s each):
#   scripts/fuzz.sh [SECONDS]
# A failing input is written to the package's testdata/fuzz/<Target>/ and
# the script stops with the failure: commit that file with the fix, and the
# input then runs in every `go test ./...` (and so in CI) as a regression
# test. CI itself runs only those committed inputs and the seed corpora:
# exploring new inputs finds a new input on some runs and not on others,
# and a gate that passes or fails by chance is no gate.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
[[ $secs =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: SECONDS must be a positive integer, got $secs" >&2; exit 2; }
for t in spec:FuzzParse spec:FuzzParseWeight experiments/dataset:FuzzReadCSV \
	experiments/dataset:FuzzReadCSVSequence experiments/command:FuzzParseMetrics \
	sweep:FuzzLoadRecord report:FuzzParseSummary report:FuzzCheck; do
	echo "== ${t%%:*} ${t#*:} (${secs}s)"
	go test -run '^$' -fuzz "^${t#*:}\$" -fuzztime "${secs}s" "./${t%%:*}/"
done

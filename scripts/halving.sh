#!/bin/bash
# scripts/halving.sh [CONFIG...]: what successive halving saves, and whether
# it keeps the answer, on every shipped study where it applies.
#
# For each spec (default: configs/*.yaml) with at least 7 grid points it
# runs the sweep twice, plain and with
#
#     sweep: {halving: {min_epochs: <full budget / 9, rounded, ≥ 1>, eta: 3}}
#
# added to a temporary copy of the spec (its CSV files are found through
# --data-dir, the spec's own folder), and prints a table per study: λ_best
# and λ_1se of every term both ways (balance.csv), whether they agree, and
# the fraction of the full grid's epochs the halving sweep trained
# (manifest.json: epochs_budgeted / epochs_full_grid). The last line sums
# up: the studies where both agree, and the mean fraction.
#
# Environment: LOSSEXP (a lossexp binary; default: built from this
# checkout), WORKERS (default 2), MIN_DIV (default 9: min_epochs is the
# full budget / MIN_DIV) and ETA (default 3) to try other settings, KEEP=1 keeps the results folder, WORK=DIR
# works in DIR and keeps it (run again, it resumes the sweeps there), DOCS=1
# writes the agreement table (with the machine and the date) into
# docs/halving.md and README.md between <!-- generated: halving-agreement --> and
# <!-- end: halving-agreement --> (scripts/docs.sh does not run it again).
# Exit status: 0 when it ran, 1 when a sweep failed, 3 when this lossexp has
# no sweep.halving (successive halving is not built in yet).
set -u
cd "$(dirname "$0")/.."
if [ -n "${WORK:-}" ]; then
	tmp=$WORK # kept; its finished sweeps are resumed, not trained again
	mkdir -p "$tmp" || exit 1
else
	tmp=$(mktemp -d /tmp/halving.XXXX)
	[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
fi
bin=${LOSSEXP:-}
if [ -z "$bin" ]; then
	bin=$tmp/lossexp
	go build -o "$bin" . || exit 1
fi
workers=${WORKERS:-2}
div=${MIN_DIV:-9} # min_epochs = full budget / div, rounded, ≥ 1
eta=${ETA:-3}
cfgs=("$@")
[ ${#cfgs[@]} -eq 0 ] && cfgs=(configs/*.yaml)

# full_budget SPEC: the full budget validate prints (train: … N epochs, or
# a command's budget: N epochs a run), empty when none.
full_budget() {
	"$bin" validate "$1" 2>/dev/null | sed -n -e 's/^train: .*, \([0-9][0-9]*\) epochs.*/\1/p' -e 's/^  budget: \([0-9][0-9]*\) epochs a run.*/\1/p' | head -1
}

# with_halving SPEC E0 OUT: SPEC with sweep.halving added, written to OUT.
with_halving() {
	python3 - "$1" "$2" "$3" "$eta" <<'EOF'
import re, sys
src, e0, out, eta = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
text = open(src).read()
line = "  halving: {min_epochs: %s, eta: %s}\n" % (e0, eta)
m = re.search(r"^sweep:[ \t]*(#.*)?\n", text, re.M)
if m:
    text = text[:m.end()] + line + text[m.end():]
elif re.search(r"^sweep:", text, re.M):
    sys.exit("%s: a sweep: section on one line; add halving by hand" % src)
else:
    text = text.rstrip("\n") + "\nsweep:\n" + line
open(out, "w").write(text)
EOF
}

# answers DIR: "term,fixed,point,lambda" lines of λ_best and λ_1se.
answers() {
	awk -F, 'NR > 1 && ($3 == "lambda_best" || $3 == "lambda_1se") { print $1 "," $2 "," $3 "," $4 }' "$1/balance.csv" 2>/dev/null | sort
}

# fraction DIR: epochs_budgeted / epochs_full_grid of DIR's manifest.
fraction() {
	python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
b, f = m.get("epochs_budgeted"), m.get("epochs_full_grid")
print("%.3f" % (b / f) if b is not None and f else "?")' "$1/manifest.json"
}

agree_n=0 studies=0 fracs=() failed=0 md=()
echo "studies with at least 7 grid points:"
for c in "${cfgs[@]}"; do
	n=$(basename "$c" .yaml)
	if ! "$bin" validate "$c" >"$tmp/v.out" 2>&1; then
		echo "  $n: skipped (validate refused it: $(tail -1 "$tmp/v.out" | cut -c1-160))"
		continue
	fi
	points=$(sed -n 's/^grid: *\([0-9][0-9]*\) points.*/\1/p' "$tmp/v.out")
	if [ -z "$points" ] || [ "$points" -lt 7 ]; then
		echo "  $n: skipped (${points:-no} grid points)"
		continue
	fi
	full=$(full_budget "$c")
	if [ -z "$full" ] || [ "$full" -lt 3 ]; then
		echo "  $n: skipped (no epoch budget of at least 3)"
		continue
	fi
	e0=$(( (full + div / 2) / div ))
	[ "$e0" -ge 1 ] || e0=1
	copy=$tmp/$n-halving.yaml
	with_halving "$c" "$e0" "$copy" || { failed=1; continue; }
	if ! "$bin" validate "$copy" --data-dir "$(dirname "$c")" >"$tmp/v.out" 2>&1; then
		if grep -q "halving" "$tmp/v.out" && grep -qi "unknown key" "$tmp/v.out"; then
			echo "this lossexp ($bin) has no sweep.halving: successive halving is not built in yet; nothing to measure" >&2
			exit 3
		fi
		if grep -q "sweep.halving: halving does not apply\|sweep.halving: halving and .* do not combine" "$tmp/v.out"; then
			echo "  $n: skipped (halving does not apply: $(grep -o 'halving d.*' "$tmp/v.out" | head -1))"
			continue
		fi
		echo "  $n: the spec with halving is refused:" >&2
		cat "$tmp/v.out" >&2
		failed=1
		continue
	fi
	echo "  $n: $points grid points, full budget $full epochs, min_epochs $e0"
	if ! "$bin" sweep "$c" --out "$tmp/plain-$n" --workers "$workers" -q >"$tmp/$n.plain.log" 2>&1 ||
		! "$bin" sweep "$copy" --out "$tmp/halving-$n" --data-dir "$(dirname "$c")" --workers "$workers" -q >"$tmp/$n.halving.log" 2>&1; then
		echo "    a sweep failed (logs in $tmp; KEEP=1 keeps them)" >&2
		failed=1
		continue
	fi
	frac=$(fraction "$tmp/halving-$n")
	studies=$((studies + 1))
	fracs+=("$frac")
	ok=yes cells=""
	printf '    %-24s %-12s %-22s %-22s %s\n' term point plain halving agree
	while IFS=, read -r term fixed point lambda; do
		h=$(answers "$tmp/halving-$n" | awk -F, -v t="$term" -v f="$fixed" -v p="$point" '$1 == t && $2 == f && $3 == p { print $4 }')
		a=no
		[ "$h" = "$lambda" ] && a=yes
		[ $a = yes ] || ok=no
		label=$term
		[ -n "$fixed" ] && label="$term ($fixed)"
		printf '    %-24s %-12s %-22s %-22s %s\n' "$label" "$point" "$lambda" "${h:-none}" "$a"
		cells="$cells${cells:+; }$label ${point#lambda_}: $(printf '%.3g' "$lambda")"
		[ $a = yes ] || cells="$cells → $([ -n "$h" ] && printf '%.3g' "$h" || echo none)"
	done < <(answers "$tmp/plain-$n")
	echo "    agree: $ok; epochs: $frac of the full grid's"
	md+=("| $n | $points | $full | $e0 | $cells | $ok | $(awk -v f="$frac" 'BEGIN { if (f == "?") print "?"; else printf "%.1f%%", 100 * f }') |")
	[ $ok = yes ] && agree_n=$((agree_n + 1))
done
mean=?
[ ${#fracs[@]} -gt 0 ] && mean=$(printf '%s\n' "${fracs[@]}" | awk '$1 != "?" { s += $1; n++ } END { if (n) printf "%.3f", s / n; else print "?" }')
echo "summary: λ_best and λ_1se agree on $agree_n of $studies studies; mean epochs fraction $mean"
if [ "${DOCS:-}" = 1 ]; then
	{
		echo "Written by \`DOCS=1 scripts/halving.sh\` on $(hostname) ($(nproc) cores), $(date -u '+%Y-%m-%d %H:%M UTC'), lossexp $(git rev-parse --short HEAD 2>/dev/null || echo '?'); \`{min_epochs: full/$div, eta: $eta, keep_se: 1}\`. The λ are the full grid's; \`→\` gives the halving sweep's where it differs."
		echo
		echo "| study | grid points | full budget | min_epochs | λ_best, λ_1se | agree | epochs spent |"
		echo "| --- | --- | --- | --- | --- | --- | --- |"
		printf '%s\n' "${md[@]}"
		echo
		echo "Both agree on $agree_n of $studies studies; mean epochs spent $(awk -v f="$mean" 'BEGIN { if (f == "?") print "?"; else printf "%.1f%%", 100 * f }') of the full grid's."
	} >"$tmp/table.md"
	python3 - "$tmp/table.md" docs/halving.md README.md <<'EOF2'
import sys
table = open(sys.argv[1]).read()
start, end = "<!-- generated: halving-agreement -->\n", "<!-- end: halving-agreement -->"
for doc in sys.argv[2:]:
    text = open(doc).read()
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        sys.exit("%s: no %s … %s block" % (doc, start.strip(), end))
    open(doc, "w").write(text[:i + len(start)] + table + text[j:])
EOF2
fi
exit $failed

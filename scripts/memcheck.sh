#!/usr/bin/env bash
# The memory yardstick (issue 21): for CSV files of several sizes and two
# shapes, the memory estimate lossexp prints before loading against the
# peak resident memory measured by /usr/bin/time, for `lossexp validate`
# and for a sweep (2 workers, 2 repeats). The contract: estimate ≥ peak
# and estimate ≤ 1.5 × peak. Prints one row per size, shape and command,
# then how many rows met the contract; exits 1 when one did not.
#
#   mixed: 20 numeric features (%.6f), 2 categorical (4 and 12 levels), a group
#   ints:  64 small-integer features (0–16, like pixels), 10 classes
#
# Usage: scripts/memcheck.sh [SIZE_MB...]   (default: 20 100 220)
# Env:   KEEP=1 keeps the work folder; LOSSEXP=path uses that binary.
# Needs GNU time (/usr/bin/time, Debian's `time` package). Not used by CI:
# the 220 MB case takes a few minutes on 2 cores.
set -euo pipefail

die() { echo "memcheck.sh: error: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20 100 220)

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/memcheck.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
bin=${LOSSEXP:-}
if [ -z "$bin" ]; then
	bin=$work/lossexp
	(cd "$root" && go build -o "$bin" .) || die "go build failed"
fi

# gen SHAPE MB FILE: a CSV of about MB megabytes.
gen() {
	awk -v shape="$1" -v limit="$(($2 * 1000000))" 'BEGIN {
		srand(1)
		if (shape == "mixed") {
			h = ""; for (i = 0; i < 20; i++) h = h "x" i ","
			print h "c1,c2,g,y"
		} else {
			h = ""; for (i = 0; i < 64; i++) h = h "p" i ","
			print h "y"
		}
		size = 0
		while (size < limit) {
			r = ""
			if (shape == "mixed") {
				for (i = 0; i < 20; i++) r = r sprintf("%.6f", rand() * 4 - 2) ","
				r = r "c" int(rand() * 4) ",l" int(rand() * 12) "," (rand() < 0.5 ? "F" : "M") "," int(rand() * 2)
			} else {
				for (i = 0; i < 64; i++) r = r int(rand() * 17) ","
				r = r int(rand() * 10)
			}
			print r
			size += length(r) + 1
		}
	}' > "$3"
}

# spec SHAPE FILE: a study of one hidden layer, 2 λ, 2 repeats, 1 epoch.
spec() {
	local extra="" target=y
	[ "$1" = mixed ] && extra="
  categorical: [c1, c2]
  group: g"
	cat <<EOF
name: memcheck
seed: 1
repeats: 2
dataset:
  csv: $2
  target: $target$extra
model: {kind: mlp, hidden: [16], activation: relu}
train: {optimizer: adam, learning_rate: 0.01, epochs: 1, batch_size: 256}
loss:
  terms:
    - kind: l2
      weight: {values: [0, 1]}
EOF
}

# bytes "1.75 GB" → bytes
bytes() {
	awk -v v="$1" -v u="$2" 'BEGIN { m = 1; if (u == "KB") m = 1e3; if (u == "MB") m = 1e6; if (u == "GB") m = 1e9; if (u == "TB") m = 1e12; printf "%.0f\n", v * m }'
}

printf '%-6s %-6s %-9s %12s %12s %7s  %s\n' shape "MB" command estimate "peak RSS" ratio contract
ok=0 all=0
for mb in "${sizes[@]}"; do
	for shape in mixed ints; do
		csv=$work/$shape-$mb.csv
		gen "$shape" "$mb" "$csv"
		spec "$shape" "$csv" > "$work/$shape-$mb.yaml"
		out=$(/usr/bin/time -f 'PEAK %M' "$bin" validate --workers 2 "$work/$shape-$mb.yaml" 2>&1) || die "validate failed: $out"
		# memory:   about 1.75 GB to load and check, 1.8 GB for a sweep on 2 workers (...)
		line=$(grep '^memory:' <<<"$out")
		read -r v vu s su < <(sed -E 's/^memory: +about ([0-9.]+) ([KMGT]?B) to load and check, ([0-9.]+) ([KMGT]?B) for a sweep.*/\1 \2 \3 \4/' <<<"$line")
		est_v=$(bytes "$v" "$vu")
		est_s=$(bytes "$s" "$su")
		peak_v=$(($(awk '/^PEAK/ {print $2}' <<<"$out") * 1024))
		rm -rf "$work/out"
		out=$(/usr/bin/time -f 'PEAK %M' "$bin" sweep -q --workers 2 --out "$work/out" "$work/$shape-$mb.yaml" 2>&1) || die "sweep failed: $out"
		peak_s=$(($(awk '/^PEAK/ {print $2}' <<<"$out") * 1024))
		for row in "validate $est_v $peak_v" "sweep $est_s $peak_s"; do
			read -r cmd est peak <<<"$row"
			ratio=$(awk -v e="$est" -v p="$peak" 'BEGIN { printf "%.2f", e / p }')
			verdict=$(awk -v e="$est" -v p="$peak" 'BEGIN { r = e / p; print (r >= 0.995 && r <= 1.5) ? "met" : "NOT MET" }')
			printf '%-6s %-6s %-9s %12s %12s %7s  %s\n' "$shape" "$mb" "$cmd" "$((est / 1000000)) MB" "$((peak / 1000000)) MB" "$ratio" "$verdict"
			all=$((all + 1))
			[ "$verdict" = met ] && ok=$((ok + 1))
		done
	done
done
echo "memcheck: $ok of $all met estimate ≥ peak RSS and ≤ 1.5 × it (the estimate is printed with 3 digits: 0.5 % is rounding)"
[ "$ok" = "$all" ]

#!/usr/bin/env bash
# The profile x clause verdict matrix of the simulated terminal: every devsim profile certified
# through the scenarios, one verdict per clause. The compliant profile must PASS every automatable
# clause; each degraded profile must FAIL the clause it degrades (the clause named in
# `gaterig devsim --list-profiles`). Exit 0 when both hold, 1 when not, 2 on usage errors.
#
#   tools/certify_matrix.sh --gaterig build/gaterig [--rig rigs/sim.toml] [--out out/matrix]
#                           [--full] [--all-clauses] [--profiles compliant,slow,...] [--no-run]
#
# By default a run is --quick; the compliant profile runs every clause, a degraded profile only
# its own clause's scenarios (-k jx_aNN), which keeps the matrix to minutes. --all-clauses runs
# every clause for every profile (shows what else a degradation breaks); --full drops --quick.
# small-store keeps 2,000 faces / 20,000 records, more than a quick run enrolls: its row runs with
# the capacities scaled below the quick figures ([terminal.devsim.degraded] small_store_*), and
# the matrix says so. --no-run prints the matrix of the results already in --out.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
gaterig=""
rig="$here/rigs/sim.toml"
out="out/matrix"
quick="--quick"
all_clauses=0
only=""
run=1

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --gaterig) gaterig="$2"; shift 2 ;;
    --rig) rig="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --full) quick=""; shift ;;
    --all-clauses) all_clauses=1; shift ;;
    --profiles) only="$2"; shift 2 ;;
    --no-run) run=0; shift ;;
    -h|--help) usage ;;
    *) echo "certify_matrix: unknown argument $1" >&2; usage ;;
  esac
done
[[ -n "$gaterig" ]] || { for c in "$here"/build*/gaterig; do [[ -x "$c" ]] && gaterig="$c" && break; done; }
[[ -x "$gaterig" ]] || { echo "certify_matrix: no gaterig executable (use --gaterig PATH)" >&2; exit 2; }
[[ -f "$rig" ]] || { echo "certify_matrix: no rig description $rig" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

# "profile<TAB>JX-A.n: what it degrades" -> profile and clause
mapfile -t listing < <("$gaterig" devsim --list-profiles)
declare -A clause_of
profiles=()
for line in "${listing[@]}"; do
  name=${line%%$'\t'*}
  what=${line#*$'\t'}
  if [[ -n "$only" && ",$only," != *",$name,"* ]]; then continue; fi
  profiles+=("$name")
  if [[ "$what" =~ ^(JX-[A-Z]\.[0-9]+): ]]; then clause_of[$name]=${BASH_REMATCH[1]}; else clause_of[$name]=""; fi
done
[[ ${#profiles[@]} -gt 0 ]] || { echo "certify_matrix: no profile selected" >&2; exit 2; }

# JX-A.2 -> jx_a02 (the scenario files' and functions' names)
keyword() { local c=${1#JX-}; local letter=${c%%.*} n=${c#*.}; printf 'jx_%s%02d' "${letter,,}" "$n"; }

for p in "${profiles[@]}"; do
  [[ $run -eq 1 ]] || break
  dir="$out/$p"
  mkdir -p "$dir"
  rig_used="$rig"
  if [[ "$p" == "small-store" ]]; then
    rig_used="$dir/rig-small-store.toml"
    # The copy lives elsewhere: paths relative to the original rig file are made absolute.
    /usr/bin/python3 - "$rig" "$rig_used" <<'PY'
import os, re, sys
src, dst = sys.argv[1], sys.argv[2]
base = os.path.dirname(os.path.abspath(src))
out = []
for line in open(src):
    m = re.match(r'^(\s*(?:set|config|path|cache|monitor_path)\s*=\s*")([^"/][^"]*)(".*)$', line)
    out.append(f"{m.group(1)}{os.path.join(base, m.group(2))}{m.group(3)}\n" if m else line)
out.append("\n[terminal.devsim.degraded]\nsmall_store_faces = 100\nsmall_store_records = 500\n")
open(dst, "w").write("".join(out))
PY
  fi
  args=(certify --rig "$rig_used" --profile "$p" --out "$dir" --json $quick)
  if [[ "$p" != "compliant" && $all_clauses -eq 0 && -n "${clause_of[$p]}" ]]; then
    args+=(-- -k "$(keyword "${clause_of[$p]}")")
  fi
  start=$(date +%s)
  echo "== $p: gaterig ${args[*]}" >&2
  "$gaterig" "${args[@]}" > "$dir/certify.json" 2> "$dir/certify.stderr" || true
  echo "   $(( $(date +%s) - start )) s" >&2
done

/usr/bin/python3 - "$out" "${profiles[@]}" <<'PY'
import json, os, sys
out, profiles = sys.argv[1], sys.argv[2:]
listing = {}
clauses, rows = [], {}
for p in profiles:
    path = os.path.join(out, p, "results.json")
    verdicts = {}
    if os.path.isfile(path):
        doc = json.load(open(path))
        for c in doc.get("clauses", []):
            verdicts[c["id"]] = c["verdict"]
            if c["id"] not in clauses:
                clauses.append(c["id"])
    rows[p] = verdicts
short = {"PASS": "PASS", "FAIL": "FAIL", "NOT TESTED": "n/t", "ERROR": "ERR", "NOT DEMONSTRABLE": "n/d"}
ids = [c.replace("JX-", "") for c in clauses]
print("profile".ljust(22) + " ".join(i.rjust(5) for i in ids))
for p in profiles:
    v = rows[p]
    cells = [short.get(v.get(c, ""), "-") if v else "none" for c in clauses]
    print(p.ljust(22) + " ".join(x.rjust(5) for x in cells))
json.dump({"schema": "gaterig.certify_matrix/1", "clauses": clauses, "rows": rows},
          open(os.path.join(out, "matrix.json"), "w"), indent=1)
PY

# The claims: compliant passes every automatable clause; each degraded profile fails its clause.
/usr/bin/python3 - "$out" "$gaterig" "$here/scenarios/standards/jiangxi-2022.toml" "${profiles[@]}" <<'PY'
import json, os, subprocess, sys, tomllib
out, gaterig, standard, profiles = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
automatable = {c["id"] for c in tomllib.load(open(standard, "rb"))["clause"] if c.get("status") == "automatable"}
clause_of = {}
for line in subprocess.run([gaterig, "devsim", "--list-profiles"], capture_output=True, text=True).stdout.splitlines():
    name, _, what = line.partition("\t")
    clause_of[name] = what.split(":")[0] if what.startswith("JX-") else ""
rows = json.load(open(os.path.join(out, "matrix.json")))["rows"]
bad = []
for p in profiles:
    v = rows.get(p) or {}
    if not v:
        bad.append(f"{p}: no results (see {out}/{p}/certify.stderr)")
    elif p == "compliant":
        for c in sorted(automatable):
            if v.get(c) != "PASS":
                bad.append(f"compliant: {c} {v.get(c, 'missing')}, expected PASS")
    elif clause_of.get(p) and v.get(clause_of[p]) != "FAIL":
        bad.append(f"{p}: {clause_of[p]} is {v.get(clause_of[p], 'missing')}, expected FAIL")
print()
if bad:
    print("matrix claims NOT met:")
    for b in bad:
        print("  " + b)
    sys.exit(1)
print("matrix claims met: compliant passes, every degraded profile fails its clause")
PY

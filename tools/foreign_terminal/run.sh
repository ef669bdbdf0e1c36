#!/usr/bin/env bash
# Certifies the foreign test terminal on the simulated bench: starts tools/foreign_terminal/
# terminal.py at the addresses the rig description fixes, runs `gaterig certify --quick` against
# it, stops the terminal. Exit code: certify's (0 all PASS, 1 a FAIL, 3 rig ERROR, ...).
#
#   tools/foreign_terminal/run.sh --out out/foreign [--rig rigs/sim-external.toml] [--full]
#                                 [--terminal-args "..."] [--certify-args "..."] [-- PYTEST_ARGS]
#
# GATERIG_BIN picks the gaterig binary (default: build/gaterig). The terminal's log is
# OUT/foreign-terminal.log; its data (upload queue) OUT/foreign-data.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
rig="$repo/rigs/sim-external.toml"
out=""
quick=(--quick)
terminal_args=""
certify_args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --rig) rig="$2"; shift 2 ;;
    --full) quick=(); shift ;;
    --terminal-args) terminal_args="$2"; shift 2 ;;
    --certify-args) certify_args="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "run.sh: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "run.sh: --out DIR is required" >&2; exit 2; }
gaterig="${GATERIG_BIN:-$repo/build/gaterig}"
[ -x "$gaterig" ] || { echo "run.sh: no gaterig at $gaterig (build it, or set GATERIG_BIN)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

addresses=$(/usr/bin/python3 "$here/rig_addresses.py" "$rig")
# shellcheck disable=SC2086  # the addresses and extra arguments are words
/usr/bin/python3 "$here/terminal.py" $addresses --data-dir "$out/foreign-data" $terminal_args \
  >"$out/foreign-terminal.log" 2>&1 &
terminal_pid=$!
stop_terminal() {
  if kill -0 "$terminal_pid" 2>/dev/null; then
    kill -TERM "$terminal_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$terminal_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$terminal_pid" 2>/dev/null || true
  fi
}
trap stop_terminal EXIT
echo "run.sh: foreign terminal pid $terminal_pid ($addresses), log $out/foreign-terminal.log"

start=$(date +%s)
set +e
# shellcheck disable=SC2086
"$gaterig" certify --rig "$rig" "${quick[@]}" --out "$out" $certify_args -- "$@"
code=$?
set -e
echo "run.sh: certify exit $code after $(( $(date +%s) - start )) s; the terminal said:"
tail -n 5 "$out/foreign-terminal.log"
exit $code

#!/usr/bin/env bash
# Runs the whole bench in quick mode against bench/test/fake_server.py, to test the bench itself
# (its own scratch dir, so the real caches under bench/work/ are not touched). Figures mean nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_SELFTEST_WORK:-/tmp/flowstage-bench-selftest}"
mkdir -p "$work"
"$here/run.sh" --quick --server-cmd "python3 $here/test/fake_server.py" --work "$work" \
  --out "$work/latest.md" "$@"
grep -q '| full clone (median) | [0-9]' "$work/latest.md"
grep -q '| idle RSS after start-up | [0-9]' "$work/latest.md" || grep -q -- '--skip-startup' <<<"$*"
echo "bench selftest: 1 passed, 0 failed"

#!/usr/bin/env bash
# Fleet benchmarks of issue 8 (group deploy to 1,000 devices, 10,000 watchers, status reports):
# installs what it lacks (Debian packages), raises the open-files limit, runs bench/lib/fleet.py.
# Options are passed through (--quick, --devices N, --watchers N, ...; see bench/README.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need=()
command -v git >/dev/null || need+=(git)
command -v python3 >/dev/null || need+=(python3)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  echo "[bench] installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi
# 10,000 watchers are 10,000 sockets in the bench client and 10,000 in the server (which inherits this
# limit): raise the soft open-files limit to the hard one, and say so.
hard="$(ulimit -Hn)"
ulimit -n "$hard" 2>/dev/null || true
echo "[bench] open-files limit raised to $(ulimit -n) (hard limit $hard) for the bench client and the server"
mkdir -p "$here/work" "$here/results"
exec python3 "$here/lib/fleet.py" "$@"

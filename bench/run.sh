#!/usr/bin/env bash
# Flowstage benchmark entry point: installs what it needs (Debian packages), then runs
# bench/lib/bench.py. Options are passed through (--ref-only, --quick, --jar PATH, ...).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v lighttpd >/dev/null || need+=(lighttpd)
command -v git >/dev/null || need+=(git)
command -v python3 >/dev/null || need+=(python3)
[ -x /usr/lib/git-core/git-http-backend ] || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  echo "[bench] installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi
mkdir -p "$here/work" "$here/results"
exec python3 "$here/lib/bench.py" "$@"

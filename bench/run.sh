#!/usr/bin/env bash
# Flowstage benchmark entry point: installs what it needs (Debian packages), then runs
# bench/lib/bench.py (issue 2: transfer, start-up) or, for `--only issue34|issue3|validation|compare|
# promotion`, bench/lib/issue34.py (issues 3 and 4). Other options are passed through.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

script=bench.py
prev=""
for arg in "$@"; do
  case "$prev=$arg" in
    --only=issue34|--only=issue3|--only=validation|--only=compare|--only=promotion) script=issue34.py ;;
  esac
  case "$arg" in
    --only=issue34|--only=issue3|--only=validation|--only=compare|--only=promotion) script=issue34.py ;;
  esac
  prev="$arg"
done

need=()
command -v git >/dev/null || need+=(git)
command -v python3 >/dev/null || need+=(python3)
if [ "$script" = bench.py ]; then
  command -v wrk >/dev/null || need+=(wrk)
  command -v lighttpd >/dev/null || need+=(lighttpd)
  [ -x /usr/lib/git-core/git-http-backend ] || need+=(git)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "[bench] installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi
mkdir -p "$here/work" "$here/results"
exec python3 "$here/lib/$script" "$@"

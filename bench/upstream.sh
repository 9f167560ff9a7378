#!/usr/bin/env bash
# Upstream sync benchmark (issue 9): installs what it lacks (Debian packages), then runs
# bench/lib/upstream_bench.py. Build the jar first: mvn -B -q -DskipTests package
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
need=()
command -v git >/dev/null || need+=(git)
command -v python3 >/dev/null || need+=(python3)
command -v openssl >/dev/null || need+=(openssl)
[ -x /usr/sbin/lighttpd ] || need+=(lighttpd)
[ -e /usr/lib/lighttpd/mod_openssl.so ] || need+=(lighttpd-mod-openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "[bench] installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q "${need[@]}"
fi
exec python3 "$here/lib/upstream_bench.py" "$@"

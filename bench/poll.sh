#!/usr/bin/env bash
# The poll path against the machine's limit (issue 8): the device's ls-refs poll against a bare Jetty
# handler answering the same bytes (PollReference, from the same jar), and `git ls-remote` over SSH
# against OpenSSH's sshd + C git on the same repository. Installs what it lacks (Debian packages), then
# runs bench/lib/pollpath.py; options are passed through (see docs/bench-poll.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need=()
command -v git >/dev/null || need+=(git)
command -v python3 >/dev/null || need+=(python3)
command -v wrk >/dev/null || need+=(wrk)
command -v ssh >/dev/null || need+=(openssh-client)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "[bench] installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi
mkdir -p "$here/work" "$here/results"
exec python3 "$here/lib/pollpath.py" "$@"

#!/bin/sh
# Follows a Flowstage device's deploy branch with git and curl only, for devices without Java.
# It does what `flowstage-agent run` does WITHOUT signature checks, credentials, module installs or
# status reports: it deploys main's flows.json to the local Node-RED whenever main moves (see docs/agent.md).
#
#   FLOWSTAGE=https://flowstage.example:8443 DEVICE=team/pi-7 TOKEN=... [CA=server.pem] \
#   [NODE_RED=http://127.0.0.1:1880] [DIR=./flowstage-repo.git] sh flowstage-fetch-loop.sh
set -u
: "${NODE_RED:=http://127.0.0.1:1880}" "${DIR:=flowstage-repo.git}"
[ -n "${CA:-}" ] && export GIT_SSL_CAINFO="$CA" CURL_CA_BUNDLE="$CA"
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader \
  GIT_CONFIG_VALUE_0="Authorization: Basic $(printf '%s:%s' "${DEVICE#*/}" "$TOKEN" | base64 | tr -d '\n')"
GIT_URL="$FLOWSTAGE/git/$DEVICE.git"

# The loop itself: three lines.
git init -q --bare "$DIR"; last=
while sleep 1; do git -C "$DIR" fetch -q "$GIT_URL" +main:main && [ "$(git -C "$DIR" rev-parse main)" != "$last" ] && git -C "$DIR" show main:flows.json | curl -sf -o /dev/null -H 'Content-Type: application/json' -H 'Node-RED-Deployment-Type: full' --data-binary @- "$NODE_RED/flows" && last=$(git -C "$DIR" rev-parse main)
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$FLOWSTAGE/api/v1/devices/self/watch?after=$last&timeout=60" || sleep 10; done

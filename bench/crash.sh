#!/usr/bin/env bash
# The crash campaign: kill -9 of the real server at seeded random points of pushes, promotions,
# review approvals, metadata writes and GC, with checks after every restart (README, "Crash safety").
#
#   bench/crash.sh                          # 20 trials of each kind
#   bench/crash.sh -Dcrash.trials=5         # fewer
#   bench/crash.sh -Dcrash.seed=N           # replay the kill delays of a printed seed
#   bench/crash.sh -Dit.test='CrashCampaignIT#gc'   # one kind (push, promotion, review, metadata, gc)
#
# Other arguments go to Maven. The per-trial lines ("[crash KIND] trial …") are also kept in
# server/target/crash-campaign.log.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p server/target
mvn -B -pl server -am verify -Pcrash-campaign -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false "$@" \
  | tee >(grep --line-buffered '^\[crash ' > server/target/crash-campaign.log)

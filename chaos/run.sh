#!/usr/bin/env bash
# The fault harness (`make chaos`): Redis with an append-only file, the fake model, and two of each
# service from their packaged jars on ports 8480-8486 (Redis 6394); prompts at a steady rate while
# faults are injected in turn; prints the table and exits non-zero on any lost, duplicated or
# reordered token or any turn that ended silently.
# Usage: chaos/run.sh [--turns N] [--rate PER_SECOND] [--short]   (CHAOS_SKIP_BUILD=1: use the built jars)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${CHAOS_SKIP_BUILD:-} ]]; then
  mvn -B -q -ntp package -DskipTests -pl chaos -am
fi
exec java -Xmx1g -cp "chaos/target/classes:chaos/target/lib/*" dev.aicoder.chaos.ChaosMain "$@"

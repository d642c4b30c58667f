#!/usr/bin/env bash
# The IDE benchmark in headless Chromium (needs Debian's chromium). Builds the web app and the
# services, then runs frontend/e2e/ide.bench.mjs against them.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm --prefix frontend run build >/dev/null
mvn -B -q -ntp package -DskipTests
node frontend/e2e/ide.bench.mjs

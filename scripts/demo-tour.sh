#!/usr/bin/env bash
# The guided tour of the running API, printed at the end of scripts/start.sh (`npm run demo`): waits for
# the seeded projects to be projected, reuses the demo keys saved in .run/demo-keys.env while the API
# still accepts them (else creates a manager, a Bansuo team and an auditor key with ADMIN_API_KEY), and
# prints copy-paste curl commands for each role. Records no event: running it again changes nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node
if [ ! -f dist/apps/cli/apps/cli/src/main.js ]; then
  say "Building"
  npm run -s build
fi
# The CLI reads .env under the environment itself (the environment wins).
exec node dist/apps/cli/apps/cli/src/main.js tour

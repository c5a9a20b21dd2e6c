#!/usr/bin/env bash
# The whole test suite: type check, build, then unit, integration and end-to-end specs (fault specs
# included) against real PostgreSQL and Redis; each spec file makes its own database and queue prefix
# (and the fault specs their own Redis server). Arguments go to Jest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_deps
ensure_services
ensure_xmllint
ensure_chromium
say "Type checking"
node node_modules/typescript/bin/tsc -p tsconfig.json --noEmit
say "Building (the fault specs run the built API and worker as processes)"
npm run -s build
say "Running the tests"
timeout --signal=TERM 1200 bash scripts/jest.sh "$@"

#!/usr/bin/env bash
# The whole test suite: type check, then unit, integration and end-to-end specs against real
# PostgreSQL and Redis (each spec file makes its own database and queue prefix). Arguments go to Jest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_deps
ensure_services
ensure_xmllint
say "Type checking"
node node_modules/typescript/bin/tsc -p tsconfig.json --noEmit
say "Running the tests"
bash scripts/jest.sh "$@"

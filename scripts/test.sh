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
# Two Jest workers, each with a PostgreSQL server of its own (test/support/test-environment.ts says
# why): the machine's, and one started for the run where PostgreSQL's server programs are at hand. The
# specs mostly wait on servers and processes, so two at once take about half the time on two cores.
# TEST_WORKERS=1 runs one; TEST_DATABASE_URLS (comma-separated) names the servers, a worker each.
if [ -z "${TEST_DATABASE_URLS:-}" ]; then
  export TEST_DATABASE_URLS="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  if [ "${TEST_WORKERS:-2}" != 1 ]; then
    trap stop_test_postgres EXIT
    if start_test_postgres; then
      TEST_DATABASE_URLS="$TEST_DATABASE_URLS,$TEST_POSTGRES_URL"
    else
      say "No second PostgreSQL server (its server programs, initdb and pg_ctl, are missing or it did not start): one Jest worker"
    fi
  fi
fi
workers=$(tr ',' '\n' <<<"$TEST_DATABASE_URLS" | grep -c .)
say "Running the tests ($workers Jest worker(s), a PostgreSQL server each)"
timeout --signal=TERM 1200 bash scripts/jest.sh --maxWorkers="$workers" "$@"

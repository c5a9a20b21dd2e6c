#!/usr/bin/env bash
# `npm run bench [-- --quick]`: builds, makes sure PostgreSQL, Redis and pgbench are there, then runs
# scripts/bench.mjs (the benchmarks, side by side with their references). Not part of `npm test`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_deps
ensure_services
ensure_pgbench
say "Building"
npm run -s build
say "Benchmarking (see docs/benchmarks.md)"
exec node scripts/bench.mjs "$@"

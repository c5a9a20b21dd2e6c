#!/usr/bin/env bash
# From a fresh clone to a running API with the demonstration projects: Node 24, dependencies, PostgreSQL
# and Redis, the database and its schema, the seed, API and worker in the background, then the guided
# tour (scripts/demo-tour.sh). Settings: the environment, then .env (the environment wins).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_deps
ensure_services
if [ ! -f .env ]; then
  say "Creating .env from .env.example (with a fresh admin key)"
  sed -e "s/^ADMIN_API_KEY=.*/ADMIN_API_KEY=ptk_admin_$(node -p 'require("crypto").randomBytes(24).toString("hex")')/" \
    -e "s/^SECRETS_KEY=.*/SECRETS_KEY=$(node -p 'require("crypto").randomBytes(32).toString("hex")')/" .env.example > .env
fi
load_dotenv
say "Building"
npm run -s build
say "Creating and migrating the database"
npm run -s db:migrate
say "Seeding the demonstration projects"
npm run -s seed
bash scripts/stop.sh >/dev/null 2>&1 || true
mkdir -p .run
say "Starting the API and the worker (logs in .run/)"
# The node flags and the worker's niceness are those of npm run start:api and start:worker (README, Memory
# and CPU priority).
nohup node --max-semi-space-size=16 --heap-growing-percent=25 dist/apps/api/apps/api/src/main.js > .run/api.log 2>&1 & echo $! > .run/api.pid
nohup nice -n 10 node --max-semi-space-size=16 --heap-growing-percent=50 dist/apps/worker/apps/worker/src/main.js > .run/worker.log 2>&1 & echo $! > .run/worker.pid
PORT=${PORT:-3000}
for _ in $(seq 1 60); do
  # A dead process means the API could not start (a port in use, a bad setting): no point in waiting.
  kill -0 "$(cat .run/api.pid)" 2>/dev/null || break
  curl -fs "http://localhost:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
kill -0 "$(cat .run/api.pid)" 2>/dev/null || { echo "The API stopped at start-up; see .run/api.log" >&2; tail -20 .run/api.log >&2; exit 1; }
curl -fs "http://localhost:$PORT/health/ready" >/dev/null || { echo "The API did not become ready; see .run/api.log" >&2; tail -20 .run/api.log >&2; exit 1; }
cat <<MSG

Project Tracker is running.
  API         http://localhost:$PORT
  OpenAPI     http://localhost:$PORT/docs  (JSON: /docs-json)
  Health      http://localhost:$PORT/health/ready
  Metrics     http://localhost:$PORT/metrics
  Admin key   $ADMIN_API_KEY   (ADMIN_API_KEY, from the environment or .env)
  Logs        .run/api.log, .run/worker.log
  Stop with   bash scripts/stop.sh

MSG
say "Waiting for the worker to project the seeded projects, then the guided tour (again: npm run -s demo:tour)"
bash scripts/demo-tour.sh

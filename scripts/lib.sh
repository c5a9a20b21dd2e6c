# Shared steps of start.sh, test.sh and .ci/run: Node 24, dependencies, PostgreSQL and Redis.
# Sourced, not run. Every step is idempotent and says what it does.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node 24 (the current LTS): the machine's own if new enough, else the npm package `node@24` in .tools/.
ensure_node() {
  if [ -x "$ROOT/.tools/node_modules/.bin/node" ]; then
    export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
  fi
  if [ "$(node_major)" -ge 24 ]; then return; fi
  say "Node $(node -v 2>/dev/null || echo 'not found') is older than 24: installing node@24 into .tools/"
  npm install --prefix "$ROOT/.tools" --no-save --no-package-lock --no-audit --no-fund node@24 >/dev/null
  export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
  [ "$(node_major)" -ge 24 ] || { echo "Could not get Node 24" >&2; exit 1; }
}

# Dependencies exactly as locked; reinstalled only when package-lock.json changed.
ensure_deps() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() {
  local host=$1 port=$2 name=$3
  for _ in $(seq 1 60); do port_open "$host" "$port" && return 0; sleep 0.5; done
  echo "$name did not come up on $host:$port" >&2
  return 1
}

# PostgreSQL and Redis: already running, else docker compose where Docker works, else the local servers.
ensure_services() {
  local need_pg=0 need_redis=0
  port_open 127.0.0.1 5432 || need_pg=1
  port_open 127.0.0.1 6379 || need_redis=1
  [ $need_pg = 0 ] && [ $need_redis = 0 ] && return 0
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    say "Starting PostgreSQL and Redis with docker compose"
    docker compose up -d postgres redis
  else
    if [ $need_pg = 1 ]; then
      say "Starting the local PostgreSQL server"
      if command -v pg_ctlcluster >/dev/null 2>&1; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
      else
        echo "PostgreSQL is not reachable on 127.0.0.1:5432 and neither Docker nor pg_ctlcluster is available." >&2
        exit 1
      fi
    fi
    if [ $need_redis = 1 ]; then
      say "Starting a local Redis server"
      if command -v redis-server >/dev/null 2>&1; then
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
      else
        echo "Redis is not reachable on 127.0.0.1:6379 and neither Docker nor redis-server is available." >&2
        exit 1
      fi
    fi
  fi
  wait_port 127.0.0.1 5432 PostgreSQL
  wait_port 127.0.0.1 6379 Redis
}

# A PostgreSQL server of the test run's own, for a second Jest worker (scripts/test-postgres.mjs starts
# the specs' throwaway server and holds it). A worker's specs need a server to themselves, not only a
# database: the global feed shows an event once no transaction older than its own is open anywhere on
# the server (pg_snapshot_xmin), so a spec that holds a transaction open would hold back the feed of a
# spec running beside it. Sets TEST_POSTGRES_URL; stop_test_postgres stops the server and removes its
# directory. Returns 1 where it cannot start one (PostgreSQL's server programs missing, say).
start_test_postgres() {
  local url_file
  url_file="$(mktemp)"
  node --no-warnings=ExperimentalWarning scripts/test-postgres.mjs "$url_file" &
  TEST_POSTGRES_PID=$!
  for _ in $(seq 1 600); do
    if [ -s "$url_file" ]; then
      TEST_POSTGRES_URL="$(cat "$url_file")"
      rm -f "$url_file"
      export TEST_POSTGRES_URL
      return 0
    fi
    kill -0 "$TEST_POSTGRES_PID" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$url_file"
  stop_test_postgres
  return 1
}

stop_test_postgres() {
  [ -n "${TEST_POSTGRES_PID:-}" ] || return 0
  kill -TERM "$TEST_POSTGRES_PID" 2>/dev/null || true
  wait "$TEST_POSTGRES_PID" 2>/dev/null || true
  unset TEST_POSTGRES_PID TEST_POSTGRES_URL
}

# Exports the settings of .env that the environment does not already set: the environment wins, as it
# does for the apps themselves (libs/config loadDotEnv, same parser). Needs node (ensure_node).
load_dotenv() {
  [ -f .env ] || return 0
  local exports
  exports="$(node --input-type=commonjs - <<'JS'
const { parseEnv } = require('node:util');
const values = parseEnv(require('node:fs').readFileSync('.env', 'utf8'));
// Single-quoted for the shell: nothing in a value is expanded.
const quote = (value) => `'${value.replaceAll("'", "'\\''")}'`;
for (const [key, value] of Object.entries(values)) {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && process.env[key] === undefined) console.log(`export ${key}=${quote(value)}`);
}
JS
)" || return 1
  eval "$exports"
}

# Installs a Debian package when the command it provides is missing (tools the specs or benchmarks use).
# Usage: ensure_debian_tool <command> <package> <what it is for>
ensure_debian_tool() {
  local command=$1 package=$2 purpose=$3
  command -v "$command" >/dev/null 2>&1 && return 0
  say "Installing $command ($package) for $purpose"
  (apt-get update -qq && apt-get install -y -qq "$package" >/dev/null) || {
    echo "$command is missing and could not be installed: apt-get install $package" >&2
    exit 1
  }
}

# pgbench (postgresql-contrib; Debian keeps it off PATH): `npm run bench` measures raw PostgreSQL with it.
ensure_pgbench() {
  [ -x /usr/lib/postgresql/15/bin/pgbench ] && return 0
  ensure_debian_tool pgbench postgresql-contrib "the benchmarks"
}

# xmllint: the IATI export specs validate against the official schema with it.
ensure_xmllint() { ensure_debian_tool xmllint libxml2-utils "the IATI schema checks"; }

# Chromium: the dashboard spec drives the page in it through playwright-core.
ensure_chromium() { ensure_debian_tool chromium chromium "the dashboard's browser spec"; }

#!/usr/bin/env bash
# Stops the API and worker that start.sh left running (SIGTERM: they shut down gracefully).
cd "$(dirname "$0")/.."
for name in api worker; do
  if [ -f ".run/$name.pid" ]; then
    kill "$(cat ".run/$name.pid")" 2>/dev/null && echo "stopped $name"
    rm -f ".run/$name.pid"
  fi
done

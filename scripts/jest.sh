#!/usr/bin/env bash
# Jest on native ESM; any arguments go to Jest (e.g. --selectProjects unit).
set -euo pipefail
cd "$(dirname "$0")/.."
exec env NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning ${NODE_OPTIONS:-}" node node_modules/jest/bin/jest.js "$@"

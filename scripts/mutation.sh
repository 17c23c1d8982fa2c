#!/bin/sh
# Mutation testing of the security core (see MUTATION.md). StrykerJS 9 runs with its own mocha 11
# and TypeScript 5 from mutation/, apart from the project's mocha 12 and TypeScript 7, which
# Stryker's mocha runner and TypeScript checker cannot load. Too slow for every CI run: run by hand
# or from a scheduled job. Extra arguments go to `stryker run` (e.g. --mutate src/core/web/csrf.ts).
set -eu
cd "$(dirname "$0")/.."
# Installed on first use (delete mutation/node_modules after changing mutation/package.json).
if [ ! -x mutation/node_modules/.bin/stryker ]; then
  npm --prefix mutation ci --no-audit --no-fund
fi
# STRYKER_CONFIG names another configuration (e.g. mutation/stryker.auth-sessions.config.json).
exec mutation/node_modules/.bin/stryker run "${STRYKER_CONFIG:-mutation/stryker.config.json}" "$@"

#!/bin/sh
# The type check and the linters at once: tsc keeps one core busy, Biome and knip the other, where
# one after the other they took some 40 s of the suite's time. Each one's output is shown whole,
# the type check's first; it fails when either does.
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
npm run --silent typecheck > "$out/typecheck" 2>&1 &
typecheck=$!
npm run --silent lint > "$out/lint" 2>&1
lint=$?
wait "$typecheck"
typecheck=$?
cat "$out/typecheck" "$out/lint"
[ "$typecheck" -eq 0 ] && [ "$lint" -eq 0 ]

#!/usr/bin/env bash
# Regenerates ui/src/lib/bindings.ts from the Rust types (ts-rs). Run it
# after changing a type the app sends or receives, then commit the file;
# the test `bindings::the_generated_bindings_are_current` fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CI:-}" ]; then
  echo "gen-bindings: bindings are written by hand and committed, never in CI" >&2
  exit 1
fi
# The writing run fails when it changed the file (so a change is always seen).
if SEALDESK_WRITE_BINDINGS=1 cargo test -p sealdesk-app --test it bindings::the_generated_bindings_are_current -- --exact; then
  echo "ui/src/lib/bindings.ts was already current"
else
  echo "wrote ui/src/lib/bindings.ts: review the diff and commit it"
fi

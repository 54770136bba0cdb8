#!/usr/bin/env bash
# Sets up and runs every test: formatting, clippy, the UI's tests, and the
# whole workspace (unit, integration, CLI, IPC and the end-to-end window test).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$(date +%s)
# A test run builds once: incremental state would only take disk.
export CARGO_INCREMENTAL=0
# The test command compares; it never rewrites a pinned file (the contract
# transcript, the bindings, the golden blobs refuse to be written under CI).
unset SNAPSHOTS SEALDESK_WRITE_BINDINGS SEALDESK_WRITE_GOLDEN
export CI="${CI:-1}"
df -h . | tail -1

scripts/setup.sh --test

echo "==> svelte-check (ui/: types against the generated bindings)"
npm --prefix ui run check --silent
echo "==> npm test (ui/: Vitest)"
npm --prefix ui test

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "==> cargo test"
# The outer timeout guards the end-to-end test, which drives a real window.
# pg_virtualenv (Debian's postgresql-common) starts a throwaway PostgreSQL 15
# for the run and drops it after; the server tests (tests/it/server.rs) use it.
timeout 40m pg_virtualenv -v 15 cargo test --workspace --locked

echo "==> cargo test: the API's scenarios again, every vault on PostgreSQL"
# The same tests, not copies: World makes its vault on a new database of the
# throwaway server. Left out are the tests that act on the SQLite file itself
# (a reader or writer of the file, T5/T6/T10): on a server that attacker is
# the database's operator, whom tests/it/server.rs plays.
timeout 20m pg_virtualenv -v 15 env SEALDESK_TEST_STORE=postgresql \
  cargo test --locked -p sealdesk-tests --test it -- $(grep -v '^#' scripts/sqlite-file-tests.txt | sed 's/^/--skip /' | tr '\n' ' ')

du -sh target 2>/dev/null || true
echo "==> all tests passed in $(( $(date +%s) - start )) s"

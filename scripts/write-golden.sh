#!/usr/bin/env bash
# Rewrites the frozen format blobs under crates/sealdesk-core/tests/data.
# Only for an intended format migration: every golden test fails in this run
# (it writes, it does not check); review `git diff`, commit the new blobs with
# the migration, then run the tests again. CI refuses to run this.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CI:-}" ]; then
  echo "write-golden: refusing to rewrite golden data in CI" >&2
  exit 1
fi
SEALDESK_WRITE_GOLDEN=1 cargo test -p sealdesk-core --test it golden || true
git status --short crates/sealdesk-core/tests/data

#!/usr/bin/env bash
# Mutation testing of the code whose tests matter most: crypto, the ledger
# verifier, the certified directory, the domain rules and identifier
# checksums (sealdesk-core), and the permission and routing rules of
# sealdesk-api. Slow (an hour or more on two cores), so it runs by hand, never
# in CI:
#
#   scripts/mutants.sh core        # sealdesk-core, its own tests
#   scripts/mutants.sh api         # sealdesk-api permission rules, tested by sealdesk-tests
#   scripts/mutants.sh core api    # both
#
# Results land in target/mutants/<part>/mutants.out (outcomes.json, caught.txt,
# missed.txt, timeout.txt, unviable.txt). Each run's outcomes are kept in
# target/mutants/<part>/history (a full run starts it afresh; an --iterate run
# adds to it), and scripts/mutants-summary.py prints the per-file kill rate
# over that history: an iteration's outcome replaces the earlier one.
# Mutants are named by line and column, so after editing a mutated file
# (not only its tests) run afresh rather than --iterate.
#
# Needs `cargo install cargo-mutants --locked` (v27 used here).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CI:-}" ]; then
  echo "mutants: too slow for CI; run it by hand" >&2
  exit 1
fi
command -v cargo-mutants >/dev/null || {
  echo "mutants: install it first: cargo install cargo-mutants --locked" >&2
  exit 1
}

# cargo-mutants builds copies of the tree in the temp dir; keep them out of
# /tmp, where the plaintext scan (tests/it/plaintext_scan.rs) would find the
# test letters compiled into them if a test run happens at the same time.
export TMPDIR="$PWD/target/mutants/tmp"
mkdir -p "$TMPDIR"
jobs=${MUTANTS_JOBS:-1}
# Extra cargo-mutants options, e.g. MUTANTS_ARGS=--iterate to test again only
# the mutants the last run missed.
read -r -a extra <<<"${MUTANTS_ARGS:-}"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(core api)

for part in "${parts[@]}"; do
  out=target/mutants/$part
  mkdir -p "$out"
  case $part in
    core)
      # The pathological-input test of the detector is a time bound of about
      # 10 s in a debug build; it tests none of the files mutated here.
      # fixed::raw_aes_gcm_* serve the crypto benchmark only.
      cargo mutants -p sealdesk-core -j "$jobs" -o "$out" --no-shuffle "${extra[@]}" \
        -E 'fixed::raw_aes_gcm' \
        -f crates/sealdesk-core/src/crypto/hazmat.rs \
        -f crates/sealdesk-core/src/crypto/mod.rs \
        -f crates/sealdesk-core/src/crypto/recovery.rs \
        -f crates/sealdesk-core/src/crypto/signing.rs \
        -f crates/sealdesk-core/src/ledger/mod.rs \
        -f crates/sealdesk-core/src/ledger/verify.rs \
        -f crates/sealdesk-core/src/directory.rs \
        -f crates/sealdesk-core/src/domain.rs \
        -f crates/sealdesk-core/src/secret.rs \
        -f crates/sealdesk-core/src/pii/ids.rs \
        -- -- --skip pathological_inputs_neither_panic_nor_stall || true
      ;;
    api)
      # The permission rules: the functions that decide who may do what on a
      # letter (role checks, the session gate, request and assignment state,
      # open and reveal). Their tests are the routing matrices of the
      # sealdesk-tests package (real vault files, real crypto): several
      # minutes per mutant, so MUTANTS_ARGS="--shard 0/8" measures a sample.
      # --test-package builds and runs only sealdesk-tests (not the app): the
      # routing matrices and the desk tests (roles mixed in one account).
      cargo mutants -p sealdesk-api --test-package sealdesk-tests -j "$jobs" -o "$out" --no-shuffle "${extra[@]}" \
        -f crates/sealdesk-api/src/routing.rs \
        -f crates/sealdesk-api/src/session.rs \
        -f crates/sealdesk-api/src/ledger.rs \
        -f crates/sealdesk-api/src/letters.rs \
        -F 'require_role|pending_request|active_assignment|Vault::begin|open_letter|reveal_show|approve|answer_inquiry|reveal_endorse|decline|revoke|deny_request|list_letters' \
        -- -- routing:: desk:: || true
      ;;
    *)
      echo "mutants: unknown part '$part' (core, api)" >&2
      exit 1
      ;;
  esac
  hist=$out/history
  case " ${extra[*]} " in
    *" --iterate "*) ;;
    *) rm -rf "$hist" ;;
  esac
  mkdir -p "$hist"
  cp "$out/mutants.out/outcomes.json" "$hist/$(date -u +%Y%m%dT%H%M%S).json"
  python3 scripts/mutants-summary.py "$hist"/*.json
done

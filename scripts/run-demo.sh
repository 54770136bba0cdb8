#!/usr/bin/env bash
# Sets up, builds, and opens the Sealdesk app on a demo vault (one user per
# role, passphrases printed below). The vault goes where the app looks when
# started on its own: $SEALDESK_VAULT, else ~/.local/share/sealdesk/vault.
# An existing vault there is used as it is (never overwritten).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh
echo "==> cargo build (sealdesk, sealdesk-app)"
cargo build --locked -p sealdesk-cli -p sealdesk-app

vault="${SEALDESK_VAULT:-${XDG_DATA_HOME:-$HOME/.local/share}/sealdesk/vault}"
if [ ! -f "$vault/vault.sqlite" ]; then
  target/debug/sealdesk --vault "$vault" demo
else
  echo "Using the vault at $vault"
  echo "Demo users: admin, clerk, supervisor, handler, auditor; passphrase demo-<user>-pass (e.g. demo-clerk-pass)"
fi
export SEALDESK_VAULT="$vault"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'
No display: this machine has no desktop session (DISPLAY and WAYLAND_DISPLAY
are unset), so the window has nowhere to open. Run this command from a
desktop session, or use the CLI here, e.g.:
  SEALDESK_USER=clerk SEALDESK_PASSPHRASE=demo-clerk-pass target/debug/sealdesk letters
MSG
  exit 2
fi
exec target/debug/sealdesk-app

#!/usr/bin/env bash
# Sets up, builds, and opens the Sealdesk app on a demo vault (one user per
# role, passphrases printed below). The vault stays at $SEALDESK_VAULT
# (default ~/.local/share/sealdesk/demo-vault) for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh
echo "==> cargo build (sealdesk, sealdesk-app)"
cargo build --locked -p sealdesk-cli -p sealdesk-app

export SEALDESK_VAULT="${SEALDESK_VAULT:-$HOME/.local/share/sealdesk/demo-vault}"
if [ ! -f "$SEALDESK_VAULT/vault.sqlite" ]; then
  target/debug/sealdesk --vault "$SEALDESK_VAULT" demo
else
  echo "Using the demo vault at $SEALDESK_VAULT"
  echo "Users: admin, clerk, supervisor, handler, auditor; passphrase demo-<user>-pass (e.g. demo-clerk-pass)"
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting the app under Xvfb (install a desktop to see the window)." >&2
  command -v xvfb-run >/dev/null || { apt-get install -y -qq xvfb xauth; }
  exec xvfb-run -a target/debug/sealdesk-app
fi
exec target/debug/sealdesk-app

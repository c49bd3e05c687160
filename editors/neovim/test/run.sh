#!/usr/bin/env bash
# Runs the Neovim end-to-end test: a headless Neovim 0.11+ set up as the README says, with
# podsec-lsp on PATH. Usage: run.sh [path/to/nvim]; the server comes from target/release.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
nvim="${1:-nvim}"
sandbox="$(mktemp -d)"
trap 'rm -rf "$sandbox"' EXIT
# A fresh user: no config, data or state of the machine's own Neovim.
export XDG_CONFIG_HOME="$sandbox/config" XDG_DATA_HOME="$sandbox/data" XDG_STATE_HOME="$sandbox/state"
export PATH="$repo/target/release:$PATH" PODSEC_NVIM_DIR="$repo/editors/neovim"
"$nvim" --version | head -1
timeout 120 "$nvim" --headless -u "$here/init.lua" -c "luafile $here/e2e.lua"

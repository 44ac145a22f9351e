#!/usr/bin/env bash
# Strip notebook outputs on commit: install nbstripout as this clone's git filter, so that a
# notebook saved in JupyterLab with its outputs is committed without them (.git/info/attributes).
# Usage: scripts/git-filters.sh VENV. Does nothing outside a git clone or without git.
set -euo pipefail
venv=${1:-.venv}
command -v git >/dev/null || exit 0
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
"$venv/bin/nbstripout" --install >/dev/null

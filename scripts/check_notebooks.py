"""Fail when a notebook would be committed with outputs or execution counts (they must diff well).

Analysts save notebooks in JupyterLab with their outputs. The set-up installs nbstripout as
this clone's git filter, which strips them on commit: a notebook with outputs in the working
copy then passes, and only what git holds (the index) must be clean. Without the filter (a
clone made without `make`, or git missing) the working copy itself must be clean, and the
message says which command clears it.
"""

from __future__ import annotations

import json
import subprocess
import sys

FIX = "make strip-notebooks"


def has_outputs(nb: dict) -> bool:
    return any(
        cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count"))
        for cell in nb.get("cells", [])
    )


def git(*args: str) -> str | None:
    """Output of a git command, or None outside a clone / without git."""
    try:
        run = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return run.stdout if run.returncode == 0 else None


def filter_strips(path: str) -> bool:
    """Is nbstripout this clone's clean filter for ``path``?"""
    attr = git("check-attr", "filter", "--", path) or ""
    return attr.strip().endswith(": nbstripout") and bool(git("config", "filter.nbstripout.clean"))


def main(paths: list[str]) -> int:
    bad = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            working = json.load(fh)
        staged = git("show", f":{path}")
        if staged is not None and has_outputs(json.loads(staged)):
            bad.append(f"{path}: the copy staged in git has outputs; run `{FIX}` and `git add` it")
        elif has_outputs(working):
            if filter_strips(path):
                print(f"{path}: has outputs here; the git filter strips them on commit")
            else:
                bad.append(f"{path}: notebook has outputs; run `{FIX}` to clear them")
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

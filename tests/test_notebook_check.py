"""A notebook saved in JupyterLab with its outputs does not break `make test`, and is
committed without them; without the git filter the check names the command that fixes it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from helpers import ROOT

VENV = Path(sys.executable).parent.parent


def sh(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def saved_with_outputs(path: Path) -> None:
    nb = nbformat.read(ROOT / "notebooks" / "unit_report.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.execution_count = 3
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="đã chạy\n")]
    nbformat.write(nb, path)


def check(repo: Path) -> subprocess.CompletedProcess[str]:
    return sh(repo, sys.executable, str(ROOT / "scripts" / "check_notebooks.py"), "nb.ipynb")


def test_outputs_fail_the_check_without_the_filter_and_name_the_fix(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    sh(repo, "git", "init", "-q")
    saved_with_outputs(repo / "nb.ipynb")
    run = check(repo)
    assert run.returncode == 1 and "make strip-notebooks" in run.stderr


def test_filter_installed_by_the_set_up_strips_outputs_on_commit(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    sh(repo, "git", "init", "-q")
    shutil.copy(ROOT / "scripts" / "git-filters.sh", tmp_path / "git-filters.sh")
    assert sh(repo, "bash", str(tmp_path / "git-filters.sh"), str(VENV)).returncode == 0
    saved_with_outputs(repo / "nb.ipynb")
    assert check(repo).returncode == 0  # outputs in the working copy only
    assert sh(repo, "git", "add", "nb.ipynb").returncode == 0
    staged = nbformat.reads(sh(repo, "git", "show", ":nb.ipynb").stdout, as_version=4)
    code = [c for c in staged.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert "đã chạy" in (repo / "nb.ipynb").read_text(encoding="utf-8")  # the analyst's copy
    assert check(repo).returncode == 0

"""scripts/system-deps.sh answers the same way every time, as a user without root (issue 30).

The check once searched fc-list's output through a pipe under pipefail and read installed
fonts as missing (fc-list got SIGPIPE); since the PDFs are typeset by Typst with the
package's own font, no font package is checked at all. What is left must say "nothing
missing" every time to a user, and name what is missing with the command to run.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system-deps.sh"
NOBODY = 65534


DROP = [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@pytest.fixture(scope="module")
def script() -> Iterator[Path]:
    """The script copied where a user without root can read it (a clone under /root is
    not), after checking that such a user can run bash at all on this machine."""
    if os.getuid() == 0:
        probe = subprocess.run(
            ["setpriv", *DROP, "bash", "-c", "true"], capture_output=True, text=True
        )
        if probe.returncode != 0:
            pytest.skip(f"a user without root cannot run bash here: {probe.stderr.strip()}")
    folder = Path(tempfile.mkdtemp(prefix="sysdeps-script-"))
    folder.chmod(0o755)
    copy = folder / "system-deps.sh"
    shutil.copy(SCRIPT, copy)
    copy.chmod(0o755)
    yield copy
    shutil.rmtree(folder)


@pytest.fixture
def bin_dir() -> Iterator[Path]:
    """A PATH folder a non-root user can read, holding only what the script needs."""
    folder = Path(tempfile.mkdtemp(prefix="sysdeps-"))
    folder.chmod(0o755)
    for tool in ("bash", "python3", "id", "cat"):
        found = shutil.which(tool)
        assert found, tool
        (folder / tool).symlink_to(found)
    yield folder
    shutil.rmtree(folder)


def run_as_user(script: Path, path: str, what: str) -> subprocess.CompletedProcess[str]:
    """The check without root: as nobody, through setpriv, when the tests run as root."""
    env = {"PATH": path, "HOME": "/nonexistent"}
    cmd = [shutil.which("bash") or "bash", str(script), what]
    if os.getuid() == 0:
        cmd = [shutil.which("setpriv") or "setpriv", *DROP, *cmd]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


def test_a_user_without_root_is_told_nothing_is_missing_every_time(script: Path) -> None:
    for _ in range(10):
        run = run_as_user(script, os.environ["PATH"], "runtime")
        assert (run.returncode, run.stderr) == (0, "")


def test_missing_packages_are_named_and_a_user_without_root_is_told_the_command(
    script: Path, bin_dir: Path
) -> None:
    run = run_as_user(script, str(bin_dir), "test")
    assert run.returncode == 1
    for package in ("chromium", "chromium-driver", "libreoffice-calc-nogui", "poppler-utils"):
        assert package in run.stderr, run.stderr
    assert "apt-get install -y" in run.stderr

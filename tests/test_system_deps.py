"""scripts/system-deps.sh finds installed fonts reliably, as a user without root (issue 30)."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system-deps.sh"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
NOBODY = 65534


@pytest.fixture
def font_home() -> Iterator[Path]:
    """A directory a non-root user can read, outside pytest's private tmp_path."""
    home = Path(tempfile.mkdtemp(prefix="sysdeps-"))
    home.chmod(0o755)
    (home / "cache").mkdir(mode=0o777)
    (home / "cache").chmod(0o777)
    yield home
    shutil.rmtree(home)


def fontconfig(home: Path, copies: int) -> Path:
    """A fontconfig file whose only fonts are `copies` links to DejaVu Sans, under a long path.

    With 600 links fc-list writes about 120 kB, more than a pipe holds, so a `grep -q`
    that stops at the first line leaves fc-list writing into a closed pipe (SIGPIPE)."""
    fonts = home / "fonts" / ("d" * 150)
    fonts.mkdir(parents=True)
    for i in range(copies):
        (fonts / f"DejaVuSans-{i}.ttf").symlink_to(DEJAVU)
    conf = home / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{fonts}</dir><cachedir>{home / 'cache'}</cachedir></fontconfig>"
    )
    return conf


def run_as_user(conf: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the check without root: as nobody, through setpriv, when the tests run as root."""
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "FONTCONFIG_FILE": str(conf)}
    cmd = ["bash", str(SCRIPT), "runtime"]
    if os.getuid() == 0:
        drop = [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        cmd = ["setpriv", *drop, *cmd]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


needs_fonts = pytest.mark.skipif(
    not DEJAVU.exists() or shutil.which("fc-list") is None, reason="needs fontconfig and DejaVu"
)


@needs_fonts
def test_installed_fonts_are_found_every_time_even_when_fc_list_writes_more_than_a_pipe_holds(
    font_home: Path,
) -> None:
    conf = fontconfig(font_home, copies=600)
    for _ in range(5):
        run = run_as_user(conf, font_home)
        assert "fonts-dejavu-core" not in run.stderr, run.stderr


@needs_fonts
def test_missing_fonts_are_named_and_a_user_without_root_is_told_the_command(
    font_home: Path,
) -> None:
    conf = fontconfig(font_home, copies=0)
    run = run_as_user(conf, font_home)
    assert run.returncode == 1
    assert "fontconfig fonts-dejavu-core" in run.stderr
    assert "apt-get install -y" in run.stderr

"""environment.yml (conda) lists the same packages, at the same versions, as the venv."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==")
            pins[norm(name)] = version.strip()
    return pins


def conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            pins[norm(name)] = version
        elif isinstance(dep, dict):  # the pip: list, for packages only PyPI has
            for line in dep.get("pip", []):
                if "==" in line:
                    name, version = line.split("==", 1)
                    pins[norm(name)] = version
    return pins


def test_every_direct_dependency_is_in_environment_yml_at_the_locked_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    direct = project["dependencies"] + extras["test"] + extras["dev"]
    pins, env = lock(), conda()
    for dep in map(norm, direct):
        assert dep in env, f"{dep} missing from environment.yml"
        assert env[dep] == pins[dep], f"{dep}: environment.yml {env[dep]} != lock {pins[dep]}"
    assert set(env) - {"python", "pip"} == set(map(norm, direct))


def test_lock_is_made_for_the_lowest_supported_python():
    """The lock's header names the resolver's target Python; it must be Debian 12's 3.11.2,
    the lowest the README supports (a pin needing a newer 3.11 would break a fresh Debian)."""
    header = (ROOT / "requirements.lock").read_text().splitlines()[:3]
    assert any("--python-version 3.11.2" in line for line in header), header
    makefile = (ROOT / "Makefile").read_text()
    assert "LOCK_PYTHON := 3.11.2" in makefile


def test_a_bare_make_lists_the_targets():
    """Issue 30: a bare `make` printed "'.venv/.installed' is up to date"."""
    import subprocess

    run = subprocess.run(
        ["make", "-s", "--no-print-directory", "-C", str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "is up to date" not in run.stdout
    for target in ("help", "reports", "validate", "forms", "share", "new-year", "test", "clean"):
        assert f"make {target} " in run.stdout, target


def test_nbformat_imports_without_jsonschemas_iri_grammar():
    """jsonschema imports rfc3987-syntax when it is installed, which builds a grammar on
    import: 2,5 s of CPU in every process that imports nbformat (each build worker, each
    test process). The lock leaves it out and is installed as it is (--no-deps)."""
    import subprocess
    import sys

    code = "import sys, nbformat; print('rfc3987_syntax' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
    assert "rfc3987-syntax" not in lock() and "lark" not in lock()

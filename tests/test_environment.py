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
    return pins


def test_every_direct_dependency_is_in_environment_yml_at_the_locked_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = project["dependencies"] + project["optional-dependencies"]["test"]
    pins, env = lock(), conda()
    for dep in map(norm, direct):
        assert dep in env, f"{dep} missing from environment.yml"
        assert env[dep] == pins[dep], f"{dep}: environment.yml {env[dep]} != lock {pins[dep]}"
    assert set(env) - {"python", "pip"} == set(map(norm, direct))

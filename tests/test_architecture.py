"""The package's shape (issue 28), measured by scripts/architecture.py: no import circle,
no import of a later stage by an earlier one, no module over 500 lines, at most 12 000
lines in all."""

from __future__ import annotations

import importlib.util
import sys

from helpers import ROOT

spec = importlib.util.spec_from_file_location("architecture", ROOT / "scripts" / "architecture.py")
architecture = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
sys.modules["architecture"] = architecture
spec.loader.exec_module(architecture)  # type: ignore[union-attr]


def test_the_package_keeps_its_shape():
    assert architecture.problems() == []


def test_a_package_over_the_line_budget_is_reported(monkeypatch):
    monkeypatch.setattr(architecture, "MAX_PACKAGE_LINES", 100)
    assert any(p.startswith("scoring/: ") for p in architecture.problems())


def test_a_circle_and_an_upward_import_are_found():
    """The checks themselves: a made-up graph with a circle and a model module importing
    the build."""
    graph = {
        "scoring.model.a": {"scoring.model.b", "scoring.build.run"},
        "scoring.model.b": {"scoring.model.a"},
        "scoring.build.run": set(),
    }
    assert architecture.cycles(graph) == [["scoring.model.a", "scoring.model.b"]]
    assert architecture.upward(graph) == [
        "scoring.model.a imports scoring.build.run (a later stage)"
    ]


def test_function_level_imports_count(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import scoring.build.run\n"
        "def f():\n    from scoring.views import charts\n",
        encoding="utf-8",
    )
    known = {"scoring.build.run", "scoring.views.charts", "scoring.views"}
    assert architecture.imports("scoring.model.m", module, known) == {"scoring.views.charts"}

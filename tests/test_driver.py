"""The render driver: a failing notebook fails only its unit; the rest still build."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from scoring.render.driver import Task, load_state, run_tasks

pytestmark = pytest.mark.e2e


def notebook(path: Path) -> Path:
    nb = new_notebook(
        cells=[
            new_code_cell('unit_id = "a"', metadata={"tags": ["parameters"]}),
            new_code_cell('if unit_id == "bad":\n    raise ValueError("số liệu hỏng")'),
            new_code_cell('from IPython.display import HTML\nHTML(f"<p>Đơn vị {unit_id}</p>")'),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def task(tmp: Path, name: str, nb: Path) -> Task:
    return Task(
        name=name,
        notebook=str(nb),
        parameters={"unit_id": name},
        executed=str(tmp / "build" / f"{name}.ipynb"),
        html=str(tmp / f"{name}.html"),
        pdf=str(tmp / f"{name}.pdf"),
        title=f"Đơn vị {name}",
        key=f"k-{name}",
    )


def test_failure_is_reported_and_the_others_build(tmp_path):
    nb = notebook(tmp_path / "report.ipynb")
    tasks = [task(tmp_path, n, nb) for n in ("a", "bad", "c")]
    outcomes, skipped = run_tasks(tasks, tmp_path / "state.json", jobs=2)
    by_name = {o.name: o for o in outcomes}
    assert skipped == []
    assert by_name["a"].ok and by_name["c"].ok
    assert not by_name["bad"].ok and "ValueError: số liệu hỏng" in by_name["bad"].error
    assert "Đơn vị a" in (tmp_path / "a.html").read_text(encoding="utf-8")
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "bad.html").exists()
    state = load_state(tmp_path / "state.json")
    assert {name: entry["key"] for name, entry in state.items()} == {"a": "k-a", "c": "k-c"}
    again, skipped = run_tasks(tasks, tmp_path / "state.json", jobs=2)
    assert [t.name for t in skipped] == ["a", "c"] and [o.name for o in again] == ["bad"]

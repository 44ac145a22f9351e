"""The render driver: a failing notebook fails only its unit; the rest still build."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from scoring.build.driver import Task, executor, run_tasks
from scoring.build.state import load_state

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


def run(tasks: list[Task], state_file: Path, jobs: int) -> tuple[list, list]:
    """The tasks on ``jobs`` local workers, each recorded under its task's key."""
    with executor(jobs, state_file.parent / "kernels.log") as pool:
        return run_tasks(tasks, state_file, pool, lambda task, outcome: task.key)


def test_failure_is_reported_and_the_others_build(tmp_path):
    nb = notebook(tmp_path / "report.ipynb")
    tasks = [task(tmp_path, n, nb) for n in ("a", "bad", "c")]
    outcomes, skipped = run(tasks, tmp_path / "state.json", jobs=2)
    by_name = {o.name: o for o in outcomes}
    assert skipped == []
    assert by_name["a"].ok and by_name["c"].ok
    assert not by_name["bad"].ok and "ValueError: số liệu hỏng" in by_name["bad"].error
    assert by_name["bad"].kernel_log == ""  # its kernel lived: the error says it all
    assert "Đơn vị a" in (tmp_path / "a.html").read_text(encoding="utf-8")
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "bad.html").exists()
    state = load_state(tmp_path / "state.json")
    assert {name: entry["key"] for name, entry in state.items()} == {"a": "k-a", "c": "k-c"}
    again, skipped = run(tasks, tmp_path / "state.json", jobs=2)
    assert [t.name for t in skipped] == ["a", "c"] and [o.name for o in again] == ["bad"]


def test_a_notebook_reads_files_next_to_it_on_a_reused_kernel(tmp_path):
    """Each notebook runs in its own folder, as in JupyterLab, although one kernel (started
    in the project's notebooks/) runs both: the second must not read the first's file."""
    tasks = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "ghi_chu.txt").write_text(f"Ghi chú của thư mục {name}", encoding="utf-8")
        nb = notebook(folder / "report.ipynb")
        page = nbformat.read(nb, as_version=4)
        page.cells.append(new_code_cell('HTML(open("ghi_chu.txt", encoding="utf-8").read())'))
        nbformat.write(page, nb)
        tasks.append(task(tmp_path, name, nb))
    outcomes, _ = run(tasks, tmp_path / "state.json", jobs=1)
    assert [o.ok for o in outcomes] == [True, True], [o.error for o in outcomes]
    for name in ("a", "b"):
        assert f"Ghi chú của thư mục {name}" in (tmp_path / f"{name}.html").read_text("utf-8")


def test_render_kernels_keep_no_history_database(tmp_path, monkeypatch):
    """IPython's input history is one SQLite file for all the user's kernels; under load its
    saving thread printed "database is locked" into a report. Render kernels keep none."""
    ipython = tmp_path / "ipython"
    monkeypatch.setenv("IPYTHONDIR", str(ipython))
    nb = notebook(tmp_path / "report.ipynb")
    outcomes, _ = run([task(tmp_path, "a", nb)], tmp_path / "state.json", jobs=1)
    assert outcomes[0].ok, outcomes[0].error
    assert ipython.is_dir()  # the kernel did use this IPython folder
    assert list(ipython.rglob("history.sqlite*")) == []


def test_a_kernel_that_cannot_start_fails_its_tasks_within_seconds(tmp_path, monkeypatch):
    """A kernel that dies as it starts (here: made to exit at once; once: its socket path
    too long for a deep TMPDIR) fails each task with an error, never a build that waits
    for it for minutes."""
    import time

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os, sys\n"
        "with open('/proc/self/cmdline', 'rb') as fh:\n"
        "    if b'ipykernel_launcher' in fh.read():\n"
        "        sys.exit(3)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(hook))
    nb = notebook(tmp_path / "report.ipynb")
    began = time.monotonic()
    outcomes, _ = run([task(tmp_path, n, nb) for n in ("a", "b")], tmp_path / "s.json", jobs=1)
    assert time.monotonic() - began < 60
    assert [o.ok for o in outcomes] == [False, False]
    assert all("Kernel died" in o.error for o in outcomes), [o.error for o in outcomes]
    # The analyst is pointed to the log where a dying kernel's traceback goes.
    assert {o.kernel_log for o in outcomes} == {str(tmp_path / "kernels.log")}


def test_kernels_start_under_a_deep_temporary_folder(tmp_path, monkeypatch):
    """A socket's path must fit in 107 bytes: a kernel whose sockets lived in TMPDIR could
    not start under a deep one (pytest-xdist's). They are abstract sockets now."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    nb = notebook(tmp_path / "report.ipynb")
    outcomes, _ = run([task(tmp_path, "a", nb)], tmp_path / "s.json", jobs=1)
    assert [o.ok for o in outcomes] == [True], [o.error for o in outcomes]
    # Nothing of the kernel's in TMPDIR but, until the worker's exit, its folder.
    assert all(p.name.startswith("scoring-kernels-") for p in deep.iterdir())

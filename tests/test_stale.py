"""Never stale (issue 11): every report of a build shows the figures of ``scores.csv``,
and a later build rebuilds exactly the reports whose shown data changed.

(a) A cell added to the unit notebook shows every peer's total: correcting one
    department's form rebuilds every report showing that total.
(b) A form saved while a build reads the forms: the build's reports agree with its
    scores.csv, and after the form is put back (with its old modification time) the next
    build shows the form as it is.
Also: an added chart and Markdown cell reach the report; a note rebuilds its report only.

On a small copy of the sample (two departments, no 2017) to keep the builds short.
"""

import contextlib
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from helpers import ROOT, build, rewritten, stamps
from helpers import small_data as cut_data

from dev.sample.fill import fill_form
from scoring.text import numfmt

pytestmark = pytest.mark.e2e

KEEP = ("196-VP", "196-NV")
DEPARTMENTS = ("196-VP", "196-NV")


def small_data(root: Path) -> Path:
    return cut_data(root, keep=KEEP, years=("2018",))


def scores(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "reports" / "2018" / "scores.csv", dtype={"unit_id": str})


def html(out: Path, unit_id: str) -> str:
    return (out / "reports" / "2018" / "units" / f"{unit_id}.html").read_text(encoding="utf-8")


def headline(page: str) -> str:
    found = re.search(r'<div class="big">([0-9.,]+)/', page)
    assert found, "no headline total"
    return found.group(1)


def assert_reports_agree_with_scores(out: Path) -> None:
    table = scores(out)
    for row in table.itertuples():
        assert headline(html(out, row.unit_id)) == numfmt.points(row.total), row.unit_id
    ranking = (out / "reports" / "2018" / "ranking.html").read_text(encoding="utf-8")
    for row in table.itertuples():
        assert numfmt.points(row.total) in ranking


def rebuilt(before: dict[str, tuple[int, int]], out: Path) -> set[str]:
    """The reports (unit reports and the ranking, HTML or PDF) written since ``before``."""
    names = rewritten(before, out / "reports")
    return {Path(n).stem for n in names if n.startswith("2018/") and n.endswith((".html", ".pdf"))}


PEERS_CELLS = [
    nbformat.v4.new_markdown_cell("## Tổng điểm các đơn vị cùng cấp"),
    nbformat.v4.new_code_cell(
        "import scoring\n"
        "peers = scoring.load_totals(data_dir, year, snapshot=snapshot)\n"
        'peers = peers[peers["level"] == report.unit.level][["unit_id", "name", "total"]]\n'
        "report.show_table(peers)"
    ),
    nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\n"
        'plt.bar(peers["unit_id"], peers["total"])\n'
        'plt.title("Tổng điểm các đơn vị cùng cấp")\n'
        "plt.show()"
    ),
]


def analyst_notebooks(root: Path) -> Path:
    """The project's notebooks, with the peers' totals (table, chart, heading) added to
    the unit report before its provenance section, as an analyst would in JupyterLab.
    """
    folder = root / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    path = folder / "unit_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if 'section("provenance")' in c.source)
    nb.cells[at:at] = PEERS_CELLS
    nbformat.write(nb, path)
    return folder


def test_a_cell_showing_peers_totals_is_rebuilt_when_a_peer_changes(tmp_path):
    data = small_data(tmp_path)
    notebooks = analyst_notebooks(tmp_path)
    out = tmp_path / "out"
    run = build(data, out, "--notebooks", str(notebooks))
    assert run.returncode == 0, run.stderr[-3000:]
    page = html(out, "196-NV")
    assert "Tổng điểm các đơn vị cùng cấp" in page  # the added Markdown cell
    assert page.count("data:image/png;base64,") == 4  # robustness, groups, peers, added chart
    assert_reports_agree_with_scores(out)
    before = scores(out).set_index("unit_id")["total"]

    form = data / "2018" / "submissions" / "196-VP.xlsx"
    fill_form(form, form, {"A1.1.a": 1})
    run = build(data, out, "--notebooks", str(notebooks))
    assert run.returncode == 0, run.stderr[-3000:]
    after = scores(out).set_index("unit_id")["total"]
    assert after["196-VP"] < before["196-VP"] - 0.5
    shown = numfmt.number(after["196-VP"], 2, trim=True)
    for unit_id in DEPARTMENTS:
        assert shown in html(out, unit_id), unit_id  # the peers' table shows the new total
    assert_reports_agree_with_scores(out)
    state = json.loads((out / "build" / "2018" / "state.json").read_text(encoding="utf-8"))
    assert '["totals", 2018]' in state["196-NV"]["reads"]  # keyed on what it read


def test_a_cell_reading_the_data_folder_itself_is_named_and_always_rebuilt(tmp_path):
    """``load_totals`` called without the notebook's snapshot reads the data folder, which
    no key can follow: the build names the cell, and rebuilds that report every time."""
    data = small_data(tmp_path)
    notebooks = analyst_notebooks(tmp_path)
    path = notebooks / "unit_report.ipynb"
    page = path.read_text(encoding="utf-8").replace("year, snapshot=snapshot)", "year)", 1)
    path.write_text(page, encoding="utf-8")
    out = tmp_path / "out"
    run = build(data, out, "--notebooks", str(notebooks))
    assert run.returncode == 0, run.stderr[-3000:]
    assert re.search(r"unit_report.ipynb, ô số \d+: load_totals\(\) không có snapshot", run.stderr)
    note = data / "2018" / "notes" / "ranking.md"
    note.parent.mkdir(exist_ok=True)
    note.write_text("Nhận xét chung.", encoding="utf-8")
    run = build(data, out, "--notebooks", str(notebooks))
    assert run.returncode == 0, run.stderr[-3000:]
    # The ranking for its note, the two unit reports because they read the folder.
    assert "Năm 2018: lập 3 báo cáo, giữ nguyên 0 báo cáo" in run.stderr


def test_no_variable_of_one_report_reaches_the_next_on_the_same_kernel(tmp_path):
    """One worker renders both unit reports on one kernel: each starts with an empty
    namespace, as a notebook run in JupyterLab does."""
    data = small_data(tmp_path)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    path = notebooks / "unit_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = 'print("đơn vị trước:", globals().get("last_unit", "không có"))\nlast_unit = unit_id'
    nb.cells.append(nbformat.v4.new_code_cell(cell))
    nbformat.write(nb, path)
    run = build(data, tmp_path / "out", "--notebooks", str(notebooks))
    assert run.returncode == 0, run.stderr[-3000:]
    for unit_id in DEPARTMENTS:
        assert "đơn vị trước: không có" in html(tmp_path / "out", unit_id), unit_id


@contextlib.contextmanager
def on_first_form_read(folder: Path, action):  # noqa: ANN001 - a callable, run once
    """Run ``action`` when this process first opens a form of ``folder`` (an audit hook on
    ``open``: the moment a build has listed the forms and starts reading them)."""
    state = {"armed": True}

    def hook(event: str, args: tuple) -> None:
        if state["armed"] and event == "open" and isinstance(args[0], str | Path):
            path = Path(args[0])
            if path.parent == folder and path.suffix == ".xlsx":
                state["armed"] = False  # before acting: the action opens files too
                action()

    sys.addaudithook(hook)  # hooks cannot be removed: this one is disarmed on leaving
    try:
        yield state
    finally:
        state["armed"] = False


def test_a_form_saved_during_a_build_is_picked_up_by_the_next(tmp_path, monkeypatch):
    from scoring.cli import main

    data = small_data(tmp_path)
    out = tmp_path / "out"
    form = data / "2018" / "submissions" / "196-NV.xlsx"
    original = tmp_path / "original.xlsx"
    shutil.copy2(form, original)
    corrected = tmp_path / "corrected.xlsx"
    fill_form(form, corrected, {"A1.1.a": 1})

    command = ["build", "--year", "2018", "--data", str(data), "--jobs", "1"]
    command += ["--reports", str(out / "reports"), "--build", str(out / "build")]
    # The analyst saves the form once the build has listed the forms and reads them.
    with on_first_form_read(form.parent, lambda: shutil.copy(corrected, form)) as hook:
        status = main(command)
    assert status == 0
    assert not hook["armed"], "the build read no form"
    assert form.read_bytes() == corrected.read_bytes()
    assert_reports_agree_with_scores(out)
    saved = scores(out).set_index("unit_id")["total"]["196-NV"]

    shutil.copy2(original, form)  # put back, with its old modification time
    before = stamps(out / "reports")
    run = build(data, out)
    assert run.returncode == 0, run.stderr[-3000:]
    assert_reports_agree_with_scores(out)
    now = scores(out).set_index("unit_id")["total"]["196-NV"]
    assert now > saved + 0.5  # the original form's figures again, in the report too
    assert {"196-NV", "ranking"} <= rebuilt(before, out)


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("notes")
    data = small_data(root)
    run = build(data, root / "out")
    assert run.returncode == 0, run.stderr[-3000:]
    return data, root / "out"


NOTE = """Đơn vị đã **khắc phục** phần lớn tồn tại của năm trước.

- Cần công khai đủ thủ tục hành chính.
<script>alert("x")</script> <b onclick="x()">đậm</b>
![ảnh](https://example.org/a.png) [văn bản](https://example.org/vb) [lạ](javascript:alert(1))
"""


def test_a_note_rebuilds_its_report_only_and_is_shown_safely(small_build):
    data, out = small_build
    notes = data / "2018" / "notes"
    notes.mkdir()
    (notes / "196-NV.md").write_text(NOTE, encoding="utf-8")
    before = stamps(out / "reports")
    run = build(data, out)
    assert run.returncode == 0, run.stderr[-3000:]
    assert rebuilt(before, out) == {"196-NV"}
    page = html(out, "196-NV")
    assert "Nhận xét của cơ quan đánh giá" in page
    assert "<strong>khắc phục</strong>" in page and "<li>" in page
    assert "<script" not in page and "onclick" not in page.replace("&lt;b onclick", "")
    assert "&lt;script&gt;" in page  # shown as typed, not run
    assert "example.org/a.png" not in page and 'href="https://example.org/vb"' in page
    assert "javascript:" not in page
    assert "Nhận xét của cơ quan đánh giá" not in html(out, "196-VP")

    (notes / "ranking.md").write_text("Năm nay **mọi** đơn vị đã nộp phiếu.", encoding="utf-8")
    before = stamps(out / "reports")
    run = build(data, out)
    assert run.returncode == 0, run.stderr[-3000:]
    assert rebuilt(before, out) == {"ranking"}
    ranking = (out / "reports" / "2018" / "ranking.html").read_text(encoding="utf-8")
    assert "Nhận xét của cơ quan đánh giá" in ranking and "<strong>mọi</strong>" in ranking


def test_reports_of_a_unit_removed_from_the_year_are_deleted_and_said(tmp_path):
    """Issue 29: a unit removed from units.csv left its old HTML and PDF under
    reports/<year>/units/, showing old scores."""
    from helpers import build, small_data

    data = small_data(tmp_path, keep=("06808", "06826"))
    first = build(data, tmp_path)
    assert first.returncode == 0, first.stderr
    units = tmp_path / "reports" / "2018" / "units"
    assert (units / "06826.html").is_file() and (units / "06826.pdf").is_file()
    lines = (data / "units.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("06826,")]
    (data / "units.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    for form in data.glob("[0-9]*/*/06826.xlsx"):
        form.unlink()
    second = build(data, tmp_path)
    assert second.returncode == 0, second.stderr
    assert not (units / "06826.html").exists() and not (units / "06826.pdf").exists()
    assert (units / "06808.html").is_file()
    assert "không còn trong năm 2018: 06826" in second.stderr

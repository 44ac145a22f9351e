"""Shared fixtures for the form tests: a small criteria set and units, built in tmp_path.

``form_kit`` writes a 30-point commune criteria set covering every input kind, an
``allow_na`` criterion, an ``applicable_if`` sub-group and a direct-points criterion, and
gives helpers to write, fill and read forms against it. Nothing here reads ``data/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Protection

from dev.sample.fill import fill_form
from scoring.inputs.criteria import load_year
from scoring.inputs.forms import (
    HEADER_CODE,
    HEADER_VALUE,
    HEADER_VERIFIED,
    SHEET_INPUTS,
    find_header,
    write_form,
)
from scoring.inputs.submissions import Problem, Submission, read_submission
from scoring.inputs.units import Unit
from scoring.model.criteria import CriteriaSet, CriteriaYear

YEAR = 2018

MINI_CRITERIA = """\
year: 2018
level: commune
version: "T1"
title: "Bộ tiêu chí thử nghiệm cấp xã"
legal_basis:
  - "Quyết định số 1/QĐ-UBND ngày 1/7/2018 (thử nghiệm)"
provenance: "Tệp thử cho kiểm thử tự động."
max: 30
groups:
  - code: A
    name: "Điều kiện sẵn sàng"
    max: 14
    children:
      - code: A1
        name: "Tỷ lệ cán bộ có máy tính"
        max: 4
        inputs:
          - {code: A1.a, label: "Số cán bộ có máy tính", unit: "người", kind: count}
          - {code: A1.b, label: "Tổng số cán bộ", unit: "người", kind: count}
        rule: {type: ratio, numerator: A1.a, denominator: A1.b}
      - code: A2
        name: "Có mạng LAN"
        max: 2
        allow_na: true
        inputs: [{code: A2.a, label: "Có mạng LAN không?", kind: yes_no}]
        rule: {type: yes_no, input: A2.a}
      - code: A3
        name: "Tỷ lệ cán bộ có chứng chỉ CNTT"
        max: 3
        inputs: [{code: A3.a, label: "Tỷ lệ cán bộ có chứng chỉ", kind: share}]
        rule: {type: ratio, share: A3.a}
      - code: A4
        name: "Kinh phí cho CNTT"
        max: 2
        inputs:
          - {code: A4.a, label: "Kinh phí", unit: "triệu đồng", kind: amount, required: false}
        rule: {type: steps, input: A4.a, steps: [{min: 100, points: 2}, {min: 1, points: 1}]}
      - code: A5
        name: "Chỉ đạo ứng dụng CNTT"
        max: 3
        inputs: [{code: A5.a, label: "Điểm tự chấm", unit: "điểm", kind: points}]
        rule: {type: direct, input: A5.a}
  - code: B
    name: "Kết quả"
    max: 16
    children:
      - code: B1
        name: "Phản ánh, kiến nghị được trả lời đúng hạn"
        max: 6
        allow_na: true
        inputs:
          - {code: B1.a, label: "Số phản ánh trả lời đúng hạn", kind: count}
          - {code: B1.b, label: "Tổng số phản ánh", kind: count}
        rule: {type: ratio, numerator: B1.a, denominator: B1.b}
      - code: B2
        name: "Mức độ giao dịch"
        max: 10
        applicable_if: B2.q
        inputs: [{code: B2.q, label: "Có giải quyết thủ tục hành chính không?", kind: yes_no}]
        children:
          - code: B2.1
            name: "Hồ sơ nộp trực tuyến"
            max: 10
            inputs:
              - {code: B2.1.a, label: "Số hồ sơ nộp trực tuyến", kind: count}
              - {code: B2.1.b, label: "Tổng số hồ sơ", kind: count}
            rule: {type: ratio, numerator: B2.1.a, denominator: B2.1.b}
"""

BANDS = """\
bands:
  - {name: "Tốt", min_percent: 80}
  - {name: "Khá", min_percent: 70}
  - {name: "Trung bình", min_percent: 50}
  - {name: "Yếu", min_percent: 0}
"""

UNITS = (
    Unit("06808", "Phường Vàng Danh", "commune", 2011, 2025),
    Unit("06811", "Phường Thanh Sơn", "commune", 2011, 2025),
    Unit("06814", "Phường Bắc Sơn", "commune", 2011, 2025),
    Unit("07141", "Xã Điền Công", "commune", 2011, 2019),
    Unit("06899", "Phường Mới", "commune", 2019, None),
)

# What a unit types, and what it must read back as.
VALID = {
    "A1.a": 18, "A1.b": 20, "A2.a": "Có", "A3.a": 85, "A4.a": "120,5", "A5.a": "2,5",
    "B1.a": 5, "B1.b": 6, "B2.q": "Có", "B2.1.a": 40, "B2.1.b": 100,
}  # fmt: skip
PARSED = {
    "A1.a": 18.0, "A1.b": 20.0, "A2.a": True, "A3.a": 85.0, "A4.a": 120.5, "A5.a": 2.5,
    "B1.a": 5.0, "B1.b": 6.0, "B2.q": True, "B2.1.a": 40.0, "B2.1.b": 100.0,
}  # fmt: skip
EVIDENCE = {code: f"Báo cáo số {i}/BC-UBND" for i, code in enumerate(VALID, start=1)}
NOTES = {"A5.a": "Có Chỉ thị số 3/CT-UBND về ứng dụng CNTT."}


@dataclass
class FormKit:
    """The mini criteria year plus helpers to write, fill and read its forms."""

    root: Path
    criteria: CriteriaYear
    units: dict[str, Unit] = field(default_factory=lambda: {u.id: u for u in UNITS})
    valid: dict[str, object] = field(default_factory=lambda: dict(VALID))
    parsed: dict[str, object] = field(default_factory=lambda: dict(PARSED))
    evidence: dict[str, str] = field(default_factory=lambda: dict(EVIDENCE))
    notes: dict[str, str] = field(default_factory=lambda: dict(NOTES))
    criteria_text: str = MINI_CRITERIA

    @property
    def cset(self) -> CriteriaSet:
        return self.criteria.for_level("commune")

    @property
    def submissions(self) -> Path:
        folder = self.root / str(YEAR) / "submissions"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def blank(
        self,
        unit_id: str = "06808",
        year: int = YEAR,
        cset: CriteriaSet | None = None,
        unit: Unit | None = None,
    ) -> Path:
        path = self.root / "blank" / f"{unit_id}-{year}.xlsx"
        write_form(path, cset or self.cset, unit or self.units[unit_id], year)
        return path

    def filled(
        self,
        name: str = "06808.xlsx",
        *,
        values: dict[str, object] | None = None,
        drop: tuple[str, ...] = (),
        blank: Path | None = None,
        **extra: dict[str, object] | None,
    ) -> Path:
        """A form filled with VALID (updated by ``values``, minus ``drop``) plus evidence."""
        answers = {**VALID, **(values or {})}
        for code in drop:
            answers.pop(code, None)
        extra.setdefault("evidence", EVIDENCE)
        extra.setdefault("notes", NOTES)
        path = self.submissions / name
        fill_form(blank or self.blank(name.split(".")[0].split(" ")[0]), path, answers, **extra)  # type: ignore[arg-type]
        return path

    def blank_with_verified_column(self, unit_id: str = "06808") -> Path:
        """A blank form with a "Giá trị thẩm định" column added after the last one, as in
        the forms of earlier versions (or a unit that added one): a unit can type there."""
        path = self.blank(unit_id)
        wb = load_workbook(path)
        ws = wb[SHEET_INPUTS]
        found = find_header(ws)
        assert found is not None
        column = max(found.columns.values()) + 1
        ws.cell(row=found.row, column=column, value=HEADER_VERIFIED)
        for row in range(found.row + 1, ws.max_row + 1):
            ws.cell(row=row, column=column).protection = Protection(locked=False)
        wb.save(path)
        return path

    def read(self, path: Path, year: int = YEAR) -> tuple[Submission | None, list[Problem]]:
        return read_submission(path, self.criteria, self.units, year)

    def variant(self, name: str, text: str) -> CriteriaSet:
        """Another commune criteria file (e.g. an older version), in its own folder."""
        return load_year(write_criteria(self.root.parent / name, text), YEAR).for_level("commune")

    @staticmethod
    def cell(path: Path, code: str, header: str = HEADER_VALUE) -> str:
        """The address of ``code``'s cell in column ``header`` of a form."""
        ws = load_workbook(path)[SHEET_INPUTS]
        found = find_header(ws)
        assert found is not None
        code_column = found.columns[HEADER_CODE]
        for (cell,) in ws.iter_rows(
            min_row=found.row + 1, min_col=code_column, max_col=code_column
        ):
            if cell.value == code:
                return str(ws.cell(row=cell.row, column=found.columns[header]).coordinate)
        raise KeyError(code)


def write_criteria(root: Path, text: str = MINI_CRITERIA) -> Path:
    """``root/criteria/<YEAR>/`` with the commune file and the bands; returns ``root``."""
    folder = root / "criteria" / str(YEAR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "commune.yaml").write_text(text, encoding="utf-8")
    (folder / "bands.yaml").write_text(BANDS, encoding="utf-8")
    return root


@pytest.fixture
def form_kit(tmp_path: Path) -> FormKit:
    root = write_criteria(tmp_path / "data")
    return FormKit(root=root, criteria=load_year(root, YEAR))


def _built_once(tmp_path_factory, name: str, make) -> Path:  # noqa: ANN001
    """``make(folder)`` once per test run, whatever the number of pytest-xdist workers.

    Alone, the folder is a fresh one of this session. Under xdist (``make test`` runs two
    workers), every worker gets the same folder under the run's common temporary root: the
    first to ask builds it while holding a lock, the others wait for it and then read it.
    A build's reports name its folder, so one folder per run is also what lets them agree.
    """
    import fcntl
    import shutil

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    root = tmp_path_factory.getbasetemp().parent
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """One cold ``make reports`` of the embedded 2018 sample, shared by the tests that only
    read its outputs (``<folder>/reports``, ``<folder>/build``). Do not modify it."""
    from helpers import DATA, build

    def make(folder: Path) -> None:
        run = build(DATA, folder, "--jobs", "2")
        assert run.returncode == 0, run.stderr[-3000:]

    return _built_once(tmp_path_factory, "sample-build", make)


@pytest.fixture(scope="session")
def kit_build(tmp_path_factory) -> Path:
    """One cold build of the small kit (``helpers.KIT``: the city, a department, two communes;
    2017 and 2018): ``<folder>/data``, ``<folder>/reports``, ``<folder>/build``.
    Shared by the tests that compare a build of their own with a cold one (Dask, a second
    build byte for byte). Do not modify it: its reports depend on its folder's path, so a
    test that changes something builds its own kit (``helpers.small_data``)."""
    from helpers import build, small_data

    def make(folder: Path) -> None:
        run = build(small_data(folder), folder)
        assert run.returncode == 0, run.stderr[-3000:]

    return _built_once(tmp_path_factory, "kit-build", make)

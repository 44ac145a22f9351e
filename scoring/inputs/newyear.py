"""Next year's cycle in one command: ``make new-year YEAR=2021``.

The latest criteria folder is copied as text, comments and layout kept, with ``year``,
``version`` ("2021.1") and "năm 2020" in titles and comments updated. The legal basis
becomes a placeholder that ``make forms`` refuses (``check_ready``): the new decision
cannot be guessed, and a form citing last year's would be wrong. ``mapping.csv`` (one
year's codes to the year before) is not copied.
"""

from __future__ import annotations

import re
from pathlib import Path

from scoring.inputs.criteria import years_available
from scoring.io import write_bytes
from scoring.model.criteria import CriteriaYear
from scoring.text.errors import CriteriaError
from scoring.text.i18n import N_

PLACEHOLDER_MARK = "CẦN SỬA"


def _legal_basis_block(lines: list[str], year: int) -> list[str]:
    """The ``legal_basis:`` list replaced by one placeholder item."""
    placeholder = (
        f'  - "{PLACEHOLDER_MARK}: ghi số, ngày của quyết định ban hành bộ tiêu chí năm {year} '
        '(ví dụ Quyết định số .../QĐ-UBND ngày .../.../...) rồi mới tạo phiếu"\n'
    )
    out: list[str] = []
    skipping = False
    for line in lines:
        if skipping and line.startswith((" ", "\t")) and line.strip():
            continue  # an item of the old list
        skipping = line.startswith("legal_basis:")
        out += ["legal_basis:\n", placeholder] if skipping else [line]
    return out


def new_text(text: str, old: int, year: int) -> str:
    """A level file or bands.yaml of year ``old`` rewritten for ``year``."""
    out = []
    for line in text.splitlines(keepends=True):
        if re.match(r"^year:\s*\d{4}\s*$", line):
            line = f"year: {year}\n"
        elif line.startswith("version:"):
            line = f'version: "{year}.1"\n'
        elif line.startswith(("title:", "#")):
            line = line.replace(f"năm {old}", f"năm {year}")
        out.append(line)
    return "".join(_legal_basis_block(out, year))


def create(data_dir: Path, year: int) -> tuple[Path, int, list[tuple[Path, int, str]]]:
    """``data/criteria/<year>/`` from the latest earlier set; returns the folder, the year
    copied and the lines that still name the old year (file, line number, text), for the
    analyst to review."""
    data_dir = Path(data_dir)
    target = data_dir / "criteria" / str(year)
    if target.exists():
        what = N_("%(path)s: thư mục đã có; xóa hoặc đổi tên nếu muốn tạo lại")
        raise CriteriaError(what, path=str(target))
    earlier = [y for y in years_available(data_dir) if y < year]
    if not earlier:
        what = N_("%(path)s: không có bộ tiêu chí năm nào trước %(year)s để sao chép")
        raise CriteriaError(what, path=str(data_dir / "criteria"), year=year)
    old = earlier[-1]
    review = []
    for source in sorted((data_dir / "criteria" / str(old)).glob("*.yaml")):
        text = new_text(source.read_text(encoding="utf-8"), old, year)
        write_bytes(target / source.name, text.encode("utf-8"))
        for number, line in enumerate(text.splitlines(), start=1):
            if str(old) in line and not line.lstrip().startswith("#"):
                review.append((target / source.name, number, line.strip()[:90]))
    return target, old, review


def check_ready(criteria: CriteriaYear) -> None:
    """Refuse to make forms from a set whose legal basis is still the placeholder, naming
    every file that still has it at once (not one per run)."""
    left = [
        str(cset.path)
        for cset in criteria.levels.values()
        if any(PLACEHOLDER_MARK in line for line in cset.legal_basis)
    ]
    if left:
        what = N_(
            "%(path)s: căn cứ pháp lý (legal_basis) vẫn là dòng '%(mark)s' do "
            "make new-year ghi; sửa thành quyết định ban hành bộ tiêu chí của năm rồi "
            "tạo phiếu lại"
        )
        raise CriteriaError(what, path=", ".join(sorted(left)), mark=PLACEHOLDER_MARK)

"""The unit list: who is scored in which year, at which level.

Units change (communes merge, the district tier was abolished in 2025), so each unit
carries the years it is valid. Ids become file names and notebook parameters, so only
safe characters are accepted.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from scoring.criteria import LEVELS
from scoring.errors import UnitsError

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
COLUMNS = ("id", "name", "level", "valid_from", "valid_to")


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    level: str
    valid_from: int
    valid_to: int | None  # inclusive; None while the unit exists

    def valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


def _year(text: str, path: Path, line: int, column: str, *, optional: bool) -> int | None:
    text = text.strip()
    if not text and optional:
        return None
    if not text.isdigit() or len(text) != 4:
        raise UnitsError(f"{path}, dòng {line}, cột {column}: cần một năm (4 chữ số), có '{text}'")
    return int(text)


def load_units(path: Path) -> list[Unit]:
    """Read data/units.csv; refuse unsafe ids, unknown levels and repeated ids."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise UnitsError(
                    f"{path}: thiếu cột {', '.join(missing)} (cần: {', '.join(COLUMNS)})"
                )
            rows = list(reader)
    except OSError as exc:
        raise UnitsError(f"{path}: không đọc được danh sách đơn vị ({exc.strerror})") from exc
    units: list[Unit] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        uid = (row["id"] or "").strip()
        if not SAFE_ID.match(uid):
            raise UnitsError(
                f"{path}, dòng {line}, cột id: mã đơn vị '{uid}' không hợp lệ "
                "(chỉ chữ cái không dấu, chữ số, '-' và '_', tối đa 64 ký tự)"
            )
        if uid in seen:
            raise UnitsError(f"{path}, dòng {line}, cột id: mã đơn vị '{uid}' bị trùng")
        seen.add(uid)
        level = (row["level"] or "").strip()
        if level not in LEVELS:
            raise UnitsError(
                f"{path}, dòng {line}, cột level: '{level}' không hợp lệ (cần: {', '.join(LEVELS)})"
            )
        name = (row["name"] or "").strip()
        if not name:
            raise UnitsError(f"{path}, dòng {line}, cột name: thiếu tên đơn vị")
        valid_from = _year(row["valid_from"] or "", path, line, "valid_from", optional=False)
        valid_to = _year(row["valid_to"] or "", path, line, "valid_to", optional=True)
        assert valid_from is not None
        units.append(Unit(uid, name, level, valid_from, valid_to))
    return units


def units_in_year(units: list[Unit], year: int) -> list[Unit]:
    return [u for u in units if u.valid_in(year)]

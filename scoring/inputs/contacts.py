"""The units' e-mail addresses: the optional ``email`` column of ``data/units.csv``, apart
from ``units`` because only ``make share``'s messages need them. An address is checked for
its shape only (one ``local@domain.tld``): the analyst's mail client sends, not the tool,
so a typo must be caught before a draft is written to nobody.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from scoring.inputs.units import _fail, read_bytes
from scoring.text.i18n import N_

COLUMN = "email"

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})+")


def is_address(text: str) -> bool:
    """Whether ``text`` is one plain e-mail address (``vanthu@uongbi.gov.vn``)."""
    return len(text) <= 254 and ADDRESS.fullmatch(text) is not None


def load_emails(path: Path, lang: str = "vi") -> dict[str, str]:
    """Unit id -> address, for the rows of ``path`` whose ``email`` cell is filled.

    Raises ``UnitsError`` naming the file, line and column for a malformed address.
    """
    reader = csv.DictReader(io.StringIO(read_bytes(path).decode("utf-8-sig"), newline=""))
    if COLUMN not in (reader.fieldnames or []):
        return {}
    emails: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        text = (row.get(COLUMN) or "").strip()
        if not text:
            continue
        if not is_address(text):
            what = N_(
                "'%(found)s' không phải địa chỉ thư điện tử hợp lệ (cần một địa chỉ, ví dụ "
                "vanthu@uongbi.gov.vn, hoặc để trống)"
            )
            raise _fail(path, line, COLUMN, what, found=text).shown_in(lang)
        emails[(row.get("id") or "").strip()] = text
    return emails

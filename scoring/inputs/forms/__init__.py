"""The survey form (phiếu khảo sát) a unit fills in, as an Excel workbook.

Two modules: ``layout`` (what the writer and the reader share: sheets, headers, columns,
``find_header``) and ``writer`` (``write_form``). Filling a form as a person would is a
development tool's job (``dev.sample.fill``, outside the package: units fill in Excel).

One workbook per unit and year, written from the unit's criteria set:

* Sheet ``SHEET_INPUTS`` ("Phiếu khảo sát"): a title block (unit, year, criteria set,
  legal basis, instructions), a header row, then the criteria tree in order. Group,
  sub-group and criterion rows are shaded headings whose "Mã" cell is left EMPTY (their
  code is written in the label, "A1 – Hạ tầng thông tin (20 điểm)"), so the reader can
  never take a heading for an input. Each input has its own row: "Mã" is the input code,
  and the unit fills column E "Giá trị" (self-assessed value), F "Minh chứng"
  (evidence), G "Ghi chú / giải trình". There is no "verified" column: verification is
  the office's own file (``scoring.inputs.verification``), never the unit's.
  The reader finds columns by their header text, not by letter, so a column inserted by
  a user does not break it.
* Sheet ``SHEET_META`` ("Thông tin phiếu"): key/value rows (unit id, level, year,
  criteria version and fingerprint...) that tie the returned file to the unit and to the
  exact criteria file it was made from. It is VISIBLE but protected: analysts can see
  which criteria version a form belongs to, and a hidden sheet would only make a wrong
  file harder to diagnose.

Both sheets are protected without a password (it is a guard against slips, not a
security measure); only the value, verified value, evidence and note cells of input
rows are unlocked. Output is byte-for-byte deterministic: document dates come from the
year and zip entry times are fixed, so a form regenerated from the same data is the
same file.
"""

from __future__ import annotations

from scoring.inputs.forms.layout import (
    COLUMNS,
    FONT_NAME,
    FORM_FORMAT,
    HEADER_CODE,
    HEADER_EVIDENCE,
    HEADER_HOW,
    HEADER_LABEL,
    HEADER_NOTE,
    HEADER_SEARCH_ROWS,
    HEADER_UNIT,
    HEADER_VALUE,
    HEADER_VERIFIED,
    META_FIELDS,
    META_SEARCH_ROWS,
    SHEET_INPUTS,
    SHEET_META,
    Header,
    cell_value,
    code_text,
    find_header,
    read_meta,
    save_atomic,
)
from scoring.inputs.forms.writer import CREATOR, INSTRUCTIONS, heading_text, write_form

__all__ = [
    "COLUMNS",
    "CREATOR",
    "FONT_NAME",
    "FORM_FORMAT",
    "HEADER_CODE",
    "HEADER_EVIDENCE",
    "HEADER_HOW",
    "HEADER_LABEL",
    "HEADER_NOTE",
    "HEADER_SEARCH_ROWS",
    "HEADER_UNIT",
    "HEADER_VALUE",
    "HEADER_VERIFIED",
    "INSTRUCTIONS",
    "META_FIELDS",
    "META_SEARCH_ROWS",
    "SHEET_INPUTS",
    "SHEET_META",
    "Header",
    "cell_value",
    "code_text",
    "find_header",
    "heading_text",
    "read_meta",
    "save_atomic",
    "write_form",
]

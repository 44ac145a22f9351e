"""The survey form (phiếu khảo sát) a unit fills in: one Excel workbook per unit and year,
written from its criteria set by ``writer``; ``layout`` is what the writer and the reader share.

* ``SHEET_INPUTS``: a title block, a header row, then the criteria tree in order. Heading
  rows leave "Mã" EMPTY (their code is in the label, "A1 – Hạ tầng thông tin (20 điểm)"),
  so the reader never takes one for an input; each input has a row, "Mã" its code, and
  the unit fills "Giá trị", "Minh chứng" and "Ghi chú / giải trình". Verification is the
  office's own file (``scoring.inputs.verification``). Columns are found by header text,
  so a column a user inserts breaks nothing.
* ``SHEET_META``: key/value rows (unit, level, year, criteria version and fingerprint)
  tying the file to the unit and the criteria file; visible but protected, since a hidden
  sheet would only make a wrong file harder to see.

Sheets are protected without a password (a guard against slips), answer cells unlocked;
the bytes are deterministic, so a form made again from the same data is the same file.
"""

from __future__ import annotations

# The names other modules take from here, re-exported (``name as name``).
from scoring.inputs.forms.layout import FONT_NAME as FONT_NAME
from scoring.inputs.forms.layout import FORM_FORMAT as FORM_FORMAT
from scoring.inputs.forms.layout import HEADER_CODE as HEADER_CODE
from scoring.inputs.forms.layout import HEADER_EVIDENCE as HEADER_EVIDENCE
from scoring.inputs.forms.layout import HEADER_LABEL as HEADER_LABEL
from scoring.inputs.forms.layout import HEADER_NOTE as HEADER_NOTE
from scoring.inputs.forms.layout import HEADER_SEARCH_ROWS as HEADER_SEARCH_ROWS
from scoring.inputs.forms.layout import HEADER_VALUE as HEADER_VALUE
from scoring.inputs.forms.layout import HEADER_VERIFIED as HEADER_VERIFIED
from scoring.inputs.forms.layout import SHEET_INPUTS as SHEET_INPUTS
from scoring.inputs.forms.layout import SHEET_META as SHEET_META
from scoring.inputs.forms.layout import Header as Header
from scoring.inputs.forms.layout import cell_value as cell_value
from scoring.inputs.forms.layout import code_text as code_text
from scoring.inputs.forms.layout import find_header as find_header
from scoring.inputs.forms.layout import read_meta as read_meta
from scoring.inputs.forms.layout import save_atomic as save_atomic
from scoring.inputs.forms.writer import write_form as write_form

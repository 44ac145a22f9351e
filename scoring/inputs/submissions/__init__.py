"""Reading the returned survey forms and saying exactly what is wrong with them.

Units fill the Excel forms of ``scoring.inputs.forms`` by hand, so anything can come back
(an old .xls renamed, a password-protected copy, another unit's or year's form, duplicates,
a percent typed as a fraction, a formula never calculated). Every file is read, one bad
file never stops the others, and every problem is data (``problems.Problem``: kind, file,
sheet, cell, code, found and expected), shown in Vietnamese or English from the catalogue.

The stages, one module each, in the order a form goes through them: ``container`` (bytes:
size, magic, zip directory, cell count, XML safety), ``identify`` (info sheet: unit, level,
year, criteria version and fingerprint), ``sheet`` (inputs sheet row by row, values parsed
by ``scoring.model.values``), ``checks`` (across fields: required, ratios, justification,
evidence), ``folder`` (one file through the stages; the year's folder: odd files,
duplicates, units that sent nothing).

A ``Submission`` is returned only for a file without errors (warnings are allowed), so no
score comes from a form with errors (its correctly read values stay apart, in
``Collection.unaccepted``, for ``validate``'s suspicious changes only). Input files are
only read (binary mode, parsed from memory); nothing is ever written back.
"""

from scoring.inputs.submissions.checks import check_ratios
from scoring.inputs.submissions.container import MAX_CELLS, find_sheet, open_workbooks
from scoring.inputs.submissions.folder import FileReader, read_submission, read_submissions
from scoring.inputs.submissions.model import Collection, Submission
from scoring.inputs.submissions.problems import KINDS, Problem, Reader, file_problem
from scoring.inputs.submissions.sheet import cell_text, filled_rows, parse_cell, raw_value

__all__ = [
    "KINDS",
    "MAX_CELLS",
    "Collection",
    "FileReader",
    "Problem",
    "Reader",
    "Submission",
    "cell_text",
    "check_ratios",
    "file_problem",
    "filled_rows",
    "find_sheet",
    "open_workbooks",
    "parse_cell",
    "raw_value",
    "read_submission",
    "read_submissions",
]

"""Reading the returned survey forms and saying exactly what is wrong with them.

Units send back the Excel forms of ``scoring.inputs.forms`` filled by hand, so anything can
come back: an old .xls renamed, a password-protected copy, a form of another unit or of
last year's criteria, two copies of one form, a percent typed as a fraction, a formula
never calculated. Every file of the folder is read, one bad file never stops the others,
and every problem is recorded as data (``problems.Problem``: a kind, the file, sheet,
cell and input code, what was found and what was expected), shown in Vietnamese or
English from the message catalogue.

The stages, one module each, in the order a form goes through them:

* ``container`` — the bytes: size, magic, zip directory, cell count, XML safety;
* ``identify`` — the info sheet: unit, level, year, criteria version and fingerprint;
* ``sheet`` — the inputs sheet, row by row, each value parsed (``scoring.model.values``);
* ``checks`` — across fields: required, ratios, justification, evidence;
* ``folder`` — one file through the stages, and the year's folder (odd files,
  duplicates, units that sent nothing).

A ``Submission`` is returned only for a file without errors (warnings are allowed):
scores are never computed from a form that still has errors (its correctly read values
are kept apart, in ``Collection.unaccepted``, for ``validate``'s suspicious changes only).
Input files are only read (opened in binary mode, parsed from memory); nothing is ever
written back.
"""

from scoring.inputs.submissions.checks import check_ratios
from scoring.inputs.submissions.container import MAX_CELLS, find_sheet, open_workbooks
from scoring.inputs.submissions.folder import FileReader, read_submission, read_submissions
from scoring.inputs.submissions.model import Collection, Submission
from scoring.inputs.submissions.problems import KINDS, Problem, Reader, file_problem
from scoring.inputs.submissions.sheet import cell_text, filled_rows, raw_value

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
    "raw_value",
    "read_submission",
    "read_submissions",
]

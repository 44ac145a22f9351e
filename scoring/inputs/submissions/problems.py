"""What is wrong with a returned form, as data: a kind, a place, what was found and expected.

A ``Problem`` stores no sentence. Its ``kind`` ("value.negative", "meta.wrong_year") is a
stable identifier that tests, exports and groupings use; ``KINDS`` gives each kind its
Vietnamese sentence, a msgid of the message catalogue (``scoring.text.i18n``), rendered in the
reader's language with the problem's fields only when it is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Literal

import yaml

from scoring.model.values import VALUE_KINDS, ValueProblem, escape_controls
from scoring.text.i18n import N_, Phrase, render
from scoring.text.lang import Lang

Severity = Literal["error", "warning"]

KINDS: dict[str, str] = {
    **yaml.safe_load(Path(__file__).with_name("kinds.yaml").read_text(encoding="utf-8")),
    **VALUE_KINDS,
}
"""Each kind of problem of the returned forms and of the office's verification forms,
with its Vietnamese sentence (a msgid of the catalogue): ``kinds.yaml``, a table of text."""


def extract_kinds(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extraction of ``kinds.yaml`` (babel.cfg): every sentence is a msgid."""
    for line, text in enumerate(fileobj, start=1):
        kind, colon, sentence = text.decode("utf-8").partition(":")
        if colon and not kind.startswith("#"):
            yield line, "", yaml.safe_load(sentence), []


_WORDS: dict[str, str] = {
    "sheet": N_("trang tính"),
    "cell": N_("ô"),
    "code": N_("mã"),
    "error": N_("Lỗi"),
    "warning": N_("Cảnh báo"),
}


# The columns of ``validate --format csv`` (a Problem's ``as_dict``), in order.
EXPORT_COLUMNS = (
    "kind", "severity", "file", "sheet", "cell", "code", "unit_id",
    "found", "expected", "message_vi", "message_en",
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, located as precisely as possible.

    ``kind`` names the problem (a key of ``KINDS``); ``found`` and ``expected`` are what
    the file holds and what it should; ``params`` are the other fields of its sentence.
    """

    file: str
    sheet: str | None
    cell: str | None
    code: str | None
    severity: Severity = "error"
    unit_id: str | None = None
    kind: str = ""
    found: object = None
    expected: object = None
    params: tuple[tuple[str, object], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def text(self, lang: Lang = "vi") -> str:
        """The message alone, in ``lang``, from the catalogue."""
        fields = {"found": self.found, "expected": self.expected, "code": self.code}
        return render(KINDS[self.kind], lang, fields | dict(self.params))

    def format(self, lang: Lang = "vi") -> str:
        """One line: "Lỗi: <tệp>, trang tính '<tên>', ô E12, mã A1.1.a: <nội dung>" (the
        file's and sheet's names untranslated)."""
        where = [self.file]
        quoted = f"'{self.sheet}'" if self.sheet else None
        for word, value in (("sheet", quoted), ("cell", self.cell), ("code", self.code)):
            if value:
                where.append(f"{render(_WORDS[word], lang)} {value}")
        prefix = render(_WORDS[self.severity], lang)
        # Names and typed text are shown escaped: a newline in a file name must not
        # print a forged "Lỗi:" line.
        return escape_controls(f"{prefix}: {', '.join(where)}: {self.text(lang)}")

    localized = format  # the whole line in ``lang``, as a field of another problem's sentence

    def as_dict(self) -> dict[str, Any]:  # its keys: EXPORT_COLUMNS
        """The problem as a row for an export (``scoring validate --format csv|json``)."""
        row = {name: getattr(self, name) for name in EXPORT_COLUMNS[:7]}
        row["found"], row["expected"] = _plain(self.found), _plain(self.expected)
        row["message_vi"], row["message_en"] = self.text("vi"), self.text("en")
        return row


def _plain(value: object) -> object:
    """A field as an export shows it: phrases rendered (in Vietnamese), the rest as it is."""
    if isinstance(value, Phrase):
        return render(value.msgid, "vi", dict(value.params))
    return value


class Reader:
    """The reading of one file: collects problems as it goes, located in that file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.unit_id: str | None = None
        self.sheet: str | None = None

    def add(
        self, kind: str, *, cell: str | None = None, code: str | None = None, **fields: Any
    ) -> None:
        """Record a problem of ``kind`` (a key of ``KINDS``) at ``cell``/``code``; ``fields``
        are ``file_problem``'s: severity, found, expected and the sentence's own."""
        problem = file_problem(self.path, kind, unit_id=self.unit_id, **fields)
        self.problems.append(replace(problem, sheet=self.sheet, cell=cell, code=code))

    def warn(self, kind: str, **fields: Any) -> None:
        self.add(kind, severity="warning", **fields)

    def add_value(self, exc: ValueProblem, *, cell: str, code: str) -> None:
        """Record a refused cell value (``scoring.model.values``) with its own kind."""
        self.add(
            exc.kind, cell=cell, code=code, found=exc.found, expected=exc.expected, why=exc.why
        )

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def file_problem(
    path: Path,
    kind: str,
    *,
    severity: Severity = "error",
    unit_id: str | None = None,
    found: object = None,
    expected: object = None,
    **params: object,
) -> Problem:
    """A problem about a whole file (or folder), not a cell of it."""
    if kind not in KINDS:
        raise KeyError(f"unknown problem kind {kind!r}")
    return Problem(
        str(path),
        None,
        None,
        None,
        severity=severity,
        unit_id=unit_id,
        kind=kind,
        found=found,
        expected=expected,
        params=tuple(params.items()),
    )

"""``<year>/booklet.pdf``: the ranking and every unit report in one printed booklet.

Built from the executed notebooks each report's PDF was printed from, by the same
conversion, so it never disagrees with them; one document: one page counter for the
contents and the footer's "Trang n/N"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scoring.text import i18n
from scoring.text.errors import ScoringError
from scoring.text.i18n import N_
from scoring.views.typeset.html import Converted
from scoring.views.typeset.markup import content, escape


@dataclass(frozen=True)
class Part:
    """One report of the booklet: its bookmark and contents line, and where it was made."""

    label: str  # bookmark and contents text
    detail: str  # the contents' second line (rank, band), may be ""
    group: str  # the level's title for units, "" for the ranking
    executed: Path  # the executed notebook its report was printed from


def part_body(part: Part, lang: str) -> Converted:
    """A report's printed body, as its own PDF has it."""
    import nbformat

    from scoring.views.typeset.notebook import printed_body

    if not part.executed.is_file():
        raise ScoringError(
            N_("Thiếu %(path)s: chạy `make reports` trước khi lập tập báo cáo"), path=part.executed
        )
    return printed_body(nbformat.read(part.executed, as_version=4), lang)


def _mark(level: int, label: str, anchor: str = "") -> str:
    """A PDF bookmark that prints nothing where it stands (and the contents' anchor)."""
    heading = f"#heading(level: {level}, outlined: false, bookmarked: true){content(escape(label))}"
    return f"#place(hide[{heading}{f' <{anchor}>' if anchor else ''}])"


def _contents_line(part: Part, anchor: str) -> str:
    """One line of the contents: the part (and its rank and band), dots, its page."""
    text = escape(part.label)
    if part.detail:
        text += " " + f"#text(size: 9pt, fill: grey){content(escape(f'({part.detail})'))}"
    indent = "#h(1em)" if part.group else ""
    page = f"#context counter(page).at(<{anchor}>).first()"
    return f"{indent}#link(<{anchor}>){content(text)} #box(width: 1fr, repeat[.]) {page}"


def booklet_typst(title: str, parts: Sequence[Part], lang: str = "vi") -> Converted:
    """The booklet's body: its contents, then each part on its own pages."""
    _ = i18n.translator(lang)
    images: dict[str, bytes] = {}
    head = [
        "#doc-title.update" + content(escape(title)),
        _mark(1, _("Mục lục")),
        "#r-agency" + content(escape(_("ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ"))),
        '#v(30mm)#text(size: 18pt, weight: "bold", fill: blue)' + content(escape(title)),
        "#v(12pt)#r-subheading" + content(escape(_("Mục lục"))),
    ]
    contents: list[str] = []
    pieces: list[str] = []
    groups_started: set[str] = set()
    for number, part in enumerate(parts):
        anchor = f"booklet-part-{number:04d}"
        body = part_body(part, lang)
        images.update(body.images)
        pieces += ["#pagebreak()", "#section-counter.update(0)"]
        if part.group and part.group not in groups_started:
            groups_started.add(part.group)
            pieces.append(_mark(1, part.group))
            contents.append(f"#v(6pt)#strong{content(escape(part.group))}")
        contents.append(_contents_line(part, anchor))
        pieces += [_mark(2 if part.group else 1, part.label, anchor), body.typst]
    listing = "#block[#set par(spacing: 0.45em)\n\n" + "\n\n".join(contents) + "\n]"
    return Converted("\n\n".join([*head, listing, *pieces]), images)

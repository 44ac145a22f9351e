"""Executed notebook -> a self-contained HTML page (no code, no prompts, no external URL):
nbconvert's "lab" template loads scripts from CDNs an offline network cannot reach, so the
"basic" body goes in our own page with inline CSS. Outputs a page cannot show (widgets,
JavaScript) are left out with a warning; errors and stderr stay in the audit copy."""

from __future__ import annotations

import copy
import functools
import html
import re

import nbformat
from nbconvert import HTMLExporter

from scoring import __version__
from scoring.text.i18n import N_, translator
from scoring.views.assets import css, template
from scoring.views.typeset.markup import TYPST_MIME


@functools.lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )


# What a report shows of an output, in this order of preference: the representations
# JupyterLab itself prefers among those nbconvert's basic template renders.
RICH = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown")

# Plain-text results that only echo a matplotlib call (``plt.title(...)`` ends a cell
# with ``Text(0.5, 1.0, '...')``): JupyterLab shows them, nobody means them.
NOISE = re.compile(
    r"^\[?(<matplotlib\.|Text\(|<Axes|<BarContainer|<ErrorbarContainer|<StemContainer)"
)
# Tags that keep a cell out of the report (the notebooks' guide; Jupyter Book's names).
REMOVED = {"remove-cell", "remove_cell", "scoring-reset"}


def cell_number(cell: nbformat.NotebookNode) -> int | None:
    """The cell's position in the analyst's notebook (the driver numbers them)."""
    number = cell.get("metadata", {}).get("scoring", {}).get("cell")
    return number if isinstance(number, int) else None


def _kept_output(output: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode | None, str]:
    """(the output as the report shows it, or None; the mime types lost, or "")."""
    if output.output_type == "stream":
        # What a cell prints shows in JupyterLab; warnings (stderr) stay in the audit copy.
        return (output if output.name == "stdout" and output.text.strip() else None), ""
    if output.output_type not in ("display_data", "execute_result"):
        return None, ""  # errors fail the task; the executed notebook keeps them
    data = output.data
    for mime in RICH:
        if mime in data:
            # What the page shows, and the printed form when the output carries one.
            kept = {mime, TYPST_MIME} & set(data)
            output.data = {m: data[m] for m in sorted(kept)}
            output.metadata = {k: v for k, v in output.get("metadata", {}).items() if k in kept}
            return output, ""
    lost = sorted(m for m in data if m != "text/plain")
    if lost:
        return None, ", ".join(lost)
    text = str(data.get("text/plain", ""))
    if not text.strip() or NOISE.match(text.strip()):
        return None, ""
    return nbformat.v4.new_output("stream", name="stdout", text=text + "\n"), ""


def presentable(
    nb: nbformat.NotebookNode, name: str = "", lang: str = "vi"
) -> tuple[nbformat.NotebookNode, list[str]]:
    """A copy with what a reader should see (never code), and a warning per output lost."""
    _ = translator(lang)
    clean = copy.deepcopy(nb)
    problems = []
    message = _(
        "%(notebook)s, ô số %(cell)s: kết quả dạng %(types)s không đưa được vào báo cáo (HTML, PDF)"
    )
    for cell in clean.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.outputs:
            kept, lost = _kept_output(output)
            if kept is not None:
                outputs.append(kept)
            if lost:
                where = {"notebook": name, "cell": cell_number(cell) or "?", "types": lost}
                problems.append(message % where)
        cell.outputs = outputs
    clean.cells = [
        c
        for c in clean.cells
        if not REMOVED & set(c.get("metadata", {}).get("tags", []))
        and not (c.cell_type == "markdown" and c.source.lstrip().startswith("<!--"))
        and not (c.cell_type == "code" and not c.outputs)
        and c.cell_type != "raw"
    ]
    for number, cell in enumerate(clean.cells):
        cell.id = f"cell-{number:02d}"  # papermill gives its injected cell a random id
    return clean, problems


# pandas' Styler names its CSS rules after a random id ("T_3f2a1"): renamed in order of
# appearance, so two builds give the same bytes.
STYLER_ID = re.compile(r"\bT_[0-9a-f]{5}(?![0-9a-z])")


def _stable_ids(html: str) -> str:
    names: dict[str, str] = {}
    return STYLER_ID.sub(lambda m: names.setdefault(m.group(0), f"T_s{len(names) + 1}"), html)


def notebook_to_html(clean: nbformat.NotebookNode, title: str, lang: str = "vi") -> str:
    """The page of a ``presentable`` notebook (title, inline CSS, no script)."""
    body, _ = _exporter().from_notebook_node(clean)
    return template("page.html.j2", lang).render(
        body=_stable_ids(_alt_texts(body, clean, lang)),
        title=title,
        css=css(),
        version=__version__,
        lang=lang,
        page_word=translator(lang)(N_("Trang")),
    )


# What nbconvert writes for an image without alternative text (in English).
NO_ALT = "No description has been provided for this image"


def _alt_texts(body: str, nb: nbformat.NotebookNode, lang: str) -> str:
    """Each chart's alternative text: its view's (``Png.alt``, in the output's metadata),
    else "Biểu đồ" in the report's language, never nbconvert's English default."""
    if NO_ALT not in body:
        return body
    given = {
        str(out["data"][kind]).replace("\n", ""): out.get("metadata", {}).get(kind, {}).get("alt")
        for cell in nb.cells
        for out in cell.get("outputs", [])
        for kind in ("image/png", "image/jpeg")
        if kind in out.get("data", {})
    }
    default = translator(lang)(N_("Biểu đồ"))

    def named(tag: re.Match[str]) -> str:
        found = re.search(r'base64,([^"]+)"', tag.group(0))
        alt = given.get(found.group(1)) if found else None
        return tag.group(0).replace(f'alt="{NO_ALT}"', f'alt="{html.escape(alt or default)}"')

    return re.sub(r"<img [^>]*>", named, body)

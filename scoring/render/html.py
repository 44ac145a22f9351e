"""Executed notebook -> a self-contained HTML page (no code, no prompts, no external URL).

nbconvert's default "lab" template loads require.js and MathJax from CDNs, which a
report opened offline on a government network cannot reach. We export with the "basic"
template (the notebook's body only) and wrap it in our own page with inline CSS made
for A4 print. Stream outputs (stray prints, warnings) and error outputs never reach a
report; the executed notebook kept under build/ still has them for audit.
"""

from __future__ import annotations

import copy
import functools

import jinja2
import nbformat
from nbconvert import HTMLExporter

from scoring import __version__
from scoring.i18n import translator
from scoring.render.assets import TEMPLATES, css


@functools.lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )


@functools.lru_cache(maxsize=1)
def _page() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True)
    return env.from_string((TEMPLATES / "page.html.j2").read_text(encoding="utf-8"))


def presentable(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy keeping only what a reader should see: rich outputs and markdown."""
    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if o.output_type in ("display_data", "execute_result")
            ]
            for output in cell.outputs:
                output.data = {
                    k: v for k, v in output.data.items() if k in ("text/html", "image/png")
                }
    clean.cells = [
        c
        for c in clean.cells
        if not (c.cell_type == "markdown" and c.source.lstrip().startswith("<!--"))
        and not (c.cell_type == "code" and not c.outputs)
    ]
    for number, cell in enumerate(clean.cells):
        cell.id = f"cell-{number:02d}"  # papermill gives its injected cell a random id
    return clean


def page(body: str, title: str, lang: str = "vi") -> str:
    """Wrap an HTML body in the report page (title, inline CSS, no script)."""
    return _page().render(
        body=body,
        title=title,
        css=css(),
        version=__version__,
        lang=lang,
        page_word=translator(lang)("Trang"),
    )


def notebook_to_html(nb: nbformat.NotebookNode, title: str, lang: str = "vi") -> str:
    body, _ = _exporter().from_notebook_node(presentable(nb))
    return page(body, title, lang)

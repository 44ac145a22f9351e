"""``reports/trends.html`` and ``trends.pdf``: every year with data at a glance (grayscale
small multiples per unit, the city's groups, band moves), computed on every run; the PDF is
printed again only when the page changed."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

from matplotlib.figure import Figure

from scoring.io import write_text
from scoring.text import i18n
from scoring.views import charts
from scoring.views.assets import css, template

PANELS_PER_FIGURE = 12
# One line style and marker per line of a panel: they read in grayscale.
LINE_STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"))


def _plot(ax, n: int, x, y, **style: object) -> None:  # noqa: ANN001
    """The ``n``-th line of a chart, in black with its own line style and marker."""
    line, marker = LINE_STYLES[n % len(LINE_STYLES)]
    ax.plot(x, y, line, marker=marker, color="black", **style)


def unit_lines(part):  # noqa: ANN001, ANN201 - a lineage's rows of trends.lineages
    """(label, rows) of each unit of a lineage, labelled by its last name, not by its id."""
    return [
        (str(rows["name"].iloc[-1])[:28], rows) for _, rows in part.groupby("unit_id", sort=False)
    ]


def lineage_panels(lines, bands, lang: str) -> list[bytes]:  # noqa: ANN001
    """One small panel per lineage: percent per year, one line style per unit."""
    _ = i18n.translator(lang)
    keys = list(dict.fromkeys(lines["lineage"]))
    years = sorted(lines["year"].unique())
    tops = [100.0] + [m for _, m in bands[:-1]]  # the bands as alternating grey stripes
    pages = []
    for start in range(0, len(keys), PANELS_PER_FIGURE):
        chunk = keys[start : start + PANELS_PER_FIGURE]
        rows = (len(chunk) + 2) // 3
        fig = Figure(figsize=(7.2, 1.9 * rows + 0.3))
        axes = fig.subplots(rows, 3, squeeze=False, sharey=True)
        for ax, key in zip(axes.flat, chunk, strict=False):
            part = lines[lines["lineage"] == key]
            for i, ((_band, low), high) in enumerate(zip(bands, tops, strict=True)):
                ax.axhspan(low, high, color=("#f5f5f5", "#e0e0e0")[i % 2], zorder=0, lw=0)
            for n, (label, unit) in enumerate(unit_lines(part)):
                _plot(ax, n, unit["year"], unit["percent"], markersize=4, lw=1.2, label=label)
            last = part.iloc[-1]
            merged = part["unit_id"].nunique() > 1
            title = f"{last['name']} ({_('gộp')})" if merged else last["name"]
            ax.set_title(title[:38], fontsize=7.5)
            ax.set_xticks(years, [str(y) for y in years], fontsize=6.5)
            ax.set_ylim(0, 100)
            ax.tick_params(axis="y", labelsize=6.5)
            if merged:
                ax.legend(fontsize=6, frameon=False, loc="lower right")
        for ax in list(axes.flat)[len(chunk) :]:
            ax.set_visible(False)
        fig.supylabel(_("Tỷ lệ điểm đạt (%)"), fontsize=8)
        fig.tight_layout()
        pages.append(charts.to_png(fig))
    return pages


def city_chart(groups, lang: str) -> bytes:  # noqa: ANN001
    _ = i18n.translator(lang)
    fig = Figure(figsize=(6.5, 2.6))
    ax = fig.subplots()
    years = [int(y) for y in groups.columns]
    for n, (code, row) in enumerate(groups.iterrows()):
        _plot(ax, n, years, row.values, label=_("Nhóm %(code)s") % {"code": code})
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(0, 100)
    ax.set_ylabel(_("Tỷ lệ điểm đạt (%)"))
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return charts.to_png(fig)


def _png(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def write_trends(
    data_dir: Path, reports: Path, lang: str = "vi", day: dt.date | None = None
) -> bool:
    """Write ``trends.html`` (and ``trends.pdf``, dated ``day`` or today, when the page
    changed or is missing) if any year has data; whether anything was written."""
    from scoring.analysis import trends
    from scoring.analysis.data import load_scores, load_totals
    from scoring.inputs.criteria import load_year

    totals, scores = load_totals(data_dir), load_scores(data_dir)  # years with errors warned
    if totals.empty:
        return False
    years = sorted(int(y) for y in totals["year"].unique())
    sets = {y: load_year(data_dir, y) for y in years}
    bands = sorted(((b.name, b.min_percent) for b in sets[years[-1]].bands), key=lambda b: -b[1])
    lines = trends.lineages(totals)
    _ = i18n.translator(lang)
    table = []
    for key, part in lines.groupby("lineage", sort=False):
        by_year = {int(r["year"]): r for _i, r in part.iterrows()}
        cells = [
            [
                {
                    "percent": r["percent"],
                    "rank": int(r["rank"]),
                    "peers": int(r["peers"]),
                    "band": _(r["band"]),
                    "id": r["unit_id"],
                    "verified": bool(r["verified"]),
                }
                for _i, r in part[part["year"] == y].iterrows()
            ]
            for y in years
        ]
        last = by_year[max(by_year)]
        table.append({"lineage": key, "name": last["name"], "level": last["level"], "cells": cells})
    moves = trends.band_moves(totals)
    page = template("trends.html.j2", lang).render(
        css=css(),
        lang=lang,
        rebuilt=[
            y for y, c in sets.items() if any(s.reconstructed_groups() for s in c.levels.values())
        ],
        inferred=[y for y, c in sets.items() if c.inferred_bands()],
        years=years,
        table=table,
        panels=[_png(p) for p in lineage_panels(lines, bands, lang)],
        city=_png(city_chart(trends.city_groups(scores), lang)),
        moves=[
            {**m, "before": ", ".join(map(_, m["before"].split(", "))), "after": _(m["after"])}
            for m in moves.to_dict("records")
        ],
    )
    reports = Path(reports)
    changed = write_text(reports / "trends.html", page)
    pdf = reports / "trends.pdf"
    if changed or not pdf.is_file():
        from scoring.views.typeset import document
        from scoring.views.typeset.html import html_to_typst

        title = _("Xu hướng qua các năm")
        day = day or dt.datetime.now(dt.UTC).date()
        document.write_pdf(html_to_typst(page), title, pdf, day, lang)
    return changed

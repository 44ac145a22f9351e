"""Charts for the reports: matplotlib figures sized for A4 and readable in grayscale.

Every band has a colour *and* a hatch pattern, so a chart printed in black and white
still tells bands apart. Figures are returned as PNG bytes with no timestamp, so two
builds give the same bytes. matplotlib's bundled DejaVu Sans covers Vietnamese.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from scoring import numfmt  # noqa: E402
from scoring.i18n import translator  # noqa: E402

BAND_STYLE = {
    "Tốt": ("#1b5e20", ""),
    "Khá": ("#66bb6a", "//"),
    "Trung bình": ("#fdd835", ".."),
    "Yếu": ("#c62828", "xx"),
}
UNIT_COLOUR = "#1565c0"
PEER_COLOUR = "#b0bec5"
MAX_COLOUR = "#eceff1"

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def to_png(fig: Figure) -> bytes:
    """PNG bytes without the software/date metadata that would make builds differ."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def band_style(band: str) -> tuple[str, str]:
    return BAND_STYLE.get(band, ("#9e9e9e", ""))


def groups_against_max(
    labels: Sequence[str], points: Sequence[float], maxima: Sequence[float], lang: str = "vi"
) -> bytes:
    """Horizontal bars: each group's points drawn over its maximum."""
    _ = translator(lang)
    fig, ax = plt.subplots(figsize=(7, 0.42 * len(labels) + 0.7))
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, maxima, color=MAX_COLOUR, edgecolor="#90a4ae", label=_("Điểm tối đa"))
    ax.barh(ys, points, color=UNIT_COLOUR, height=0.5, label=_("Điểm đạt"))
    for y, p, m in zip(ys, points, maxima, strict=True):
        ax.text(m, y, f" {numfmt.score(p, m, lang)}", va="center", fontsize=8.5)
    ax.set_yticks(ys, labels)
    ax.set_xlim(0, max(maxima) * 1.25 if maxima else 1)
    ax.set_xlabel(_("Điểm"))
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return to_png(fig)


def subgroups_against_peers(
    labels: Sequence[str],
    unit_pct: Sequence[float],
    peer_pct: Sequence[float],
    unit_name: str,
    lang: str = "vi",
) -> bytes:
    """Grouped bars: the unit's percent of maximum per sub-group next to its peers' mean."""
    _ = translator(lang)
    fig, ax = plt.subplots(figsize=(7, 2.3))
    xs = range(len(labels))
    width = 0.38
    ax.bar([x - width / 2 for x in xs], unit_pct, width, color=UNIT_COLOUR, label=unit_name)
    ax.bar(
        [x + width / 2 for x in xs],
        peer_pct,
        width,
        color=PEER_COLOUR,
        hatch="//",
        edgecolor="#607d8b",
        label=_("Trung bình các đơn vị cùng cấp"),
    )
    ax.set_xticks(list(xs), labels)
    ax.set_ylim(0, 110)
    ax.set_ylabel(_("% điểm tối đa"))
    ax.legend(loc="lower left", fontsize=8, frameon=False, ncols=2, bbox_to_anchor=(0, 1.0))
    return to_png(fig)


def totals_by_band(
    names: Sequence[str],
    totals: Sequence[float],
    bands: Sequence[str],
    maximum: float,
    lang: str = "vi",
) -> bytes:
    """The ranking as horizontal bars, best at the top, coloured and hatched by band."""
    _ = translator(lang)
    height = 0.32 * len(names) + 1.0
    fig, ax = plt.subplots(figsize=(7, height))
    ys = list(range(len(names)))[::-1]
    for y, total, band in zip(ys, totals, bands, strict=True):
        colour, hatch = band_style(band)
        ax.barh(y, total, color=colour, hatch=hatch, edgecolor="#37474f", linewidth=0.5)
        ax.text(total, y, f" {numfmt.points(total, lang)}", va="center", fontsize=8)
    ax.set_yticks(ys, names)
    ax.set_xlim(0, maximum * 1.12)
    ax.set_xlabel(_("Tổng điểm (tối đa %(max)s)") % {"max": numfmt.maximum(maximum, lang)})
    seen = list(dict.fromkeys(bands))
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=band_style(b)[0], hatch=band_style(b)[1], ec="#37474f")
        for b in seen
    ]
    ax.legend(handles, [_(b) for b in seen], loc="lower right", fontsize=8, frameon=True)
    return to_png(fig)


def heatmap(
    row_labels: Sequence[str], col_labels: Sequence[str], values: Sequence[Sequence[float | None]]
) -> bytes:
    """Units × sub-groups, percent of maximum, with the figure written in each cell."""
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(row_labels) + 1.2))
    grid = [[float("nan") if v is None else v for v in row] for row in values]
    image = ax.imshow(grid, cmap="Greens", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.tick_params(top=True, bottom=False, labeltop=True, labelbottom=False)
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            text = "–" if v != v else numfmt.number(v, 0)
            colour = "white" if v == v and v >= 60 else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=7.5, color=colour)
    fig.colorbar(image, ax=ax, label="% điểm tối đa", shrink=0.8)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return to_png(fig)

"""Charts for the reports: matplotlib figures sized for A4, as PNG bytes with no timestamp
(two builds give the same bytes), in the package's own font, which covers Vietnamese. Every
band has a colour *and* a hatch (``scoring.model.bands``): it reads in black and white."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from scoring.io import write_bytes
from scoring.model import bands as band_styles
from scoring.text import numfmt
from scoring.text.i18n import translator
from scoring.views import fonts

UNIT_COLOUR = "#1565c0"
PEER_COLOUR = "#b0bec5"
MAX_COLOUR = "#eceff1"

# The reports' style, for these charts and the ones analysts add with pyplot. No backend
# is chosen (figures are drawn without pyplot), so ``plt.show()`` in a notebook still works.
fonts.use_in_matplotlib()
matplotlib.rcParams.update(
    {
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        # "$…$" in a name from the inputs is drawn as typed, never as mathtext
        "text.parse_math": False,
    }
)


def to_png(fig: Figure) -> bytes:
    """PNG bytes without the software/date metadata that would make builds differ."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def groups_against_max(
    labels: Sequence[str], points: Sequence[float], maxima: Sequence[float], lang: str = "vi"
) -> bytes:
    """Horizontal bars: each group's points drawn over its maximum."""
    _ = translator(lang)
    fig = Figure(figsize=(7, 0.42 * len(labels) + 0.7))
    ax = fig.subplots()
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


# A level of at most this many units shows every rank in the robustness figure; a larger
# one only those around the unit's, so that the labels stay readable.
SPREAD_ALL_RANKS = 25
SPREAD_MARGIN = 3  # ranks shown on each side of those the runs reached


def spread_window(shares: Sequence[float], rank: int, low: int, high: int) -> range:
    """The ranks shown: a small level's all; else those reached, the unit's and its interval
    with a margin, at least SPREAD_ALL_RANKS."""
    count = len(shares)
    if count <= SPREAD_ALL_RANKS:
        return range(1, count + 1)
    reached = [r for r, share in enumerate(shares, start=1) if share > 0] or [rank]
    first = max(1, min(*reached, rank, low) - SPREAD_MARGIN)
    last = min(count, max(*reached, rank, high) + SPREAD_MARGIN)
    while last - first + 1 < SPREAD_ALL_RANKS:  # widen on each side in turn
        first = max(1, first - 1)
        if last - first + 1 < SPREAD_ALL_RANKS:
            last = min(count, last + 1)
    return range(first, last + 1)


def rank_spread(shares: Sequence[float], rank: int, low: int, high: int, lang: str = "vi") -> bytes:
    """The share of robustness runs at each rank, the unit's in black, the 90 % interval as
    a bracket above; a large level shows the ranks around it (``spread_window``), and says so."""
    _ = translator(lang)
    fig = Figure(figsize=(7.5, 1.3))
    ax = fig.subplots()
    xs = list(spread_window(shares, rank, low, high))
    colours = ["#212121" if x == rank else "#bdbdbd" for x in xs]
    heights = [shares[x - 1] * 100 for x in xs]
    ax.bar(xs, heights, color=colours, edgecolor="#616161", linewidth=0.4)
    top = max(shares, default=0) * 100 * 1.35 or 1.0
    ax.plot([low - 0.4, high + 0.4], [top * 0.9] * 2, color="#212121", linewidth=1.2)
    for x in (low - 0.4, high + 0.4):
        ax.plot([x, x], [top * 0.9, top * 0.8], color="#212121", linewidth=1.2)
    bracket = _("90% số lần chạy")
    # Centred over the bracket, unless that would cross an axis: then from its edge inward.
    x, ha = (low + high) / 2, "center"
    if low <= xs[0]:
        x, ha = low - 0.4, "left"
    elif high >= xs[-1]:
        x, ha = high + 0.4, "right"
    ax.text(x, top * 0.93, bracket, ha=ha, va="bottom", fontsize=7.5)
    ax.set_ylim(0, top * 1.12)
    ax.set_yticks([t for t in (0, 25, 50, 75, 100) if t <= top])
    # A label per rank while they fit (25 of two digits, 14 of three), else every n-th.
    step = -(-len(xs) // (SPREAD_ALL_RANKS if xs[-1] < 100 else 14))
    ax.set_xticks(xs[::step], [str(x) for x in xs[::step]], fontsize=7)
    ax.set_xlim(xs[0] - 0.6, xs[-1] + 0.6)
    label = _("Hạng trong các lần chạy (màu đen: hạng của đơn vị)")
    if len(xs) < len(shares):
        shown = _("hạng %(first)s–%(last)s trong %(count)s; các hạng khác không có lần chạy nào")
        label += "; " + shown % {"first": xs[0], "last": xs[-1], "count": len(shares)}
    ax.set_xlabel(label, fontsize=8)
    ax.set_ylabel(_("% số lần"), fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return to_png(fig)


def subgroups_against_peers(
    labels: Sequence[str],
    unit_pct: Sequence[float],
    peer_pct: Sequence[float],
    unit_name: str,
    applicable: Sequence[bool] | None = None,
    lang: str = "vi",
) -> bytes:
    """The unit's percent per sub-group beside its peers' mean; "not applicable" written out
    where a sub-group does not apply (an empty place would read as 0 %)."""
    _ = translator(lang)
    fig = Figure(figsize=(7, 2.3))
    ax = fig.subplots()
    xs = range(len(labels))
    width = 0.38
    ax.bar([x - width / 2 for x in xs], unit_pct, width, color=UNIT_COLOUR, label=unit_name)
    right, peers = [x + width / 2 for x in xs], _("Trung bình các đơn vị cùng cấp")
    ax.bar(right, peer_pct, width, color=PEER_COLOUR, hatch="//", edgecolor="#607d8b", label=peers)
    for x, applies in zip(xs, applicable or [True] * len(labels), strict=True):
        if not applies:
            label = _("Không áp dụng")
            ax.text(x - width / 2, 2, label, rotation=90, ha="center", va="bottom", fontsize=7)
    ax.set_xticks(list(xs), labels)
    ax.set_ylim(0, 110)
    ax.set_ylabel(_("% điểm tối đa"))
    ax.legend(loc="lower left", fontsize=8, frameon=False, ncols=2, bbox_to_anchor=(0, 1.0))
    return to_png(fig)


# The ranking's charts are cut into figures of at most this many units, each fitting on
# one A4 page with its own axis, column headings and legend.
ROWS_PER_FIGURE = 40
ROW_HEIGHT = 0.2  # inches per unit in the ranking's charts


def _pages(count: int, size: int) -> list[range]:
    """Ranges of at most ``size`` rows, as even as possible (no last page of 2 rows)."""
    if count <= 0:
        return []
    parts = -(-count // size)
    step = -(-count // parts)
    return [range(first, min(first + step, count)) for first in range(0, count, step)]


def totals_by_band(
    names: Sequence[str],
    totals: Sequence[float],
    bands: Sequence[str],
    maximum: float,
    year_bands: Sequence[str],
    lang: str = "vi",
    labels: Sequence[str] | None = None,
    axis: str | None = None,
    cache: str = "",
) -> list[bytes]:
    """The ranking as bars, best at the top, styled by the band's place in ``year_bands``
    (others grey): ``totals`` what the level is ranked on, ``labels`` the texts at the bars'
    ends. One figure per ``ROWS_PER_FIGURE`` units, on one scale: they read as one chart."""
    _ = translator(lang)
    if labels is None:
        labels = [numfmt.points(t, lang) for t in totals]
    if axis is None:
        axis = _("Tổng điểm (tối đa %(max)s)") % {"max": numfmt.maximum(maximum, lang)}
    legend = list(dict.fromkeys(bands))
    found = [band_styles.style(year_bands, b) for b in legend]
    styles = [[f.colour, f.hatch] for f in found]
    pages = []
    for rows in _pages(len(names), ROWS_PER_FIGURE):
        cut = [[column[i] for i in rows] for column in (names, totals, bands, labels)]
        args = [*cut[:3], legend, styles, maximum, lang, cut[3], axis]  # the cache key's order
        pages.append(remembered_figure(cache, "bars", _bars_page, *args))
    return pages


def _bars_page(
    names: list[str],
    totals: list[float],
    bands: list[str],
    legend: list[str],
    styles: list[list[str]],
    maximum: float,
    lang: str,
    labels: list[str],
    axis: str,
) -> bytes:
    _ = translator(lang)
    fig = Figure(figsize=(7, ROW_HEIGHT * len(names) + 1.0))
    ax = fig.subplots()
    ys = list(range(len(names)))[::-1]
    for band, (colour, hatch) in zip(legend, styles, strict=True):  # one call per band
        mine = [(y, t) for y, t, b in zip(ys, totals, bands, strict=True) if b == band]
        if mine:
            at, length = [y for y, _total in mine], [t for _y, t in mine]
            ax.barh(at, length, height=0.75, color=colour, hatch=hatch, ec="#37474f", lw=0.5)
    for y, total, label in zip(ys, totals, labels, strict=True):
        ax.text(total, y, f" {label}", va="center", fontsize=7.5)
    ax.set_yticks(ys, names, fontsize=7.5)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlim(0, maximum * 1.12)
    ax.set_xlabel(axis)
    handles = [Rectangle((0, 0), 1, 1, color=c, hatch=h, ec="#37474f") for c, h in styles]
    # above the bars, not over them: on a page of the best units every bar is long
    ax.legend(
        handles,
        [_(b) for b in legend],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=len(legend),
        fontsize=8,
        frameon=False,
    )
    return to_png(fig)


def heatmap(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    lang: str = "vi",
    cache: str = "",
) -> list[bytes]:
    """Units × sub-groups in percent, per ``ROWS_PER_FIGURE`` units, on one 0–100 % scale."""
    return [
        remembered_figure(
            cache,
            "heat",
            _heat_page,
            [row_labels[i] for i in rows],
            list(col_labels),
            [list(values[i]) for i in rows],
            lang,
        )
        for rows in _pages(len(row_labels), ROWS_PER_FIGURE)
    ]


def _heat_page(
    row_labels: list[str], col_labels: list[str], values: list[list[float | None]], lang: str
) -> bytes:
    grid = [[float("nan") if v is None else v for v in row] for row in values]
    fig = Figure(figsize=(7, ROW_HEIGHT * len(grid) + 1.2))
    ax = fig.subplots()
    image = ax.imshow(grid, cmap="Greens", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_yticks(range(len(row_labels)), row_labels, fontsize=7.5)
    ax.tick_params(top=True, bottom=False, labeltop=True, labelbottom=False)
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            text = "–" if v != v else numfmt.number(v, 0, lang=lang)
            colour = "white" if v == v and v >= 60 else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
    fig.colorbar(image, ax=ax, label=translator(lang)("% điểm tối đa"), shrink=0.8)
    ax.spines[:].set_visible(False)
    return to_png(fig)


def remembered_figure(folder: str, kind: str, draw: Callable[..., bytes], *args: object) -> bytes:
    """``draw(*args)``, kept in ``folder``/figures ("": none) under a hash of its arguments:
    a correction redraws only the pages it changes. A figure read is touched (the build drops
    unused ones); a cache that cannot be written (a remote Dask worker) is not used."""
    if not folder:
        return draw(*args)
    name = hashlib.sha256(json.dumps([kind, *args], ensure_ascii=False).encode()).hexdigest()
    path = Path(folder) / "figures" / f"{name[:32]}.png"
    with contextlib.suppress(OSError):
        png = path.read_bytes()
        os.utime(path)
        return png
    png = draw(*args)
    with contextlib.suppress(OSError):
        write_bytes(path, png)
    return png

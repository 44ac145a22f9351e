"""A band's place in its year's list of bands, and the style a report draws it with.

Bands come from ``data/criteria/<year>/bands.yaml``, best first, and their names are the
year's own: "Tốt/Khá/Trung bình/Yếu" in the sample, "Xuất sắc/Tốt/Đạt/Chưa đạt" or five
bands elsewhere. So nothing orders or styles a band by its name: ``position`` is its place
in the year's list (0 = best) and ``style`` picks the report's colour, hatch and CSS class
from that place, spread over the whole scale (the best band always gets the darkest
green, the last one the red).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BandStyle:
    """How a band is drawn: text class (``band-<css>`` in report.css), bar colour, hatch
    (so bands still differ printed in black and white)."""

    css: str
    colour: str
    hatch: str


# Best first. The CSS class names are the sample's band initials (tot, kha, tb, yeu), kept
# so the reports keep their bytes; they name a place on the scale, not a band. A year with
# four bands uses all but "mid", one with five uses all; three bands: tot, mid, yeu. A year
# with more than five bands shares a style between neighbours (its names still differ).
# "mid" is olive in report.css, between the greens and the yellow-brown of "tb".
STYLES = (
    BandStyle("tot", "#1b5e20", ""),
    BandStyle("kha", "#66bb6a", "//"),
    BandStyle("mid", "#c0ca33", "\\\\"),
    BandStyle("tb", "#fdd835", ".."),
    BandStyle("yeu", "#c62828", "xx"),
)
# A label that is no band of the year ("Chưa nộp phiếu" in a chart).
OTHER = BandStyle("other", "#9e9e9e", "")


def position(names: Sequence[str], band: str) -> int | None:
    """``band``'s place in the year's bands ``names`` (best first): 0 for the best, None
    for a name that is not one of them."""
    return list(names).index(band) if band in names else None


def style(names: Sequence[str], band: str) -> BandStyle:
    """The style of ``band`` among the year's ``names`` (best first), by its place."""
    place = position(names, band)
    if place is None:
        return OTHER
    if len(names) == 1:
        return STYLES[0]
    return STYLES[round(place * (len(STYLES) - 1) / (len(names) - 1))]

"""What every report shares: the Jinja environment (autoescaped: no input can inject
markup), the fragments and charts a notebook displays, and ``_Speaks``, the reports' base."""

from __future__ import annotations

import base64
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

import jinja2
from markupsafe import Markup

from scoring.inputs import params
from scoring.inputs.snapshot import ReadKind
from scoring.inputs.source import Source, open_source
from scoring.model import bands as band_styles
from scoring.model.criteria import LEVEL_TITLES_VI, CriteriaSet
from scoring.model.result import YearResult
from scoring.model.rules import NA, Value
from scoring.text import i18n, numfmt
from scoring.text.i18n import LANGUAGES

if TYPE_CHECKING:
    import pandas as pd


@functools.lru_cache(maxsize=len(LANGUAGES))
def _environment(lang: str) -> jinja2.Environment:
    """Jinja with number filters and ``_()`` (newstyle gettext: the arguments are escaped)
    for the report's language: the templates' Vietnamese text is the msgid."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("scoring.views", "templates/report"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters.update(
        pts=functools.partial(numfmt.points, lang=lang),
        mx=functools.partial(numfmt.maximum, lang=lang),
        pct=functools.partial(numfmt.percent, lang=lang),
        num=functools.partial(numfmt.number, lang=lang),
        signed=functools.partial(numfmt.signed, lang=lang),
        score=functools.partial(numfmt.score, lang=lang),
    )
    return i18n.install(env, lang)


def warm_up() -> None:
    """Load what a kernel's first report needs while the build still scores
    (``scoring.build.runner`` sends it): that report is on every build's critical path."""
    import matplotlib.backends.backend_agg  # noqa: F401 - the charts' canvas
    import matplotlib_inline.backend_inline  # noqa: F401 - ``%matplotlib inline``
    import pandas  # noqa: F401

    import scoring.model.robustness  # noqa: F401
    import scoring.views.typeset.html  # noqa: F401 - each fragment's Typst form (bs4)
    from scoring.views import charts

    env = _environment("vi")
    for name in env.list_templates():
        env.get_template(name)
    charts.groups_against_max(["A"], [1.0], [2.0])


UNNUMBERED = {"provenance"}
LEVEL_TITLES = LEVEL_TITLES_VI


class Fragment(str):
    """An HTML fragment a notebook displays as HTML and the PDF prints in its Typst form."""

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> tuple[dict[str, str], dict[str, object]]:
        from scoring.views.typeset.html import html_to_typst
        from scoring.views.typeset.markup import TYPST_MIME

        printed = html_to_typst(str(self))
        metadata: dict[str, object] = {}
        if printed.images:
            images = {n: base64.b64encode(d).decode("ascii") for n, d in printed.images.items()}
            metadata[TYPST_MIME] = {"images": images}
        return {"text/html": str(self), TYPST_MIME: printed.typst}, metadata

    def __html__(self) -> str:  # Jinja and markupsafe take it as markup
        return str(self)

    def __repr__(self) -> str:
        return f"Fragment({len(self)} characters of HTML)"


class Png(bytes):
    """A chart a notebook displays as a PNG, with its alternative text (the HTML's ``alt``)."""

    alt: str

    def __new__(cls, data: bytes, alt: str = "") -> Png:
        chart = super().__new__(cls, data)
        chart.alt = alt
        return chart

    def _repr_png_(self) -> bytes | tuple[bytes, dict[str, str]]:
        return (bytes(self), {"alt": self.alt}) if self.alt else bytes(self)

    def __repr__(self) -> str:
        return f"Png({len(self)} bytes)"


def render(template: str, lang: str = "vi", **context: object) -> Fragment:
    """A template file of ``scoring/views/templates/report`` as a fragment."""
    return Fragment(_environment(lang).get_template(template).render(**context))


def format_value(value: Value | None, kind: str, lang: str = "vi") -> str:
    _ = i18n.translator(lang)
    if value is None:
        return "–"
    if value is NA:
        return _("Không áp dụng")
    if kind == "yes_no":
        return _("Có") if value else _("Không")
    number = float(value)  # type: ignore[arg-type]
    text = numfmt.number(number, 2, trim=True, lang=lang)
    return f"{text}%" if kind == "share" else text


def markdown_html(text: str) -> str:
    """An analyst's Markdown as safe HTML: raw HTML is shown as typed, images become their
    text (a report loads nothing), links keep only web and mail addresses."""
    import mistune
    from markupsafe import escape

    class Safe(mistune.HTMLRenderer):
        def image(self, text: str, url: str, title: str | None = None) -> str:
            return str(escape(text))

        def link(self, text: str, url: str, title: str | None = None) -> str:
            if url.lower().startswith(("http://", "https://", "mailto:")):
                return super().link(text, url, None)
            return text

    return str(mistune.create_markdown(escape=True, renderer=Safe(escape=True))(text))


def band_class(names: Sequence[str], band: str) -> str:
    """The CSS class of ``band`` (``band-<class>``): by its place in the year's band
    ``names``, best first."""
    return band_styles.style(names, band).css


def cset_view(cset: CriteriaSet) -> dict[str, object]:
    """What a report shows of a criteria set, as plain data (the templates read it as the set)."""
    return {
        "title": cset.title,
        "version": cset.version,
        "legal_basis": list(cset.legal_basis),
        "max": cset.max,
    }


def _frame(rows: Sequence[object], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _records(frame: pd.DataFrame | None) -> list[dict[str, object]]:
    return [] if frame is None else frame.to_dict("records")  # type: ignore[return-value]


class _Speaks:
    """The scored year, the source (previous year, notes, unit changes), ``self.lang``."""

    SECTIONS: ClassVar[dict[str, str]] = {}

    def __init__(self, result: YearResult, lang: str = "vi", source: Source | None = None) -> None:
        self._result = result
        self.lang = lang
        self._source = source or Source(result.inputs.data_dir)  # a report made without the API
        self._cache = self._source.cache  # where a build keeps the figures (not shown data)

    @functools.cached_property
    def _view(self) -> dict[str, Any]:
        """Plain data (JSON): everything the helpers show, computed once per report. The
        helpers render from it alone, so its digest is what the report shows."""
        raise NotImplementedError

    def shown(self) -> dict[str, object]:
        """The view and the language: its digest is the report's read in the build's key."""
        return {"lang": self.lang, **self._view}

    @staticmethod
    def _open(data_dir: str | Path, year: int, snapshot: str) -> tuple[Source, YearResult]:
        """The notebook's parameters checked, and the year from the build's snapshot."""
        data = params.data_dir(data_dir)
        source = open_source(data, snapshot)
        return source, source.result(params.year(data, year))

    @property
    def result(self) -> YearResult:
        """The whole scored year: a report that uses it depends on all of it."""
        self._source.record(ReadKind.YEAR, self._result.year)
        return self._result

    def section(self, key: str) -> Fragment:
        """A section heading in the report's language; numbered by the stylesheet."""
        return self.heading(self._(self.SECTIONS[key]), numbered=key not in UNNUMBERED)

    def heading(self, title: str, numbered: bool = True) -> Fragment:
        """A heading of the analyst's own section, numbered with the others."""
        return self._render("heading.html.j2", title=title, numbered=numbered)

    def show_table(self, frame: pd.DataFrame, decimals: int = 2) -> Fragment:
        """Any DataFrame as a report table, numbers in the report's format ("1.234,56")."""
        import pandas as pd

        columns = [
            {"title": str(c), "numeric": pd.api.types.is_numeric_dtype(frame[c])}
            for c in frame.columns
        ]

        def shown(column: dict[str, object], value: Any) -> object:
            if column["numeric"] and not isinstance(value, bool):
                return numfmt.number(float(value), decimals, trim=True, lang=self.lang)
            return value

        rows = [
            [(c, shown(c, v)) for c, v in zip(columns, values, strict=True)]
            for values in frame.itertuples(index=False)
        ]
        return self._render("table.html.j2", columns=columns, rows=rows)

    def _(self, text: str) -> str:
        return i18n.translator(self.lang)(text)

    def _render(self, template: str, **context: object) -> Fragment:
        return render(template, self.lang, **context)

    def _note(self, name: str) -> str | None:
        return self._source.note(self._result.year, name)

    def notes(self) -> Fragment:
        """The section "Nhận xét của cơ quan đánh giá" from ``notes/<unit id or ranking>.md``."""
        text = self._view["note"]
        if not isinstance(text, str) or not text.strip():
            return Fragment("")
        return self._render("notes.html.j2", body=Markup(markdown_html(text)))


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return "data/" + Path(path).resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return Path(path).name


class _OfUnit(_Speaks):
    """A report of one unit: built from the notebook's parameters, recorded as ``READ``."""

    READ: ClassVar[ReadKind]

    def __init__(
        self, result: YearResult, unit_id: str, lang: str = "vi", source: Source | None = None
    ) -> None:
        super().__init__(result, lang, source)
        self.unit_id = unit_id

    @classmethod
    def build(
        cls, data_dir: str | Path, year: int, unit_id: str, lang: str = "vi", snapshot: str = ""
    ) -> Self:
        """The report of ``unit_id``; ``snapshot``: the notebook's parameter (the build's)."""
        source, result = cls._open(data_dir, year, snapshot)
        unit_id = cls._unit_id(unit_id, result)
        source.record(cls.READ, result.year, unit_id, i18n.check(lang))
        return cls(result, unit_id, lang, source)

    @staticmethod
    def _unit_id(value: object, result: YearResult) -> str:
        raise NotImplementedError

    @property
    def unit(self):  # noqa: ANN201 - a scoring.inputs.units.Unit
        return self._result.unit(self.unit_id)

"""The English option of the reports: every text we write has a translation, and it is used."""

import ast
import csv
import re
from pathlib import Path

import jinja2
import pytest
import yaml
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from helpers import DATA, build
from openpyxl import load_workbook
from pypdf import PdfReader

from scoring.inputs.submissions import KINDS
from scoring.model.criteria import LEVEL_NAMES_VI
from scoring.text import i18n, numfmt
from scoring.views import report
from scoring.views.report import UnitReport

ROOT = Path(__file__).resolve().parents[1]

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def file_template_texts(*paths: Path) -> set[str]:
    """Every ``_("...")`` of Jinja template files (used by test_share_parts)."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    texts = set()
    for path in paths:
        for _line, _name, message in env.extract_translations(path.read_text(encoding="utf-8")):
            first = message[0] if isinstance(message, tuple) else message
            if isinstance(first, str):  # not _(variable)
                texts.add(first)
    return texts


def python_texts(*modules: object) -> set[str]:
    """Every literal passed to ``_()`` or ``self._()`` in the modules' source (used by
    test_share_parts)."""
    texts = set()
    for module in modules:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[attr-defined]
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name == "_" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                texts.add(first.value)
    return texts


def extracted() -> dict[str, set[str]]:
    """msgid -> the files it is in, as ``make messages`` extracts them (Babel's API, the
    mapping of babel.cfg and the keywords of the Makefile's ``messages`` recipe)."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nmessages:", 1)[1]
    recipe = recipe.split("\n\n", 1)[0]
    keywords = dict(DEFAULT_KEYWORDS)
    for name, spec in re.findall(r"-k (\w+)(?::([\d,]+))?", recipe):
        keywords[name] = tuple(int(i) for i in spec.split(",")) if spec else None
    assert "ScoringError" in keywords  # the recipe was found
    folders = recipe.split("--no-wrap", 1)[1].split("\n", 1)[0].split()
    assert folders == ["scoring", "dev"]  # the package and the tools that print its texts
    found: dict[str, set[str]] = {}
    for folder in folders:
        for filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=keywords
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, set()).add(f"{folder}/{filename}")
    return found


def english_po():
    with open(i18n.po_path("en"), "rb") as fh:
        return read_po(fh, locale="en")


def test_every_text_shown_has_an_english_translation():
    """Every msgid of the code and templates has a non-empty, non-fuzzy English text,
    and the English catalogue holds nothing else (no obsolete entry to mislead)."""
    texts = extracted()
    assert len(texts) > 300
    catalogue = english_po()
    entries = {singular(m.id): m for m in catalogue if m.id}
    untranslated = sorted(t for t in texts if t not in entries or not all(forms(entries[t])))
    assert untranslated == [], "run `make messages` and translate in en.po"
    assert sorted(t for t in texts if entries[t].fuzzy) == [], "fuzzy entries in en.po"
    assert sorted(set(entries) - set(texts)) == [], "en.po holds texts no longer in the code"
    assert list(catalogue.obsolete) == []


def test_every_kind_of_problem_and_data_name_is_in_the_catalogue():
    """What is shown by name (problem kinds, level names, 2018's bands) is in en.po."""
    bands = {
        b["name"] for b in yaml.safe_load((DATA / "criteria/2018/bands.yaml").read_text())["bands"]
    }
    shown = set(KINDS.values()) | set(LEVEL_NAMES_VI.values()) | bands | {"Trang"}
    shown |= set(report.UNIT_SECTIONS.values()) | set(report.LEVEL_TITLES.values())
    assert sorted(shown - set(i18n.catalogue("en"))) == []


def test_translations_keep_their_placeholders():
    for message in english_po():
        for form in forms(message) if message.id else ():
            vi = set(PLACEHOLDER.findall(singular(message.id)))
            assert set(PLACEHOLDER.findall(form)) == vi, message.id


def test_a_count_takes_the_english_form_for_its_number(monkeypatch):
    """Plural entries (``i18n.render_plural``): "1 error", "2 errors"; Vietnamese, which has
    one form, unchanged; a plural text missing from the catalogue is caught like any other."""
    from scoring.text import console

    assert console.closing_line(1, "en").startswith("1 error in the forms")
    assert console.closing_line(2, "en").startswith("2 errors in the forms")
    assert console.closing_line(1, "vi") == "Có 1 lỗi cần sửa trong phiếu trước khi chấm điểm."
    with pytest.warns(i18n.MissingMessage, match="Có %\\(n\\)s thứ khác"):
        assert i18n.render_plural("Có %(n)s thứ khác", 2, "en", {"n": 2}) == "Có 2 thứ khác"
    with pytest.raises(i18n.MissingMessage):  # the tests' warning filter (pyproject)
        i18n.render_plural("Có %(n)s thứ khác", 2, "en", {"n": 2})


def singular(msgid: str | tuple[str, ...]) -> str:
    """The msgid of a catalogue entry: the singular of a plural one."""
    return msgid[0] if isinstance(msgid, tuple) else msgid


def forms(message) -> tuple[str, ...]:  # noqa: ANN001 - a babel Message
    """The translation of an entry, each of its forms for a plural one ("" if missing)."""
    text = message.string
    return tuple(text) if isinstance(text, tuple | list) else (text,)


def test_a_text_missing_from_the_catalogue_is_never_shown_silently():
    """A lookup the catalogue cannot answer warns, naming the text; the tests' warning
    filter (pyproject) makes it an error, so no test passes over a missing translation."""
    with pytest.warns(i18n.MissingMessage, match="thiếu câu 'Một câu không có trong danh mục'"):
        assert i18n.gettext("Một câu không có trong danh mục", "en") == (
            "Một câu không có trong danh mục"
        )
    with pytest.raises(i18n.MissingMessage):
        i18n.translator("en")("Một câu khác")
    assert i18n.translator("vi")("Một câu khác") == "Một câu khác"
    assert i18n.gettext("%(where)s: %(what)s", "en") == "%(where)s: %(what)s"  # no words


def test_english_numbers_and_unknown_language():
    assert numfmt.score(150.77, 170, "en") == "150.77/170"
    assert numfmt.number(1234.5, 1, lang="en") == "1,234.5"
    assert numfmt.signed(-1.777, lang="en") == "-1.78"
    with pytest.raises(i18n.ScoringError, match="xx"):
        i18n.check("xx")


def test_english_fragments_carry_no_vietnamese_of_ours(monkeypatch):
    city = UnitReport.build(DATA, 2018, "196", "en")
    html = "".join([city.header(), city.to_improve(), city.verification(), city.previous_year()])
    assert "146.00/170 points" in html and "Rank 1/1 at district level" in html
    for word in ("điểm", "Hạng", "Xếp loại", "Tổng", "Năm 2017", "Cần thêm", "146,00"):
        assert word not in html, word
    assert UnitReport.build(DATA, 2018, "196").header() != city.header()


@pytest.mark.e2e
def test_english_build(tmp_path):
    from helpers import small_data, unit_ids

    data = small_data(tmp_path, keep=("196-NV", "06826", "06829"))  # a department, communes
    (data / "2018" / "submissions" / "06829.xlsx").unlink()  # a commune without a form
    run = build(data, tmp_path, "--lang", "en", env={"SCORING_TIMINGS": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    timings = [line for line in run.stderr.splitlines() if line.startswith(("Time", "  task"))]
    assert timings[0].startswith("Time (s): what changed ") and len(timings) == 4, timings
    assert not re.search(r"[^\x00-\x7f]", "".join(timings)), timings  # no Vietnamese left
    reports = len(unit_ids(data)) + 1  # one per unit, and the ranking
    assert f"2018: {reports} reports built, 0 unchanged, 0 failed." in run.stderr
    assert "Building reports" in run.stderr and "Lập báo cáo" not in run.stderr  # the bar
    executed = sorted((tmp_path / "build" / "2018" / "notebooks").glob("*.ipynb"))
    assert len(executed) == reports
    warned = [p.name for p in executed if "MissingMessage" in p.read_text(encoding="utf-8")]
    assert not warned, warned  # in the kernels too, every text shown is in the catalogue
    year = tmp_path / "reports" / "2018"
    html = (year / "units" / "06826.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    pages = PdfReader(year / "units" / "06826.pdf").pages
    text = "\n".join(p.extract_text() for p in pages)
    with open(year / "scores.csv", encoding="utf-8-sig", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["unit_id"] == "06826")
    total = numfmt.score(float(row["total"]), float(row["max"]), "en")
    assert f"{total} points" in text and "." in total and "Band: Average" in text
    assert "1. Points by criteria group" in text and f"Page 1/{len(pages)}" in text
    assert "Phường Yên Thanh" in text  # data stays as written
    assert "Trang " not in text and "điểm" not in text
    ranking = "\n".join(p.extract_text() for p in PdfReader(year / "ranking.pdf").pages)
    assert "E-government maturity ranking 2018" in ranking and "Forms received" in ranking
    assert "Wards and communes (maximum 100 points)" in ranking and "Xếp loại" not in ranking
    wb = load_workbook(year / "ranking.xlsx")
    assert "Points per criterion" in wb.sheetnames and wb["Departments"]["A1"].value == "Rank"
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Filter by unit name:" in index and "2018/units/06826.pdf" in index


def test_index_in_english_links_only_reports_that_exist(tmp_path):
    from scoring.views.index import write_index

    year = tmp_path / "2018"
    (year / "units").mkdir(parents=True)
    rows = "unit_id,name,level,rank,band\n06808,Phường Vàng Danh,commune,1,Tốt\n"
    (year / "scores.csv").write_text(rows + "06811,Phường Bắc Sơn,commune,2,Khá\n")
    for name in ("units/06808.html", "units/06808.pdf", "ranking.html"):
        (year / name).write_text("x")
    write_index(tmp_path, "en")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Filter by unit name:" in page
    assert "commune level" in page and "Good" in page and "Fair" in page
    assert 'href="2018/units/06808.pdf"' in page and 'href="2018/ranking.html"' in page
    assert "2018/units/06811" not in page and "2018/ranking.pdf" not in page
    assert "Phường Bắc Sơn" in page  # listed, marked as not built

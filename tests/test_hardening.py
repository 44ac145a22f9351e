"""Hostile and broken inputs, escaping, safe parameters, atomic writes, and properties.

Forms arrive from many machines and reports travel by e-mail: what comes in is refused
with a clear message, never a crash, and nothing from the inputs can inject markup,
formulas or code into what goes out.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError
from papermill.translators import PythonTranslator

from dev.sample.fill import fill_form
from scoring.inputs.criteria import load_year
from scoring.inputs.submissions import read_submissions
from scoring.inputs.units import load_units
from scoring.io import TEMP_NAME, atomic_path, remove_temp_files
from scoring.model.ranking import competition_ranks
from scoring.model.rules import NA
from scoring.model.scores import score_peers
from scoring.text.errors import UnitsError
from scoring.views import index, xlsx

ROOT = Path(__file__).resolve().parents[1]


def errors_of(problems):
    return [p for p in problems if p.severity == "error"]


# ---------------------------------------------------------------- untrusted workbooks


def test_zip_bomb_refused_from_the_directory(form_kit):
    path = form_kit.submissions / "06808.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    sub, problems = form_kit.read(path)
    assert sub is None
    (error,) = errors_of(problems)
    assert (error.kind, error.file, error.expected) == ("file.zip_bomb", str(path), 100)


def test_oversized_file_refused_without_reading(form_kit):
    path = form_kit.submissions / "06808.xlsx"
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(30 * 1024 * 1024)  # sparse: no 30 MB written
    _, problems = form_kit.read(path)
    (error,) = errors_of(problems)
    assert (error.kind, error.found, error.expected) == ("file.too_large", 30, 20)


def test_encrypted_or_old_xls_named(form_kit):
    path = form_kit.submissions / "06808.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    _, problems = form_kit.read(path)
    assert [p.kind for p in errors_of(problems)] == ["file.old_excel"]


def test_xml_entity_expansion_refused(form_kit):
    good = form_kit.filled()
    source = zipfile.ZipFile(good)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                laughs = (
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                )
                if body.startswith(b"<?xml"):
                    body = body.split(b"?>", 1)[1]
                body = laughs + body
            target.writestr(info, body)
    good.write_bytes(out.getvalue())
    sub, problems = form_kit.read(good)
    assert sub is None
    assert [p.kind for p in errors_of(problems)] == ["file.xml_entities"]


def test_one_bad_file_does_not_stop_the_others(form_kit):
    form_kit.filled("06808.xlsx")
    (form_kit.submissions / "06811.xlsx").write_bytes(b"garbage")
    units = list(form_kit.units.values())
    collection = read_submissions(form_kit.root, 2018, form_kit.criteria, units)
    assert "06808" in collection.submissions
    assert any("06811.xlsx" in p.file for p in collection.errors)


# ---------------------------------------------------------------- what goes out


def test_unit_names_are_escaped_in_reports_and_index(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(
        DATA,
        data,
        ignore=shutil.ignore_patterns("2017", "forms", "2019", "2020", "unit_changes.csv"),
    )
    units = (data / "units.csv").read_text(encoding="utf-8")
    evil = '<script>alert("x")</script> & <b>'
    (data / "units.csv").write_text(units.replace("Phường Vàng Danh", evil), encoding="utf-8")
    from scoring.views.report import RankingReport, UnitReport

    fragments = [
        UnitReport.build(data, 2018, "06808").header(),
        RankingReport.build(data, 2018).table("commune"),
    ]
    for html in fragments:
        assert "<script>" not in html and "&lt;script&gt;" in html
    year = tmp_path / "reports" / "2018"
    year.mkdir(parents=True)
    quoted = '"' + evil.replace('"', '""') + '"'
    rows = f"unit_id,name,level,rank,band\n06808,{quoted},commune,1,Tốt\n"
    (year / "scores.csv").write_text(rows, encoding="utf-8")
    index.write_index(tmp_path / "reports")
    page = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_spreadsheet_text_never_becomes_a_formula(tmp_path):
    wb = Workbook()
    texts = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)"]
    xlsx.add_table(wb.active, ["Tên"], [[t] for t in texts], [None])
    xlsx.save(wb, tmp_path / "out.xlsx", __import__("datetime").date(2018, 12, 31))
    ws = load_workbook(tmp_path / "out.xlsx").active
    cells = [ws.cell(row=r, column=1) for r in range(2, 2 + len(texts))]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells] == texts
    assert not any(str(c.value).startswith("=") and c.data_type == "f" for c in cells)
    names = zipfile.ZipFile(tmp_path / "out.xlsx").namelist()
    assert not any("externalLink" in n for n in names)


@given(st.text())
def test_papermill_parameters_cannot_inject_code(text):
    source = PythonTranslator.codify({"data_dir": text, "unit_id": text})
    scope: dict[str, object] = {}
    exec(source, scope)  # noqa: S102 - the point is that it only assigns
    assert scope["data_dir"] == text and scope["unit_id"] == text


@pytest.mark.parametrize("bad", ["../evil", "a/b", "x'y", "line\nbreak", "", "Phường"])
def test_unsafe_unit_ids_refused(tmp_path, bad):
    path = tmp_path / "units.csv"
    quoted = '"' + bad.replace('"', '""') + '"'
    path.write_text(
        f"id,name,level,valid_from,valid_to\n{quoted},X,commune,2011,\n", encoding="utf-8"
    )
    with pytest.raises(UnitsError, match="mã đơn vị"):
        load_units(path)


def test_atomic_write_keeps_the_previous_file_on_failure(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old complete version")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old complete version"
    assert os.listdir(tmp_path) == ["report.html"]


def test_temporary_files_left_by_a_kill_are_ours_only_and_removed(tmp_path):
    units = tmp_path / "2018" / "units"
    units.mkdir(parents=True)
    with atomic_path(units / "06808.pdf") as tmp:  # a kill here leaves ``tmp`` behind
        assert TEMP_NAME.fullmatch(tmp.name)
        left = tmp.read_bytes()
    leftovers = [units / ".06808.pdf.k3x_9a2q.tmp", tmp_path / ".index.html.abcd1234.tmp"]
    others = [
        units / "06808.tmp",
        units / ".06808.pdf.tmp",
        units / ".notes.tmp",
        units / "x.a.abcd1234.tmp",
    ]
    for path in leftovers + others:
        path.write_bytes(left)
    assert sorted(remove_temp_files(tmp_path / "2018")) == [leftovers[0]]
    assert remove_temp_files(tmp_path, recursive=False) == [leftovers[1]]
    assert all(p.exists() for p in others)
    assert remove_temp_files(tmp_path / "missing") == []


# ---------------------------------------------------------------- properties

CRITERIA = load_year(DATA, 2018)


def values_strategy(level: str):
    cset = CRITERIA.for_level(level)
    parts = {}
    for code, inp in cset.inputs.items():
        if inp.kind == "yes_no":
            parts[code] = st.booleans()
        elif inp.kind == "share":
            parts[code] = st.floats(0, 100)
        elif inp.kind == "points":
            owner = cset.nodes[cset.input_owner[code]]
            parts[code] = st.floats(0, owner.max)
        else:
            parts[code] = st.integers(0, 500).map(float)
    return st.fixed_dictionaries(parts)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from(["district", "department", "commune"]).flatmap(
        lambda level: st.tuples(
            st.just(level), st.lists(values_strategy(level), min_size=1, max_size=4)
        )
    )
)
def test_points_within_bounds_and_totals_add_up(case):
    level, peers = case
    cset = CRITERIA.for_level(level)
    scores = score_peers(cset, {f"u{i}": v for i, v in enumerate(peers)})
    for score in scores.values():
        for node in score.nodes():
            assert -1e-9 <= node.points <= node.max + 1e-9
            assert node.max <= node.full_max + 1e-9
            if node.children:
                assert node.points == pytest.approx(sum(c.points for c in node.children))
        assert score.total == pytest.approx(sum(g.points for g in score.groups))
        assert score.max <= cset.max + 1e-9


@settings(max_examples=60, deadline=None)
@given(values_strategy("commune"), st.data())
def test_more_of_a_numerator_never_scores_less(values, data):
    cset = CRITERIA.for_level("commune")
    ratios = [
        n.rule
        for n in cset.criteria()
        if getattr(n.rule, "numerator", None) and n.rule.numerator in values
    ]
    rule = data.draw(st.sampled_from(ratios))
    better = dict(values)
    better[rule.numerator] = values[rule.numerator] + data.draw(st.integers(1, 50))
    low = score_peers(cset, {"u": values})["u"].total
    high = score_peers(cset, {"u": better})["u"].total
    assert high >= low - 1e-9


@given(st.lists(st.floats(0, 200, allow_nan=False), min_size=1, max_size=30))
def test_ranks_consistent_with_totals_and_ties(totals):
    ranks = competition_ranks(totals)
    for a, ra in zip(totals, ranks, strict=True):
        assert ra == 1 + sum(1 for b in totals if round(b, 9) > round(a, 9))
        for b, rb in zip(totals, ranks, strict=True):
            if round(a, 9) == round(b, 9):
                assert ra == rb


# ---------------------------------------------------------------- fuzzing the reader

CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "43,72",
            "85 %",
            "Có",
            "khong",
            "Không áp dụng",
            "1.234,5",
            "=1/0",
            "\u00a012\u00a0",
            "x",
            "-1",
            "1e309",
        ]
    ),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_reader_never_crashes_on_random_cells(form_kit, data):
    codes = list(form_kit.cset.inputs)
    values = {code: data.draw(CELL, label=code) for code in codes}
    values = {c: ("Không áp dụng" if v is NA else v) for c, v in values.items()}
    path = form_kit.submissions / "06808.xlsx"
    blank = form_kit.blank()
    try:
        fill_form(blank, path, values)
    except (ValueError, TypeError, IllegalCharacterError):
        return  # openpyxl itself refuses to store some values: nothing to read
    sub, problems = form_kit.read(path)
    assert sub is not None or errors_of(problems)
    for problem in problems:
        line = problem.format()
        assert "Traceback" not in line and "06808.xlsx" in line

"""Year over year, like for like (scoring.analysis.compare): mergers, splits, renamed criteria,
changed criteria, and the basis (verified or self-assessed) of every figure."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import DATA

import scoring
from scoring.analysis.compare import compare, load_mapping, read_mapping
from scoring.inputs.lineage import load_changes
from scoring.inputs.source import assess as year_result
from scoring.text.errors import CriteriaError
from scoring.views.report import UnitReport


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))


def test_merged_unit_shows_each_predecessor_and_the_combined_baseline() -> None:
    now, before = year_result(DATA, 2020), year_result(DATA, 2019)
    cmp = compare(now, before, "06820", load_changes(DATA), load_mapping(DATA, 2020))
    assert cmp is not None and cmp.kind == "merge"
    assert {f.unit_id for f in cmp.sources} == {"06820", "07141"}
    trung_vuong, dien_cong = before.official["06820"], before.official["07141"]
    assert cmp.combined is not None
    assert cmp.combined.total == pytest.approx(trung_vuong.total + dien_cong.total)
    assert cmp.combined.max == pytest.approx(trung_vuong.max + dien_cong.max)
    assert cmp.combined.verified is None  # 06820 verified in 2019, 07141 not
    text = _text(UnitReport.build(DATA, 2020, "06820").previous_year())
    assert "Xã Điền Công" in text and "837/NQ-UBTVQH14" in text
    assert "Mức gộp trước sáp nhập" in text and "gồm số thẩm định và số tự đánh giá" in text
    combined = scoring.text.numfmt.percent(cmp.combined.percent)
    assert f"Tỷ lệ điểm đạt: {combined} (năm 2019, mức gộp)" in text


def test_last_report_says_what_the_unit_became() -> None:
    text = _text(UnitReport.build(DATA, 2019, "07141").previous_year())
    assert "Từ năm 2020, đơn vị thay đổi (sáp nhập), trở thành: Phường Trưng Vương" in text
    assert "báo cáo cuối cùng" in text
    assert "báo cáo cuối cùng" not in _text(UnitReport.build(DATA, 2019, "06811").previous_year())


def test_like_for_like_criteria_across_versions() -> None:
    """2020's commune set is a new version: unchanged criteria are still compared one by
    one, A1.2/A1.3 (maximum), A3.3 (rule) are named, B2.5 is B2.4 by mapping.csv."""
    now, before = year_result(DATA, 2020), year_result(DATA, 2019)
    cmp = compare(now, before, "06808", load_changes(DATA), load_mapping(DATA, 2020))
    assert cmp is not None and cmp.prev_version != cmp.version
    reasons = {n.code: n.reason for n in cmp.not_comparable}
    assert reasons == {"A1.2": "max", "A1.3": "max", "A3.3": "rule"}
    compared = {r.code: r for r in cmp.criteria}
    assert compared["B2.5"].prev_code == "B2.4" and "A1.1" in compared
    assert compared["A1.1"].prev_points == pytest.approx(
        before.official["06808"].node("A1.1").points
    )
    assert cmp.mapped == [("B2.4", "B2.5")]
    text = _text(UnitReport.build(DATA, 2020, "06808").previous_year())
    assert "A1.2 (điểm tối đa 3 → 4)" in text and "A3.3 (cách tính điểm thay đổi)" in text
    assert "B2.4 → B2.5" in text
    # Without the mapping, the renamed criterion is new and the old one dropped.
    plain = compare(now, before, "06808", load_changes(DATA), {})
    assert plain is not None
    reasons = {n.code: n.reason for n in plain.not_comparable}
    assert reasons["B2.5"] == "new" and reasons["B2.4"] == "dropped"


def test_each_year_says_verified_or_self_assessed() -> None:
    """Yên Thanh (06826) was verified in 2019, self-assessed in 2020; the reverse for Bắc Sơn."""
    for unit, before, after in (
        ("06826", "đã thẩm định", "tự đánh giá"),
        ("06814", "tự đánh giá", "đã thẩm định"),
    ):
        text = _text(UnitReport.build(DATA, 2020, unit).previous_year())
        assert f"Năm 2019 {before} Năm 2020 {after}" in text, text[:300]


def test_english_comparison() -> None:
    text = _text(UnitReport.build(DATA, 2020, "06820", "en").previous_year())
    assert "Combined, before the merger" in text and "verified and self-assessed" in text


def test_mapping_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "mapping.csv"
    path.write_text("old,new\nB2.4,B2.5\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match="cần hai cột old_code,new_code"):
        read_mapping(path)
    path.write_text("old_code,new_code\nB2.4,B2.5\nB2.4,B2.6\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match=r"mapping.csv, dòng 3: .*đã có"):
        read_mapping(path)


def test_a_mapping_line_naming_no_criterion_is_a_warning_with_its_line(tmp_path: Path) -> None:
    """validate names a mapping.csv line whose new code is not a criterion of the year, or
    whose old code is not one of the year before: such a line silently did nothing."""
    from scoring.analysis.compare import mapping_problems
    from scoring.inputs.criteria import load_year

    for year in ("2019", "2020"):
        shutil.copytree(DATA / "criteria" / year, tmp_path / "criteria" / year)
    mapping = tmp_path / "criteria" / "2020" / "mapping.csv"
    now, before = load_year(tmp_path, 2020), load_year(tmp_path, 2019)
    assert mapping_problems(tmp_path, 2020, now, before) == []  # the sample's own line
    mapping.write_text("old_code,new_code\nB2.4,B2.5\nB2.9,B1.1\nA1.1,B7.7\n", encoding="utf-8")
    problems = mapping_problems(tmp_path, 2020, now, before)
    assert [(p.kind, p.found, dict(p.params)["line"]) for p in problems] == [
        ("mapping.unknown_old", "B2.9", 3),
        ("mapping.unknown_new", "B7.7", 4),
    ]
    assert all(p.severity == "warning" and p.file == str(mapping) for p in problems)
    assert (
        problems[0]
        .format("vi")
        .endswith(
            "mapping.csv: dòng 3: mã cũ B2.9 không phải tiêu chí nào của năm 2019; dòng này không "
            "có tác dụng (kiểm tra lại mã)"
        )
    )
    assert "line 4: the new code B7.7 is not a criterion of 2020" in problems[1].format("en")


def test_lineage_column_follows_the_merger() -> None:
    totals = scoring.load_totals(DATA)
    lines = totals.set_index(["year", "unit_id"])["lineage"]
    assert lines[(2019, "07141")] == lines[(2020, "06820")] == lines[(2018, "06820")] == "06820"
    assert lines[(2020, "06808")] == "06808"


def test_report_key_follows_unit_changes(tmp_path: Path) -> None:
    """The report of the merged unit shows the change's basis: editing unit_changes.csv
    changes what it shows, hence its key."""
    data = tmp_path / "data"
    for part in ("criteria/2019", "criteria/2020", "2019", "2020"):
        shutil.copytree(DATA / part, data / part)
    shutil.copy(DATA / "units.csv", data / "units.csv")
    shutil.copy(DATA / "unit_changes.csv", data / "unit_changes.csv")
    before = UnitReport.build(data, 2020, "06820").shown()
    path = data / "unit_changes.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("17/12/2019", "18/12/2019"), encoding="utf-8"
    )
    after = UnitReport.build(data, 2020, "06820").shown()
    assert before["previous"] != after["previous"]
    assert "18/12/2019" in str(after["previous"])


def test_split_compares_with_the_parent_percent(tmp_path: Path) -> None:
    """Phường Thanh Sơn (06811) split into two wards in 2020, built here: each compares
    with the parent's 2019 percent, and the parent's last report names both."""
    from dev.sample import write_sample

    data = tmp_path / "data"
    for part in ("criteria/2019", "criteria/2020", "2019"):
        shutil.copytree(DATA / part, data / part)
    units = (DATA / "units.csv").read_text(encoding="utf-8")
    units = units.replace(
        "06811,Phường Thanh Sơn,commune,2011,2025,", "06811,Phường Thanh Sơn,commune,2011,2019,"
    )
    units += "06901,Phường Thanh Sơn Bắc,commune,2020,2025,\n"
    units += "06902,Phường Thanh Sơn Nam,commune,2020,2025,\n"
    (data / "units.csv").write_text(units, encoding="utf-8")
    (data / "unit_changes.csv").write_text(
        "year,from,to,kind,basis\n"
        "2020,07141,06820,merge,NQ 837\n2020,06820,06820,merge,NQ 837\n"
        "2020,06811,06901,split,Nghị quyết thử\n2020,06811,06902,split,Nghị quyết thử\n",
        encoding="utf-8",
    )
    write_sample(data, 2020)
    now, before = year_result(data, 2020), year_result(data, 2019)
    for child in ("06901", "06902"):
        cmp = compare(now, before, child, load_changes(data), load_mapping(data, 2020))
        assert cmp is not None and cmp.kind == "split"
        assert [f.unit_id for f in cmp.sources] == ["06811"] and cmp.combined is None
        assert cmp.criteria == [] and cmp.groups == []
        text = _text(UnitReport.build(data, 2020, child).previous_year())
        assert "chia tách từ: Phường Thanh Sơn" in text and "so sánh theo tỷ lệ % điểm đạt" in text
        parent = scoring.text.numfmt.percent(before.official["06811"].percent)
        assert f"Tỷ lệ điểm đạt: {parent} (năm 2019, Phường Thanh Sơn)" in text
    last = _text(UnitReport.build(data, 2019, "06811").previous_year())
    assert "trở thành: Phường Thanh Sơn Bắc, Phường Thanh Sơn Nam" in last

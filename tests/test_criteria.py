"""Criteria files: the real ones load; broken ones are refused naming file and node."""

from pathlib import Path

import pytest
from helpers import DATA

from scoring.inputs.criteria import load_criteria_file, load_year
from scoring.text.errors import CriteriaError

GOOD = """\
year: 2018
level: commune
version: "t"
title: "Bộ thử"
legal_basis: ["Quyết định thử"]
provenance: "tái dựng"
max: 10
groups:
  - code: A
    name: "Nhóm A"
    max: 10
    children:
      - code: A1
        name: "Tỷ lệ"
        max: 6
        inputs:
          - {code: A1.a, label: "Tử số", kind: count}
          - {code: A1.b, label: "Mẫu số", kind: count}
        rule: {type: ratio, numerator: A1.a, denominator: A1.b}
      - code: A2
        name: "Có hay không"
        max: 4
        inputs:
          - {code: A2.a, label: "Có?", kind: yes_no}
        rule: {type: yes_no, input: A2.a}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "commune.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("year", [2017, 2018, 2019, 2020])
def test_real_criteria_sets_load(year):
    criteria = load_year(DATA, year)
    assert criteria.for_level("district").max == 170
    assert [g.max for g in criteria.for_level("district").groups] == [50, 100, 20]
    assert {b.name for b in criteria.bands} == {"Tốt", "Khá", "Trung bình", "Yếu"}


def test_legal_basis_recorded():
    district = load_year(DATA, 2018).for_level("district")
    assert any("2599/QĐ-UBND" in line for line in district.legal_basis)
    assert any("2392/QĐ-BTTTT" in line for line in district.legal_basis)


def test_good_file_loads(tmp_path):
    cset = load_criteria_file(write(tmp_path, GOOD))
    assert [c.code for c in cset.criteria()] == ["A1", "A2"]
    assert len(cset.fingerprint) == 64


def test_a_file_that_is_not_yaml_names_the_line_and_the_likely_cause(tmp_path):
    """An unclosed quote: the parser stops three lines on, inside node A1 (line 13); the
    message gives both places and the usual causes, in the reader's language."""
    path = write(tmp_path, GOOD.replace('name: "Tỷ lệ"', 'name: "Tỷ lệ', 1))
    with pytest.raises(CriteriaError) as err:
        load_criteria_file(path)
    assert str(err.value) == (
        f"{path}, dòng 17, cột 34: không phải YAML hợp lệ (did not find expected key), trong "
        "phần bắt đầu ở dòng 13; thường do thiếu một dấu ngoặc kép hoặc thụt lề sai"
    )
    assert err.value.text("en").startswith(f"{path}, line 17, column 34: not valid YAML")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("max: 6\n", "max: 5\n", "nút A: tổng điểm các tiêu chí con (9) khác điểm tối đa (10)"),
        ("code: A2\n", "code: A1\n", "nút A1: mã 'A1' bị trùng"),
        ("denominator: A1.b", "denominator: A9.z", "nút A1: 'denominator' trỏ tới chỉ tiêu 'A9.z'"),
        ('name: "Tỷ lệ"', 'name: "Tỷ lệ"\n        colour: red', "nút A1"),
        (
            "{type: yes_no, input: A2.a}",
            "{type: count, input: A2.a, points_per_item: 1}",
            "nút A2: chỉ tiêu 'A2.a' loại 'yes_no' không dùng được",
        ),
        ("{type: yes_no, input: A2.a}", "{type: steps, input: A2.b, steps: []}", "nút A2"),
        (
            "max: 10\ngroups",
            "max: 12\ngroups",
            "tổng điểm các nhóm (10) khác điểm tối đa của bộ (12)",
        ),
        (
            "rule: {type: ratio, numerator: A1.a, denominator: A1.b}",
            "rule: {type: ratio, numerator: A1.a, denominator: A1.a}",
            "chỉ tiêu 'A1.b' không được quy tắc nào sử dụng",
        ),
        ("level: commune", "level: commune\nlevel: district", "khóa 'level' được viết hai lần"),
    ],
)
def test_broken_files_name_file_and_node(tmp_path, old, new, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CriteriaError) as err:
        load_criteria_file(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_steps_points_above_max_refused(tmp_path):
    text = GOOD.replace(
        "{type: yes_no, input: A2.a}",
        "{type: steps, input: A2.n, steps: [{min: 1, points: 9}]}",
    ).replace('{code: A2.a, label: "Có?", kind: yes_no}', '{code: A2.n, label: "Số", kind: count}')
    with pytest.raises(CriteriaError, match="bậc 1 cho 9 điểm"):
        load_criteria_file(write(tmp_path, text))


@pytest.mark.parametrize(
    ("old", "new", "vi", "en"),
    [
        ('name: "Tỷ lệ"', 'name: "Tỷ lệ"\n        colour: red', "trường không có trong định dạng",
         "a field the format does not have"),
        ("max: 6\n", "max: -6\n", "phải lớn hơn", "must be greater than"),
        ("max: 6\n", "max: sáu\n", "cần một số", "expected a number"),
        ("kind: yes_no", "kind: maybe", "cần một trong:", "expected one of:"),
    ],
)  # fmt: skip
def test_schema_errors_give_their_reason_in_each_language(tmp_path, old, new, vi, en):
    """Pydantic's reasons come from the catalogue, not in English inside a Vietnamese line."""
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CriteriaError) as err:
        load_criteria_file(path)
    assert vi in err.value.text("vi") and en not in err.value.text("vi")
    assert en in err.value.text("en") and vi not in err.value.text("en")
    assert str(path) in err.value.text("en") and ": node " in err.value.text("en")

"""What is wrong with a returned form, as data: a kind, a place, what was found and expected.

A ``Problem`` stores no sentence. Its ``kind`` ("value.negative", "meta.wrong_year") is a
stable identifier that tests, exports and groupings use; ``KINDS`` gives each kind its
Vietnamese sentence, a msgid of the message catalogue (``scoring.text.i18n``), rendered in the
reader's language with the problem's fields only when it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from scoring.model.values import VALUE_KINDS, ValueProblem, escape_controls
from scoring.text.i18n import N_, Phrase, render
from scoring.text.lang import Lang

Severity = Literal["error", "warning"]

KINDS: dict[str, str] = {
    # the container: bytes, magic, zip, XML safety
    "file.too_large": N_(
        "tệp quá lớn (%(found)s MB, tối đa %(expected)s MB): phiếu khảo sát chỉ cần số liệu; "
        "xóa ảnh hoặc trang tính thừa rồi lưu lại"
    ),
    "file.cannot_read": N_("không đọc được tệp (%(found)s)"),
    "file.empty": N_("tệp rỗng (0 byte); gửi lại phiếu đã điền"),
    "file.old_excel": N_(
        "tệp không phải dạng .xlsx: đây là tệp Excel cũ (.xls) đổi tên, hoặc tệp đã đặt "
        "mật khẩu; mở bằng Excel/LibreOffice, bỏ mật khẩu nếu có và lưu lại dưới dạng "
        "Excel Workbook (.xlsx)"
    ),
    "file.not_xlsx": N_(
        "tệp không phải bảng tính Excel .xlsx (nội dung không đúng định dạng); "
        "cần gửi lại đúng tệp phiếu khảo sát dạng .xlsx"
    ),
    "file.damaged": N_("tệp .xlsx bị hỏng (không mở được như một bảng tính); lưu lại tệp từ Excel"),
    "file.zip_bomb": N_(
        "tệp bị từ chối: khi giải nén sẽ chiếm %(found)s MB (%(parts)s thành phần), "
        "vượt giới hạn an toàn (%(expected)s MB); đây không phải phiếu khảo sát bình thường"
    ),
    "file.too_many_cells": N_(
        "tệp bị từ chối: trang tính (%(name)s) có %(found)s ô có nội dung, quá giới "
        "hạn %(expected)s; phiếu khảo sát chỉ có vài trăm ô, xóa các dòng, cột thừa rồi "
        "lưu lại"
    ),
    "file.xml_entities": N_(
        "tệp bị từ chối: phần XML bên trong có khai báo DTD hoặc thực thể (ENTITY), cách "
        "tấn công làm treo máy; Excel không ghi các khai báo này: mở bằng Excel/LibreOffice "
        "và lưu lại"
    ),
    "file.unreadable": N_(
        "không đọc được tệp như một bảng tính Excel (.xlsx): tệp bị hỏng hoặc không "
        "đúng định dạng (%(found)s); mở bằng Excel/LibreOffice và lưu lại"
    ),
    "file.read_aborted": N_(
        "không đọc hết được tệp (%(found)s); mở bằng Excel/LibreOffice, "
        "kiểm tra các ô có giá trị bất thường và lưu lại"
    ),
    # identifying the form: unit, year, criteria version
    "meta.no_sheet": N_(
        "thiếu trang tính '%(expected)s' (có: %(found)s); "
        "phiếu phải là phiếu do chương trình lập, không tự tạo hay sao chép sang tệp khác"
    ),
    "meta.wrong_format": N_("phiếu định dạng %(found)s, chương trình đọc định dạng '%(expected)s'"),
    "meta.no_unit_id": N_("thiếu mã đơn vị (unit_id) trong thông tin phiếu"),
    "meta.file_name": N_(
        "tên tệp '%(found)s' không khớp mã đơn vị %(unit)s ghi trong phiếu; "
        "tệp phiếu của đơn vị này phải tên là %(expected)s"
    ),
    "meta.unknown_unit": N_("mã đơn vị %(found)s không có trong danh sách đơn vị"),
    "meta.unit_not_assessed": N_(
        "đơn vị %(unit)s (%(name)s) không thuộc diện đánh giá năm %(found)s "
        "(chỉ có từ năm %(start)s đến %(end)s)"
    ),
    "meta.wrong_level": N_("phiếu lập cho cấp %(found)s, đơn vị %(unit)s thuộc cấp '%(expected)s'"),
    "meta.wrong_year": N_("phiếu của năm %(found)s, đang đọc phiếu năm %(expected)s"),
    "meta.no_year": N_("phiếu của không ghi năm, đang đọc phiếu năm %(expected)s"),
    "meta.no_criteria": N_(
        "Năm %(expected)s không có bộ tiêu chí cho cấp '%(found)s' "
        "(cần tệp data/criteria/%(expected)s/%(found)s.yaml)"
    ),
    "meta.wrong_version": N_(
        "phiếu lập theo bộ tiêu chí phiên bản %(found)s, bộ hiện hành "
        "là %(expected)s; cần lập lại phiếu theo bộ hiện hành"
    ),
    "meta.wrong_fingerprint": N_(
        "phiếu lập theo bộ tiêu chí phiên bản %(version)s nhưng từ một tệp khác với tệp "
        "hiện hành %(name)s (dấu vân tay %(found)s…, hiện hành %(expected)s…): "
        "tệp bộ tiêu chí đã bị sửa sau khi lập phiếu; cần lập lại phiếu"
    ),
    # reading the inputs sheet
    "sheet.no_inputs": N_(
        "không có trang tính '%(expected)s' (có: %(found)s); không đổi tên trang tính của phiếu"
    ),
    "sheet.no_header": N_(
        "không tìm thấy dòng tiêu đề có các cột '%(code_column)s' và '%(value_column)s' "
        "trong %(rows)s dòng đầu"
    ),
    "sheet.unknown_code": N_(
        "mã %(found)s không có trong bộ tiêu chí; không sửa hay thêm nội dung vào cột '%(column)s'"
    ),
    "sheet.repeated_code": N_("mã %(found)s lặp lại (đã có ở ô %(first)s)"),
    "sheet.self_verified": N_(
        "cột '%(column)s' do cơ quan thẩm định ghi, không phải đơn vị: các giá trị ở "
        "ô %(found)s bị bỏ qua; điểm thẩm định chỉ lấy từ phiếu thẩm định "
        "(data/<năm>/verification/<mã đơn vị>.xlsx)"
    ),
    # values and cross-field checks
    "value.formula_error": N_("ô có lỗi công thức %(found)s; sửa công thức hoặc ghi số"),
    "value.formula_not_calculated": N_(
        "ô có công thức nhưng chưa có giá trị đã tính; mở tệp bằng Excel/LibreOffice và lưu lại"
    ),
    "value.looks_like_fraction": N_(
        "tỷ lệ %(found)s %% trông như một phân số: có phải %(expected)s %%? Tỷ lệ ghi từ 0 "
        "đến 100 (ví dụ %(example)s)"
    ),
    "value.missing_row": N_("phiếu thiếu dòng của chỉ tiêu %(code)s (dòng đã bị xóa?)"),
    "value.required": N_("thiếu giá trị (chỉ tiêu bắt buộc)"),
    "value.required_or_na": N_(
        "thiếu giá trị (chỉ tiêu bắt buộc); nếu tiêu chí %(criterion)s không áp dụng với "
        "đơn vị, ghi '%(expected)s'"
    ),
    "value.ratio_above_one": N_(
        "tử số %(code)s (%(found)s) lớn hơn mẫu số %(denominator)s (%(expected)s) của "
        "tiêu chí %(criterion)s"
    ),
    "value.ratio_above_one_verified": N_(
        "tử số %(code)s (%(found)s) lớn hơn mẫu số %(denominator)s (%(expected)s) của "
        "tiêu chí %(criterion)s (giá trị thẩm định)"
    ),
    "value.unjustified_points": N_(
        "điểm tự chấm %(found)s của tiêu chí %(criterion)s cần giải trình ở cột '%(column)s'"
    ),
    "value.no_evidence": N_(
        "tiêu chí %(criterion)s có giá trị khác 0 nhưng chưa ghi minh chứng (tài liệu "
        "kiểm chứng) ở cột '%(column)s'"
    ),
    "value.suspicious_change": N_(
        "cần xem lại: năm %(previous_year)s là %(found)s, năm %(year)s là %(expected)s (%(why)s)"
    ),
    # a refused cell value (``scoring.model.values.ValueProblem``): found, (why,) expected
    **VALUE_KINDS,
    # the previous year, as validate looks at it (scoring.model.result.compare_with_previous)
    "previous.unreadable": N_(
        "không đọc được đầy đủ dữ liệu năm %(year)s (%(found)s); báo cáo sẽ ghi không so "
        "sánh được với năm trước"
    ),
    "previous.has_errors": N_(
        "không đọc được đầy đủ dữ liệu năm %(year)s (%(found)s lỗi, đầu tiên: %(first)s); "
        "báo cáo sẽ ghi không so sánh được với năm trước"
    ),
    # the year's mapping.csv, checked against both criteria sets (compare.mapping_problems)
    "mapping.unknown_new": N_(
        "dòng %(line)s: mã mới %(found)s không phải tiêu chí nào của năm %(year)s; dòng này "
        "không có tác dụng (kiểm tra lại mã)"
    ),
    "mapping.unknown_old": N_(
        "dòng %(line)s: mã cũ %(found)s không phải tiêu chí nào của năm %(year)s; dòng này "
        "không có tác dụng (kiểm tra lại mã)"
    ),
    # the folder
    "folder.missing": N_("chưa có thư mục phiếu đã nộp của năm %(year)s"),
    "folder.other_spreadsheet": N_(
        "tệp dạng %(found)s không đọc được; mở bằng Excel/LibreOffice và lưu lại "
        "dưới dạng Excel Workbook (.xlsx)"
    ),
    "folder.not_a_form": N_(
        "bỏ qua tệp không phải phiếu khảo sát (.xlsx); tài liệu kiểm chứng để ở thư mục khác"
    ),
    "folder.is_folder": N_("%(found)s là thư mục, không phải tệp phiếu .xlsx"),
    "folder.not_regular_file": N_("%(found)s là không phải tệp thường, không phải tệp phiếu .xlsx"),
    "folder.name_spaces": N_(
        "tên tệp %(found)s có khoảng trắng thừa (ở đầu, cuối hoặc ký tự trắng đặc "
        "biệt); đổi tên thành %(expected)s"
    ),
    "folder.template_file": N_(
        "tệp dạng mẫu (%(found)s) không phải phiếu; mở bằng Excel và lưu lại dạng "
        "Excel Workbook (.xlsx)"
    ),
    "folder.duplicate": N_(
        "đơn vị %(unit)s có %(found)s tệp phiếu (%(names)s); chỉ để lại một tệp trong thư mục"
    ),
    "folder.not_sent": N_("đơn vị %(unit)s (%(name)s) chưa nộp phiếu"),
    # the office's verification forms (``scoring.inputs.verification``)
    "verification.file_name": N_(
        "tệp trong thư mục thẩm định phải tên là <mã đơn vị>.xlsx, của một đơn vị được "
        "đánh giá trong năm"
    ),
    "verification.no_form": N_("có phiếu thẩm định nhưng đơn vị %(unit)s chưa nộp phiếu"),
    "verification.not_ours": N_(
        "không phải phiếu thẩm định của đơn vị %(unit)s (trang '%(sheet_name)s' không ghi "
        "form_format %(expected)s và unit_id %(unit)s); lập lại bằng make verification-forms"
    ),
    "verification.other_year": N_(
        "phiếu thẩm định ghi năm %(found)s ở trang 'Thông tin phiếu', cần năm %(expected)s "
        "(tệp của năm khác?); không lấy số liệu nào từ tệp này: đổi tên tệp, chạy "
        "make verification-forms rồi thẩm định lại"
    ),
    "verification.other_criteria": N_(
        "phiếu thẩm định lập theo bộ tiêu chí có dấu vân tay %(found)s…, bộ tiêu chí hiện "
        "tại là %(expected)s…; không lấy số liệu nào từ tệp này: đổi tên tệp, chạy "
        "make verification-forms rồi thẩm định lại"
    ),
    "verification.form_sent_again": N_(
        "phiếu thẩm định lập từ phiếu của đơn vị có SHA-256 %(found)s…, phiếu hiện "
        "tại là %(expected)s… (đơn vị đã gửi lại phiếu); không lấy số liệu nào từ tệp "
        "này: đổi tên tệp, chạy make verification-forms rồi thẩm định lại"
    ),
    "verification.no_sheet": N_("không có trang tính '%(expected)s'"),
    "verification.no_header": N_(
        "không tìm thấy dòng tiêu đề có các cột '%(code_column)s', '%(verified_column)s' và "
        "'%(reason_column)s'"
    ),
    "verification.unknown_code": N_("mã %(found)s không có trong bộ tiêu chí"),
    "verification.no_reason": N_(
        "giá trị thẩm định %(found)s khác giá trị đơn vị tự đánh giá %(expected)s: cần ghi "
        "lý do ở cột '%(column)s'"
    ),
}
"""Each kind of problem of the returned forms and of the office's verification forms,
with its Vietnamese sentence (a msgid of the catalogue)."""

_WORDS: dict[str, str] = {
    "sheet": N_("trang tính"),
    "cell": N_("ô"),
    "code": N_("mã"),
    "error": N_("Lỗi"),
    "warning": N_("Cảnh báo"),
}


# The columns of ``validate --format csv`` (a Problem's ``as_dict``), in order.
EXPORT_COLUMNS = (
    "kind", "severity", "file", "sheet", "cell", "code", "unit_id",
    "found", "expected", "message_vi", "message_en",
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, located as precisely as possible.

    ``kind`` names the problem (a key of ``KINDS``); ``found`` and ``expected`` are what
    the file holds and what it should; ``params`` are the other fields of its sentence.
    """

    file: str
    sheet: str | None
    cell: str | None
    code: str | None
    severity: Severity = "error"
    unit_id: str | None = None
    kind: str = ""
    found: object = None
    expected: object = None
    params: tuple[tuple[str, object], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def fields(self) -> dict[str, object]:
        """The fields of the sentence: found, expected, code and the problem's own."""
        return {
            "found": self.found,
            "expected": self.expected,
            "code": self.code,
            **dict(self.params),
        }

    def text(self, lang: Lang = "vi") -> str:
        """The message alone, in ``lang``, from the catalogue."""
        return render(KINDS[self.kind], lang, self.fields())

    def format(self, lang: Lang = "vi") -> str:
        """One line: "Lỗi: <tệp>, trang tính '<tên>', ô E12, mã A1.1.a: <nội dung>".

        In English: "Error: <file>, sheet '<name>', cell E12, code A1.1.a: <message>"; the
        file and sheet names are the file's own, untranslated.
        """
        where = [self.file]
        quoted = f"'{self.sheet}'" if self.sheet else None
        for word, value in (("sheet", quoted), ("cell", self.cell), ("code", self.code)):
            if value:
                where.append(f"{render(_WORDS[word], lang)} {value}")
        prefix = render(_WORDS[self.severity], lang)
        # Names and typed text are shown escaped: a newline in a file name must not
        # print a forged "Lỗi:" line.
        return escape_controls(f"{prefix}: {', '.join(where)}: {self.text(lang)}")

    def localized(self, lang: Lang) -> str:
        """The whole line in ``lang``, as a field of another problem's sentence."""
        return self.format(lang)

    def as_dict(self) -> dict[str, Any]:  # its keys: EXPORT_COLUMNS
        """The problem as a row for an export (``scoring validate --format csv|json``)."""
        row = {name: getattr(self, name) for name in EXPORT_COLUMNS[:7]}
        row["found"], row["expected"] = _plain(self.found, "vi"), _plain(self.expected, "vi")
        row["message_vi"], row["message_en"] = self.text("vi"), self.text("en")
        return row


def _plain(value: object, lang: str) -> object:
    """A field as an export shows it: phrases rendered, numbers and text as they are."""
    if isinstance(value, Phrase):
        return render(value.msgid, lang, dict(value.params))
    return value


class Reader:
    """The reading of one file: collects problems as it goes, located in that file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.unit_id: str | None = None
        self.sheet: str | None = None

    def add(
        self,
        kind: str,
        *,
        cell: str | None = None,
        code: str | None = None,
        sheet: str | None = None,
        **fields: Any,
    ) -> None:
        """Record a problem of ``kind`` (a key of ``KINDS``) at ``cell``/``code``; ``fields``
        are ``file_problem``'s: severity, found, expected and the sentence's own."""
        problem = file_problem(self.path, kind, unit_id=self.unit_id, **fields)
        where = sheet if sheet is not None else self.sheet
        self.problems.append(replace(problem, sheet=where, cell=cell, code=code))

    def warn(self, kind: str, **fields: Any) -> None:
        self.add(kind, severity="warning", **fields)

    def add_value(self, exc: ValueProblem, *, cell: str, code: str) -> None:
        """Record a refused cell value (``scoring.model.values``) with its own kind."""
        self.add(
            exc.kind, cell=cell, code=code, found=exc.found, expected=exc.expected, why=exc.why
        )

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def file_problem(
    path: Path,
    kind: str,
    *,
    severity: Severity = "error",
    unit_id: str | None = None,
    found: object = None,
    expected: object = None,
    **params: object,
) -> Problem:
    """A problem about a whole file (or folder), not a cell of it."""
    if kind not in KINDS:
        raise KeyError(f"unknown problem kind {kind!r}")
    return Problem(
        str(path),
        None,
        None,
        None,
        severity=severity,
        unit_id=unit_id,
        kind=kind,
        found=found,
        expected=expected,
        params=tuple(params.items()),
    )

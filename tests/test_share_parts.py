"""The parts of ``make share`` that need no build: addresses, messages, links, texts."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from test_i18n import file_template_texts, python_texts

from scoring.inputs.contacts import is_address, load_emails
from scoring.share import booklet, outbox, province, site
from scoring.share import publish as share
from scoring.text import i18n
from scoring.text.errors import ScoringError, UnitsError
from scoring.views.assets import TEMPLATES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "text",
    ["vanthu@uongbi.gov.vn", "a.b+c@x-y.example", "ubnd.phuong_nam@quangninh.gov.vn"],
)
def test_addresses_accepted(text):
    assert is_address(text)


@pytest.mark.parametrize(
    "text",
    [
        "vanthu@uongbi",
        "vanthu",
        "@uongbi.gov.vn",
        "a..b@x.vn",
        "a@b.vn; c@d.vn",
        "Văn thư <vt@x.vn>",
        "vt@x.vn\r\nBcc: all@x.vn",
        "thư@x.vn",
        "a@-x.vn",
    ],
)
def test_addresses_refused(text):
    assert not is_address(text)


def write_units(path: Path, rows: str, header: str = "id,name,level,valid_from,valid_to,email"):
    path.write_text(f"{header}\n{rows}", encoding="utf-8")
    return path


def test_email_column_is_optional_and_blank_cells_mean_no_address(tmp_path):
    plain = write_units(
        tmp_path / "a.csv", "196,X,district,2011,\n", "id,name,level,valid_from,valid_to"
    )
    assert load_emails(plain) == {}
    with_column = write_units(
        tmp_path / "b.csv", "196,X,district,2011,,\n06808,Y,commune,2011,, vt@x.vn \n"
    )
    assert load_emails(with_column) == {"06808": "vt@x.vn"}


def test_a_wrong_address_names_file_line_and_column(tmp_path):
    path = write_units(
        tmp_path / "units.csv", "196,X,district,2011,,ok@x.vn\n06808,Y,commune,2011,,y@\n"
    )
    with pytest.raises(UnitsError, match=r"units\.csv, dòng 3, cột email: 'y@'"):
        load_emails(path)
    with pytest.raises(UnitsError, match=r"units\.csv, line 3, column email: 'y@'"):
        load_emails(path, "en")


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def test_message_headers_survive_long_vietnamese_and_hostile_names():
    name = 'Phòng Lao động – Thương binh và Xã hội\r\nBcc: all@x.vn, "<b>" &'
    subject = "Kết quả đánh giá mức độ chính quyền điện tử năm 2018 – " + name
    files = [outbox.Attachment("a.pdf", "application", "pdf", b"%PDF-1.7 x")]
    data = outbox.message(name, "vt@x.example", subject, "Kính gửi đơn vị.\n", files)
    msg = parse(data)
    assert "Bcc" not in msg and msg["X-Unsent"] == "1"
    flat = " ".join(name.split())
    assert msg["Subject"] == " ".join(subject.split())  # no space lost at a fold
    assert msg["To"].addresses[0].display_name == flat
    assert msg["To"].addresses[0].addr_spec == "vt@x.example"
    assert msg.get_body(("plain",)).get_content() == "Kính gửi đơn vị.\n"
    [part] = list(msg.iter_attachments())
    assert part.get_filename() == "a.pdf" and part.get_content() == b"%PDF-1.7 x"
    head = data.split(b"\r\n\r\n")[0].decode("ascii")
    assert all(len(line) <= 78 for line in head.split("Subject:")[1].split("\r\n"))
    assert all(len(line) < 998 for line in data.split(b"\r\n"))
    assert outbox.message(name, "vt@x.example", subject, "Kính gửi đơn vị.\n", files) == data


def test_template_errors_name_the_file_and_line(tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "email.vi.txt").write_text("Kính gửi\n{{ unit_name \n", encoding="utf-8")
    with pytest.raises(ScoringError, match=r"email\.vi\.txt, dòng 2: mẫu thư"):
        outbox.load_template(tmp_path, "vi")
    (folder / "email.vi.txt").write_text("Kính gửi {{ ten_don_vi }}\n", encoding="utf-8")
    where, template = outbox.load_template(tmp_path, "vi")
    with pytest.raises(ScoringError, match="email.vi.txt.*ten_don_vi"):
        outbox.body(template, where, {"unit_name": "X"}, "vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_sample_template_is_the_shipped_one(lang):
    shipped = (TEMPLATES / f"email.{lang}.txt").read_text(encoding="utf-8")
    sample = ROOT / "data" / "share" / f"email.{lang}.txt"
    assert sample.read_text(encoding="utf-8") == shipped


def test_links_outside_the_folder_are_recognised():
    page = (
        '<a href="units/a.html#x">a</a><img src="data:image/png;base64,AA">'
        '<link href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>'
        '<div style="background: url(\'img/b.png\')"></div><style>@import "c.css";</style>'
        '<a href="#top">t</a><a href="../up.html">u</a>'
    )
    refs = site.references(page)
    assert [r for r in refs if site.is_external(r)] == [
        "https://cdn.example/x.css",
        "//cdn.example/x.js",
    ]
    assert site.local_target("index.html", "units/a.html#x") == "units/a.html"
    assert site.local_target("units/a.html", "../index.html") == "index.html"
    assert site.local_target("index.html", "../up.html") is None
    assert {"img/b.png", "c.css", "#top"} <= set(refs)


def test_every_text_of_share_has_an_english_translation():
    texts = python_texts(share, province, outbox, booklet, site) | file_template_texts(
        TEMPLATES / "share_index.html.j2"
    )
    assert len(texts) > 20
    assert sorted(texts - set(i18n.catalogue("en"))) == []


def test_validate_checks_the_addresses_too(tmp_path):
    import shutil

    from helpers import scoring

    data = tmp_path / "data"
    shutil.copytree(
        ROOT / "data",
        data,
        ignore=shutil.ignore_patterns("2017", "forms", "2019", "2020", "unit_changes.csv"),
    )
    units = (data / "units.csv").read_text(encoding="utf-8")
    (data / "units.csv").write_text(
        units.replace("ubnd@uongbi.example", "ubnd at uongbi"), encoding="utf-8"
    )
    run = scoring("validate", "--year", "2018", "--data", str(data))
    assert run.returncode == 1
    assert "units.csv, dòng 2, cột email: 'ubnd at uongbi'" in run.stderr
    assert "Có 1 lỗi cần sửa" in run.stderr

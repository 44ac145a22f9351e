"""``make share`` end to end on a part of the embedded sample, checked by opening what it
wrote: the site's links resolved inside its folder, each draft message and its
attachments parsed, the workbooks read with openpyxl, the booklet read with pypdf.

The data are the sample's city, two departments and two communes (both years), with
one unit renamed to carry markup and a formula, so that escaping is checked everywhere.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import shutil
import zipfile
from pathlib import Path

import helpers
import pytest
from helpers import DATA, build, scoring
from openpyxl import load_workbook
from pypdf import PdfReader

from scoring.share import site as links

pytestmark = pytest.mark.e2e

KEEP = ["196", "196-NV", "196-TTR", "06808", "07141"]
EVIL = '=Phường <b>Vàng Danh</b> & "Cô" <script>x()</script>'
DEADLINE = "Hạn gửi ý kiến: trước 16 giờ ngày 20/10/2018 (thử nghiệm)."
SUBJECT = "Kết quả đánh giá mức độ chính quyền điện tử năm 2018 – "


def make_data(root: Path) -> Path:
    """A copy of the sample limited to KEEP, 06808 renamed to EVIL, a template edited."""
    data = root / "data"
    shutil.copytree(
        DATA, data, ignore=shutil.ignore_patterns("forms", "2019", "2020", "unit_changes.csv")
    )
    for year in ("2017", "2018"):
        for folder in ("submissions", "verification"):  # a unit's form and the office's file
            for form in (data / year / folder).glob("*.xlsx"):
                if form.stem not in KEEP:
                    form.unlink()
    with open(DATA / "units.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["id"] in KEEP]
    for row in rows:
        if row["id"] == "06808":
            row["name"] = EVIL
    with open(data / "units.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    template = data / "share" / "email.vi.txt"
    template.write_text(template.read_text(encoding="utf-8") + DEADLINE + "\n", encoding="utf-8")
    return data


def share(data: Path, out: Path, *extra: str):
    return scoring(
        "share",
        "--year",
        "2018",
        "--data",
        str(data),
        "--reports",
        str(out / "reports"),
        "--build",
        str(out / "build"),
        *extra,
    )


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    out = tmp_path_factory.mktemp("share")
    data = make_data(out)
    run = build(data, out)
    assert run.returncode == 0, run.stderr[-3000:]
    first = share(data, out)
    assert first.returncode == 0, first.stderr[-3000:]
    return {"out": out, "data": data, "run": first}


def reports(shared) -> Path:
    return shared["out"] / "reports"


def site(shared) -> Path:
    return reports(shared) / "share" / "2018" / "site"


def scores(shared) -> dict[str, dict[str, str]]:
    """scores.csv by unit, names as units.csv has them (scores.csv guards a name starting
    with "=" by a leading "'", so that Excel shows it as text)."""
    with open(shared["data"] / "units.csv", encoding="utf-8", newline="") as fh:
        names = {r["id"]: r["name"] for r in csv.DictReader(fh)}
    with open(reports(shared) / "2018" / "scores.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["unit_id"]: r for r in csv.DictReader(fh)}
    for uid, row in rows.items():
        assert row["name"] in (names[uid], "'" + names[uid])
        row["name"] = names[uid]
    return rows


def emails(shared) -> dict[str, str]:
    with open(shared["data"] / "units.csv", encoding="utf-8", newline="") as fh:
        return {r["id"]: r["email"] for r in csv.DictReader(fh) if r["email"]}


def vi(value: float) -> str:
    return f"{value:,.2f}".replace(",", "x").replace(".", ",").replace("x", ".")


# ------------------------------------------------------------------------------ site


def test_site_holds_every_report_and_table(shared):
    folder = site(shared)
    expected = {
        "index.html",
        "ranking.html",
        "ranking.pdf",
        "ranking.xlsx",
        "scores.csv",
        "criteria_scores.csv",
        "booklet.pdf",
        "2018.zip",
    }
    expected |= {f"units/{uid}.{ext}" for uid in KEEP for ext in ("html", "pdf")}
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert found == expected
    for name in expected - {"index.html", "2018.zip", "booklet.pdf"}:
        assert (folder / name).read_bytes() == (reports(shared) / "2018" / name).read_bytes()


def test_every_link_resolves_inside_the_folder(shared):
    folder = site(shared)
    pages = [p for p in folder.rglob("*.html")]
    assert len(pages) == 2 + len(KEEP)  # the index, the ranking, the units
    checked = 0
    for page in pages:
        name = page.relative_to(folder).as_posix()
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""\b(src|href|action)\s*=\s*["']?\s*(https?:|//|file:)""", text)
        for ref in links.references(text):
            assert not links.is_external(ref), (name, ref)
            if links.is_internal(ref):
                continue
            target = links.local_target(name, ref)
            assert target is not None and (folder / target).is_file(), (name, ref)
            checked += 1
    assert checked >= 2 * len(KEEP) + 6  # the index's links at least


def test_index_shows_each_unit_sortable_and_filterable(shared):
    page = (site(shared) / "index.html").read_text(encoding="utf-8")
    table = scores(shared)
    for uid, row in table.items():
        assert f'href="units/{uid}.html"' in page and f'href="units/{uid}.pdf"' in page
        total = vi(float(row["total"]))
        assert f">{total}/" in page, uid
        assert f"{row['rank']}/{row['peers']}" in page
    assert page.count("<tr data-name=") == len(KEEP)
    for heading in ("Cấp", "Tổng điểm", "Tỷ lệ", "Xếp loại", "Hạng"):
        assert f'data-type="num">{heading}</button>' in page
    assert 'href="2018.zip" download' in page
    assert 'normalize("NFD")' in page and 'id="filter"' in page
    assert "<script>x()" not in page and "&lt;script&gt;x()" in page


def test_zip_holds_the_site(shared):
    folder = site(shared)
    archive = reports(shared) / "share" / "2018.zip"
    assert (folder / "2018.zip").read_bytes() == archive.read_bytes()
    with zipfile.ZipFile(archive) as zf:
        names = {n.removeprefix("site/"): n for n in zf.namelist()}
        on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert set(names) == on_disk - {"2018.zip"}
        for name, entry in names.items():
            if name != "index.html":
                assert zf.read(entry) == (folder / name).read_bytes(), name
        index = zf.read("site/index.html").decode("utf-8")
    assert "2018.zip" not in index and 'href="units/196.html"' in index


# ---------------------------------------------------------------------------- outbox


def parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def top_three(shared, uid: str) -> list[str]:
    """The three applicable criteria with the most points to gain, from the CSV."""
    with open(reports(shared) / "2018" / "criteria_scores.csv", encoding="utf-8-sig") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["unit_id"] == uid and r["is_criterion"] == "True" and r["applicable"] == "True"
        ]
    gains = [(float(r["max"]) - float(r["points"]), r["code"]) for r in rows]
    return [code for gain, code in sorted(gains, key=lambda g: (-g[0], g[1])) if gain > 1e-9][:3]


def test_a_draft_per_unit_with_an_address(shared):
    outbox = reports(shared) / "share" / "2018" / "outbox"
    addresses = emails(shared)
    assert sorted(p.stem for p in outbox.glob("*.eml")) == sorted(addresses)
    table = scores(shared)
    for uid, address in addresses.items():
        msg = parse(outbox / f"{uid}.eml")
        assert msg["X-Unsent"] == "1"
        assert [a.addr_spec for a in msg["To"].addresses] == [address]
        assert msg["To"].addresses[0].display_name == " ".join(table[uid]["name"].split())
        assert msg["Subject"] == SUBJECT + " ".join(table[uid]["name"].split())
        assert "Date" not in msg and "From" not in msg
        text = msg.get_body(("plain",)).get_content()
        row = table[uid]
        assert f"{vi(float(row['total']))}/{row['max'].removesuffix('.0')}" in text
        assert f"Xếp loại: {row['band']}" in text
        assert f"Xếp hạng: {row['rank']}/{row['peers']}" in text
        codes = re.findall(r"^\d\. (\S+) – ", text, re.M)
        assert codes == top_three(shared, uid)
        assert DEADLINE in text
        parts = {a.get_filename(): a for a in msg.iter_attachments()}
        assert set(parts) == {f"{uid}-2018.pdf", f"{uid}-2018-tieu-chi.xlsx"}
        pdf = parts[f"{uid}-2018.pdf"].get_content()
        assert pdf == (reports(shared) / "2018" / "units" / f"{uid}.pdf").read_bytes()
        wb = load_workbook(io.BytesIO(parts[f"{uid}-2018-tieu-chi.xlsx"].get_content()))
        last = list(wb.active.iter_rows(values_only=True))[-1]
        # scores.csv holds the total as shown (2 decimals), the workbook the exact one
        assert last[1] == "Tổng cộng"
        assert last[7] == pytest.approx(float(row["total"]), abs=0.005)


def test_units_without_an_address_are_listed_at_the_end(shared):
    err = shared["run"].stderr
    missing = sorted(set(KEEP) - set(emails(shared)))
    assert missing  # the sample leaves some units without an address
    tail = err[err.index("chưa có địa chỉ thư điện tử") :]
    for uid in missing:
        assert re.search(rf"^\s+{re.escape(uid)}\s", tail, re.M), uid


def share_with_units_edited(shared, tmp_path, old: str, new: str):
    """``make share`` on a copy of the shared data and reports (without their share folder)
    whose units.csv has ``old`` replaced by ``new``; returns the run and the output folder."""
    data = tmp_path / "data"
    shutil.copytree(shared["data"], data)
    text = (data / "units.csv").read_text(encoding="utf-8")
    (data / "units.csv").write_text(text.replace(old, new), encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(
        shared["out"] / "reports", out / "reports", ignore=shutil.ignore_patterns("share")
    )
    return share(data, out), out


def test_a_wrong_address_is_refused_before_anything_is_written(shared, tmp_path):
    run, out = share_with_units_edited(shared, tmp_path, "ubnd@uongbi.example", "ubnd@uongbi")
    assert run.returncode == 2  # a unit-list error, like the others (issue 13)
    assert "units.csv, dòng 2, cột email: 'ubnd@uongbi'" in run.stderr
    assert not (out / "reports" / "share").exists()


def test_stale_reports_are_refused(shared, tmp_path):
    run, out = share_with_units_edited(shared, tmp_path, "Phòng Nội vụ", "Phòng Nội vụ mới")
    assert run.returncode == 1
    assert "make reports YEAR=2018" in run.stderr and "scores.csv" in run.stderr
    assert not (out / "reports" / "share").exists()


# -------------------------------------------------------------------------- province


def test_province_copy_is_the_criteria_set_with_the_reports_totals(shared):
    folder = reports(shared) / "share" / "2018" / "province"
    assert sorted(p.name for p in folder.iterdir()) == ["196.xlsx"]
    ws = load_workbook(folder / "196.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(
        (
            "Mã",
            "Nhóm tiêu chí",
            "Nhóm con",
            "Tiêu chí",
            "Điểm tối đa",
            "Điểm tự đánh giá",
            "Điểm thẩm định",
            "Điểm đạt",
            "Minh chứng",
        )
    )
    body = rows[header + 1 :]
    city = scores(shared)["196"]
    groups = {r[0]: r for r in body if r[1]}
    assert set(groups) == {"A", "B", "C", None}  # None: the total row
    for code in "ABC":
        assert groups[code][7] == pytest.approx(float(city[code]))
        assert groups[code][4] == pytest.approx(float(city[f"{code}_max"]))
    total = groups[None]
    assert total[1] == "Tổng cộng"
    assert total[5] == pytest.approx(150.77) and total[6] == pytest.approx(146)
    assert total[7] == pytest.approx(float(city["total"]))
    criteria = [r for r in body if r[3]]
    assert len(criteria) > 30 and all(r[0] and r[4] is not None for r in criteria)
    assert sum(1 for r in criteria if r[8]) > 20  # evidence cited by the city
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${header + 1}:${header + 1}"


def test_input_text_stays_text_in_workbooks(shared):
    outbox = reports(shared) / "share" / "2018" / "outbox"
    msg = parse(outbox / "06808.eml")
    assert msg["Subject"].endswith(" ".join(EVIL.split()))
    part = next(a for a in msg.iter_attachments() if a.get_filename().endswith(".xlsx"))
    ws = load_workbook(io.BytesIO(part.get_content())).active
    assert ws["A1"].data_type == "s" and ws["A1"].value.endswith(EVIL)


# --------------------------------------------------------------------------- booklet


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def test_booklet_has_contents_page_numbers_and_a_bookmark_per_unit(shared):
    year = reports(shared) / "2018"
    reader = PdfReader(year / "booklet.pdf")
    marks = outline(reader)
    names = {row["name"]: uid for uid, row in scores(shared).items()}
    units = [(title, page) for depth, title, page in marks if depth == 1]
    assert sorted(t for t, _ in units) == sorted(names)
    ranking = next(page for depth, title, page in marks if title == "Bảng xếp hạng")
    contents_pages = ranking
    parts = [ranking] + [page for _, page in units]
    sizes = [len(PdfReader(year / "ranking.pdf").pages)]
    sizes += [len(PdfReader(year / "units" / f"{names[t]}.pdf").pages) for t, _ in units]
    assert len(reader.pages) == contents_pages + sum(sizes)
    for start, size in zip(parts, sizes, strict=True):
        assert start + size in parts[1:] + [len(reader.pages)]
    total = len(reader.pages)
    for number in (0, ranking, units[-1][1], total - 1):
        assert f"Trang {number + 1}/{total}" in reader.pages[number].extract_text()
    contents = reader.pages[0].extract_text()
    for title, page in units:
        assert ("Vàng Danh" if title == EVIL else title.split()[-1]) in contents
        assert re.search(rf"\.\s*{page + 1}\b", contents)
    assert "<b>Vàng Danh</b>" in contents  # shown as typed: escaped, not interpreted


def test_booklet_is_byte_identical_when_built_again(shared):
    year = reports(shared) / "2018"
    before = (year / "booklet.pdf").read_bytes()
    (year / "booklet.pdf").unlink()
    run = share(shared["data"], shared["out"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert (year / "booklet.pdf").read_bytes() == before


# ----------------------------------------------------------------------- incremental


def outputs(shared) -> dict[Path, int]:
    root = reports(shared)
    found = [p for p in (root / "share").rglob("*") if p.is_file()]
    return {p: p.stat().st_mtime_ns for p in [*found, root / "2018" / "booklet.pdf"]}


def test_nothing_changed_is_a_no_op(shared):
    before = outputs(shared)
    run = share(shared["data"], shared["out"])
    assert run.returncode == 0, run.stderr
    assert "không có gì thay đổi" in run.stderr
    assert "chưa có địa chỉ thư điện tử" in run.stderr  # the list is printed again
    assert outputs(shared) == before  # nothing rewritten (its time: about 0,3 s)


def test_a_template_edit_rewrites_the_drafts_only(shared):
    template = shared["data"] / "share" / "email.vi.txt"
    original = template.read_text(encoding="utf-8")
    before = outputs(shared)
    template.write_text(original.replace(DEADLINE, DEADLINE + " Lần 2."), encoding="utf-8")
    try:
        run = share(shared["data"], shared["out"])
        assert run.returncode == 0, run.stderr[-2000:]
        after = outputs(shared)
        changed = {p.name for p in before if after[p] != before[p]}
        assert changed == {f"{uid}.eml" for uid in emails(shared)}
        assert (
            "Lần 2."
            in parse(reports(shared) / "share/2018/outbox/196.eml")
            .get_body(("plain",))
            .get_content()
        )
    finally:
        template.write_text(original, encoding="utf-8")


# --------------------------------------------------------------------------- browser
# A small Selenium check of the index in headless Chromium (Debian's chromium-driver):
# from the file system and from a static web server on 127.0.0.1, with a proxy to
# nowhere so that any request leaving the machine fails; every resource the pages load
# must come from the site's folder. Skipped when Selenium, chromium or chromedriver is
# missing.


@pytest.fixture(scope="module")
def chrome(tmp_path_factory):
    pytest.importorskip("selenium.webdriver", reason="needs selenium")
    if not (helpers.CHROMIUM.exists() and helpers.CHROMEDRIVER.exists()):
        pytest.skip("needs chromium and chromedriver (Debian: chromium-driver)")
    profile = tmp_path_factory.mktemp("chromium-share")
    driver = helpers.chrome(profile, "--proxy-server=127.0.0.1:9")
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def served(shared):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site(shared)))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def resources(driver) -> list[str]:
    return driver.execute_script(
        "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"
    )


def visible_names(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('tr[data-name]')]"
        ".filter(tr => getComputedStyle(tr).display !== 'none').map(tr => tr.dataset.name)"
    )


@pytest.mark.browser
@pytest.mark.parametrize("where", ["file", "http"])
def test_index_in_a_browser_stays_in_the_folder_sorts_and_filters(shared, chrome, served, where):
    from selenium.webdriver.common.by import By

    base = site(shared).resolve().as_uri() + "/" if where == "file" else served
    for page in ("index.html", "ranking.html", "units/196.html"):
        chrome.get(base + page)
        assert chrome.execute_script("return document.readyState") == "complete"
        assert all(url.startswith((base, "data:")) for url in resources(chrome)), page
        assert chrome.title
    chrome.get(base + "index.html")
    box = chrome.find_element(By.ID, "filter")
    box.send_keys("DIEN cong")
    assert visible_names(chrome) == ["Xã Điền Công"]
    box.clear()
    box.send_keys("Điền")
    assert visible_names(chrome) == ["Xã Điền Công"]
    box.clear()
    chrome.execute_script("document.getElementById('filter').dispatchEvent(new Event('input'))")
    assert len(visible_names(chrome)) == len(KEEP)
    table = scores(shared)
    by_name = {row["name"]: float(row["percent"]) for row in table.values()}
    header = chrome.find_element(By.XPATH, "//th/button[normalize-space()='Tỷ lệ']")
    header.click()
    ascending = visible_names(chrome)
    assert [by_name[n] for n in ascending] == sorted(by_name[n] for n in ascending)
    header.click()
    assert visible_names(chrome) == ascending[::-1] or [
        by_name[n] for n in visible_names(chrome)
    ] == sorted(by_name.values(), reverse=True)
    link = chrome.find_element(By.LINK_TEXT, "Tải toàn bộ (tệp nén .zip)")
    assert link.get_attribute("href") == base + "2018.zip"

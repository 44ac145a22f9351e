"""``make share``: the site and its zip, a draft message per unit, the province's copy
and the booklet, built on the finished reports (``share/<year>/``, ``<year>/booklet.pdf``).

The year is scored again and sharing is refused when the reports do not show those
scores (reports older than the data). A run with the same inputs, code and options and
every output in place stops at once; otherwise only changed bytes are written."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.analysis.tables import write_scores
from scoring.build.run import scored_year
from scoring.build.state import code_digest, read_dict
from scoring.build.state import key as _digest
from scoring.config import BuildConfig
from scoring.inputs.contacts import load_emails
from scoring.inputs.year import build_date
from scoring.io import remove_temp_files, sha256_file, write_bytes, write_text
from scoring.model.criteria import CITY_LEVEL, LEVEL_NAMES_VI, LEVELS
from scoring.share import outbox, site
from scoring.share.booklet import Part, booklet_typst
from scoring.share.province import assessment_workbook
from scoring.text import numfmt
from scoring.text.console import shown_path
from scoring.text.errors import ScoringError
from scoring.text.i18n import translator
from scoring.views.report import LEVEL_TITLES
from scoring.views.typeset.document import write_pdf

if TYPE_CHECKING:
    from scoring.model.result import YearResult


@dataclass(frozen=True)
class SharePaths:
    data: Path
    reports: Path
    build: Path
    year: int

    # Where each output goes: a property each, so that a path is named in one place.
    year_reports = property(lambda self: self.reports / str(self.year))
    share = property(lambda self: self.reports / "share" / str(self.year))
    site = property(lambda self: self.share / "site")
    outbox = property(lambda self: self.share / "outbox")
    province = property(lambda self: self.share / "province")
    zip = property(lambda self: self.reports / "share" / f"{self.year}.zip")
    booklet = property(lambda self: self.year_reports / "booklet.pdf")
    state = property(lambda self: self.build / str(self.year) / "share.json")


def _file_hashes(root: Path, paths: list[Path]) -> list[tuple[str, str]]:
    """(path relative to ``root``, sha256 of its bytes) of every regular file given,
    leaving out hidden ones (the temporary files of a killed writer, ``.~lock`` files)."""
    kept = [path for path in sorted(paths) if path.is_file() and not path.name.startswith(".")]
    return [(path.relative_to(root).as_posix(), sha256_file(path)) for path in kept]


def inputs_key(paths: SharePaths, lang: str, epoch: str = "") -> str:
    """What every output of the share depends on, by content."""
    data = paths.data
    data_files = [
        data / "units.csv",
        *(data / "criteria" / str(paths.year)).glob("*"),
        *(data / str(paths.year)).rglob("*"),
        *(data / "share").glob("*"),
    ]
    report_files = [
        p
        for p in paths.year_reports.rglob("*")
        if p != paths.booklet and "share" not in p.relative_to(paths.reports).parts
    ]
    shipped = Path(__file__).parents[1] / "views" / "templates"  # the message templates
    return _digest(
        code_digest(),
        _file_hashes(shipped, list(shipped.glob("*.txt"))),
        lang,
        paths.year,
        epoch,
        _file_hashes(data, data_files),
        _file_hashes(paths.reports, report_files),
    )


def _nothing_to_do(paths: SharePaths, key: str, state: dict[str, object], lang: str) -> bool:
    outputs = state.get("outputs")
    if state.get("key") != key or not isinstance(outputs, list) or not outputs:
        return False
    if not all((paths.reports / str(name)).is_file() for name in outputs):
        return False
    lines = state.get("lines")
    for line in lines if isinstance(lines, list) else []:
        print(line, file=sys.stderr)
    _ = translator(lang)
    line = _("Năm %(year)s: không có gì thay đổi từ lần chia sẻ trước; giữ nguyên các tệp.")
    print(line % {"year": paths.year}, file=sys.stderr)
    return True


def share(
    data: Path, year: int, reports: Path, build_dir: Path, lang: str = "vi", epoch: str = ""
) -> int:
    """Write everything ``make share`` promises for ``year``; returns the exit status.
    ``epoch``: the build configuration's SOURCE_DATE_EPOCH (the reports' date)."""
    _ = translator(lang)
    paths = SharePaths(Path(data), Path(reports), Path(build_dir), year)
    if not (paths.year_reports / "scores.csv").is_file():
        raise ScoringError(
            _(
                "Chưa có báo cáo năm %(year)s trong %(folder)s: "
                "chạy make reports YEAR=%(year)s trước."
            )
            % {"year": year, "folder": shown_path(paths.reports)}
        )
    key = inputs_key(paths, lang, epoch)
    state: dict[str, object] = read_dict(paths.state) or {}
    if _nothing_to_do(paths, key, state, lang):
        return 0
    paths.state.unlink(missing_ok=True)  # forgotten until every output is written again

    emails = load_emails(paths.data / "units.csv", lang)  # a bad address stops before writing
    result = _current_result(paths, lang, epoch)
    for folder in (paths.share, paths.reports / "share"):
        remove_temp_files(folder, recursive=folder == paths.share)
    booklet_key = _write_booklet(result, paths, state, lang)
    province = _write_province(result, paths, lang)
    written, missing = _write_outbox(result, paths, emails, lang)
    site_files, zip_key = _write_site(result, paths, state, lang)
    site_paths = [paths.site / name for name in site_files]
    outputs = [paths.booklet, *province, *written, *site_paths, paths.zip]
    lines = _summary(result, paths, len(site_files), len(written), missing, lang)
    lines[0] += " " + _province_note(result, paths, bool(province), lang)
    for line in lines:
        print(line, file=sys.stderr)
    done = sorted(p.relative_to(paths.reports).as_posix() for p in outputs)
    record = {"key": key, "booklet": booklet_key, "zip": zip_key, "lines": lines, "outputs": done}
    write_text(paths.state, json.dumps(record, ensure_ascii=False, indent=1))
    return 0


def _current_result(paths: SharePaths, lang: str, epoch: str) -> YearResult:
    """The year's scores, refused when the reports do not show them (or are missing)."""
    _ = translator(lang)
    fixed = BuildConfig(source_date_epoch=epoch).fixed_date()
    result = scored_year(paths.data, paths.year, paths.build, fixed)
    stale = _(
        "Báo cáo năm %(year)s trong %(folder)s chưa theo dữ liệu hiện tại (%(what)s): "
        "chạy make reports YEAR=%(year)s trước khi chia sẻ."
    )
    with tempfile.TemporaryDirectory() as tmp:
        write_scores(result, Path(tmp))
        changed = [
            name
            for name in ("scores.csv", "criteria_scores.csv")
            if (Path(tmp) / name).read_bytes() != _read(paths.year_reports / name)
        ]
    ranking = _read(paths.year_reports / "ranking.html") or b""
    written_in = re.search(rb'<html lang="([a-z]+)"', ranking)
    shown_in = written_in.group(1).decode() if written_in else lang
    other_lang = [f"lang {shown_in}, not {lang}"] if shown_in != lang else []
    pages = [f"units/{u.id}.{x}" for u in result.scored_units() for x in ("html", "pdf")]
    absent = [n for n in ("ranking.html", *pages) if not (paths.year_reports / n).is_file()]
    what = changed[:1] or other_lang or absent[:5]
    if what:
        where = {"year": paths.year, "folder": shown_path(paths.year_reports)}
        raise ScoringError(stale % (where | {"what": ", ".join(what)}))
    return result


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _ordered_units(result: YearResult) -> list[str]:
    """The scored units (those a letter or workbook is made for): city first, by rank, name."""
    order = {level: n for n, level in enumerate(LEVELS)}
    units = list(result.scored_units())
    units.sort(key=lambda u: (order.get(u.level, 9), result.ranks[u.id], u.name, u.id))
    return [u.id for u in units]


def _assessed_units(result: YearResult) -> list[str]:
    """Every unit assessed in the year, as the ranking lists them: level by level, the
    scored units by rank, then those that sent no form, by name."""
    scored = _ordered_units(result)
    ids: list[str] = []
    for level in result.levels():
        ids += [uid for uid in scored if result.unit(uid).level == level]
        ids += sorted(result.missing.get(level, []), key=lambda u: (result.unit(u).name, u))
    return ids


def _standing(result: YearResult, uid: str, lang: str) -> str:
    """A unit's line in the booklet's contents: rank and band ("hạng 3/8, Khá"), or for a
    unit that sent no form "chưa nộp phiếu, hạng 8/8" (or without a rank)."""
    _ = translator(lang)
    figures = {"rank": result.ranks.get(uid), "peers": result.peer_count(uid)}
    if not result.is_missing(uid):
        return _("hạng %(rank)s/%(peers)s, %(band)s") % {**figures, "band": _(result.band(uid))}
    if figures["rank"] is None:
        return _("chưa nộp phiếu, không xếp hạng")
    return _("chưa nộp phiếu, hạng %(rank)s/%(peers)s") % figures


def _write_booklet(
    result: YearResult, paths: SharePaths, state: dict[str, object], lang: str
) -> str:
    _ = translator(lang)
    executed = paths.build / str(paths.year) / "notebooks"
    parts = [Part(_("Bảng xếp hạng"), "", "", executed / "ranking.ipynb")]
    for uid in _assessed_units(result):
        unit, detail = result.unit(uid), _standing(result, uid, lang)
        group = _(LEVEL_TITLES[unit.level])
        parts.append(Part(unit.name, detail, group, executed / f"{uid}.ipynb"))
    title = _("Kết quả đánh giá mức độ chính quyền điện tử năm %(year)s") % {"year": result.year}
    body = booklet_typst(title, parts, lang)
    date = build_date(result)
    key = _digest(code_digest(), date, hashlib.sha256(body.typst.encode("utf-8")).hexdigest())
    if state.get("booklet") != key or not paths.booklet.is_file():
        images = paths.build / str(paths.year) / "images"  # the build's, as the reports'
        write_pdf(body, title, paths.booklet, date, lang, images)
    return key


def _write_folder(folder: Path, suffix: str, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write ``files`` (name, bytes) into ``folder`` and delete its other ``suffix`` files
    (a unit that left the list, an address removed): they would show what is no longer true."""
    written = []
    for name, data in files:
        write_bytes(folder / name, data)
        written.append(folder / name)
    if folder.is_dir():
        for path in folder.glob(f"*{suffix}"):
            if path not in written:
                path.unlink()
    return written


def _write_province(result: YearResult, paths: SharePaths, lang: str) -> list[Path]:
    cities = [uid for uid in _ordered_units(result) if result.unit(uid).level == CITY_LEVEL]
    books = ((f"{uid}.xlsx", assessment_workbook(result, uid, lang)) for uid in cities)
    return _write_folder(paths.province, ".xlsx", books)


def _write_outbox(
    result: YearResult, paths: SharePaths, emails: dict[str, str], lang: str
) -> tuple[list[Path], list[str]]:
    """The drafts written, and the ids of the units without an address."""
    where, template = outbox.load_template(paths.data, lang)
    units = _ordered_units(result)
    xlsx = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def draft(uid: str) -> bytes:
        text = outbox.body(template, where, outbox.fields(result, uid, lang), lang)
        pdf = (paths.year_reports / "units" / f"{uid}.pdf").read_bytes()
        book = assessment_workbook(result, uid, lang)
        attachments = [
            outbox.Attachment(f"{uid}-{result.year}.pdf", "application", "pdf", pdf),
            outbox.Attachment(f"{uid}-{result.year}-tieu-chi.xlsx", "application", xlsx, book),
        ]
        name, subject = result.unit(uid).name, outbox.subject(result, uid, lang)
        return outbox.message(name, emails[uid], subject, text, attachments)

    drafts = ((f"{uid}.eml", draft(uid)) for uid in units if emails.get(uid))
    return _write_folder(paths.outbox, ".eml", drafts), [u for u in units if not emails.get(u)]


def _index_rows(result: YearResult, present: set[str], lang: str) -> list[dict[str, object]]:
    _ = translator(lang)
    bands = [b.name for b in result.inputs.criteria.bands]
    rows = []
    for uid in _assessed_units(result):
        unit = result.unit(uid)
        html, pdf = f"units/{uid}.html", f"units/{uid}.pdf"
        rank = result.ranks.get(uid)
        row: dict[str, object] = {
            "name": unit.name,
            "level": _(LEVEL_NAMES_VI[unit.level]),
            "level_order": LEVELS.index(unit.level),
            "rank": rank if rank is not None else 99999,  # unranked: after every rank
            "rank_text": f"{rank}/{result.peer_count(uid)}" if rank is not None else "–",
            "html": html if html in present else None,
            "pdf": pdf if pdf in present else None,
        }
        if result.is_missing(uid):  # no form: no score to show, and says so
            row |= {"total": "–", "total_value": "-1", "percent": "–", "percent_value": "-1"}
            row |= {"band": _("Chưa nộp phiếu"), "band_order": len(bands)}
        else:
            score = result.official[uid]
            row |= {
                "total": numfmt.score(score.total, score.max, lang),
                "total_value": f"{score.total:.9f}",
                "percent": numfmt.percent(score.percent, lang=lang),
                "percent_value": f"{score.percent:.9f}",
                "band": _(result.band(uid)),
                "band_order": bands.index(result.band(uid)),
            }
        rows.append(row)
    return rows


def _write_site(
    result: YearResult, paths: SharePaths, state: dict[str, object], lang: str
) -> tuple[list[str], str]:
    """The site folder and the zip; returns the site's file names and the zip's key."""
    sources = site.source_files(paths.year_reports, _assessed_units(result))
    files = {name: path.read_bytes() for name, path in sources.items()}
    rows = _index_rows(result, set(files), lang)
    zip_name = f"{result.year}.zip"
    zipped = files | {
        "index.html": site.index_page(result.year, rows, files, lang, None).encode("utf-8")
    }
    day = build_date(result)
    hashes = sorted((name, hashlib.sha256(data).hexdigest()) for name, data in zipped.items())
    zip_key = _digest(hashes, day.isoformat())
    archive = _read(paths.zip) if state.get("zip") == zip_key else None
    if archive is None:
        archive = site.zip_bytes(zipped, (day.year, day.month, day.day))
        write_bytes(paths.zip, archive)
    index = site.index_page(result.year, rows, files, lang, zip_name)
    files |= {"index.html": index.encode("utf-8"), zip_name: archive}
    site.write_site(paths.site, files)
    return sorted(files), zip_key


def _province_note(result: YearResult, paths: SharePaths, made: bool, lang: str) -> str:
    """Where the province copies are, or why there are none (an unmade folder is not named)."""
    _ = translator(lang)
    if made:
        return _("Bản gửi tỉnh trong %(province)s.") % {"province": paths.province}
    names = ", ".join(result.unit(u).name for u in result.missing.get(CITY_LEVEL, []))
    if names:
        line = _("Không lập bản gửi tỉnh: đơn vị cấp huyện chưa nộp phiếu (%(names)s).")
        return line % {"names": names}
    line = _("Không lập bản gửi tỉnh: năm %(year)s không có đơn vị cấp huyện.")
    return line % {"year": result.year}


def _summary(
    result: YearResult,
    paths: SharePaths,
    site_files: int,
    messages: int,
    missing: list[str],
    lang: str,
) -> list[str]:
    _ = translator(lang)
    headline = _(
        "Năm %(year)s: trang web %(site)s (%(n)s tệp) và %(zip)s; %(messages)s thư nháp "
        "trong %(outbox)s; tập báo cáo %(booklet)s."
    )
    named = {name: getattr(paths, name) for name in ("year", "site", "zip", "outbox", "booklet")}
    lines = [headline % (named | {"n": site_files, "messages": messages})]
    silent = [u for u in _assessed_units(result) if result.is_missing(u)]
    no_address = _(
        "Đơn vị chưa có địa chỉ thư điện tử (cột email của units.csv), chưa lập thư: %(n)s"
    )
    no_form = _(
        "Đơn vị chưa nộp phiếu, không có thư báo kết quả (báo cáo của đơn vị có trên "
        "trang web và trong tập báo cáo): %(n)s"
    )
    for heading, ids in ((no_address, missing), (no_form, silent)):
        if ids:
            lines.append(heading % {"n": len(ids)})
            lines += [f"  {uid}  {result.unit(uid).name}" for uid in ids]
    return lines

"""``share/<year>/outbox/<unit_id>.eml``: a draft message to each unit with an address.

``X-Unsent: 1`` makes mail clients open the file as a draft to check and send (the tool
never sends). The body comes from the analyst's template (``data/share/email.<lang>.txt``,
else the shipped one); with no Date or Message-ID and a boundary derived from the content,
the same inputs give the same bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import policy
from email.encoders import encode_base64
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from pathlib import Path

import jinja2
import jinja2.sandbox

from scoring.model.criteria import LEVEL_NAMES_VI
from scoring.model.result import YearResult
from scoring.text import i18n, numfmt
from scoring.text.errors import ScoringError
from scoring.text.i18n import N_
from scoring.views.assets import TEMPLATES

TOP_CRITERIA = 3


@dataclass(frozen=True)
class Attachment:
    filename: str
    maintype: str
    subtype: str
    data: bytes


TEMPLATE_ERROR = N_("%(where)s, dòng %(line)s: mẫu thư không dùng được (%(what)s)")


def load_template(data_dir: Path, lang: str) -> tuple[str, jinja2.Template]:
    """(where it comes from: the analyst's template, else the shipped one; the compiled
    template); a syntax error names file and line."""
    path = Path(data_dir) / "share" / f"email.{lang}.txt"
    source = path if path.is_file() else TEMPLATES / f"email.{lang}.txt"
    text = source.read_text(encoding="utf-8")
    env = jinja2.sandbox.SandboxedEnvironment(
        autoescape=False,  # plain text: nothing is interpreted by the reader's client
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    try:
        return str(source), env.from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise ScoringError(
            TEMPLATE_ERROR, where=str(source), line=exc.lineno, what=exc.message
        ) from exc


def subject(result: YearResult, unit_id: str, lang: str = "vi") -> str:
    _ = i18n.translator(lang)
    title = _("Kết quả đánh giá mức độ chính quyền điện tử năm %(year)s") % {"year": result.year}
    return f"{title} – {one_line(result.unit(unit_id).name)}"


def one_line(text: str) -> str:
    """Input text made safe for a header: no line breaks or control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def fields(result: YearResult, unit_id: str, lang: str = "vi") -> dict[str, object]:
    """What the template may show; numbers already written as the reader expects."""
    _ = i18n.translator(lang)
    unit = result.unit(unit_id)
    score = result.official[unit_id]
    gains = sorted(
        (n for n in score.nodes() if n.is_criterion and n.applicable and n.missing > 1e-9),
        key=lambda n: (-n.missing, n.code),
    )[:TOP_CRITERIA]
    return {
        "year": result.year,
        "unit_id": unit.id,
        "unit_name": unit.name,
        "level": _(LEVEL_NAMES_VI[unit.level]),
        "score": numfmt.score(score.total, score.max, lang),
        "percent": numfmt.percent(score.percent, lang=lang),
        "band": _(result.band(unit_id)),
        "rank": result.ranks[unit_id],
        "peers": result.peer_count(unit_id),
        "verified": result.is_verified(unit_id),
        "self_score": numfmt.score(result.self_scores[unit_id].total, score.max, lang),
        "criteria_to_improve": [
            {
                "code": n.code,
                "name": n.name,
                "points": numfmt.points(n.points, lang),
                "max": numfmt.maximum(n.max, lang),
                "gain": numfmt.points(n.missing, lang),
            }
            for n in gains
        ],
    }


def body(template: jinja2.Template, where: str, values: dict[str, object], lang: str) -> str:
    try:
        return template.render(**values)
    except jinja2.TemplateError as exc:
        raise ScoringError(
            TEMPLATE_ERROR, where=where, line=getattr(exc, "lineno", None), what=str(exc)
        ) from exc


def message(
    to_name: str, to_address: str, subject_text: str, text: str, attachments: list[Attachment]
) -> bytes:
    """The draft's bytes, CRLF line ends. Headers use the compat32 API (``Header``,
    ``formataddr``): Python 3.11's default policy drops or doubles the space at a fold
    between encoded words, which a long Vietnamese subject or name would show."""
    msg = MIMEMultipart()
    msg["X-Unsent"] = "1"
    msg["To"] = formataddr((one_line(to_name), to_address), charset="utf-8")
    # Folded into encoded words of at most 75 characters, each ending on a character.
    subject_header = Header(one_line(subject_text), "utf-8", header_name="Subject")
    msg["Subject"] = subject_header  # type: ignore[assignment]
    msg.attach(MIMEText(text, "plain", "utf-8"))
    digest = hashlib.sha256(text.encode("utf-8"))
    for item in attachments:
        part = MIMEBase(item.maintype, item.subtype)
        part.set_payload(item.data)
        encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=item.filename)
        msg.attach(part)
        digest.update(item.filename.encode("utf-8") + item.data)
    msg.set_boundary(f"=_scoring_{digest.hexdigest()[:32]}")
    return msg.as_bytes(policy=policy.compat32.clone(linesep="\r\n"))

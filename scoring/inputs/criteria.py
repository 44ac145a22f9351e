"""Reading and checking one year's criteria files (``data/criteria/<year>/<level>.yaml``
and ``bands.yaml``, format in ``docs/criteria-format.md``) into ``scoring.model.criteria``'s
tree. Loading is strict: unknown keys, wrong types, parts that do not add up to their
whole, duplicate codes, unfit rule parameters and unused inputs are all refused, each
message naming the file and the node code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import Field, ValidationError

from scoring.model.criteria import (
    TOLERANCE,
    Band,
    CountRule,
    CriteriaSet,
    CriteriaYear,
    DirectRule,
    Input,
    Level,
    Node,
    NormalizedRule,
    Ranking,
    RatioRule,
    StepsRule,
    YesNoRule,
    _Strict,
    rule_inputs,
)
from scoring.text.errors import CriteriaError
from scoring.text.i18n import N_, Lines, Phrase, phrase


class _BandsFile(Ranking):
    bands: list[Band]


class _CriteriaFile(_Strict):
    year: int
    level: Level
    version: str
    title: str
    legal_basis: list[str]
    provenance: str
    max: float = Field(gt=0)
    groups: list[Node]


_File = TypeVar("_File", _BandsFile, _CriteriaFile)

# Bounds on a criteria file, checked while it is parsed; aliases are refused outright
# (nested aliases make a small file expand to gigabytes, "billion laughs").
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 64
MAX_YAML_NODES = 200_000


# libyaml's parser (PyYAML's C extension) when present: it is faster.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODES = (*_STARTS, yaml.ScalarEvent)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A YAML loader that refuses a key written twice in one mapping."""


def _too_deep(line: int) -> CriteriaError:
    return CriteriaError(N_("dòng %(line)s: lồng quá %(max)s cấp"), line=line, max=MAX_YAML_DEPTH)


def _check_events(text: str) -> None:
    """Refuse aliases and anchors, more than ``MAX_YAML_DEPTH`` levels and more than
    ``MAX_YAML_NODES`` nodes, from the parser's events alone: nothing is built yet (no
    alias expanded), and the parser keeps its nesting in a list, not on the call stack.
    libyaml's own nesting limit (it looks ahead up to 1 000 levels, past ours) is reported
    as ours, where it was reached."""
    loader = _BaseLoader(text)
    depth = nodes = 0
    try:
        while (event := loader.get_event()) is not None:  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.StreamEndEvent):
                return
            line = event.start_mark.line + 1 if event.start_mark else 0
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                what = N_(
                    "dòng %(line)s: không dùng neo, bí danh YAML (&, *); viết đầy đủ nội dung"
                )
                raise CriteriaError(what, line=line)
            if isinstance(event, _ENDS):
                depth -= 1
                continue
            if isinstance(event, _NODES):
                nodes += 1
            if isinstance(event, _STARTS):
                depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _too_deep(line)
            if nodes > MAX_YAML_NODES:
                what = N_("dòng %(line)s: quá %(max)s phần tử")
                raise CriteriaError(what, line=line, max=MAX_YAML_NODES)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is None or "maximum nesting depth" not in str(exc.problem):
            raise
        raise _too_deep(mark.line + 1) from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
        if key in seen:
            what = N_("khóa '%(key)s' được viết hai lần (dòng %(line)s)")
            raise CriteriaError(what, key=key, line=key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> tuple[Any, bytes]:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            what = N_("%(path)s: tệp quá lớn (%(found)s byte, tối đa %(max)s) cho một bộ tiêu chí")
            raise CriteriaError(what, path=str(path), found=size, max=MAX_YAML_BYTES)
        raw = path.read_bytes()
    except OSError as exc:
        what = N_("%(path)s: không đọc được tệp (%(reason)s)")
        raise CriteriaError(what, path=str(path), reason=exc.strerror) from exc
    try:
        text = raw.decode("utf-8")
        _check_events(text)
        return yaml.load(text, Loader=_UniqueKeyLoader), raw  # noqa: S506
    except CriteriaError as exc:
        raise CriteriaError("%(path)s: %(error)s", path=str(path), error=exc.as_phrase()) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        at = getattr(exc, "problem_mark", None)  # where the parser stopped, if it says
        if at is None:
            what = N_("%(path)s: không phải YAML hợp lệ: %(reason)s")
            raise CriteriaError(what, path=str(path), reason=str(exc)) from exc
        begun = getattr(exc, "context_mark", None) or at  # where that part of the file began
        what = N_(
            "%(path)s, dòng %(line)s, cột %(column)s: không phải YAML hợp lệ (%(reason)s), trong "
            "phần bắt đầu ở dòng %(begun)s; thường do thiếu một dấu ngoặc kép hoặc thụt lề sai"
        )
        where = {"line": at.line + 1, "column": at.column + 1, "begun": begun.line + 1}
        reason = getattr(exc, "problem", None) or str(exc)
        raise CriteriaError(what, path=str(path), reason=reason, **where) from exc


def _node_code_at(data: Any, loc: tuple[Any, ...]) -> str | Phrase:  # noqa: ANN401
    """The code of the deepest node on a pydantic error path, to name it in messages."""
    code: str | Phrase = phrase(N_("(gốc tệp)"))
    current = data
    for part in loc:
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(current, dict) and isinstance(current.get("code"), str):
            code = current["code"]
    return code


# Pydantic's reasons for the schema errors a hand-written file makes most, in the
# catalogue's words; its own English text is shown only for the others.
_REASONS: dict[str, str] = {
    "missing": N_("thiếu trường bắt buộc"),
    "extra_forbidden": N_("trường không có trong định dạng (kiểm tra chính tả tên trường)"),
    "literal_error": N_("cần một trong: %(expected)s"),
    **dict.fromkeys(("int_type", "int_parsing"), N_("cần một số nguyên")),
    "int_from_float": N_("cần một số nguyên, không có phần thập phân"),
    **dict.fromkeys(("float_type", "float_parsing"), N_("cần một số")),
    "finite_number": N_("cần một số hữu hạn"),
    "string_type": N_("cần một chuỗi văn bản"),
    **dict.fromkeys(("bool_type", "bool_parsing"), N_("cần true hoặc false")),
    "list_type": N_("cần một danh sách (các dòng bắt đầu bằng '-')"),
    **dict.fromkeys(
        ("dict_type", "model_type", "model_attributes_type"), N_("cần một bảng khóa: giá trị")
    ),
    "greater_than": N_("phải lớn hơn %(gt)s"),
    "greater_than_equal": N_("phải lớn hơn hoặc bằng %(ge)s"),
    "less_than": N_("phải nhỏ hơn %(lt)s"),
    "less_than_equal": N_("phải nhỏ hơn hoặc bằng %(le)s"),
    "string_too_short": N_("cần ít nhất %(min_length)s ký tự"),
    "string_too_long": N_("tối đa %(max_length)s ký tự"),
    "too_short": N_("cần ít nhất %(min_length)s phần tử"),
    "too_long": N_("tối đa %(max_length)s phần tử"),
    "union_tag_invalid": N_("loại %(tag)s không hợp lệ (cần: %(expected_tags)s)"),
    "union_tag_not_found": N_("thiếu trường '%(discriminator)s'"),
}


def _reason(err: Any) -> Phrase:  # noqa: ANN401 - pydantic's ErrorDetails
    """Why pydantic refused a value, in the catalogue's words when the type is known."""
    msgid = _REASONS.get(err["type"])
    if msgid is None:
        return phrase("%(reason)s", reason=err["msg"])  # pydantic's own English: last resort
    ctx = {k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in err.get("ctx", {}).items()}
    return phrase(msgid, **ctx)


def _validate(model: type[_File], path: Path, data: Any) -> _File:  # noqa: ANN401
    """``data`` as ``model``; every schema error named by file, node and field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
    lines = []
    for err in errors:
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc)
        node = _node_code_at(data, loc)
        what = N_("%(path)s: nút %(node)s: %(where)s: %(reason)s")
        lines.append(phrase(what, path=str(path), node=node, where=where, reason=_reason(err)))
    raise CriteriaError("%(problems)s", problems=Lines(lines))


def _check_tree(path: Path, parsed: _CriteriaFile) -> list[Phrase]:
    """The checks a schema cannot express: sums, unique codes, rule references."""
    problems: list[Phrase] = []
    where = str(path)
    total = sum(g.max for g in parsed.groups)
    if abs(total - parsed.max) > TOLERANCE:
        what = N_("%(path)s: tổng điểm các nhóm (%(found)s) khác điểm tối đa của bộ (%(expected)s)")
        problems.append(phrase(what, path=where, found=f"{total:g}", expected=f"{parsed.max:g}"))
    every = _nodes(parsed.groups)
    codes: dict[str, str] = {}
    for node in every:
        _check_node(where, node, problems)
        for code in [node.code, *(i.code for i in node.inputs)]:
            if code in codes:
                problems.append(_at(where, node, N_("mã '%(code)s' bị trùng"), code=code))
            codes[code] = node.code
    inputs = {inp.code: inp for node in every for inp in node.inputs}
    used: set[str] = set()
    for node in every:
        used |= _check_references(where, node, inputs, problems)
    for code in sorted(set(inputs) - used):
        unused = phrase(N_("chỉ tiêu '%(code)s' không được quy tắc nào sử dụng"), code=code)
        problems.append(phrase(_AT_NODE, path=where, node=codes[code], what=unused))
    return problems


_AT_NODE = N_("%(path)s: nút %(node)s: %(what)s")


def _nodes(groups: list[Node]) -> list[Node]:
    """Every node of the tree, each group followed by what is under it."""
    return [node for group in groups for node in group.walk()]


def _at(where: str, node: Node, msgid: str, **params: object) -> Phrase:
    """A problem of one node of a criteria file: "<file>: nút A1: <what>"."""
    return phrase(_AT_NODE, path=where, node=node.code, what=phrase(msgid, **params))


def _check_node(where: str, node: Node, problems: list[Phrase]) -> None:
    top = f"{node.max:g}"
    if node.rule is not None and node.children:
        problems.append(_at(where, node, N_("vừa có 'rule' vừa có 'children'")))
    if node.rule is None and not node.children:
        problems.append(_at(where, node, N_("cần 'rule' (tiêu chí) hoặc 'children'")))
    if node.children:
        total = sum(c.max for c in node.children)
        if abs(total - node.max) > TOLERANCE:
            what = N_("tổng điểm các tiêu chí con (%(found)s) khác điểm tối đa (%(expected)s)")
            problems.append(_at(where, node, what, found=f"{total:g}", expected=top))
    rule = node.rule
    if isinstance(rule, StepsRule):
        if not rule.steps:
            problems.append(_at(where, node, N_("bảng bậc 'steps' rỗng")))
        mins = [s.min for s in rule.steps]
        if len(set(mins)) != len(mins):
            problems.append(_at(where, node, N_("ngưỡng trong 'steps' bị trùng")))
        for step in rule.steps:
            if not 0 <= step.points <= node.max + TOLERANCE:
                what = N_("bậc %(step)s cho %(found)s điểm, ngoài khoảng 0..%(max)s")
                found = f"{step.points:g}"
                problems.append(_at(where, node, what, step=f"{step.min:g}", found=found, max=top))
    elif isinstance(rule, CountRule):
        if rule.points_per_item <= 0:
            problems.append(_at(where, node, N_("'points_per_item' phải lớn hơn 0")))
        if rule.cap is not None and not 0 < rule.cap <= node.max + TOLERANCE:
            what = N_("'cap' (%(found)s) phải trong khoảng 0..%(max)s")
            problems.append(_at(where, node, what, found=f"{rule.cap:g}", max=top))
    elif isinstance(rule, YesNoRule) and rule.points is not None:
        if not 0 <= rule.points <= node.max + TOLERANCE:
            what = N_("'points' (%(found)s) ngoài khoảng 0..%(max)s")
            problems.append(_at(where, node, what, found=f"{rule.points:g}", max=top))
    elif isinstance(rule, RatioRule):
        pair = rule.numerator is not None and rule.denominator is not None
        if pair == (rule.share is not None) or (not pair and (rule.numerator or rule.denominator)):
            what = N_("quy tắc 'ratio' cần hoặc 'numerator' và 'denominator', hoặc 'share'")
            problems.append(_at(where, node, what))


_RULE_KINDS: dict[type, tuple[str, ...]] = {
    StepsRule: ("count", "amount", "share"),
    YesNoRule: ("yes_no",),
    CountRule: ("count",),
    NormalizedRule: ("count", "amount", "share"),
    DirectRule: ("points",),
}


def _check_references(
    where: str, node: Node, inputs: dict[str, Input], problems: list[Phrase]
) -> set[str]:
    used: set[str] = set()
    refs = rule_inputs(node.rule)
    if node.applicable_if is not None:
        refs.append(("applicable_if", node.applicable_if))
    for role, code in refs:
        used.add(code)
        inp = inputs.get(code)
        if inp is None:
            what = N_("'%(role)s' trỏ tới chỉ tiêu '%(code)s' không có")
            problems.append(_at(where, node, what, role=role, code=code))
            continue
        if role == "applicable_if":
            allowed: tuple[str, ...] = ("yes_no",)
        elif isinstance(node.rule, RatioRule):
            allowed = ("share",) if role == "share" else ("count", "amount")
        else:
            allowed = _RULE_KINDS[type(node.rule)]
        if inp.kind not in allowed:
            what = N_(
                "chỉ tiêu '%(code)s' loại '%(found)s' không dùng được cho '%(role)s' "
                "(cần: %(expected)s)"
            )
            expected = ", ".join(allowed)
            problems.append(
                _at(where, node, what, code=code, found=inp.kind, role=role, expected=expected)
            )
    return used


def load_criteria_file(path: Path) -> CriteriaSet:
    """Load and check one level's criteria file; raise CriteriaError listing every problem."""
    data, raw = _read_yaml(path)
    parsed = _validate(_CriteriaFile, path, data)
    problems = _check_tree(path, parsed)
    if path.stem != parsed.level:
        what = N_("%(path)s: tên tệp phải là '%(expected)s.yaml' (theo 'level')")
        problems.append(phrase(what, path=str(path), expected=parsed.level))
    if problems:
        raise CriteriaError("%(problems)s", problems=Lines(problems))
    nodes = {node.code: node for node in _nodes(parsed.groups)}
    return CriteriaSet(
        path=path,
        year=parsed.year,
        level=parsed.level,
        version=parsed.version,
        title=parsed.title,
        legal_basis=tuple(parsed.legal_basis),
        provenance=parsed.provenance,
        max=parsed.max,
        groups=tuple(parsed.groups),
        fingerprint=hashlib.sha256(raw).hexdigest(),
        inputs={inp.code: inp for node in nodes.values() for inp in node.inputs},
        nodes=nodes,
        input_owner={inp.code: node.code for node in nodes.values() for inp in node.inputs},
    )


def load_ranking(path: Path) -> tuple[tuple[Band, ...], Ranking]:
    """bands.yaml: the bands, highest first, and how the year ranks (``rank_by``, ``missing``,
    ``robustness``; defaults when absent)."""
    parsed = _validate(_BandsFile, path, _read_yaml(path)[0])
    ranking = Ranking.model_validate(parsed.model_dump(exclude={"bands"}))
    bands = tuple(sorted(parsed.bands, key=lambda b: -b.min_percent))
    if not bands or bands[-1].min_percent != 0:
        what = N_("%(path)s: xếp loại thấp nhất phải có min_percent: 0")
        raise CriteriaError(what, path=str(path))
    if len({b.min_percent for b in bands}) != len(bands):
        raise CriteriaError(N_("%(path)s: hai xếp loại có cùng min_percent"), path=str(path))
    return bands, ranking


def load_year(data_dir: Path, year: int) -> CriteriaYear:
    """Every level file of the year plus its bands; all problems of all files at once."""
    folder = Path(data_dir) / "criteria" / str(year)
    if not folder.is_dir():
        what = N_("%(path)s: không có thư mục bộ tiêu chí cho năm %(year)s")
        raise CriteriaError(what, path=str(folder), year=year)
    problems: list[Phrase] = []
    levels: dict[str, CriteriaSet] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.stem == "bands":
            continue
        try:
            cset = load_criteria_file(path)
        except CriteriaError as exc:
            problems.append(exc.as_phrase())
            continue
        if cset.year != year:
            what = N_("%(path)s: 'year' là %(found)s, thư mục là năm %(expected)s")
            problems.append(phrase(what, path=str(path), found=cset.year, expected=year))
        levels[cset.level] = cset
    bands: tuple[Band, ...] = ()
    ranking = Ranking()
    try:
        bands, ranking = load_ranking(folder / "bands.yaml")
    except CriteriaError as exc:
        problems.append(exc.as_phrase())
    if not levels and not problems:
        what = N_("%(path)s: không có tệp bộ tiêu chí nào (district.yaml, ...)")
        problems.append(phrase(what, path=str(folder)))
    if problems:
        raise CriteriaError("%(problems)s", problems=Lines(problems))
    return CriteriaYear(year=year, bands=bands, levels=levels, ranking=ranking)


def years_available(data_dir: Path) -> list[int]:
    folder = Path(data_dir) / "criteria"
    return sorted(
        int(p.name)
        for p in folder.iterdir()
        if p.is_dir() and p.name.isascii() and p.name.isdigit()
    )

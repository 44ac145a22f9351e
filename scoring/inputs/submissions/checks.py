"""The fourth stage: checks across the answers of one form.

Required inputs must be answered (unless excused by an unmet ``applicable_if`` or a
"Không áp dụng" answer), a numerator may not exceed its denominator, points a unit
gives itself must be justified, and non-zero answers should cite evidence.
"""

from __future__ import annotations

from scoring.inputs.forms import HEADER_EVIDENCE, HEADER_NOTE
from scoring.inputs.submissions.problems import Reader
from scoring.inputs.submissions.sheet import Answers
from scoring.model.criteria import CriteriaSet, DirectRule, RatioRule, rule_inputs
from scoring.model.rules import NA, Value, as_number
from scoring.model.values import NA_TEXT


def _excused(cset: CriteriaSet, values: dict[str, Value]) -> set[str]:
    """Inputs that may stay empty: under an unmet applicable_if, or beside an NA answer."""
    excused: set[str] = set()
    for node in cset.walk():
        if node.applicable_if is not None and values.get(node.applicable_if) is not True:
            excused |= {
                i.code for n in node.walk() for i in n.inputs if i.code != node.applicable_if
            }
        if node.allow_na and any(values.get(c) is NA for _, c in rule_inputs(node.rule)):
            excused |= {i.code for i in node.inputs}
    return excused


def check_required(reader: Reader, cset: CriteriaSet, answers: Answers) -> None:
    excused = _excused(cset, answers.values)
    for code, inp in cset.inputs.items():
        if not inp.required or code in answers.values or code in answers.bad or code in excused:
            continue
        node = cset.nodes[cset.input_owner[code]]
        cell = answers.cells.get(code)
        if cell is None:
            reader.add("value.missing_row", code=code)
        elif node.allow_na:
            reader.add(
                "value.required_or_na", cell=cell, code=code, expected=NA_TEXT, criterion=node.code
            )
        else:
            reader.add("value.required", cell=cell, code=code)


def check_ratios(
    reader: Reader,
    cset: CriteriaSet,
    values: dict[str, Value],
    cells: dict[str, str],
    *,
    verified: bool = False,
) -> None:
    """A numerator above its denominator is a typing slip (a share over 100 %)."""
    for node in cset.criteria():
        rule = node.rule
        if not isinstance(rule, RatioRule) or rule.numerator is None or rule.denominator is None:
            continue
        pair = (rule.numerator, rule.denominator)
        numerator, denominator = (as_number(values.get(c)) for c in pair)
        if numerator is None or denominator is None or numerator <= denominator + 1e-9:
            continue
        reader.add(
            "value.ratio_above_one_verified" if verified else "value.ratio_above_one",
            cell=cells.get(rule.numerator) or None,
            code=rule.numerator,
            found=numerator,
            expected=denominator,
            denominator=rule.denominator,
            criterion=node.code,
        )


def check_justified(reader: Reader, cset: CriteriaSet, answers: Answers) -> None:
    """Points a unit gives itself must say why: the verifier checks the justification."""
    for node in cset.criteria():
        if not isinstance(node.rule, DirectRule):
            continue
        code = node.rule.input
        points = as_number(answers.values.get(code))
        if points and points > 0 and not answers.notes.get(code):
            reader.add(
                "value.unjustified_points",
                cell=answers.note_cells.get(code) or answers.cells.get(code),
                code=code,
                found=points,
                criterion=node.code,
                column=HEADER_NOTE,
            )


def check_evidence(reader: Reader, cset: CriteriaSet, answers: Answers) -> None:
    """Warn once per node whose non-zero answers cite no evidence document at all."""
    for node in cset.walk():
        codes = [i.code for i in node.inputs]
        values = {c: answers.values.get(c) for c in codes}
        claimed = [c for c, v in values.items() if v is True or (as_number(v) or 0.0) != 0.0]
        if not claimed or any(answers.evidence.get(c) for c in codes):
            continue
        reader.warn(
            "value.no_evidence",
            cell=answers.evidence_cells.get(claimed[0]),
            code=claimed[0],
            criterion=node.code,
            column=HEADER_EVIDENCE,
        )

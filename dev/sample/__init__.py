"""The embedded sample: returned forms for every unit, filled by a deterministic script.

``python -m dev.sample --year 2018`` (``make sample``) writes a blank form for each
unit with the project's own form writer, then fills it the way a unit would: a seeded
"maturity" per unit drives every answer, so figures are plausible and vary between
units. Nothing here is a special case of scoring: the city's published figures are
reproduced by choosing its input values with ``tune``, which searches whole-number
numerators of ratio criteria until the group scores exactly what the province published
(A 43,72; B 89,27; C 17,78; total 150,77/170; verified 146).

Other choices, so that the reports show what they must: two wards return identical
forms (a tie), maturities span every band, several units are verified, two departments
handle no administrative procedures (their B3 does not apply), and a few values carry
no evidence reference (warnings).
"""

from __future__ import annotations

import itertools
import random
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dev.sample.fill import fill_form
from scoring.inputs import verification
from scoring.inputs.criteria import load_year
from scoring.inputs.forms import write_form
from scoring.inputs.submissions import read_submission
from scoring.inputs.units import Unit, load_units, units_in_year
from scoring.model.criteria import (
    CountRule,
    CriteriaSet,
    CriteriaYear,
    DirectRule,
    Input,
    Node,
    NormalizedRule,
    RatioRule,
    Rule,
    StepsRule,
    YesNoRule,
)
from scoring.model.scores import UnitScore, score_peers
from scoring.model.values import render_value

RawValues = dict[str, float | bool]

# Published figures for the city (GSO 196), 2018; domain.md.
CITY_TARGETS = {2018: {"A": 43.72, "B": 89.27, "C": 17.78}}
CITY_VERIFIED_TOTAL = {2018: 146.0}
# A maturity per unit, in unit-list order; the city scores near its published figures.
MATURITY = [
    0.95,
    0.92,
    0.86,
    0.78,
    0.74,
    0.83,
    0.66,
    0.58,
    0.45,
    0.81,
    0.71,
    0.52,
    0.9,
    0.84,
    0.77,
    0.69,
    0.88,
    0.62,
    0.97,
    0.8,
    0.55,
    0.73,
    0.67,
    0.6,
    0.93,
]
TIE = ("06832", "06835")  # Phương Đông returns the same figures as Phương Nam
NO_PROCEDURES = ("196-NV", "196-TTR")
VERIFIED_UNITS = ("196", "06808", "06820", "06826", "196-VHTT", "196-TNMT")
# From 2020 the office verifies another ward instead of Yên Thanh, so that comparisons
# meet a unit verified in one year and self-assessed in the other.
VERIFIED_FROM_2020 = ("06808", "06820", "06814", "196-VHTT", "196-TNMT")
NO_EVIDENCE = ("06829", "196-QLDT")


def _denominator_base(level: str) -> int:
    return {"district": 250, "department": 24, "commune": 30}[level]


def _ratio_pairs(cset: CriteriaSet) -> Iterator[tuple[Node, RatioRule]]:
    for node in cset.criteria():
        if isinstance(node.rule, RatioRule) and node.rule.numerator is not None:
            yield node, node.rule


def _jitter(rng: random.Random, q: float) -> float:
    return min(1.0, max(0.0, q + rng.uniform(-0.12, 0.08)))


def _fill_ratio(
    values: RawValues, rng: random.Random, q: float, cset: CriteriaSet, level: str
) -> None:
    base = _denominator_base(level)
    for _, rule in _ratio_pairs(cset):
        assert rule.denominator is not None and rule.numerator is not None
        if rule.denominator not in values:
            values[rule.denominator] = float(rng.randint(int(base * 0.8), int(base * 1.3)))
        den = values[rule.denominator]
        values[rule.numerator] = float(round(_jitter(rng, q) * float(den)))


def _step_value(rule: StepsRule, target: float) -> float:
    best = min(rule.steps, key=lambda s: abs(s.points - target))
    return best.min


def _fill_other(values: RawValues, rng: random.Random, q: float, node: Node) -> None:
    rule: Rule | None = node.rule
    if isinstance(rule, RatioRule) and rule.share is not None:
        values[rule.share] = round(_jitter(rng, q) * 100, 1)
    elif isinstance(rule, StepsRule):
        values[rule.input] = _step_value(rule, _jitter(rng, q) * node.max)
    elif isinstance(rule, YesNoRule):
        values[rule.input] = rng.random() < q + 0.1
    elif isinstance(rule, CountRule):
        cap = node.max if rule.cap is None else rule.cap
        values[rule.input] = float(round(_jitter(rng, q) * cap / rule.points_per_item))
    elif isinstance(rule, NormalizedRule):
        values[rule.input] = float(round(_jitter(rng, q) * 1000))
    elif isinstance(rule, DirectRule):
        values[rule.input] = round(_jitter(rng, q) * node.max * 4) / 4


def natural_values(cset: CriteriaSet, unit: Unit, q: float, seed: str) -> RawValues:
    """Answers of a unit of maturity ``q`` (0..1), reproducible from ``seed``."""
    rng = random.Random(seed)
    values: RawValues = {}
    for node in cset.walk():
        if node.applicable_if is not None:
            values[node.applicable_if] = unit.id not in NO_PROCEDURES
    _fill_ratio(values, rng, q, cset, unit.level)
    for node in cset.criteria():
        _fill_other(values, rng, q, node)
    return values


def full_values(cset: CriteriaSet, unit: Unit, denominator: float = 400.0) -> RawValues:
    """Answers that reach every criterion's maximum (a starting point for ``tune``).

    Every ratio's denominator is ``denominator``: with 400 (officials, documents, ...)
    one unit of a numerator is worth max/400 points, fine enough to reach any two-decimal
    score exactly.
    """
    values = natural_values(cset, unit, 1.0, f"full-{unit.id}")
    for _, ratio in _ratio_pairs(cset):
        values[ratio.denominator] = denominator  # type: ignore[index]
        values[ratio.numerator] = denominator  # type: ignore[index]
    for node in cset.criteria():
        rule: Rule | None = node.rule
        if isinstance(rule, StepsRule):
            values[rule.input] = max(s.min for s in rule.steps)
        elif isinstance(rule, YesNoRule):
            values[rule.input] = True
        elif isinstance(rule, CountRule):
            values[rule.input] = float(int(node.max / rule.points_per_item) + 1)
        elif isinstance(rule, RatioRule) and rule.share is not None:
            values[rule.share] = 100.0
        elif isinstance(rule, DirectRule):
            values[rule.input] = node.max
    return values


def _score(cset: CriteriaSet, unit_id: str, values: RawValues) -> UnitScore:
    return score_peers(cset, {unit_id: values})[unit_id]


def _spread(cset: CriteriaSet, values: RawValues, group: str, deficit: float) -> RawValues:
    """Lower every ratio numerator of the group by a similar share of the deficit."""
    pairs = [(n, r) for n, r in _ratio_pairs(cset) if n.code.startswith(group)]
    spread = dict(values)
    for node, rule in pairs:
        den = float(values[rule.denominator])  # type: ignore[index]
        loss = 0.8 * deficit / len(pairs)
        cut = min(int(loss * den / node.max), int(float(values[rule.numerator])))  # type: ignore[index]
        spread[rule.numerator] = float(values[rule.numerator]) - cut  # type: ignore[index]
    return spread


def tune(
    cset: CriteriaSet, unit_id: str, values: RawValues, group: str, target: float
) -> RawValues:
    """Lower whole-number numerators of the group's ratio criteria until it scores ``target``.

    Most of the deficit is spread over every ratio criterion of the group (so no single
    figure looks odd); the rest is found exactly (to 1e-9) on a pair of criteria.
    Raises when no exact solution exists.
    """
    current = _score(cset, unit_id, values).node(group).points
    values = _spread(cset, values, group, current - target)
    deficit = round(_score(cset, unit_id, values).node(group).points - target, 9)
    candidates = [
        (n, r)
        for n, r in _ratio_pairs(cset)
        if n.code.startswith(group) and values.get(r.numerator or "", 0) > 0
    ]
    for (n1, r1), (n2, r2) in itertools.product(candidates, repeat=2):
        if n1.code >= n2.code:
            continue
        d1, d2 = float(values[r1.denominator]), float(values[r2.denominator])  # type: ignore[index]
        num1 = float(values[r1.numerator])  # type: ignore[index]
        for cut1 in range(0, int(num1) + 1):
            rest = deficit - cut1 * n1.max / d1
            if rest < -1e-9:
                break
            cut2 = rest * d2 / n2.max
            if abs(cut2 - round(cut2)) < 1e-7 and round(cut2) <= values[r2.numerator]:  # type: ignore[index]
                trial = dict(values)
                trial[r1.numerator] = num1 - cut1  # type: ignore[index]
                trial[r2.numerator] = float(values[r2.numerator]) - round(cut2)  # type: ignore[index]
                if abs(_score(cset, unit_id, trial).node(group).points - target) < 1e-9:
                    return trial
    raise ValueError(f"cannot tune group {group} of {unit_id} to {target}")


@dataclass(frozen=True)
class SampleForm:
    unit: Unit
    values: RawValues
    verified: RawValues | None


def city_values(cset: CriteriaSet, unit: Unit, year: int) -> tuple[RawValues, RawValues | None]:
    """The city's answers: the published group scores, and the published verified total."""
    targets = CITY_TARGETS.get(year)
    if targets is None:
        q = 0.86 + 0.025 * max(0, year - 2018)  # the city keeps improving after 2018
        values = natural_values(cset, unit, q, f"{year}-{unit.id}")
        if year > 2018:  # verified every year, like 2018
            return values, _verify(values, cset, f"v{year}-{unit.id}")
        return values, None
    values = full_values(cset, unit)
    for group, target in targets.items():
        values = tune(cset, unit.id, values, group, target)
    verified = dict(values)
    total = _score(cset, unit.id, values).total
    verified_target = CITY_VERIFIED_TOTAL[year]
    b_points = _score(cset, unit.id, verified).node("B").points
    verified = tune(cset, unit.id, verified, "B", b_points - (total - verified_target))
    return values, verified


def _verify(values: RawValues, cset: CriteriaSet, seed: str) -> RawValues:
    """The office's check: a few numerators found overstated and lowered."""
    rng = random.Random(seed)
    verified = dict(values)
    pairs = list(_ratio_pairs(cset))
    for _, rule in rng.sample(pairs, k=min(3, len(pairs))):
        num = float(verified[rule.numerator])  # type: ignore[index]
        verified[rule.numerator] = float(max(0, round(num * rng.uniform(0.8, 0.95))))  # type: ignore[index]
    return verified


def maturity(unit: Unit, index: int, year: int) -> float:
    """A unit's maturity in a year: its place in the unit list picks a level (2017 a little
    lower), and from 2019 a seeded drift per unit and year moves it (most units improve,
    some decline), so that trends show bands gained and lost."""
    q = MATURITY[index % len(MATURITY)] - (0.04 if year < 2018 else 0.0)
    for later in range(2019, year + 1):
        q += random.Random(f"drift-{later}-{unit.id}").uniform(-0.07, 0.09)
    return min(1.0, max(0.2, q))


def verified_units(year: int) -> tuple[str, ...]:
    return VERIFIED_UNITS if year < 2020 else ("196", *VERIFIED_FROM_2020)


def sample_forms(
    criteria: CriteriaYear, units: list[Unit], year: int, every: list[Unit] | None = None
) -> list[SampleForm]:
    """The forms of ``units`` (valid in ``year``); ``every`` is the whole unit list, whose
    order gives each unit its maturity (so a unit that ends does not shift the others)."""
    order = {u.id: i for i, u in enumerate(every or units)}
    forms: dict[str, SampleForm] = {}
    for unit in units:
        cset = criteria.for_level(unit.level)
        if unit.level == "district":
            values, verified = city_values(cset, unit, year)
        else:
            q = maturity(unit, order[unit.id], year)
            values = natural_values(cset, unit, q, f"{year}-{unit.id}")
            verified = (
                _verify(values, cset, f"v{year}-{unit.id}")
                if unit.id in verified_units(year)
                else None
            )
        forms[unit.id] = SampleForm(unit, values, verified)
    if all(u in forms for u in TIE):
        forms[TIE[0]] = SampleForm(forms[TIE[0]].unit, dict(forms[TIE[1]].values), None)
    return list(forms.values())


def _as_typed(inp: Input, value: float | bool) -> object:
    """What a person types: Có/Không for yes/no, whole numbers without a decimal part."""
    if inp.kind == "yes_no":
        return "Có" if value else "Không"
    if float(value).is_integer():
        return int(value)
    return float(value)


def _evidence(cset: CriteriaSet, form: SampleForm, year: int) -> dict[str, str]:
    skip = set(list(form.values)[:2]) if form.unit.id in NO_EVIDENCE else set()
    return {
        code: f"Báo cáo số {10 + i % 40}/BC-UBND ngày 15/10/{year}"
        for i, code in enumerate(form.values)
        if code not in skip
    }


def _notes(cset: CriteriaSet, form: SampleForm) -> dict[str, str]:
    return {
        node.rule.input: "Tự chấm theo hướng dẫn; chi tiết tại hồ sơ minh chứng kèm theo."
        for node in cset.criteria()
        if isinstance(node.rule, DirectRule)
    }


def _reason(inp: Input, value: float | bool, year: int) -> str:
    """The office's reason for a lowered figure, as a verifier would write it, briefly."""
    return f"Minh chứng chỉ xác nhận {render_value(value)}."


def write_sample_verification(
    data_dir: Path, criteria: CriteriaYear, form: SampleForm, year: int
) -> None:
    """The office's verification file of a sample unit: its lowered figures, with reasons."""
    assert form.verified is not None
    units = {form.unit.id: form.unit}
    path = data_dir / str(year) / "submissions" / f"{form.unit.id}.xlsx"
    sub, _ = read_submission(path, criteria, units, year)
    assert sub is not None, path
    cset = criteria.for_level(form.unit.level)
    changed = {c: v for c, v in form.verified.items() if form.values.get(c) != v}
    target = verification.folder(data_dir, year) / f"{form.unit.id}.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        blank = Path(tmp) / target.name
        verification.write_verification_form(blank, cset, form.unit, sub)
        verification.fill_verification(
            blank,
            target,
            {c: _as_typed(cset.inputs[c], v) for c, v in changed.items()},
            {c: _reason(cset.inputs[c], v, year) for c, v in changed.items()},
        )


def write_sample(data_dir: Path, year: int) -> int:
    """Write ``data/<year>/submissions/<unit_id>.xlsx`` for every unit valid in the year,
    and ``data/<year>/verification/<unit_id>.xlsx`` for the units the office verified."""
    criteria = load_year(data_dir, year)
    every = load_units(data_dir / "units.csv")
    units = units_in_year(every, year)
    target = data_dir / str(year) / "submissions"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for form in sample_forms(criteria, units, year, every):
            cset = criteria.for_level(form.unit.level)
            blank = Path(tmp) / f"{form.unit.id}.xlsx"
            write_form(blank, cset, form.unit, year)
            typed = {c: _as_typed(cset.inputs[c], v) for c, v in form.values.items()}
            fill_form(
                blank,
                target / f"{form.unit.id}.xlsx",
                typed,
                evidence=_evidence(cset, form, year),
                notes=_notes(cset, form),
            )
            if form.verified is not None:
                write_sample_verification(data_dir, criteria, form, year)
    shutil.rmtree(Path(tmp), ignore_errors=True)
    return len(units)

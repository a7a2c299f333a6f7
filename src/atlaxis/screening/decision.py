"""The safety decision before neck care: ``safety(answers)``.

Every rule in :data:`atlaxis.screening.safety_rules.RULES` is evaluated with
three-valued logic. The decision is the most severe action of the rules that
fired (``refer_urgently`` > ``refer`` > ``caution`` > ``clear``). A missing
answer never reads as "clear": if a needed answer is missing the decision is
``incomplete``, unless a rule that fires on the answers given already decides
``refer`` or ``refer_urgently``. Decision support for the treating clinician,
not a diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from atlaxis.instruments.model import EnableWhen, Instrument
from atlaxis.instruments.registry import get_instrument
from atlaxis.instruments.validation import validate_answers
from atlaxis.screening.rules import Decision, FiredRule, SafetyRule, fired, most_severe
from atlaxis.screening.safety_rules import RULES, RULESET_VERSION

NOTE = (
    "Decision support for the treating clinician, not a diagnosis. The clinician confirms "
    "every flag and records the reasoning."
)

_CCR_STEPS: Mapping[str, tuple[str, bool | None]] = {
    "ccr_outside_rule": ("outside_rule", None),
    "ccr_high_risk": ("high_risk", True),
    "ccr_no_low_risk_factor": ("no_low_risk_factor", True),
    "ccr_rotation_limited": ("rotation", True),
    "ccr_no_imaging": ("no_imaging", False),
}


@dataclass(frozen=True)
class CcrResult:
    """The Canadian C-Spine Rule's result: ``imaging`` is ``None`` when it gives none."""

    applies: bool
    imaging: bool | None
    step: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "applies": self.applies,
            "imaging": self.imaging,
            "step": self.step,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class SafetyDecision:
    """The overall decision, every rule that fired, and what is missing."""

    decision: Decision
    fired: tuple[FiredRule, ...]
    missing: tuple[str, ...]
    undetermined: tuple[str, ...]
    ccr: CcrResult
    ruleset_version: str = RULESET_VERSION

    @property
    def complete(self) -> bool:
        """Every needed answer was given and every rule could be decided."""
        return not self.missing and not self.undetermined

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "complete": self.complete,
            "fired": [f.to_dict() for f in self.fired],
            "missing": list(self.missing),
            "undetermined_rules": list(self.undetermined),
            "ccr": self.ccr.to_dict(),
            "ruleset_version": self.ruleset_version,
            "note": NOTE,
        }


def _condition_met(cond: EnableWhen, answers: Mapping[str, Any]) -> bool:
    value = answers.get(cond.question)
    if cond.operator == "exists":
        return (value is not None) == bool(cond.answer)
    if value is None:
        return False
    if cond.operator == "=":
        return bool(value == cond.answer)
    if cond.operator == "!=":
        return bool(value != cond.answer)
    if isinstance(value, bool | str) or isinstance(cond.answer, bool | str):
        return False
    ops = {
        ">": value > cond.answer,
        "<": value < cond.answer,
        ">=": value >= cond.answer,
        "<=": value <= cond.answer,
    }
    return bool(ops[cond.operator])


def enabled_items(instrument: Instrument, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Items the form asks, given the answers so far (every enableWhen met)."""
    return tuple(
        i.id for i in instrument.items if all(_condition_met(c, answers) for c in i.enable_when)
    )


def _ccr_result(outcomes: Mapping[str, bool | None], answers: Mapping[str, Any]) -> CcrResult:
    injured = answers.get("neck_trauma")
    if injured is None:
        return CcrResult(False, None, "not_answered", "Whether there was a recent head or "
                         "neck injury was not answered, so the rule could not be checked.")
    if injured is False:
        return CcrResult(False, None, "no_injury",
                         "No recent head or neck injury reported: the rule does not apply.")
    by_id = {r.id: r for r in RULES}
    for rule_id, (step, imaging) in _CCR_STEPS.items():
        if outcomes[rule_id] is True:
            applies = rule_id != "ccr_outside_rule"
            return CcrResult(applies, imaging, step, by_id[rule_id].reason)
    return CcrResult(
        outcomes["ccr_outside_rule"] is not True,
        None,
        "incomplete",
        "Recent injury reported, but answers the rule needs are missing; the rule gives no "
        "result yet.",
    )


def decide(fired_rules: tuple[FiredRule, ...], incomplete: bool) -> Decision:
    """Most severe action fired; ``incomplete`` unless a refer-level rule already decides."""
    top = most_severe([f.action for f in fired_rules if f.action != "info"])
    if top == "refer_urgently" or top == "refer":
        return top
    if incomplete:
        return "incomplete"
    return "caution" if top == "caution" else "clear"


def evaluate(
    answers: Mapping[str, Any], rules: tuple[SafetyRule, ...] = RULES
) -> SafetyDecision:
    """Evaluate already-validated answers (items not asked given the answers are ignored)."""
    instrument = get_instrument("safety_screen")
    asked = enabled_items(instrument, answers)
    given = {k: v for k, v in answers.items() if k in asked and v is not None}
    outcomes = {r.id: r.evaluate(given) for r in rules}
    fired_rules = tuple(fired(r, given) for r in rules if outcomes[r.id] is True)
    undetermined = tuple(r.id for r in rules if outcomes[r.id] is None)
    needed = {i.id for i in instrument.items if i.required and i.id in asked}
    for r in rules:
        if outcomes[r.id] is None:
            needed.update(i for i in r.inputs if i in asked)
    missing = tuple(i for i in instrument.item_ids if i in needed and i not in given)
    return SafetyDecision(
        decision=decide(fired_rules, bool(missing or undetermined)),
        fired=fired_rules,
        missing=missing,
        undetermined=undetermined,
        ccr=_ccr_result(outcomes, given),
    )


def safety(answers: Any) -> SafetyDecision:
    """Validate ``safety_screen`` answers and return the safety decision.

    Invalid answers (unknown item, wrong type, age out of range) raise
    :class:`atlaxis.errors.InvalidAnswers` listing every problem.
    """
    clean = validate_answers(get_instrument("safety_screen"), answers)
    return evaluate(clean)

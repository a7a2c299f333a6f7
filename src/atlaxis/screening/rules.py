"""Safety rules as data: what a rule needs, when it fires, what to do and why.

A rule's ``action`` is one of four levels, most severe first:

* ``refer_urgently`` — same-day medical assessment (or emergency services when the
  reason says so); no neck care today.
* ``refer`` — medical evaluation or imaging before neck care; other care may continue.
* ``caution`` — proceed only after documented clinical reasoning (modified, gentle care;
  informed consent; re-assess).
* ``info`` — something the clinician should know; changes nothing by itself.

Every rule is decision support for the treating clinician, not a diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from atlaxis.instruments.model import Source
from atlaxis.screening.logic import Condition, Truth

Action = Literal["refer_urgently", "refer", "caution", "info"]
Decision = Literal["refer_urgently", "refer", "caution", "clear", "incomplete"]
Group = Literal["ccr", "arterial", "instability", "red_flags"]

#: most severe first
ACTIONS: tuple[Action, ...] = ("refer_urgently", "refer", "caution", "info")
ACTION_RANK: Mapping[str, int] = {"info": 0, "caution": 1, "refer": 2, "refer_urgently": 3}

GROUP_TITLES: Mapping[str, str] = {
    "ccr": "Canadian C-Spine Rule (after a recent injury)",
    "arterial": "Cervical arterial dysfunction",
    "instability": "Upper cervical instability",
    "red_flags": "General red flags (serious spinal pathology)",
}


@dataclass(frozen=True)
class SafetyRule:
    """One rule: ``condition`` over answer ids; when it is true, ``action`` for ``reason``.

    ``reason`` is plain language a clinician can read aloud. ``source`` says where the
    rule comes from and how sure we are (``unverified`` rules are listed in
    ``docs/reference/safety-rules.md`` under "to confirm before clinical use").
    """

    id: str
    group: Group
    title: str
    condition: Condition
    action: Action
    reason: str
    source: Source

    @property
    def inputs(self) -> tuple[str, ...]:
        """Answer ids the condition reads, in the order it reads them."""
        return self.condition.inputs()

    def evaluate(self, answers: Mapping[str, Any]) -> Truth:
        """``True`` fires, ``False`` does not, ``None`` cannot tell (answers missing)."""
        return self.condition.evaluate(answers)


@dataclass(frozen=True)
class FiredRule:
    """A rule that fired, with the answers it read (``None`` where not answered)."""

    rule_id: str
    group: Group
    action: Action
    reason: str
    source: str
    evidence: str
    inputs: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "group": self.group,
            "action": self.action,
            "reason": self.reason,
            "source": self.source,
            "evidence": self.evidence,
            "inputs": dict(self.inputs),
        }


def fired(rule: SafetyRule, answers: Mapping[str, Any]) -> FiredRule:
    return FiredRule(
        rule_id=rule.id,
        group=rule.group,
        action=rule.action,
        reason=rule.reason,
        source=rule.source.citation,
        evidence=rule.source.evidence,
        inputs={i: answers.get(i) for i in rule.inputs},
    )


def most_severe(actions: list[Action]) -> Action | None:
    best: Action | None = None
    for action in actions:
        if best is None or ACTION_RANK[action] > ACTION_RANK[best]:
            best = action
    return best

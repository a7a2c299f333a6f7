"""Clinical alerts: one place that turns scores and screens into alerts for the clinician.

An :class:`Alert` is a frozen value with a deterministic ``id`` (a hash of its kind
and source data), a ``severity`` (``urgent`` > ``high`` > ``moderate`` > ``info``),
a plain-language ``reason`` and the ``rule_source`` it rests on. Alerts are
decision support; storing and acknowledging them is the services' job.

Sources (facts only):

* PHQ-9 item 9: any answer other than "not at all" needs a clinician's suicide-risk
  assessment, whatever the total (primary-care guidance; Kroenke K et al. J Gen Intern
  Med 2001;16:606-613; Simon GE et al. Psychiatr Serv 2013;64:1195-1202). Item 9 is never
  imputed: a missing item 9 is itself an alert (atlaxis design, unverified).
* Reliable change: Jacobson NS, Truax P. J Consult Clin Psychol 1991;59:12-19;
  RC threshold = 1.96·√2·SD·√(1−r), computed by :func:`atlaxis.outcomes.reliable_change`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from atlaxis.errors import Problem, ValidationError
from atlaxis.instruments.model import Instrument
from atlaxis.instruments.registry import get_instrument
from atlaxis.instruments.result import ScoreResult
from atlaxis.instruments.validation import validate_answers
from atlaxis.outcomes import reliable_change
from atlaxis.screening.decision import SafetyDecision, safety
from atlaxis.screening.rules import Action

Severity = Literal["urgent", "high", "moderate", "info"]
SEVERITIES: tuple[Severity, ...] = ("urgent", "high", "moderate", "info")
SEVERITY_OF_ACTION: Mapping[Action, Severity] = {
    "refer_urgently": "urgent",
    "refer": "high",
    "caution": "moderate",
    "info": "info",
}

PHQ9_ITEM9_SOURCE = (
    "PHQ-9 item 9: any answer above 'not at all' needs a suicide-risk assessment whatever "
    "the total (Kroenke 2001; Simon GE et al. Psychiatr Serv 2013); evidence: secondary"
)
PHQ9_MISSING_SOURCE = (
    "PHQ-9 item 9 is never imputed; a missing answer is flagged for follow-up "
    "(atlaxis design recommendation); evidence: unverified"
)
RC_SOURCE = "Jacobson NS, Truax P. J Consult Clin Psychol 1991;59:12-19 (reliable change)"
ACR_SOURCE = (
    "Wolfe F et al. 2016 revisions to the 2010/2011 fibromyalgia diagnostic criteria. "
    "Semin Arthritis Rheum 2016;46(3):319-329"
)
_ITEM9_WORDS = ("not at all", "several days", "more than half the days", "nearly every day")


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class Alert:
    """One alert for the treating clinician (decision support, not a diagnosis)."""

    id: str
    kind: str
    severity: Severity
    reason: str
    source: Mapping[str, Any] = field(hash=False)
    rule_source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "reason": self.reason,
            "source": _thaw(self.source),
            "rule_source": self.rule_source,
        }


def alert_id(kind: str, source: Mapping[str, Any]) -> str:
    """Deterministic id: the same kind and source data always give the same id."""
    text = json.dumps({"kind": kind, "source": _thaw(source)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def make_alert(
    kind: str,
    severity: Severity,
    reason: str,
    source: Mapping[str, Any],
    rule_source: str,
    context: Mapping[str, Any] | None = None,
) -> Alert:
    data = dict(source)
    if context:
        data["context"] = dict(context)
    frozen = _freeze(data)
    return Alert(alert_id(kind, frozen), kind, severity, reason, frozen, rule_source)


# ----------------------------------------------------------------------------- safety


def alerts_for_safety(
    decision: SafetyDecision, context: Mapping[str, Any] | None = None
) -> tuple[Alert, ...]:
    """One alert per rule that fired, and one when answers are missing."""
    alerts = [
        make_alert(
            "safety_rule",
            SEVERITY_OF_ACTION[f.action],
            f.reason,
            {"rule": f.rule_id, "action": f.action, "inputs": dict(f.inputs)},
            f"{f.source} (evidence: {f.evidence})",
            context,
        )
        for f in decision.fired
    ]
    if decision.missing or decision.undetermined:
        undecided = decision.decision == "incomplete"
        reason = (
            "Safety questions before neck care are unanswered: "
            + ", ".join(decision.missing)
            + ". A missing answer is not a 'no'; "
            + ("complete them before any neck care." if undecided else "complete them.")
        )
        alerts.append(
            make_alert(
                "safety_incomplete",
                "high" if undecided else "info",
                reason,
                {"decision": decision.decision, "missing": list(decision.missing)},
                "atlaxis safety rule set: a missing safety answer never reads as clear",
                context,
            )
        )
    return tuple(alerts)


# ----------------------------------------------------------------------------- scores


def _phq9_item9(value: Any, context: Mapping[str, Any] | None) -> tuple[Alert, ...]:
    if value is None:
        return (
            make_alert(
                "phq9_item9_missing",
                "high",
                "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) was not "
                "answered. It is never estimated from the other items: ask it, or assess "
                "suicide risk directly, before the visit ends.",
                {"instrument": "phq9", "item": "9", "value": None},
                PHQ9_MISSING_SOURCE,
                context,
            ),
        )
    if value > 0:
        words = _ITEM9_WORDS[value] if value in (1, 2, 3) else str(value)
        return (
            make_alert(
                "phq9_item9",
                "urgent",
                f"PHQ-9 item 9 (thoughts of being better off dead or of self-harm) was "
                f"answered '{words}'. Any answer other than 'not at all' needs a clinician's "
                "suicide-risk assessment before the visit ends, whatever the total score.",
                {"instrument": "phq9", "item": "9", "value": value},
                PHQ9_ITEM9_SOURCE,
                context,
            ),
        )
    return ()


def _phq9_from_flags(result: ScoreResult, context: Mapping[str, Any] | None) -> tuple[Alert, ...]:
    """Item 9 read from the result's flags (when the answers themselves are not at hand)."""
    if "item9_missing" in result.flags:
        return _phq9_item9(None, context)
    if "self_harm_risk" not in result.flags:
        return ()
    return (
        make_alert(
            "phq9_item9",
            "urgent",
            "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) was answered "
            "above 'not at all'. This needs a clinician's suicide-risk assessment before the "
            "visit ends, whatever the total score.",
            {"instrument": "phq9", "item": "9", "flag": "self_harm_risk"},
            PHQ9_ITEM9_SOURCE,
            context,
        ),
    )


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _deterioration(
    instrument: Instrument,
    result: ScoreResult,
    previous: ScoreResult,
    context: Mapping[str, Any] | None,
) -> tuple[Alert, ...]:
    sd, rel = instrument.normative_sd, instrument.reliability
    if sd is None or rel is None or result.total is None or previous.total is None:
        return ()
    rc = reliable_change(
        previous.total,
        result.total,
        sd=sd.value,
        reliability=rel.coefficient,
        lower_is_better=instrument.lower_is_better,
    )
    if rc.category != "deteriorated":
        return ()
    reason = (
        f"{instrument.title}: the score went from {_fmt(rc.pre)} to {_fmt(rc.post)} "
        f"(change {rc.change:+.1f}), a worsening larger than the {_fmt(rc.minimal_change)} "
        "points that measurement error alone exceeds only 5% of the time. This is a change "
        "measured during care; it does not show what caused it. Review it with the patient."
    )
    return (
        make_alert(
            "reliable_deterioration",
            "moderate",
            reason,
            {
                "instrument": instrument.id,
                "pre": rc.pre,
                "post": rc.post,
                "change": rc.change,
                "threshold": rc.minimal_change,
                "sd": sd.value,
                "reliability": rel.coefficient,
            },
            f"{RC_SOURCE}; SD: {sd.source.citation}; reliability: {rel.source.citation}",
            context,
        ),
    )


def _acr_met(result: ScoreResult) -> bool | None:
    if "acr2016_met" in result.details:
        met = result.details["acr2016_met"]
        return None if met is None else bool(met)
    return ("acr2016_met" in result.flags) if result.complete else None


def _criteria_change(
    result: ScoreResult, previous: ScoreResult, context: Mapping[str, Any] | None
) -> tuple[Alert, ...]:
    now, before = _acr_met(result), _acr_met(previous)
    if now is None or before is None or now == before:
        return ()
    reason = (
        "The answers now meet the 2016 fibromyalgia criteria; at the previous assessment "
        "they did not."
        if now
        else "The answers no longer meet the 2016 fibromyalgia criteria; at the previous "
        "assessment they did."
    ) + " Criteria support the clinician's judgement; they are not a diagnosis by themselves."
    return (
        make_alert(
            "fm_criteria_changed",
            "info",
            reason,
            {"instrument": "acr2016", "previous_met": before, "met": now},
            ACR_SOURCE,
            context,
        ),
    )


def alerts_for_score(
    result: ScoreResult,
    previous: ScoreResult | None = None,
    *,
    instrument: Instrument | None = None,
    context: Mapping[str, Any] | None = None,
) -> tuple[Alert, ...]:
    """Alerts from one score (and the previous score of the same instrument, if given).

    PHQ-9 item 9 (from the result's flags), a deterioration beyond the reliable-change
    threshold (when the definition has ``normative_sd`` and ``reliability``), and a change
    in whether the ACR 2016 criteria are met.
    """
    if previous is not None and previous.instrument != result.instrument:
        raise ValidationError(
            "previous result is of another instrument",
            problems=[Problem("previous", f"is {previous.instrument!r}", result.instrument)],
        )
    definition = instrument or get_instrument(result.instrument)
    alerts: list[Alert] = []
    if result.instrument == "phq9":
        alerts.extend(_phq9_from_flags(result, context))
    if previous is not None:
        alerts.extend(_deterioration(definition, result, previous, context))
        if result.instrument == "acr2016":
            alerts.extend(_criteria_change(result, previous, context))
    return tuple(alerts)


def alerts_for_assessment(
    instrument_id: str,
    result: ScoreResult | None,
    previous: ScoreResult | None = None,
    answers: Mapping[str, Any] | None = None,
    *,
    context: Mapping[str, Any] | None = None,
) -> tuple[Alert, ...]:
    """Every alert for one assessment: the entry point services call.

    ``safety_screen`` needs ``answers`` (the safety rules read them); for ``phq9``,
    ``answers`` (when given) are read for item 9 directly.
    """
    if instrument_id == "safety_screen":
        if answers is None:
            raise ValidationError(
                "safety_screen alerts need the answers",
                problems=[Problem("answers", "missing", "the safety_screen answers")],
            )
        return alerts_for_safety(safety(answers), context)
    if result is None or result.instrument != instrument_id:
        got = "none" if result is None else repr(result.instrument)
        raise ValidationError(
            "result does not match the instrument",
            problems=[Problem("result", f"got {got}", f"a {instrument_id} result")],
        )
    if instrument_id == "phq9" and answers is not None:
        without = replace(
            result, flags=[f for f in result.flags if f not in ("self_harm_risk", "item9_missing")]
        )
        clean = validate_answers(get_instrument("phq9"), answers)
        return _phq9_item9(clean.get("9"), context) + alerts_for_score(
            without, previous, context=context
        )
    return alerts_for_score(result, previous, context=context)

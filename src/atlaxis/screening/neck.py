"""The neck-involvement profile: which neck-related signs are present, and what to ask next.

Built from the ``neck_screen`` intake (optionally with NDI, HIT-6/HDI, DHI,
JFLS and CSI results). It describes what the patient reported and how severe it
is where a scored instrument exists; it does not diagnose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from atlaxis.errors import InvalidAnswers, ProblemCollector, UnknownInstrument, ValidationError
from atlaxis.instruments.registry import get_instrument
from atlaxis.instruments.result import ScoreResult
from atlaxis.instruments.validation import validate_answers

NOTE = (
    "Describes what the patient reported and, where a scored instrument was given, how "
    "severe it is. It is not a diagnosis."
)


@dataclass(frozen=True)
class SignSpec:
    """A seed sign: the ``neck_screen`` items it reads and the instruments that measure it.

    The first instrument is the recommended follow-up; the others are accepted
    alternatives for severity.
    """

    id: str
    label: str
    items: tuple[str, ...]
    instruments: tuple[str, ...]


SIGNS: tuple[SignSpec, ...] = (
    SignSpec("neck_trauma", "Past neck injury", ("neck_trauma",), ("ndi",)),
    SignSpec("chronic_neck_pain", "Long-standing neck pain", ("chronic_neck_pain",), ("ndi",)),
    SignSpec("headaches", "Headaches", ("headaches",), ("hit6", "hdi")),
    SignSpec("dizziness", "Dizziness", ("dizziness",), ("dhi",)),
    SignSpec(
        "light_or_sound_sensitivity",
        "Sensitivity to light or sound",
        ("light_sensitivity", "sound_sensitivity"),
        ("csi",),
    ),
    SignSpec("jaw_trouble", "Jaw trouble", ("jaw_trouble",), ("jfls8", "jfls20")),
)

_BOOLEAN_ITEMS = tuple(dict.fromkeys(i for s in SIGNS for i in s.items))
_KNOWN_ITEMS = (*_BOOLEAN_ITEMS, "neck_trauma_kind", "neck_trauma_date")


@dataclass(frozen=True)
class Severity:
    """A scored instrument's result for a sign (``band`` as that instrument reports it)."""

    instrument: str
    total: float | None
    band: str | None
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
            "complete": self.complete,
        }


@dataclass(frozen=True)
class NeckSign:
    """One sign: present (``None`` when not answered), its follow-up, its severity."""

    id: str
    label: str
    present: bool | None
    follow_up: str
    severity: Severity | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "present": self.present,
            "follow_up": self.follow_up,
            "severity": self.severity.to_dict() if self.severity else None,
        }


@dataclass(frozen=True)
class NeckProfile:
    signs: tuple[NeckSign, ...]
    trauma: Mapping[str, Any] | None

    @property
    def present(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.signs if s.present is True)

    @property
    def count(self) -> int:
        return len(self.present)

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.signs if s.present is None)

    @property
    def complete(self) -> bool:
        return not self.unanswered

    @property
    def follow_up(self) -> tuple[str, ...]:
        """Recommended instruments for the signs present, in sign order, once each."""
        return tuple(dict.fromkeys(s.follow_up for s in self.signs if s.present is True))

    @property
    def follow_up_pending(self) -> tuple[str, ...]:
        """Recommended instruments for present signs that have no complete result yet."""
        measured = {
            s.follow_up for s in self.signs if s.severity is not None and s.severity.complete
        }
        return tuple(i for i in self.follow_up if i not in measured)

    def to_dict(self) -> dict[str, Any]:
        return {
            "signs": [s.to_dict() for s in self.signs],
            "present": list(self.present),
            "count": self.count,
            "unanswered": list(self.unanswered),
            "complete": self.complete,
            "follow_up": list(self.follow_up),
            "follow_up_pending": list(self.follow_up_pending),
            "trauma": dict(self.trauma) if self.trauma is not None else None,
            "note": NOTE,
        }


def _check_fallback(answers: Any) -> dict[str, Any]:
    """Used only while the ``neck_screen`` definition is absent: the contract's item types."""
    problems = ProblemCollector()
    if not isinstance(answers, Mapping):
        problems.add("answers", f"expected an object, got {type(answers).__name__}")
        problems.raise_if_any("neck_screen: invalid answers", InvalidAnswers)
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        if key not in _KNOWN_ITEMS:
            problems.add(str(key), "unknown item", ", ".join(_KNOWN_ITEMS))
        elif value is None:
            continue
        elif key in _BOOLEAN_ITEMS and not isinstance(value, bool):
            problems.add(key, f"expected true or false, got {value!r}", "true or false")
        elif key == "neck_trauma_date" and not _is_date(value):
            problems.add(key, f"{value!r} is not a date", "a date YYYY-MM-DD")
        elif key == "neck_trauma_kind" and not isinstance(value, str | int):
            problems.add(key, f"expected a code or text, got {value!r}", "an option code")
        else:
            clean[key] = value
    problems.raise_if_any("neck_screen: invalid answers", InvalidAnswers)
    return clean


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _validate(answers: Any) -> dict[str, Any]:
    try:
        instrument = get_instrument("neck_screen")
    except UnknownInstrument:
        return _check_fallback(answers)
    return validate_answers(instrument, answers)


def _check_scores(scores: Mapping[str, ScoreResult] | None) -> Mapping[str, ScoreResult]:
    if scores is None:
        return {}
    problems = ProblemCollector()
    if not isinstance(scores, Mapping):
        problems.add("scores", "expected a mapping of instrument id to score result")
        problems.raise_if_any("invalid scores")
    for key, result in scores.items():
        if not isinstance(result, ScoreResult):
            problems.add(str(key), f"expected a score result, got {type(result).__name__}")
        elif result.instrument != key:
            problems.add(str(key), f"holds a result of {result.instrument!r}", str(key))
    problems.raise_if_any("invalid scores", ValidationError)
    return scores


def _present(spec: SignSpec, answers: Mapping[str, Any]) -> bool | None:
    values = [answers.get(i) for i in spec.items]
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def _severity(spec: SignSpec, scores: Mapping[str, ScoreResult]) -> Severity | None:
    for instrument_id in spec.instruments:
        result = scores.get(instrument_id)
        if result is not None:
            return Severity(instrument_id, result.total, result.band, result.complete)
    return None


def neck_profile(
    answers: Any, scores: Mapping[str, ScoreResult] | None = None
) -> NeckProfile:
    """Profile of neck involvement from ``neck_screen`` answers and optional scores.

    ``scores`` maps instrument id (``ndi``, ``hit6``, ``hdi``, ``dhi``, ``jfls8``,
    ``jfls20``, ``csi``) to its :class:`ScoreResult`. Invalid answers raise
    :class:`InvalidAnswers` listing every problem.
    """
    clean = _validate(answers)
    checked = _check_scores(scores)
    signs = tuple(
        NeckSign(
            id=spec.id,
            label=spec.label,
            present=_present(spec, clean),
            follow_up=spec.instruments[0],
            severity=_severity(spec, checked),
        )
        for spec in SIGNS
    )
    trauma = None
    if clean.get("neck_trauma") is True:
        trauma = {"kind": clean.get("neck_trauma_kind"), "date": clean.get("neck_trauma_date")}
    return NeckProfile(signs=signs, trauma=trauma)

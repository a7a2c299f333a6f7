"""Plausible answers to any instrument from a latent severity (0 = none, 1 = worst).

Generic over the instrument model: choice items pick an option near ``severity`` along the
option order, yes/no items say yes with a probability that grows with it, number items scale
between their bounds, and items whose ``enable_when`` condition does not hold are left out.
A few instruments need their own rules (safety screen, PGIC, PHQ-9 item 9, PSQI times).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from atlaxis.instruments import get_instrument
from atlaxis.instruments.model import Instrument, Item

#: probability that a demo patient answers one safety question in a way that needs review
SAFETY_FLAG_RATE = 0.07
#: PHQ-9 item 9 above "not at all" in this share of depressed-range responses
ITEM9_RATE = 0.12


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _enabled(item: Item, answers: dict[str, Any]) -> bool:
    for cond in item.enable_when:
        value = answers.get(cond.question)
        if cond.operator == "=" and value != cond.answer:
            return False
        if cond.operator == "!=" and value == cond.answer:
            return False
        if cond.operator == "exists" and (value is None) == bool(cond.answer):
            return False
    return True


def _choice(item: Item, severity: float, rng: np.random.Generator) -> Any:
    n = len(item.options)
    index = int(_clip(round(severity * (n - 1) + rng.normal(0, 0.6)), 0, n - 1))
    return item.options[index].code


def _number(item: Item, severity: float, rng: np.random.Generator, integer: bool) -> Any:
    lo = item.minimum if item.minimum is not None else 0.0
    hi = item.maximum if item.maximum is not None else 10.0
    value = _clip(lo + severity * (hi - lo) + rng.normal(0, (hi - lo) * 0.05), lo, hi)
    return round(value) if integer else round(value, 1)


def _generic(
    instrument: Instrument, severity: float, rng: np.random.Generator, ctx: dict[str, Any]
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in instrument.items:
        if not _enabled(item, answers):
            continue
        s = _clip(severity + rng.normal(0, 0.12), 0.0, 1.0)
        if item.type == "choice" and item.options:
            answers[item.id] = _choice(item, s, rng)
        elif item.type == "boolean":
            answers[item.id] = bool(rng.random() < 0.15 + 0.7 * s)
        elif item.type == "integer":
            answers[item.id] = ctx.get(item.id, _number(item, s, rng, True))
        elif item.type == "decimal":
            answers[item.id] = _number(item, s, rng, False)
        elif item.type == "time":
            answers[item.id] = ctx.get(f"time_{item.id}", "23:00")
        elif item.type == "date":
            answers[item.id] = (
                ctx["today"] - timedelta(days=int(rng.integers(200, 4000)))
            ).isoformat()
    return answers


def _safety(
    instrument: Instrument, rng: np.random.Generator, ctx: dict[str, Any]
) -> dict[str, Any]:
    """Mostly clear; now and then one answer that the rules ask a clinician to review."""
    answers: dict[str, Any] = {"neck_trauma": bool(rng.random() < 0.08)}
    for item in instrument.items:
        if item.id in answers or not _enabled(item, answers):
            continue
        if item.type == "integer":
            answers[item.id] = int(ctx.get("age", 45))
        elif item.type == "boolean":
            answers[item.id] = False
    if rng.random() < SAFETY_FLAG_RATE:
        keys = [k for k, v in answers.items() if v is False and k != "neck_trauma"]
        answers[keys[int(rng.integers(len(keys)))]] = True
    return answers


def answers_for(
    instrument_id: str, severity: float, rng: np.random.Generator, **ctx: Any
) -> dict[str, Any]:
    """Answers for ``instrument_id`` at latent ``severity``; ``ctx`` may hold ``age``,
    ``today`` (a date) and for PGIC ``improvement`` (0..1)."""
    instrument = get_instrument(instrument_id)
    ctx.setdefault("today", date.today())
    severity = _clip(float(severity), 0.0, 1.0)
    if instrument_id == "safety_screen":
        return _safety(instrument, rng, ctx)
    if instrument_id == "pgic":
        improvement = float(ctx.get("improvement", 0.0))
        code = int(_clip(round(1 + improvement * 6 + rng.normal(0, 0.7)), 1, 7))
        return {"1": code}
    if instrument_id == "psqi":
        ctx.setdefault("time_1", "23:30" if severity > 0.5 else "22:45")
        ctx.setdefault("time_3", "06:30")
    answers = _generic(instrument, severity, rng, ctx)
    if instrument_id == "phq9":
        answers["9"] = int(severity > 0.45 and rng.random() < ITEM9_RATE)
    return answers

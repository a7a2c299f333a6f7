"""Plausible answers to any instrument for many respondents at once, from a latent severity
(0 = none, 1 = worst per respondent).

Generic over the instrument model: choice items pick an option near the severity along the
option order, yes/no items say yes with a probability that grows with it, number items scale
between their bounds, and items whose ``enable_when`` condition does not hold are left out.
A few instruments have their own rules (safety screen, PGIC, PHQ-9 item 9, PSQI sleep).
Every item draws its random numbers for every respondent, so a respondent's answers do not
depend on who else is in the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from atlaxis.demo.simulate import BoolArray, FloatArray
from atlaxis.demo.text import json_token
from atlaxis.instruments import get_instrument
from atlaxis.instruments.model import Instrument, Item

#: probability that a demo patient answers one safety question in a way that needs review
SAFETY_FLAG_RATE = 0.07
#: PHQ-9 item 9 above "not at all" in this share of depressed-range responses
ITEM9_RATE = 0.12
ObjArray = npt.NDArray[np.object_]


@dataclass
class Answers:
    """Answer columns: ``values[item]`` (floats for numeric items and booleans as 0/1, objects
    for text) and ``given[item]`` (False where the item was left out)."""

    instrument: Instrument
    n: int
    values: dict[str, Any] = field(default_factory=dict)
    given: dict[str, BoolArray] = field(default_factory=dict)

    def set(self, item: str, values: Any, given: BoolArray | None = None) -> None:
        self.values[item] = values
        self.given[item] = np.ones(self.n, dtype=bool) if given is None else given

    def take(self, rows: npt.NDArray[np.intp]) -> Answers:
        out = Answers(self.instrument, int(rows.size))
        for k, v in self.values.items():
            out.set(k, v[rows], self.given[k][rows])
        return out

    def columns(self) -> dict[str, Any]:
        """``score_many`` input: numeric columns with NaN where an item was left out."""
        out: dict[str, Any] = {}
        for k, v in self.values.items():
            if v.dtype.kind == "f":
                out[k] = np.where(self.given[k], v, np.nan)
            else:
                out[k] = [x if g else None for x, g in zip(v, self.given[k], strict=True)]
        return out

    def json_rows(self) -> list[str]:
        """Each respondent's answers as JSON text (items in form order)."""
        cols = [self._tokens(i) for i in self.instrument.items if i.id in self.values]
        if all(g.all() for g in self.given.values()):
            return ["{" + ", ".join(row) + "}" for row in zip(*cols, strict=True)]
        return ["{" + ", ".join(t for t in row if t) + "}" for row in zip(*cols, strict=True)]

    def _tokens(self, item: Item) -> list[str]:
        """``"id": value`` per respondent ("" where the item was left out)."""
        values, given = self.values[item.id], self.given[item.id]
        prefix = json_token(item.id) + ": "
        whole = values.dtype.kind == "f" and bool(np.all(np.floor(values) == values))
        if whole or values.dtype.kind == "O":
            distinct, inverse = np.unique(
                values.astype(np.int64) if whole else values, return_inverse=True
            )
            table = [prefix + _token(item, x) for x in distinct.tolist()]
            tokens = [table[k] for k in inverse.tolist()]
        else:
            tokens = [prefix + json_token(x) for x in values.tolist()]
        return [t if g else "" for t, g in zip(tokens, given.tolist(), strict=True)]


def _token(item: Item, x: Any) -> str:
    if item.type == "boolean":
        return "true" if x else "false"
    return json_token(x)


def _enabled(item: Item, a: Answers) -> BoolArray:
    on = np.ones(a.n, dtype=bool)
    for cond in item.enable_when:
        if cond.question not in a.values:
            given = np.zeros(a.n, dtype=bool)
            equal = given
        else:
            given = a.given[cond.question]
            equal = given & (a.values[cond.question] == cond.answer)
        if cond.operator == "=":
            on &= equal
        elif cond.operator == "!=":
            on &= ~equal
        elif cond.operator == "exists":
            on &= given == bool(cond.answer)
    return on


def _item_values(item: Item, s: FloatArray, rng: np.random.Generator, ctx: dict[str, Any]) -> Any:
    n = s.size
    if item.type == "choice" and item.options:
        k = len(item.options)
        pick = np.clip(np.rint(s * (k - 1) + rng.normal(0, 0.6, n)), 0, k - 1).astype(np.intp)
        codes = [o.code for o in item.options]
        if all(isinstance(c, int) and not isinstance(c, bool) for c in codes):
            return np.asarray(codes, dtype=float)[pick]
        return np.asarray(codes, dtype=object)[pick]
    if item.type == "boolean":
        return (rng.random(n) < 0.15 + 0.7 * s).astype(float)
    if item.type in ("integer", "decimal"):
        lo = item.minimum if item.minimum is not None else 0.0
        hi = item.maximum if item.maximum is not None else 10.0
        drawn = np.clip(lo + s * (hi - lo) + rng.normal(0, (hi - lo) * 0.05, n), lo, hi)
        if item.id in ctx:
            return np.asarray(ctx[item.id], dtype=float)
        return np.rint(drawn) if item.type == "integer" else np.round(drawn, 1)
    if item.type == "time":
        return np.asarray(ctx.get(f"time_{item.id}", np.full(n, "23:00", dtype=object)))
    if item.type == "date":
        back = (np.asarray(ctx["today"]) - rng.integers(200, 4000, n)).tolist()
        return np.array([date.fromordinal(d).isoformat() for d in back], dtype=object)
    return np.full(n, None, dtype=object)


def _generic(
    instrument: Instrument, severity: FloatArray, rng: np.random.Generator, ctx: dict[str, Any]
) -> Answers:
    a = Answers(instrument, severity.size)
    for item in instrument.items:
        s = np.clip(severity + rng.normal(0, 0.12, severity.size), 0.0, 1.0)
        values = _item_values(item, s, rng, ctx)
        a.set(item.id, values, _enabled(item, a))
    return a


def _safety(instrument: Instrument, rng: np.random.Generator, ctx: dict[str, Any]) -> Answers:
    """Mostly clear; now and then one answer that the rules ask a clinician to review."""
    n = int(ctx["age"].size)
    a = Answers(instrument, n)
    a.set("neck_trauma", (rng.random(n) < 0.08).astype(float))
    for item in instrument.items[1:]:
        on = _enabled(item, a)
        if item.type == "integer":
            a.set(item.id, np.asarray(ctx["age"], dtype=float), on)
        elif item.type == "boolean":
            a.set(item.id, np.zeros(n), on)
    flagged = rng.random(n) < SAFETY_FLAG_RATE
    items = [i.id for i in instrument.items[1:] if i.type == "boolean"]
    open_ = np.stack([a.given[i] for i in items], axis=1)
    pick = np.argmax(np.where(open_, rng.random((n, len(items))), -1.0), axis=1)
    for k, item_id in enumerate(items):
        a.values[item_id] = np.where(flagged & (pick == k), 1.0, a.values[item_id])
    return a


def _psqi(severity: FloatArray, rng: np.random.Generator, ctx: dict[str, Any]) -> dict[str, Any]:
    """Bed at 22:45 (23:30 when worse), up at 06:30; sleep latency and hours asleep worsen
    with severity, never more hours asleep than in bed."""
    n = severity.size
    late = severity > 0.5
    in_bed = np.where(late, 7.0, 7.75)
    asleep = np.clip(np.round(7.6 - 3.5 * severity + rng.normal(0, 0.5, n), 1), 3.0, in_bed)
    latency = np.clip(np.rint(10 + 70 * severity + rng.normal(0, 8, n)), 0, 180)
    return {
        **ctx,
        "time_1": np.where(late, "23:30", "22:45").astype(object),
        "time_3": np.full(n, "06:30", dtype=object),
        "2": latency,
        "4": asleep,
    }


def answers_for(
    instrument_id: str, severity: FloatArray, rng: np.random.Generator, **ctx: Any
) -> Answers:
    """Answers for ``instrument_id`` at latent ``severity`` (one per respondent); ``ctx`` holds
    ``age``, ``today`` (date ordinals) and for PGIC ``improvement`` (0..1), each an array."""
    instrument = get_instrument(instrument_id)
    severity = np.clip(np.asarray(severity, dtype=float), 0.0, 1.0)
    if instrument_id == "safety_screen":
        return _safety(instrument, rng, ctx)
    if instrument_id == "pgic":
        improvement = np.asarray(ctx["improvement"], dtype=float)
        code = np.clip(np.rint(1 + improvement * 6 + rng.normal(0, 0.7, severity.size)), 1, 7)
        a = Answers(instrument, severity.size)
        a.set("1", code)
        return a
    if instrument_id == "psqi":
        ctx = _psqi(severity, rng, ctx)
    a = _generic(instrument, severity, rng, ctx)
    if instrument_id == "phq9":
        low = rng.random(severity.size) >= ITEM9_RATE
        a.values["9"] = np.where((severity > 0.45) & ~low, 1.0, 0.0)
    return a

"""The scoring engine: one response (``score``) or a table of them (``score_many``).

Declarative instruments (sums, subscales, divisors, weights, the published
missing-item rule) are scored here; instruments whose algorithm is not a sum
(ACR 2016, PSQI, our own forms) carry a ``custom_scorer`` and, where speed
matters, a vectorised ``batch_scorer``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from atlaxis.errors import InvalidAnswers, Problem
from atlaxis.instruments.model import Instrument, Item, Subscale
from atlaxis.instruments.registry import get_instrument
from atlaxis.instruments.result import ScoreResult
from atlaxis.instruments.validation import check_value, validate_answers

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def item_points(instrument: Instrument, item: Item, value: Any) -> float:
    """Points an answer contributes to the score."""
    overrides = instrument.extra.get("points", {}).get(item.id)
    if item.type == "multi_choice":
        return float(sum(opt.points for opt in item.options if opt.code in value))
    if overrides is not None:
        return float(overrides.get(value, 0.0))
    if item.type == "choice":
        opt = item.option(value)
        assert opt is not None  # validated
        return opt.points
    if item.type == "boolean":
        return 1.0 if value else 0.0
    return float(value)


def _scored_items(instrument: Instrument) -> tuple[str, ...]:
    sc = instrument.scoring
    if sc.total_items:
        return sc.total_items
    return tuple(
        i.id
        for i in instrument.items
        if i.type in ("choice", "integer", "decimal", "boolean", "multi_choice")
    )


def _subscale_value(sub: Subscale, points: Mapping[str, float]) -> float | None:
    answered = [points[i] for i in sub.items if i in points]
    missing = len(sub.items) - len(answered)
    if missing > sub.max_missing or not answered:
        return None
    if sub.statistic == "mean":
        raw = sum(answered) / len(answered)
    else:
        raw = sum(answered)
        if sub.prorate and missing:
            raw = raw * len(sub.items) / len(answered)
    return raw / sub.divisor * sub.weight


def _pool(
    values: Sequence[float], n_items: int, max_missing: int, prorate: bool, mean: bool
) -> float | None:
    missing = n_items - len(values)
    if missing > max_missing or not values:
        return None
    if mean:
        return sum(values) / len(values)
    total = float(sum(values))
    if prorate and missing:
        total = total * n_items / len(values)
    return total


def score_declarative(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    """Score a validated response with the instrument's declarative rule."""
    sc = instrument.scoring
    by_id = {i.id: i for i in instrument.items}
    scored = ("choice", "integer", "decimal", "boolean", "multi_choice")
    points = {
        k: item_points(instrument, by_id[k], v)
        for k, v in answers.items()
        if k in by_id and by_id[k].type in scored
    }
    subscales = {s.name: _subscale_value(s, points) for s in sc.subscales}
    total: float | None
    if sc.total in ("sum_items", "mean_items"):
        ids = _scored_items(instrument)
        values = [points[i] for i in ids if i in points]
        total = _pool(values, len(ids), sc.max_missing, sc.prorate, sc.total == "mean_items")
    elif sc.total == "sum_subscales":
        vals = [subscales[s.name] for s in sc.subscales if s.in_total]
        total = (
            None if any(v is None for v in vals) else float(sum(v for v in vals if v is not None))
        )
    elif sc.total == "mean_subscales":
        vals = [subscales[s.name] for s in sc.subscales if s.in_total]
        total = (
            None
            if any(v is None for v in vals)
            else sum(v for v in vals if v is not None) / len(vals)
        )
    else:  # pragma: no cover - custom instruments never reach here
        raise ValueError(f"{instrument.id}: custom total needs a custom scorer")
    missing = [i.id for i in instrument.items if i.id not in answers and i.required]
    band = (
        instrument.interpretation.band_for(total)
        if (instrument.interpretation and total is not None)
        else None
    )
    flagger = instrument.extra.get("flagger")
    flags: list[str] = list(flagger(answers, total)) if flagger else []
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=total,
        subscales=subscales,
        band=band,
        flags=flags,
        complete=total is not None,
        missing=missing,
    )


def score(instrument_id: str | Instrument, answers: Any) -> ScoreResult:
    """Score one response. See DESIGN.md for the contract.

    Invalid answers raise :class:`atlaxis.errors.InvalidAnswers` listing every
    problem; a valid response too incomplete under the instrument's published
    missing-data rule returns ``complete=False`` and ``total=None``.
    """
    instrument = get_instrument(instrument_id) if isinstance(instrument_id, str) else instrument_id
    clean = validate_answers(instrument, answers)
    if instrument.custom_scorer is not None:
        return instrument.custom_scorer(instrument, clean)
    return score_declarative(instrument, clean)


def validate(instrument_id: str | Instrument, answers: Any) -> dict[str, Any]:
    """Check a response without scoring it: the normalised answers (missing ones omitted),
    or :class:`atlaxis.errors.InvalidAnswers` exactly as :func:`score` would raise it."""
    instrument = get_instrument(instrument_id) if isinstance(instrument_id, str) else instrument_id
    return validate_answers(instrument, answers)


# --------------------------------------------------------------------------- batch


def _column(values: Any, n: int | None, item_id: str) -> npt.NDArray[Any]:
    if isinstance(values, list | tuple) and any(isinstance(v, bool | str) for v in values):
        arr = np.empty(len(values), dtype=object)  # keep True and "1" distinct from 1
        for k, v in enumerate(values):
            arr[k] = v
    else:
        arr = np.asarray(values)
    if arr.ndim != 1:
        raise InvalidAnswers(
            "columns must be 1-D", problems=[Problem(item_id, f"got shape {arr.shape}")]
        )
    if n is not None and arr.shape[0] != n:
        raise InvalidAnswers(
            "columns must have equal length",
            problems=[Problem(item_id, f"has {arr.shape[0]} rows, expected {n}")],
        )
    return arr


def _bad_rows(item_id: str, bad: BoolArray, raw: npt.NDArray[Any]) -> Problem:
    rows = np.flatnonzero(bad)
    shown = ", ".join(f"row {r}: {raw[r]!r}" for r in rows[:5])
    more = f" and {rows.size - 5} more" if rows.size > 5 else ""
    return Problem(item_id, f"invalid answers ({shown}{more})")


def _identity_codes(instrument: Instrument, item: Item, x: FloatArray) -> FloatArray | None:
    """``x`` itself when points equal codes and every answer is valid (the common case).

    Checks by reductions, without allocating a mask per test; ``None`` sends the column
    to the exact path, which also finds the invalid rows. The result shares memory with
    the caller's column and is never written to.
    """
    if instrument.extra.get("points", {}).get(item.id) is not None:
        return None
    if item.type == "boolean":
        lo, hi = 0, 1
    elif item.type == "choice" and item.options:
        codes = [int(o.code) for o in item.options]
        lo, hi = min(codes), max(codes)
        if sorted(codes) != list(range(lo, hi + 1)) or any(
            o.points != o.code for o in item.options
        ):
            return None
    else:
        return None
    if x.size == 0:
        return x
    low, high = np.fmin.reduce(x), np.fmax.reduce(x)  # NaN-ignoring
    if np.isnan(low):  # every answer missing
        return x
    if low < lo or high > hi:
        return None
    fraction = x - np.floor(x)
    if np.fmax.reduce(fraction) > 0:
        return None
    return x


def column_points(
    instrument: Instrument, item: Item, raw: npt.NDArray[Any]
) -> tuple[FloatArray, Problem | None]:
    """Map a column of answer codes to points (NaN where missing), vectorised."""
    n = raw.shape[0]
    overrides = instrument.extra.get("points", {}).get(item.id)
    numeric_codes = bool(item.options) and all(
        isinstance(o.code, int) and not isinstance(o.code, bool) for o in item.options
    )
    numeric_item = numeric_codes or item.type in ("integer", "decimal", "boolean")
    if raw.dtype.kind in "fiu" or (raw.dtype.kind == "b" and item.type == "boolean"):
        if not numeric_item:
            return _object_column_points(instrument, item, raw.astype(object))
        x = raw.astype(np.float64, copy=False)
        fast = _identity_codes(instrument, item, x)
        if fast is not None:
            return fast, None
        missing = np.isnan(x)
        if item.type in ("integer", "decimal") and not item.options:
            lo = -np.inf if item.minimum is None else item.minimum
            hi = np.inf if item.maximum is None else item.maximum
            bad = ~missing & (~np.isfinite(x) | (x < lo) | (x > hi))
            if item.type == "integer":
                bad |= ~missing & (x != np.floor(x))
            pts = x.copy()
        else:
            if item.type == "boolean":
                codes = [0, 1]
                table_pts = {0: 0.0, 1: 1.0}
            else:
                codes = [int(o.code) for o in item.options]
                table_pts = {int(o.code): o.points for o in item.options}
            if overrides is not None:
                table_pts = {c: float(overrides.get(c, 0.0)) for c in codes}
            lo, hi = min(codes), max(codes)
            table = np.full(hi - lo + 1, np.nan)
            for c in codes:
                table[c - lo] = table_pts[c]
            filled = np.where(missing, lo, x)
            ok_range = (filled >= lo) & (filled <= hi) & (filled == np.floor(filled))
            idx = np.where(ok_range, filled - lo, 0).astype(np.intp)
            pts = table[idx]
            bad = ~missing & (~ok_range | np.isnan(pts))
            pts[missing] = np.nan
        return pts, (_bad_rows(item.id, bad, raw) if bad.any() else None)
    if raw.dtype.kind == "b":  # booleans are not option codes (as in ``score``)
        bad = np.ones(n, dtype=bool)
        return np.full(n, np.nan), (_bad_rows(item.id, bad, raw) if n else None)
    return _object_column_points(instrument, item, raw)


def _object_column_points(
    instrument: Instrument, item: Item, raw: npt.NDArray[Any]
) -> tuple[FloatArray, Problem | None]:
    """Object / string columns: each value checked exactly as ``score`` checks it."""
    n = raw.shape[0]
    pts = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    for r in range(n):
        v = raw[r]
        if isinstance(v, np.generic):
            v = v.item()
        if v is None or (isinstance(v, float) and np.isnan(v)):
            continue
        normal, problem = check_value(item, v)
        if problem is not None:
            bad[r] = True
        else:
            pts[r] = item_points(instrument, item, normal)
    return pts, (_bad_rows(item.id, bad, raw) if bad.any() else None)


def _batch_pool(
    columns: Sequence[FloatArray], n: int, max_missing: int, prorate: bool, mean: bool
) -> FloatArray:
    """Pool item columns row-wise as ``_pool``/``_subscale_value`` do, in item order."""
    n_items = len(columns)
    total: FloatArray = np.zeros(n)
    missing: npt.NDArray[np.integer[Any]] = np.zeros(
        n, dtype=np.uint8 if n_items < 256 else np.int32
    )
    for col in columns:
        gap = np.isnan(col)
        missing += gap
        total += np.where(gap, 0.0, col)
    answered = n_items - missing
    safe = np.maximum(answered, 1)
    if mean:
        total = total / safe
    elif prorate:
        total = total * n_items / safe
    total[(missing > max_missing) | (answered == 0)] = np.nan
    return total


def points_matrix(
    instrument: Instrument, columns: Mapping[str, Any]
) -> tuple[dict[str, FloatArray], int]:
    """Validate columns and map them to points; raise one error listing every problem."""
    problems: list[Problem] = []
    n: int | None = None
    out: dict[str, FloatArray] = {}
    for key, values in columns.items():
        item = instrument.item(key)
        if item is None:
            problems.append(Problem(key, "unknown item"))
            continue
        raw = _column(values, n, key)
        n = raw.shape[0]
        pts, problem = column_points(instrument, item, raw)
        if problem is not None:
            problems.append(problem)
        out[key] = pts
    if problems:
        raise InvalidAnswers(f"{instrument.id}: invalid answer columns", problems=problems)
    return out, (n or 0)


def score_many(instrument_id: str | Instrument, columns: Mapping[str, Any]) -> dict[str, Any]:
    """Score a table of responses in one vectorised pass.

    ``columns`` maps item id → 1-D array of answer codes (NaN/None where missing).
    Returns ``{"total": array, "complete": bool array, <subscale>: array, ...}``,
    equal to ``score`` row by row (NaN where ``score`` gives ``None``).
    """
    instrument = get_instrument(instrument_id) if isinstance(instrument_id, str) else instrument_id
    if instrument.batch_scorer is not None:
        pts, n = points_matrix(instrument, columns)
        return instrument.batch_scorer(instrument, pts)
    if instrument.custom_scorer is not None:
        return _row_loop(instrument, columns)
    pts, n = points_matrix(instrument, columns)
    nan = np.full(n, np.nan)
    sc = instrument.scoring

    def block(ids: Sequence[str]) -> list[FloatArray]:
        return [pts.get(i, nan) for i in ids]

    out: dict[str, Any] = {}
    subs: list[FloatArray] = []
    for s in sc.subscales:
        mean = s.statistic == "mean"
        v = _batch_pool(block(s.items), n, s.max_missing, s.prorate and not mean, mean)
        v = v / s.divisor * s.weight
        out[s.name] = v
        if s.in_total:
            subs.append(v)
    if sc.total in ("sum_items", "mean_items"):
        ids = _scored_items(instrument)
        mean = sc.total == "mean_items"
        total = _batch_pool(block(ids), n, sc.max_missing, sc.prorate and not mean, mean)
    else:  # sum_subscales / mean_subscales, added in order as ``score`` does
        total = np.zeros(n)
        for v in subs:
            total = total + v
        if sc.total == "mean_subscales":
            total = total / len(subs)
    out["total"] = total
    out["complete"] = ~np.isnan(total)
    return out


def _row_loop(instrument: Instrument, columns: Mapping[str, Any]) -> dict[str, Any]:
    keys = list(columns)
    # plain lists, not np.asarray: a multi_choice column holds lists, which numpy
    # would turn into a 2-D array
    arrays = [list(columns[k]) for k in keys]
    n = len(arrays[0]) if arrays else 0
    uneven = [
        Problem(k, f"has {len(a)} rows, expected {n}")
        for k, a in zip(keys, arrays, strict=True)
        if len(a) != n
    ]
    if uneven:
        raise InvalidAnswers("columns must have equal length", problems=uneven)
    totals = np.full(n, np.nan)
    complete = np.zeros(n, dtype=bool)
    subs: dict[str, FloatArray] = {}
    for r in range(n):
        answers: dict[str, Any] = {}
        for k, arr in zip(keys, arrays, strict=True):
            v = arr[r]
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, np.ndarray):
                v = v.tolist()
            answers[k] = v.item() if isinstance(v, np.generic) else v
        res = score(instrument, answers)
        totals[r] = np.nan if res.total is None else res.total
        complete[r] = res.complete  # a screen can be complete without a total
        for name, val in res.subscales.items():
            subs.setdefault(name, np.full(n, np.nan))[r] = np.nan if val is None else val
    out: dict[str, Any] = dict(subs)
    out["total"] = totals
    out["complete"] = complete
    return out

"""Scores and alerts for generated answers, all from the science core.

Declarative instruments are scored in one ``score_many`` pass per group of respondents and
the result assembled as ``score`` assembles it (band, flags, missing items); instruments
with their own algorithm go through ``score`` row by row (memoised on the answers: the
safety screen repeats a few dozen answer patterns). Alerts come from
``screening.alerts_for_assessment``, called for every row that could raise one (a conservative
pre-check on the scores); ``tests/unit/demo`` checks both against the per-row science-core
calls on every assessment of a small clinic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from atlaxis.demo.answers import Answers
from atlaxis.instruments import ScoreResult, get_instrument, score, score_many
from atlaxis.instruments.model import Instrument
from atlaxis.screening.alerts import Alert, alerts_for_assessment

_CACHE: dict[tuple[Any, ...], tuple[ScoreResult, str]] = {}
_CACHE_LIMIT = 4_096


def _remember(key: tuple[Any, ...], make: Callable[[], ScoreResult]) -> tuple[ScoreResult, str]:
    hit = _CACHE.get(key)
    if hit is None:
        result = make()
        hit = (result, json.dumps(result.to_dict()))
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = hit
    return hit


def _assemble(
    instrument: Instrument,
    names: list[str],
    total: float | None,
    values: tuple[float | None, ...],
    flags: tuple[str, ...],
    missing: tuple[str, ...],
) -> ScoreResult:
    """The result ``score`` gives a declarative instrument (see ``score_declarative``)."""
    interp = instrument.interpretation
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=total,
        subscales=dict(zip(names, values, strict=True)),
        band=interp.band_for(total) if interp is not None and total is not None else None,
        flags=list(flags),
        complete=total is not None,
        missing=list(missing),
    )


def _declarative(
    instrument: Instrument, a: Answers, texts: list[str]
) -> tuple[list[ScoreResult], list[str]]:
    """``score`` of each row, assembled from one ``score_many`` pass (results with equal
    totals, subscales, flags and missing items are shared)."""
    out = score_many(instrument, a.columns())
    names = [s.name for s in instrument.scoring.subscales]
    totals = out["total"].tolist()
    subs = list(zip(*(out[k].tolist() for k in names), strict=True)) or [()] * len(totals)
    required = [i.id for i in instrument.items if i.required]
    gaps = [i for i in required if i not in a.given or not a.given[i].all()]
    flagger = instrument.extra.get("flagger")
    results, result_texts = [], []
    for r, raw in enumerate(totals):
        total = None if math.isnan(raw) else float(raw)
        missing = tuple(i for i in gaps if i not in a.given or not a.given[i][r])
        flags = tuple(flagger(json.loads(texts[r]), total)) if flagger else ()
        values = tuple(None if math.isnan(v) else float(v) for v in subs[r])
        key = (instrument.id, total, values, flags, missing)
        make = partial(_assemble, instrument, names, total, values, flags, missing)
        result, text = _remember(key, make)
        results.append(result)
        result_texts.append(text)
    return results, result_texts


def _score_text(instrument: Instrument, text: str) -> ScoreResult:
    return score(instrument, json.loads(text))


def _one_by_one(instrument: Instrument, texts: list[str]) -> tuple[list[ScoreResult], list[str]]:
    results, result_texts = [], []
    for text in texts:
        make = partial(_score_text, instrument, text)
        result, result_text = _remember((instrument.id, text), make)
        results.append(result)
        result_texts.append(result_text)
    return results, result_texts


def score_answers(a: Answers) -> tuple[list[str], list[ScoreResult], list[str]]:
    """(answers as JSON text, results, results as JSON text), one per respondent."""
    texts = a.json_rows()
    instrument = a.instrument
    if instrument.custom_scorer is not None:
        results, result_texts = _one_by_one(instrument, texts)
    else:
        results, result_texts = _declarative(instrument, a, texts)
    return texts, results, result_texts


def _acr_state(result: ScoreResult) -> tuple[Any, ...]:
    return (result.details.get("acr2016_met"), "acr2016_met" in result.flags, result.complete)


def may_alert(instrument: Instrument, result: ScoreResult, previous: ScoreResult | None) -> bool:
    """False only where ``alerts_for_assessment`` is sure to return nothing."""
    if instrument.id == "safety_screen":
        d: Mapping[str, Any] = result.details.get("safety") or {}
        return not d or bool(d.get("fired") or d.get("missing") or d.get("undetermined_rules"))
    if instrument.id == "phq9" and {"self_harm_risk", "item9_missing"} & set(result.flags):
        return True
    if previous is None:
        return False
    if instrument.id == "acr2016" and _acr_state(result) != _acr_state(previous):
        return True
    now, before = result.total, previous.total
    if instrument.normative_sd is None or instrument.reliability is None:
        return False
    if now is None or before is None:
        return False
    return now > before if instrument.lower_is_better else now < before


def alerts_for(
    instrument_id: str,
    result: ScoreResult,
    previous: ScoreResult | None,
    answers_text: str,
    assessment_id: int,
) -> tuple[Alert, ...]:
    """The screening alerts of one stored assessment (none without calling the core where
    :func:`may_alert` rules them out)."""
    instrument = get_instrument(instrument_id)
    if not may_alert(instrument, result, previous):
        return ()
    return alerts_for_assessment(
        instrument_id,
        result,
        previous,
        json.loads(answers_text),
        context={"assessment_id": assessment_id},
    )

"""Properties every registered instrument must have (hypothesis).

* any valid response scores inside the published ``score_range`` (or is incomplete);
* ``score_many`` equals ``score`` row by row (NaN where ``score`` gives ``None``);
* invalid answers raise :class:`InvalidAnswers` naming each bad field, never another
  exception.

The instruments come from the registry, so every new definition is covered
automatically. Answers are generated from each item's declared type, options and range.
"""

from __future__ import annotations

import math
import string
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import all_instruments, score, score_many
from atlaxis.instruments.model import Instrument, Item
from atlaxis.instruments.validation import MAX_TEXT

INSTRUMENTS = {i.id: i for i in all_instruments()}
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NUMERIC = ("choice", "boolean", "integer", "decimal")


def _bounds(item: Item, default: tuple[float, float]) -> tuple[float, float]:
    lo = default[0] if item.minimum is None else item.minimum
    hi = default[1] if item.maximum is None else item.maximum
    return lo, hi


def valid_value(item: Item) -> st.SearchStrategy[Any]:
    codes = [o.code for o in item.options]
    if item.type == "choice":
        return st.sampled_from(codes)
    if item.type == "multi_choice":
        return st.lists(st.sampled_from(codes), unique=True, max_size=len(codes))
    if item.type == "boolean":
        return st.booleans()
    if item.type == "integer":
        lo, hi = _bounds(item, (-1000, 1000))
        return st.integers(math.ceil(lo), math.floor(hi))
    if item.type == "decimal":
        lo, hi = _bounds(item, (-1e6, 1e6))
        return st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if item.type == "time":
        return st.builds("{:02d}:{:02d}".format, st.integers(0, 23), st.integers(0, 59))
    if item.type == "date":
        return st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10)
    return st.text(max_size=40)


@st.composite
def responses(draw: st.DrawFn, instrument: Instrument) -> dict[str, Any]:
    """Complete, nearly complete or patchy responses (so totals are often computed)."""
    mode = draw(st.sampled_from(["complete", "sparse", "patchy"]))
    answers: dict[str, Any] = {}
    for item in instrument.items:
        keep = (
            mode == "complete"
            or (mode == "sparse" and draw(st.integers(0, 19)) > 0)
            or (mode == "patchy" and draw(st.booleans()))
        )
        if keep:
            answers[item.id] = draw(valid_value(item))
    return answers


_NON_INTEGRAL = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda f: not f.is_integer()
)
_JUNK = st.one_of(st.lists(st.integers(), min_size=1, max_size=2), st.just({"a": 1}))


def invalid_value(item: Item) -> st.SearchStrategy[Any]:
    codes = [o.code for o in item.options]
    if item.type == "choice":
        if all(isinstance(c, str) for c in codes):
            wrong: st.SearchStrategy[Any] = st.one_of(
                st.integers(), st.text().filter(lambda s: s not in codes)
            )
        else:
            wrong = st.one_of(
                st.integers().filter(lambda v: v not in codes), _NON_INTEGRAL, st.text()
            )
        return st.one_of(st.booleans(), wrong, _JUNK)
    if item.type == "multi_choice":
        bad_code = st.integers().filter(lambda v: v not in codes) | st.text().filter(
            lambda s: s not in codes
        )
        return st.one_of(st.integers(), st.text(), st.lists(bad_code, min_size=1, max_size=3))
    if item.type == "boolean":
        return st.one_of(st.integers(), st.floats(), st.text(), _JUNK)
    if item.type in ("integer", "decimal"):
        outside = [st.text(), st.booleans(), _JUNK, st.sampled_from([math.nan, math.inf])]
        if item.maximum is not None:
            outside.append(st.integers(min_value=math.floor(item.maximum) + 1))
        if item.minimum is not None:
            outside.append(st.integers(max_value=math.ceil(item.minimum) - 1))
        if item.type == "integer":
            outside.append(_NON_INTEGRAL)
        return st.one_of(*outside)
    if item.type == "time":
        return st.one_of(st.integers(), st.sampled_from(["24:00", "7:30", "12:60", "noon"]))
    if item.type == "date":
        return st.one_of(st.integers(), st.sampled_from(["2024-02-30", "2024-2-3", "today"]))
    return st.one_of(st.integers(), st.booleans(), _JUNK, st.just("x" * (MAX_TEXT + 1)))


EVERY_INSTRUMENT = pytest.mark.parametrize(
    "instrument", [INSTRUMENTS[k] for k in sorted(INSTRUMENTS)], ids=sorted(INSTRUMENTS)
)


def test_registry_holds_this_helpers_instruments() -> None:
    wanted = {"acr2016", "fiqr", "ndi", "dhi", "hit6", "csi", "gad7", "pgic", "phq9"}
    assert wanted <= set(INSTRUMENTS)


@EVERY_INSTRUMENT
@SETTINGS
@given(data=st.data())
def test_valid_answers_score_inside_range(instrument: Instrument, data: st.DataObject) -> None:
    answers = data.draw(responses(instrument), label="answers")
    res = score(instrument, answers)
    if instrument.score_range is not None:  # a screen may be complete without a total
        assert res.complete is (res.total is not None)
    if res.total is not None and instrument.score_range is not None:
        lo, hi = instrument.score_range
        assert lo - 1e-9 <= res.total <= hi + 1e-9, (answers, res.total)
    if res.total is not None and instrument.interpretation is not None:
        labels = {b.label for b in instrument.interpretation.bands}
        assert res.band in labels


def _object_column(values: list[Any]) -> np.ndarray[Any, Any]:
    col = np.empty(len(values), dtype=object)
    for k, v in enumerate(values):
        col[k] = v
    return col


def _float_columns_allowed(instrument: Instrument) -> bool:
    """Float columns (NaN = missing) are the fast path for numeric, non-row-loop instruments."""
    if instrument.custom_scorer is not None and instrument.batch_scorer is None:
        return False
    return all(
        i.type in NUMERIC and all(not isinstance(o.code, str) for o in i.options)
        for i in instrument.items
    )


def _expected(
    instrument: Instrument, rows: list[dict[str, Any]]
) -> dict[str, np.ndarray[Any, Any]]:
    results = [score(instrument, r) for r in rows]
    out = {"total": np.array([np.nan if r.total is None else r.total for r in results])}
    for name in results[0].subscales:
        out[name] = np.array(
            [np.nan if r.subscales.get(name) is None else r.subscales[name] for r in results],
            dtype=float,
        )
    out["complete"] = np.array([r.complete for r in results])
    return out


@EVERY_INSTRUMENT
@SETTINGS
@given(data=st.data())
def test_score_many_equals_score_row_by_row(instrument: Instrument, data: st.DataObject) -> None:
    rows = data.draw(st.lists(responses(instrument), min_size=1, max_size=6), label="rows")
    expected = _expected(instrument, rows)
    variants = [{i.id: _object_column([r.get(i.id) for r in rows]) for i in instrument.items}]
    if _float_columns_allowed(instrument):
        variants.append(
            {
                i.id: np.array([np.nan if r.get(i.id) is None else float(r[i.id]) for r in rows])
                for i in instrument.items
            }
        )
    for columns in variants:
        out = score_many(instrument, columns)
        for name, want in expected.items():
            assert name in out, f"score_many gives no {name!r}"
            if name == "complete":
                assert np.asarray(out[name]).tolist() == want.tolist()
            else:
                np.testing.assert_allclose(out[name], want, rtol=1e-12, atol=1e-12)


@st.composite
def invalid_responses(draw: st.DrawFn, instrument: Instrument) -> tuple[dict[Any, Any], set[str]]:
    """A valid response with 1-3 wrong entries; returns it and the fields that are wrong."""
    answers: dict[Any, Any] = draw(responses(instrument))
    wrong: set[str] = set()
    ids = set(instrument.item_ids)
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            key = draw(st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=8))
            if key in ids:
                continue
            answers[key] = draw(st.integers(0, 3))
            wrong.add(key)
        else:
            item = draw(st.sampled_from(instrument.items))
            answers[item.id] = draw(invalid_value(item), label=f"invalid {item.id}")
            wrong.add(item.id)
    if not wrong:  # every drawn key collided with a real item id: add a surely unknown one
        answers["__unknown__"] = 1
        wrong.add("__unknown__")
    return answers, wrong


@EVERY_INSTRUMENT
@SETTINGS
@given(data=st.data())
def test_invalid_answers_raise_invalid_answers(instrument: Instrument, data: st.DataObject) -> None:
    answers, wrong = data.draw(invalid_responses(instrument), label="invalid")
    with pytest.raises(InvalidAnswers) as err:
        score(instrument, answers)
    assert {p.field for p in err.value.problems} == wrong


@EVERY_INSTRUMENT
@pytest.mark.parametrize("answers", [None, [], "1", 3, [("1", 0)]])
def test_non_mapping_answers_raise_invalid_answers(instrument: Instrument, answers: Any) -> None:
    with pytest.raises(InvalidAnswers):
        score(instrument, answers)


@EVERY_INSTRUMENT
@SETTINGS
@given(data=st.data())
def test_invalid_column_raises_invalid_answers(instrument: Instrument, data: st.DataObject) -> None:
    item = data.draw(st.sampled_from(instrument.items), label="item")
    # in columns NaN means "missing", so it is not an invalid cell there
    bad = data.draw(
        invalid_value(item).filter(lambda v: not (isinstance(v, float) and math.isnan(v))),
        label="bad",
    )
    good = data.draw(valid_value(item), label="good")
    with pytest.raises(InvalidAnswers):
        score_many(instrument, {item.id: _object_column([good, bad, None])})


def _always_invalid(item: Item) -> list[Any]:
    """Fixed invalid values for ``item``'s type: bools for numbers, numeric strings,
    NaN/inf, nested objects (DESIGN.md: every invalid answer is an error)."""
    nested = [{"value": 1}, [[1]]]
    if item.type == "boolean":
        return [1, 0, "true", "1", math.nan, *nested]
    if item.type == "multi_choice":
        return [1, "1", math.nan, {"value": 1}, [math.inf], [True]]
    if item.type in ("time", "date"):
        return [1, True, math.nan, *nested]
    if item.type == "text":
        return [1, True, *nested]
    numeric_codes = item.type in ("integer", "decimal") or all(
        isinstance(o.code, int) for o in item.options
    )
    strings = ["1", "1.0", " 2"] if numeric_codes else ["YES", "Never"]
    return [True, False, math.nan, math.inf, -math.inf, *strings, *nested]


@EVERY_INSTRUMENT
def test_every_invalid_kind_is_listed_for_every_item(instrument: Instrument) -> None:
    longest = max(len(_always_invalid(item)) for item in instrument.items)
    for k in range(longest):
        answers = {
            item.id: _always_invalid(item)[k % len(_always_invalid(item))]
            for item in instrument.items
        }
        with pytest.raises(InvalidAnswers) as err:
            score(instrument, {**answers, "no_such_item": 1})
        fields = {p.field for p in err.value.problems}
        assert fields == {*instrument.item_ids, "no_such_item"}, answers

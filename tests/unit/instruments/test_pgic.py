"""PGIC scoring.

Rules: NINDS Common Data Elements, PGIC (7-point; 1 = very much improved … 7 = very
much worse), derived from Guy W. ECDEU Assessment Manual (CGI-Improvement), 1976.
``total`` is the answer code and ``band`` its label in lower case. A single item:
a missing answer cannot be scored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument, score, score_many

LABELS = [
    (1, "very much improved"),
    (2, "much improved"),
    (3, "minimally improved"),
    (4, "no change"),
    (5, "minimally worse"),
    (6, "much worse"),
    (7, "very much worse"),
]


@pytest.mark.parametrize(("code", "band"), LABELS)
def test_every_category(code: int, band: str) -> None:
    res = score("pgic", {"1": code})
    assert res.total == code
    assert res.band == band
    assert res.complete is True


def test_missing_answer_is_not_scorable() -> None:
    res = score("pgic", {})
    assert res.complete is False and res.total is None and res.band is None
    assert res.missing == ["1"]


INVALID: list[Any] = [
    pytest.param({"1": 0}, "1", id="zero"),
    pytest.param({"1": 8}, "1", id="above-7"),
    pytest.param({"1": 2.5}, "1", id="non-integer"),
    pytest.param({"1": True}, "1", id="boolean"),
    pytest.param({"1": "much improved"}, "1", id="label-not-code"),
    pytest.param({"2": 1}, "2", id="unknown-item"),
]


@pytest.mark.parametrize(("answers", "field"), INVALID)
def test_invalid_answers(answers: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as err:
        score("pgic", answers)
    assert [p.field for p in err.value.problems] == [field]


def test_score_many() -> None:
    out = score_many("pgic", {"1": np.array([1.0, 7.0, np.nan])})
    np.testing.assert_allclose(out["total"], [1.0, 7.0, np.nan])


def test_definition_facts() -> None:
    inst = get_instrument("pgic")
    assert inst.licence.ship_text is True and inst.lower_is_better is True
    assert inst.score_range == (1.0, 7.0)
    assert inst.extra["responder_at_most"] == 2  # much or very much improved (Farrar 2001)

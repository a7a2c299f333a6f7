"""Plain-language helpers: caveat texts, the overclaiming-word check, number formatting."""

from __future__ import annotations

import math

import numpy as np
import pytest

from atlaxis.outcomes.reading import (
    CAVEATS,
    caveats_for,
    check_wording,
    fmt,
    fmt_ci,
    fmt_pct,
    plural,
    to_plain,
    wording_problems,
)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("The care worked.", ["worked"]),
        ("Treatment works for her.", ["works"]),
        ("She is cured.", ["cured"]),
        ("Function was restored.", ["restored"]),
        ("The adjustment caused the drop.", ["caused"]),
        ("Pain fell because she slept more.", []),  # "cause" inside "because" is not a word
        ("This design cannot show the care caused it.", []),
        ("It does not show that the visits caused the change.", []),
        ("Pain was lower; the care caused it, which cannot show anything.", ["caused"]),
        ("Networking and homework are fine words.", []),
    ],
)
def test_wording_problems_flags_overclaiming_words(text: str, flagged: list[str]) -> None:
    assert wording_problems(text) == flagged


def test_check_wording_raises_on_overclaim_and_returns_clean_text() -> None:
    clean = "Pain was lower during care, beyond day-to-day noise."
    assert check_wording(clean) is clean
    with pytest.raises(ValueError, match="cured"):
        check_wording("The patient was cured.")


def test_every_caveat_text_is_honest_and_one_sentence_or_two() -> None:
    for key, text in CAVEATS.items():
        assert wording_problems(text) == [], key
        assert text.endswith("."), key


def test_caveats_for_keeps_order_drops_duplicates_and_names_unknown_keys() -> None:
    texts = caveats_for("small_n", "ab_design", "small_n")
    assert texts == (CAVEATS["small_n"], CAVEATS["ab_design"])
    with pytest.raises(KeyError) as info:
        caveats_for("ab_design", "nonsense", "other")
    assert "nonsense" in str(info.value) and "other" in str(info.value)
    assert "regression_to_mean" in str(info.value)  # the allowed keys are listed


def test_number_formatting() -> None:
    assert fmt(-0.04) == "0.0"  # no negative zero
    assert fmt(-2.346, 2) == "−2.35"  # a real minus sign
    assert fmt(12) == "12.0"
    assert fmt_pct(0.304) == "30%"
    assert fmt_ci((0.1, 0.35), 0, pct=True) == "95% CI 10% to 35%"
    assert fmt_ci((-1.26, 3.5), 1, level=0.9) == "90% CI −1.3 to 3.5"
    assert plural(1, "patient") == "1 patient"
    assert plural(3, "patient") == "3 patients"


def test_to_plain_makes_json_friendly_values() -> None:
    value = {
        "a": np.float64(1.5),
        "b": np.int64(3),
        "c": (1, math.nan),
        "d": np.bool_(True),
        "e": np.array([1.0, np.inf]),
    }
    assert to_plain(value) == {"a": 1.5, "b": 3, "c": [1, None], "d": True, "e": [1.0, None]}
    assert type(to_plain(np.float64(2.0))) is float

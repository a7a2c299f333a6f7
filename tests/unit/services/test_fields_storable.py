"""Fields refuses values no database stores (NUL, unpaired surrogates) and implausible years,
each as a problem naming the field and what is allowed (never a database error later)."""

from __future__ import annotations

from datetime import date

import pytest

from atlaxis.errors import Problem, ValidationError
from atlaxis.services.fields import Fields, known_time_zone


def _problems(payload: dict[str, object]) -> list[Problem]:
    f = Fields(payload, payload.keys())
    f.text("name")
    f.texts("goals")
    f.numbers("posture", lo=-10, hi=10)
    f.day("born")
    f.moment("at")
    with pytest.raises(ValidationError) as refused:
        f.raise_if_any("invalid")
    return refused.value.problems


def test_unstorable_text_is_refused_everywhere_text_goes() -> None:
    problems = _problems(
        {"name": "A\x00B", "goals": ["ok", "bad\ud800"], "posture": {"tilt\x00": 1}}
    )
    assert [(p.field, p.message) for p in problems] == [
        ("name", "contains a NUL character"),
        ("goals", "an entry contains an unpaired surrogate (not valid Unicode text)"),
        ("posture.tilt\x00", "invalid measure name"),
    ]


@pytest.mark.parametrize(
    ("born", "at"),
    [("1899-12-31", "2201-01-01T00:00:00Z"), ("0001-01-01", "9999-12-31T23:59:59-05:00")],
)
def test_implausible_years_are_refused(born: str, at: str) -> None:
    problems = _problems({"born": born, "at": at})
    assert [p.field for p in problems] == ["born", "at"]
    assert {p.allowed for p in problems} == {"years 1900..2200"}


def test_edge_years_are_kept() -> None:
    f = Fields({"born": "1900-01-01", "at": "2200-12-31T10:00:00+01:00"}, ("born", "at"))
    assert f.day("born") == date(1900, 1, 1) and f.moment("at") is not None
    f.raise_if_any("invalid")


@pytest.mark.parametrize(
    ("name", "known"),
    [("Europe/Paris", True), ("UTC", True), ("Mars/Base", False), ("", False), ("x" * 65, False)],
)
def test_known_time_zone(name: str, known: bool) -> None:
    assert known_time_zone(name) is known

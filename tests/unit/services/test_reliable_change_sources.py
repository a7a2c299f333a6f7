"""Reliable change in the outcome summary: published SD where there is one, otherwise the
clinic's own baseline SD (Jacobson NS, Truax P. J Consult Clin Psychol 1991;59:12-19 use the
pre-treatment sample SD), and an explicit reason when neither is available."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from atlaxis.domain import Role
from atlaxis.services.assessments import save_assessment
from atlaxis.services.outcomes import MIN_BASELINE_N, patient_outcomes


def _run(uow_factory, fn, *args, read_only=False):
    with uow_factory(read_only=read_only) as uow:
        out = fn(uow, *args)
        uow.commit()
    return out


def _save(uow_factory, doc, pid, instrument, answers, when: date) -> None:
    taken = datetime.combine(when, datetime.min.time(), tzinfo=UTC).isoformat()
    body = {"instrument": instrument, "answers": answers, "taken_at": taken}
    _run(uow_factory, save_assessment, doc, pid, body)


def _phq9(level: int) -> dict[str, int]:
    # items 1-8 at `level`, item 9 = 0: total = 8 * level
    return {str(i): level for i in range(1, 9)} | {"9": 0}


def test_fiqr_uses_the_published_sd_and_reliability(uow_factory, factory) -> None:
    clinic = factory.clinic("RC")
    pid = factory.patient(clinic).id
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    day = date.today() - timedelta(days=60)
    # FIQR all 6s: function 54/3 = 18, overall 12/1 = 12, symptoms 60/2 = 30 -> 60
    _save(uow_factory, doc, pid, "fiqr", {str(i): 6 for i in range(1, 22)}, day)
    # all 3s: 27/3 + 6 + 30/2 = 9 + 6 + 15 = 30
    _save(uow_factory, doc, pid, "fiqr", {str(i): 3 for i in range(1, 22)}, date.today())
    out = _run(uow_factory, patient_outcomes, doc, pid, read_only=True)
    fiqr = next(i for i in out["instruments"] if i["instrument"] == "fiqr")
    # SE = 20.69 * sqrt(1 - 0.95); S_diff = sqrt(2) * SE; RC = (30 - 60) / S_diff
    s_diff = math.sqrt(2) * 20.69 * math.sqrt(0.05)
    assert fiqr["reliable_change"]["rc"] == pytest.approx(-30 / s_diff)
    assert fiqr["reliable_change"]["minimal_change"] == pytest.approx(1.96 * s_diff)
    assert fiqr["reliable_change"]["category"] == "improved"
    assert "Salaffi" in fiqr["sd_source"]


def test_phq9_without_enough_baselines_says_why(uow_factory, factory) -> None:
    clinic = factory.clinic("few")
    pid = factory.patient(clinic).id
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    _save(uow_factory, doc, pid, "phq9", _phq9(2), date.today() - timedelta(days=30))
    _save(uow_factory, doc, pid, "phq9", _phq9(0), date.today())
    out = _run(uow_factory, patient_outcomes, doc, pid, read_only=True)
    phq = next(i for i in out["instruments"] if i["instrument"] == "phq9")
    assert phq["reliable_change"] is None
    assert "baseline scores" in phq["reliable_change_unavailable"]


def test_phq9_uses_the_clinic_baseline_sd(uow_factory, factory) -> None:
    clinic = factory.clinic("many")
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    start = date.today() - timedelta(days=30)
    levels = [k % 4 for k in range(MIN_BASELINE_N)]  # baselines 0, 8, 16, 24, 0, ...
    pids = [factory.patient(clinic).id for _ in levels]
    for pid, level in zip(pids, levels, strict=True):
        _save(uow_factory, doc, pid, "phq9", _phq9(level), start)
    _save(uow_factory, doc, pids[3], "phq9", _phq9(1), date.today())  # 24 -> 8
    out = _run(uow_factory, patient_outcomes, doc, pids[3], read_only=True)
    phq = next(i for i in out["instruments"] if i["instrument"] == "phq9")
    firsts = [8.0 * lv for lv in levels]
    mean = sum(firsts) / len(firsts)
    sd = math.sqrt(sum((x - mean) ** 2 for x in firsts) / (len(firsts) - 1))
    s_diff = math.sqrt(2) * sd * math.sqrt(1 - 0.84)  # Kroenke 2001 test-retest r = 0.84
    assert phq["reliable_change"]["rc"] == pytest.approx((8 - 24) / s_diff)
    assert f"n = {MIN_BASELINE_N}" in phq["sd_source"]

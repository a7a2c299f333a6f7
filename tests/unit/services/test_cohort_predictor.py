"""The cohort predictor analysis when everyone with data has neck involvement: no risk ratio
(its denominator group is empty), a stated reason instead of an arithmetic error."""

from __future__ import annotations

from atlaxis.services.cohort import PatientChange, _predictor


def test_one_group_gives_a_reason_not_a_risk_ratio() -> None:
    # FIQR-like totals (lower is better); a 30% improvement counts as response:
    # 60 -> 30 is 50% (responded), 50 -> 45 is 10% (not), 40 -> 20 is 50% (responded)
    changes = [PatientChange(60, 30, 2), PatientChange(50, 45, 1), PatientChange(40, 20, 3)]
    found = _predictor(changes, lower_is_better=True, signs_min=1)
    assert found["table"] == [2, 1, 0, 0]
    assert found["risk_ratio"] == {"insufficient": "one group is empty", "reason": "one_group"}


def test_both_groups_give_a_risk_ratio() -> None:
    changes = [
        PatientChange(60, 30, 2),  # with, responded
        PatientChange(50, 45, 1),  # with, not
        PatientChange(40, 20, 0),  # without, responded
        PatientChange(40, 39, 0),  # without, not
    ]
    found = _predictor(changes, lower_is_better=True, signs_min=1)
    assert found["table"] == [1, 1, 1, 1]
    rr = found["risk_ratio"]
    assert "reason" not in rr
    # risk with = 1/2, without = 1/2 -> RR = 1; Katz SE(log RR) = sqrt(1/1 - 1/2 + 1/1 - 1/2) = 1
    assert rr["rr"] == 1.0 and abs(rr["se_log_rr"] - 1.0) < 1e-12


def test_the_neck_involvement_threshold_moves_patients_between_groups() -> None:
    # signs 2, 1, 3 with responses yes, no, yes: at >= 3 signs only the third is "with"
    changes = [PatientChange(60, 30, 2), PatientChange(50, 45, 1), PatientChange(40, 20, 3)]
    found = _predictor(changes, lower_is_better=True, signs_min=3)
    assert found["table"] == [1, 0, 1, 1] and found["neck_signs_min"] == 3

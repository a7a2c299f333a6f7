"""Vignettes for every safety rule: it fires, and it does not fire just across its boundary.

Each case is (rule, base, change that makes it fire, change just across the boundary that
does not). ``none`` is every question answered "no" without a recent injury; ``injured`` is a
recent injury that the Canadian C-Spine Rule clears for imaging (see conftest.py). Sources:
Stiell IG et al. JAMA 2001;286:1841-1848 and N Engl J Med 2003;349:2510-2518 (CCR); IFOMPT
Cervical Framework (Rushton et al. JOSPT 2023;53:7-22); Finucane et al. JOSPT 2020;50:350-372
(red flags); UCI teaching material citing Magee 2007 and Hutting et al. Phys Ther 2013.
"""

from __future__ import annotations

from typing import Any

import pytest

from atlaxis.screening import RULES, safety

Case = tuple[str, str, dict[str, Any], dict[str, Any]]

VIGNETTES: list[Case] = [
    ("ccr_outside_rule", "injured", {"age": 15}, {"age": 16}),
    ("ccr_outside_rule", "injured", {"not_fully_alert": True}, {"not_fully_alert": False}),
    ("ccr_outside_rule", "injured", {"acute_paralysis": True}, {}),
    ("ccr_outside_rule", "injured", {"vertebral_disease_or_neck_surgery": True}, {}),
    ("ccr_high_risk", "injured", {"age": 65}, {"age": 64}),
    ("ccr_high_risk", "injured", {"dangerous_mechanism": True}, {"dangerous_mechanism": False}),
    ("ccr_high_risk", "injured", {"extremity_paresthesia": True}, {}),
    (
        "ccr_no_low_risk_factor",
        "injured",
        {"ambulatory_any_time": False},
        {"ambulatory_any_time": False, "no_midline_tenderness": True},
    ),
    ("ccr_rotation_limited", "injured", {"rotate_45_left": False}, {"rotate_45_left": True}),
    ("ccr_rotation_limited", "injured", {"rotate_45_right": False}, {"rotate_45_right": True}),
    ("ccr_no_imaging", "injured", {}, {"rotate_45_right": False}),
    ("recent_neck_trauma", "injured", {}, {"neck_trauma": False}),
    (
        "cad_new_signs",
        "none",
        {"dizziness": True, "arterial_signs_recent": True},
        {"dizziness": True, "arterial_signs_recent": False},
    ),
    (
        "cad_longstanding_signs",
        "none",
        {"nausea": True, "arterial_signs_recent": False},
        {"nausea": False, "arterial_signs_recent": False},
    ),
    ("cad_sudden_severe_pain", "none", {"sudden_severe_headache": True}, {}),
    ("cad_stroke_like_signs", "none", {"stroke_like_signs": True}, {}),
    ("cad_risk_factors", "none", {"smoking": True}, {}),
    ("cad_risk_factors", "none", {"pregnant_or_postpartum": True}, {}),
    ("cad_risk_factors", "none", {"recent_neck_manipulation": True}, {}),
    ("cad_risk_factors", "none", {"connective_tissue_disorder": True}, {}),
    ("uci_predisposing_condition", "none", {"inflammatory_arthritis": True}, {}),
    ("uci_predisposing_condition", "none", {"down_syndrome": True}, {}),
    ("uci_predisposing_condition", "none", {"neck_bone_anomaly": True}, {}),
    ("uci_bone_fragility", "none", {"long_term_corticosteroids": True}, {}),
    ("uci_bone_fragility", "none", {"osteoporosis": True}, {}),
    ("uci_symptoms", "none", {"lump_in_throat": True}, {}),
    ("uci_symptoms", "none", {"head_feels_heavy": True}, {}),
    ("uci_symptoms", "none", {"lip_or_face_tingling": True}, {}),
    ("uci_symptoms", "none", {"tingling_both_sides": True}, {}),
    (
        "uci_symptoms",
        "none",
        {"headache_on_neck_movement": True, "nausea": True, "arterial_signs_recent": False},
        {"headache_on_neck_movement": True, "nausea": False},
    ),
    (
        "rf_cancer_with_systemic_signs",
        "none",
        {"cancer_history": True, "unexplained_weight_loss": True},
        {"cancer_history": False, "unexplained_weight_loss": True},
    ),
    (
        "rf_cancer_with_systemic_signs",
        "none",
        {"cancer_history": True, "night_pain": True},
        {"cancer_history": True, "night_pain": False},
    ),
    (
        "rf_cancer_new_pain",
        "none",
        {"cancer_history": True, "new_spinal_pain": True},
        {"cancer_history": True, "new_spinal_pain": False},
    ),
    ("rf_cancer_history", "none", {"cancer_history": True}, {}),
    ("rf_unexplained_weight_loss", "none", {"unexplained_weight_loss": True}, {}),
    (
        "rf_fever_with_spinal_pain",
        "none",
        {"fever": True, "new_spinal_pain": True},
        {"fever": True, "new_spinal_pain": False},
    ),
    ("rf_fever", "none", {"fever": True}, {}),
    ("rf_night_pain", "none", {"night_pain": True}, {}),
    ("rf_progressive_neuro_deficit", "none", {"progressive_neuro_deficit": True}, {}),
    ("rf_bladder_bowel_change", "none", {"bladder_bowel_change": True}, {}),
]


def _ids(case: Case) -> str:
    return f"{case[0]}:{','.join(f'{k}={v}' for k, v in case[2].items()) or 'base'}"


def _answers(base: str, change: dict[str, Any], bases: dict[str, dict[str, Any]]) -> Any:
    return {**bases[base], **change}


@pytest.fixture
def bases(no_flags: dict[str, Any], injured: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"none": no_flags, "injured": injured}


@pytest.mark.parametrize("case", VIGNETTES, ids=_ids)
def test_rule_fires_and_not_across_boundary(
    case: Case, bases: dict[str, dict[str, Any]]
) -> None:
    rule_id, base, fires, does_not = case
    yes = safety(_answers(base, fires, bases))
    no = safety(_answers(base, does_not, bases))
    assert rule_id in [f.rule_id for f in yes.fired]
    assert rule_id not in [f.rule_id for f in no.fired]
    assert yes.complete and no.complete


def test_every_rule_has_a_vignette() -> None:
    assert {r.id for r in RULES} == {case[0] for case in VIGNETTES}


def test_no_flags_is_clear(no_flags: dict[str, Any]) -> None:
    result = safety(no_flags)
    assert result.decision == "clear"
    assert result.fired == ()
    assert result.complete
    assert result.ccr.applies is False


@pytest.mark.parametrize(
    ("change", "decision"),
    [
        ({"smoking": True}, "caution"),
        ({"night_pain": True}, "refer"),
        ({"night_pain": True, "osteoporosis": True}, "refer"),  # caution + refer -> refer
        ({"osteoporosis": True, "down_syndrome": True, "fever": True}, "refer"),
        ({"night_pain": True, "bladder_bowel_change": True}, "refer_urgently"),
        ({"stroke_like_signs": True, "smoking": True}, "refer_urgently"),
        ({"cancer_history": True, "night_pain": True}, "refer_urgently"),
    ],
)
def test_combinations_take_the_most_severe(
    change: dict[str, Any], decision: str, no_flags: dict[str, Any]
) -> None:
    assert safety({**no_flags, **change}).decision == decision


def test_fired_rules_carry_reason_source_and_inputs(no_flags: dict[str, Any]) -> None:
    result = safety({**no_flags, "night_pain": True, "osteoporosis": True})
    fired = {f.rule_id: f for f in result.fired}
    assert set(fired) == {"rf_night_pain", "uci_bone_fragility"}
    night = fired["rf_night_pain"]
    assert night.action == "refer"
    assert "night" in night.reason.lower()
    assert "Finucane" in night.source
    assert night.inputs == {"night_pain": True}
    assert fired["uci_bone_fragility"].inputs == {
        "long_term_corticosteroids": False,
        "osteoporosis": True,
    }


def test_unverified_rules_say_so() -> None:
    by_id = {r.id: r for r in RULES}
    # the IFOMPT risk-factor list and the 5 Ds / 3 Ns levels were not read in the PDF
    assert by_id["cad_risk_factors"].source.evidence == "unverified"
    assert by_id["cad_new_signs"].source.evidence == "unverified"
    assert all(r.source.citation and r.reason for r in RULES)

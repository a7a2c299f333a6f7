"""Vignette answer sets for the safety screen (built by hand, not from the rule data)."""

from __future__ import annotations

from typing import Any

import pytest

#: every question asked when there was no recent injury, answered "no"
NO_FLAGS: dict[str, Any] = {
    "neck_trauma": False,
    **dict.fromkeys(
        (
            "dizziness", "diplopia", "dysarthria", "dysphagia", "drop_attacks", "nausea",
            "numbness", "nystagmus", "ataxia", "sudden_severe_headache", "stroke_like_signs",
            "high_blood_pressure", "high_cholesterol", "diabetes", "smoking",
            "heart_or_vessel_disease", "clotting_disorder_or_anticoagulant", "migraine_history",
            "recent_infection", "pregnant_or_postpartum", "family_history_vascular",
            "recent_neck_manipulation", "connective_tissue_disorder", "inflammatory_arthritis",
            "down_syndrome", "neck_bone_anomaly", "long_term_corticosteroids", "osteoporosis",
            "lip_or_face_tingling", "tingling_both_sides", "head_feels_heavy", "lump_in_throat",
            "headache_on_neck_movement", "cancer_history", "unexplained_weight_loss", "fever",
            "night_pain", "new_spinal_pain", "progressive_neuro_deficit", "bladder_bowel_change",
        ),
        False,
    ),
}

#: a recent injury the Canadian C-Spine Rule clears for imaging: 40 years old, no
#: high-risk factor, walked since the injury (a low-risk factor), turns 45 degrees both ways
INJURED_NO_IMAGING: dict[str, Any] = {
    **NO_FLAGS,
    "neck_trauma": True,
    "age": 40,
    "not_fully_alert": False,
    "acute_paralysis": False,
    "vertebral_disease_or_neck_surgery": False,
    "dangerous_mechanism": False,
    "extremity_paresthesia": False,
    "simple_rear_end_mvc": False,
    "sitting_comfortably": False,
    "ambulatory_any_time": True,
    "delayed_onset_neck_pain": False,
    "no_midline_tenderness": False,
    "rotate_45_left": True,
    "rotate_45_right": True,
}


@pytest.fixture
def no_flags() -> dict[str, Any]:
    return dict(NO_FLAGS)


@pytest.fixture
def injured() -> dict[str, Any]:
    return dict(INJURED_NO_IMAGING)

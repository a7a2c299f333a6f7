"""The safety rule set before neck care, as data (version ``RULESET_VERSION``).

Inputs are ``safety_screen`` item ids. The action levels are atlaxis' mapping of
each source's advice onto four levels (see :mod:`atlaxis.screening.rules`);
where the source gives no level, the note on the rule's source says so.
"""

from __future__ import annotations

from atlaxis.screening.logic import (
    AtLeast,
    Below,
    Not,
    UnlessKnown,
    Yes,
    all_of,
    any_of,
    any_yes,
)
from atlaxis.screening.rules import SafetyRule
from atlaxis.screening.sources import (
    CAD_PAIN,
    CAD_RISK,
    CAD_STROKE,
    CCR,
    CCR_GATE,
    FIVE_DS,
    IFOMPT_CERVICAL,
    RED_FLAGS,
    UCI,
)

RULESET_VERSION = "2026.1"

# ----------------------------------------------------------------------------- conditions

INJURED = Yes("neck_trauma")
CCR_EXCLUDED = any_of(
    Below("age", 16),
    Yes("not_fully_alert"),
    Yes("acute_paralysis"),
    Yes("vertebral_disease_or_neck_surgery"),
)
CCR_HIGH_RISK = any_of(
    AtLeast("age", 65), Yes("dangerous_mechanism"), Yes("extremity_paresthesia")
)
CCR_LOW_RISK = any_yes(
    "simple_rear_end_mvc",
    "sitting_comfortably",
    "ambulatory_any_time",
    "delayed_onset_neck_pain",
    "no_midline_tenderness",
)
CCR_ROTATES = all_of(Yes("rotate_45_left"), Yes("rotate_45_right"))
#: known to be inside the rule's population (needed before "no imaging")
CCR_IN_SCOPE = all_of(INJURED, Not(CCR_EXCLUDED))
#: not known to be outside it: a patient outside the rule is referred urgently anyway,
#: so an unanswered exclusion question must not hold back an "imaging" result.
#: Likewise the steps: imaging is indicated exactly when (high risk) or (no low-risk
#: factor) or (cannot rotate 45 degrees both ways); each imaging rule fires as soon as its
#: own part is known, unless an earlier step is already known to apply.
CCR_NOT_EXCLUDED = all_of(INJURED, UnlessKnown(CCR_EXCLUDED))

ARTERIAL_SIGNS = any_yes(
    "dizziness",
    "diplopia",
    "dysarthria",
    "dysphagia",
    "drop_attacks",
    "nausea",
    "numbness",
    "nystagmus",
    "ataxia",
)

_CCR_RULES = (
    SafetyRule(
        id="ccr_outside_rule",
        group="ccr",
        title="Recent injury outside the rule's population",
        condition=all_of(INJURED, CCR_EXCLUDED),
        action="refer_urgently",
        reason="Recent head or neck injury in a person the Canadian C-Spine Rule does not "
        "cover (under 16, not fully alert or unstable, new paralysis, or known neck-bone "
        "disease or neck surgery). The rule cannot rule out a neck injury here: arrange a "
        "same-day medical assessment; no neck care until then.",
        source=CCR_GATE,
    ),
    SafetyRule(
        id="ccr_high_risk",
        group="ccr",
        title="CCR step 1: a high-risk factor",
        condition=all_of(CCR_NOT_EXCLUDED, CCR_HIGH_RISK),
        action="refer_urgently",
        reason="Recent neck injury with a high-risk factor (age 65 or over, a dangerous kind of "
        "injury, or tingling in the arms or legs). The Canadian C-Spine Rule says imaging is "
        "needed: arrange a same-day medical assessment; no neck care until then.",
        source=CCR,
    ),
    SafetyRule(
        id="ccr_no_low_risk_factor",
        group="ccr",
        title="CCR step 2: no low-risk factor",
        condition=all_of(CCR_NOT_EXCLUDED, UnlessKnown(CCR_HIGH_RISK), Not(CCR_LOW_RISK)),
        action="refer_urgently",
        reason="Recent neck injury and none of the low-risk factors that make it safe to test "
        "neck movement. The Canadian C-Spine Rule says imaging is needed: arrange a same-day "
        "medical assessment; no neck care until then.",
        source=CCR,
    ),
    SafetyRule(
        id="ccr_rotation_limited",
        group="ccr",
        title="CCR step 3: cannot turn the head 45° to each side",
        condition=all_of(
            CCR_NOT_EXCLUDED,
            UnlessKnown(CCR_HIGH_RISK),
            UnlessKnown(Not(CCR_LOW_RISK)),
            Not(CCR_ROTATES),
        ),
        action="refer_urgently",
        reason="Recent neck injury and the head cannot be turned 45 degrees to the left and to "
        "the right. The Canadian C-Spine Rule says imaging is needed: arrange a same-day "
        "medical assessment; no neck care until then.",
        source=CCR,
    ),
    SafetyRule(
        id="ccr_no_imaging",
        group="ccr",
        title="CCR: no imaging by this rule",
        condition=all_of(CCR_IN_SCOPE, Not(CCR_HIGH_RISK), CCR_LOW_RISK, CCR_ROTATES),
        action="info",
        reason="The Canadian C-Spine Rule does not call for imaging after this injury. This "
        "does not clear the patient for neck care: the other safety rules still apply.",
        source=CCR,
    ),
    SafetyRule(
        id="recent_neck_trauma",
        group="ccr",
        title="Recent head or neck injury",
        condition=INJURED,
        action="caution",
        reason="Recent head or neck injury. Relevant recent trauma is a contraindication to "
        "neck manipulation and a risk factor for artery and ligament injury: decide and "
        "record whether the injury is relevant before any neck care; prefer gentle, "
        "non-thrust care and re-check at each visit.",
        source=IFOMPT_CERVICAL,
    ),
)

_ARTERIAL_RULES = (
    SafetyRule(
        id="cad_new_signs",
        group="arterial",
        title="New signs that may come from the neck arteries (5 Ds and 3 Ns)",
        condition=all_of(ARTERIAL_SIGNS, Yes("arterial_signs_recent")),
        action="refer_urgently",
        reason="New or changed dizziness, double vision, slurred speech, trouble swallowing, "
        "drop attacks, nausea, one-sided numbness, jumping eyes or unsteadiness can be signs "
        "of a problem in the neck arteries. Arrange a same-day medical assessment; no neck "
        "care today. If the symptoms are happening now or getting worse, call emergency "
        "services.",
        source=FIVE_DS,
    ),
    SafetyRule(
        id="cad_longstanding_signs",
        group="arterial",
        title="Long-standing 5 D / 3 N symptoms",
        condition=all_of(ARTERIAL_SIGNS, Not(Yes("arterial_signs_recent"))),
        action="caution",
        reason="Long-standing symptoms such as dizziness or nausea that are not new and not "
        "brought on by neck movement. Record that they have been assessed and explained, "
        "check blood pressure, cranial nerves and gait, and ask again at every visit.",
        source=FIVE_DS,
    ),
    SafetyRule(
        id="cad_sudden_severe_pain",
        group="arterial",
        title="Sudden, severe, unusual headache or neck pain",
        condition=Yes("sudden_severe_headache"),
        action="refer_urgently",
        reason="A sudden, severe headache or neck pain unlike any before can be the only early "
        "warning of a torn neck artery. Arrange a same-day medical assessment; no neck care. "
        "With any nerve or brain symptoms, call emergency services.",
        source=CAD_PAIN,
    ),
    SafetyRule(
        id="cad_stroke_like_signs",
        group="arterial",
        title="Stroke-like or carotid signs",
        condition=Yes("stroke_like_signs"),
        action="refer_urgently",
        reason="A drooping eyelid with a small pupil, sudden loss of sight in one eye, "
        "one-sided weakness or numbness, or sudden trouble with words can be signs of a stroke "
        "or a torn neck artery. Call emergency services now; no neck care.",
        source=CAD_STROKE,
    ),
    SafetyRule(
        id="cad_risk_factors",
        group="arterial",
        title="Risk factors for neck-artery problems",
        condition=any_yes(
            "high_blood_pressure",
            "high_cholesterol",
            "diabetes",
            "smoking",
            "heart_or_vessel_disease",
            "clotting_disorder_or_anticoagulant",
            "migraine_history",
            "recent_infection",
            "pregnant_or_postpartum",
            "family_history_vascular",
            "recent_neck_manipulation",
            "neck_trauma",
            "connective_tissue_disorder",
        ),
        action="caution",
        reason="One or more risk factors for problems in the neck arteries. Record your "
        "reasoning, measure blood pressure, screen the cranial nerves and gait, and consider "
        "care without neck manipulation.",
        source=CAD_RISK,
    ),
)

_INSTABILITY_RULES = (
    SafetyRule(
        id="uci_predisposing_condition",
        group="instability",
        title="A condition that can loosen the upper neck ligaments",
        condition=any_yes(
            "inflammatory_arthritis",
            "down_syndrome",
            "neck_bone_anomaly",
            "connective_tissue_disorder",
        ),
        action="refer",
        reason="A condition that can make the top of the neck unstable (inflammatory arthritis, "
        "Down syndrome, an upper neck-bone abnormality, or a connective tissue or hypermobility "
        "disorder). Get a medical opinion and imaging, as the physician decides, before any "
        "upper neck thrust or instrument adjustment. A normal instability test does not rule "
        "this out.",
        source=UCI,
    ),
    SafetyRule(
        id="uci_bone_fragility",
        group="instability",
        title="Long-term corticosteroids or osteoporosis",
        condition=any_yes("long_term_corticosteroids", "osteoporosis"),
        action="caution",
        reason="Long-term steroid medicine or osteoporosis can weaken bones and ligaments. Use "
        "low-force care, record your reasoning, and consider imaging first.",
        source=UCI,
    ),
    SafetyRule(
        id="uci_symptoms",
        group="instability",
        title="Symptoms that may come from an unstable upper neck",
        condition=any_of(
            Yes("lip_or_face_tingling"),
            Yes("tingling_both_sides"),
            Yes("head_feels_heavy"),
            Yes("lump_in_throat"),
            all_of(Yes("headache_on_neck_movement"), Yes("nausea")),
        ),
        action="refer_urgently",
        reason="Tingling of the lips or face, tingling in both arms or all four limbs, a head "
        "that feels too heavy to hold up, a lump in the throat, or a severe headache with "
        "nausea on neck movement can be signs of an unstable upper neck. Arrange a same-day "
        "medical assessment; no neck care until then.",
        source=UCI,
    ),
)

_RED_FLAG_RULES = (
    SafetyRule(
        id="rf_cancer_with_systemic_signs",
        group="red_flags",
        title="Cancer history with weight loss or night pain",
        condition=all_of(
            Yes("cancer_history"), any_yes("unexplained_weight_loss", "night_pain")
        ),
        action="refer_urgently",
        reason="A history of cancer together with unexplained weight loss or unrelenting night "
        "pain can point to cancer in the spine. Arrange an urgent medical assessment; no neck "
        "care until then.",
        source=RED_FLAGS,
    ),
    SafetyRule(
        id="rf_cancer_new_pain",
        group="red_flags",
        title="Cancer history with new spinal pain",
        condition=all_of(Yes("cancer_history"), Yes("new_spinal_pain")),
        action="refer",
        reason="A history of cancer and neck or back pain that is new or different. Get a "
        "medical evaluation before neck care.",
        source=RED_FLAGS,
    ),
    SafetyRule(
        id="rf_cancer_history",
        group="red_flags",
        title="Cancer now or in the past",
        condition=Yes("cancer_history"),
        action="caution",
        reason="Active or past cancer is a precaution for neck manipulation. Record your "
        "reasoning and prefer low-force care.",
        source=RED_FLAGS,
    ),
    SafetyRule(
        id="rf_unexplained_weight_loss",
        group="red_flags",
        title="Unexplained weight loss",
        condition=Yes("unexplained_weight_loss"),
        action="refer",
        reason="Weight loss without a known reason is a general warning sign of serious "
        "disease. Get a medical evaluation before neck care.",
        source=RED_FLAGS,
    ),
    SafetyRule(
        id="rf_fever_with_spinal_pain",
        group="red_flags",
        title="Fever with new spinal pain",
        condition=all_of(Yes("fever"), Yes("new_spinal_pain")),
        action="refer_urgently",
        reason="Fever or feeling unwell together with new neck or back pain can point to an "
        "infection in the spine. Arrange a same-day medical assessment; no neck care.",
        source=RED_FLAGS,
    ),
    SafetyRule(
        id="rf_fever",
        group="red_flags",
        title="Fever or feeling generally unwell",
        condition=Yes("fever"),
        action="caution",
        reason="Being systemically unwell is a precaution for neck manipulation. Find out why, "
        "and consider postponing neck care.",
        source=RED_FLAGS,
    ),
    SafetyRule(
        id="rf_night_pain",
        group="red_flags",
        title="Unrelenting night pain",
        condition=Yes("night_pain"),
        action="refer",
        reason="Pain at night that does not ease with rest or position and stops sleep is a "
        "contraindication to neck manipulation. Get a medical evaluation before neck care.",
        source=RED_FLAGS,
    ),
    SafetyRule(
        id="rf_progressive_neuro_deficit",
        group="red_flags",
        title="Worsening neurological symptoms",
        condition=Yes("progressive_neuro_deficit"),
        action="refer_urgently",
        reason="Weakness, numbness, clumsiness or walking trouble that is getting worse can "
        "mean pressure on the spinal cord or nerves. Arrange a same-day medical assessment; no "
        "neck care.",
        source=RED_FLAGS,
    ),
    SafetyRule(
        id="rf_bladder_bowel_change",
        group="red_flags",
        title="Bladder or bowel change, or saddle numbness",
        condition=Yes("bladder_bowel_change"),
        action="refer_urgently",
        reason="New trouble with bladder or bowel control, or numbness around the bottom or "
        "genitals, can mean pressure on the spinal cord or the nerves at the base of the spine. "
        "Send to the emergency department now; no spinal care.",
        source=RED_FLAGS,
    ),
)

RULES: tuple[SafetyRule, ...] = (
    _CCR_RULES + _ARTERIAL_RULES + _INSTABILITY_RULES + _RED_FLAG_RULES
)


def rule(rule_id: str) -> SafetyRule:
    """The rule with this id (``KeyError`` if there is none)."""
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(rule_id)

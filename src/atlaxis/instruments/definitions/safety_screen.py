"""safety_screen: atlaxis' own safety questions before neck care (our wording).

The questions feed the safety rules in :mod:`atlaxis.screening.safety_rules`:
the Canadian C-Spine Rule after a recent injury (Stiell IG et al. JAMA
2001;286:1841-1848; N Engl J Med 2003;349:2510-2518), signs and risk factors of
cervical arterial dysfunction (IFOMPT International Cervical Framework, Rushton
et al. 2020; JOSPT 2023;53(1):7-22), upper cervical instability risk, and
general red flags for serious spinal pathology (Finucane et al. JOSPT
2020;50(7):350-372). The screen is decision support for the treating clinician;
it does not diagnose. It is not scored: ``atlaxis.screening.safety(answers)``
turns the answers into a decision.

Items marked ``required=False`` are needed only in some situations (the
Canadian C-Spine Rule's low-risk and rotation steps; whether symptoms are new);
the rules report them as missing exactly when they are needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atlaxis.instruments.model import (
    EnableWhen,
    Instrument,
    Item,
    Licence,
    Scoring,
    Source,
)
from atlaxis.instruments.result import ScoreResult

AFTER_INJURY = (EnableWhen("neck_trauma", "=", True),)

_INJURY = "injury"
_ARTERIES = "arteries"
_RISKS = "arterial_risk_factors"
_INSTABILITY = "instability"
_RED_FLAGS = "red_flags"


def _yes_no(
    item_id: str,
    text: str,
    section: str,
    *,
    required: bool = True,
    after_injury: bool = False,
    help_text: str | None = None,
) -> Item:
    return Item(
        id=item_id,
        text=text,
        type="boolean",
        required=required,
        section=section,
        enable_when=AFTER_INJURY if after_injury else (),
        help=help_text,
    )


_INJURY_ITEMS = (
    _yes_no(
        "neck_trauma",
        "Have you hurt your head or neck recently, for example in a fall, a vehicle collision, "
        "a sports injury or a blow to the head?",
        _INJURY,
    ),
    Item(
        id="age",
        text="Age in years",
        type="integer",
        minimum=0,
        maximum=120,
        unit="years",
        section=_INJURY,
        enable_when=AFTER_INJURY,
    ),
    _yes_no(
        "not_fully_alert",
        "Since the injury: confused, drowsy or not fully alert, or vital signs not stable",
        _INJURY,
        after_injury=True,
        help_text="Clinician: Glasgow Coma Scale below 15 or unstable vital signs.",
    ),
    _yes_no(
        "acute_paralysis",
        "Since the injury: sudden loss of movement or strength in the arms or legs",
        _INJURY,
        after_injury=True,
    ),
    _yes_no(
        "vertebral_disease_or_neck_surgery",
        "Known disease of the neck bones, or previous neck surgery",
        _INJURY,
        after_injury=True,
        help_text="For example ankylosing spondylitis, rheumatoid arthritis, spinal stenosis.",
    ),
    _yes_no(
        "dangerous_mechanism",
        "Was it a dangerous kind of injury: a fall from 1 metre (3 feet) or 5 stairs or more; "
        "a blow straight down on the head (for example diving); a vehicle collision at high "
        "speed (over 100 km/h), a rollover or being thrown out; a motorised recreational "
        "vehicle; or a bicycle collision?",
        _INJURY,
        after_injury=True,
    ),
    _yes_no(
        "extremity_paresthesia",
        "Since the injury: pins and needles or tingling in the arms, hands, legs or feet",
        _INJURY,
        after_injury=True,
    ),
    _yes_no(
        "simple_rear_end_mvc",
        "Was it a simple rear-end vehicle collision?",
        _INJURY,
        required=False,
        after_injury=True,
        help_text="Not simple: pushed into oncoming traffic, hit by a bus or large truck, "
        "rollover, or hit by a high-speed vehicle.",
    ),
    _yes_no(
        "sitting_comfortably",
        "Sitting up comfortably since arriving (in the clinic or the emergency department)",
        _INJURY,
        required=False,
        after_injury=True,
    ),
    _yes_no(
        "ambulatory_any_time",
        "Walked at any time since the injury",
        _INJURY,
        required=False,
        after_injury=True,
    ),
    _yes_no(
        "delayed_onset_neck_pain",
        "Neck pain began some time after the injury, not straight away",
        _INJURY,
        required=False,
        after_injury=True,
    ),
    _yes_no(
        "no_midline_tenderness",
        "No tenderness when the middle of the back of the neck (the bony midline) is pressed",
        _INJURY,
        required=False,
        after_injury=True,
        help_text="Clinician examination.",
    ),
    _yes_no(
        "rotate_45_left",
        "Can actively turn the head 45 degrees to the left",
        _INJURY,
        required=False,
        after_injury=True,
        help_text="Clinician: assess only when a low-risk factor allows it safely.",
    ),
    _yes_no(
        "rotate_45_right",
        "Can actively turn the head 45 degrees to the right",
        _INJURY,
        required=False,
        after_injury=True,
        help_text="Clinician: assess only when a low-risk factor allows it safely.",
    ),
)

_ARTERY_ITEMS = (
    _yes_no("dizziness", "Dizziness, a spinning feeling or feeling faint", _ARTERIES),
    _yes_no("diplopia", "Double vision", _ARTERIES),
    _yes_no("dysarthria", "Slurred speech or trouble saying words", _ARTERIES),
    _yes_no("dysphagia", "Trouble swallowing", _ARTERIES),
    _yes_no("drop_attacks", "Sudden falls without losing consciousness (drop attacks)", _ARTERIES),
    _yes_no("nausea", "Nausea or vomiting", _ARTERIES),
    _yes_no("numbness", "Numbness on one side of the body or face", _ARTERIES),
    _yes_no("nystagmus", "Jumping or flickering eyes, or vision that seems to jump", _ARTERIES),
    _yes_no("ataxia", "Unsteady walking or clumsy movements", _ARTERIES),
    _yes_no(
        "arterial_signs_recent",
        "If you have any of the symptoms above: did any of them start or change in the last "
        "3 months, or come on when you move your neck?",
        _ARTERIES,
        required=False,
    ),
    _yes_no(
        "sudden_severe_headache",
        "A sudden, severe headache or neck pain unlike any before (the worst ever)",
        _ARTERIES,
    ),
    _yes_no(
        "stroke_like_signs",
        "A drooping eyelid with a small pupil on one side, sudden loss of sight in one eye, "
        "weakness or loss of feeling on one side of the body, or sudden trouble finding or "
        "understanding words",
        _ARTERIES,
    ),
)

_RISK_ITEMS = (
    _yes_no("high_blood_pressure", "High blood pressure", _RISKS),
    _yes_no("high_cholesterol", "High cholesterol or blood fats", _RISKS),
    _yes_no("diabetes", "Diabetes", _RISKS),
    _yes_no("smoking", "Smoking", _RISKS),
    _yes_no(
        "heart_or_vessel_disease",
        "Heart disease, blood-vessel disease, or a previous stroke or mini-stroke",
        _RISKS,
    ),
    _yes_no(
        "clotting_disorder_or_anticoagulant",
        "A blood-clotting disorder, or taking blood-thinning medicine",
        _RISKS,
    ),
    _yes_no("migraine_history", "Migraine-type headaches", _RISKS),
    _yes_no("recent_infection", "An infection in the last few weeks", _RISKS),
    _yes_no("pregnant_or_postpartum", "Pregnant now, or gave birth in the last 3 months", _RISKS),
    _yes_no(
        "family_history_vascular",
        "A parent, brother or sister with a tear of a neck artery or early blood-vessel disease",
        _RISKS,
    ),
    _yes_no(
        "recent_neck_manipulation",
        "Neck manipulation or adjustment by another practitioner in the last few weeks",
        _RISKS,
    ),
    _yes_no(
        "connective_tissue_disorder",
        "Ehlers-Danlos syndrome, Marfan syndrome, a hypermobility disorder, another connective "
        "tissue disorder, or a known blood-vessel abnormality",
        _RISKS,
    ),
)

_INSTABILITY_ITEMS = (
    _yes_no(
        "inflammatory_arthritis",
        "Rheumatoid arthritis, ankylosing spondylitis or another inflammatory arthritis",
        _INSTABILITY,
    ),
    _yes_no("down_syndrome", "Down syndrome", _INSTABILITY),
    _yes_no(
        "neck_bone_anomaly",
        "A known abnormality of the upper neck bones (for example os odontoideum or "
        "Klippel-Feil syndrome)",
        _INSTABILITY,
    ),
    _yes_no(
        "long_term_corticosteroids",
        "Taking steroid tablets or injections (such as prednisolone) for a long time",
        _INSTABILITY,
    ),
    _yes_no("osteoporosis", "Osteoporosis (thin, fragile bones)", _INSTABILITY),
    _yes_no("lip_or_face_tingling", "Tingling or numbness of the lips or face", _INSTABILITY),
    _yes_no(
        "tingling_both_sides",
        "Tingling or numbness in both arms, or in both arms and both legs",
        _INSTABILITY,
    ),
    _yes_no(
        "head_feels_heavy",
        "The head feels heavy or you need to hold it up with your hands",
        _INSTABILITY,
    ),
    _yes_no("lump_in_throat", "A feeling of a lump at the back of the throat", _INSTABILITY),
    _yes_no(
        "headache_on_neck_movement",
        "A severe headache brought on by moving the neck",
        _INSTABILITY,
    ),
)

_RED_FLAG_ITEMS = (
    _yes_no("cancer_history", "Cancer now or in the past", _RED_FLAGS),
    _yes_no("unexplained_weight_loss", "Weight loss you cannot explain", _RED_FLAGS),
    _yes_no("fever", "Fever, chills or night sweats, or feeling generally unwell", _RED_FLAGS),
    _yes_no(
        "night_pain",
        "Pain at night that does not ease with rest or changing position and stops you sleeping",
        _RED_FLAGS,
    ),
    _yes_no(
        "new_spinal_pain",
        "Neck or back pain that is new or different from your usual pain",
        _RED_FLAGS,
    ),
    _yes_no(
        "progressive_neuro_deficit",
        "Weakness, numbness, clumsiness or trouble walking that is getting worse",
        _RED_FLAGS,
    ),
    _yes_no(
        "bladder_bowel_change",
        "New trouble controlling or passing urine or stools, or numbness around the bottom or "
        "genitals",
        _RED_FLAGS,
    ),
)

ITEMS = _INJURY_ITEMS + _ARTERY_ITEMS + _RISK_ITEMS + _INSTABILITY_ITEMS + _RED_FLAG_ITEMS


def _not_scored(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    """The screen has no total; its meaning is the safety decision."""
    from atlaxis.screening.decision import safety

    decision = safety(answers)
    missing = list(decision.missing)
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=None,
        flags=[f"safety:{decision.decision}"] + [f.rule_id for f in decision.fired],
        complete=decision.complete,
        missing=missing,
        details={"safety": decision.to_dict()},
    )


INSTRUMENT = Instrument(
    id="safety_screen",
    version="1",
    title="Safety screen before neck care (atlaxis)",
    citation=Source(
        "atlaxis safety screen (own wording). Questions follow the Canadian C-Spine Rule "
        "(Stiell 2001, 2003), the IFOMPT International Cervical Framework (Rushton et al. 2020) "
        "and the IFOMPT red-flags framework (Finucane et al. 2020).",
        "secondary",
        "Rule sources and their evidence are listed per rule in docs/reference/safety-rules.md.",
    ),
    licence=Licence(holder="atlaxis contributors", ship_text=True, note="Our own wording."),
    items=ITEMS,
    scoring=Scoring(
        total="custom",
        missing_rule="no total; a missing safety answer makes the decision 'incomplete' unless "
        "a rule that fires on the answers given already decides 'refer' or 'refer_urgently'",
    ),
    score_range=None,
    kind="screen",
    instructions="Please answer every question. These questions help your clinician decide "
    "whether neck care is safe for you today or whether you should see a doctor first.",
    custom_scorer=_not_scored,
)

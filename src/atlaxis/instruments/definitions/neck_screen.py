"""atlaxis' own neck-involvement intake screen.

A short yes/no intake (our own wording) asking whether the signs that point toward the
head, neck and jaw are present: a past neck or head injury, long-standing neck pain,
headaches, dizziness, sensitivity to light or sound, and jaw trouble. It describes; it
does not diagnose. Each sign present suggests a validated follow-up questionnaire
(``FOLLOW_UP``) that measures it properly.

The item ids are a fixed contract used by ``atlaxis.screening``.

Result: ``total`` = number of the 6 signs present (0-6), ``subscales`` = each sign 0/1
(None while unknown); complete when all 6 signs can be decided (light or sound
sensitivity is present when either is answered yes, absent only when both are no);
``details`` = ``{"signs_present", "signs_unknown", "count", "follow_up"}``, filled even
for an incomplete screen. No band.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atlaxis.instruments.model import (
    EnableWhen,
    Instrument,
    Item,
    Licence,
    Option,
    Scoring,
    Source,
)
from atlaxis.instruments.result import ScoreResult

ATLAXIS = Source(
    "atlaxis neck-involvement intake screen (own wording).",
    evidence="unverified",
    note=(
        "atlaxis' own form, not a validated instrument. The signs and follow-up "
        "questionnaires are a design choice: NDI for neck injury or pain, HIT-6 for "
        "headache, DHI for dizziness, CSI for light or sound sensitivity, JFLS-8 for jaw."
    ),
)
OWN_WORDING = Licence(holder="atlaxis contributors", ship_text=True, note="Our own wording.")

#: sign -> the items that decide it (present when any is true)
SIGNS: dict[str, tuple[str, ...]] = {
    "neck_trauma": ("neck_trauma",),
    "chronic_neck_pain": ("chronic_neck_pain",),
    "headaches": ("headaches",),
    "dizziness": ("dizziness",),
    "light_or_sound_sensitivity": ("light_sensitivity", "sound_sensitivity"),
    "jaw_trouble": ("jaw_trouble",),
}

#: sign -> instrument ids suggested as follow-up when the sign is present
FOLLOW_UP: dict[str, tuple[str, ...]] = {
    "neck_trauma": ("ndi",),
    "chronic_neck_pain": ("ndi",),
    "headaches": ("hit6",),
    "dizziness": ("dhi",),
    "light_or_sound_sensitivity": ("csi",),
    "jaw_trouble": ("jfls8",),
}

TRAUMA_KINDS = (
    Option("whiplash", "Whiplash (for example a car accident)", 0.0),
    Option("fall", "A fall", 0.0),
    Option("sports", "A sports injury", 0.0),
    Option("head_injury", "A blow to the head or concussion", 0.0),
    Option("other", "Something else", 0.0),
)

_AFTER_TRAUMA = (EnableWhen("neck_trauma", "=", True),)


def _yes_no(item_id: str, text: str, help_text: str | None = None) -> Item:
    return Item(id=item_id, text=text, type="boolean", help=help_text)


def _items() -> tuple[Item, ...]:
    return (
        _yes_no(
            "neck_trauma",
            "Have you ever injured your neck or head, for example whiplash, a fall, a sports "
            "injury or a blow to the head?",
        ),
        Item(
            id="neck_trauma_kind",
            text="What kind of injury was it?",
            type="choice",
            options=TRAUMA_KINDS,
            required=False,
            enable_when=_AFTER_TRAUMA,
            help="if there was more than one, choose the one that troubles you most",
        ),
        Item(
            id="neck_trauma_date",
            text="When did it happen?",
            type="date",
            required=False,
            enable_when=_AFTER_TRAUMA,
            help="an approximate date is fine",
        ),
        _yes_no(
            "chronic_neck_pain",
            "Have you had neck pain or stiffness on most days for 3 months or more?",
        ),
        _yes_no("headaches", "Do you get headaches or migraines?"),
        _yes_no("dizziness", "Do you have dizziness or problems with your balance?"),
        _yes_no(
            "light_sensitivity",
            "Does ordinary light bother you more than it seems to bother other people?",
        ),
        _yes_no(
            "sound_sensitivity",
            "Do ordinary sounds bother you more than they seem to bother other people?",
        ),
        _yes_no(
            "jaw_trouble",
            "Do you have pain in your jaw or jaw joint, or does your jaw click or lock?",
        ),
    )


def sign_status(answers: Mapping[str, Any], items: tuple[str, ...]) -> bool | None:
    """True when any deciding item is yes, False when all are no, else None (unknown)."""
    values = [answers.get(i) for i in items]
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def _score(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    status = {sign: sign_status(answers, items) for sign, items in SIGNS.items()}
    present = [s for s, v in status.items() if v is True]
    unknown = [s for s, v in status.items() if v is None]
    follow_up: list[str] = []
    for sign in present:
        follow_up.extend(i for i in FOLLOW_UP[sign] if i not in follow_up)
    complete = not unknown
    return ScoreResult(
        instrument=instrument.id,
        version=instrument.version,
        total=float(len(present)) if complete else None,
        subscales={s: None if v is None else float(v) for s, v in status.items()},
        complete=complete,
        missing=[i.id for i in instrument.items if i.required and i.id not in answers],
        details={
            "signs_present": present,
            "signs_unknown": unknown,
            "count": len(present),
            "follow_up": follow_up,
        },
    )


INSTRUMENT = Instrument(
    id="neck_screen",
    version="1",
    title="Neck-involvement screen",
    citation=ATLAXIS,
    licence=OWN_WORDING,
    kind="screen",
    instructions=(
        "A few yes/no questions about your neck, head and jaw. Your answers help your "
        "clinician choose which questionnaires to ask next. This screen describes your "
        "symptoms; it does not diagnose anything."
    ),
    items=_items(),
    scoring=Scoring(
        total="custom",
        missing_rule=(
            "complete when all 6 signs can be decided; light or sound sensitivity is present "
            "when either item is yes and absent only when both are no; injury kind and date "
            "are optional and not scored"
        ),
        rounding="counts; nothing is rounded",
        source=ATLAXIS,
    ),
    score_range=(0.0, 6.0),
    lower_is_better=True,
    custom_scorer=_score,
    extra={"signs": SIGNS, "follow_up": FOLLOW_UP},
)

"""The neck-involvement profile: signs, count, severity bands, follow-up instruments.

The mapping (the contract with the neck_screen definition): neck_trauma and
chronic_neck_pain -> NDI; headaches -> HIT-6; dizziness -> DHI; light or sound
sensitivity -> CSI; jaw trouble -> JFLS-8.
"""

from __future__ import annotations

from typing import Any

import pytest

from atlaxis.errors import InvalidAnswers, UnknownInstrument, ValidationError
from atlaxis.instruments import ScoreResult, score
from atlaxis.screening import neck, neck_profile

ALL_NO = {
    "neck_trauma": False,
    "chronic_neck_pain": False,
    "headaches": False,
    "dizziness": False,
    "light_sensitivity": False,
    "sound_sensitivity": False,
    "jaw_trouble": False,
}


def test_no_signs() -> None:
    profile = neck_profile(ALL_NO)
    assert profile.count == 0
    assert profile.follow_up == ()
    assert profile.complete
    assert profile.trauma is None


@pytest.mark.parametrize(
    ("item", "sign", "follow_up"),
    [
        ("neck_trauma", "neck_trauma", "ndi"),
        ("chronic_neck_pain", "chronic_neck_pain", "ndi"),
        ("headaches", "headaches", "hit6"),
        ("dizziness", "dizziness", "dhi"),
        ("light_sensitivity", "light_or_sound_sensitivity", "csi"),
        ("sound_sensitivity", "light_or_sound_sensitivity", "csi"),
        ("jaw_trouble", "jaw_trouble", "jfls8"),
    ],
)
def test_each_sign_and_its_follow_up(item: str, sign: str, follow_up: str) -> None:
    profile = neck_profile({**ALL_NO, item: True})
    assert profile.present == (sign,)
    assert profile.count == 1
    assert profile.follow_up == (follow_up,)


def test_everything_present_counts_six_signs_and_asks_ndi_once() -> None:
    profile = neck_profile(dict.fromkeys(ALL_NO, True))
    assert profile.count == 6
    assert profile.follow_up == ("ndi", "hit6", "dhi", "csi", "jfls8")


def test_unanswered_signs_are_unknown_not_absent() -> None:
    profile = neck_profile({"headaches": True, "light_sensitivity": False})
    assert profile.present == ("headaches",)
    assert "light_or_sound_sensitivity" in profile.unanswered  # sound not answered
    assert not profile.complete
    data = profile.to_dict()
    signs = {s["id"]: s for s in data["signs"]}
    assert signs["dizziness"]["present"] is None
    assert "not a diagnosis" in data["note"]


def test_severity_uses_the_instruments_own_band() -> None:
    ndi = ScoreResult("ndi", "1", total=22.0, band="moderate", complete=True)
    dhi = ScoreResult("dhi", "1", total=None, band=None, complete=False)
    profile = neck_profile(
        {**ALL_NO, "chronic_neck_pain": True, "dizziness": True}, {"ndi": ndi, "dhi": dhi}
    )
    signs = {s.id: s for s in profile.signs}
    assert signs["chronic_neck_pain"].severity is not None
    assert signs["chronic_neck_pain"].severity.to_dict() == {
        "instrument": "ndi",
        "total": 22.0,
        "band": "moderate",
        "complete": True,
    }
    assert signs["headaches"].severity is None
    # the DHI was given but incomplete, so it is still pending
    assert profile.follow_up_pending == ("dhi",)


def test_severity_from_a_real_score() -> None:
    # NDI: ten items scored 0-5; all items 2 -> raw 20, in Vernon's "moderate" band (15-24)
    result = score("ndi", {str(k): 2 for k in range(1, 11)})
    profile = neck_profile({**ALL_NO, "chronic_neck_pain": True}, {"ndi": result})
    severity = {s.id: s for s in profile.signs}["chronic_neck_pain"].severity
    assert severity is not None
    assert severity.total == result.total == 20
    assert severity.band == result.band == "moderate"
    assert profile.follow_up_pending == ()


def test_trauma_details_pass_through() -> None:
    answers = {**ALL_NO, "neck_trauma": True, "neck_trauma_date": "2019-05-01"}
    assert neck_profile(answers).trauma == {"kind": None, "date": "2019-05-01"}


def test_invalid_answers_list_every_problem() -> None:
    with pytest.raises(InvalidAnswers) as err:
        neck_profile({"headaches": "often", "elbow": True})
    assert {p.field for p in err.value.problems} == {"headaches", "elbow"}


def test_scores_must_match_their_key() -> None:
    wrong = ScoreResult("dhi", "1", total=10.0, complete=True)
    with pytest.raises(ValidationError):
        neck_profile(ALL_NO, {"ndi": wrong})


def test_fallback_validation_without_the_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_: str) -> Any:
        raise UnknownInstrument("no neck_screen")

    monkeypatch.setattr(neck, "get_instrument", missing)
    assert neck_profile({**ALL_NO, "jaw_trouble": True}).follow_up == ("jfls8",)
    with pytest.raises(InvalidAnswers) as err:
        neck_profile({"jaw_trouble": 1, "neck_trauma_date": "May", "x": True})
    assert {p.field for p in err.value.problems} == {"jaw_trouble", "neck_trauma_date", "x"}

"""Properties of the safety screen over generated answer sets (hypothesis).

* No answer set crashes it: the result is a decision, or one InvalidAnswers error.
* The decision is the most severe action fired, and "clear" only when nothing is missing.
* Answering a missing question never lowers a refer-level decision, and never changes a
  decision that was already complete (three-valued logic is sound).
* Saying "yes" to a risk question never lowers the decision.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from atlaxis.errors import InvalidAnswers
from atlaxis.instruments import get_instrument
from atlaxis.screening import safety

ITEMS = get_instrument("safety_screen").items
IDS = [i.id for i in ITEMS]
PROTECTIVE = {
    "simple_rear_end_mvc",
    "sitting_comfortably",
    "ambulatory_any_time",
    "delayed_onset_neck_pain",
    "no_midline_tenderness",
    "rotate_45_left",
    "rotate_45_right",
}
RANK = {"clear": 0, "caution": 1, "refer": 2, "refer_urgently": 3}
ACTION_RANK = {"info": 0, "caution": 1, "refer": 2, "refer_urgently": 3}
SETTINGS = settings(max_examples=150, deadline=None)


def _value(item_id: str) -> st.SearchStrategy[Any]:
    return st.integers(0, 120) if item_id == "age" else st.booleans()


full_answers = st.fixed_dictionaries({i: _value(i) for i in IDS})
partial_answers = st.fixed_dictionaries({}, optional={i: _value(i) for i in IDS})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
garbage = st.dictionaries(st.sampled_from([*IDS, "bogus"]), json_values) | json_values


@SETTINGS
@given(garbage)
def test_no_input_crashes_the_screen(answers: Any) -> None:
    try:
        result = safety(answers)
    except InvalidAnswers as err:
        assert err.problems
        return
    assert result.decision in {*RANK, "incomplete"}
    assert result.to_dict()["decision"] == result.decision


@SETTINGS
@given(partial_answers)
def test_decision_is_the_most_severe_action(answers: dict[str, Any]) -> None:
    result = safety(answers)
    top = max((ACTION_RANK[f.action] for f in result.fired), default=0)
    if top >= 2:
        assert RANK[result.decision] == top
    elif result.decision == "incomplete":
        assert result.missing
    else:
        assert result.complete
        assert RANK[result.decision] == top
    if result.decision == "clear":
        assert not result.missing and all(f.action == "info" for f in result.fired)


@SETTINGS
@given(full_answers, st.sets(st.sampled_from(IDS)))
def test_answering_more_never_weakens_a_decision(
    full: dict[str, Any], dropped: set[str]
) -> None:
    partial = {k: v for k, v in full.items() if k not in dropped}
    before, after = safety(partial), safety(full)
    if before.decision in ("refer", "refer_urgently"):
        assert RANK[after.decision] >= RANK[before.decision]
    elif before.decision != "incomplete":
        assert after.decision == before.decision


@SETTINGS
@given(full_answers, st.sampled_from([i.id for i in ITEMS if i.type == "boolean"]))
def test_yes_to_a_risk_question_never_lowers_the_decision(
    answers: dict[str, Any], item: str
) -> None:
    if item in PROTECTIVE:
        item_yes, item_no = False, True  # "no" to a protective question is the risk
    else:
        item_yes, item_no = True, False
    risky = safety({**answers, item: item_yes})
    safer = safety({**answers, item: item_no})
    assert RANK[risky.decision] >= RANK[safer.decision]

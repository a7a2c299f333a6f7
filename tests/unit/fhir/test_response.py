"""QuestionnaireResponses (LHC-Forms shape) back into answers, and scored.

PHQ-9 scoring: Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med 2001;16(9):606-613
(total = sum of items 0-3; bands minimal 0-4, mild 5-9, moderate 10-14, moderately severe
15-19, severe 20-27). Missing items: Ohrbach & Knibbe, DC/TMD Scoring Manual for
Self-Report Instruments (2016): up to 3 missing, total = answered sum / (9 - missing) x 9.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlaxis.errors import AtlaxisError, NotFound, ValidationError
from atlaxis.fhir import answers_from_response, score_response
from atlaxis.instruments import get_instrument, instrument_ids, score
from atlaxis.instruments.model import Instrument, Item

Builder = Callable[[Instrument, Mapping[str, Any]], dict[str, Any]]
GOLDEN = Path(__file__).resolve().parents[2] / "data" / "fhir" / "phq9-lhcforms-response.json"
IDS = instrument_ids()


def _golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _fields(err: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.field: p.message for p in err.value.problems}


# --- the hand-written LHC-Forms response ------------------------------------------------


def test_golden_phq9_response_scores_to_the_hand_computed_total() -> None:
    """Items 1-9 answered 1,2,3,2,0,1,1,0,0: total 10, band moderate (10-14), no flag."""
    result = score_response(_golden())
    assert result.total == 1 + 2 + 3 + 2 + 0 + 1 + 1 + 0 + 0 == 10
    assert result.band == "moderate"
    assert result.flags == []
    assert result.complete is True
    instrument_id, answers = answers_from_response(_golden())
    assert instrument_id == "phq9"
    assert answers == {"1": 1, "2": 2, "3": 3, "4": 2, "5": 0, "6": 1, "7": 1, "8": 0, "9": 0}


def test_golden_with_one_item_dropped_is_prorated() -> None:
    """Item 4 (2 points) left out: answered sum 8 over 8 items -> 8 / 8 x 9 = 9.0, mild."""
    qr = _golden()
    qr["item"] = [i for i in qr["item"] if i["linkId"] != "4"]
    result = score_response(qr)
    assert result.total == pytest.approx(8 / 8 * 9)
    assert result.band == "mild"
    assert result.missing == ["4"]


def test_golden_item9_answered_raises_the_safety_flag() -> None:
    qr = _golden()
    qr["item"][8]["answer"][0]["valueCoding"].update(code="1", display="Several days")
    result = score_response(qr)
    assert result.total == 11
    assert "self_harm_risk" in result.flags


def test_instrument_may_be_pinned_by_id_or_definition_and_url_may_be_relative() -> None:
    qr = _golden()
    assert answers_from_response(qr, "phq9")[0] == "phq9"
    qr["questionnaire"] = "Questionnaire/phq9"
    assert answers_from_response(qr, get_instrument("phq9"))[0] == "phq9"
    del qr["questionnaire"]
    assert score_response(qr, "phq9").total == 10


def test_time_with_seconds_and_answers_nested_in_groups(
    all_types: Instrument, lhc_response: Builder
) -> None:
    answers = {
        "1": 3,
        "2": [2, 1],
        "3": False,
        "4": 0,
        "5": 0.25,
        "6": "23:59",
        "7": "2024-02-29",
        "8": "héllo wörld",
        "9": "sometimes",
    }
    qr = lhc_response(all_types, answers)
    assert [i["linkId"] for i in qr["item"][:2]] == ["section-part-a", "section-part-b"]
    assert qr["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"] == "3"
    six = next(i for i in qr["item"] if i["linkId"] == "6")
    assert six["answer"] == [{"valueTime": "23:59:00"}]
    six["answer"] = [{"valueTime": "23:59:41.5"}]
    assert answers_from_response(qr, all_types) == ("all_types", answers)


# --- round trip over the whole registry -------------------------------------------------


def _value(item: Item) -> st.SearchStrategy[Any]:
    codes = [o.code for o in item.options]
    if item.type == "choice":
        return st.sampled_from(codes)
    if item.type == "multi_choice":
        return st.lists(st.sampled_from(codes), min_size=1, max_size=len(codes), unique=True)
    if item.type == "boolean":
        return st.booleans()
    low = item.minimum if item.minimum is not None else 0
    high = item.maximum if item.maximum is not None else 1000
    if item.type == "integer":
        return st.integers(int(low), int(high))
    if item.type == "decimal":
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if item.type == "time":
        return st.builds("{:02d}:{:02d}".format, st.integers(0, 23), st.integers(0, 59))
    if item.type == "date":
        return st.dates().filter(lambda d: d.year >= 1900).map(lambda d: d.isoformat())
    return st.text("abc xyzé0123", min_size=1, max_size=40).map(str.strip).filter(bool)


def _answers(instrument: Instrument) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={i.id: _value(i) for i in instrument.items})


def _outcome(fn: Callable[[], Any]) -> Any:
    try:
        return fn().to_dict()
    except AtlaxisError as exc:
        return type(exc).__name__, sorted(str(p) for p in exc.problems)


def _round_trip(instrument: Instrument, answers: dict[str, Any], build: Builder) -> None:
    qr = build(instrument, answers)
    instrument_id, back = answers_from_response(qr)
    assert instrument_id == instrument.id
    assert back == answers
    assert _outcome(lambda: score_response(qr)) == _outcome(lambda: score(instrument, answers))


@pytest.mark.parametrize("instrument_id", IDS)
def test_round_trip_first_and_last_options(instrument_id: str, lhc_response: Builder) -> None:
    instrument = get_instrument(instrument_id)
    for pick in (0, -1):
        answers: dict[str, Any] = {}
        for item in instrument.items:
            if item.type == "choice":
                answers[item.id] = item.options[pick].code
            elif item.type == "multi_choice":
                answers[item.id] = [item.options[pick].code]
            elif item.type == "boolean":
                answers[item.id] = pick == 0
            elif item.type in ("integer", "decimal") and item.minimum is not None:
                bound = item.minimum if pick == 0 else item.maximum
                answers[item.id] = int(bound) if item.type == "integer" else bound  # type: ignore[arg-type]
        _round_trip(instrument, answers, lhc_response)


@pytest.mark.parametrize("instrument_id", IDS)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_round_trip_random_answers(
    instrument_id: str, data: st.DataObject, lhc_response: Builder
) -> None:
    instrument = get_instrument(instrument_id)
    _round_trip(instrument, data.draw(_answers(instrument)), lhc_response)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_round_trip_every_answer_type(
    data: st.DataObject, all_types: Instrument, lhc_response: Builder
) -> None:
    answers = data.draw(_answers(all_types))
    qr = lhc_response(all_types, answers)
    assert answers_from_response(qr, all_types) == ("all_types", answers)


# --- bad responses: one error naming every bad item --------------------------------------


def test_unknown_link_id_is_named() -> None:
    qr = _golden()
    qr["item"].append({"linkId": "10", "answer": [{"valueInteger": 1}]})
    with pytest.raises(ValidationError) as err:
        answers_from_response(qr)
    assert "unknown linkId" in _fields(err)["10"]


def test_wrong_value_type_is_named() -> None:
    qr = _golden()
    qr["item"][2]["answer"] = [{"valueInteger": 3}]
    with pytest.raises(ValidationError) as err:
        answers_from_response(qr)
    assert _fields(err) == {"3": "wrong value type valueInteger"}
    assert "valueCoding" in (err.value.problems[0].allowed or "")


def test_code_not_in_answer_options_is_named() -> None:
    qr = _golden()
    qr["item"][4]["answer"][0]["valueCoding"]["code"] = "4"
    with pytest.raises(ValidationError) as err:
        answers_from_response(qr)
    assert _fields(err) == {"5": "code '4' is not an answerOption of this item"}


def test_every_problem_is_listed_at_once() -> None:
    qr = _golden()
    qr["item"][0]["answer"] = [{"valueString": "1"}]
    qr["item"][1]["answer"][0]["valueCoding"]["system"] = "http://loinc.org"
    qr["item"][2]["answer"].append(qr["item"][2]["answer"][0])
    qr["item"][3]["answer"] = [{"valueCoding": {"display": "no code"}}]
    qr["item"].append(copy.deepcopy(qr["item"][5]))
    qr["item"].append({"linkId": "atlaxis-instructions", "answer": [{"valueString": "x"}]})
    qr["item"].append(
        {"linkId": "extra", "item": [{"linkId": "deep", "answer": [{"valueBoolean": True}]}]}
    )
    qr["status"] = "entered-in-error"
    with pytest.raises(ValidationError) as err:
        answers_from_response(qr)
    fields = _fields(err)
    assert set(fields) == {
        "1",
        "2",
        "3",
        "4",
        "6",
        "atlaxis-instructions",
        "extra",
        "deep",
        "status",
    }
    assert "system" in fields["2"]
    assert "takes one" in fields["3"]
    assert "no code" in fields["4"]
    assert "more than once" in fields["6"]
    assert "display item" in fields["atlaxis-instructions"]
    assert "entered in error" in fields["status"]


def test_out_of_range_and_wrong_json_types_are_named(
    all_types: Instrument, lhc_response: Builder
) -> None:
    qr = lhc_response(all_types, {"3": True, "4": 7, "5": 1.5, "6": "07:00"})
    by_id = {i["linkId"]: i for g in qr["item"] for i in [g, *g.get("item", [])]}
    by_id["4"]["answer"] = [{"valueInteger": 31}]  # maximum 30
    by_id["5"]["answer"] = [{"valueDecimal": 25}]  # maximum 24
    by_id["3"]["answer"] = [{"valueBoolean": "true"}]  # fhir.resources would coerce; we do not
    with pytest.raises(ValidationError) as err:
        answers_from_response(qr, all_types)
    fields = _fields(err)
    assert fields["4"] == "31 is out of range"
    assert fields["5"] == "25 is out of range"
    assert "true/false" in fields["3"]


def test_invalid_fhir_is_reported_with_the_link_id() -> None:
    qr = _golden()
    qr["item"][6]["answer"] = [{"valueInteger": "seven"}]
    qr["item"][7]["answer"] = [{"valueTime": "7:30"}]
    with pytest.raises(ValidationError) as err:
        answers_from_response(qr)
    assert err.value.detail == "invalid FHIR QuestionnaireResponse"
    assert {"7", "8"} <= set(_fields(err))
    assert "item.6.answer.0.valueInteger" in _fields(err)["7"]


@pytest.mark.parametrize(
    "resource",
    [[], "text", {"resourceType": "Questionnaire", "status": "active"}, {"status": "completed"}],
)
def test_not_a_questionnaire_response(resource: Any) -> None:
    with pytest.raises(ValidationError, match="not a FHIR QuestionnaireResponse"):
        answers_from_response(resource)


@pytest.mark.parametrize(
    ("url", "pinned", "message"),
    [
        ("https://example.org/Questionnaire/phq9", None, "is not an atlaxis Questionnaire"),
        ("https://atlaxis.org/fhir/Questionnaire/nope", None, "is not an atlaxis Questionnaire"),
        ("https://atlaxis.org/fhir/Questionnaire/phq9|1999", None, "version '1999'"),
        ("https://atlaxis.org/fhir/Questionnaire/phq9", "gad7", "is another Questionnaire"),
        (None, None, "missing"),
    ],
)
def test_wrong_questionnaire_url(url: str | None, pinned: str | None, message: str) -> None:
    if pinned is not None and pinned not in IDS:
        pytest.skip(f"{pinned} not registered yet")
    qr = _golden()
    if url is None:
        del qr["questionnaire"]
    else:
        qr["questionnaire"] = url
    with pytest.raises(ValidationError) as err:
        answers_from_response(qr, pinned)
    assert message in _fields(err)["questionnaire"]


def test_unknown_pinned_instrument_is_not_found() -> None:
    with pytest.raises(NotFound):
        answers_from_response(_golden(), "nope")

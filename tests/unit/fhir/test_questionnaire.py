"""Instruments as FHIR R4 Questionnaires (SDC), validated with fhir.resources (R4B models).

Element names and extension URLs: HL7 FHIR R4 Questionnaire
(https://hl7.org/fhir/R4/questionnaire.html), the core extensions ordinalValue,
minValue, maxValue, questionnaire-itemControl, questionnaire-unit, and HL7 SDC
(https://hl7.org/fhir/uv/sdc/) for enableWhenExpression.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from atlaxis.errors import ConfigurationError
from atlaxis.fhir import to_questionnaire, validate_questionnaire
from atlaxis.fhir.common import EXT_ENABLE_EXPR, EXT_ORDINAL
from atlaxis.instruments import get_instrument, instrument_ids
from atlaxis.instruments.model import EnableWhen, Instrument

IDS = instrument_ids()


def _walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _walk(item.get("item", []))


def _by_link_id(q: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["linkId"]: i for i in _walk(q["item"])}


def test_the_registry_is_not_empty() -> None:
    assert "phq9" in IDS


@pytest.mark.parametrize("instrument_id", IDS)
def test_every_instrument_gives_a_valid_r4_questionnaire(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    q = to_questionnaire(instrument)
    parsed = Questionnaire.model_validate(q)  # raises if not valid FHIR
    assert parsed.status == "active"
    assert q["url"] == f"https://atlaxis.org/fhir/Questionnaire/{instrument_id.replace('_', '-')}"
    assert q["version"] == instrument.version
    assert q["title"] == instrument.title
    assert instrument.licence.holder in q["copyright"]
    link_ids = [i["linkId"] for i in _walk(q["item"])]
    assert len(link_ids) == len(set(link_ids)), "linkIds must be unique"
    questions = {i["linkId"]: i for i in _walk(q["item"]) if i["type"] not in ("group", "display")}
    assert list(questions) == list(instrument.item_ids)


@pytest.mark.parametrize("instrument_id", IDS)
def test_items_map_type_text_options_and_codes(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    qitems = _by_link_id(to_questionnaire(instrument))
    for item in instrument.items:
        q = qitems[item.id]
        assert q["text"] == item.text
        assert q.get("required", False) == item.required
        expected_type = {"multi_choice": "choice"}.get(item.type, item.type)
        assert q["type"] == expected_type
        assert q.get("repeats", False) == (item.type == "multi_choice")
        if item.loinc:
            assert q["code"] == [{"system": "http://loinc.org", "code": item.loinc}]
        else:
            assert "code" not in q
        if item.options:
            got = [
                (
                    o["valueCoding"]["code"],
                    o["valueCoding"]["display"],
                    next(e["valueDecimal"] for e in o["extension"] if e["url"] == EXT_ORDINAL),
                )
                for o in q["answerOption"]
            ]
            assert got == [(str(o.code), o.label, o.points) for o in item.options]
        if item.type in ("integer", "decimal") and item.minimum is not None:
            ext = {e["url"].rsplit("/", 1)[1]: e for e in q.get("extension", [])}
            key = "valueInteger" if item.type == "integer" else "valueDecimal"
            assert ext["minValue"][key] == item.minimum
            assert ext["maxValue"][key] == item.maximum


@pytest.mark.parametrize(
    "instrument_id", [i for i in IDS if any(it.enable_when for it in get_instrument(i).items)]
)
def test_enable_when_present_for_items_with_conditions(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    qitems = _by_link_id(to_questionnaire(instrument))
    for item in instrument.items:
        q = qitems[item.id]
        if not item.enable_when:
            assert "enableWhen" not in q
            continue
        expression = [e for e in q.get("extension", []) if e["url"] == EXT_ENABLE_EXPR]
        assert q.get("enableWhen") or expression, item.id
        for rule in q.get("enableWhen", []):
            assert rule["question"] in qitems
            assert rule["question"] in {c.question for c in item.enable_when}
        if len(item.enable_when) == 1 and item.enable_when[0].operator in ("=", "!="):
            (cond,) = item.enable_when
            (rule,) = q["enableWhen"]
            assert rule["operator"] == cond.operator
            value = next(v for k, v in rule.items() if k.startswith("answer"))
            if "answerCoding" in rule:
                assert value["code"] == str(cond.answer)
            else:
                assert value == cond.answer


def test_phq9_questionnaire_carries_loinc_codes() -> None:
    """LOINC 44249-1 is the PHQ-9 panel; 44250-9 item 1, 44260-8 item 9 (loinc.org)."""
    q = to_questionnaire(get_instrument("phq9"))
    assert q["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    items = _by_link_id(q)
    assert items["1"]["code"][0]["code"] == "44250-9"
    assert items["9"]["code"][0]["code"] == "44260-8"
    assert items["atlaxis-instructions"]["type"] == "display"


def test_every_answer_type_maps_and_validates(all_types: Instrument) -> None:
    q = to_questionnaire(all_types)
    Questionnaire.model_validate(q)
    items = _by_link_id(q)
    assert {k: items[k]["type"] for k in "123456789"} == {
        "1": "choice",
        "2": "choice",
        "3": "boolean",
        "4": "integer",
        "5": "decimal",
        "6": "time",
        "7": "date",
        "8": "text",
        "9": "choice",
    }
    assert q["id"] == "all-types" and q["name"] == "AllTypes"
    assert items["section-part-a"]["type"] == "group"
    assert [i["linkId"] for i in items["section-part-a"]["item"]] == ["1", "2"]
    assert items["1-help"]["type"] == "display"
    assert items["2"]["repeats"] is True
    assert "not the published wording" in q["description"]  # item 8 is a label
    controls = [
        e["valueCodeableConcept"]["coding"][0]["code"]
        for k in ("1", "2")
        for e in items[k]["extension"]
    ]
    assert controls == ["radio-button", "check-box"]
    assert items["9"]["answerOption"][0]["valueCoding"]["code"] == "yes"


def test_comparison_on_a_choice_item_becomes_any_of_its_codes(all_types: Instrument) -> None:
    items = _by_link_id(to_questionnaire(all_types))
    # item 5: ask when item 1 >= 2; item 1's codes are 0..3, so 2 or 3
    assert items["5"]["enableBehavior"] == "any"
    assert [r["answerCoding"]["code"] for r in items["5"]["enableWhen"]] == ["2", "3"]
    assert {r["operator"] for r in items["5"]["enableWhen"]} == {"="}
    # item 9: two plain conditions, both needed
    assert items["9"]["enableBehavior"] == "all"
    assert items["9"]["enableWhen"][1] == {"question": "5", "operator": "<=", "answerDecimal": 12.5}
    # item 7: exists
    assert items["7"]["enableWhen"] == [
        {"question": "4", "operator": "exists", "answerBoolean": True}
    ]


def test_mixed_conditions_become_an_sdc_enable_when_expression(all_types: Instrument) -> None:
    """Item 6: (item 1 > 0) and (item 3 = true) cannot be plain enableWhen."""
    item6 = _by_link_id(to_questionnaire(all_types))["6"]
    assert "enableWhen" not in item6
    (ext,) = [e for e in item6["extension"] if e["url"] == EXT_ENABLE_EXPR]
    expression = ext["valueExpression"]["expression"]
    assert ext["valueExpression"]["language"] == "text/fhirpath"
    assert expression == (
        "(%resource.repeat(item).where(linkId = '1').answer.value"
        ".where(code = '1' or code = '2' or code = '3').exists()) and "
        "(%resource.repeat(item).where(linkId = '3').answer.value.where($this = true).exists())"
    )


def test_condition_on_unknown_item_is_a_definition_error(all_types: Instrument) -> None:
    from dataclasses import replace

    broken = replace(all_types.items[3], enable_when=(EnableWhen("99", "=", True),))
    bad = replace(all_types, items=(*all_types.items[:3], broken, *all_types.items[4:]))
    with pytest.raises(ConfigurationError) as err:
        to_questionnaire(bad)
    assert err.value.problems[0].field == "4"
    assert "99" in err.value.problems[0].message


def test_condition_no_option_can_meet_is_a_definition_error(all_types: Instrument) -> None:
    from dataclasses import replace

    never = replace(all_types.items[4], enable_when=(EnableWhen("1", ">", 3),))
    bad = replace(all_types, items=(*all_types.items[:4], never, *all_types.items[5:]))
    with pytest.raises(ConfigurationError, match="never be asked"):
        to_questionnaire(bad)


def test_validate_questionnaire_rejects_invalid_fhir() -> None:
    q = to_questionnaire(get_instrument("phq9"))
    q["status"] = 7
    q["item"][1]["answerOption"][0]["valueCoding"]["code"] = ["not", "a", "code"]
    with pytest.raises(ConfigurationError) as err:
        validate_questionnaire(q)
    fields = {p.field for p in err.value.problems}
    assert "status" in fields
    assert "1" in fields  # the item's linkId names the bad option

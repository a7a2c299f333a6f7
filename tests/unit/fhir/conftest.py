"""Build QuestionnaireResponses in the shape NLM LHC-Forms produces.

LHC-Forms (``LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', …)``) mirrors the
Questionnaire's item tree (groups keep their nested items), drops unanswered and display
items, sets ``questionnaire`` to ``url|version``, and writes each answer as ``valueCoding``
``{system, code, display}`` for choice items, otherwise ``valueBoolean``, ``valueInteger``,
``valueDecimal``, ``valueString``, ``valueDate`` or ``valueTime`` (``HH:MM:SS``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from atlaxis.fhir import to_questionnaire
from atlaxis.instruments.model import Instrument
from atlaxis.instruments.result import ScoreResult

ResponseBuilder = Callable[[Instrument, Mapping[str, Any]], dict[str, Any]]


def _answer(qitem: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = qitem["type"]
    if kind == "choice":
        for option in qitem["answerOption"]:
            if option["valueCoding"]["code"] == str(value):
                return {"valueCoding": dict(option["valueCoding"])}
        raise AssertionError(f"{value!r} is not an option of {qitem['linkId']}")
    if kind == "time":
        return {"valueTime": f"{value}:00"}
    key = {
        "boolean": "valueBoolean",
        "integer": "valueInteger",
        "decimal": "valueDecimal",
        "date": "valueDate",
        "text": "valueString",
        "string": "valueString",
    }[kind]
    return {key: value}


def _items(qitems: list[dict[str, Any]], answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for qitem in qitems:
        if qitem["type"] == "display":
            continue
        if qitem["type"] == "group":
            children = _items(qitem.get("item", []), answers)
            if children:
                out.append({"linkId": qitem["linkId"], "text": qitem["text"], "item": children})
            continue
        value = answers.get(qitem["linkId"])
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        out.append(
            {
                "linkId": qitem["linkId"],
                "text": qitem["text"],
                "answer": [_answer(qitem, v) for v in values],
            }
        )
    return out


def build_lhc_response(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    questionnaire = to_questionnaire(instrument)
    qr = {
        "resourceType": "QuestionnaireResponse",
        "meta": {
            "profile": ["http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"],
            "tag": [{"code": "lformsVersion: 42.0.0"}],
        },
        "status": "completed",
        "authored": "2026-05-20T09:30:00.000Z",
        "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}",
        "item": _items(questionnaire["item"], answers),
    }
    # what travels over the wire is JSON text
    return json.loads(json.dumps(qr))  # type: ignore[no-any-return]


@pytest.fixture
def lhc_response() -> ResponseBuilder:
    return build_lhc_response


def _count_answers(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    return ScoreResult(instrument.id, instrument.version, float(len(answers)), complete=True)


def make_all_types_instrument() -> Instrument:
    """A made-up instrument using every answer type, sections, help and conditions.

    No registered instrument (yet) uses text, date or decimal items with units, or
    comparison conditions; this one makes sure the mapping of each is exercised.
    """
    from atlaxis.instruments.model import EnableWhen, Item, Licence, Option, Scoring, Source

    yes_no = (
        Option("yes", "Yes", 4.0),
        Option("sometimes", "Sometimes", 2.0),
        Option("no", "No", 0.0),
    )
    items = (
        Item(
            "1",
            "Rate it",
            "choice",
            options=tuple(Option(k, str(k), float(k)) for k in range(4)),
            section="Part A",
            help="Pick one",
            loinc="12345-6",
        ),
        Item(
            "2",
            "Which ones",
            "multi_choice",
            options=(Option(1, "one", 1.0), Option(2, "two", 2.0), Option(3, "three", 0.5)),
            section="Part A",
            required=False,
        ),
        Item("3", "Ever?", "boolean", section="Part B"),
        Item(
            "4",
            "How many",
            "integer",
            minimum=0,
            maximum=30,
            unit="d",
            section="Part B",
            enable_when=(EnableWhen("3", "=", True),),
        ),
        Item(
            "5",
            "How much",
            "decimal",
            minimum=0.0,
            maximum=24.0,
            unit="h",
            enable_when=(EnableWhen("1", ">=", 2),),
        ),
        Item(
            "6", "When", "time", enable_when=(EnableWhen("1", ">", 0), EnableWhen("3", "=", True))
        ),
        Item("7", "Date", "date", required=False, enable_when=(EnableWhen("4", "exists", True),)),
        Item("8", "Notes", "text", required=False, text_is_label=True),
        Item(
            "9",
            "Agree",
            "choice",
            options=yes_no,
            enable_when=(EnableWhen("2", "!=", 3), EnableWhen("5", "<=", 12.5)),
        ),
    )
    return Instrument(
        id="all_types",
        version="1",
        title="All answer types (test only)",
        citation=Source("Test fixture, not an instrument.", "unverified"),
        licence=Licence("Nobody", ship_text=False, note="Test only."),
        items=items,
        scoring=Scoring(total="custom"),
        score_range=None,
        custom_scorer=_count_answers,
        instructions="Answer what applies.",
    )


@pytest.fixture
def all_types() -> Instrument:
    return make_all_types_instrument()

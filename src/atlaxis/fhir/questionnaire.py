"""An instrument as a FHIR R4 Questionnaire following SDC, so NLM LHC-Forms can render it.

Mapping (HL7 FHIR R4 Questionnaire, https://hl7.org/fhir/R4/questionnaire.html; SDC,
https://hl7.org/fhir/uv/sdc/):

* ``linkId`` = atlaxis item id; ``text`` = the wording, or the short topic label when the
  licence forbids shipping the wording (``copyright`` then says so);
* choice -> ``choice`` with ``answerOption.valueCoding`` in the instrument's own answer
  code system (the published numeric or string codes) and the ``ordinalValue`` extension
  on each option holding its scoring points (what LHC-Forms reads as the answer score);
* multi_choice -> ``choice`` with ``repeats``; integer/decimal carry ``minValue``/``maxValue``;
* ``enableWhen`` from the item's conditions (conjunction: ``enableBehavior`` ``all``).

The reverse direction (QuestionnaireResponse -> answers) lives in :mod:`atlaxis.fhir.response`
and is re-exported here.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from atlaxis.errors import ConfigurationError
from atlaxis.fhir.common import (
    EXT_ITEM_CONTROL,
    EXT_MAX,
    EXT_MIN,
    EXT_ORDINAL,
    EXT_ORIENTATION,
    EXT_UNIT,
    INSTRUCTIONS_LINK_ID,
    ITEM_CONTROL_SYSTEM,
    LOINC,
    SDC_QUESTIONNAIRE,
    answer_system,
    code_text,
    fhir_id,
    pydantic_problems,
    questionnaire_url,
)
from atlaxis.fhir.enable_when import enable_when_fields
from atlaxis.fhir.response import answers_from_response, score_response
from atlaxis.instruments.model import Instrument, Item

__all__ = ["answers_from_response", "score_response", "to_questionnaire", "validate_questionnaire"]

_FHIR_TYPE = {
    "choice": "choice",
    "multi_choice": "choice",
    "boolean": "boolean",
    "integer": "integer",
    "decimal": "decimal",
    "time": "time",
    "date": "date",
    "text": "text",
}


def to_questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The instrument as an R4 Questionnaire (JSON-ready dict), SDC profile."""
    q: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir_id(instrument.id),
        "meta": {"profile": [SDC_QUESTIONNAIRE]},
        "url": questionnaire_url(instrument),
        "version": instrument.version,
        "name": _computable_name(instrument.id),
        "title": instrument.title,
        "status": "active",
        "experimental": False,
        "subjectType": ["Patient"],
        "publisher": "atlaxis",
        "description": _description(instrument),
        "copyright": _copyright(instrument),
    }
    if instrument.loinc_panel:
        q["code"] = [{"system": LOINC, "code": instrument.loinc_panel}]
    items: list[dict[str, Any]] = []
    if instrument.instructions:
        items.append(
            {"linkId": INSTRUCTIONS_LINK_ID, "type": "display", "text": instrument.instructions}
        )
    items.extend(_grouped_items(instrument))
    q["item"] = items
    return q


def validate_questionnaire(questionnaire: dict[str, Any]) -> None:
    """Check a Questionnaire with fhir.resources (R4B); :class:`ConfigurationError` if invalid.

    A Questionnaire built from a definition that does not validate is a bug in the
    definition or the builder, not bad user input.
    """
    from fhir.resources.R4B.questionnaire import Questionnaire

    try:
        Questionnaire.model_validate(questionnaire)
    except PydanticValidationError as exc:
        raise ConfigurationError(
            f"Questionnaire {questionnaire.get('id')!r} is not valid FHIR",
            problems=pydantic_problems(exc, questionnaire),
        ) from None


def _computable_name(instrument_id: str) -> str:
    """FHIR ``name`` (``[A-Z][A-Za-z0-9_]*``): ``neck_screen`` -> ``NeckScreen``."""
    parts = re.split(r"[^A-Za-z0-9]+", instrument_id)
    name = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return name if name[:1].isalpha() else f"Q{name}"


def _description(instrument: Instrument) -> str:
    text = f"{instrument.title}. Source: {instrument.citation.citation}"
    if instrument.recall_period:
        text += f" Recall period: {instrument.recall_period}."
    if any(i.text_is_label for i in instrument.items):
        text += (
            " Items show short topic labels, not the published wording, which the licence "
            "does not let atlaxis ship; a clinic holding a licence can load the wording."
        )
    return text


def _copyright(instrument: Instrument) -> str:
    lic = instrument.licence
    note = lic.note.strip()
    return note if lic.holder in note else f"{lic.holder}. {note}"


def _grouped_items(instrument: Instrument) -> list[dict[str, Any]]:
    """Items in order; consecutive items sharing a ``section`` go into one group item."""
    out: list[dict[str, Any]] = []
    used: set[str] = set(instrument.item_ids)
    current: dict[str, Any] | None = None
    for item in instrument.items:
        qitem = _item(instrument, item)
        if item.section is None:
            current = None
            out.append(qitem)
            continue
        if current is None or current["text"] != item.section:
            current = {
                "linkId": _unique(f"section-{_slug(item.section)}", used),
                "type": "group",
                "text": item.section,
                "item": [],
            }
            out.append(current)
        current["item"].append(qitem)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "part"


def _unique(link_id: str, used: set[str]) -> str:
    candidate, k = link_id, 2
    while candidate in used:
        candidate, k = f"{link_id}-{k}", k + 1
    used.add(candidate)
    return candidate


def _item(instrument: Instrument, item: Item) -> dict[str, Any]:
    q: dict[str, Any] = {"linkId": item.id}
    if item.loinc:
        q["code"] = [{"system": LOINC, "code": item.loinc}]
    if item.id[:1].isdigit():
        q["prefix"] = f"{item.id}."
    q["text"] = item.text
    q["type"] = _FHIR_TYPE[item.type]
    extensions = _extensions(item)
    if extensions:
        q["extension"] = extensions
    q.update(enable_when_fields(instrument, item))
    if item.required:
        q["required"] = True
    if item.type == "multi_choice":
        q["repeats"] = True
    if item.type in ("choice", "multi_choice"):
        q["answerOption"] = [_option(instrument, o.code, o.label, o.points) for o in item.options]
    if item.help:
        q["item"] = [_help(item)]
    return q


def _option(instrument: Instrument, code: int | str, label: str, points: float) -> dict[str, Any]:
    ordinal: int | float = int(points) if float(points).is_integer() else points
    return {
        "valueCoding": {
            "system": answer_system(instrument),
            "code": code_text(code),
            "display": label,
        },
        "extension": [{"url": EXT_ORDINAL, "valueDecimal": ordinal}],
    }


def _control(code: str, display: str) -> dict[str, Any]:
    return {
        "url": EXT_ITEM_CONTROL,
        "valueCodeableConcept": {
            "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code, "display": display}],
            "text": display,
        },
    }


def _extensions(item: Item) -> list[dict[str, Any]]:
    ext: list[dict[str, Any]] = []
    if item.type == "choice":
        ext.append(_control("radio-button", "Radio Button"))
        if len(item.options) >= 7:
            ext.append({"url": EXT_ORIENTATION, "valueCode": "horizontal"})
    elif item.type == "multi_choice":
        ext.append(_control("check-box", "Check-box"))
    elif item.type in ("integer", "decimal"):
        key = "valueInteger" if item.type == "integer" else "valueDecimal"
        for url, bound in ((EXT_MIN, item.minimum), (EXT_MAX, item.maximum)):
            if bound is not None:
                value: int | float = int(bound) if item.type == "integer" else bound
                ext.append({"url": url, key: value})
        if item.unit:
            ext.append({"url": EXT_UNIT, "valueCoding": {"display": item.unit}})
    return ext


def _help(item: Item) -> dict[str, Any]:
    return {
        "linkId": f"{item.id}-help",
        "type": "display",
        "text": item.help,
        "extension": [_control("help", "Help-Button")],
    }

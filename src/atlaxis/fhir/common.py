"""Names shared by the FHIR Questionnaire builder and the QuestionnaireResponse reader.

Canonical URLs, code systems and extension URLs live here so both directions
agree. References:

* HL7 FHIR R4 Questionnaire: https://hl7.org/fhir/R4/questionnaire.html
* HL7 FHIR Structured Data Capture (SDC): https://hl7.org/fhir/uv/sdc/
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticValidationError

from atlaxis.errors import Problem
from atlaxis.instruments.model import Instrument

BASE_URL = "https://atlaxis.org/fhir"
LOINC = "http://loinc.org"

SDC_QUESTIONNAIRE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"
SDC_RESPONSE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"
EXT_ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXT_ORIENTATION = "http://hl7.org/fhir/StructureDefinition/questionnaire-choiceOrientation"
EXT_MIN = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_ENABLE_EXPR = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

#: linkId of the display item holding the instructions (never an item id: ids have no dash
#: followed by a word like this)
INSTRUCTIONS_LINK_ID = "atlaxis-instructions"


def fhir_id(instrument_id: str) -> str:
    """A FHIR resource id for an instrument id (FHIR ids allow ``[A-Za-z0-9.-]``, no ``_``)."""
    return instrument_id.replace("_", "-")


def questionnaire_url(instrument: Instrument) -> str:
    """The canonical URL of an instrument's Questionnaire (without ``|version``)."""
    return f"{BASE_URL}/Questionnaire/{fhir_id(instrument.id)}"


def answer_system(instrument: Instrument) -> str:
    """The code system of the instrument's answer codes (the published numeric codes)."""
    return f"{BASE_URL}/CodeSystem/{fhir_id(instrument.id)}-answers"


def code_text(code: int | str) -> str:
    """An answer code as a FHIR ``code`` string: ``0`` -> ``"0"``, ``"yes"`` -> ``"yes"``."""
    return str(code)


def pydantic_problems(exc: PydanticValidationError, data: Any) -> list[Problem]:
    """Problems from a fhir.resources validation error, each named by its item's linkId."""
    problems = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        link_id = _link_id_at(data, loc)
        path = ".".join(str(p) for p in loc) or "resource"
        message = str(err.get("msg", "invalid")).splitlines()[0]
        if link_id is not None:
            problems.append(Problem(link_id, f"{path}: {message}"))
        else:
            problems.append(Problem(path, message))
    return problems


def _link_id_at(data: Any, loc: tuple[Any, ...]) -> str | None:
    """The linkId of the innermost item on the path ``loc`` through ``data``, if any."""
    found: str | None = None
    node = data
    for step in loc:
        if isinstance(node, dict) and isinstance(node.get("linkId"), str):
            found = node["linkId"]
        in_dict = isinstance(node, dict) and isinstance(step, str) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if not (in_dict or in_list):
            break
        node = node[step]
    if isinstance(node, dict) and isinstance(node.get("linkId"), str):
        found = node["linkId"]
    return found

"""A stored assessment as a QuestionnaireResponse plus score Observations.

The QuestionnaireResponse answers the canonical Questionnaire of :func:`to_questionnaire`
(``url|version``) and mirrors its item tree (groups keep their items), the way NLM
LHC-Forms writes responses, so :func:`answers_from_response` reads it back unchanged.
Scores become Observations ``derivedFrom`` the response (as SDC observation extraction
does): the total with its LOINC code where one exists (PHQ-9 44261-6, GAD-7 70274-6) and
always the atlaxis score code, and one Observation per numeric subscale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from atlaxis.domain import Assessment
from atlaxis.fhir.codes import (
    SCORE_SYSTEM,
    SCREENED_TAG,
    UCUM,
    category,
    coding,
    ref,
    rid,
)
from atlaxis.fhir.common import LOINC, SDC_RESPONSE, answer_system, code_text, questionnaire_url
from atlaxis.instruments import get_instrument
from atlaxis.instruments.model import Instrument, Item


def instant(moment: datetime) -> str:
    """An aware date-time in UTC as FHIR ``instant``/``dateTime`` text (``...Z``)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def assessment_resources(assessment: Assessment, patient_id: str) -> list[dict[str, Any]]:
    """``[QuestionnaireResponse, total Observation?, subscale Observations...]``."""
    instrument = get_instrument(assessment.instrument)
    qr_id = rid("assessment", assessment.id)
    qr = response_resource(instrument, assessment, qr_id, patient_id)
    return [qr, *score_observations(instrument, assessment, qr_id, patient_id)]


def response_resource(
    instrument: Instrument, assessment: Assessment, qr_id: str, patient_id: str
) -> dict[str, Any]:
    version = assessment.version or instrument.version
    return {
        "resourceType": "QuestionnaireResponse",
        "id": qr_id,
        "meta": {"profile": [SDC_RESPONSE], "tag": [dict(SCREENED_TAG)]},
        "questionnaire": f"{questionnaire_url(instrument)}|{version}",
        "status": "completed",
        "subject": ref("Patient", patient_id),
        "authored": instant(assessment.taken_at),
        "item": response_items(instrument, assessment.answers),
    }


def response_items(instrument: Instrument, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """QuestionnaireResponse items for ``answers``, nested as the Questionnaire's groups."""
    from atlaxis.fhir.questionnaire import to_questionnaire

    return _items(instrument, to_questionnaire(instrument)["item"], answers)


def _items(
    instrument: Instrument, qitems: list[dict[str, Any]], answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for qitem in qitems:
        if qitem["type"] == "display":
            continue
        if qitem["type"] == "group":
            children = _items(instrument, qitem.get("item", []), answers)
            if children:
                out.append({"linkId": qitem["linkId"], "text": qitem["text"], "item": children})
            continue
        item = instrument.item(qitem["linkId"])
        value = answers.get(qitem["linkId"])
        if item is None or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        if not values:
            continue
        out.append(
            {
                "linkId": item.id,
                "text": qitem["text"],
                "answer": [_answer(instrument, item, v) for v in values],
            }
        )
    return out


def _answer(instrument: Instrument, item: Item, value: Any) -> dict[str, Any]:
    if item.type in ("choice", "multi_choice"):
        label = next((o.label for o in item.options if o.code == value), None)
        return {"valueCoding": coding(answer_system(instrument), code_text(value), label)}
    if item.type == "boolean":
        return {"valueBoolean": bool(value)}
    if item.type == "integer":
        return {"valueInteger": int(value)}
    if item.type == "decimal":
        return {"valueDecimal": value}
    if item.type == "time":
        return {"valueTime": f"{value}:00" if len(str(value)) == 5 else str(value)}
    if item.type == "date":
        return {"valueDate": str(value)}
    return {"valueString": str(value)}


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return value


def _score(value: int | float) -> dict[str, Any]:
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}


def score_observations(
    instrument: Instrument, assessment: Assessment, qr_id: str, patient_id: str
) -> list[dict[str, Any]]:
    result = assessment.result
    common: dict[str, Any] = {
        "status": "final",
        "category": category("survey"),
        "subject": ref("Patient", patient_id),
        "effectiveDateTime": instant(assessment.taken_at),
        "derivedFrom": [ref("QuestionnaireResponse", qr_id)],
    }
    out: list[dict[str, Any]] = []
    total = _number(result.get("total"))
    if total is not None:
        codings = [coding(SCORE_SYSTEM, f"{instrument.id}-total", f"{instrument.title} total")]
        if instrument.loinc_total:
            codings.insert(0, coding(LOINC, instrument.loinc_total))
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": rid(qr_id, "total"),
            **common,
            "code": {"coding": codings, "text": f"{instrument.title} total score"},
            "valueQuantity": _score(total),
        }
        if result.get("band"):
            obs["interpretation"] = [{"text": str(result["band"])}]
        out.append(obs)
    for name, raw in sorted((result.get("subscales") or {}).items()):
        value = _number(raw)
        if value is None:
            continue
        code = f"{instrument.id}-{name}"
        out.append(
            {
                "resourceType": "Observation",
                "id": rid(qr_id, name),
                **common,
                "code": {"coding": [coding(SCORE_SYSTEM, code, f"{instrument.title}: {name}")]},
                "valueQuantity": _score(value),
            }
        )
    return out

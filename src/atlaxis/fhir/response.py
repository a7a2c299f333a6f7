"""A FHIR QuestionnaireResponse (from LHC-Forms or any SDC renderer) back into answers.

The response is first validated with fhir.resources (R4B), then read strictly against
the instrument: every unknown linkId, wrong value type, code that is not an answer
option, or answer out of range is reported at once, each named by its linkId.
References: HL7 FHIR R4 QuestionnaireResponse, https://hl7.org/fhir/R4/questionnaireresponse.html
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from atlaxis.errors import InvalidAnswers, Problem, ProblemCollector, ValidationError
from atlaxis.fhir.common import (
    BASE_URL,
    answer_system,
    code_text,
    fhir_id,
    pydantic_problems,
    questionnaire_url,
)
from atlaxis.instruments import get_instrument, instrument_ids, score
from atlaxis.instruments.model import Instrument, Item
from atlaxis.instruments.result import ScoreResult
from atlaxis.instruments.validation import validate_answers

_STATUSES = ("in-progress", "completed", "amended", "stopped", "entered-in-error")
_TIME = re.compile(r"^(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?$")
_VALUE_KEY = {
    "choice": "valueCoding",
    "multi_choice": "valueCoding",
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "time": "valueTime",
    "date": "valueDate",
    "text": "valueString",
}


def answers_from_response(
    qr: Any, instrument: Instrument | str | None = None
) -> tuple[str, dict[str, Any]]:
    """``(instrument_id, answers)`` from a QuestionnaireResponse, in the form ``score`` takes.

    Choice answers become the published codes (``0``…, or strings such as DHI ``"yes"``),
    multi-choice answers a list, times ``"HH:MM"``. ``instrument`` (an id or definition)
    pins the expected Questionnaire; otherwise it is found from ``qr["questionnaire"]``
    (canonical URL, optionally ``|version``). Raises :class:`ValidationError` listing
    every problem.
    """
    _check_resource(qr)
    inst = _resolve_instrument(qr, instrument)
    reader = _Reader(inst, _structure(inst))
    status = qr.get("status")
    if status not in _STATUSES:
        reader.problems.add("status", f"{status!r} is not a QuestionnaireResponse status",
                            ", ".join(_STATUSES))
    elif status == "entered-in-error":
        reader.problems.add("status", "the response was entered in error and cannot be used",
                            ", ".join(s for s in _STATUSES if s != "entered-in-error"))
    reader.walk(qr.get("item") or [], "item")
    clean: dict[str, Any] = {}
    try:
        clean = validate_answers(inst, reader.answers)
    except InvalidAnswers as exc:
        reader.problems.problems.extend(exc.problems)
    reader.problems.raise_if_any(f"{inst.id}: invalid QuestionnaireResponse")
    return inst.id, clean


def score_response(qr: Any, instrument: Instrument | str | None = None) -> ScoreResult:
    """Score a QuestionnaireResponse with the engine (``atlaxis.instruments.score``)."""
    instrument_id, answers = answers_from_response(qr, instrument)
    inst = instrument if isinstance(instrument, Instrument) else get_instrument(instrument_id)
    return score(inst, answers)


def _check_resource(qr: Any) -> None:
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    if not isinstance(qr, dict):
        raise ValidationError(
            "not a FHIR QuestionnaireResponse",
            problems=[Problem("resource", f"expected a JSON object, got {type(qr).__name__}")],
        )
    kind = qr.get("resourceType")
    if kind != "QuestionnaireResponse":
        raise ValidationError(
            "not a FHIR QuestionnaireResponse",
            problems=[Problem("resourceType", f"got {kind!r}", "QuestionnaireResponse")],
        )
    try:
        QuestionnaireResponse.model_validate(qr)
    except PydanticValidationError as exc:
        raise ValidationError(
            "invalid FHIR QuestionnaireResponse", problems=pydantic_problems(exc, qr)
        ) from None


def _matches(url: str, instrument: Instrument) -> bool:
    return url in (questionnaire_url(instrument), f"Questionnaire/{fhir_id(instrument.id)}")


def _resolve_instrument(qr: dict[str, Any], given: Instrument | str | None) -> Instrument:
    inst = get_instrument(given) if isinstance(given, str) else given
    ref = qr.get("questionnaire")
    pattern = f"{BASE_URL}/Questionnaire/<id>[|version]"
    if ref is None:
        if inst is not None:
            return inst
        raise ValidationError(
            "QuestionnaireResponse does not say which Questionnaire it answers",
            problems=[Problem("questionnaire", "missing", pattern)],
        )
    url, _, version = str(ref).partition("|")
    if inst is not None:
        if not _matches(url, inst):
            raise ValidationError(
                f"QuestionnaireResponse is not a response to {inst.id}",
                problems=[Problem("questionnaire", f"{ref!r} is another Questionnaire",
                                  questionnaire_url(inst))],
            )
    else:
        found = [i for i in instrument_ids() if _matches(url, get_instrument(i))]
        if not found:
            raise ValidationError(
                "QuestionnaireResponse answers an unknown Questionnaire",
                problems=[Problem("questionnaire", f"{ref!r} is not an atlaxis Questionnaire",
                                  f"{pattern}; ids: {', '.join(map(fhir_id, instrument_ids()))}")],
            )
        inst = get_instrument(found[0])
    if version and version != inst.version:
        raise ValidationError(
            f"QuestionnaireResponse answers another version of {inst.id}",
            problems=[Problem("questionnaire", f"version {version!r} is not supported",
                              inst.version)],
        )
    return inst


def _structure(instrument: Instrument) -> dict[str, str]:
    """linkId -> Questionnaire item type, for every item of the instrument's Questionnaire."""
    from atlaxis.fhir.questionnaire import to_questionnaire

    out: dict[str, str] = {}
    stack = list(to_questionnaire(instrument)["item"])
    while stack:
        node = stack.pop()
        out[node["linkId"]] = node["type"]
        stack.extend(node.get("item", []))
    return out


@dataclass
class _Reader:
    instrument: Instrument
    structure: dict[str, str]
    answers: dict[str, Any] = field(default_factory=dict)
    problems: ProblemCollector = field(default_factory=ProblemCollector)

    def walk(self, items: list[Any], path: str) -> None:
        for k, entry in enumerate(items):
            where = f"{path}[{k}]"
            link_id = entry.get("linkId")
            if not isinstance(link_id, str):
                self.problems.add(where, "item has no linkId")
                continue
            item = self.instrument.item(link_id)
            answers = entry.get("answer") or []
            if item is not None:
                self._question(item, answers)
            elif link_id in self.structure:
                if answers:
                    kind = self.structure[link_id]
                    self.problems.add(link_id, f"is a {kind} item and takes no answer")
            else:
                self._unknown(link_id)
            self.walk(entry.get("item") or [], f"{where}.item")
            for j, answer in enumerate(answers):
                self.walk(answer.get("item") or [], f"{where}.answer[{j}].item")

    def _unknown(self, link_id: str) -> None:
        ids = self.instrument.item_ids
        shown = ", ".join(ids) if len(ids) <= 30 else ", ".join(ids[:30]) + ", …"
        self.problems.add(link_id, f"unknown linkId for {self.instrument.id}", shown)

    def _question(self, item: Item, answers: list[dict[str, Any]]) -> None:
        if item.id in self.answers:
            self.problems.add(item.id, "answered more than once in the response")
            return
        if not answers:
            return
        if item.type != "multi_choice" and len(answers) > 1:
            self.problems.add(item.id, f"has {len(answers)} answers; this item takes one")
            return
        values = []
        for answer in answers:
            value, problem = _read_value(self.instrument, item, answer)
            if problem is not None:
                self.problems.add(item.id, problem, _expected(self.instrument, item))
                return
            values.append(value)
        self.answers[item.id] = values if item.type == "multi_choice" else values[0]


def _expected(instrument: Instrument, item: Item) -> str:
    key = _VALUE_KEY[item.type]
    if item.options:
        codes = [code_text(o.code) for o in item.options]
        shown = ", ".join(codes) if len(codes) <= 12 else f"{codes[0]}…{codes[-1]}"
        return f"{key} with system {answer_system(instrument)} and code one of {shown}"
    return key


def _read_value(
    instrument: Instrument, item: Item, answer: dict[str, Any]
) -> tuple[Any, str | None]:
    """(answer in atlaxis form, problem or None) for one ``answer`` entry."""
    keys = [k for k in answer if k.startswith("value")]
    if not keys:
        return None, "answer has no value"
    key, value = keys[0], answer[keys[0]]
    expected = _VALUE_KEY[item.type]
    if key != expected and not (item.type == "decimal" and key == "valueInteger"):
        return None, f"wrong value type {key}"
    if item.type in ("choice", "multi_choice"):
        return _read_coding(instrument, item, value)
    if item.type == "boolean":
        return (value, None) if isinstance(value, bool) else (None, f"{value!r} is not true/false")
    if item.type in ("integer", "decimal"):
        number_ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not number_ok or (isinstance(value, float) and not math.isfinite(value)):
            return None, f"{value!r} is not a number"
        if item.type == "integer" and not isinstance(value, int):
            return None, f"{value!r} is not a whole number"
        return value, None
    if not isinstance(value, str):
        return None, f"{value!r} is not a string"
    if item.type == "time":
        match = _TIME.match(value)
        if match is None:
            return None, f"{value!r} is not a time HH:MM:SS"
        return f"{match.group(1)}:{match.group(2)}", None
    return value, None


def _read_coding(instrument: Instrument, item: Item, coding: Any) -> tuple[Any, str | None]:
    if not isinstance(coding, dict):
        return None, "valueCoding is not a Coding"
    system = coding.get("system")
    if system is not None and system != answer_system(instrument):
        return None, f"code system {system!r} is not this item's answer code system"
    code = coding.get("code")
    if not isinstance(code, str):
        return None, "valueCoding has no code"
    for opt in item.options:
        if code_text(opt.code) == code:
            return opt.code, None
    return None, f"code {code!r} is not an answerOption of this item"

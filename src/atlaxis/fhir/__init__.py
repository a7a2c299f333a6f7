"""FHIR R4 exchange: the only package that knows FHIR JSON.

Instruments become SDC Questionnaires a renderer such as NLM LHC-Forms can show;
QuestionnaireResponses come back as answers the scoring engine takes. Every resource is
validated with fhir.resources (R4B models).

>>> from atlaxis.fhir import to_questionnaire
>>> from atlaxis.instruments import get_instrument
>>> to_questionnaire(get_instrument("phq9"))["url"]
'https://atlaxis.org/fhir/Questionnaire/phq9'
"""

from atlaxis.fhir.common import answer_system, questionnaire_url
from atlaxis.fhir.questionnaire import (
    answers_from_response,
    score_response,
    to_questionnaire,
    validate_questionnaire,
)

__all__ = [
    "answer_system",
    "answers_from_response",
    "questionnaire_url",
    "score_response",
    "to_questionnaire",
    "validate_questionnaire",
]

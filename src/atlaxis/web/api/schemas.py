"""Request and response shapes of the JSON API (documented in the OpenAPI description).

Requests are checked here first (types, lengths, ranges; unknown fields refused) and again
by the services, which own the rules. Text may not contain NUL characters or unpaired
surrogates (no database stores them), and dates are kept to years 1900–2200.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from atlaxis.domain import (
    AssessmentSource,
    ConsentKind,
    CoTherapyKind,
    Reaction,
    Severity,
    Sex,
    Side,
    VisitDecision,
)

T = TypeVar("T")
MIN_YEAR, MAX_YEAR = 1900, 2200


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains an unpaired surrogate (not valid Unicode text)") from None
    return value


def _clean_tree(value: Any) -> Any:
    """Check every string (keys too) inside a JSON value."""
    if isinstance(value, str):
        _clean_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _clean_text(str(key))
            _clean_tree(item)
    elif isinstance(value, list):
        for item in value:
            _clean_tree(item)
    return value


def _day_in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year must be {MIN_YEAR}..{MAX_YEAR}")
    return value


def _moment_in_range(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year must be {MIN_YEAR}..{MAX_YEAR}")
    return value


Text = Annotated[str, AfterValidator(_clean_text)]
Day = Annotated[date, AfterValidator(_day_in_range)]
Moment = Annotated[datetime, AfterValidator(_moment_in_range)]
JSONObject = Annotated[dict[str, Any], AfterValidator(_clean_tree)]
Id = Annotated[int, Field(ge=1, le=2**53)]


def text(max_length: int, min_length: int = 0) -> Any:
    return Field(min_length=min_length, max_length=max_length)


class In(BaseModel):
    """Base of request bodies: unknown fields are errors; NaN and infinity are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _refuse_null(value: Any) -> Any:
    """In a partial update, a field that every record must have cannot be set to null."""
    if value is None:
        raise ValueError("may not be null; leave the field out to keep its value")
    return value


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageOut(BaseModel, Generic[T]):
    """One page of a list, newest first; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[T]
    next_cursor: str | None = None


# --- patients ---------------------------------------------------------------------------


class PatientPatch(In):
    record_number: Annotated[Text, text(64, 1)] | None = None
    given_name: Annotated[Text, text(120, 1)] | None = None
    family_name: Annotated[Text, text(120, 1)] | None = None
    birth_date: Day | None = None
    sex: Sex | None = None
    email: Annotated[Text, text(254)] | None = None
    phone: Annotated[Text, text(40)] | None = None
    timezone: Annotated[Text, text(64)] | None = None

    _not_null = field_validator(
        "record_number", "given_name", "family_name", "sex", "timezone", mode="before"
    )(_refuse_null)


class PatientIn(PatientPatch):
    record_number: Annotated[Text, text(64, 1)]
    given_name: Annotated[Text, text(120, 1)]
    family_name: Annotated[Text, text(120, 1)]


class PatientOut(Out):
    id: int
    clinic_id: int
    record_number: str
    given_name: str
    family_name: str
    birth_date: date | None
    sex: Sex
    email: str | None
    phone: str | None
    timezone: str
    created_at: datetime | None


# --- episodes and consents ---------------------------------------------------------------

Conditions = Annotated[list[Annotated[Text, text(200)]], Field(max_length=50)]
Goals = Annotated[list[Annotated[Text, text(500)]], Field(max_length=50)]


class EpisodePatch(In):
    care_start: Day | None = None
    conditions: Conditions | None = None
    goals: Goals | None = None
    ended_on: Day | None = None

    _not_null = field_validator("care_start", "conditions", "goals", mode="before")(_refuse_null)


class EpisodeIn(EpisodePatch):
    care_start: Day


class EpisodeOut(Out):
    id: int
    patient_id: int
    care_start: date
    conditions: list[str]
    goals: list[str]
    ended_on: date | None
    created_at: datetime | None


class ConsentIn(In):
    kind: ConsentKind
    version: Annotated[Text, text(40, 1)]
    granted_at: Moment | None = None


class ConsentOut(Out):
    id: int
    patient_id: int
    kind: ConsentKind
    version: str
    granted_at: datetime
    withdrawn_at: datetime | None
    recorded_by: int | None
    active: bool


# --- assessments and alerts ----------------------------------------------------------------


class AssessmentIn(In):
    instrument: Annotated[Text, text(40, 1)]
    answers: JSONObject
    taken_at: Moment | None = None
    source: AssessmentSource | None = None
    episode_id: Id | None = None


class AssessmentOut(Out):
    id: int
    patient_id: int
    instrument: str
    version: str
    answers: dict[str, Any]
    result: dict[str, Any]
    taken_at: datetime
    source: AssessmentSource
    entered_by: int | None
    episode_id: int | None


class AlertOut(Out):
    id: int
    patient_id: int
    clinic_id: int
    code: str
    kind: str
    severity: Severity
    reason: str
    raised_at: datetime
    source_entity: str
    source_id: int | None
    source: dict[str, Any]
    rule_source: str
    acknowledged_by: int | None
    acknowledged_at: datetime | None
    acknowledgement_note: str | None
    open: bool


class SavedAssessmentOut(BaseModel):
    assessment: AssessmentOut
    alerts: list[AlertOut] = Field(description="Alerts this assessment raised (decision support)")


class AcknowledgeIn(In):
    note: Annotated[Text, text(2000, 1)] = Field(description="What was done about it, and why")


# --- diary -------------------------------------------------------------------------------


class DiaryIn(In):
    """A daily check-in; ``items`` are the diary ratings (0–10) by item id."""

    date: Day
    time: Annotated[str, Field(pattern=r"^\d\d:\d\d$")] | None = None
    items: Annotated[dict[Annotated[Text, text(40, 1)], int | float | None], Field(max_length=40)]
    body_map: Annotated[list[Annotated[Text, text(40)]], Field(max_length=40)] = []
    note: Annotated[Text, text(2000)] = ""
    recalled: bool = False


class DiaryOut(BaseModel):
    id: int
    patient_id: int
    date: date
    time: str | None
    items: dict[str, float]
    body_map: list[str]
    note: str
    recalled: bool
    created_at: datetime | None


# --- visits and co-therapies -----------------------------------------------------------------

Measures = Annotated[dict[Annotated[Text, text(60, 1)], float], Field(max_length=40)]


class LegCheckIn(In):
    mm: Annotated[float, Field(ge=0, le=50)]
    side: Side
    position: Literal["supine", "prone"] = "supine"
    entered_as: Annotated[Text, text(20)] | None = None


class ChecksIn(In):
    leg_check: LegCheckIn | None = None
    posture: Measures = {}
    radiographic: Measures = {}
    radiographic_method: Annotated[Text, text(80)] | None = None
    thermography_pattern: Annotated[Text, text(80)] | None = None


class VisitPatch(In):
    occurred_at: Moment | None = None
    technique: Annotated[Text, text(80, 1)] | None = None
    decision: VisitDecision | None = None
    listing: Annotated[Text, text(80)] | None = None
    rule_applied: Annotated[Text, text(80)] | None = None
    pre_checks: ChecksIn | None = None
    post_checks: ChecksIn | None = None
    reaction: Reaction | None = None
    reaction_note: Annotated[Text, text(2000)] | None = None
    notes: Annotated[Text, text(10_000)] | None = None
    clinician_id: Id | None = None

    _not_null = field_validator("occurred_at", "technique", "decision", mode="before")(_refuse_null)


class VisitIn(VisitPatch):
    occurred_at: Moment
    technique: Annotated[Text, text(80, 1)]
    decision: VisitDecision


class LegCheckOut(Out):
    mm: float
    side: Side
    position: str
    entered_as: str | None


class ChecksOut(Out):
    leg_check: LegCheckOut | None
    posture: dict[str, float]
    radiographic: dict[str, float]
    radiographic_method: str | None
    thermography_pattern: str | None


class VisitOut(Out):
    id: int
    patient_id: int
    clinician_id: int | None
    occurred_at: datetime
    technique: str
    decision: VisitDecision
    listing: str
    rule_applied: str
    pre_checks: ChecksOut
    post_checks: ChecksOut
    reaction: Reaction | None
    reaction_note: str
    notes: str


class CoTherapyPatch(In):
    kind: CoTherapyKind | None = None
    name: Annotated[Text, text(200, 1)] | None = None
    dose: Annotated[Text, text(200)] | None = None
    provider: Annotated[Text, text(200)] | None = None
    started_on: Day | None = None
    ended_on: Day | None = None
    notes: Annotated[Text, text(5000)] | None = None

    _not_null = field_validator("kind", "name", "started_on", mode="before")(_refuse_null)


class CoTherapyIn(CoTherapyPatch):
    kind: CoTherapyKind
    name: Annotated[Text, text(200, 1)]
    started_on: Day


class CoTherapyOut(Out):
    id: int
    patient_id: int
    kind: CoTherapyKind
    name: str
    started_on: date
    dose: str
    provider: str
    ended_on: date | None
    notes: str


def payload(body: In) -> dict[str, Any]:
    """What the service receives: only the fields the caller sent, as JSON values."""
    return body.model_dump(mode="json", exclude_unset=True)

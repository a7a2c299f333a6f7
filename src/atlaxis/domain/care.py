"""What happens in care: assessments, diary entries, visits, co-therapies and alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any


class AssessmentSource(StrEnum):
    CLINIC = "clinic"
    PORTAL = "portal"
    IMPORT = "import"


class CoTherapyKind(StrEnum):
    NUTRITION = "nutrition"
    STRESS_REDUCTION = "stress_reduction"
    TRAUMA_INFORMED_THERAPY = "trauma_informed_therapy"
    PHYSIOTHERAPY = "physiotherapy"
    MEDICATION = "medication"
    OTHER = "other"


class VisitDecision(StrEnum):
    """The per-visit decision: adjusted, or held (no adjustment needed), referred, deferred."""

    ADJUSTED = "adjusted"
    HELD = "held"
    REFERRED = "referred"
    DEFERRED = "deferred"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    NONE = "none"


class Reaction(StrEnum):
    """Reaction reported after a visit (mild transient reactions are common after neck care)."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Severity(StrEnum):
    """Alert severity, as the screening rules grade it (urgent > high > moderate > info)."""

    URGENT = "urgent"
    HIGH = "high"
    MODERATE = "moderate"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Assessment:
    """One instrument response with the score the science core computed for it."""

    id: int | None
    patient_id: int
    instrument: str
    answers: dict[str, Any]
    result: dict[str, Any]
    taken_at: datetime
    source: AssessmentSource = AssessmentSource.CLINIC
    entered_by: int | None = None
    episode_id: int | None = None
    version: str = ""

    @property
    def total(self) -> float | None:
        value = self.result.get("total")
        return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class DiaryEntry:
    """A daily check-in. ``local_date`` is the patient's calendar day; several a day allowed."""

    id: int | None
    patient_id: int
    local_date: date
    items: dict[str, float]
    local_time: time | None = None
    body_map: list[str] = field(default_factory=list)
    note: str = ""
    recalled: bool = False
    entered_by: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LegCheck:
    """Leg check: apparent short-leg side and magnitude in mm (entered often in 1/8 in steps).

    A functional leg check, not an anatomical leg length. ``entered_as`` keeps the clinician's
    own notation (for example ``"1/8 in"``) for display.
    """

    mm: float
    side: Side
    position: str = "supine"
    entered_as: str | None = None


@dataclass(frozen=True, slots=True)
class Landmark:
    """One landmark as the clinician marked it: its name in the view and its coordinates.

    Coordinates are kept as entered (image pixels with y growing downward, or film mm with y
    upward); ``VisitChecks.radiographic_method`` says which, so the angles can be recomputed.
    """

    name: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class VisitChecks:
    """Findings before or after an adjustment.

    ``posture`` holds named measures (degrees or mm, e.g. ``head_tilt_deg``,
    ``shoulder_unlevel_deg``, ``hip_unlevel_deg``, ``craniovertebral_angle_deg``);
    ``radiographic`` holds signed film angles in degrees (e.g. ``atlas_laterality_deg``,
    ``head_tilt_deg``, ``lower_angle_deg``, ``atlas_rotation_deg``, ``cobb_c2_c7_deg``) and
    ``radiographic_method`` says how they were measured (methods give different values).
    ``landmarks`` keeps the raw points behind the computed angles, per view id of
    :mod:`atlaxis.domain.landmarks` (e.g. ``{"nasium": [Landmark("apl_left", 10, 20), ...]}``).
    """

    leg_check: LegCheck | None = None
    posture: dict[str, float] = field(default_factory=dict)
    radiographic: dict[str, float] = field(default_factory=dict)
    radiographic_method: str | None = None
    thermography_pattern: str | None = None
    landmarks: dict[str, list[Landmark]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Visit:
    id: int | None
    patient_id: int
    clinician_id: int | None
    occurred_at: datetime
    technique: str
    decision: VisitDecision
    listing: str = ""
    rule_applied: str = ""
    pre_checks: VisitChecks = field(default_factory=VisitChecks)
    post_checks: VisitChecks = field(default_factory=VisitChecks)
    reaction: Reaction | None = None
    reaction_note: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class CoTherapy:
    id: int | None
    patient_id: int
    kind: CoTherapyKind
    name: str
    started_on: date
    dose: str = ""
    provider: str = ""
    ended_on: date | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Alert:
    """A screening alert stored for a clinician; acknowledged with who, when and why."""

    id: int | None
    patient_id: int
    clinic_id: int
    code: str
    kind: str
    severity: Severity
    reason: str
    raised_at: datetime
    source_entity: str = ""
    source_id: int | None = None
    source: dict[str, Any] = field(default_factory=dict)
    rule_source: str = ""
    acknowledged_by: int | None = None
    acknowledged_at: datetime | None = None
    acknowledgement_note: str | None = None

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None

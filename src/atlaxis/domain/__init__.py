"""Plain domain types shared by services, storage and views (no framework imports)."""

from atlaxis.domain.actors import Actor, Role
from atlaxis.domain.assignments import Assignment, AssignmentStatus, Draft
from atlaxis.domain.audit import GENESIS_HASH, AuditEvent, VerifyResult
from atlaxis.domain.care import (
    Alert,
    Assessment,
    AssessmentSource,
    CoTherapy,
    CoTherapyKind,
    DiaryEntry,
    Landmark,
    LegCheck,
    Reaction,
    Severity,
    Side,
    Visit,
    VisitChecks,
    VisitDecision,
)
from atlaxis.domain.pages import Page
from atlaxis.domain.records import Clinic, Consent, ConsentKind, Episode, Patient, Sex, User

__all__ = [
    "GENESIS_HASH",
    "Actor",
    "Alert",
    "Assessment",
    "AssessmentSource",
    "Assignment",
    "AssignmentStatus",
    "AuditEvent",
    "Clinic",
    "CoTherapy",
    "CoTherapyKind",
    "Consent",
    "ConsentKind",
    "DiaryEntry",
    "Draft",
    "Episode",
    "Landmark",
    "LegCheck",
    "Page",
    "Patient",
    "Reaction",
    "Role",
    "Severity",
    "Sex",
    "Side",
    "User",
    "VerifyResult",
    "Visit",
    "VisitChecks",
    "VisitDecision",
]

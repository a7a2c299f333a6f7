"""Who is acting: a role bound to one clinic (and, for patients, to one record)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    """The four kinds of account. Every account belongs to exactly one clinic."""

    ADMIN = "admin"
    CLINICIAN = "clinician"
    RESEARCHER = "researcher"
    PATIENT = "patient"


Via = Literal["session", "token", "cli"]


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller of a service.

    ``clinic_id`` scopes admins, clinicians and researchers; ``patient_id`` binds a
    patient account to its own record. ``ip`` and ``via`` are kept for the audit log.
    ``user_id`` is ``None`` only for the system actor (CLI, demo generator).
    """

    user_id: int | None
    role: Role
    clinic_id: int | None
    patient_id: int | None = None
    ip: str | None = None
    via: Via = "session"

    @classmethod
    def system(cls, clinic_id: int | None = None, *, user_id: int | None = None) -> Actor:
        """An administrator acting from the command line (CLI tools, demo generator).

        With ``clinic_id=None`` it may act in every clinic; otherwise only in that one.
        """
        return cls(user_id=user_id, role=Role.ADMIN, clinic_id=clinic_id, via="cli")

    @property
    def is_system(self) -> bool:
        return self.via == "cli" and self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """Admins and clinicians see identified records of their own clinic."""
        return self.role in (Role.ADMIN, Role.CLINICIAN)

"""Clinics and user accounts (admin work; the CLI acts as the system administrator)."""

from __future__ import annotations

import re

from atlaxis.domain import Actor, Clinic, Role, User
from atlaxis.errors import Conflict, PermissionDenied, Problem, ValidationError
from atlaxis.security.passwords import check_password_policy, hash_password
from atlaxis.services import audit
from atlaxis.services.authz import check_clinic, not_found, require_role
from atlaxis.services.fields import known_time_zone, unstorable
from atlaxis.storage import UnitOfWork

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,185}\.[^@\s]{2,}$")
MAX_EMAIL, MAX_DISPLAY_NAME = 254, 200
#: ids are 64-bit integers in the database
MAX_ID = 2**63 - 1


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "clinic"


def create_clinic(
    uow: UnitOfWork, actor: Actor, name: str, slug: str | None = None, timezone: str = "UTC"
) -> Clinic:
    """A new clinic: only the all-clinics system administrator (the CLI) may create one."""
    if not (actor.is_system and actor.clinic_id is None):
        raise PermissionDenied("only the system administrator (the CLI) may create clinics")
    slug = slug or slugify(name)
    problems: list[Problem] = []
    if not name.strip() or len(name) > 200:
        problems.append(Problem("name", "must be 1-200 characters"))
    elif (why := unstorable(name)) is not None:
        problems.append(Problem("name", why, "text"))
    if not SLUG.match(slug):
        problems.append(
            Problem("slug", f"invalid slug {slug[:80]!r}", "lower-case letters, digits, -")
        )
    if not known_time_zone(timezone):
        problems.append(
            Problem(
                "timezone",
                f"unknown time zone {timezone[:64]!r}",
                "an IANA name, e.g. Europe/Paris",
            )
        )
    if problems:
        raise ValidationError("invalid clinic", problems=problems)
    if uow.clinics.by_slug(slug) is not None:
        raise Conflict(f"a clinic with slug {slug!r} already exists")
    clinic = uow.clinics.add(name.strip(), slug, timezone)
    audit.record(uow, actor, "create", "clinic", clinic.id, detail={"slug": slug})
    return clinic


def create_user(
    uow: UnitOfWork,
    actor: Actor,
    *,
    email: str,
    password: str,
    role: Role,
    clinic_id: int,
    patient_id: int | None = None,
    display_name: str = "",
    password_hash: str | None = None,
) -> User:
    """An account bound to one clinic; a patient account is bound to its own record.

    ``password_hash`` lets bulk tools (the demo generator) reuse one precomputed argon2id hash.
    """
    require_role(actor, Role.ADMIN, action="create accounts")
    check_clinic(actor, clinic_id)
    if uow.clinics.get(clinic_id) is None:
        raise not_found("clinic", clinic_id)
    email = email.strip().lower()
    problems: list[Problem] = []
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        problems.append(Problem("email", "not an e-mail address", "name@example.org"))
    if len(display_name) > MAX_DISPLAY_NAME or unstorable(display_name):
        problems.append(
            Problem("display_name", "too long or not storable text", "at most 200 characters")
        )
    if patient_id is not None and not 1 <= patient_id <= MAX_ID:
        problems.append(Problem("patient_id", f"{patient_id} is not a record id", "a patient id"))
    if role is Role.PATIENT and patient_id is None:
        problems.append(Problem("patient_id", "a patient account needs its patient record"))
    if role is not Role.PATIENT and patient_id is not None:
        problems.append(Problem("patient_id", "only patient accounts have a patient record"))
    if problems:
        raise ValidationError("invalid account", problems=problems)
    if patient_id is not None and uow.patients.clinic_of(patient_id) != clinic_id:
        raise not_found("patient", patient_id)
    if uow.users.by_email(email) is not None:
        raise Conflict("an account with this e-mail address already exists")
    if password_hash is None:
        check_password_policy(password)
        password_hash = hash_password(password)
    user = uow.users.add(
        email, password_hash, role, clinic_id, patient_id=patient_id, display_name=display_name
    )
    audit.record(uow, actor, "create", "user", user.id, patient_id, {"role": role.value})
    return user

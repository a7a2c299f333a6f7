"""Build the demo clinic: a main clinic (3 clinicians, N patients) and a small second clinic,
loaded in chunks (bounded memory) with every score and alert from the science core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from atlaxis.demo.simulate import TECHNIQUES, PatientPlan, simulate_patient
from atlaxis.domain import Actor, Role
from atlaxis.instruments import ScoreResult
from atlaxis.security.passwords import hash_password
from atlaxis.services import audit
from atlaxis.services.accounts import create_clinic, create_user
from atlaxis.services.assessments import score_and_screen
from atlaxis.storage import Database, UnitOfWork
from atlaxis.storage.mapping import checks_from_json as _checks
from atlaxis.storage.mapping import checks_to_json

DEMO_PASSWORD = "atlaxis-demo-password"
DEFAULT_SEED = 20240501
CHUNK = 250
#: patients with a portal login (all of them in a small demo; the first few at scale)
MAX_PATIENT_LOGINS = 60
SMALL_CLINIC_PATIENTS = 8
ACK_NOTE = "Reviewed with the patient; plan recorded in the visit notes."

Progress = Callable[[int, int], None]


@dataclass
class Login:
    email: str
    password: str
    role: str
    clinic: str
    patient_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "password": self.password,
            "role": self.role,
            "clinic": self.clinic,
            "patient_id": self.patient_id,
        }


@dataclass
class DemoResult:
    database: str
    logins: list[Login] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _ClinicCtx:
    id: int
    slug: str
    clinicians: dict[str, int]
    staff_user: int
    first_index: int
    n_patients: int
    logins: int


def _staff(
    uow: UnitOfWork,
    actor: Actor,
    clinic: Any,
    who: list[tuple[str, Role]],
    pw_hash: str,
    logins: list[Login],
) -> list[int]:
    ids = []
    for name, role in who:
        email = f"{name}@{clinic.slug}.demo.atlaxis.org"
        user = create_user(
            uow,
            actor,
            email=email,
            password="",
            role=role,
            clinic_id=clinic.id,
            display_name=name.replace("-", " ").title(),
            password_hash=pw_hash,
        )
        logins.append(Login(email, DEMO_PASSWORD, role.value, clinic.slug))
        ids.append(int(user.id or 0))
    return ids


def _setup(db: Database, patients: int, pw_hash: str, logins: list[Login]) -> list[_ClinicCtx]:
    system = Actor.system()
    ctxs = []
    with db.uow() as uow:
        main = create_clinic(uow, system, "Atlas Fibromyalgia Clinic (demo)", "demo-main")
        small = create_clinic(uow, system, "Riverside Practice (demo)", "demo-small")
        who = (
            [("admin", Role.ADMIN)]
            + [(f"dr-{t.replace('_', '-')}", Role.CLINICIAN) for t in TECHNIQUES]
            + [("researcher", Role.RESEARCHER)]
        )
        ids = _staff(uow, system, main, who, pw_hash, logins)
        ctxs.append(
            _ClinicCtx(
                main.id or 0,
                main.slug,
                dict(zip(TECHNIQUES, ids[1:4], strict=True)),
                ids[1],
                0,
                patients,
                min(patients, MAX_PATIENT_LOGINS),
            )
        )
        sids = _staff(
            uow,
            system,
            small,
            [("admin", Role.ADMIN), ("dr-small", Role.CLINICIAN)],
            pw_hash,
            logins,
        )
        ctxs.append(
            _ClinicCtx(
                small.id or 0,
                small.slug,
                dict.fromkeys(TECHNIQUES[:1], sids[1]),
                sids[1],
                patients,
                SMALL_CLINIC_PATIENTS,
                2,
            )
        )
        uow.commit()
    return ctxs


@dataclass
class _Ids:
    patient: int
    episode: int
    assessment: int


def _patient_rows(
    plan: PatientPlan, pid: int, eid: int, ctx: _ClinicCtx, out: dict[str, list[dict[str, Any]]]
) -> None:
    created = datetime.combine(plan.care_start - timedelta(days=21), time(9), tzinfo=UTC)
    out["patients"].append(
        {
            "id": pid,
            "clinic_id": ctx.id,
            "record_number": f"{ctx.slug[5:].upper()}-{plan.index:07d}",
            "given_name": plan.given_name,
            "family_name": plan.family_name,
            "birth_date": plan.birth_date,
            "sex": plan.sex,
            "email": None,
            "phone": None,
            "timezone": "UTC",
            "created_at": created,
        }
    )
    out["episodes"].append(
        {
            "id": eid,
            "patient_id": pid,
            "care_start": plan.care_start,
            "conditions": plan.conditions,
            "goals": plan.goals,
            "ended_on": None,
            "created_at": created,
        }
    )
    granted = datetime.combine(plan.care_start - timedelta(days=3), time(10), tzinfo=UTC)
    kinds = ["treatment", "data_processing"] + (["research"] if plan.index % 5 < 3 else [])
    out["consents"] += [
        {
            "patient_id": pid,
            "kind": k,
            "version": "2024-1",
            "granted_at": granted,
            "withdrawn_at": None,
            "recorded_by": ctx.staff_user,
        }
        for k in kinds
    ]
    for e in plan.diary:
        hh, mm = (int(x) for x in e["local_time"].split(":"))
        out["diary_entries"].append(
            {
                **e,
                "patient_id": pid,
                "entered_by": None,
                "created_at": datetime.combine(e["local_date"], time(hh, mm), tzinfo=UTC),
            }
        )
    for c in plan.cotherapies:
        out["cotherapies"].append({**c, "patient_id": pid, "created_at": created})


def _care_rows(
    plan: PatientPlan,
    pid: int,
    ids: _Ids,
    ctx: _ClinicCtx,
    technique: str,
    as_of: date,
    out: dict[str, list[dict[str, Any]]],
) -> None:
    clinician = ctx.clinicians.get(technique, ctx.staff_user)
    for v in plan.visits:
        out["visits"].append(
            {
                **v,
                "patient_id": pid,
                "clinician_id": clinician,
                "pre_checks": checks_to_json(_checks(v["pre_checks"])),
                "post_checks": checks_to_json(_checks(v["post_checks"])),
                "reaction_note": "",
                "notes": "",
                "created_at": v["occurred_at"],
            }
        )
    previous: dict[str, ScoreResult] = {}
    ack_before = datetime.combine(as_of - timedelta(days=14), time(0), tzinfo=UTC)
    for n, (instrument, taken_at, answers) in enumerate(plan.assessments):
        aid = ids.assessment
        ids.assessment += 1
        result, raise_alerts = score_and_screen(instrument, answers, previous.get(instrument))
        previous[result.instrument] = result
        out["assessments"].append(
            {
                "id": aid,
                "patient_id": pid,
                "episode_id": ids.episode,
                "instrument": result.instrument,
                "version": result.version,
                "answers": answers,
                "result": result.to_dict(),
                "total": result.total,
                "taken_at": taken_at,
                "source": "clinic",
                "entered_by": clinician,
                "created_at": taken_at,
            }
        )
        for a in raise_alerts(aid):
            acked = taken_at < ack_before and (plan.index + n) % 10 < 7
            out["alerts"].append(
                {
                    "patient_id": pid,
                    "clinic_id": ctx.id,
                    "code": a.id,
                    "kind": a.kind,
                    "severity": a.severity,
                    "reason": a.reason,
                    "source_entity": "assessment",
                    "source_id": aid,
                    "source": a.to_dict()["source"],
                    "rule_source": a.rule_source,
                    "raised_at": taken_at,
                    "acknowledged_by": clinician if acked else None,
                    "acknowledged_at": taken_at + timedelta(hours=2) if acked else None,
                    "acknowledgement_note": ACK_NOTE if acked else None,
                }
            )


TABLE_ORDER = (
    "patients",
    "episodes",
    "consents",
    "users",
    "diary_entries",
    "visits",
    "assessments",
    "alerts",
    "cotherapies",
    "assignments",
)
#: questionnaires waiting for every demo patient with a login (so their pages show some)
WAITING_INSTRUMENTS = ("phq9", "fiqr")


def _waiting(pid: int, eid: int, ctx: _ClinicCtx, as_of: date) -> list[dict[str, Any]]:
    """Open assignments (PHQ-9, FIQR) given yesterday by the clinic, due in a week."""
    assigned_at = datetime.combine(as_of - timedelta(days=1), time(9), tzinfo=UTC)
    return [
        {
            "patient_id": pid,
            "instrument": instrument,
            "assigned_by": ctx.staff_user,
            "assigned_at": assigned_at,
            "due": as_of + timedelta(days=7),
            "status": "open",
            "assessment_id": None,
            "episode_id": eid,
        }
        for instrument in WAITING_INSTRUMENTS
    ]


def _load_chunk(
    db: Database,
    ctx: _ClinicCtx,
    indices: range,
    seed: int,
    as_of: date,
    ids: _Ids,
    pw_hash: str,
    logins: list[Login],
) -> dict[str, int]:
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLE_ORDER}
    for index in indices:
        technique = TECHNIQUES[index % len(TECHNIQUES)] if len(ctx.clinicians) > 1 else "nucca"
        plan = simulate_patient(seed, index, as_of, technique)
        pid, eid = ids.patient, ids.episode
        _patient_rows(plan, pid, eid, ctx, out)
        _care_rows(plan, pid, ids, ctx, technique, as_of, out)
        local = index - ctx.first_index
        if local < ctx.logins:
            email = f"patient{local + 1}@{ctx.slug}.demo.atlaxis.org"
            out["users"].append(
                {
                    "email": email,
                    "password_hash": pw_hash,
                    "role": "patient",
                    "clinic_id": ctx.id,
                    "patient_id": pid,
                    "display_name": plan.given_name,
                    "active": True,
                    "failed_logins": 0,
                }
            )
            logins.append(Login(email, DEMO_PASSWORD, "patient", ctx.slug, pid))
            out["assignments"] += _waiting(pid, eid, ctx, as_of)
        ids.patient += 1
        ids.episode += 1
    with db.uow() as uow:
        for table in TABLE_ORDER:
            uow.bulk.insert(table, out[table])
        counts = {t: len(rows) for t, rows in out.items()}
        audit.record(
            uow,
            Actor.system(ctx.id),
            "import",
            "patient",
            detail={"source": "demo generator", **counts},
        )
        uow.commit()
    return counts


def build_demo(
    url: str,
    *,
    patients: int = 60,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> DemoResult:
    """Fill the (migrated, empty) database at ``url`` with the demo clinics."""
    as_of = as_of or date.today()
    db = Database(url)
    result = DemoResult(database=url)
    pw_hash = hash_password(DEMO_PASSWORD)
    try:
        ctxs = _setup(db, patients, pw_hash, result.logins)
        with db.uow() as uow:
            ids = _Ids(
                uow.bulk.max_id("patients") + 1,
                uow.bulk.max_id("episodes") + 1,
                uow.bulk.max_id("assessments") + 1,
            )
        total, done = sum(c.n_patients for c in ctxs), 0
        for ctx in ctxs:
            base = ctx.first_index if ctx.first_index == 0 else 1_000_000_000
            ctx.first_index = base
            for start in range(base, base + ctx.n_patients, CHUNK):
                stop = min(start + CHUNK, base + ctx.n_patients)
                counts = _load_chunk(
                    db, ctx, range(start, stop), seed, as_of, ids, pw_hash, result.logins
                )
                for k, v in counts.items():
                    result.counts[k] = result.counts.get(k, 0) + v
                done += stop - start
                if progress is not None:
                    progress(done, total)
        with db.uow() as uow:
            uow.bulk.reset_sequences()
            uow.commit()
    finally:
        db.dispose()
    return result

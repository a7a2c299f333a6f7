"""Build the demo clinic: a main clinic (3 clinicians, N patients) and a small second clinic.

Staff and clinics are created through the services (audited as usual). Patients come in
batches of :data:`~atlaxis.demo.simulate.BATCH` generated as plain rows (in worker processes
for large clinics, a few batches ahead at most, so memory stays bounded) and appended by the
storage layer's bulk loader, several batches per transaction; each transaction records one
audit event (the system importing that many rows), so the audit chain stays whole.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from atlaxis.demo.batch import TABLES, BatchRows, ClinicPlan, build_batch
from atlaxis.demo.simulate import BATCH, TECHNIQUES
from atlaxis.domain import Actor, Role
from atlaxis.security.passwords import hash_password
from atlaxis.services import audit
from atlaxis.services.accounts import create_clinic, create_user
from atlaxis.storage import Database, UnitOfWork
from atlaxis.storage.repositories.bulk import bulk_database

DEMO_PASSWORD = "atlaxis-demo-password"
DEFAULT_SEED = 20240501
#: patients per transaction
COMMIT_PATIENTS = 5_000
#: patients with a portal login (all of them in a small demo; the first few at scale)
MAX_PATIENT_LOGINS = 60
SMALL_CLINIC_PATIENTS = 8
#: the small clinic's patients start at this index (their own batches, never the main's)
SMALL_CLINIC_FIRST_INDEX = 1_000_000_000
#: worker processes are worth their start-up from this many patients on
PARALLEL_FROM = 3_000
#: questionnaires waiting for every demo patient with a login (so their pages show some)
WAITING_INSTRUMENTS = ("phq9", "fiqr")

#: ``progress(patients done, patients in all, rows written so far per table)``
Progress = Callable[[int, int, Mapping[str, int]], None]


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


def _staff(
    uow: UnitOfWork, clinic: Any, who: list[tuple[str, Role]], pw_hash: str, logins: list[Login]
) -> list[int]:
    ids = []
    for name, role in who:
        email = f"{name}@{clinic.slug}.demo.atlaxis.org"
        user = create_user(
            uow,
            Actor.system(),
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


def _setup(db: Database, patients: int, pw_hash: str, logins: list[Login]) -> list[ClinicPlan]:
    from atlaxis.demo.assessments import MAX_ASSESSMENTS

    system = Actor.system()
    with db.uow() as uow:
        main = create_clinic(uow, system, "Atlas Fibromyalgia Clinic (demo)", "demo-main")
        small = create_clinic(uow, system, "Riverside Practice (demo)", "demo-small")
        who = (
            [("admin", Role.ADMIN)]
            + [(f"dr-{t.replace('_', '-')}", Role.CLINICIAN) for t in TECHNIQUES]
            + [("researcher", Role.RESEARCHER)]
        )
        ids = _staff(uow, main, who, pw_hash, logins)
        sids = _staff(
            uow, small, [("admin", Role.ADMIN), ("dr-small", Role.CLINICIAN)], pw_hash, logins
        )
        pid = uow.bulk.max_id("patients") + 1
        eid = uow.bulk.max_id("episodes") + 1
        aid = uow.bulk.max_id("assessments") + 1
        uow.commit()
    first = ClinicPlan(
        main.id or 0,
        main.slug,
        ids[1],
        dict(zip(TECHNIQUES, ids[1:4], strict=True)),
        0,
        patients,
        pid,
        eid,
        aid,
    )
    reserved = len(first.batches()) * BATCH * MAX_ASSESSMENTS
    second = ClinicPlan(
        small.id or 0,
        small.slug,
        sids[1],
        {TECHNIQUES[0]: sids[1]},
        SMALL_CLINIC_FIRST_INDEX,
        SMALL_CLINIC_PATIENTS,
        pid + patients,
        eid + patients,
        aid + reserved,
    )
    return [first, second]


Job = tuple[ClinicPlan, int]


def _batches(seed: int, as_of: date, jobs: list[Job], workers: int) -> Iterator[BatchRows]:
    """Every job's rows in order; with workers, at most ``2 * workers`` batches ahead."""
    if workers < 1:
        for plan, b in jobs:
            yield build_batch(seed, b, as_of, plan)
        return
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        ahead: deque[Future[BatchRows]] = deque()
        for plan, b in jobs:
            ahead.append(pool.submit(build_batch, seed, b, as_of, plan))
            if len(ahead) >= 2 * workers:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


class _Loader:
    """Appends batches, committing every :data:`COMMIT_PATIENTS` patients with one audit
    event that counts what the transaction wrote."""

    def __init__(self, db: Database, result: DemoResult, total: int, progress: Progress | None):
        self.db, self.result, self.total, self.progress = db, result, total, progress
        self.uow: UnitOfWork | None = None
        self.pending: dict[str, int] = {}
        self.clinic_id: int | None = None
        self.patients = self.done = 0

    def add(self, plan: ClinicPlan, rows: BatchRows) -> None:
        if self.uow is None:
            self.uow = self.db.uow().__enter__()
            self.clinic_id = plan.clinic_id
        for table, _ in TABLES:
            self.pending[table] = self.pending.get(table, 0)
        for table, columns in TABLES:
            self.pending[table] += self.uow.bulk.load(table, columns, rows.tables[table])
        self.patients += rows.patients
        self.done += rows.patients
        if self.patients >= COMMIT_PATIENTS:
            self.commit()
        if self.progress is not None:
            seen = {k: self.result.counts.get(k, 0) + self.pending.get(k, 0) for k in self.pending}
            self.progress(self.done, self.total, seen)

    def commit(self) -> None:
        if self.uow is None:
            return
        detail = {"source": "demo generator", **self.pending}
        audit.record(self.uow, Actor.system(self.clinic_id), "import", "patient", detail=detail)
        self.uow.commit()
        self.uow.__exit__(None, None, None)
        for k, v in self.pending.items():
            self.result.counts[k] = self.result.counts.get(k, 0) + v
        self.uow, self.pending, self.patients = None, {}, 0

    def abort(self) -> None:
        if self.uow is not None:
            self.uow.__exit__(None, None, None)
            self.uow = None


def _waiting(pid: int, eid: int, plan: ClinicPlan, as_of: date) -> list[dict[str, Any]]:
    """Open assignments (PHQ-9, FIQR) given yesterday by the clinic, due in a week."""
    assigned_at = datetime.combine(as_of - timedelta(days=1), time(9), tzinfo=UTC)
    return [
        {
            "patient_id": pid,
            "instrument": instrument,
            "assigned_by": plan.staff_user,
            "assigned_at": assigned_at,
            "due": as_of + timedelta(days=7),
            "status": "open",
            "assessment_id": None,
            "episode_id": eid,
        }
        for instrument in WAITING_INSTRUMENTS
    ]


def _portal_logins(
    db: Database,
    people: list[tuple[ClinicPlan, int, int, str]],
    pw_hash: str,
    as_of: date,
    result: DemoResult,
) -> None:
    """Portal accounts (and waiting questionnaires) for the first patients of each clinic."""
    users, waiting = [], []
    for plan, pid, eid, given in people:
        local = pid - plan.first_pid
        email = f"patient{local + 1}@{plan.slug}.demo.atlaxis.org"
        users.append(
            {
                "email": email,
                "password_hash": pw_hash,
                "role": "patient",
                "clinic_id": plan.clinic_id,
                "patient_id": pid,
                "display_name": given,
                "active": True,
                "failed_logins": 0,
            }
        )
        result.logins.append(Login(email, DEMO_PASSWORD, "patient", plan.slug, pid))
        waiting += _waiting(pid, eid, plan, as_of)
    with db.uow() as uow:
        uow.bulk.insert("users", users)
        uow.bulk.insert("assignments", waiting)
        uow.bulk.reset_sequences()
        counts = {"users": len(users), "assignments": len(waiting)}
        audit.record(
            uow, Actor.system(), "import", "patient", detail={"source": "demo generator", **counts}
        )
        uow.commit()
    for k, v in counts.items():
        result.counts[k] = result.counts.get(k, 0) + v


def default_workers(patients: int) -> int:
    """One generator process beside the loader (a two-stage pipeline) for large clinics on a
    machine with a second core; none for small ones (start-up would cost more)."""
    return 1 if patients >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 0


def build_demo(
    url: str,
    *,
    patients: int = 60,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> DemoResult:
    """Fill the (migrated, empty) database at ``url`` with the demo clinics."""
    as_of = as_of or date.today()
    workers = default_workers(patients) if workers is None else workers
    result = DemoResult(database=url)
    pw_hash = hash_password(DEMO_PASSWORD)
    with bulk_database(url) as db:
        plans = _setup(db, patients, pw_hash, result.logins)
        loader = _Loader(db, result, sum(p.n_patients for p in plans), progress)
        jobs = [(plan, b) for plan in plans for b in plan.batches()]
        people = []
        try:
            for (plan, _), rows in zip(jobs, _batches(seed, as_of, jobs, workers), strict=True):
                if loader.clinic_id != plan.clinic_id:
                    loader.commit()  # one clinic per transaction and audit event
                loader.add(plan, rows)
                people += [(plan, p, e, g) for n, p, e, g in rows.people if n < _logins(plan)]
            loader.commit()
        finally:
            loader.abort()
        _portal_logins(db, people, pw_hash, as_of, result)
    return result


def _logins(plan: ClinicPlan) -> int:
    return min(plan.n_patients, MAX_PATIENT_LOGINS if plan.first_index == 0 else 2)

"""The unit of work: one transaction, repositories as attributes, audit chained at commit.

Services never commit; the edge (an API request or a CLI command) opens a unit of work,
calls one service and commits once::

    with UnitOfWork(factory) as uow:
        add_diary_entry(uow, actor, patient_id, payload)
        uow.commit()

Leaving the block without :meth:`commit` (or with an exception) rolls everything back.
A ``read_only`` unit of work reads in a shared transaction (SQLite readers do not queue
behind the writer); its audit events are appended in a short write transaction at commit.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from atlaxis.domain.audit import AuditEvent
from atlaxis.storage.engine import BEGIN_OPTION, READ_ONLY
from atlaxis.storage.repositories.accounts import (
    ApiTokenRepository,
    IdempotencyRepository,
    LoginAttemptRepository,
    UserRepository,
    WebSessionRepository,
)
from atlaxis.storage.repositories.assignments import AssignmentRepository, DraftRepository
from atlaxis.storage.repositories.audit import AuditRepository
from atlaxis.storage.repositories.base import LOOP_BATCH
from atlaxis.storage.repositories.bulk import BulkRepository
from atlaxis.storage.repositories.care import (
    AlertRepository,
    AssessmentRepository,
    CoTherapyRepository,
    DiaryRepository,
    VisitRepository,
)
from atlaxis.storage.repositories.records import (
    ClinicRepository,
    ConsentRepository,
    EpisodeRepository,
    PatientRepository,
)
from atlaxis.storage.repositories.timeline import TimelineRepository

if TYPE_CHECKING:
    from atlaxis.storage.event_loop_batch import LoopBatch


class UnitOfWork:
    session: Session

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        read_only: bool = False,
        batch: LoopBatch | None = None,
    ) -> None:
        self._factory = factory
        self.read_only = read_only
        self.committed = False
        self.batch = batch

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        if self.batch is not None:  # no connection: statements go to the event-loop batch
            self.session.info[LOOP_BATCH] = self.batch
        else:
            self._begin(read_only=self.read_only)
        s = self.session
        self.clinics = ClinicRepository(s)
        self.users = UserRepository(s)
        self.patients = PatientRepository(s)
        self.episodes = EpisodeRepository(s)
        self.consents = ConsentRepository(s)
        self.assessments = AssessmentRepository(s)
        self.diary = DiaryRepository(s)
        self.visits = VisitRepository(s)
        self.cotherapies = CoTherapyRepository(s)
        self.alerts = AlertRepository(s)
        self.assignments = AssignmentRepository(s)
        self.drafts = DraftRepository(s)
        self.audit = AuditRepository(s)
        self.web_sessions = WebSessionRepository(s)
        self.api_tokens = ApiTokenRepository(s)
        self.login_attempts = LoginAttemptRepository(s)
        self.idempotency = IdempotencyRepository(s)
        self.timeline = TimelineRepository(s)
        self.bulk = BulkRepository(s)
        return self

    def _begin(self, *, read_only: bool) -> None:
        mode = "DEFERRED" if read_only else "IMMEDIATE"
        self.session.info[READ_ONLY] = read_only
        self.session.connection(execution_options={BEGIN_OPTION: mode})

    def commit(self) -> list[AuditEvent]:
        """Append the buffered audit events and commit; returns the events written."""
        if self.read_only:
            self.session.rollback()
            if not self.audit.pending:
                self.committed = True
                return []
            self._begin(read_only=False)
        written = self.audit.flush()
        self.session.commit()
        self.committed = True
        return written

    async def commit_batch(self) -> list[AuditEvent]:
        """An event-loop batch's commit (``batch=``): append the buffered audit events and
        send every write with the COMMIT (see ``storage.event_loop_batch``)."""
        assert self.batch is not None, "commit_batch is for a unit of work of a LoopBatch"
        written = self.audit.flush()
        await self.batch.commit()
        self.committed = True
        return written

    def rollback(self) -> None:
        self.audit.pending.clear()
        self.session.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None or not self.committed:
                self.rollback()
        finally:
            self.session.close()

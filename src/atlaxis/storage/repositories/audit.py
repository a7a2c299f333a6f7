"""The append-only, hash-chained audit log.

Events are buffered during a unit of work and appended when it commits: the single
``audit_head`` row is locked (``SELECT … FOR UPDATE``; on SQLite the write transaction
already serialises), the events get the next contiguous ``seq`` numbers and their hashes,
and the head moves on, all inside the same transaction as the data they describe. The
lock is therefore held only for the last few statements of a transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select

from atlaxis.domain.audit import GENESIS_HASH, AuditEvent, moment_text
from atlaxis.storage.repositories.base import Pending, Repository
from atlaxis.storage.repositories.bulk import BulkRepository, json_value, moment_value
from atlaxis.storage.security_tables import AuditEventRow, AuditHeadRow

HEAD_ID = 1


@dataclass(frozen=True, slots=True)
class PendingEvent:
    action: str
    entity: str
    actor_user_id: int | None = None
    actor_role: str | None = None
    clinic_id: int | None = None
    entity_id: str | None = None
    patient_id: int | None = None
    ip: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class AuditRepository(Repository):
    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self.pending: list[PendingEvent] = []
        self._head: Pending | None = None

    def lock_head_early(self) -> None:
        """PostgreSQL: send the head's ``SELECT … FOR UPDATE`` now (an event-loop batch sends
        it with its other first queries: one round trip), for :meth:`flush` to use. The lock
        is then held from here to commit instead of for the last statements only, which
        matters only to another connection's writes (they wait for this transaction, as
        they would at its end). No-op on SQLite, where the write transaction itself holds
        the lock from its start."""
        if self._postgresql() and self._head is None:
            self._head = self._driver_send(_HEAD + " FOR UPDATE", [HEAD_ID])

    def record(self, event: PendingEvent) -> None:
        """Buffer an event; it is chained and written by :meth:`flush` at commit."""
        self.pending.append(event)

    def flush(self) -> list[AuditEvent]:
        if not self.pending:
            return []
        prev_hash, seq = self._lock_head()
        now = datetime.now(UTC)
        at = moment_text(now)  # one moment for the batch: its text is made once
        stamp = moment_value(now)
        written: list[AuditEvent] = []
        rows: list[tuple[Any, ...]] = []
        for p in self.pending:
            seq += 1
            event = AuditEvent(
                seq=seq,
                at=now,
                action=p.action,
                entity=p.entity,
                actor_user_id=p.actor_user_id,
                actor_role=p.actor_role,
                clinic_id=p.clinic_id,
                entity_id=p.entity_id,
                patient_id=p.patient_id,
                ip=p.ip,
                detail=p.detail,
                prev_hash=prev_hash,
            )
            digest = event.computed_hash(at)
            object.__setattr__(event, "hash", digest)  # a new event, not shared yet
            written.append(event)
            rows.append(
                (
                    *(seq, stamp, p.action, p.entity, p.actor_user_id, p.actor_role),
                    *(p.clinic_id, p.entity_id, p.patient_id, p.ip, json_value(p.detail)),
                    *(prev_hash, digest),
                )
            )  # in _LOAD_COLUMNS order
            prev_hash = digest
        # written by the driver itself, with the head's move: every request appends here
        BulkRepository(self.session).load_along(
            AuditEventRow.__tablename__, _LOAD_COLUMNS, rows, _MOVE_HEAD, [seq, prev_hash, HEAD_ID]
        )
        self.pending.clear()
        return written

    def _lock_head(self) -> tuple[str, int]:
        """The head, locked until commit (PostgreSQL: ``FOR UPDATE``; SQLite: the write
        transaction itself, begun IMMEDIATE)."""
        if self._head is not None:  # sent by lock_head_early (read once: it moves now)
            rows, self._head = self._head.rows(), None
        else:
            sql = _HEAD + " FOR UPDATE" if self._postgresql() else _HEAD
            rows = self._driver_rows(sql, [HEAD_ID])
        row = rows[0] if rows else None
        if row is None:
            self.session.execute(
                insert(AuditHeadRow).values(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH)
            )
            return GENESIS_HASH, 0
        return str(row[0]), int(row[1])

    def head(self) -> tuple[int, str]:
        """(last seq, last hash) as the head row records them."""
        stmt = select(AuditHeadRow.last_seq, AuditHeadRow.last_hash).where(
            AuditHeadRow.id == HEAD_ID
        )
        row = self.session.execute(stmt).first()
        return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(AuditEventRow)) or 0)

    def iterate(self, batch: int = 5000) -> Iterator[AuditEvent]:
        """Every event in ``seq`` order, read in batches (memory stays bounded)."""
        last = -1
        while True:
            stmt = (
                select(AuditEventRow)
                .where(AuditEventRow.seq > last)
                .order_by(AuditEventRow.seq)
                .limit(batch)
            )
            rows = list(self.session.scalars(stmt))
            if not rows:
                return
            for row in rows:
                yield _event(row)
            last = rows[-1].seq
            self.session.expunge_all()

    def for_patient(self, patient_id: int, *, limit: int = 100) -> list[AuditEvent]:
        stmt = (
            select(AuditEventRow)
            .where(AuditEventRow.patient_id == patient_id)
            .order_by(AuditEventRow.seq.desc())
            .limit(limit)
        )
        return [_event(r) for r in self.session.scalars(stmt)]


#: the columns of a loaded event row, in the order :meth:`AuditRepository.flush` builds it
_LOAD_COLUMNS = tuple(AuditEvent.__dataclass_fields__)
assert _LOAD_COLUMNS == (
    "seq",
    "at",
    "action",
    "entity",
    "actor_user_id",
    "actor_role",
    "clinic_id",
    "entity_id",
    "patient_id",
    "ip",
    "detail",
    "prev_hash",
    "hash",
), "AuditRepository.flush builds its rows in this order"

_MOVE_HEAD = "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = ?"
_HEAD = "SELECT last_hash, last_seq FROM audit_head WHERE id = ?"


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        action=row.action,
        entity=row.entity,
        actor_user_id=row.actor_user_id,
        actor_role=row.actor_role,
        clinic_id=row.clinic_id,
        entity_id=row.entity_id,
        patient_id=row.patient_id,
        ip=row.ip,
        detail=dict(row.detail or {}),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )

"""Accounts, web sessions, API tokens, login attempts and idempotency keys."""

from __future__ import annotations

import functools
import json
from collections.abc import Set
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from atlaxis.domain import Role, User
from atlaxis.domain.accounts import ApiToken, Credentials, StoredResponse, WebSession
from atlaxis.storage import mapping
from atlaxis.storage.repositories.base import Pending, Repository
from atlaxis.storage.repositories.bulk import BulkRepository, json_value, moment_value
from atlaxis.storage.security_tables import (
    ApiTokenRow,
    IdempotencyKeyRow,
    LoginAttemptRow,
    UserRow,
    WebSessionRow,
)


class UserRepository(Repository):
    def add(
        self,
        email: str,
        password_hash: str,
        role: Role,
        clinic_id: int,
        *,
        patient_id: int | None = None,
        display_name: str = "",
    ) -> User:
        row = UserRow(
            email=email.strip().lower(),
            password_hash=password_hash,
            role=role.value,
            clinic_id=clinic_id,
            patient_id=patient_id,
            display_name=display_name,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.user(row)

    def get(self, user_id: int) -> User | None:
        row = self.session.get(UserRow, user_id)
        return None if row is None else mapping.user(row)

    def by_email(self, email: str) -> User | None:
        creds = self.credentials_by_email(email)
        return None if creds is None else creds.user

    def credentials_by_email(self, email: str) -> Credentials | None:
        stmt = select(UserRow).where(UserRow.email == email.strip().lower())
        row = self.session.scalars(stmt).first()
        return None if row is None else _credentials(row)

    def credentials(self, user_id: int) -> Credentials | None:
        row = self.session.get(UserRow, user_id)
        return None if row is None else _credentials(row)

    def page(
        self,
        clinic_id: int,
        *,
        role: Role | None = None,
        after_id: int | None = None,
        limit: int = 50,
    ) -> list[User]:
        stmt = select(UserRow).where(UserRow.clinic_id == clinic_id)
        if role is not None:
            stmt = stmt.where(UserRow.role == role.value)
        if after_id is not None:
            stmt = stmt.where(UserRow.id > after_id)
        rows = self.session.scalars(stmt.order_by(UserRow.id).limit(limit))
        return [mapping.user(r) for r in rows]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._set(user_id, password_hash=password_hash)

    def set_active(self, user_id: int, active: bool) -> None:
        self._set(user_id, active=active)

    def record_failure(self, user_id: int, locked_until: datetime | None) -> int:
        """Count one failed login (and set a lockout when given); returns the new count."""
        row = self.session.get(UserRow, user_id, with_for_update=True)
        if row is None:
            return 0
        row.failed_logins += 1
        if locked_until is not None:
            row.locked_until = locked_until
        self.session.flush()
        return row.failed_logins

    def record_success(self, user_id: int, at: datetime) -> None:
        self._set(user_id, failed_logins=0, locked_until=None, last_login_at=at)

    def _set(self, user_id: int, **values: Any) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))


def _credentials(row: UserRow) -> Credentials:
    return Credentials(
        user=mapping.user(row),
        password_hash=row.password_hash,
        failed_logins=row.failed_logins,
        locked_until=row.locked_until,
        last_login_at=row.last_login_at,
    )


class WebSessionRepository(Repository):
    def add(self, item: WebSession) -> None:
        self.session.add(
            WebSessionRow(
                id_hash=item.id_hash,
                user_id=item.user_id,
                created_at=item.created_at,
                last_seen_at=item.last_seen_at,
                expires_at=item.expires_at,
                csrf_token=item.csrf_token,
                ip=item.ip,
                user_agent=item.user_agent,
            )
        )
        self.session.flush()

    def get(self, id_hash: str) -> WebSession | None:
        row = self.session.get(WebSessionRow, id_hash)
        if row is None:
            return None
        return WebSession(
            row.id_hash,
            row.user_id,
            row.created_at,
            row.last_seen_at,
            row.expires_at,
            row.csrf_token,
            row.ip,
            row.user_agent,
        )

    def touch(self, id_hash: str, at: datetime) -> None:
        """Refresh the last-seen time (a driver-level write: it may share a group-commit
        batch on the event loop, see ``storage.event_loop_batch``)."""
        sql = _touch_sql(self._postgresql(), "web_sessions", "last_seen_at", "id_hash")
        self._driver_write(sql, [moment_value(at), id_hash])

    def delete(self, id_hash: str) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == id_hash))

    def delete_for_user(self, user_id: int) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))

    def delete_expired(self, now: datetime) -> int:
        result = self.session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
        return int(result.rowcount)  # type: ignore[attr-defined]


class ApiTokenRepository(Repository):
    def add(self, token: ApiToken) -> ApiToken:
        row = ApiTokenRow(
            user_id=token.user_id,
            name=token.name,
            token_hash=token.token_hash,
            scopes=list(token.scopes),
            expires_at=token.expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return _token(row)

    def get(self, token_id: int) -> ApiToken | None:
        row = self.session.get(ApiTokenRow, token_id)
        return None if row is None else _token(row)

    def by_hash(self, token_hash: str) -> ApiToken | None:
        stmt = select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash)
        row = self.session.scalars(stmt).first()
        return None if row is None else _token(row)

    def for_user(self, user_id: int) -> list[ApiToken]:
        stmt = select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(ApiTokenRow.id)
        return [_token(r) for r in self.session.scalars(stmt)]

    def revoke(self, token_id: int, at: datetime) -> bool:
        stmt = update(ApiTokenRow).where(
            ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None)
        )
        return bool(self.session.execute(stmt.values(revoked_at=at)).rowcount)  # type: ignore[attr-defined]

    def touch(self, token_id: int, at: datetime) -> None:
        """Refresh the last-used time (a driver-level write, as for sessions)."""
        sql = _touch_sql(self._postgresql(), "api_tokens", "last_used_at", "id")
        self._driver_write(sql, [moment_value(at), token_id])


@functools.lru_cache(maxsize=8)
def _touch_sql(postgresql: bool, table: str, column: str, key: str) -> str:
    """``UPDATE table SET column = <moment text> WHERE key = …`` in the driver's placeholders
    (the moment in the stored text form, which PostgreSQL casts to its timestamp)."""
    if postgresql:
        return f"UPDATE {table} SET {column} = CAST(%s AS timestamp) WHERE {key} = %s"
    return f"UPDATE {table} SET {column} = ? WHERE {key} = ?"


def _token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        token_hash=row.token_hash,
        scopes=list(row.scopes or []),
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


class LoginAttemptRepository(Repository):
    def add(self, email_hash: str, ip: str | None, at: datetime, success: bool) -> None:
        self.session.add(LoginAttemptRow(email_hash=email_hash, ip=ip, at=at, success=success))

    def failures_since(
        self, since: datetime, *, email_hash: str | None = None, ip: str | None = None
    ) -> int:
        t = LoginAttemptRow
        stmt = select(func.count()).select_from(t).where(t.at >= since, t.success.is_(False))
        if email_hash is not None:
            stmt = stmt.where(t.email_hash == email_hash)
        if ip is not None:
            stmt = stmt.where(t.ip == ip)
        return int(self.session.scalar(stmt) or 0)

    def delete_before(self, before: datetime) -> None:
        self.session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < before))


class IdempotencyRepository(Repository):
    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self._sent: tuple[frozenset[tuple[int, str]], Pending] | None = None

    def get(self, user_id: int, key: str) -> StoredResponse | None:
        t = IdempotencyKeyRow
        stmt = select(t.request_hash, t.response_status, t.response_body).where(
            t.user_id == user_id, t.key == key
        )
        row = self.session.execute(stmt).first()
        return None if row is None else StoredResponse(row[0], row[1], dict(row[2]))

    def add(self, user_id: int, key: str, patient_id: int | None, response: StoredResponse) -> None:
        self.session.add(
            IdempotencyKeyRow(
                user_id=user_id,
                key=key,
                patient_id=patient_id,
                request_hash=response.request_hash,
                response_status=response.status,
                response_body=response.body,
            )
        )

    def get_many(self, pairs: list[tuple[int, str]]) -> dict[tuple[int, str], StoredResponse]:
        """The stored responses of several (user id, key) pairs, in one query.

        Each pair is looked up by both columns of the unique (user_id, key) index, whatever
        the table's statistics say: on PostgreSQL a list of pairs joined laterally to an
        equality lookup (with IN lists and stale statistics, as after a burst of new keys,
        the planner filtered every key of the user instead: the lookup grew with the
        user's history); on SQLite IN lists, which its planner serves from that index."""
        if not pairs:
            return {}
        wanted = set(pairs)
        sent, self._sent = self._sent, None
        if sent is not None and wanted <= sent[0]:  # sent earlier by prefetch
            rows = sent[1].rows()
        else:
            rows = self._lookup(wanted).rows()
        return {
            (row[0], row[1]): StoredResponse(row[2], row[3], _json_object(row[4]))
            for row in rows
            if (row[0], row[1]) in wanted
        }

    def prefetch(self, pairs: list[tuple[int, str]]) -> None:
        """Send the lookup of ``pairs`` now, for the next :meth:`get_many` of (some of) them
        to read (an event-loop batch sends it with its other first queries). Read once: a
        later lookup asks the database again."""
        if pairs:
            wanted = frozenset(pairs)
            self._sent = (wanted, self._lookup(wanted))

    def _lookup(self, wanted: Set[tuple[int, str]]) -> Pending:
        if self._postgresql():
            users, keys = zip(*sorted(wanted), strict=True)
            return self._driver_send(_PAIRS_LOOKUP, [list(users), list(keys)])
        users_in = sorted({u for u, _ in wanted})
        keys_in = sorted({k for _, k in wanted})
        return self._driver_send(_pairs_in(len(users_in), len(keys_in)), users_in + keys_in)

    def add_many(self, rows: list[tuple[int, str, int | None, StoredResponse]]) -> None:
        """Store several (user id, key, patient id, response), written by the driver itself
        (``COPY`` / ``executemany``: see ``BulkRepository.load``)."""
        if not rows:
            return
        now = moment_value(datetime.now(UTC))
        values = [
            (
                user_id,
                key,
                patient_id,
                response.request_hash,
                response.status,
                json_value(response.body),
                now,
            )
            for user_id, key, patient_id, response in rows
        ]
        table = IdempotencyKeyRow.__tablename__
        BulkRepository(self.session).load(table, _IDEMPOTENCY_COLUMNS, values)

    def delete_before(self, before: datetime) -> None:
        stmt = delete(IdempotencyKeyRow).where(IdempotencyKeyRow.created_at < before)
        self.session.execute(stmt)


_IDEMPOTENCY_COLUMNS = (
    "user_id",
    "key",
    "patient_id",
    "request_hash",
    "response_status",
    "response_body",
    "created_at",
)

#: PostgreSQL only; the arrays are sent in binary (no per-element quoting). ``LIMIT 1``
#: (the pair is unique) keeps the lateral subquery from being flattened into a join, so
#: every plan probes the unique index once per pair: a join was free to hash the whole
#: table instead, and a prepared statement's generic plan, chosen while the table was
#: small, kept doing so as it grew (the database's lookups grew with every check-in)
_PAIRS_LOOKUP = (
    "SELECT i.user_id, i.key, i.request_hash, i.response_status, i.response_body "
    "FROM unnest(CAST(%b AS bigint[]), CAST(%b AS text[])) AS q(user_id, key) "
    "CROSS JOIN LATERAL (SELECT * FROM idempotency_keys AS k "
    "WHERE k.user_id = q.user_id AND k.key = q.key LIMIT 1) AS i"
)


@functools.lru_cache(maxsize=64)
def _pairs_in(users: int, keys: int) -> str:
    """SQLite: the lookup by IN lists (served from the unique (user_id, key) index)."""
    return (
        "SELECT user_id, key, request_hash, response_status, response_body "
        f"FROM idempotency_keys WHERE user_id IN ({', '.join('?' * users)}) "
        f"AND key IN ({', '.join('?' * keys)})"
    )


def _json_object(value: Any) -> dict[str, Any]:
    """A JSON column's value (decoded by the driver, or text from a raw query)."""
    return dict(json.loads(value) if isinstance(value, str) else value)

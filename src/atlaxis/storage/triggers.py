"""``patients.timeline_version``: kept by the database itself, so no writer can forget it.

Every INSERT, UPDATE and DELETE on a table whose rows appear on a patient's timeline
(:data:`TIMELINE_TABLES`) raises the version of the patient it touches (on an UPDATE that
moves a row to another patient, of both), in the writer's own transaction. API, pages, FHIR
import, restore, CLI, the demo generator and bulk loaders all go through these triggers.
The timeline's whole-response cache and its ETag are keyed on the version.

The step is 1 plus a random 32-bit number rather than 1: the version still only grows, and a
database restored from an older backup (or a patient written again after a restore) does not
walk through the same numbers again, so a running server's cache or a client's ETag from
before the restore cannot match by accident.

* SQLite: three row-level triggers per table (``NEW.patient_id`` / ``OLD.patient_id``).
* PostgreSQL: one plpgsql function and three statement-level triggers per table with
  transition tables: one UPDATE of the patients a statement touched (a ``COPY`` of a
  thousand diary rows costs one version bump per patient, not a thousand), taking the rows'
  locks in id order (concurrent multi-patient batches cannot deadlock on them).

:func:`create_statements` is what migration 0004 runs; :func:`listen` makes
``metadata.create_all`` create the same triggers. A later SQLite migration that rebuilds one
of these tables (Alembic batch mode "recreate") drops its triggers: it must call
:func:`create_statements` again (``tests/integration/storage`` checks they exist at head).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, MetaData, event

#: tables whose rows appear on the timeline (each has a ``patient_id``)
TIMELINE_TABLES = ("episodes", "assessments", "diary_entries", "visits", "cotherapies", "alerts")
FUNCTION = "atlaxis_timeline_bump"
EVENTS = (("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE"))

#: the amount added per write: 1 + a random 32-bit number (see the module docstring)
SQLITE_STEP = "1 + (random() & 4294967295)"
POSTGRES_STEP = "1 + CAST(floor(random() * 4294967296) AS bigint)"

_SQLITE_TARGET = {
    "INSERT": "id = NEW.patient_id",
    "UPDATE": "id IN (OLD.patient_id, NEW.patient_id)",
    "DELETE": "id = OLD.patient_id",
}
_POSTGRES_REFERENCING = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT patient_id FROM new_rows ORDER BY 1);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT patient_id FROM old_rows ORDER BY 1);
    ELSE
        ids := ARRAY(SELECT patient_id FROM new_rows UNION SELECT patient_id FROM old_rows
                     ORDER BY 1);
    END IF;
    IF cardinality(ids) > 1 THEN
        PERFORM 1 FROM patients WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    END IF;
    UPDATE patients SET timeline_version = timeline_version + {POSTGRES_STEP}
        WHERE id = ANY(ids);
    RETURN NULL;
END
$body$
"""


def trigger_name(table: str, op: str) -> str:
    return f"{table}_timeline_{op}"


def trigger_names() -> list[tuple[str, str]]:
    """(table, trigger name) of every timeline trigger."""
    return [(t, trigger_name(t, op)) for t in TIMELINE_TABLES for op, _ in EVENTS]


def _sqlite_trigger(table: str, op: str, event_name: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {trigger_name(table, op)} AFTER {event_name} ON {table} "
        f"BEGIN UPDATE patients SET timeline_version = timeline_version + {SQLITE_STEP} "
        f"WHERE {_SQLITE_TARGET[event_name]}; END"
    )


def _postgres_trigger(table: str, op: str, event_name: str) -> str:
    return (
        f"CREATE TRIGGER {trigger_name(table, op)} AFTER {event_name} ON {table} "
        f"REFERENCING {_POSTGRES_REFERENCING[event_name]} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def create_statements(dialect: str, tables: tuple[str, ...] = TIMELINE_TABLES) -> list[str]:
    """DDL creating the timeline triggers on ``tables`` for ``dialect`` (sqlite, postgresql);
    the ``patients.timeline_version`` column must exist."""
    if dialect == "sqlite":
        return [_sqlite_trigger(t, op, ev) for t in tables for op, ev in EVENTS]
    if dialect == "postgresql":
        triggers = [_postgres_trigger(t, op, ev) for t in tables for op, ev in EVENTS]
        return [_POSTGRES_FUNCTION, *triggers]
    raise ValueError(f"no timeline triggers for {dialect!r}")


def drop_statements(dialect: str) -> list[str]:
    """DDL removing every timeline trigger (and the PostgreSQL function)."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for _, name in trigger_names()]
    if dialect == "postgresql":
        drops = [f"DROP TRIGGER IF EXISTS {name} ON {t}" for t, name in trigger_names()]
        return [*drops, f"DROP FUNCTION IF EXISTS {FUNCTION}()"]
    raise ValueError(f"no timeline triggers for {dialect!r}")


def _after_create(target: MetaData, connection: Connection, **kw: Any) -> None:
    """``metadata.create_all``: the triggers of the timeline tables it just created."""
    created = {t.name for t in kw.get("tables") or target.sorted_tables}
    tables = tuple(t for t in TIMELINE_TABLES if t in created)
    if tables and "patients" in target.tables:
        for statement in create_statements(connection.dialect.name, tables):
            connection.exec_driver_sql(statement)


def _after_drop(target: MetaData, connection: Connection, **kw: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def listen(metadata: MetaData) -> None:
    """Create (drop) the triggers whenever ``metadata.create_all`` (``drop_all``) runs."""
    if not event.contains(metadata, "after_create", _after_create):
        event.listen(metadata, "after_create", _after_create)
        event.listen(metadata, "after_drop", _after_drop)

"""Bulk loading for generators and importers: many rows per statement, explicit ids.

Used by the demo generator (and importers) inside one unit of work per chunk; rows are plain
dicts of column values. Call :meth:`BulkRepository.reset_sequences` after loading explicit ids
on PostgreSQL so later inserts continue after them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from atlaxis.storage.base import Base
from atlaxis.storage.repositories.base import Repository


def _table(name: str) -> Table:
    table = Base.metadata.tables.get(name)
    if table is None:
        raise KeyError(f"no table {name!r}")
    return table


class BulkRepository(Repository):
    def insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(_table(table)), list(rows))

    def max_id(self, table: str) -> int:
        t = _table(table)
        return int(self.session.execute(select(func.max(t.c.id))).scalar() or 0)

    def count(self, table: str) -> int:
        t = _table(table)
        return int(self.session.execute(select(func.count()).select_from(t)).scalar_one())

    def reset_sequences(self) -> None:
        """PostgreSQL: move every id sequence past the largest id (no-op on SQLite)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c or not table.c.id.autoincrement:
                continue
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table.name}), 1))"
                )
            )

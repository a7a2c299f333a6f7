"""A per-patient timeline version kept by the database: ``patients.timeline_version`` and
triggers on every timeline table raising it on INSERT, UPDATE and DELETE (see
``atlaxis.storage.triggers``). Existing patients start at 0.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atlaxis.storage.triggers import create_statements, drop_statements

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.add_column(
            sa.Column("timeline_version", sa.BigInteger(), nullable=False, server_default="0")
        )
    for statement in create_statements(op.get_context().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_context().dialect.name):
        op.execute(statement)
    # not batch mode: on SQLite that rebuilds ``patients``, and dropping the old table with
    # foreign keys on deletes every patient-owned row (ON DELETE CASCADE); SQLite >= 3.35
    # drops a plain column in place
    op.drop_column("patients", "timeline_version")

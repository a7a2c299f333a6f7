"""A per-patient diary revision, raised by every edit of a diary entry (the timeline's
diary cache is keyed on it, so an edited entry is never served stale).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.add_column(
            sa.Column("diary_revision", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    # in place (SQLite >= 3.35): batch mode would rebuild ``patients``, and dropping the old
    # table with foreign keys on deletes every patient-owned row (ON DELETE CASCADE)
    op.drop_column("patients", "diary_revision")

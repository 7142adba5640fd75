"""jobs count their runs and when they were last put on the queue (jobs on a task queue)

Revision ID: 0004
Revises: 0003

A job whose worker died goes back to the queue while it has runs left (`attempts`);
`queued_at` tells the reaper which queued jobs to send to the broker again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("queued_at")
        batch.drop_column("attempts")

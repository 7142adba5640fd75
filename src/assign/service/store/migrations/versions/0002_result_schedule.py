"""results keep the year plan of a scenario that asks for one

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.add_column("results", sa.Column("schedule", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("results", "schedule")

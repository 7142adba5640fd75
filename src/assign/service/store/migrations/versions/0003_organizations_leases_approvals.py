"""organisations own regions and tokens; tokens expire and are revoked; jobs hold leases;
results keep their snapshot and region; approvals, cached documents and the audit log

Revision ID: 0003
Revises: 0002

Rows of an older database go to one organisation, «Организация по умолчанию»; a result's
approval becomes an approval row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

DEFAULT_ORG = "Организация по умолчанию"


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sqlite_autoincrement=True,
    )
    bind = op.get_bind()
    has_rows = any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first()
        for table in ("regions", "tokens")
    )
    if has_rows:
        bind.execute(
            sa.text(
                "INSERT INTO organizations (id, name, kind, created_at) "
                "VALUES (1, :name, 'cnppm', CURRENT_TIMESTAMP)"
            ),
            {"name": DEFAULT_ORG},
        )
    with op.batch_alter_table("regions") as batch:
        batch.add_column(sa.Column("org_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("index", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("plan_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("org_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("name", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    bind.execute(sa.text("UPDATE regions SET org_id = 1"))
    bind.execute(sa.text("UPDATE tokens SET org_id = 1"))
    with op.batch_alter_table("regions") as batch:
        batch.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_regions_org", "organizations", ["org_id"], ["id"])
        batch.create_index("ix_regions_org_id", ["org_id"])
    with op.batch_alter_table("tokens") as batch:
        batch.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_tokens_org", "organizations", ["org_id"], ["id"])
        batch.create_index("ix_tokens_org_id", ["org_id"])

    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("stage", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("worker", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    bind.execute(
        sa.text(
            "UPDATE jobs SET region_id = "
            "(SELECT region_id FROM scenarios WHERE scenarios.id = jobs.scenario_id)"
        )
    )
    with op.batch_alter_table("jobs") as batch:
        batch.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("scenario_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            "fk_jobs_region", "regions", ["region_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_jobs_status", ["status"])
        batch.create_index("ix_jobs_scenario_id", ["scenario_id"])

    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("scenario_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("spec", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("feasible", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("plan_files", sa.LargeBinary(), nullable=True))
    bind.execute(
        sa.text(
            "UPDATE results SET region_id = "
            "(SELECT region_id FROM jobs WHERE jobs.id = results.job_id)"
        )
    )
    bind.execute(sa.text("UPDATE results SET spec = '{}'"))
    with op.batch_alter_table("results") as batch:
        batch.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("spec", existing_type=sa.JSON(), nullable=False)
        batch.create_foreign_key(
            "fk_results_region", "regions", ["region_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_results_region_id", ["region_id"])

    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_approvals_region_id", "approvals", ["region_id"])
    bind.execute(
        sa.text(
            "INSERT INTO approvals (region_id, result_id, changed, approved_at) "
            "SELECT region_id, id, 0, approved_at FROM results WHERE approved_at IS NOT NULL"
        )
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("result_id", "name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_org_id", "audit", ["org_id"])
    if bind.dialect.name == "sqlite":  # ids never come back after a delete, as on PostgreSQL
        for table in ("regions", "scenarios", "jobs", "results", "tokens"):
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass


def downgrade() -> None:
    raise NotImplementedError("0003 is not reversible: organisations own every row")

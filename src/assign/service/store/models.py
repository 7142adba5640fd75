"""What the service keeps: organisations, their regions as uploaded, scenarios, jobs, results,
approvals, access tokens, cached documents and the audit log.

A region is stored as the file the planner uploaded (a zip of CSVs or an XLSX workbook), so it
is read by the same loader and validation as on the command line, never by a second parser.
A result keeps a snapshot of what made it (the scenario's name and spec, the plan's files), so
an approved plan stays what it was whatever later happens to its scenario.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Every table: ids are never reused after a delete (SQLite's AUTOINCREMENT)."""

    __table_args__: Any = {"sqlite_autoincrement": True}  # noqa: RUF012 (read by SQLAlchemy)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class OrganizationRecord(Base):
    """A ЦНППМ or a federal operator: everything else belongs to one."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="cnppm")  # or "federal"
    created_at: Mapped[datetime] = mapped_column(default=now)


class RegionRecord(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source_kind: Mapped[str] = mapped_column(String(10))  # "zip" or "xlsx"
    source: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """The upload itself: loaded only by the jobs and documents that read the region."""
    summary: Mapped[dict[str, Any]]
    index: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None, deferred=True)
    """The ids of the region's people, schools and municipalities: scenario references are
    checked against it on save, without reading the upload again."""
    plan_version: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every approval: two approvals racing on one region cannot both succeed."""
    created_at: Mapped[datetime] = mapped_column(default=now)


class ScenarioRecord(Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    spec: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class JobRecord(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), index=True
    )
    """None once its scenario is deleted: the job and its result stay, detached."""
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    progress: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    stage: Mapped[str | None] = mapped_column(String(40), default=None)
    worker: Mapped[str | None] = mapped_column(String(100), default=None)
    """host:pid of the worker process that holds the job."""
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    """The holder's last sign of life: a running job without one for a lease is orphaned."""
    created_at: Mapped[datetime] = mapped_column(default=now)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    """Runs started: on a task queue a job whose worker died runs again while it has runs left."""
    queued_at: Mapped[datetime | None] = mapped_column(default=now)
    """When it was last put on the queue (or sent to the broker again)."""


class ResultRecord(Base):
    """A job's result. Its approvals are `ApprovalRecord` rows (the `approved_at` column that
    databases before 0003 have is left unused)."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    scenario_name: Mapped[str] = mapped_column(String(200), default="")
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """The scenario as it was run: documents are rebuilt from this, not the scenario now."""
    kpi: Mapped[dict[str, Any]]
    assignment: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    feasible: Mapped[bool] = mapped_column(Boolean, default=True)
    schedule: Mapped[list[Any] | None] = mapped_column(JSON, default=None, deferred=True)
    """The year plan's rows, when the scenario asked for one."""
    plan_files: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    """The plan's saved files (assignment/, schedule/) zipped: what the documents read."""


class ApprovalRecord(Base):
    """One approval of a result: the region's current plan is its latest approval."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="RESTRICT"))
    token_id: Mapped[int | None] = mapped_column(Integer, default=None)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    approved_at: Mapped[datetime] = mapped_column(default=now)


class TokenRecord(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


class DocumentRecord(Base):
    """A document of a stored result, rendered once and served from here after."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("result_id", "name"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class AuditRecord(Base):
    """Who did what: approvals, personal-data downloads, token use, deletions. It names
    objects by id and counts, never holds a person's data, and outlives what it names."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    token_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

"""Lookups scoped to the caller's organisation: another organisation's id is not found."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from assign.service.deps import Principal
from assign.service.errors import ApiError, not_found
from assign.service.jobs.queue import STATUS_RU
from assign.service.store.models import JobRecord, RegionRecord, ResultRecord, ScenarioRecord


def region(db: Session, who: Principal, region_id: int) -> RegionRecord:
    found = db.get(RegionRecord, region_id)
    if found is None or found.org_id != who.org_id:
        raise not_found("region", region_id)
    return found


Owned = TypeVar("Owned", ScenarioRecord, JobRecord)


def in_org(model: type[Owned], who: Principal) -> Select[Any]:
    """Rows of `model` (a scenario or a job: it has a region) of the caller's organisation."""
    return (
        select(model)
        .join(RegionRecord, RegionRecord.id == model.region_id)
        .where(RegionRecord.org_id == who.org_id)
    )


def scenario(db: Session, who: Principal, scenario_id: int) -> ScenarioRecord:
    found = db.scalar(in_org(ScenarioRecord, who).where(ScenarioRecord.id == scenario_id))
    if found is None:
        raise not_found("scenario", scenario_id)
    return found


def job(db: Session, who: Principal, job_id: int) -> JobRecord:
    found = db.scalar(in_org(JobRecord, who).where(JobRecord.id == job_id))
    if found is None:
        raise not_found("job", job_id)
    return found


def result(db: Session, who: Principal, job_id: int) -> ResultRecord:
    held = job(db, who, job_id)
    found = db.scalar(select(ResultRecord).where(ResultRecord.job_id == job_id))
    if found is None:
        status = STATUS_RU.get(held.status, held.status)
        raise ApiError(409, "result_not_ready", f"У задания {job_id} нет результата: оно {status}")
    return found

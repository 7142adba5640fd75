"""Scenarios: validated on save (the spec's fields and every id it names, checked against the
region's stored index), so a saved scenario runs; deleting one keeps its approved plans."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import delete, exists, select, update

from assign.service import access
from assign.service.deps import Planner, SessionDep, Viewer
from assign.service.errors import ApiError
from assign.service.routers.common import errors
from assign.service.schemas import IdPath, ScenarioIn, ScenarioOut
from assign.service.spec import check_spec, region_ids
from assign.service.store.models import (
    ApprovalRecord,
    JobRecord,
    ResultRecord,
    ScenarioRecord,
)

router = APIRouter(tags=["scenarios"])


def _out(r: ScenarioRecord) -> ScenarioOut:
    return ScenarioOut(id=r.id, region_id=r.region_id, name=r.name, spec=r.spec)


@router.post("/scenarios", status_code=201, responses=errors(404))
def create_scenario(body: ScenarioIn, who: Planner, db: SessionDep) -> ScenarioOut:
    region = access.region(db, who, body.region_id)
    check_spec(body.name, body.spec, region_ids(region))
    record = ScenarioRecord(region_id=region.id, name=body.name, spec=body.spec)
    db.add(record)
    db.commit()
    return _out(record)


@router.get("/scenarios", responses=errors())
def list_scenarios(who: Viewer, db: SessionDep) -> list[ScenarioOut]:
    records = db.scalars(access.in_org(ScenarioRecord, who).order_by(ScenarioRecord.id))
    return [_out(r) for r in records]


@router.get("/scenarios/{scenario_id}", responses=errors(404))
def read_scenario(scenario_id: IdPath, who: Viewer, db: SessionDep) -> ScenarioOut:
    return _out(access.scenario(db, who, scenario_id))


@router.put("/scenarios/{scenario_id}", responses=errors(404))
def update_scenario(
    scenario_id: IdPath, body: ScenarioIn, who: Planner, db: SessionDep
) -> ScenarioOut:
    """Изменить сценарий; уже полученные решения хранят сценарий таким, каким он был."""
    record = access.scenario(db, who, scenario_id)
    region = access.region(db, who, body.region_id)
    check_spec(body.name, body.spec, region_ids(region))
    record.region_id, record.name, record.spec = region.id, body.name, body.spec
    db.commit()
    return _out(record)


@router.delete("/scenarios/{scenario_id}", status_code=204, responses=errors(404, 409))
def delete_scenario(scenario_id: IdPath, who: Planner, db: SessionDep) -> None:
    """Удалить сценарий: его утверждённые планы остаются (без ссылки на сценарий), прочие
    решения удаляются. Пока задание сценария выполняется, удалить нельзя."""
    record = access.scenario(db, who, scenario_id)
    active = db.scalar(
        select(
            exists().where(
                JobRecord.scenario_id == scenario_id,
                JobRecord.status.in_(("queued", "running", "cancelling")),
            )
        )
    )
    if active:
        raise ApiError(
            409, "scenario_busy", "У сценария есть выполняемое задание: отмените его сначала"
        )
    approved = select(ResultRecord.job_id).join(
        ApprovalRecord, ApprovalRecord.result_id == ResultRecord.id
    )
    db.execute(
        update(JobRecord)
        .where(JobRecord.scenario_id == scenario_id, JobRecord.id.in_(approved))
        .values(scenario_id=None)
    )
    db.execute(delete(JobRecord).where(JobRecord.scenario_id == scenario_id))
    db.delete(record)
    who.audit(db, "scenario.deleted", f"scenario:{scenario_id}")
    db.commit()

"""Regions: uploaded (read in a capped child process, never on the event loop), listed,
and deleted on request with every person's data in them (152-ФЗ); the audit keeps that it
happened and how many records went, not the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from assign.service import access
from assign.service.deps import Admin, Planner, SessionDep, Viewer, engine_of
from assign.service.errors import ApiError
from assign.service.maps import stored_layers
from assign.service.regions import UploadSummary, read_upload
from assign.service.routers.common import errors
from assign.service.schemas import IdPath, RegionOut
from assign.service.spec import forget_region_ids
from assign.service.store.models import (
    ApprovalRecord,
    DocumentRecord,
    JobRecord,
    RegionRecord,
    ResultRecord,
    ScenarioRecord,
)

router = APIRouter(tags=["regions"])

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "ZIP с CSV (и region.yaml) или книга XLSX",
                        }
                    },
                }
            }
        },
    }
}


def _out(record: RegionRecord) -> RegionOut:
    return RegionOut(id=record.id, name=record.name, summary=record.summary)


async def _uploaded_file(request: Request) -> tuple[str, bytes]:
    """The `file` part of the form, read only now: after the caller was authenticated."""
    try:
        form = await request.form(max_files=1, max_fields=5)
    except ApiError:
        raise
    except Exception as exc:
        if getattr(exc, "status_code", None) == 413:
            raise
        raise ApiError(400, "upload_format", "Ожидается форма multipart с полем file") from exc
    part = form.get("file")
    if not isinstance(part, UploadFile):
        raise ApiError(400, "upload_format", "Ожидается форма multipart с полем file")
    return part.filename or "region", await part.read()


@router.post("/regions", status_code=201, responses=errors(400, 413), openapi_extra=UPLOAD_BODY)
async def upload_region(request: Request, who: Planner) -> RegionOut:
    """Загрузить регион: проверка теми же правилами, что и в командной строке; ошибки
    данных возвращаются списком (файл, строка, столбец, значение, код, сообщение)."""
    filename, data = await _uploaded_file(request)
    isolated = request.app.state.isolated
    checked: UploadSummary = await isolated.run(read_upload, data)
    name = (checked.settings_name or Path(filename).stem or "region")[:200]
    return await run_in_threadpool(_store, engine_of(request), who, name, data, checked)


def _store(engine: Any, who: Any, name: str, data: bytes, checked: UploadSummary) -> RegionOut:
    with Session(engine) as db:
        record = RegionRecord(
            org_id=who.org_id,
            name=name,
            source_kind=checked.kind,
            source=data,
            summary=checked.summary,
            index=checked.index,
        )
        db.add(record)
        db.flush()
        who.audit(db, "region.uploaded", f"region:{record.id}", **checked.summary)
        db.commit()
        return _out(record)


@router.get("/regions", responses=errors())
def list_regions(who: Viewer, db: SessionDep) -> list[RegionOut]:
    records = db.scalars(
        select(RegionRecord).where(RegionRecord.org_id == who.org_id).order_by(RegionRecord.id)
    )
    return [_out(r) for r in records]


@router.get("/regions/{region_id}", responses=errors(404))
def read_region(region_id: IdPath, who: Viewer, db: SessionDep) -> RegionOut:
    return _out(access.region(db, who, region_id))


@router.get("/regions/{region_id}/map", responses=errors(404, 409))
def region_map(region_id: IdPath, who: Viewer, db: SessionDep) -> dict[str, Any]:
    """Слои карты региона: муниципалитеты, школы, базы методистов и муниципалитеты, куда
    в каждом месяце не добраться ни одному методисту."""
    layers = stored_layers(db, access.region(db, who, region_id))
    return {k: v for k, v in layers.items() if k != "teacher_school"}


@router.delete("/regions/{region_id}", status_code=204, responses=errors(404))
def delete_region(region_id: IdPath, who: Admin, db: SessionDep) -> None:
    """Удалить регион и все персональные данные в нём (152-ФЗ): загрузку, сценарии,
    задания, решения, утверждённые планы и документы. В журнале остаётся факт удаления."""
    record = access.region(db, who, region_id)
    results = select(ResultRecord.id).where(ResultRecord.region_id == region_id)
    counts = {
        "teachers": record.summary.get("teachers", 0),
        "scenarios": db.scalar(
            select(func.count())
            .select_from(ScenarioRecord)
            .where(ScenarioRecord.region_id == region_id)
        ),
        "results": db.scalar(
            select(func.count()).select_from(ResultRecord).where(results.whereclause)  # type: ignore[arg-type]
        ),
    }
    # cancel first: a worker still holding one of its jobs writes nothing after this
    db.execute(
        update(JobRecord)
        .where(JobRecord.region_id == region_id, JobRecord.status.in_(("queued", "running")))
        .values(status="cancelled")
    )
    db.execute(delete(DocumentRecord).where(DocumentRecord.result_id.in_(results)))
    db.execute(delete(ApprovalRecord).where(ApprovalRecord.region_id == region_id))
    db.execute(delete(ResultRecord).where(ResultRecord.region_id == region_id))
    db.execute(delete(JobRecord).where(JobRecord.region_id == region_id))
    db.execute(delete(ScenarioRecord).where(ScenarioRecord.region_id == region_id))
    db.execute(delete(RegionRecord).where(RegionRecord.id == region_id))
    who.audit(db, "region.deleted", f"region:{region_id}", **counts)
    db.commit()
    forget_region_ids(region_id)

"""Results: the plan, its year, side-by-side comparison, approval (serialised per region,
feasible plans only) and documents made from the stored plan, cached, audited."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, undefer
from starlette.concurrency import run_in_threadpool

from assign.assignment.output import PERSON_CSV
from assign.io.safe_text import csv_text_back, file_name_text
from assign.service import access
from assign.service.deps import Planner, Principal, SessionDep, Viewer, engine_of
from assign.service.documents import DOCUMENTS, render
from assign.service.errors import ApiError
from assign.service.jobs.execute import current_plan
from assign.service.maps import plan_map, stored_layers
from assign.service.routers.common import errors
from assign.service.schemas import IdPath, PlanOut, Realignment, ResultOut, RowId
from assign.service.store.models import (
    ApprovalRecord,
    DocumentRecord,
    RegionRecord,
    ResultRecord,
)

router = APIRouter(tags=["results"])
T = TypeVar("T")
CHANGES_FILE = "assignment/changes.csv"
UNPLACED_FILE = "assignment/unplaced.csv"
Page = Annotated[int, Query(ge=0, le=2**31 - 1)]
Limit = Annotated[int, Query(ge=1, le=10000)]


class PerResult(Generic[T]):
    """What is read once per stored result (results never change), for the last few read;
    keyed by database and id, as one process may serve more than one database (tests)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, int], T] = OrderedDict()

    def get(self, db: Session, result_id: int, make: Callable[[], T]) -> T:
        key = (str(db.get_bind().engine.url), result_id)
        if key in self.items:
            self.items.move_to_end(key)
        else:
            self.items[key] = make()
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return self.items[key]


_pairs: PerResult[list[tuple[str, str]]] = PerResult()


def _sorted_pairs(db: Session, record: ResultRecord) -> list[tuple[str, str]]:
    """A result's pairs in teacher order."""
    return _pairs.get(db, record.id, lambda: sorted(record.assignment.items()))


@router.get("/jobs/{job_id}/result", responses=errors(404, 409))
def read_result(
    job_id: IdPath, who: Viewer, db: SessionDep, offset: Page = 0, limit: Limit = 1000
) -> ResultOut:
    record = access.result(db, who, job_id)
    pairs = _sorted_pairs(db, record)
    approved = db.scalar(select(ApprovalRecord.id).where(ApprovalRecord.result_id == record.id))
    return ResultOut(
        job_id=job_id,
        scenario=record.scenario_name,
        kpi=record.kpi,
        feasible=record.feasible,
        total=len(pairs),
        offset=offset,
        assignment=[
            {"teacher_id": t, "methodist_id": m} for t, m in pairs[offset : offset + limit]
        ],
        approved=approved is not None,
    )


@router.get("/jobs/{job_id}/map", responses=errors(404, 409))
def result_map(job_id: IdPath, who: Viewer, db: SessionDep) -> dict[str, Any]:
    """Кто ведёт педагогов каждой школы в этом решении (методист и число педагогов,
    основной первым) и нагрузка методистов против их пределов."""
    record = access.result(db, who, job_id)
    layers = stored_layers(db, access.region(db, who, record.region_id))
    return {
        **plan_map(layers, record.assignment),
        "methodists": record.kpi.get("methodists", []),
    }


@router.get("/jobs/{job_id}/changes", responses=errors(404, 409))
def result_changes(
    job_id: IdPath, who: Viewer, db: SessionDep, offset: Page = 0, limit: Limit = 1000
) -> dict[str, Any]:
    """Список изменений решения против закрепления, с которого начинался расчёт: педагог,
    школа, предмет, прежний и новый методист (с именами) и причина; и педагоги, оставшиеся
    без методиста, с причиной (первые `limit`)."""
    record = access.result(db, who, job_id)
    rows = _plan_rows(db, record, CHANGES_FILE)
    unplaced = _plan_rows(db, record, UNPLACED_FILE)
    return {
        "total": len(rows),
        "offset": offset,
        "rows": rows[offset : offset + limit],
        "unplaced_total": len(unplaced),
        "unplaced": unplaced[:limit],
    }


_plan_tables: PerResult[dict[str, list[dict[str, str]]]] = PerResult()


def _plan_rows(db: Session, record: ResultRecord, name: str) -> list[dict[str, str]]:
    """A table a person reads (changes.csv, unplaced.csv) from the stored plan's files."""

    def read() -> dict[str, list[dict[str, str]]]:
        files = db.scalar(select(ResultRecord.plan_files).where(ResultRecord.id == record.id))
        tables: dict[str, list[dict[str, str]]] = {}
        if not files:
            return tables
        with zipfile.ZipFile(io.BytesIO(files)) as archive:
            for member in (CHANGES_FILE, UNPLACED_FILE):
                if member not in archive.namelist():
                    continue
                text = archive.read(member).decode(PERSON_CSV["encoding"])
                reader = csv.DictReader(io.StringIO(text), delimiter=PERSON_CSV["delimiter"])
                tables[member] = [{k: csv_text_back(v) for k, v in r.items()} for r in reader]
        return tables

    return _plan_tables.get(db, record.id, read).get(name, [])


@router.get("/jobs/{job_id}/schedule", responses=errors(404, 409))
def read_schedule(
    job_id: IdPath, who: Viewer, db: SessionDep, offset: Page = 0, limit: Limit = 1000
) -> dict[str, Any]:
    """План года решения (если сценарий его просил): мероприятия по дням и часам, затем
    не запланированные — с причиной."""
    record = access.result(db, who, job_id)
    if record.schedule is None:
        raise ApiError(404, "schedule_absent", "Сценарий не просил план года (plan_year)")
    rows = record.schedule[offset : offset + limit]
    return {"total": len(record.schedule), "offset": offset, "rows": rows}


COMPARED = ("served", "unserved", "changed", "travel_hours_mean", "travel_hours_max")


@router.get("/compare", responses=errors(404, 409))
def compare(
    who: Viewer,
    db: SessionDep,
    jobs_: Annotated[list[RowId], Query(alias="jobs", min_length=2, max_length=10)],
) -> dict[str, Any]:
    """Сравнить решения: показатели рядом и педагоги, у которых разные методисты."""
    records = [access.result(db, who, j) for j in jobs_]
    keys = (*COMPARED, "share_within_2h")
    table = {
        str(j): {k: r.kpi.get("overall", {}).get(k) for k in keys}
        | {"status": r.kpi.get("status"), "realigned": r.kpi.get("realigned")}
        for j, r in zip(jobs_, records, strict=True)
    }
    teachers = sorted(set().union(*(r.assignment for r in records)))
    differ = [
        {
            "teacher_id": t,
            **{str(j): r.assignment.get(t) for j, r in zip(jobs_, records, strict=True)},
        }
        for t in teachers
        if len({r.assignment.get(t) for r in records}) > 1
    ]
    pools = {str(j): r.kpi.get("pool") for j, r in zip(jobs_, records, strict=True)}
    shown = differ[:1000]
    names = _names(db, who, records)
    for item in shown:  # the names a person reads, beside the ids (none for one not known)
        item["full_name"] = names.get(str(item["teacher_id"]))
        item["names"] = {str(j): names.get(str(item[str(j)] or "")) for j in jobs_}
    return {
        "kpi": table,
        "differing_teachers": len(differ),
        "teachers": shown,
        "pool": pools,
    }


def _names(db: Session, who: Principal, records: list[ResultRecord]) -> dict[str, str]:
    """Teachers' and methodists' names by id: from the names kept with each region's upload,
    and from the results' own tables of changes (a region uploaded before the names were
    kept, people a scenario added)."""
    names: dict[str, str] = {}
    for region_id in {record.region_id for record in records}:
        index = access.region(db, who, region_id).index or {}
        names.update(index.get("names") or {})
    for record in records:
        for row in _plan_rows(db, record, CHANGES_FILE) + _plan_rows(db, record, UNPLACED_FILE):
            names.setdefault(row.get("teacher_id", ""), row.get("full_name", ""))
            for side in ("from", "to"):
                key, name = row.get(f"{side}_methodist_id"), row.get(f"{side}_methodist")
                if key and name:
                    names.setdefault(key, name)
    names.pop("", None)
    return names


def _before(db: Session, region: RegionRecord) -> dict[str, str]:
    _, current = current_plan(db, region.id)
    if current is not None:
        return current
    index = region.index or {}
    return dict(index.get("current", {}))


@router.post("/jobs/{job_id}/approve", responses=errors(404, 409))
def approve(job_id: IdPath, who: Planner, db: SessionDep) -> Realignment:
    """Утвердить решение: оно становится текущим закреплением региона; прежние остаются
    неизменными снимками, которые можно восстановить тем же запросом. Утверждения одного
    региона идут по одному; утвердить можно только допустимый план."""
    record = access.result(db, who, job_id)
    if not record.feasible:
        raise ApiError(
            409,
            "plan_infeasible",
            f"Решение задания {job_id} недопустимо ({record.kpi.get('status')}): "
            "утвердить можно только допустимый план",
        )
    region = access.region(db, who, record.region_id)
    db.refresh(region, ["index"])
    version = region.plan_version
    before = _before(db, region)
    try:
        claimed = db.execute(
            update(RegionRecord)
            .where(RegionRecord.id == region.id, RegionRecord.plan_version == version)
            .values(plan_version=version + 1)
        ).rowcount  # type: ignore[attr-defined]
    except OperationalError:  # SQLite: a write of another approval came between
        claimed = 0
    if claimed != 1:
        db.rollback()
        raise ApiError(
            409, "approval_conflict", "Другое утверждение этого региона прошло раньше: повторите"
        )
    after = record.assignment
    differ = [  # a teacher left without a methodist differs too (after: null)
        {"teacher_id": t, "before": before.get(t), "after": after.get(t)}
        for t in sorted(set(before) | set(after))
        if before.get(t) != after.get(t)
    ]
    # as the order counts them: a teacher who had a methodist and now has another or none;
    # one who had none is assigned for the first time, not changed
    changed = sum(1 for row in differ if row["before"] is not None)
    db.add(
        ApprovalRecord(
            region_id=region.id, result_id=record.id, token_id=who.token_id, changed=changed
        )
    )
    who.audit(db, "plan.approved", f"job:{job_id}", region=region.id, changed=changed)
    db.commit()
    return Realignment(
        job_id=job_id, changed=changed, newly_assigned=len(differ) - changed, teachers=differ
    )


@router.get("/regions/{region_id}/plans", responses=errors(404))
def approved_plans(region_id: IdPath, who: Viewer, db: SessionDep) -> list[PlanOut]:
    """Утверждённые планы региона, последний — текущий; прежний восстанавливается
    повторным утверждением (`POST /jobs/{id}/approve`)."""
    access.region(db, who, region_id)
    rows = db.execute(
        select(ResultRecord.job_id, ResultRecord.scenario_name, ApprovalRecord)
        .join(ApprovalRecord, ApprovalRecord.result_id == ResultRecord.id)
        .where(ApprovalRecord.region_id == region_id)
        .order_by(ApprovalRecord.id.desc())
    ).all()
    return [
        PlanOut(
            job_id=job_id,
            scenario=name,
            approved_at=approval.approved_at,
            changed=approval.changed,
            current=n == 0,
        )
        for n, (job_id, name, approval) in enumerate(rows)
    ]


@router.get("/jobs/{job_id}/documents/{name}", responses=errors(404, 409))
async def download(job_id: IdPath, name: str, who: Viewer, request: Request) -> Response:
    """Документы решения: order.docx, assignment.xlsx, roadmaps.xlsx, iom.zip (карты ИОМ) или
    plan.xlsx (книга плана), построенные по сохранённому плану; выгрузка персональных данных
    записывается в журнал."""
    if name not in DOCUMENTS:
        raise ApiError(404, "document_unknown", "Документы: " + ", ".join(DOCUMENTS))
    engine = engine_of(request)  # sessions of its own: none is held while documents render
    content, sources, scenario = await run_in_threadpool(
        _cached_or_sources, engine, who, job_id, name
    )
    if content is None:
        result_id, *arguments = sources
        documents: dict[str, bytes] = await request.app.state.isolated.run(render, *arguments)
        await run_in_threadpool(_keep, engine, result_id, documents)
        content = documents[name]
    await run_in_threadpool(_downloaded, engine, who, job_id, name)
    return Response(
        content,
        media_type=DOCUMENTS[name],
        headers={"Content-Disposition": _saved_as(scenario, name)},
    )


def _saved_as(scenario: str, name: str) -> str:
    """The download's file name: the scenario's and the document's («Федеральная норма —
    order.docx»), so a folder of downloads tells them apart; the plain name for programs
    that do not read RFC 6266's UTF-8 form."""
    readable = file_name_text(scenario, " ").strip()[:80].strip()
    full = f"{readable} — {name}" if readable else name
    return f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(full)}"


def _cached_or_sources(
    engine: Engine, who: Principal, job_id: int, name: str
) -> tuple[bytes | None, tuple[Any, ...], str]:
    """The document rendered before, or what rendering it takes: the result's id, the
    region's upload, the scenario's name and spec, and the plan's files; and the scenario's
    name either way."""
    with Session(engine) as db:
        record = access.result(db, who, job_id)
        content = db.scalar(
            select(DocumentRecord.content).where(
                DocumentRecord.result_id == record.id, DocumentRecord.name == name
            )
        )
        if content is not None:
            return content, (), record.scenario_name
        region = access.region(db, who, record.region_id)
        source = db.scalar(select(RegionRecord.source).where(RegionRecord.id == region.id))
        plan = db.scalar(
            select(ResultRecord)
            .options(undefer(ResultRecord.plan_files))
            .where(ResultRecord.id == record.id)
        )
        if plan is None or plan.plan_files is None or source is None:
            raise ApiError(409, "plan_files_absent", "У решения нет сохранённых файлов плана")
        sources = (record.id, source, record.scenario_name, record.spec, plan.plan_files)
        return None, sources, record.scenario_name


def _keep(engine: Engine, result_id: int, documents: dict[str, bytes]) -> None:
    with Session(engine) as cache:
        try:
            cache.add_all(
                DocumentRecord(result_id=result_id, name=n, content=c) for n, c in documents.items()
            )
            cache.commit()
        except IntegrityError:  # rendered at the same time by another request
            cache.rollback()


def _downloaded(engine: Engine, who: Principal, job_id: int, name: str) -> None:
    with Session(engine) as db:
        who.audit(db, "documents.downloaded", f"job:{job_id}", document=name)
        db.commit()

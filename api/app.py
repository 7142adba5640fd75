"""The FastAPI application: regions uploaded and validated, scenarios kept, access by token.

Every error is JSON with a stable `code` and a Russian `message`; validation problems of an
uploaded region come back as data (`issues`: file, row, column, value, code, message), never as
a server error. Roles: viewer reads, planner creates and runs scenarios, admin manages regions.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Header, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.jobs import (
    JobRunner,
    ProcessJobRunner,
    approved_assignment,
    fail_interrupted,
    region_of,
)
from api.uploads import MAX_UPLOAD_BYTES, ApiError, unpack_region
from assign.assignment import build_problem
from assign.documents.iom import iom_cards, write_iom_cards
from assign.documents.order import write_order
from assign.documents.roadmap import write_roadmaps
from assign.documents.settings import DocumentSettings
from assign.documents.workbook import write_workbook
from assign.events.calendar import load_calendar
from assign.events.catalogue import load_catalogue
from assign.events.outline import outline
from assign.io import load_region
from assign.scenario import Scenario, apply
from assign.store import ROLES, create_token, open_database, role_of
from assign.store.models import JobRecord, RegionRecord, ResultRecord, ScenarioRecord, now

MAX_TEACHERS = 300_000  # a region above this is not a region: refused before solving
DOCUMENTS = {
    "order.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "assignment.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "roadmaps.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "iom.zip": "application/zip",
}


class ErrorBody(BaseModel):
    code: str = Field(examples=["region_invalid"])
    message: str = Field(examples=["Данные региона содержат ошибки"])


class RegionOut(BaseModel):
    id: int
    name: str
    summary: dict[str, Any] = Field(
        examples=[{"teachers": 10800, "schools": 490, "municipalities": 30, "methodists": 60}]
    )


MAX_ID = 2**31 - 1  # ids are 32-bit in every database the service runs on
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
RegionId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
ScenarioId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
JobId = Annotated[int, PathParam(ge=1, le=MAX_ID)]


class TokenIn(BaseModel):
    role: str = Field(pattern="^(viewer|planner|admin)$", examples=["planner"])


class ScenarioIn(BaseModel):
    region_id: RowId
    name: str = Field(min_length=1, max_length=200, examples=["Норма 200–250"])
    spec: dict[str, Any] = Field(
        default_factory=dict, examples=[{"assignment": {"preset": "federal"}}]
    )


class ScenarioOut(ScenarioIn):
    id: int


def _region_summary(region: Any) -> dict[str, int]:
    return {
        "teachers": len(region.teachers),
        "schools": len(region.schools),
        "municipalities": len(region.municipalities),
        "methodists": len(region.methodists),
        "candidates": len(region.candidates),
    }


def _session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]


class JobOut(BaseModel):
    id: int
    scenario_id: int
    status: str = Field(examples=["running"])
    progress: dict[str, Any] = Field(
        examples=[{"done": 3, "total": 19, "current": "Химия", "objective": 812.4, "bound": 812.4}]
    )
    error: str | None = None


class ResultOut(BaseModel):
    job_id: int
    kpi: dict[str, Any]
    total: int
    offset: int
    assignment: list[dict[str, str]] = Field(
        examples=[[{"teacher_id": "TMB-T00001", "methodist_id": "TMB-MET010"}]]
    )
    approved: bool


class Realignment(BaseModel):
    job_id: int
    changed: int
    teachers: list[dict[str, str | None]]


def _job_out(job: JobRecord) -> JobOut:
    return JobOut(
        id=job.id,
        scenario_id=job.scenario_id,
        status=job.status,
        progress=job.progress,
        error=job.error,
    )


def create_app(database_url: str | None = None, runner: JobRunner | None = None) -> FastAPI:
    engine = open_database(database_url)
    with Session(engine) as session:
        fail_interrupted(session)
    jobs = runner or ProcessJobRunner(engine.url.render_as_string(hide_password=False))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="assign — планирование регионального методического актива",
        version="0.1.0",
        description="Регионы, сценарии «что если» и их решения. Доступ по токену "
        "(`Authorization: Bearer …`); роли viewer, planner, admin.",
    )
    app.state.engine = engine

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            {"code": exc.code, "message": exc.message, **exc.extra}, status_code=exc.status
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(p) for p in e["loc"]) for e in exc.errors()]
        return JSONResponse(
            {
                "code": "request_invalid",
                "message": "Неверный запрос: " + ", ".join(fields),
                "fields": fields,
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {
            404: ("not_found", "Нет такого адреса"),
            405: ("method_not_allowed", "Метод не поддерживается"),
        }
        code, message = codes.get(exc.status_code, ("http_error", "Ошибка запроса"))
        return JSONResponse({"code": code, "message": message}, status_code=exc.status_code)

    def require(role: str) -> Callable[..., str]:
        needed = ROLES.index(role)

        def check(authorization: Annotated[str | None, Header()] = None) -> str:
            if not authorization or not authorization.startswith("Bearer "):
                raise ApiError(
                    401, "auth_required", "Нужен токен доступа (Authorization: Bearer …)"
                )
            found = role_of(engine, authorization.removeprefix("Bearer ").strip())
            if found is None:
                raise ApiError(401, "auth_invalid", "Токен не найден")
            if ROLES.index(found) < needed:
                raise ApiError(403, "forbidden", f"Недостаточно прав: нужна роль {role}")
            return found

        return check

    errors: dict[int | str, dict[str, Any]] = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}}

    @app.post(
        "/tokens",
        status_code=201,
        tags=["service"],
        responses=errors,
        dependencies=[Depends(require("admin"))],
    )
    def new_token(body: TokenIn) -> dict[str, str]:
        """Новый токен (показывается один раз: хранится только его хэш)."""
        return {"role": body.role, "token": create_token(engine, body.role)}

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(
        "/regions",
        status_code=201,
        tags=["regions"],
        responses={
            **errors,
            400: {"model": ErrorBody},
            413: {"model": ErrorBody},
            422: {"model": ErrorBody},
        },
        dependencies=[Depends(require("admin"))],
    )
    async def upload_region(
        db: SessionDep, file: Annotated[UploadFile, File(description="ZIP с CSV или XLSX")]
    ) -> RegionOut:
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise ApiError(413, "upload_too_large", "Файл больше 50 МБ")
        with tempfile.TemporaryDirectory() as tmp:
            path = unpack_region(data, Path(tmp))
            loaded = load_region(path)
        if loaded.region is None:
            issues = [
                {
                    "file": i.file,
                    "row": i.row,
                    "column": i.column,
                    "value": i.value,
                    "code": i.code.value,
                    "message": i.message,
                }
                for i in loaded.report.errors
            ]
            raise ApiError(422, "region_invalid", "Данные региона содержат ошибки", issues=issues)
        if len(loaded.region.teachers) > MAX_TEACHERS:
            raise ApiError(413, "too_many_rows", f"Больше {MAX_TEACHERS} педагогов в регионе")
        name = Path(file.filename or "region").stem
        record = RegionRecord(
            name=name,
            source_kind="xlsx" if path.suffix == ".xlsx" else "zip",
            source=data,
            summary=_region_summary(loaded.region),
        )
        db.add(record)
        db.commit()
        return RegionOut(id=record.id, name=record.name, summary=record.summary)

    @app.get(
        "/regions", tags=["regions"], responses=errors, dependencies=[Depends(require("viewer"))]
    )
    def list_regions(db: SessionDep) -> list[RegionOut]:
        records = db.scalars(select(RegionRecord).order_by(RegionRecord.id))
        return [RegionOut(id=r.id, name=r.name, summary=r.summary) for r in records]

    @app.get(
        "/regions/{region_id}",
        tags=["regions"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("viewer"))],
    )
    def read_region(region_id: RegionId, db: SessionDep) -> RegionOut:
        record = db.get(RegionRecord, region_id)
        if record is None:
            raise ApiError(404, "region_not_found", f"Регион {region_id} не найден")
        return RegionOut(id=record.id, name=record.name, summary=record.summary)

    def _scenario(db: Session, scenario_id: int) -> ScenarioRecord:
        record = db.get(ScenarioRecord, scenario_id)
        if record is None:
            raise ApiError(404, "scenario_not_found", f"Сценарий {scenario_id} не найден")
        return record

    def _out(r: ScenarioRecord) -> ScenarioOut:
        return ScenarioOut(id=r.id, region_id=r.region_id, name=r.name, spec=r.spec)

    @app.post(
        "/scenarios",
        status_code=201,
        tags=["scenarios"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("planner"))],
    )
    def create_scenario(body: ScenarioIn, db: SessionDep) -> ScenarioOut:
        if db.get(RegionRecord, body.region_id) is None:
            raise ApiError(404, "region_not_found", f"Регион {body.region_id} не найден")
        record = ScenarioRecord(region_id=body.region_id, name=body.name, spec=body.spec)
        db.add(record)
        db.commit()
        return _out(record)

    @app.get(
        "/scenarios",
        tags=["scenarios"],
        responses=errors,
        dependencies=[Depends(require("viewer"))],
    )
    def list_scenarios(db: SessionDep) -> list[ScenarioOut]:
        return [_out(r) for r in db.scalars(select(ScenarioRecord).order_by(ScenarioRecord.id))]

    @app.get(
        "/scenarios/{scenario_id}",
        tags=["scenarios"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("viewer"))],
    )
    def read_scenario(scenario_id: ScenarioId, db: SessionDep) -> ScenarioOut:
        return _out(_scenario(db, scenario_id))

    @app.put(
        "/scenarios/{scenario_id}",
        tags=["scenarios"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("planner"))],
    )
    def update_scenario(scenario_id: ScenarioId, body: ScenarioIn, db: SessionDep) -> ScenarioOut:
        record = _scenario(db, scenario_id)
        if db.get(RegionRecord, body.region_id) is None:
            raise ApiError(404, "region_not_found", f"Регион {body.region_id} не найден")
        record.region_id, record.name, record.spec = body.region_id, body.name, body.spec
        db.commit()
        return _out(record)

    @app.delete(
        "/scenarios/{scenario_id}",
        status_code=204,
        tags=["scenarios"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("planner"))],
    )
    def delete_scenario(scenario_id: ScenarioId, db: SessionDep) -> None:
        db.delete(_scenario(db, scenario_id))
        db.commit()

    def _job(db: Session, job_id: int) -> JobRecord:
        job = db.get(JobRecord, job_id)
        if job is None:
            raise ApiError(404, "job_not_found", f"Задание {job_id} не найдено")
        return job

    def _result(db: Session, job_id: int) -> ResultRecord:
        job = _job(db, job_id)
        record = db.scalar(select(ResultRecord).where(ResultRecord.job_id == job_id))
        if record is None:
            raise ApiError(
                409, "result_not_ready", f"У задания {job_id} нет результата: {job.status}"
            )
        return record

    @app.post(
        "/scenarios/{scenario_id}/jobs",
        status_code=202,
        tags=["jobs"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("planner"))],
    )
    def run_job(scenario_id: ScenarioId, db: SessionDep) -> JobOut:
        """Запустить сценарий: задание ставится в очередь, ответ — сразу."""
        _scenario(db, scenario_id)
        job = JobRecord(scenario_id=scenario_id, status="queued", progress={})
        db.add(job)
        db.commit()
        jobs.submit(job.id)
        return _job_out(job)

    @app.get(
        "/jobs/{job_id}",
        tags=["jobs"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("viewer"))],
    )
    def read_job(job_id: JobId, db: SessionDep) -> JobOut:
        return _job_out(_job(db, job_id))

    @app.post(
        "/jobs/{job_id}/cancel",
        status_code=202,
        tags=["jobs"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("planner"))],
    )
    def cancel_job(job_id: JobId, db: SessionDep) -> JobOut:
        job = _job(db, job_id)
        if job.status == "queued":
            job.status = "cancelled"
        elif job.status == "running":
            job.status = "cancelling"  # the job stops at its next subject group
        db.commit()
        return _job_out(job)

    @app.get(
        "/jobs/{job_id}/result",
        tags=["results"],
        responses={**errors, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        dependencies=[Depends(require("viewer"))],
    )
    def read_result(
        job_id: JobId,
        db: SessionDep,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    ) -> ResultOut:
        record = _result(db, job_id)
        pairs = sorted(record.assignment.items())
        return ResultOut(
            job_id=job_id,
            kpi=record.kpi,
            total=len(pairs),
            offset=offset,
            assignment=[
                {"teacher_id": t, "methodist_id": m} for t, m in pairs[offset : offset + limit]
            ],
            approved=record.approved_at is not None,
        )

    @app.get(
        "/jobs/{job_id}/schedule",
        tags=["results"],
        responses={**errors, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        dependencies=[Depends(require("viewer"))],
    )
    def read_schedule(
        job_id: JobId,
        db: SessionDep,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    ) -> dict[str, Any]:
        """План года решения (если сценарий его просил): мероприятия по дням и часам, затем
        не запланированные — с причиной."""
        record = _result(db, job_id)
        if record.schedule is None:
            raise ApiError(404, "schedule_absent", "Сценарий не просил план года (plan_year)")
        rows = record.schedule[offset : offset + limit]
        return {"total": len(record.schedule), "offset": offset, "rows": rows}

    @app.get(
        "/compare",
        tags=["results"],
        responses={**errors, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        dependencies=[Depends(require("viewer"))],
    )
    def compare(
        db: SessionDep,
        jobs_: Annotated[list[RowId], Query(alias="jobs", min_length=2, max_length=10)],
    ) -> dict[str, Any]:
        """Сравнить решения: показатели рядом и педагоги, у которых разные методисты."""
        records = [_result(db, j) for j in jobs_]
        keys = (
            "served",
            "unserved",
            "changed",
            "travel_hours_mean",
            "travel_hours_max",
            "share_within_2h",
        )
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
        return {
            "kpi": table,
            "differing_teachers": len(differ),
            "teachers": differ[:1000],
            "pool": pools,
        }

    @app.post(
        "/jobs/{job_id}/approve",
        tags=["results"],
        responses={**errors, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        dependencies=[Depends(require("planner"))],
    )
    def approve(job_id: JobId, db: SessionDep) -> Realignment:
        """Утвердить решение: оно становится текущим закреплением региона; прежние остаются
        снимками, которые можно восстановить тем же запросом. Ответ — отчёт о перезакреплении."""
        record = _result(db, job_id)
        job = _job(db, job_id)
        scenario = _scenario(db, job.scenario_id)
        before = approved_assignment(db, scenario.region_id)
        if before is None:
            region_record = db.get(RegionRecord, scenario.region_id)
            assert region_record is not None
            before = dict(region_of(region_record).current_methodist_of)
        record.approved_at = now()
        db.commit()
        after = record.assignment
        changed = [  # a teacher left without a methodist is a change too (after: null)
            {"teacher_id": t, "before": before.get(t), "after": after.get(t)}
            for t in sorted(set(before) | set(after))
            if before.get(t) != after.get(t)
        ]
        return Realignment(job_id=job_id, changed=len(changed), teachers=changed)

    @app.get(
        "/regions/{region_id}/plans",
        tags=["results"],
        responses={**errors, 404: {"model": ErrorBody}},
        dependencies=[Depends(require("viewer"))],
    )
    def approved_plans(region_id: RegionId, db: SessionDep) -> list[dict[str, Any]]:
        """Утверждённые планы региона, последний — текущий; прежний восстанавливается
        повторным утверждением (`POST /jobs/{id}/approve`)."""
        if db.get(RegionRecord, region_id) is None:
            raise ApiError(404, "region_not_found", f"Регион {region_id} не найден")
        rows = db.execute(
            select(ResultRecord.job_id, ResultRecord.approved_at, ScenarioRecord.name)
            .join(JobRecord, ResultRecord.job_id == JobRecord.id)
            .join(ScenarioRecord, JobRecord.scenario_id == ScenarioRecord.id)
            .where(ScenarioRecord.region_id == region_id, ResultRecord.approved_at.is_not(None))
            .order_by(ResultRecord.approved_at.desc(), ResultRecord.id.desc())
        ).all()
        return [
            {
                "job_id": job_id,
                "scenario": name,
                "approved_at": when.isoformat() if when else None,
                "current": n == 0,
            }
            for n, (job_id, when, name) in enumerate(rows)
        ]

    @app.get(
        "/jobs/{job_id}/documents/{name}",
        tags=["results"],
        responses={**errors, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
        dependencies=[Depends(require("viewer"))],
    )
    def download(job_id: JobId, name: str, db: SessionDep) -> Response:
        """Документы решения: order.docx, assignment.xlsx, roadmaps.xlsx или iom.zip (карты ИОМ)."""
        if name not in DOCUMENTS:
            raise ApiError(404, "document_unknown", "Документы: " + ", ".join(DOCUMENTS))
        record = _result(db, job_id)
        scenario = _scenario(db, _job(db, job_id).scenario_id)
        region_record = db.get(RegionRecord, scenario.region_id)
        assert region_record is not None
        spec = Scenario.model_validate({"name": scenario.name, **scenario.spec})
        region = apply(region_of(region_record), spec)
        problem = build_problem(region, spec.assignment)
        assignment = {t: m for t, m in record.assignment.items() if m in region.methodist_by_id}
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            if name == "order.docx":
                write_order(region, assignment, DocumentSettings(), path, problem)
            elif name == "assignment.xlsx":
                unplaced = [t.teacher_id for t in region.teachers if t.teacher_id not in assignment]
                write_workbook(problem, assignment, unplaced, path)
            else:
                planned = outline(region, assignment, load_catalogue(), load_calendar().start_year)
                if name == "roadmaps.xlsx":
                    write_roadmaps(region, planned, path)
                else:
                    cards = write_iom_cards(
                        region, iom_cards(region, planned), DocumentSettings(), Path(tmp) / "iom"
                    )
                    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                        for card in cards:
                            archive.write(card, card.name)
            content = path.read_bytes()
        return Response(
            content,
            media_type=DOCUMENTS[name],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return app

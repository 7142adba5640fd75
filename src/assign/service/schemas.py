"""Request and response bodies, by resource and by who sends them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

MAX_ID = 2**31 - 1  # ids are 32-bit in every database the service runs on
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, PathParam(ge=1, le=MAX_ID)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenIn(Strict):
    role: Literal["viewer", "planner", "admin"] = Field(examples=["planner"])
    name: Annotated[str, Field(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    days: float = Field(90, gt=0, le=3660, allow_inf_nan=False, description="срок действия, дней")


class TokenOut(BaseModel):
    id: int
    role: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="секрет: показывается один раз, хранится только хэш")


class RegionOut(BaseModel):
    id: int
    name: str
    summary: dict[str, Any] = Field(
        examples=[{"teachers": 10800, "schools": 490, "municipalities": 30, "methodists": 60}]
    )


class ScenarioIn(Strict):
    region_id: RowId
    name: Name = Field(examples=["Норма 200–250"])
    spec: dict[str, Any] = Field(
        default_factory=dict, examples=[{"assignment": {"preset": "federal"}}]
    )


class ScenarioOut(BaseModel):
    id: int
    region_id: int
    name: str
    spec: dict[str, Any]


class JobOut(BaseModel):
    id: int
    scenario_id: int | None
    region_id: int
    status: str = Field(examples=["running"])
    stage: str | None = None
    progress: dict[str, Any] = Field(
        examples=[{"done": 3, "total": 19, "current": "Химия", "objective": 812.4, "bound": 812.4}]
    )
    error: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class ResultOut(BaseModel):
    job_id: int
    scenario: str
    kpi: dict[str, Any]
    feasible: bool
    total: int
    offset: int
    assignment: list[dict[str, str]] = Field(
        examples=[[{"teacher_id": "TMB-T00001", "methodist_id": "TMB-MET010"}]]
    )
    approved: bool


class Realignment(BaseModel):
    job_id: int
    changed: int = Field(description="педагогов, сменивших методиста или оставшихся без него")
    newly_assigned: int = Field(description="педагогов, закреплённых впервые (не было методиста)")
    teachers: list[dict[str, str | None]] = Field(
        description="все расхождения с прежним закреплением: teacher_id, before, after"
    )


class PlanOut(BaseModel):
    job_id: int
    scenario: str
    approved_at: datetime
    changed: int
    current: bool


class AuditOut(BaseModel):
    id: int
    at: datetime
    token_id: int | None
    action: str
    target: str
    details: dict[str, Any]


class HealthOut(BaseModel):
    status: str = Field(examples=["ok"])
    database: str = Field(examples=["ok"])
    workers: dict[str, Any]

"""FastAPI dependencies: the settings, a database session, and the caller (token,
organisation, role). Every query of a resource is scoped to the caller's organisation, so an
id of another organisation is simply not found."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from assign.service.audit import record
from assign.service.config import ServiceSettings
from assign.service.errors import ApiError
from assign.service.store import REQUEST_SESSIONS, ROLES, aware, token_record
from assign.service.store.models import TokenRecord, now

ROLES_RU = {"viewer": "наблюдатель", "planner": "планировщик", "admin": "администратор"}
TOKEN_USE_EVERY = timedelta(minutes=10)  # token use is audited at most this often per token


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def settings_of(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings
    return settings


async def _session(request: Request) -> AsyncIterator[Session]:
    with Session(engine_of(request)) as session:
        yield session


SessionDep = Annotated[
    Session, Depends(_session, scope="function", max_concurrency=REQUEST_SESSIONS)
]
"""The request's database session, closed when its endpoint returns. At most
REQUEST_SESSIONS are open at once (the rest wait on the event loop, not in a thread): with a
session open from the start of a request to its answer, 100 requests at once held every
connection while waiting for a thread, and the threads waited for a connection, for 30 s."""
SettingsDep = Annotated[ServiceSettings, Depends(settings_of)]


@dataclass(frozen=True)
class Principal:
    """Who calls: their token, organisation and role."""

    token_id: int
    org_id: int
    role: str

    def audit(self, session: Session, action: str, target: str = "", **details: object) -> None:
        record(session, self.org_id, self.token_id, action, target, **details)


def _principal(session: Session, authorization: str | None) -> Principal:
    if not authorization or not authorization.startswith("Bearer "):
        raise ApiError(401, "auth_required", "Нужен токен доступа (Authorization: Bearer …)")
    secret = authorization.removeprefix("Bearer ").strip()
    token = token_record(session, secret)
    if token is None:
        raise ApiError(401, "auth_invalid", "Токен не найден, отозван или истёк")
    principal = Principal(token.id, token.org_id, token.role)
    last = token.last_used_at
    if last is None or now() - aware(last) > TOKEN_USE_EVERY:
        session.execute(
            update(TokenRecord).where(TokenRecord.id == token.id).values(last_used_at=now())
        )
        principal.audit(session, "token.used", f"token:{token.id}")
    session.commit()
    return principal


def require(role: str) -> Callable[..., Principal]:
    """A dependency: the caller, who must hold `role` or a stronger one."""
    needed = ROLES.index(role)

    def check(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
        with Session(engine_of(request)) as session:  # its own: let go before the endpoint
            principal = _principal(session, authorization)
        if ROLES.index(principal.role) < needed:
            raise ApiError(403, "forbidden", f"Недостаточно прав: нужна роль «{ROLES_RU[role]}»")
        return principal

    return check


Viewer = Annotated[Principal, Depends(require("viewer"))]
Planner = Annotated[Principal, Depends(require("planner"))]
Admin = Annotated[Principal, Depends(require("admin"))]

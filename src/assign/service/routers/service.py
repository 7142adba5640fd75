"""Health, tokens and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from assign.service.deps import Admin, SessionDep, SettingsDep, Viewer, engine_of
from assign.service.errors import not_found
from assign.service.routers.common import errors
from assign.service.schemas import AuditOut, HealthOut, IdPath, TokenCreated, TokenIn, TokenOut
from assign.service.store import issue_token
from assign.service.store.models import AuditRecord, OrganizationRecord, TokenRecord, now

router = APIRouter(tags=["service"])


@router.get("/health", responses={503: {"model": HealthOut}})
def health(request: Request) -> JSONResponse:
    """Состояние сервиса: база данных и обработчики заданий (503, если что-то не работает)."""
    try:
        with Session(engine_of(request)) as session:
            session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        database = "unavailable"
    workers = request.app.state.runner.health()
    ok = database == "ok" and workers["alive"] >= workers["expected"]
    body = HealthOut(status="ok" if ok else "degraded", database=database, workers=workers)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get("/me", responses=errors())
def me(who: Viewer, db: SessionDep) -> dict[str, object]:
    """Кто вызывает: организация, роль и название токена (для веб-страницы)."""
    org = db.get(OrganizationRecord, who.org_id)
    token = db.get(TokenRecord, who.token_id)
    return {
        "organization": org.name if org else "",
        "role": who.role,
        "token": token.name if token else "",
        "expires_at": token.expires_at if token else None,
    }


def _token_out(record: TokenRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "role": record.role,
        "name": record.name,
        "created_at": record.created_at,
        "expires_at": record.expires_at,
        "revoked_at": record.revoked_at,
        "last_used_at": record.last_used_at,
    }


@router.post("/tokens", status_code=201, responses=errors())
def new_token(body: TokenIn, who: Admin, db: SessionDep, settings: SettingsDep) -> TokenCreated:
    """Новый токен своей организации (секрет показывается один раз: хранится только хэш)."""
    record, secret = issue_token(db, who.org_id, body.role, body.name, body.days)
    who.audit(db, "token.created", f"token:{record.id}", role=body.role, days=body.days)
    db.commit()
    return TokenCreated(**_token_out(record), token=secret)


@router.get("/tokens", responses=errors())
def list_tokens(who: Admin, db: SessionDep) -> list[TokenOut]:
    """Токены организации: роль, срок, последнее использование (без секретов)."""
    records = db.scalars(
        select(TokenRecord).where(TokenRecord.org_id == who.org_id).order_by(TokenRecord.id)
    )
    return [TokenOut(**_token_out(r)) for r in records]


@router.delete("/tokens/{token_id}", status_code=204, responses=errors(404))
def revoke_token(token_id: IdPath, who: Admin, db: SessionDep) -> None:
    """Отозвать токен: он перестаёт действовать сразу."""
    record = db.get(TokenRecord, token_id)
    if record is None or record.org_id != who.org_id:
        raise not_found("token", token_id)
    db.execute(
        update(TokenRecord)
        .where(TokenRecord.id == token_id, TokenRecord.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    who.audit(db, "token.revoked", f"token:{token_id}")
    db.commit()


@router.get("/audit", responses=errors())
def audit_log(
    who: Admin,
    db: SessionDep,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditOut]:
    """Журнал организации, новые записи первыми: утверждения, выгрузки персональных
    данных, использование токенов, удаления."""
    records = db.scalars(
        select(AuditRecord)
        .where(AuditRecord.org_id == who.org_id)
        .order_by(AuditRecord.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        AuditOut(
            id=r.id,
            at=r.at,
            token_id=r.token_id,
            action=r.action,
            target=r.target,
            details=r.details,
        )
        for r in records
    ]

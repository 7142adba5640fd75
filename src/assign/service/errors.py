"""Every failure is JSON with a stable `code` and a Russian `message`: the API's own errors,
invalid requests (the field named, the reason in Russian), a database that is away, and
anything unforeseen — never a plain-text 500, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from assign.validation import translate_errors

log = logging.getLogger("assign.service")


class ApiError(Exception):
    """An error the API answers with: HTTP status, stable code, Russian message."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


class ErrorBody(BaseModel):
    code: str = Field(examples=["region_invalid"])
    message: str = Field(examples=["Данные региона содержат ошибки"])


def not_found(what: str, key: object) -> ApiError:
    names = {
        "region": ("region_not_found", "Регион {} не найден"),
        "scenario": ("scenario_not_found", "Сценарий {} не найден"),
        "job": ("job_not_found", "Задание {} не найдено"),
        "token": ("token_not_found", "Токен {} не найден"),
    }
    code, message = names[what]
    return ApiError(404, code, message.format(key))


HTTP_CODES = {
    404: ("not_found", "Нет такого адреса"),
    405: ("method_not_allowed", "Метод не поддерживается"),
    413: ("request_too_large", "Запрос слишком велик"),
}

DATABASE_DOWN = ("database_unavailable", "База данных недоступна, повторите запрос позже")


def _json(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, **extra}, status_code=status)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.code, exc.message, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        issues = translate_errors(exc.errors())
        fields = [i["field"] for i in issues]
        return _json(
            422,
            "request_invalid",
            "Неверный запрос: " + "; ".join(f"{i['field']}: {i['message']}" for i in issues),
            fields=fields,
            issues=issues,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = HTTP_CODES.get(exc.status_code, ("http_error", "Ошибка запроса"))
        return _json(exc.status_code, code, message)

    @app.exception_handler(OperationalError)
    async def _database(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.orig)
        return _json(503, *DATABASE_DOWN)

    @app.exception_handler(SQLAlchemyError)
    async def _storage(_: Request, exc: SQLAlchemyError) -> JSONResponse:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return _json(503, *DATABASE_DOWN)
        log.error("storage error", exc_info=exc)
        return _json(500, "storage_error", "Ошибка хранилища: запрос не выполнен")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return _json(500, "internal_error", "Внутренняя ошибка сервиса: запрос не выполнен")

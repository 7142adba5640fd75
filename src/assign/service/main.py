"""The FastAPI application: regions uploaded and validated, scenarios kept, jobs run by
workers that always end them, plans approved and their documents, all scoped to the caller's
organisation; the planners' web page at `/` works over the same API. Roles: viewer reads,
planner uploads regions, creates, runs and approves, admin deletes regions, manages tokens
and reads the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from assign.service.config import ServiceSettings
from assign.service.errors import install_handlers
from assign.service.isolated import Isolated
from assign.service.jobs.workers import JobRunner, runner_for
from assign.service.limits import BodyLimit
from assign.service.routers import jobs, regions, results, scenarios, service
from assign.service.store import REQUEST_SESSIONS, open_database
from assign.service.web import install_web

DESCRIPTION = (
    "Регионы, сценарии «что если», их решения и документы. Доступ по токену "
    "(`Authorization: Bearer …`) организации; роли viewer, planner, admin. "
    "Каждая ошибка — JSON с полями code и message."
)


def create_app(settings: ServiceSettings | None = None, runner: JobRunner | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    engine = open_database(settings.database_url)
    jobs_runner = runner or runner_for(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # threads beside the sessions: `store.REQUEST_SESSIONS`
        to_thread.current_default_thread_limiter().total_tokens = REQUEST_SESSIONS
        jobs_runner.start()
        try:
            yield
        finally:
            jobs_runner.shutdown()
            engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="assign — планирование регионального методического актива",
        version="0.2.0",
        description=DESCRIPTION,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.runner = jobs_runner
    app.state.isolated = Isolated(
        settings.heavy_tasks,
        settings.render_memory_mb,
        settings.render_seconds,
        settings.heavy_wait_seconds,
    )
    install_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    for module in (service, regions, scenarios, jobs, results):
        app.include_router(module.router)
    install_web(app, settings)
    return app

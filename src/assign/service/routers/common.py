"""Response declarations shared by the routers: every error is an `ErrorBody`."""

from __future__ import annotations

from typing import Any

from assign.service.errors import ErrorBody


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses: 401 and 403 always, plus `statuses`, all with the error body."""
    return {s: {"model": ErrorBody} for s in (401, 403, 422, 503, *statuses)}

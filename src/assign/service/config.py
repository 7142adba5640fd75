"""The service's settings, from the environment (`ASSIGN_…`), as the FastAPI full-stack
template keeps them: one object, read once, passed to what needs it."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from assign.service.store import DEFAULT_TOKEN_DAYS, database_url

MIB = 1024 * 1024


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSIGN_", extra="ignore")

    database_url: str = Field(default_factory=database_url)
    workers: int = Field(2, ge=0, le=64)
    """Worker processes that run jobs (0: this server only queues them)."""
    max_request_mb: float = Field(50, gt=0)
    """The largest request body; refused before authentication or parsing reads it."""
    worker_memory_mb: int = Field(8192, ge=256)
    """Address-space cap of a worker process: a job beyond it fails, the server lives."""
    render_memory_mb: int = Field(4096, ge=256)
    """Cap of the process that reads an upload or renders a document."""
    render_seconds: float = Field(600, gt=0)
    heavy_tasks: int = Field(1, ge=1, le=16)
    """Uploads read and documents rendered at once; more wait, then get 503."""
    heavy_wait_seconds: float = Field(30, ge=0)
    lease_seconds: float = Field(30, gt=0)
    """A running job whose worker gave no sign of life for this long is orphaned."""
    heartbeat_seconds: float = Field(1.0, gt=0)
    poll_seconds: float = Field(0.2, gt=0)
    queue_url: str | None = Field(None, max_length=500, pattern=r"^rediss?://\S+$")
    """A Redis URL (`redis://host:6379/0`): jobs go to Celery workers (`assign worker`) on
    any machine that reaches it and the database; none: this server's own worker processes."""
    max_attempts: int = Field(3, ge=1, le=10)
    """On a task queue: runs of a job whose worker died, the last one included."""
    resend_seconds: float = Field(30, gt=0)
    """On a task queue: a job queued this long is sent to the broker again (a lost message,
    a broker restarted without its data); a repeated message is a no-op."""
    visibility_seconds: float = Field(3600, gt=0)
    """On a task queue: an unacknowledged message goes back to the queue after this long."""
    token_days: float = Field(DEFAULT_TOKEN_DAYS, gt=0)
    map_tiles: str | None = Field(None, max_length=500, pattern=r"^https://[^\s\"'<>]+$")
    """A tile URL for the web page's map (`https://…/{z}/{x}/{y}.png`); none: the map draws
    the region's own data on a plain background, with no request leaving the page."""

    @property
    def max_request_bytes(self) -> int:
        return int(self.max_request_mb * MIB)

"""Persistence for the service: SQLite by default, PostgreSQL when a URL is given; the schema
comes from Alembic migrations, so an existing database is upgraded, never recreated.

SQLite gets what PostgreSQL has by default: foreign keys enforced and a wait on a locked
database instead of an immediate error; both get a bounded connect time so an outage is an
error the service reports, not a hang.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from assign.service.store.models import OrganizationRecord, TokenRecord, now

DEFAULT_URL = "sqlite:///assign.db"
ROLES = ("viewer", "planner", "admin")
MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_SECONDS = 30
CONNECT_TIMEOUT_SECONDS = 5
POOL = {"pool_size": 16, "max_overflow": 24}
"""Connections a server opens (the first 16 kept open between requests)."""
REQUEST_SESSIONS = (POOL["pool_size"] + POOL["max_overflow"]) // 2
"""Requests' sessions open at once, and threads that run requests: each session holds at most
one connection and each thread at most one more (authentication, a long poll's read, an
engine-level write), so together they never need more than the pool has — no request waits
for a connection another waiting request holds."""
DEFAULT_TOKEN_DAYS = 90


def database_url() -> str:
    """`ASSIGN_DATABASE_URL`, else a SQLite file in the working folder."""
    return os.environ.get("ASSIGN_DATABASE_URL") or DEFAULT_URL


def make_engine(url: str) -> Engine:
    """An engine with the service's connection rules (no migrations: `open_database`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **POOL)

        @event.listens_for(engine, "connect")
        def _sqlite_rules(connection: Any, _: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            cursor.close()

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        **POOL,
    )


def open_database(url: str | None = None) -> Engine:
    """An engine on an up-to-date schema (migrations applied)."""
    url = url or database_url()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")
    return make_engine(url)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def organization(session: Session, name: str, kind: str = "cnppm") -> OrganizationRecord:
    """The organisation of that name, created on first use."""
    found = session.scalar(select(OrganizationRecord).where(OrganizationRecord.name == name))
    if found is None:
        found = OrganizationRecord(name=name, kind=kind)
        session.add(found)
        session.flush()
    return found


def issue_token(
    session: Session,
    org_id: int,
    role: str,
    name: str = "",
    days: float | None = DEFAULT_TOKEN_DAYS,
) -> tuple[TokenRecord, str]:
    """A new token of `role` in the organisation; only its hash is kept, so the secret is
    returned once. `days=None`: it never expires."""
    if role not in ROLES:
        raise ValueError(role)
    secret = secrets.token_urlsafe(32)
    record = TokenRecord(
        org_id=org_id,
        token_hash=hash_token(secret),
        role=role,
        name=name,
        expires_at=now() + timedelta(days=days) if days is not None else None,
    )
    session.add(record)
    session.flush()
    return record, secret


def create_token(
    engine: Engine,
    role: str,
    org: str = "ЦНППМ",
    name: str = "",
    days: float | None = DEFAULT_TOKEN_DAYS,
) -> str:
    """A token of `role` in the organisation named `org` (created if new)."""
    with Session(engine) as session:
        _, secret = issue_token(session, organization(session, org).id, role, name, days)
        session.commit()
    return secret


def token_record(session: Session, secret: str) -> TokenRecord | None:
    """The live token with this secret: not revoked, not expired."""
    record = session.scalar(select(TokenRecord).where(TokenRecord.token_hash == hash_token(secret)))
    return _live(record)


def token_live(session: Session, token_id: int) -> TokenRecord | None:
    """The token of this id if it is still live (a request that waited asks again)."""
    return _live(session.get(TokenRecord, token_id))


def _live(record: TokenRecord | None) -> TokenRecord | None:
    if record is None or record.revoked_at is not None:
        return None
    if record.expires_at is not None and aware(record.expires_at) <= now():
        return None
    return record


def role_of(engine: Engine, secret: str) -> str | None:
    with Session(engine) as session:
        record = token_record(session, secret)
        return record.role if record else None


def aware(moment: datetime) -> datetime:
    """SQLite gives datetimes back without their zone; every stored one is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=now().tzinfo)

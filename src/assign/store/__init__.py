"""Persistence for the service: SQLite by default, PostgreSQL when a URL is given; the schema
comes from Alembic migrations, so an existing database is upgraded, never recreated."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

from assign.store.models import TokenRecord

DEFAULT_URL = "sqlite:///assign.db"
ROLES = ("viewer", "planner", "admin")
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url() -> str:
    """`ASSIGN_DATABASE_URL`, else a SQLite file in the working folder."""
    return os.environ.get("ASSIGN_DATABASE_URL") or DEFAULT_URL


def open_database(url: str | None = None) -> Engine:
    """An engine on an up-to-date schema (migrations applied)."""
    url = url or database_url()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")
    return create_engine(url)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, role: str) -> str:
    """A new token of `role`; only its hash is kept, so it is shown once."""
    if role not in ROLES:
        raise ValueError(role)
    token = secrets.token_urlsafe(32)
    with Session(engine) as session:
        session.add(TokenRecord(token_hash=hash_token(token), role=role))
        session.commit()
    return token


def role_of(engine: Engine, token: str) -> str | None:
    with Session(engine) as session:
        record = session.scalar(
            select(TokenRecord).where(TokenRecord.token_hash == hash_token(token))
        )
        return record.role if record else None

"""Alembic environment: the URL comes from the config the caller builds (`open_database`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from assign.service.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url is not None
engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()

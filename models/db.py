"""Engines and sessions: one factory for SQLite (default) and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

import models.tables  # noqa: F401  (registers the tables on SQLModel.metadata)


def make_engine(database_url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, a busy timeout and foreign keys, and its folder is created."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def sqlite_pragmas(connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, decides where transactions begin (see `begin_immediate`); this
        # also makes savepoints work.
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_immediate(connection: Any) -> None:
        # Take the write lock at the start: two writers then queue (busy timeout) instead of one failing when
        # it upgrades a read transaction to a write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaError(Exception):
    """The database schema is not the one this dealwire needs; the message says what to run."""


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Apply every migration not yet applied (`dealwire db upgrade`); returns the revision now current."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    if "articles" in tables and "alembic_version" not in tables:
        raise SchemaError(
            f"the database at {display_url(engine)} was created by a pre-release dealwire without migrations: "
            "move it aside and ingest again"
        )
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    return head_revision()


def create_schema(engine: Engine) -> None:
    """Make sure the schema is current before a run: an empty database is created, an outdated one is an error
    that names the command to run (never a failure on a missing column half-way through a run)."""
    revision = current_revision(engine)
    if revision == head_revision():
        return
    if revision is None:
        upgrade(engine)
        return
    raise SchemaError(
        f"the database at {display_url(engine)} has schema revision {revision}, this dealwire needs "
        f"{head_revision()}: run `dealwire db upgrade`"
    )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def display_url(engine: Engine) -> str:
    """The database location without a password, for run summaries."""
    return engine.url.render_as_string(hide_password=True)

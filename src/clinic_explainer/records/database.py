"""Opening the database: the engine, migrations applied on first use, failures put in words.

``open_database()`` gives the clinic's database at ``settings.database_url()``: SQLite in
data/ (the folder and file are made, and migrated to the newest schema, on first use), or
any SQLAlchemy URL. Every operation goes through ``Database.write`` / ``Database.read``,
which turn a locked, read-only, missing or unreachable database into ``RecordsUnavailable``
with words a trainer can act on, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from clinic_explainer import settings

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
T = TypeVar("T")


class RecordsUnavailable(Exception):
    """The database cannot be used right now; ``str()`` says why and what to do, in words."""


def _words(exc: BaseException, url: str) -> str:
    text = str(getattr(exc, "orig", exc)).lower()
    where = make_url(url).database if url.startswith("sqlite") else "the database server"
    if "locked" in text or "busy" in text:
        return f"The clinic's records are busy (another program is writing to {where}). Try again in a moment."
    if "readonly" in text or "read-only" in text or "permission" in text:
        return f"The clinic's records cannot be written: {where} is read-only. Ask whoever runs this computer to make it writable."
    if "unable to open" in text or "no such file" in text:
        return f"The clinic's records folder is missing or cannot be opened ({where})."
    return f"The clinic's records cannot be reached right now ({type(getattr(exc, 'orig', exc)).__name__})."


def alembic_config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


class Database:
    def __init__(self, url: str | None = None, busy_timeout: float = 5.0):
        self.url = url or settings.database_url()
        sqlite = self.url.startswith("sqlite")
        # SQLite: a connection per operation, so a file deleted or made read-only while a
        # session runs is seen at the next write (a pooled connection would keep writing to
        # the deleted file, and what it wrote would be lost)
        self.engine: Engine = create_engine(self.url, poolclass=NullPool if sqlite else None,
                                            connect_args={"timeout": busy_timeout} if sqlite else {})
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._migrated = False

    @property
    def path(self) -> Path | None:
        return Path(make_url(self.url).database) if self.url.startswith("sqlite") and make_url(self.url).database else None

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (the newest by default); safe to call again."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        self._migrated = revision == "head"

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def _ensure(self) -> None:
        # a SQLite file deleted while serving is made again, empty, with the newest schema
        if not self._migrated or (self.path is not None and not self.path.exists()):
            self.migrate()

    @contextmanager
    def _session(self):
        try:
            self._ensure()
            with self._sessions() as session, session.begin():
                yield session
        except (SQLAlchemyError, DBAPIError, OSError) as exc:
            log.warning("Records unavailable: %s", type(exc).__name__)
            self._migrated = False  # look again next time (the file may be back)
            raise RecordsUnavailable(_words(exc, self.url)) from exc

    def write(self, fn: Callable[[Session], T]) -> T:
        with self._session() as session:
            return fn(session)

    def read(self, fn: Callable[[Session], T]) -> T:
        with self._session() as session:
            return fn(session)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_databases: dict[str, Database] = {}


def open_database(url: str | None = None) -> Database:
    """The database at ``url`` (default: the setting), one object per URL per process."""
    url = url or settings.database_url()
    if url not in _databases:
        _databases[url] = Database(url)
    return _databases[url]

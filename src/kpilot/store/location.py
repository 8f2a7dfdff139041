"""Where the metadata store is: the `store:` setting read as a SQLite file in the workspace, or a PostgreSQL URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from kpilot.i18n import Message, Raw
from kpilot.store.errors import StoreError
from kpilot.warehouse.failures import masked, url_secrets

POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DRIVER = "postgresql+psycopg"  # psycopg 3, which kpilot already uses for a PostgreSQL warehouse


@dataclass(frozen=True)
class StoreLocation:
    """A SQLite file (`path`) or a PostgreSQL database (`url`); `shown` is how messages name it."""

    shown: str
    path: Path | None = None
    url: URL | None = None
    secrets: tuple[str, ...] = ()

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None


def store_location(setting: str, root: Path) -> StoreLocation:
    """The store a workspace's `store:` setting names; a relative path is relative to the workspace folder."""
    if "://" not in setting:
        path = Path(setting)
        path = path if path.is_absolute() else root / path
        return StoreLocation(shown=_shown(path), path=path)
    scheme = setting.split("://", 1)[0].lower()
    secrets = url_secrets(setting)
    shown = masked(setting, secrets)
    if scheme not in POSTGRES_SCHEMES:
        raise StoreError(
            Message("store.not_sqlite_or_postgres", store=repr(shown), scheme=scheme),
            hint=Message("store.not_sqlite_or_postgres_hint"),
            field="store",
        )
    try:
        url = make_url(setting).set(drivername=DRIVER)
    except (ArgumentError, ValueError) as error:  # a URL SQLAlchemy cannot read (a port that is not a number...)
        raise StoreError(
            Message("store.url_unreadable", store=repr(shown), problem=Raw(masked(str(error), secrets))),
            hint=Message("store.url_unreadable_hint"),
            field="store",
        ) from None
    if not url.database:
        raise StoreError(
            Message("store.url_no_database", store=repr(shown)),
            hint=Message("store.url_no_database_hint"),
            field="store",
        )
    return StoreLocation(shown=shown, url=url, secrets=secrets)


def _shown(path: Path) -> str:
    """A file as people find it: relative to the current folder when it is inside it (my-kpis/kpilot.db)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):  # elsewhere, or the current folder is gone
        return str(path)

"""The metadata store: what people edit and do (people, teams, memberships; later accounts, check-ins, the audit
log), in SQLite by default or PostgreSQL, with Alembic migrations shipped in the package (docs/store.md).

Open it with `open_store(workspace)`; read and write through the repositories (`People`, `Teams`, `Memberships`),
which hand out immutable records.
"""

from kpilot.store.errors import (
    StoreConflict,
    StoreError,
    StoreMissing,
    StoreOutdated,
    StoreTooNew,
    StoreUnavailable,
)
from kpilot.store.memberships import Memberships
from kpilot.store.people import People, PersonFields
from kpilot.store.records import LANGUAGES, Membership, Person, Scope, Team, TeamKind, email_key
from kpilot.store.session import Store, open_location, open_store
from kpilot.store.teams import Teams

__all__ = [
    "LANGUAGES",
    "Membership",
    "Memberships",
    "People",
    "Person",
    "PersonFields",
    "Scope",
    "Store",
    "StoreConflict",
    "StoreError",
    "StoreMissing",
    "StoreOutdated",
    "StoreTooNew",
    "StoreUnavailable",
    "Team",
    "TeamKind",
    "Teams",
    "email_key",
    "open_location",
    "open_store",
]

"""The metadata store: what people edit and do (people, teams, memberships, accounts, tokens, the audit log; later
check-ins), in SQLite by default or PostgreSQL, with Alembic migrations shipped in the package (docs/store.md).

Open it with `open_store(workspace)`; read and write through the repositories (`People`, `Teams`, `Memberships`,
`Accounts`, `Tokens`, `AuditLog`, `SignInFailures`), which hand out immutable records.
"""

from kpilot.store.accounts import Account, Accounts
from kpilot.store.audit import AuditEntry, AuditLog
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
from kpilot.store.records import (
    LANGUAGES,
    ActorKind,
    Membership,
    Outcome,
    Person,
    Scope,
    Team,
    TeamKind,
    email_key,
)
from kpilot.store.session import Store, open_location, open_store
from kpilot.store.sign_ins import SignInFailures
from kpilot.store.teams import Teams
from kpilot.store.tokens import NewToken, Token, Tokens

__all__ = [
    "LANGUAGES",
    "Account",
    "Accounts",
    "ActorKind",
    "AuditEntry",
    "AuditLog",
    "Membership",
    "Memberships",
    "NewToken",
    "Outcome",
    "People",
    "Person",
    "PersonFields",
    "Scope",
    "SignInFailures",
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
    "Token",
    "Tokens",
    "email_key",
    "open_location",
    "open_store",
]

"""The store's errors: each names the store as messages show it (a password in a URL masked) and says what to do.
SQLAlchemy's and the drivers' exceptions become them in `store.failures`."""

from __future__ import annotations

from kpilot.errors import UserError
from kpilot.i18n import Message

UPGRADE_HINT = Message("store.upgrade_hint")


class StoreError(UserError):
    """The metadata store cannot be used as it is (missing, out of date, unreachable, or changed meanwhile)."""


class StoreMissing(StoreError):
    """There is no store yet: no SQLite file, or a database without kpilot's tables."""


class StoreOutdated(StoreError):
    """The store is behind the migrations this kpilot needs."""


class StoreTooNew(StoreError):
    """The store was migrated by a newer kpilot: this one does not know its revision."""


class StoreUnavailable(StoreError):
    """The store's database cannot be reached, or is locked by another program for too long."""


class StoreConflict(StoreError):
    """Someone else changed the store during the same operation; nothing of this one was written."""

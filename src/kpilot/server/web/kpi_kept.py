"""What the KPI pages keep between requests: the SMART check (the whole workspace's, over the reader's view: seconds
on a company with a catalogue's worth of KPIs, and the same for every KPI page) and each forecast (statsmodels'
fits and back-tests). They are kept in the server's answers (server.answers) under everything that decides them,
as the REST API keeps its answers: who reads (their account, roles and permissions), the definitions' files, the
data's files, the store's version and the day. A change to any of them is a new key: nothing stale is shown."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from fastapi import Request

from kpilot.auth.actor import Actor
from kpilot.server.answers import STORE_VERSION, data_version
from kpilot.server.runtime import Runtime
from kpilot.services.audit import store_version

T = TypeVar("T")
PREFIX = "web.kpi_page"  # a key of its own shape: never one of the REST API's answers


@dataclass(frozen=True)
class Keeper:
    """Keeps values for one request's reader; `versions` is None when the data cannot be versioned (nothing kept)."""

    runtime: Runtime
    who: Hashable
    versions: Hashable | None

    def kept(self, what: Hashable, produce: Callable[[], T]) -> T:
        if self.versions is None:
            return produce()
        key = (PREFIX, what, self.who, self.versions)
        found = self.runtime.answers.find(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        made = produce()
        self.runtime.answers.keep(key, made)
        return made


def keeper(request: Request, runtime: Runtime, actor: Actor, warehouse_path: Path | None, day: date) -> Keeper:
    """The keeper of this request, made inside `runtime.workspace()` (where the definitions' version is current)."""
    who = (
        actor.account_id,
        actor.person_id,
        tuple(sorted(actor.roles)),
        tuple(sorted(actor.permissions)),
        None if actor.token_scopes is None else tuple(sorted(actor.token_scopes)),
        actor.local,
    )
    data = data_version(warehouse_path)
    if data is None:
        return Keeper(runtime, who, None)
    organisation = getattr(request.state, STORE_VERSION, None)
    if organisation is None:
        with runtime.store() as store:
            organisation = store_version(store)
    return Keeper(runtime, who, (runtime.definitions_version, data, organisation, day))

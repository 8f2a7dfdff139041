"""Answers kept between requests: a repeated scorecard, compute, forecast, check or matrix is served from memory
when nothing it depends on has changed (docs/server.md#answers-kept-between-requests).

An answer is kept under everything that decides it, so that a changed input is a different key and a stale value
cannot be served:

- the request: path, query parameters, the language of the words;
- who asks: account, person, roles, permissions, token scopes (what the service layer decides with);
- the definitions: the settings and definition files, by size and modification time (as the runtime reloads them);
- the data: the DuckDB file and its write-ahead log, by size and modification time; every write, by kpilot or by
  anyone else, changes one of them. A warehouse kpilot cannot version this way (a PostgreSQL database, which
  others write to) keeps nothing;
- the store: the newest audit entry, which moves with every change to accounts, roles and the organisation (team
  moves change whose rows a person sees);
- the day in the workspace's time zone (running periods, the default period).

At most `SIZE` answers are kept, the least recently used dropped first.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request

from kpilot.auth.actor import Actor
from kpilot.engine.cache import LRU
from kpilot.i18n import Language

SIZE = 512
# request.state: the store's version, read with the actor before anything else of the request (a version read
# earlier is as safe as one read later: versions only grow, so a change made since is a key no later request asks).
STORE_VERSION = "kpilot_store_version"
FileVersion = tuple[int, int] | None


def answer_cache(size: int = SIZE) -> LRU[Any]:
    """The answers a server keeps (engine.cache: least recently used out first, safe between threads)."""
    return LRU(size)


def data_version(warehouse_file: Path | None) -> tuple[FileVersion, FileVersion] | None:
    """The DuckDB file's and its log's (size, modification time); None when there is no file to version."""
    if warehouse_file is None:
        return None
    return _file(warehouse_file), _file(warehouse_file.with_name(warehouse_file.name + ".wal"))


def answer_key(
    request: Request, actor: Actor, language: Language, *, versions: tuple[Hashable, ...], day: date
) -> Hashable:
    who = (
        actor.account_id,
        actor.person_id,
        tuple(sorted(actor.roles)),
        tuple(sorted(actor.permissions)),
        None if actor.token_scopes is None else tuple(sorted(actor.token_scopes)),
        actor.local,
    )
    asked = (request.method, request.url.path, tuple(sorted(request.query_params.multi_items())), language.value)
    return asked, who, versions, day


def _file(path: Path) -> FileVersion:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns

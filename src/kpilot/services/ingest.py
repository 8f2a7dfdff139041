"""Ingesting data, the one entry every surface goes through: `kpilot ingest` (`ingest_local_file`) and the REST API's
`POST /api/v1/sources/{source}/rows` (`push_rows`). Both load through `kpilot.warehouse.ingest` (validated whole,
written in one transaction), wait a bounded time for DuckDB's file lock, and record the load in the audit log
(docs/ingest.md, docs/api.md).

Pushing rows needs `Action.INGEST` for the source (a role that may ingest, and with a token, `ingest:SOURCE`), and
the source must read a warehouse `table:`. With an `Idempotency-Key`, a request is done at most once: the key is
claimed in the store before anything is loaded, a retry with the same key and body gets the first answer again, the
same key with another body or source is refused, and a retry while the first request runs is told so (409).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kpilot.auth.actor import Actor
from kpilot.definitions.model import Source
from kpilot.engine.rollups.refresh import Refresher
from kpilot.engine.rollups.refresh import refresher as rollup_refresher
from kpilot.errors import InternalError, UserError, WarehouseUnavailable
from kpilot.formula.check import closest, suggestion
from kpilot.i18n import Message
from kpilot.services.audit import Action, record
from kpilot.services.permissions import Action as Permission
from kpilot.services.permissions import NotFound, PermissionDenied, SourceResource, ensure
from kpilot.store.errors import StoreConflict, StoreMissing
from kpilot.store.idempotency import IdempotencyKeys, IdempotentRequest
from kpilot.store.models import IDEMPOTENCY_KEY_LENGTH
from kpilot.store.records import Outcome
from kpilot.store.session import Store, open_store
from kpilot.store.times import utc
from kpilot.warehouse.data_version import file_stamp, note_logged_write, unlogged_stamp
from kpilot.warehouse.date_formats import DateFormats
from kpilot.warehouse.ingest import IngestReport, Loaded, ingest_file, ingest_parsed
from kpilot.warehouse.ingest_settings import TableSettings, table_settings
from kpilot.warehouse.lock_wait import is_locked, writable_waiting
from kpilot.warehouse.uploads import BodyFormat, read_upload
from kpilot.workspace import Workspace

KEY_LIFETIME = timedelta(hours=24)  # how long a retry is answered from the first request (docs/api.md)
PUSHED_FROM = "api"  # what the ingest log and the audit log record as the file of pushed rows
BODY_NAME = "request"  # how messages name a pushed body
OK = 200


class IdempotencyKeyReused(UserError):
    """The key was used for another request (another body or source): a client bug, answered 422."""


class RequestInProgress(UserError):
    """A request with the same key is running: answered 409, to be retried once it is done."""


class SourceNotIngestible(UserError):
    """The source does not read a warehouse table (`sql:` or `file:`): rows cannot be pushed into it (422)."""


@dataclass(frozen=True)
class Push:
    """Rows pushed into a source: the body as received, its format, and the client's idempotency key if any."""

    source: str
    body: bytes
    format: BodyFormat
    idempotency_key: str | None = None

    @property
    def body_sha256(self) -> str:
        digest = hashlib.sha256(self.format.value.encode())
        digest.update(b"\0")
        digest.update(self.body)
        return digest.hexdigest()


@dataclass(frozen=True)
class PushAnswer:
    status: int
    data: dict[str, Any]
    replayed: bool = False  # the answer of an earlier request with the same key


@dataclass(frozen=True)
class FileIngest:
    report: IngestReport
    settings: TableSettings  # what the definitions say about the table (its key, date formats, sources)


# --------------------------------------------------------------------------------------------------------------
# The command line


def ingest_local_file(
    workspace: Workspace,
    actor: Actor,
    path: Path,
    table: str,
    *,
    now: datetime,
    replace: bool = False,
    again: bool = False,
    date_formats: DateFormats | None = None,
    encoding: str | None = None,
    wait_seconds: float = 0.0,
    on_wait: Callable[[UserError], None] | None = None,
) -> FileIngest:
    """Load a file into a table, as `kpilot ingest` does, and record it in the audit log (when the workspace has a
    store: a workspace without one has no audit log). A store that exists but cannot be used stops the load before
    anything is written, so that no load goes unrecorded by a failing store."""
    ensure(actor, Permission.INGEST)
    settings = table_settings(workspace.definitions.sources, table)
    formats = settings.date_formats if date_formats is None else date_formats.over(settings.date_formats)
    store = _audit_store(workspace)
    try:
        with warehouse_writer(workspace, wait_seconds, on_wait) as (con, after_write):
            report = ingest_file(
                con,
                path,
                table,
                replace=replace,
                again=again,
                key=settings.key,
                date_formats=formats,
                encoding=encoding,
                declared_by=settings.declared_by,
                after_write=after_write,
            )
        if store is not None:
            with store.writing() as session:
                details = _details(report, settings.sources, str(path.resolve()))
                record(session, actor, Action.DATA_INGESTED, now=now, target=table, details=details)
    finally:
        if store is not None:
            store.close()
    return FileIngest(report, settings)


def _audit_store(workspace: Workspace) -> Store | None:
    try:
        return open_store(workspace)
    except StoreMissing:
        return None


# --------------------------------------------------------------------------------------------------------------
# The REST API


def ensure_may_push(store: Store, actor: Actor, source: str, *, now: datetime) -> None:
    """Refuse (and record the refusal) unless the actor may push rows into `source`: asked before the body is read,
    and answered the same whether the source exists or not, so that names cannot be probed without the scope."""
    try:
        ensure(actor, Permission.INGEST, SourceResource(source))
    except PermissionDenied:
        with store.writing() as session:
            record(session, actor, Action.DATA_INGESTED, now=now, target=source[:128], outcome=Outcome.REFUSED)
        raise


def push_rows(
    store: Store,
    workspace: Callable[[], AbstractContextManager[Workspace]],
    actor: Actor,
    push: Push,
    *,
    now: datetime,
    wait_seconds: float = 0.0,
) -> PushAnswer:
    """Load pushed rows into the table of `push.source`; `workspace()` lends the workspace for a moment (a server
    lends its one workspace to one request at a time). With an idempotency key, at most once."""
    now = utc(now)
    ensure_may_push(store, actor, push.source, now=now)
    with workspace() as opened:
        source = _pushable(opened.definitions.sources, push.source)
    claim = _claim(store, actor, push, now) if push.idempotency_key is not None else None
    if isinstance(claim, PushAnswer):
        return claim
    written = False
    try:
        with workspace() as opened:
            assert source.table is not None
            settings = table_settings(opened.definitions.sources, source.table)
            parsed = read_upload(push.body, push.format, BODY_NAME, date_formats=settings.date_formats)
            loaded = Loaded(content_sha256=hashlib.sha256(push.body).hexdigest(), file=PUSHED_FROM)
            with warehouse_writer(opened, wait_seconds, None) as (con, after_write):
                report = ingest_parsed(
                    con,
                    parsed,
                    source.table,
                    loaded,
                    key=settings.key,
                    declared_by=settings.declared_by,
                    after_write=after_write,
                )
                written = True
        data = _answer(source.name, report)
        with store.writing() as session:
            if claim is not None:
                assert claim.id is not None
                IdempotencyKeys(session).complete(claim.id, OK, data)
            details = {**_details(report, (source.name,), PUSHED_FROM), "idempotency_key": push.idempotency_key}
            record(session, actor, Action.DATA_INGESTED, now=now, target=source.name, details=details)
    except BaseException:
        # A request that wrote nothing frees its key for a retry. One whose rows were written but whose answer could
        # not be recorded keeps it "in progress" until it expires: a retry must never load the rows a second time.
        if claim is not None and claim.id is not None and not written:
            _release(store, claim.id)
        raise
    return PushAnswer(OK, data)


def _pushable(sources: Sequence[Source], name: str) -> Source:
    found = next((source for source in sources if source.name == name), None)
    if found is None:
        names = [source.name for source in sources]
        near = closest(name, names)
        raise NotFound(
            Message("services.ingest.unknown_source", source=name),
            hint=suggestion(name, names),
            field="source",
            suggestions=(near,) if near else (),
        )
    if found.table is None:
        raise SourceNotIngestible(
            Message("services.ingest.source_not_a_table", source=name),
            hint=Message("services.ingest.source_not_a_table_hint"),
            field="source",
        )
    return found


def _claim(store: Store, actor: Actor, push: Push, now: datetime) -> IdempotentRequest | PushAnswer:
    """The claim of the key for this request, or the answer a retry gets (the first request's)."""
    key = _checked_key(push.idempotency_key or "")
    if actor.account_id is None:
        raise InternalError("an idempotency key needs an account: only API requests send one")
    wanted = IdempotentRequest(
        account_id=actor.account_id,
        key=key,
        source=push.source,
        body_sha256=push.body_sha256,
        created_at=now,
        expires_at=now + KEY_LIFETIME,
    )
    for _ in range(2):  # a concurrent claim of the same key (PostgreSQL) is a conflict: then read what it holds
        try:
            with store.writing() as session:
                keys = IdempotencyKeys(session)
                keys.purge_expired(now)
                found = keys.find(actor.account_id, key, now=now)
                if found is None:
                    return keys.claim(wanted)
        except StoreConflict:
            continue
        return _earlier(found, wanted)
    raise RequestInProgress(Message("services.ingest.in_progress"), hint=Message("services.ingest.in_progress_hint"))


def _earlier(found: IdempotentRequest, wanted: IdempotentRequest) -> PushAnswer:
    if (found.source, found.body_sha256) != (wanted.source, wanted.body_sha256):
        raise IdempotencyKeyReused(
            Message("services.ingest.key_reused", source=found.source),
            hint=Message("services.ingest.key_reused_hint"),
            field="idempotency_key",
        )
    if not found.done or found.status is None:
        raise RequestInProgress(
            Message("services.ingest.in_progress"),
            hint=Message("services.ingest.in_progress_hint"),
            field="idempotency_key",
        )
    return PushAnswer(found.status, dict(found.response), replayed=True)


def _checked_key(key: str) -> str:
    if not 0 < len(key) <= IDEMPOTENCY_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise UserError(
            Message("services.ingest.key_invalid", most=IDEMPOTENCY_KEY_LENGTH),
            field="idempotency_key",
        )
    return key


def _release(store: Store, request_id: int) -> None:
    with store.writing() as session:
        IdempotencyKeys(session).release(request_id)


# --------------------------------------------------------------------------------------------------------------
# Shared


@contextmanager
def warehouse_writer(
    workspace: Workspace, seconds: float, on_wait: Callable[[UserError], None] | None
) -> Iterator[tuple[Any, Refresher | None]]:
    """The warehouse's writing connection, waiting up to `seconds` for another process's lock on a DuckDB file;
    after that, an error that says how long it waited and what to do. Every write through it is a load the ingest
    log records: once it is done (its connection closed), the warehouse's stamp is noted as explained by the log,
    so that answers kept over the tables it did not touch stay valid (warehouse.data_version). With it comes what
    keeps the rollups over the table a load writes, in the load's transaction (engine.rollups.refresh)."""
    path = workspace.warehouse.path
    before = file_stamp(path) if path is not None else None
    with ExitStack() as stack:
        try:
            con = stack.enter_context(writable_waiting(workspace.warehouse, seconds=seconds, on_wait=on_wait))
        except WarehouseUnavailable as error:
            if not is_locked(error):
                raise
            raise WarehouseUnavailable(
                Message("services.ingest.warehouse_busy", seconds=float(seconds), problem=error.message),
                hint=Message(
                    "services.ingest.warehouse_busy_hint", then=error.hint or Message("warehouse.nothing_written")
                ),
            ) from error
        after_write = None
        if before is not None:
            unlogged = unlogged_stamp(workspace.warehouse, before)
            after_write = rollup_refresher(
                workspace.definitions, workspace.calendar, workspace.settings.currency, unlogged, str(con.name)
            )
        yield con, after_write
    if before is not None:  # not reached when the load failed: the file's stamp then counts as unexplained
        note_logged_write(workspace.warehouse, before)


def _mode(report: IngestReport) -> str:
    if report.created:
        return "create"
    if report.replaced:
        return "replace"
    return "upsert" if report.key else "append"


def _details(report: IngestReport, sources: Sequence[str], file: str) -> dict[str, Any]:
    return {
        "table": report.table,
        "sources": list(sources),
        "file": file,
        "mode": _mode(report),
        "rows": report.rows,
        "replaced_rows": report.replaced_rows,
    }


def _answer(source: str, report: IngestReport) -> dict[str, Any]:
    """What a push answers (and a retry gets again): JSON data, as the store keeps it."""
    data = {
        "source": source,
        "table": report.table,
        "mode": _mode(report),
        "rows": report.rows,
        "columns": report.columns,
        "replaced_rows": report.replaced_rows,
        "key": list(report.key),
        "notices": [{"code": notice.code, **asdict(notice)} for notice in report.notices],
    }
    loaded: dict[str, Any] = json.loads(json.dumps(data))  # tuples as lists: exactly what a replay reads back
    return loaded

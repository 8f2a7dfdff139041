"""What the sending tests share: the company of test_round (EMEA's November revenue fell 30 %, so one round puts
one firing notice in the outbox) told to Ana, who reads Italian, and to the team EMEA, which reads the workspace's
English; and real local receivers: an SMTP server (aiosmtpd) and a threaded HTTP server (pytest-httpserver)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pytest_httpserver import HTTPServer

from kpilot import Workspace
from kpilot.services.alert_run import run_round
from kpilot.services.org import import_file
from kpilot.store import open_store
from kpilot.store.alert_records import Channel, ChannelKind, Delivery, OwnerKind
from kpilot.store.alerts import AlertStore
from kpilot.store.location import store_location
from kpilot.store.people import People
from kpilot.store.revisions import upgrade
from kpilot.store.session import Store
from kpilot.store.teams import Teams
from tests.alerts.test_evaluate import DEFINITIONS, NOW, workspace

RULES = """\
alert_rules:
  - name: revenue_falls
    label: Revenue falls
    when: change
    kpi: revenue
    min_change: 10
    by: [team]
    notify: {people: [ana@acme.example], teams: [EMEA]}
"""
ORG = """\
teams:
  - {name: EMEA, kind: team, scope: {team: EMEA}}
people:
  - {name: Ana, email: ana@acme.example, language: it, teams: [EMEA]}
"""
DUE = NOW + timedelta(seconds=30)  # the notice's deliveries go out after the grouping wait


@dataclass(frozen=True)
class Company:
    workspace: Workspace
    store: Store

    def add_channel(self, owner: OwnerKind, kind: ChannelKind, target: str, *, dedupes: bool = False) -> Channel:
        with self.store.writing() as session:
            person, team = People(session).by_email("ana@acme.example"), Teams(session).by_name("EMEA")
            found = person if owner is OwnerKind.PERSON else team
            assert found is not None
            return AlertStore(session).add_channel(owner, found.id, kind, target, dedupes=dedupes, at=NOW)

    def notify(self) -> None:
        """One round of the evaluator: the firing notice, with one delivery per channel added so far."""
        assert run_round(self.store, self.workspace, NOW, "evaluator").enqueued == 1

    def delivery(self, channel: Channel) -> Delivery:
        with self.store.reading() as session:
            (found,) = AlertStore(session).deliveries(channel_id=channel.id)
        return found

    def notice_key(self) -> str:
        with self.store.reading() as session:
            (notice,) = AlertStore(session).notices(rule="revenue_falls")
        return notice.idempotency_key


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Company]:
    monkeypatch.setattr("tests.alerts.test_evaluate.DEFINITIONS", DEFINITIONS + RULES)
    made = workspace(tmp_path, {"EMEA": (700, 10)})
    made.close()
    root = tmp_path / "ws"
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    ws = Workspace(root)
    import_file(ws, root / "org.yaml", on=NOW.date())
    with open_store(ws) as store:
        yield Company(ws, store)
    ws.close()


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[tuple[str, ...], str, str]] = []  # (recipients, subject, body)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content)
        subject = str(make_header(decode_header(message["Subject"])))
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode(part.get_content_charset() or "utf-8")
        body = body.replace("\r\n", "\n").removesuffix("\n")  # SMTP's line endings, not the sender's
        self.messages.append((tuple(envelope.rcpt_tos), subject, body))
        return "250 OK"


@dataclass(frozen=True)
class SmtpServer:
    mailbox: Mailbox
    port: int

    def url(self, to: str = "ana@acme.example") -> str:
        return f"mailto://kpilot@acme.example?smtp=127.0.0.1&port={self.port}&to={to}&mode=insecure"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with socket.socket() as probe:  # a free port, given back for the server to take
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(mailbox, port)
    finally:
        controller.stop()


@pytest.fixture
def receiver() -> Iterator[HTTPServer]:
    """A webhook receiver of its own (threaded: two senders may post at once)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def webhook(server: HTTPServer, path: str) -> str:
    return f"json://127.0.0.1:{server.port}{path}"

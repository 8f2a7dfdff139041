"""`kpilot alerts run`: the evaluator and sender in the foreground (services.alert_schedule.Scheduler), one line on
standard error per tick; `--once` for one tick (from cron).

Each tick opens the workspace afresh (edited definitions count from the next tick; between ticks the warehouse file
is free for other commands to write). The scheduler ticks on a thread of its own while this one waits, so that
Ctrl+C (or SIGTERM, made to act as Ctrl+C) never lands in the middle of a tick: the tick in progress ends, the
lease is released (the next evaluator may start at once instead of when it expires) and the command exits with 0.
A second Ctrl+C while that tick ends interrupts it, as for any command.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from kpilot.cli import alerts_app
from kpilot.cli.alerts_app import app
from kpilot.cli.app import LanguageOption, WorkspaceOption, err, language
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, text
from kpilot.services.alert_schedule import Scheduler, TickReport
from kpilot.store.session import Store, open_store
from kpilot.workspace import Workspace

WAIT = 0.2  # seconds between looks at whether the scheduler's thread ended


@app.command("run")
def run_command(
    once: Annotated[bool, typer.Option("--once", help="One tick, then exit (for cron).")] = False,
    every: Annotated[
        float | None,
        typer.Option("--every", min=1, help="Seconds between ticks (default: alerts.every of kpilot.yaml, 60)."),
    ] = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Evaluate the alert rules and send what is due, every `alerts.every` seconds until stopped (Ctrl+C)."""
    speak = language()
    timezone = ""
    ticks: list[TickReport] = []

    def told(report: TickReport) -> None:
        ticks.append(report)
        at = alerts_app.moment_words(alerts_app.now(), timezone, speak)
        err.print(tick_words(report, at, speak), highlight=False, markup=False)

    with Workspace(workspace) as ws, open_store(ws) as store:
        timezone = ws.settings.timezone
        seconds = every if every is not None else float(ws.settings.alerts.every)

        @contextmanager
        def opened() -> Iterator[tuple[Store, Workspace]]:
            # The workspace is opened for each tick: definitions edited meanwhile are evaluated from the next tick,
            # and between ticks the DuckDB file is free for `kpilot ingest` to write.
            with Workspace(workspace) as ticking:
                yield store, ticking

        ws.close()
        scheduler = Scheduler(opened, every=seconds, clock=alerts_app.now, on_tick=told)
        if not once:
            values = {"every": int(seconds) if seconds.is_integer() else seconds, "holder": scheduler.holder}
            err.print(text("cli.alerts.running", speak, **values), highlight=False, markup=False)
        finished = threading.Event()

        def work() -> None:
            try:
                scheduler.run(once=once)
            finally:
                finished.set()

        # Waited for on an Event, not with Thread.join: a join interrupted by Ctrl+C may afterwards take the
        # thread for ended while it still releases the lease (CPython before 3.12), and the process would exit
        # under it.
        worker = threading.Thread(target=work, name="kpilot-alerts", daemon=True)
        with _terminate_as_interrupt():
            worker.start()
            try:
                while not finished.wait(WAIT):
                    pass
            except KeyboardInterrupt:
                scheduler.stop()  # the tick in progress ends; the scheduler then releases the lease
                finished.wait()
                err.print(text("cli.alerts.stopped", speak), highlight=False, markup=False)
                return
    if once and not ticks:  # the tick failed (logged by its code): cron must see it
        raise UserError(Message("cli.alerts.tick_failed"), hint=Message("cli.alerts.tick_failed_hint"))


def tick_words(report: TickReport, at: str, speak: Language) -> str:
    """One tick: what was evaluated and queued (or that another process holds the lease), and what was sent."""
    sent = report.sent
    counts = {"sent": sent.sent, "retrying": sent.retrying, "failed": sent.failed, "unknown": sent.unknown}
    if not report.round.held:
        return text("cli.alerts.tick_elsewhere", speak, at=at, **counts)
    evaluated = {"evaluated": report.round.evaluated, "enqueued": report.round.enqueued}
    return text("cli.alerts.tick", speak, at=at, **evaluated, **counts)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service manager's stop, `kill`) handled as Ctrl+C while the scheduler runs."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

"""A bonus statement as blocks of words, the same for the terminal and the HTML page: a heading per component with
how it was computed, then the plan's figures, the adjustments, the totals, the runs and the disputes."""

from __future__ import annotations

from dataclasses import dataclass

from kpilot.cli.bonus_explain import Words, component_lines, plan_lines
from kpilot.i18n import Language, render, text
from kpilot.services.bonus_statements import Statement, StatementLine
from kpilot.store.bonus import Dispute


@dataclass(frozen=True)
class Block:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class StatementView:
    title: str
    blocks: tuple[Block, ...]


def statement_view(found: Statement, words: Words) -> StatementView:
    person = found.person
    plan = found.plan if found.plan_title == found.plan else f"{found.plan_title} ({found.plan})"
    title = words.say("statement_title", plan=plan, period=found.period, person=person.name, email=person.email)
    blocks = [_component(line, words) for line in found.earned]
    details = [line.details for line in found.earned if line.details is not None]
    if details:
        sections = {str(one["section"]["name"]): one["section"] for one in details if one.get("section")}
        blocks.append(Block(words.say("how_computed"), tuple(plan_lines(details[0], list(sections.values()), words))))
    if found.adjustments:
        blocks.append(Block(words.say("adjustments"), tuple(_adjustment(line, words) for line in found.adjustments)))
    if not found.lines:
        blocks.append(Block(words.say("nothing_yet", period=found.period), ()))
    blocks.append(Block(words.say("totals"), _totals(found, words)))
    blocks.append(Block(words.say("history"), _history(found, words)))
    return StatementView(title, tuple(blocks))


def _component(line: StatementLine, words: Words) -> Block:
    ids = ", ".join(f"#{one}" for one in line.line_ids)
    heading = words.say("component", component=line.component, amount=words.money(line.amount), lines=ids)
    return Block(heading, tuple(component_lines(line.details, words)) if line.details else ())


def _adjustment(line: StatementLine, words: Words) -> str:
    reason = line.reason
    return words.say(
        "statement_adjustment", period=line.period, component=line.component, before=words.money(line.before),
        after=words.money(line.after), amount=words.money(line.amount, signed=True),
        lines=", ".join(f"#{one}" for one in line.line_ids),
        reason="" if reason is None else render(reason, words.language),
    )  # fmt: skip


def _totals(found: Statement, words: Words) -> tuple[str, ...]:
    return (
        words.say("total", period=found.period, amount=words.money(found.total)),
        words.say("owed", amount=words.money(found.owed_to_date)),
        words.say("paid", amount=words.money(found.paid_to_date)),
        words.say("payable", amount=words.money(found.payable)),
    )


def _history(found: Statement, words: Words) -> tuple[str, ...]:
    runs = tuple(
        words.say("run_status", run=str(run.id), status=words.say(f"status.{run.status.value}")) for run in found.runs
    )
    disputes = tuple(dispute_words(one, words.language) for one in found.disputes)
    return (runs or (words.say("no_runs"),)) + disputes


def dispute_words(found: Dispute, language: Language) -> str:
    """A dispute: its id, the line, its status and reason, and the resolution once it has one."""
    status = text(f"cli.bonus.dispute.{found.status.value}", language)
    values = {"dispute": str(found.id), "line": str(found.line_id), "status": status, "reason": found.reason}
    shown = text("cli.bonus.dispute_line", language, **values)
    if found.resolution:
        shown += text("cli.bonus.resolution", language, resolution=found.resolution)
    return shown

"""A digest in words (docs/alerts.md#digests): its title, and its body as plain text or as an HTML page, in one
language, with that language's numbers, dates and periods. The numbers are written as every table writes them
(kpilot.results.formatting); each sentence is a message (`services.digest.*`), never built here from words.

The HTML is the Jinja2 template templates/digest.html, autoescaped, with its styles inline and each card's
sparkline as inline SVG (services.digest_svg), so that an e-mail shows it with nothing to fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files

from jinja2 import Environment, Template
from markupsafe import Markup

from kpilot.definitions.model import TimeUnit, Unit
from kpilot.goals.status import Status
from kpilot.i18n import Amount, Language, Message, Period, Raw, Share, render, text
from kpilot.results.formatting import EMPTY, format_change, format_value, status_words
from kpilot.services.digest import BonusLine, Digest, KeyResultLine
from kpilot.services.digest_cards import DigestCard
from kpilot.services.digest_svg import sparkline_svg

TEMPLATE = "digest.html"
INDENT = "  "


@dataclass(frozen=True)
class CardWords:
    heading: str
    values: str
    compared: str
    status: str | None  # the status's code (its colour)
    judged: str  # the status and its reason
    svg: Markup  # the sparkline ("" without one)


@dataclass(frozen=True)
class DigestWords:
    title: str
    note: str | None  # why these KPIs: the person follows none, so their My KPIs
    highlights: tuple[str, ...]
    cards: tuple[CardWords, ...]
    key_results: tuple[str, ...]
    bonus: tuple[str, ...]
    sections: dict[str, str]


def digest_title(found: Digest, language: Language) -> str:
    heading = Message(f"services.digest.heading.{found.frequency.value}", day=found.today)
    return render(Message("alerts.message.title.digest", title=heading), language)


def words(found: Digest, language: Language) -> DigestWords:
    cards = tuple(_card(card, found.currency, language) for card in found.cards)
    highlights = tuple(_highlight(card, found.currency, language) for card in found.highlights)
    return DigestWords(
        title=digest_title(found, language),
        note=None if found.followed else text("services.digest.my_kpis", language),
        highlights=highlights or (text("services.digest.nothing_moved", language),),
        cards=cards,
        key_results=tuple(_key_result(line, language) for line in found.key_results),
        bonus=tuple(_bonus(line, language) for line in found.bonus),
        sections={
            name: text(f"services.digest.section.{name}", language)
            for name in ("highlights", "kpis", "key_results", "bonus", "no_kpis")
        },
    )


def digest_text(found: Digest, language: Language) -> str:
    """The digest as plain text: a chat message's or an e-mail's plain part."""
    shown = words(found, language)
    lines = [shown.title]
    if shown.note:
        lines += ["", shown.note]
    lines += ["", shown.sections["highlights"], *(f"{INDENT}• {line}" for line in shown.highlights)]
    lines += ["", shown.sections["kpis"]]
    if not shown.cards:
        lines.append(f"{INDENT}{shown.sections['no_kpis']}")
    for card in shown.cards:
        lines += [f"{INDENT}{card.heading}", *(f"{INDENT * 2}{part}" for part in (card.values, card.compared))]
        lines.append(f"{INDENT * 2}{card.judged}")
    for name, items in (("key_results", shown.key_results), ("bonus", shown.bonus)):
        if items:
            lines += ["", shown.sections[name], *(f"{INDENT}{item}" for item in items)]
    return "\n".join(lines) + "\n"


def digest_html(found: Digest, language: Language) -> str:
    """The digest as a standalone HTML page: an e-mail's HTML part, or `kpilot digest --format html`."""
    return _template().render(view=words(found, language), lang=language.value)


@cache
def _template() -> Template:
    source = files("kpilot.services").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    return Environment(autoescape=True, keep_trailing_newline=True).from_string(source)


def _card(card: DigestCard, currency: str, language: Language) -> CardWords:
    period = Period(card.start, card.grain.value, card.period)
    heading = text("services.digest.card.heading", language, label=card.label, where=_where(card), period=period)
    values = text(
        "services.digest.card.values",
        language,
        value=Raw(_value(card, card.value, currency, language)),
        target=Raw(_value(card, card.target, currency, language)),
    )
    compared = text(
        "services.digest.card.compared",
        language,
        previous=Raw(_value(card, card.previous, currency, language)),
        vs_previous=Raw(_change(card.vs_previous, card.change_unit, language)),
        last_year=Raw(_value(card, card.last_year, currency, language)),
        vs_last_year=Raw(_change(card.vs_last_year, card.change_unit, language)),
    )
    status = status_words(Status(card.status), language) if card.status is not None else EMPTY
    judged = text("services.digest.card.judged", language, status=Raw(status), reason=card.reason or Raw(EMPTY))
    label = text("services.digest.sparkline", language, label=card.label, count=len(card.points))
    svg = sparkline_svg(card.points, target=card.target, commit=card.commit, stretch=card.stretch, label=label)
    return CardWords(heading, values, compared, card.status, judged, Markup(svg))  # built of numbers and escaped text


def _highlight(card: DigestCard, currency: str, language: Language) -> str:
    where, period = _where(card), Period(card.start, card.grain.value, card.period)
    if card.anomaly is not None:
        value = Raw(_value(card, card.value, currency, language))
        code = f"services.digest.unusual.{card.anomaly}"
        return text(code, language, label=card.label, where=where, value=value, period=period)
    movement = card.movement
    way = "moved" if movement is None else "better" if movement > 0 else "worse"
    change = Raw(_change(card.vs_previous, card.change_unit, language))
    return text(f"services.digest.{way}", language, label=card.label, where=where, change=change, period=period)


def _key_result(line: KeyResultLine, language: Language) -> str:
    return text(
        "services.digest.key_result",
        language,
        objective=line.objective,
        key_result=line.key_result,
        value=line.value,
        target=line.target,
        grade=Share(float(line.grade)) if line.grade is not None else None,
    )


def _bonus(line: BonusLine, language: Language) -> str:
    amount = Amount(line.amount, "currency", line.currency, None)
    code = f"services.digest.bonus.{line.kind}"
    return text(code, language, plan=line.plan_title, period=line.period, component=line.component, amount=amount)


def _where(card: DigestCard) -> Message:
    if card.board is None:
        return Message("services.digest.where.mine")
    return Message("services.digest.where.board", team=card.board)


def _value(card: DigestCard, value: Decimal | None, currency: str, language: Language) -> str:
    if value is None:
        return EMPTY
    time_unit = TimeUnit(card.time_unit) if card.time_unit is not None else None
    # As floats, as the scorecard's tables and My KPIs' cards are given them: the same value written the same way.
    return format_value(
        float(value), Unit(card.unit), currency, time_unit=time_unit, whole=card.whole, language=language
    )


def _change(amount: Decimal | None, kind: str, language: Language) -> str:
    return format_change(float(amount) if amount is not None else None, kind, language)

"""How one statement line was computed, in words: the KPI read, the point on the curve, the gates, the proration
and the money, from the details its ledger line keeps (services.bonus_details: text figures, {code, values}
reasons). The statement's text and its HTML page both show these lines (cli.bonus_statement_view).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kpilot.cli.bonus_words import amount_words, decimal, message_of, percent_words
from kpilot.definitions.model import Kpi
from kpilot.i18n import Language, render, text, value_text
from kpilot.i18n.numbers import fixed
from kpilot.incentives.money import minor_unit
from kpilot.results.formatting import format_kpi_value

Details = Mapping[str, Any]


@dataclass(frozen=True)
class Words:
    """What the explanations need besides the details: the reader's language, the KPIs (for their units) and the
    plan's and the workspace's currencies (a currency KPI's values are in the workspace's)."""

    language: Language
    kpis: Mapping[str, Kpi]
    currency: str  # the plan's: every amount
    kpi_currency: str  # the workspace's: currency KPIs' values

    def say(self, code: str, **values: Any) -> str:
        return text(f"cli.bonus.{code}", self.language, **values)

    def money(self, value: Any, *, signed: bool = False) -> str:
        found = decimal(value)
        return "–" if found is None else amount_words(found, self.currency, self.language, signed=signed)

    def percent(self, value: Any) -> str:
        return percent_words(decimal(value), self.language)

    def kpi_value(self, kpi: str, value: Any) -> str:
        if value is None:
            return "–"
        definition = self.kpis.get(kpi)
        if definition is None:
            return value_text(Decimal(str(value)), self.language)
        return format_kpi_value(float(value), definition, self.kpi_currency, language=self.language)


def component_lines(details: Details, words: Words) -> list[str]:
    """A component's reads, its point on the curve, its gates, its payout and weight, and the next 1 %'s worth."""
    part = details["component"]
    lines = [read_words(read, words) for read in part.get("read") or []]
    lines += curve_lines(part, words)
    lines += [gate_words(effect, words) for effect in part.get("gates") or []]
    section = details.get("section") or {}
    lines.append(
        words.say(
            "component_payout", payout=words.percent(part.get("payout")), weight=words.percent(_share(part["weight"])),
            section=str(section.get("name", "")),
        )
    )  # fmt: skip
    worth = part.get("next_percent_worth")
    if worth is not None:
        lines.append(words.say("next_percent", worth=words.money(worth)))
    return lines


def read_words(read: Details, words: Words) -> str:
    """One KPI read: its scope, value, target and attainment (and, blended over teams, its share of the time)."""
    kpi = str(read["kpi"])
    scope = scope_words(read.get("scope") or {}, words)
    target = (read.get("target") or {}).get("target")
    share = decimal(read.get("share"))
    shown = "" if share is None or share == 1 else words.say("time_share", share=words.percent(share))
    reason = message_of(read.get("reason"))
    if reason is not None:
        return words.say("read_missing", kpi=kpi, scope=scope, why=render(reason, words.language), share=shown)
    return words.say(
        "read", kpi=kpi, scope=scope, value=words.kpi_value(kpi, read.get("value")),
        target=words.kpi_value(kpi, target), attainment=words.percent(read.get("attainment")), share=shown,
    )  # fmt: skip


def scope_words(scope: Mapping[str, Any], words: Words) -> str:
    if not scope:
        return words.say("every_row")
    return ", ".join(f"{key}={value}" for key, value in scope.items())


def curve_lines(part: Details, words: Words) -> list[str]:
    """The point on the curve: attainment -> payout, the segment it fell in, and the threshold, floor and cap."""
    curve = part.get("curve")
    if curve is None:
        return []
    segment = [words.percent(bound) for bound in curve.get("segment") or []]
    between = words.say("segment", low=segment[0], high=segment[1]) if len(segment) == 2 else ""
    lines = [
        words.say(
            "curve", attainment=words.percent(part.get("attainment")), payout=words.percent(curve.get("payout")),
            segment=between,
        )
    ]  # fmt: skip
    if curve.get("below_threshold"):
        lines.append(words.say("below_threshold"))
    for flag in ("floored", "capped"):
        if curve.get(flag):
            lines.append(words.say(flag, raw=words.percent(curve.get("raw"))))
    return lines


def gate_words(effect: Details, words: Words) -> str:
    """A gate: what it read against its bar, and whether it capped (before -> after)."""
    values = {
        "gate": str(effect["gate"]),
        "read": words.percent(effect.get("read")),
        "below": words.percent(effect.get("below")),
        "cap": words.percent(effect.get("cap")),
        "before": words.percent(effect.get("before")),
        "after": words.percent(effect.get("after")),
    }
    if not effect.get("applied"):
        return words.say("gate_open", **values)
    if effect.get("read") is None:
        return words.say("gate_unread", **values)
    return words.say("gate_applied", **values)


def plan_lines(details: Details, sections: Sequence[Details], words: Words) -> list[str]:
    """The whole plan's figures, the same on every line of the period: sections, gates, payout, proration, money."""
    plan = details["plan"]
    lines = []
    if len(sections) > 1:
        for section in sections:
            lines.append(
                words.say("section", section=str(section["name"]), payout=words.percent(section.get("payout")))
            )
            lines += [f"  {gate_words(effect, words)}" for effect in section.get("gates") or []]
    lines += [gate_words(effect, words) for effect in plan.get("gates") or []]
    combine = words.say(f"combine.{plan['combine']}")
    lines.append(words.say("plan_payout", payout=words.percent(plan.get("payout")), combine=combine))
    lines += proration_lines(details["proration"], words)
    lines += amount_lines(details, words)
    reason = message_of(details.get("reason"))
    if reason is not None:
        lines.append(render(reason, words.language))
    return lines


def proration_lines(proration: Details, words: Words) -> list[str]:
    lines = [
        words.say(
            "proration", factor=words.percent(proration.get("factor")), days=int(proration.get("plan_days") or 0),
            period_days=int(proration.get("period_days") or 0),
        )
    ]  # fmt: skip
    fte, days = decimal(proration.get("fte_days")), decimal(proration.get("plan_days"))
    if fte is not None and days is not None and fte != days:
        lines.append(words.say("part_time", fte_days=fixed(fte, 2, words.language, trim=True)))
    ramp = decimal(proration.get("ramp_factor"))
    if ramp is not None and ramp != 1:
        lines.append(words.say("ramp", ramp=words.percent(ramp)))
    reason = message_of(proration.get("reason"))
    if reason is not None:
        lines.append(render(reason, words.language))
    return lines


def amount_lines(details: Details, words: Words) -> list[str]:
    """period incentive x payout x proration = the amount; and the exact figure when it was rounded."""
    amount = details.get("amount")
    if amount is None:
        return []
    lines = [
        words.say(
            "amount", yearly=words.money(amount.get("yearly_incentive")),
            share=words.percent(amount.get("period_share")), period=words.money(amount.get("period_incentive")),
            payout=words.percent(details["plan"].get("payout")),
            factor=words.percent(details["proration"].get("factor")), total=words.money(amount.get("total")),
        )
    ]  # fmt: skip
    exact, total = decimal(amount.get("exact")), decimal(amount.get("total"))
    if exact is not None and total is not None and exact != total:
        places = max(minor_unit(words.currency), -int(exact.normalize().as_tuple().exponent))
        lines.append(words.say("rounded", exact=fixed(exact, places, words.language), total=words.money(total)))
    return lines


def _share(weight: Any) -> Decimal | None:
    """A component's weight (percent of its section, 70) as a fraction, for percent_words."""
    found = decimal(weight)
    return None if found is None else found / 100

"""A person's digest (docs/alerts.md#digests): the KPIs they follow as cards, the biggest changes and unusual values
first, with their OKR key results and their latest bonus statement lines when there are any. Typed values only:
codes and numbers, never sentences (services.digest_render writes them in a language).

Who may read whose digest is decided here (with services.alert_setup's `person_of`): the person themself, or whoever
reads alerts (`READ_ALERTS`: admins, the local operator), refused before learning whether the address is a
person's; bonus lines only for the person, the operator (the scheduler) or holders of `compensation`. Whoever asks,
the numbers are computed **as the person**: their view of the workspace (services.kpis.workspace_for), so a digest
shows only the KPIs they may see, over the rows they may see, never the asker's.

What it holds: the KPIs of the person's subscriptions (a KPI; a board: the company scorecard or a team's board; a
team: its board), each team board's over that team's rows; with no subscription at all, every KPI of their own
view (My KPIs). Each KPI is judged at its own grain (its `grain:`, else month), for its last complete period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from kpilot.auth.actor import Actor
from kpilot.auth.grants import Permission
from kpilot.errors import UserError
from kpilot.i18n import Message
from kpilot.services.alert_setup import COMPANY_BOARD, as_person, person_of
from kpilot.services.boards import TeamBoard, board_key, board_view, boards_in
from kpilot.services.bonus_statements import statement
from kpilot.services.bonus_views import my_statements
from kpilot.services.digest_cards import DigestCard, cards
from kpilot.services.kpis import workspace_for
from kpilot.services.okr_my import my_key_results
from kpilot.services.permissions import PermissionDenied
from kpilot.store.alert_records import Digest as Frequency
from kpilot.store.alert_records import SubscriptionKind
from kpilot.store.alert_setup_records import Subscription
from kpilot.store.alerts import AlertStore
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import Person
from kpilot.store.session import Store
from kpilot.workspace import Workspace

TOP = 3  # the biggest changes summarised first


@dataclass(frozen=True)
class KeyResultLine:
    objective: str
    key_result: str
    value: Decimal | None
    target: Decimal | None
    unit: str | None
    grade: Decimal | None  # the score, 0 to 1
    colour: str | None  # green, yellow, red


@dataclass(frozen=True)
class BonusLine:
    plan_title: str
    period: str
    component: str
    kind: str  # earned or adjustment
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Digest:
    email: str
    name: str
    language: str  # the person's own
    frequency: Frequency  # the most often any of their subscriptions asks for
    today: date  # the workspace's day it was made on
    currency: str  # the workspace's
    followed: bool  # False: no subscription, so their My KPIs
    cards: tuple[DigestCard, ...]  # the biggest change first
    key_results: tuple[KeyResultLine, ...] = ()
    bonus: tuple[BonusLine, ...] = ()

    @property
    def highlights(self) -> tuple[DigestCard, ...]:
        """What the digest opens with: every unusual value, then the biggest changes, TOP in all at least."""
        unusual = [card for card in self.cards if card.anomaly is not None]
        moved = [card for card in self.cards if card.anomaly is None and card.vs_previous]
        return tuple(unusual + moved[: max(TOP - len(unusual), 0)])


def digest(store: Store, workspace: Workspace, actor: Actor, person_email: str, now: datetime) -> Digest:
    with store.reading() as session:
        organisation = read_organisation(session)
        person = person_of(actor, organisation, person_email, reading=True)  # whose digest the actor may read
        follower = actor if person.id == actor.person_id else as_person(session, person)
        followed = AlertStore(session).subscriptions(person_id=person.id)
    if not follower.roles:
        raise UserError(Message("services.digest.no_account", email=person.email), field="person")
    today = workspace.calendar.today(now)
    view = workspace_for(follower, workspace, on=today, store=store)
    every = [kpi.name for kpi in view.definitions.kpis]
    own, boards = _followed(followed, organisation, follower, today, every)
    found = cards(view, own, today, None, None) if own else []
    for board in boards:
        found += cards(board_view(view, board), every, today, board.team.name, board.scope)
    return Digest(
        email=person.email,
        name=person.name,
        language=person.language,
        frequency=_frequency(followed),
        today=today,
        currency=workspace.settings.currency,
        followed=bool(followed),
        cards=tuple(sorted(found, key=_biggest_first)),
        key_results=_key_results(store, follower, workspace, today),
        bonus=_bonus(store, follower, workspace, person, now) if _may_see_pay(actor, follower) else (),
    )


def _followed(
    followed: tuple[Subscription, ...], organisation: Organisation, follower: Actor, today: date, every: list[str]
) -> tuple[list[str], list[TeamBoard]]:
    """The KPIs over the person's own rows, and the team boards, they follow. A subscription to something they may
    no longer see (a KPI made private, a team they left) is passed over: a digest never widens what they see."""
    if not followed:
        return every, []
    boards = {board.key: board for board in boards_in(organisation, follower, today)}
    own: set[str] = set()
    chosen: dict[str, TeamBoard] = {}
    for one in followed:
        if one.kind is SubscriptionKind.KPI:
            own.add(one.target)
        elif one.kind is SubscriptionKind.BOARD and board_key(one.target) == COMPANY_BOARD:
            own.update(every)
        elif board_key(one.target) in boards:
            chosen[board_key(one.target)] = boards[board_key(one.target)]
    return [name for name in every if name in own], list(chosen.values())


def _frequency(followed: tuple[Subscription, ...]) -> Frequency:
    wanted = {one.digest for one in followed}
    return next((f for f in (Frequency.DAILY, Frequency.WEEKLY) if f in wanted), Frequency.NONE)


def _biggest_first(card: DigestCard) -> tuple[bool, Decimal, str, str]:
    size = abs(card.vs_previous) if card.vs_previous is not None else None
    return (size is None, -(size or Decimal(0)), card.board or "", card.label)


def _key_results(store: Store, follower: Actor, workspace: Workspace, today: date) -> tuple[KeyResultLine, ...]:
    """The key results of the current cycle the person checks in on; none without an open cycle, or for someone who
    may not read OKRs."""
    try:
        mine = my_key_results(store, follower, workspace, today)
    except PermissionDenied:
        return ()
    if mine is None:
        return ()
    return tuple(
        KeyResultLine(
            objective=one.objective.objective.title,
            key_result=one.key_result.key_result.title,
            value=one.key_result.value,
            target=one.key_result.key_result.target,
            unit=one.key_result.key_result.unit,
            grade=_decimal(one.key_result.grade),
            colour=one.key_result.colour.value if one.key_result.colour is not None else None,
        )
        for one in mine.key_results
    )


def _bonus(store: Store, follower: Actor, workspace: Workspace, person: Person, now: datetime) -> tuple[BonusLine, ...]:
    """The lines of the person's latest statement of each plan (none without bonus plans or statements)."""
    if not workspace.definitions.bonus_plans:
        return ()
    latest: dict[str, str] = {}
    for ref in my_statements(store, follower, workspace):  # each plan's newest period first
        latest.setdefault(ref.plan, ref.period)
    lines: list[BonusLine] = []
    for plan, period in latest.items():
        found = statement(store, follower, workspace, plan, person.email, period, now=now)
        lines += [
            BonusLine(found.plan_title, found.period, line.component, line.kind.value, line.amount, found.currency)
            for line in found.lines
        ]
    return tuple(lines)


def _may_see_pay(actor: Actor, follower: Actor) -> bool:
    """Whether the asker may see the person's bonus lines: the person themself (their own statements), the local
    operator (the scheduler, for the digest the person receives), or whoever holds `compensation`."""
    return follower is actor or actor.local or Permission.COMPENSATION in actor.permissions


def _decimal(fraction: Fraction | None) -> Decimal | None:
    if fraction is None:
        return None
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(Decimal("0.0001"))


__all__ = ["TOP", "BonusLine", "Digest", "KeyResultLine", "digest"]

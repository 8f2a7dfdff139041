"""A person's digest (services.digest) on the company of digest_support, each number worked out by hand from its
data: EMEA's November 2026 is 700 of revenue (1,000 every month before) and 20 returns (10 before); APAC's 500 and 5
every month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpilot.auth.actor import Actor
from kpilot.errors import UserError
from kpilot.i18n import Language
from kpilot.okr import Direction, KeyResultKind, Level
from kpilot.okr.kinds import OwnerKind
from kpilot.services import okrs
from kpilot.services.alert_message import reason_message
from kpilot.services.digest import digest
from kpilot.services.digest_data import digest_data, digest_from_data
from kpilot.services.digest_render import digest_text
from kpilot.services.okrs import NewKeyResult, NewObjective
from kpilot.services.permissions import PermissionDenied
from kpilot.store.alert_records import Digest, SubscriptionKind
from tests.alerts.digest_support import NOW, Company, company

__all__ = ["company"]  # fixtures, used by name

ANA = "ana@acme.example"


def _follow_ana(company: Company) -> None:
    company.follow(ANA, SubscriptionKind.KPI, "returns")
    company.follow(ANA, SubscriptionKind.KPI, "margin")  # restricted: the store keeps it, the digest never shows it
    company.follow(ANA, SubscriptionKind.TEAM, "EMEA", Digest.DAILY)


def test_a_members_digest_shows_their_teams_numbers_of_the_kpis_they_may_see(company: Company) -> None:
    _follow_ana(company)
    found = digest(company.store, company.workspace, company.actor(ANA), ANA, NOW)
    assert (found.email, found.language, found.frequency, found.followed) == (ANA, "it", Digest.DAILY, True)
    assert found.today == date(2026, 12, 7)
    # Returns over Ana's own rows (EMEA's: 20, not the company's 25) and on EMEA's board; revenue on EMEA's board.
    # Returns moved +100 % (10 -> 20), revenue -30 % (1,000 -> 700): the biggest change first, her own rows first.
    assert [(card.kpi, card.board) for card in found.cards] == [
        ("returns", None),
        ("returns", "EMEA"),
        ("revenue", "EMEA"),
    ]
    own, _, revenue = found.cards
    assert (own.period, own.grain.value, own.value, own.previous, own.last_year) == ("2026-11", "month", 20, 10, 10)
    assert float(own.vs_previous or 0) == pytest.approx(100.0)
    assert float(own.vs_last_year or 0) == pytest.approx(100.0)
    assert float(own.movement or 0) == pytest.approx(-100.0)  # fewer returns is better: up 100 % is worse
    assert (own.status, own.target, own.anomaly) == ("no_target", None, "above")  # 20 after 25 months of 10
    assert (revenue.value, revenue.target, revenue.previous, revenue.last_year) == (700, 900, 1000, 1000)
    assert float(revenue.vs_previous or 0) == pytest.approx(-30.0)
    assert revenue.status == "off_track"  # 700 / 900 = 78 %, under the 90 % of at risk
    assert revenue.reason is not None
    assert revenue.reason.code == "goals.status.short_by_threshold"
    assert revenue.anomaly == "below"
    # The sparkline: the 12 months that end with November 2026
    assert [point.start for point in revenue.points] == [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
    assert [point.value for point in revenue.points] == [1000] * 11 + [700]
    # All three are unusual (outside the band of 25 equal months), so the digest opens with all three
    assert [(card.kpi, card.board) for card in found.highlights] == [
        ("returns", None),
        ("returns", "EMEA"),
        ("revenue", "EMEA"),
    ]
    assert found.key_results == ()  # no OKR cycle: none, and no error
    assert found.bonus == ()  # no bonus plan


def test_a_board_they_may_not_open_is_passed_over(company: Company) -> None:
    # Bo (APAC) follows revenue and EMEA's board, which a member of APAC may not open: APAC's revenue only, 500
    # (the company's would be 1,200), unchanged on October's 500.
    company.follow("bo@acme.example", SubscriptionKind.KPI, "revenue")
    company.follow("bo@acme.example", SubscriptionKind.TEAM, "EMEA")
    found = digest(company.store, company.workspace, company.actor("bo@acme.example"), "bo@acme.example", NOW)
    assert [(card.kpi, card.board, card.value, card.vs_previous) for card in found.cards] == [("revenue", None, 500, 0)]
    assert found.highlights == ()  # nothing moved, nothing unusual
    assert "Nic się nie zmieniło względem poprzedniego okresu." in digest_text(found, Language.PL)


def test_with_no_subscription_a_digest_shows_their_own_kpis(company: Company) -> None:
    found = digest(company.store, company.workspace, company.actor("cy@acme.example"), "cy@acme.example", NOW)
    assert (found.followed, found.frequency) == (False, Digest.NONE)
    assert sorted((card.kpi, card.value) for card in found.cards) == [("returns", 20), ("revenue", 700)]  # EMEA's


def test_the_operator_reads_a_digest_as_the_person_sees_it(company: Company) -> None:
    _follow_ana(company)
    found = digest(company.store, company.workspace, Actor.operator(), ANA, NOW)
    assert [(card.kpi, card.board, card.value) for card in found.cards] == [
        ("returns", None, 20),
        ("returns", "EMEA", 20),
        ("revenue", "EMEA", 700),
    ]


def test_someone_elses_digest_is_refused_to_a_member(company: Company) -> None:
    ana = company.actor(ANA)
    with pytest.raises(PermissionDenied):
        digest(company.store, company.workspace, ana, "bo@acme.example", NOW)
    with pytest.raises(PermissionDenied):  # refused before telling whether the address is anyone's
        digest(company.store, company.workspace, ana, "nobody@acme.example", NOW)
    with pytest.raises(UserError) as unknown:
        digest(company.store, company.workspace, Actor.operator(), "nobody@acme.example", NOW)
    assert unknown.value.code == "services.alerts.person_unknown"


def test_the_json_holds_codes_and_exact_numbers_and_reads_back(company: Company) -> None:
    _follow_ana(company)
    found = digest(company.store, company.workspace, company.actor(ANA), ANA, NOW)
    data = digest_data(found)
    assert (data["email"], data["frequency"], data["today"], data["currency"]) == (ANA, "daily", "2026-12-07", "EUR")
    revenue = data["cards"][2]
    assert (revenue["kpi"], revenue["board"], revenue["period"], revenue["grain"]) == (
        "revenue",
        "EMEA",
        "2026-11",
        "month",
    )
    assert [Decimal(revenue[name]) for name in ("value", "target", "previous", "last_year")] == [700, 900, 1000, 1000]
    assert float(revenue["vs_previous"]) == pytest.approx(-30.0)
    assert (revenue["change_unit"], revenue["status"], revenue["anomaly"]) == ("%", "off_track", "below")
    assert revenue["reason"]["code"] == "goals.status.short_by_threshold"
    assert revenue["points"][-1] == {"start": "2026-11-01", "value": "700.0"}
    assert data["highlights"][0] == {"kpi": "returns", "board": None}
    read = digest_from_data(data, reason_message)
    assert read.cards[2].value == Decimal("700.0")
    assert read.cards[2].reason is not None
    for language in Language:
        assert digest_text(read, language) == digest_text(found, language)


def test_the_persons_key_results_are_in_their_digest(company: Company) -> None:
    # Ana's own objective in the open cycle of 2026-Q4, one key result from 0 to 10 checked in at 4: a score of
    # 4 / 10 = 0.4
    operator = Actor.operator()
    store, workspace = company.store, company.workspace
    okrs.create_cycle(store, operator, workspace, name="Q4", period="2026-Q4", now=NOW)
    kr = NewKeyResult(
        "Digests sent", KeyResultKind.NUMBER, direction=Direction.INCREASE, baseline=Decimal(0), target=Decimal(10)
    )
    mine = NewObjective("Ship digests", Level.PERSON, OwnerKind.PERSON, ANA, key_results=(kr,))
    made = okrs.add_objective(store, operator, workspace, "Q4", mine, now=NOW)
    (scored,) = okrs.read_cycle(store, operator, workspace, "Q4", today=NOW.date()).objectives
    assert scored.objective.id == made.id
    (first,) = scored.key_results
    okrs.check_in(
        store,
        operator,
        workspace,
        first.key_result.id,
        confidence=7,
        value=Decimal(4),
        note="behind: started late",
        now=NOW,
    )
    found = digest(store, workspace, company.actor(ANA), ANA, NOW)
    ((objective, key_result, value, target, grade),) = [
        (line.objective, line.key_result, line.value, line.target, line.grade) for line in found.key_results
    ]
    assert (objective, key_result, value, target, grade) == ("Ship digests", "Digests sent", 4, 10, Decimal("0.4"))
    assert "  Ship digests: Digests sent: 4 su 10, punteggio 40%" in digest_text(found, Language.IT).splitlines()

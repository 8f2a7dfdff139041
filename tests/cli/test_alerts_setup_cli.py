"""`kpilot alerts channels`, `follow`, `unfollow`, `subscriptions`, `digest-set` and `silence` on the company of
tests/cli/alerts_cli_support (Ana in the team EMEA), the commands' clock at 2026-12-07 09:00 UTC."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from kpilot import Workspace
from kpilot.store import open_store
from kpilot.store.alerts import AlertStore
from tests.alerts.alert_support import receiver, webhook
from tests.cli.alerts_cli_support import Clock, Kpilot, clock, company_root, kpilot, row

FIXTURES = (clock, company_root, kpilot, receiver)


def channels_in_store(root: Path) -> int:
    with Workspace(root) as ws, open_store(ws) as store, store.reading() as session:
        return len(AlertStore(session).channels())


def test_a_webhook_to_an_internal_address_is_refused_and_its_target_never_shown(
    kpilot: Kpilot, company_root: Path, receiver: HTTPServer
) -> None:
    target = webhook(receiver, "/hook/s3cr3t-token")
    code, out, err = kpilot("alerts", "channels", "add", "--team", "EMEA", "--kind", "webhook", "--target", target)
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        "error: the webhook's address is internal (loopback, private, link-local or cloud metadata) and internal "
        "addresses are not allowed: refused without sending"
    )
    assert "s3cr3t" not in err
    assert str(receiver.port) not in err
    assert channels_in_store(company_root) == 0
    assert receiver.log == []  # refused without a request


def test_a_team_channel_is_added_listed_and_removed(kpilot: Kpilot, company_root: Path) -> None:
    target = "json://hooks.example.com/kpilot/s3cr3t-token"  # a public name: resolved when sent, not now
    code, out, err = kpilot("alerts", "channels", "add", "--team", "emea", "--kind", "webhook", "--target", target)
    assert (code, err) == (0, "")
    # The team's name as the organisation spells it; a webhook deduplicates by default (it is sent the key).
    assert out.strip() == "Channel #1 added: webhook for EMEA, to json://hooks.example.com"
    code, out, _ = kpilot("alerts", "channels", "list", "--team", "EMEA")
    assert row(out, "1")[:5] == ["1", "team EMEA", "webhook", "json://hooks.example.com", "yes"]
    assert "s3cr3t" not in out
    listed = json.loads(kpilot("alerts", "channels", "list", "-f", "json")[1])
    assert [(one["id"], one["owner"], one["dedupes"]) for one in listed] == [
        (1, {"kind": "team", "name": "EMEA"}, True)
    ]
    assert "s3cr3t" not in json.dumps(listed)
    assert kpilot("alerts", "channels", "remove", "1")[1].strip() == "Channel #1 removed"
    assert channels_in_store(company_root) == 0
    code, _, err = kpilot("alerts", "channels", "remove", "1")
    assert (code, err.strip()) == (1, "error: there is no channel 1")


def test_a_channel_needs_one_owner_and_a_target_of_its_kind(kpilot: Kpilot) -> None:
    target = "mailto://kpilot@acme.example?smtp=smtp.acme.example&to=ana@acme.example"
    code, _, err = kpilot("alerts", "channels", "add", "--kind", "email", "--target", target)
    assert (code, err.strip()) == (1, "error: name whose channel it is: --person EMAIL or --team NAME (one of them)")
    code, _, err = kpilot(
        "alerts", "channels", "add", "--person", "ana@acme.example", "--team", "EMEA", "--kind", "email",
        "--target", target,
    )  # fmt: skip
    assert code == 1
    assert "one of them" in err
    code, _, err = kpilot(
        "alerts", "channels", "add", "--person", "bob@acme.example", "--kind", "email", "--target", target
    )
    assert (code, err.strip()) == (1, "error: nobody in the organisation has the address bob@acme.example")
    # An e-mail channel with a webhook's URL: refused by its kind, the target not repeated.
    code, _, err = kpilot(
        "alerts", "channels", "add", "--person", "ana@acme.example", "--kind", "email",
        "--target", "json://hooks.example.com/s3cr3t",
    )  # fmt: skip
    assert code == 1
    assert "s3cr3t" not in err
    assert "hint: an e-mail channel takes a mailto://" in err


def test_follow_change_the_digest_and_unfollow(kpilot: Kpilot) -> None:
    code, out, err = kpilot("alerts", "follow", "team", "emea", "--person", "ana@acme.example", "--digest", "daily")
    assert (code, err) == (0, "")
    assert out.strip() == "Subscription #1: ana@acme.example follows team EMEA; digest: daily"
    code, out, _ = kpilot("alerts", "follow", "board", "company", "--person", "ana@acme.example")
    assert out.strip() == "Subscription #2: ana@acme.example follows board company; digest: weekly"  # the default
    code, out, _ = kpilot("alerts", "subscriptions", "--person", "ana@acme.example")
    assert row(out, "1")[:4] == ["1", "ana@acme.example", "team EMEA", "daily"]
    assert row(out, "2")[:4] == ["2", "ana@acme.example", "board company", "weekly"]
    code, out, _ = kpilot("alerts", "digest-set", "1", "none")
    assert out.strip() == "Subscription #1: ana@acme.example follows team EMEA; digest now: none"
    assert kpilot("alerts", "unfollow", "2")[1].strip() == "Subscription #2 ended"
    everyone = json.loads(kpilot("alerts", "subscriptions", "-f", "json")[1])
    assert [(one["id"], one["kind"], one["target"], one["digest"]) for one in everyone] == [(1, "team", "EMEA", "none")]
    code, _, err = kpilot("alerts", "unfollow", "2")
    assert (code, err.strip()) == (1, "error: there is no subscription 2")


def test_following_is_refused_for_an_unknown_person_or_team(kpilot: Kpilot) -> None:
    code, _, err = kpilot("alerts", "follow", "team", "EMEA", "--person", "bob@acme.example")
    assert (code, err.strip()) == (1, "error: nobody in the organisation has the address bob@acme.example")
    code, _, err = kpilot("alerts", "follow", "team", "APAC", "--person", "ana@acme.example")
    assert code == 1
    assert err.startswith("error: the organisation has no team APAC")
    code, _, err = kpilot("alerts", "follow", "planet", "EMEA", "--person", "ana@acme.example")
    assert code == 2
    assert "planet" in err


def test_a_silence_for_two_hours_is_listed_until_it_ends_and_removed(kpilot: Kpilot, clock: Clock) -> None:
    code, out, err = kpilot(
        "alerts", "silence", "add", "--rule", "revenue_falls", "--until", "2h", "--reason", "deploy"
    )
    assert (code, err) == (0, "")
    assert out.strip() == "Silence #1: rule revenue_falls from 2026-12-07 09:00 until 2026-12-07 11:00"
    code, out, _ = kpilot("alerts", "silence", "list")
    assert row(out, "1") == ["1", "rule revenue_falls", "2026-12-07 09:00", "2026-12-07 11:00", "deploy", "operator"]
    italian = kpilot("alerts", "silence", "list", "--lang", "it")[1]  # dates the Italian way: day/month/year
    assert row(italian, "1")[:4] == ["1", "regola revenue_falls", "07/12/2026 09:00", "07/12/2026 11:00"]
    clock.moment = clock.moment.replace(hour=11)  # it ends at 11:00, not included
    assert "none" in kpilot("alerts", "silence", "list")[1]
    (ended,) = json.loads(kpilot("alerts", "silence", "list", "--all", "-f", "json")[1])
    assert (ended["kind"], ended["subject"], ended["ends_at"]) == ("rule", "revenue_falls", "2026-12-07T11:00:00+00:00")
    assert kpilot("alerts", "silence", "remove", "1")[1].strip() == "Silence #1 removed"
    code, _, err = kpilot("alerts", "silence", "remove", "1")
    assert (code, err.strip()) == (1, "error: there is no silence 1")


def test_a_silence_until_a_moment_is_read_in_the_workspaces_time_zone(kpilot: Kpilot, company_root: Path) -> None:
    settings = company_root / "kpilot.yaml"
    settings.write_text(settings.read_text().replace("timezone: UTC", "timezone: Europe/Rome"))
    code, out, _ = kpilot(
        "alerts", "silence", "add", "--team", "EMEA", "--from", "30m", "--until", "2026-12-24T18:00",
        "--reason", "holidays", "-f", "json",
    )  # fmt: skip
    assert code == 0
    made = json.loads(out)
    # Rome is an hour ahead of UTC in December: 18:00 there is 17:00 UTC; --from 30m after 09:00 UTC.
    assert (made["starts_at"], made["ends_at"]) == ("2026-12-07T09:30:00+00:00", "2026-12-24T17:00:00+00:00")
    listed = kpilot("alerts", "silence", "list")[1]
    assert row(listed, "1")[:4] == ["1", "team EMEA", "2026-12-07 10:30", "2026-12-24 18:00"]


def test_bad_silences_are_told(kpilot: Kpilot) -> None:
    code, _, err = kpilot("alerts", "silence", "add", "--rule", "revenue_fall", "--until", "1d", "--reason", "x")
    assert (code, err.strip().splitlines()[0]) == (1, "error: there is no alert rule revenue_fall to silence")
    code, _, err = kpilot("alerts", "silence", "add", "--rule", "revenue_falls", "--until", "soon", "--reason", "x")
    assert code == 1
    assert err.startswith("error: not a moment or a duration: soon")
    code, _, err = kpilot(
        "alerts", "silence", "add", "--rule", "revenue_falls", "--until", "2026-12-01", "--reason", "x"
    )
    assert (code, err.strip()) == (1, "error: the silence would be over before it starts: it ends 2026-12-01 00:00")
    code, _, err = kpilot(
        "alerts", "silence", "add", "--kpi", "revenue", "--team", "EMEA", "--until", "1d", "--reason", "x"
    )
    assert (code, err.strip()) == (1, "error: name what to silence: one of --rule, --kpi, --source or --team")

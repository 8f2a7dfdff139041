"""The admin pages in Debian's Chromium (docs/dashboard.md, "Admin pages"): the administrator goes from the
navigation to people and teams, makes a token (its secret shown once) and revokes it, and filters the audit log;
anyone else is told the pages are for administrators. Screenshots: admin-people-en, admin-audit-en.

The organisation is tests/permissions/org_support.py's: Bruno moved from EMEA to APAC on 2025-03-15."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.web_support import LiveServer, SignIn, screenshot


def test_people_and_teams_from_the_navigation(page: Page, live_server: LiveServer, sign_in: SignIn) -> None:
    sign_in(page.context, "ada")
    page.goto("/")
    page.locator("nav.pages").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.get_by_role("link", name="People and teams").click()
    held = page.locator('table[data-table="memberships"] tbody tr')
    expect(held).to_have_count(10)  # nine people, Bruno twice
    expect(held.filter(has_text="bruno@acme.example").filter(has_text="EMEA")).to_contain_text("2025-03-15")
    screenshot(page, "admin-people-en")


def test_a_token_made_and_revoked(page: Page, live_server: LiveServer, sign_in: SignIn) -> None:
    sign_in(page.context, "ada")
    page.goto("/admin/tokens")
    page.get_by_label("Name", exact=True).fill("browser export")
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator(".token-secret")
    expect(secret).to_have_value(re.compile(r"^kpilot_[0-9a-f]{16}_[0-9a-f]+$"))
    lookup = secret.input_value().split("_")[1]
    page.goto("/admin/tokens")
    expect(page.locator(".token-secret")).to_have_count(0)  # shown once, never again
    row = page.locator(f'tr[data-token="{lookup}"]')
    expect(row).to_have_attribute("data-status", "active")
    row.get_by_role("button", name=re.compile("^Revoke")).click()
    expect(page.get_by_role("status")).to_have_text(f"Token {lookup} is revoked.")
    expect(page.locator(f'tr[data-token="{lookup}"]')).to_have_attribute("data-status", "revoked")


def test_the_audit_log_filtered(page: Page, live_server: LiveServer, sign_in: SignIn) -> None:
    sign_in(page.context, "ada")
    page.goto("/admin/audit")
    page.get_by_label("Action").select_option("account.created")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action=account\.created"))
    entries = page.locator('table[data-table="audit"] tbody tr')
    expect(entries).to_have_count(9)  # one account a person of the served company
    expect(entries.first).to_contain_text("vera@acme.example")  # newest first: the last one made
    screenshot(page, "admin-audit-en")


def test_a_member_is_told_the_pages_are_for_administrators(
    page: Page, live_server: LiveServer, sign_in: SignIn
) -> None:
    sign_in(page.context, "dino")
    page.goto("/")
    expect(page.locator('nav.pages a[href="/admin"]')).to_have_count(0)
    response = page.goto("/admin/audit")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("This page is for administrators only")

"""Exports over HTTP (docs/dashboard.md#exports): each file holds the numbers its page shows the reader, and is refused
as that page is. The numbers are the deals of tests/permissions/org_support.py, worked out by hand: team_revenue
for Dino (EMEA's rows) is 30 in 2025-01 (Anna's 10 + 20) and 45 in 2025-02 (Bruno's 40 + Mara's 5); for Ada (every
row) company_revenue over APAC is 100 in 2025-01 and 200 in 2025-02 (Carl's deals)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kpilot.server.web.export_data import Sheet
from kpilot.server.web.export_files import csv_bytes, xlsx_bytes
from kpilot.server.web.export_links import board_links, kpi_links, scorecard_links, share_link
from tests.server.server_support import Company, client
from tests.server.share_support import served_with_passwords
from tests.server.test_pages import sign_in


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    return served_with_passwords(tmp_path_factory.mktemp("exports") / "ws")


@contextmanager
def signed_in(served: Company, name: str) -> Iterator[TestClient]:
    with client(served.root) as api:
        sign_in(api, name)
        yield api


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # a byte order mark: spreadsheet programs read UTF-8 right
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_kpis_history_as_csv(served: Company) -> None:
    with signed_in(served, "dino") as dino:
        answer = dino.get("/export/kpi/team_revenue.csv?period=2025-02")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in answer.headers["content-disposition"]
    header, *rows = rows_of(answer.content)
    assert header == ["Period", "First day", "Value", "Commitment", "Target", "Stretch"]
    values = {row[0]: row[2] for row in rows}
    assert len(rows) == 12  # the page's twelve periods, 2024-03 to 2025-02
    assert (values["2025-01"], values["2025-02"]) == ("30", "45")
    assert rows[-1][1] == "2025-02-01"


def test_the_filters_of_the_kpi_page(served: Company) -> None:
    with signed_in(served, "ada") as ada:
        apac = ada.get("/export/kpi/company_revenue.csv?team=APAC&period=2025-02")
        wrong = ada.get("/export/kpi/company_revenue.csv?region=EMEA")
        absent = ada.get("/export/kpi/company_revenue.csv?team=LATAM")
    values = {row[0]: row[2] for row in rows_of(apac.content)[1:]}
    assert (values["2025-01"], values["2025-02"]) == ("100", "200")
    # A filter the page would leave out (an unknown dimension, a value that never occurs) is refused, in words.
    assert wrong.status_code == 400
    assert "region" in wrong.text
    assert absent.status_code == 400
    assert "LATAM" in absent.text


def test_headers_in_the_readers_language(served: Company) -> None:
    with signed_in(served, "dino") as dino:
        italian = dino.get("/export/kpi/team_revenue.csv?period=2025-02&lang=it")
        chinese = dino.get("/export/scorecard.csv?lang=zh")
    assert rows_of(italian.content)[0][:3] == ["Periodo", "Primo giorno", "Valore"]
    assert rows_of(chinese.content)[0][:4] == ["KPI", "名称", "期间", "数值"]


def test_a_kpis_history_as_xlsx(served: Company) -> None:
    with signed_in(served, "dino") as dino:
        answer = dino.get("/export/kpi/team_revenue.xlsx?period=2025-02")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Period", "First day", "Value")
    february = next(row for row in rows if row[0] == "2025-02")
    assert february[2] == 45  # a number, not text
    assert february[1].date() == date(2025, 2, 1)  # type: ignore[union-attr]


def test_the_scorecard(served: Company) -> None:
    with signed_in(served, "dino") as dino:
        answer = dino.get("/export/scorecard.csv")
        book = dino.get("/export/scorecard.xlsx")
    lines = {row[0]: row for row in rows_of(answer.content)[1:]}
    assert lines["team_revenue"][2:4] == ["2025-02", "45"]
    assert "managers_revenue" not in lines  # not one of Dino's KPIs
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    found = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert found["team_revenue"][3] == 45


def test_the_chart_as_png_and_svg(served: Company) -> None:
    with signed_in(served, "dino") as dino:
        png = dino.get("/export/chart/kpi/team_revenue.png?period=2025-02")
        svg = dino.get("/export/chart/kpi/team_revenue.svg?period=2025-02")
        not_a_chart = dino.get("/export/chart/kpi/team_revenue.csv")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(svg.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not_a_chart.status_code == 404


def test_boards_as_pdf(served: Company) -> None:
    with signed_in(served, "ada") as ada:
        company = ada.get("/export/board/company.pdf")
    with signed_in(served, "dino") as dino:
        emea = dino.get("/export/board/team/emea.pdf")
        sheet = dino.get("/export/board/team/emea.csv")
        apac = dino.get("/export/board/team/apac.pdf")
    assert company.status_code == 200
    assert company.headers["content-type"] == "application/pdf"
    assert company.content.startswith(b"%PDF")
    assert emea.content.startswith(b"%PDF")
    lines = {row[0]: row for row in rows_of(sheet.content)[1:]}
    assert lines["team_revenue"][3] == "45"  # the EMEA board: EMEA's rows of Dino's view
    assert apac.status_code == 404  # not one of Dino's boards, told as one that does not exist


def test_a_hidden_kpi_is_not_found_exactly_like_a_missing_one(served: Company) -> None:
    with signed_in(served, "carl") as carl:
        hidden = carl.get("/export/kpi/managers_revenue.csv")
        missing = carl.get("/export/kpi/no_such_kpi.csv")
        chart = carl.get("/export/chart/kpi/managers_revenue.png")
    assert (hidden.status_code, missing.status_code, chart.status_code) == (404, 404, 404)
    for answer, name in ((hidden, "managers_revenue"), (missing, "no_such_kpi")):
        assert "Nothing to export here" in answer.text
        assert f"unknown KPI &#39;{name}&#39;" in answer.text


def test_signed_out_the_export_asks_to_sign_in(served: Company) -> None:
    with client(served.root) as api:
        answer = api.get("/export/kpi/team_revenue.csv?period=2025-02", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=/export/kpi/team_revenue.csv")


def test_money_stays_exact() -> None:
    """A Decimal is written digit for digit (a float would round 12345678901234567.89), a day as ISO 8601."""
    sheet = Sheet("money", ("period", "value"), ((date(2025, 2, 1), Decimal("12345678901234567.89")), (None, 0.5)))
    assert rows_of(csv_bytes(sheet)) == [["period", "value"], ["2025-02-01", "12345678901234567.89"], ["", "0.5"]]
    book = load_workbook(io.BytesIO(xlsx_bytes(sheet))).active
    assert book is not None
    assert list(book.iter_rows(values_only=True))[1][1] == pytest.approx(12345678901234567.89)


def test_the_links_a_page_offers_give_its_files(served: Company) -> None:
    offered = kpi_links("team_revenue", "period=2025-02&lang=it")
    links = {href.rsplit(".", 1)[1].split("?")[0]: href for _, href in offered}
    assert links["csv"] == "/export/kpi/team_revenue.csv?period=2025-02"  # the page's filters, not its language
    assert share_link("kpi", "team_revenue", "team=EMEA&lang=it") == "/shares?kind=kpi&name=team_revenue&team=EMEA"
    with signed_in(served, "dino") as dino:
        for href in [*links.values(), *(href for _, href in scorecard_links()), *(h for _, h in board_links("emea"))]:
            assert dino.get(href).status_code == 200, href

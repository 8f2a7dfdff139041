"""A digest in words (services.digest_render) in Italian, Polish and Chinese, with their numbers and dates, and its
sparkline as SVG (services.digest_svg), each text and coordinate worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

from kpilot.i18n import Language
from kpilot.services.digest import digest
from kpilot.services.digest_cards import Point
from kpilot.services.digest_render import digest_html, digest_text, digest_title
from kpilot.services.digest_svg import sparkline_svg
from kpilot.store.alert_records import Digest, SubscriptionKind
from tests.alerts.digest_support import NOW, Company, company

__all__ = ["company"]  # fixtures, used by name

ANA = "ana@acme.example"


def _ana(company: Company) -> object:
    company.follow(ANA, SubscriptionKind.KPI, "returns")
    company.follow(ANA, SubscriptionKind.TEAM, "EMEA", Digest.WEEKLY)
    return digest(company.store, company.workspace, company.actor(ANA), ANA, NOW)


def test_italian_text(company: Company) -> None:
    found = _ana(company)
    written = digest_text(found, Language.IT)  # type: ignore[arg-type]
    lines = written.splitlines()
    assert lines[0] == "Il tuo riepilogo: KPI della settimana, 07/12/2026"
    assert "  • Revenue (cruscotto EMEA): 700 in novembre 2026, insolitamente basso" in lines
    card = lines.index("  Revenue (cruscotto EMEA), novembre 2026")
    assert lines[card + 1] == "    valore 700, obiettivo 900"
    # Italian groups thousands with a dot and writes decimals with a comma
    assert lines[card + 2] == (
        "    periodo precedente 1.000 (-30,0 %), stesso periodo dell'anno scorso 1.000 (-30,0 %)"
    )
    assert lines[card + 3].startswith("    fuori strada: ")


def test_polish_and_chinese_text(company: Company) -> None:
    found = _ana(company)
    polish = digest_text(found, Language.PL).splitlines()  # type: ignore[arg-type]
    assert polish[0] == "Twoje podsumowanie: tygodniowe KPI z 07.12.2026"
    # Polish groups thousands with a no-break space, as every kpilot table does, and writes a decimal comma
    assert "    poprzedni okres 1\xa0000 (-30,0 %), ten sam okres rok temu 1\xa0000 (-30,0 %)" in polish
    assert "  • Returns (Twoje dane), listopad 2026: 20, nietypowo wysoko" in polish
    chinese = digest_text(found, Language.ZH).splitlines()  # type: ignore[arg-type]
    assert chinese[0] == "你的摘要：2026年12月7日的每周 KPI"
    assert "    上一期 1,000（-30.0 %），去年同期 1,000（-30.0 %）" in chinese
    assert "  Revenue（EMEA 看板），2026年11月" in chinese


class _Page(HTMLParser):
    """The HTML's elements and their attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_html_page_has_a_card_with_an_inline_sparkline_per_kpi(company: Company) -> None:
    found = _ana(company)
    page = _Page()
    page.feed(digest_html(found, Language.IT))  # type: ignore[arg-type]
    assert ("html", {"lang": "it"}) in page.elements
    cards = [attrs["class"] for tag, attrs in page.elements if tag == "div" and "card" in (attrs.get("class") or "")]
    assert cards == ["card status-no_target", "card status-no_target", "card status-off_track"]
    svgs = [attrs for tag, attrs in page.elements if tag == "svg"]
    assert [svg["aria-label"] for svg in svgs] == [
        "Returns, gli ultimi 12 periodi",
        "Returns, gli ultimi 12 periodi",
        "Revenue, gli ultimi 12 periodi",
    ]
    lines = [attrs["points"] or "" for tag, attrs in page.elements if tag == "polyline"]
    assert [len(points.split()) for points in lines] == [12, 12, 12]
    # Revenue: 1,000 for 11 months, then 700; the target 900 as a dashed line. From 700 to 1,000 over 26 px of
    # height (32 less 3 each side): 1,000 at y 3, 700 at y 29, 900 at 29 - 200 / 300 * 26 = 11.7
    assert lines[2].split()[0] == "3.0,3.0"
    assert lines[2].split()[-1] == "117.0,29.0"
    targets = [attrs for tag, attrs in page.elements if tag == "line"]
    assert [(line["y1"], line["y2"]) for line in targets] == [("11.7", "11.7")]
    assert "valore 700, obiettivo 900" in " ".join(page.text)
    assert digest_title(found, Language.IT) in page.text  # type: ignore[arg-type]


def test_a_sparkline_with_a_target_band_and_a_gap() -> None:
    points = [Point(date(2026, 1, 1), Decimal(0)), Point(date(2026, 2, 1), None), Point(date(2026, 3, 1), Decimal(10))]
    svg = sparkline_svg(points, target=Decimal(5), commit=Decimal(4), stretch=Decimal(6), label='R&D "<spend>"')
    page = _Page()
    page.feed(svg)
    elements = dict(page.elements)
    assert elements["svg"]["aria-label"] == 'R&D "<spend>"'  # escaped in the markup, read back whole
    # 0 to 10 over 26 px: 6 at 29 - 15.6 = 13.4, 4 at 29 - 10.4 = 18.6; the band between them, no target line
    assert (elements["rect"]["y"], elements["rect"]["height"]) == ("13.4", "5.2")
    assert "line" not in elements
    # The missing February breaks the line: two one-point runs, at x 3 and 117 (114 px / 2 steps apart)
    assert [attrs["points"] for tag, attrs in page.elements if tag == "polyline"] == ["3.0,29.0", "117.0,3.0"]
    assert (elements["circle"]["cx"], elements["circle"]["cy"]) == ("117.0", "3.0")
    assert sparkline_svg([Point(date(2026, 1, 1), None)]) == ""

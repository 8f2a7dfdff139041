"""Every page in every language (docs/dashboard.md#languages): a test fails on an untranslated string. Each page
(every GET route of kpilot.server.web that answers HTML) is fetched in English and in Italian, Polish and Chinese,
as Ada (an admin, who may open every page); every text a reader sees (text nodes, and the title, aria-label,
placeholder and alt attributes, and the words on buttons) is collected. A text found on both the English and the
other language's page is untranslated, unless it is

- the same in both languages in the message catalogue (a word such as "KPI", or the name of a language), or
- data, which is never translated: the definitions' names, labels, descriptions and formulas, the organisation's
  people, teams and e-mail addresses, values of the data, the brand; or
- without letters (numbers, dates in digits, signs).

A page whose route takes a path parameter is opened with the sample in SAMPLES: a new page without one fails here,
so that no page escapes the check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.i18n import Language
from kpilot.i18n.catalogue import catalogue
from kpilot.server.web import ROUTERS
from tests.server.server_support import Company
from tests.server.share_support import make_link
from tests.server.test_okr_pages import OKR_TEXTS, build_okrs
from tests.server.test_pages import served, signed_in  # noqa: F401 (the module's fixture, shared)

# The event stream, the exports (files, checked by their own tests) and the sentence on what moved a KPI (a fragment
# a card loads: tests/server/test_kpi_moved.py). The bonus pages need a company with a bonus plan, which the served
# company has not: tests/web/test_bonus_pages.py checks their words and accessibility over the bonus company.
NOT_PAGES = re.compile(r"^/live$|/export\b|/moved$|^/bonus\b")
# A value for each path parameter of a page's route (the served company of tests/server/server_support.py).
# TOKEN: a share link the test makes; objective 1: the first objective of the OKR cycle the `okrs` fixture makes.
SAMPLES = {"name": "team_revenue", "team": "EMEA", "token": "TOKEN", "objective": "1"}
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
LETTER = re.compile(r"[^\W\d_]")
OTHERS = [language for language in Language if language is not Language.EN]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Texts(HTMLParser):
    """The texts of an HTML page that a reader sees or hears. Scripts and styles are not read, nor what the page
    marks as never translated: an element with HTML's `translate="no"` (data shown as it is: a token's id, a file's
    location, an audit entry's action code) and <code>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()
        self._open: list[bool] = []  # for each open element: whether its content is not read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = (
            (self._open and self._open[-1]) or tag in ("script", "style", "code") or values.get("translate") == "no"
        )
        if tag not in VOID:
            self._open.append(bool(hidden))
        if hidden:
            return
        for name in SHOWN_ATTRIBUTES:
            self._add(values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button"):
            self._add(values.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not (self._open and self._open[-1]):
            self._add(data)

    def _add(self, text: str | None) -> None:
        for part in (text or "").split(" · "):  # the separator of a page's title and its parts
            if LETTER.search(part.strip()):
                self.found.add(" ".join(part.split()))


def texts(html: str) -> set[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.found


def page_paths() -> list[str]:
    paths = []
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and "GET" in route.methods and not NOT_PAGES.search(route.path):
                names = re.findall(r"{(\w+)(?::\w+)?}", route.path)
                missing = [name for name in names if name not in SAMPLES]
                assert not missing, f"{route.path}: add a sample for {missing} to SAMPLES"
                paths.append(re.sub(r"{(\w+)(?::\w+)?}", lambda m: SAMPLES[m.group(1)], route.path))
    return sorted(set(paths))


def same_in_every_language(language: Language) -> set[str]:
    """The catalogue's texts that are the same in `language` as in English (nothing to translate)."""
    same = set()
    for entry in catalogue().values():
        english, other = entry.get(Language.EN), entry.get(language)
        if isinstance(english, str) and english == other:
            same.add(" ".join(english.split()))
    return same


def data_texts(company: Company) -> set[str]:
    """What the definitions and the organisation hold: shown as they are, in every language."""
    found = {"kpilot"}
    with Workspace(company.root) as workspace:
        definitions = workspace.definitions
        for kpi in definitions.kpis:
            found |= {kpi.name, kpi.label or "", kpi.description or "", kpi.formula}
        for source in definitions.sources:
            found.add(source.name)
            found |= {dimension.name for dimension in source.dimensions}
            found |= {dimension.label or "" for dimension in source.dimensions}
        for goal in definitions.goals:
            found |= {goal.name, goal.label or "", goal.description or ""}
    for name in ("anna", "bruno", "mara", "carl", "dino", "carla", "vera", "ada", "eddie"):
        found |= {name, name.capitalize(), f"{name}@acme.example"}
    found |= {"Acme", "Sales", "EMEA", "APAC", "Europe"}
    return {" ".join(text.split()) for text in found if text}


@pytest.fixture(scope="module")
def admin(served: Company) -> Iterator[TestClient]:  # noqa: F811 (the shared fixture)
    with signed_in(served.root, "ada") as api:
        yield api


@pytest.fixture(scope="module")
def shared(admin: TestClient) -> str:
    """A share link of Ada's to team_revenue (its path, `/s/<token>`): the shared view is a page too."""
    _, path = make_link(admin, name="team_revenue")
    return path


@pytest.fixture(scope="module")
def okrs(served: Company) -> None:  # noqa: F811 (the shared fixture)
    """The OKR cycle of tests/server/test_okr_pages.py, so that the OKR pages have objectives to show."""
    build_okrs(served.root)


@pytest.mark.parametrize("path", page_paths())
@pytest.mark.parametrize("language", OTHERS, ids=str)
def test_every_string_of_every_page_is_translated(
    admin: TestClient,
    served: Company,  # noqa: F811 (the shared fixture)
    shared: str,
    okrs: None,
    path: str,
    language: Language,
) -> None:
    path = path.replace("/s/TOKEN", shared)
    joiner = "&" if "?" in path else "?"
    english = admin.get(f"{path}{joiner}lang=en")
    other = admin.get(f"{path}{joiner}lang={language.value}")
    assert english.status_code == other.status_code == 200, (path, english.status_code, other.status_code)
    assert english.headers["content-type"].startswith("text/html"), f"{path} is not a page: add it to NOT_PAGES"
    allowed = same_in_every_language(language) | data_texts(served) | OKR_TEXTS
    untranslated = sorted((texts(english.text) & texts(other.text)) - allowed)
    assert not untranslated, f"{path} in {language.value}: untranslated: {untranslated}"

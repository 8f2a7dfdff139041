"""A bonus statement as a standalone HTML page: the statement's blocks of words (cli.bonus_statement_view) in the
Jinja2 template templates/bonus_statement.html, autoescaped, with its styles inline so that the file can be mailed
or opened anywhere, with nothing to fetch. (The server's templates are its own: the command line does not import
kpilot.server.)
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from jinja2 import Environment, Template

from kpilot.cli.bonus_statement_view import StatementView
from kpilot.i18n import Language

TEMPLATE = "bonus_statement.html"


@cache
def _template() -> Template:
    source = files("kpilot.cli").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    return Environment(autoescape=True, keep_trailing_newline=True).from_string(source)


def statement_page(view: StatementView, language: Language) -> str:
    return _template().render(view=view, lang=language.value)

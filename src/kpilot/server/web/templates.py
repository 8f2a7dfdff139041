"""Rendering a page: one Jinja2 environment over `templates/`, autoescaped, whose only words come from the message
catalogue (`t('web.sign_in.title')`) in the reader's language, with locale numbers from `kpilot.results.formatting`.
A template never holds a sentence of its own (tests/web check every page in every language)."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from kpilot.i18n import Language, text


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("kpilot.server.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(request: Request, template: str, language: Language, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page `template` in `language`; `context` holds values only (words are looked up by the template)."""

    def words(code: str, **values: Any) -> str:
        return text(code, language, **values)

    links = [(other, str(request.url.include_query_params(lang=other.value))) for other in Language]
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")  # what live updates fetch again
    html = (
        environment()
        .get_template(template)
        .render(t=words, language=language, languages=links, path=request.url.path, here=here, **context)
    )
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})

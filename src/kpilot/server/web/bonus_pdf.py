"""`/bonus/{plan}/{period}/{email}/export.pdf`: a statement as a one-page PDF (docs/dashboard.md#bonus-pages), drawn
as the dashboard draws a board's PDF (docs/dashboard.md#exports): a Vega-Lite document of text marks rendered on the
server by vl-convert, with no access to the network. It holds the words and amounts the statement page shows the
reader (server.web.bonus_statement_view), in their language, and is read exactly as the page is (services.bonus_
statements: the person, their managers, compensation holders; the read audited), refused with the same pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kpilot.i18n import Language, text
from kpilot.server.runtime import Runtime
from kpilot.server.web.bonus_pages import FIELD_LENGTH, now, shown_or_refused
from kpilot.server.web.bonus_statement_view import StatementView, statement_view
from kpilot.server.web.export_answers import File
from kpilot.server.web.export_files import VEGA_LITE, text_table_document
from kpilot.server.web.reader import Reader, signed_in
from kpilot.services.bonus_statements import statement

router = APIRouter(include_in_schema=False)
COLUMNS = (0, 30, 52, 68, 84)  # where each column starts, in hundredths of the document's width


@router.get("/bonus/{plan}/{period}/{email}/export.pdf")
async def statement_pdf(request: Request, plan: str, period: str, email: str) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def made() -> File:
        with runtime.workspace() as workspace, runtime.store() as store:
            found = statement(store, reader.actor, workspace, plan[:FIELD_LENGTH], email[:FIELD_LENGTH],
                              period[:FIELD_LENGTH], now=now())  # fmt: skip
        view = statement_view(found, reader.language)
        return File(statement_pdf_bytes(view, reader.language), "pdf", f"bonus-{found.plan}-{found.period}")

    answer = await shown_or_refused(request, reader, made)
    return answer.response() if isinstance(answer, File) else answer


def statement_pdf_bytes(view: StatementView, language: Language) -> bytes:
    import vl_convert  # imported when a PDF is asked for: it is slow to import

    spec = statement_document(view, language)
    return bytes(vl_convert.vegalite_to_pdf(spec, vl_version=VEGA_LITE, allowed_base_urls=[]))


def statement_document(view: StatementView, language: Language) -> dict[str, Any]:
    """The statement as a table of text marks: one row a line (component, attainment, the point on the curve,
    payout, amount), then the adjustments and the totals."""
    words = {code: text(f"web.bonus.{code}", language) for code in ("amount", "attainment", "payout", "curve")}
    rows: list[tuple[str, ...]] = [("", words["attainment"], words["curve"], words["payout"], words["amount"])]
    for line in view.earned:
        rows.append((line.component, line.attainment, line.curve, line.payout, line.amount))
    for line in view.adjustments:
        label = f"{line.component} · {text('web.bonus.adjustment_for', language, period=line.period)}"
        rows.append((label, line.before, "→", line.after, line.amount))
    for code, value in (("total", view.total), ("owed_to_date", view.owed), ("paid_to_date", view.paid),
                        ("payable", view.payable)):  # fmt: skip
        rows.append((text(f"web.bonus.{code}", language), "", "", "", value))
    title = text("web.bonus.statement.title", language)
    subtitle = (
        f"{text('web.bonus.statement.heading', language, plan=view.plan_title, period=view.period)} · {view.person}"
    )
    return text_table_document(rows, title, subtitle, COLUMNS, font_size=11, limit=200)

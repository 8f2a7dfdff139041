"""`kpilot digest`: a person's digest as it would be sent (services.digest), without sending it: in words for the
terminal (`--format text`, the plain text a chat channel gets), as the e-mail's HTML page, or as the data the outbox
keeps (`--format json`). In the person's own language unless `--lang` says another."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, app, err, language, out
from kpilot.cli.output import json_text
from kpilot.cli.reader import given_format
from kpilot.definitions.editing import write_atomically
from kpilot.i18n import Language, text
from kpilot.services.digest import digest
from kpilot.services.digest_data import digest_data
from kpilot.services.digest_render import digest_html, digest_text
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

OPERATOR = Actor.operator()  # whoever reads the workspace's files; the digest is still computed as the person


class DigestFormat(StrEnum):
    TEXT = "text"
    HTML = "html"
    JSON = "json"


FormatOption = Annotated[
    DigestFormat,
    typer.Option("--format", "-f", help="Output format.", callback=given_format, is_eager=True),
]


def now() -> datetime:
    """The moment the digest is made at (tests set it)."""
    return datetime.now(UTC)


@app.command("digest")
def digest_command(
    person: Annotated[str, typer.Option("--person", help="The person's e-mail address.")],
    output: FormatOption = DigestFormat.TEXT,
    file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file, not to the screen.")] = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Show a person's digest of the KPIs they follow, as it would be sent, without sending it.

    The KPIs of their subscriptions (or their own KPIs when they follow nothing), each for its last complete period,
    computed as the person sees them; the biggest changes and unusual values first; their key results and latest
    bonus statement when there are any."""
    with Workspace(workspace) as ws, open_store(ws) as store:
        found = digest(store, ws, OPERATOR, person, now())
    speak = Language.parse(lang) if lang else None
    speak = speak or Language.parse(found.language) or language()
    if output is DigestFormat.JSON:
        written = json_text(digest_data(found)) + "\n"
    elif output is DigestFormat.HTML:
        written = digest_html(found, speak)
    else:
        written = digest_text(found, speak)
    if file is None:
        out.file.write(written)
        return
    write_atomically(file, written)
    err.print(text("cli.digest.wrote", speak, file=str(file)), highlight=False, markup=False)

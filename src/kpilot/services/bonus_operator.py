"""What the local operator (the command line) does in the bonus workflow that the other actors' rules do not cover.

`bonus_workflow.dispute` lets only the person a line is about dispute it, which the local operator (who has no
person) never is. The operator is everyone at once (as for approving their own run), so on the command line they
open the dispute for that person; every other actor goes through the workflow's rule unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kpilot.auth.actor import Actor
from kpilot.i18n import Message
from kpilot.incentives.errors import BonusNotFound
from kpilot.services import bonus_workflow as workflow
from kpilot.store.bonus import BonusStore, Dispute
from kpilot.store.session import Store
from kpilot.workspace import Workspace


def dispute(store: Store, actor: Actor, workspace: Workspace, line_id: int, reason: str, *, now: datetime) -> Dispute:
    """A dispute of a line: by its person, or by the local operator for them."""
    if not actor.local:
        return workflow.dispute(store, actor, workspace, line_id, reason, now=now)
    with store.reading() as session:
        line = BonusStore(session).line(line_id)
    if line is None:
        raise BonusNotFound(Message("incentives.workflow.unknown_line", line=str(line_id)), field="line")
    # Still the local operator (audited as such), speaking for the line's person.
    return workflow.dispute(store, replace(actor, person_id=line.person_id), workspace, line_id, reason, now=now)
